"""Tests of ui.worker: jobs run off the GUI thread, serially, report progress and can be cancelled."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from gongkai_desktop.errors import Cancelled, ValidationError
from gongkai_desktop.progress import Progress
from ui.worker import Worker, call_job, job_pool, run_with_progress, wait_for_jobs


def counting_job(steps: int, record: list[int] | None = None):  # type: ignore[no-untyped-def]
    def factory(cancel):  # type: ignore[no-untyped-def]
        for i in range(steps):
            cancel.check()
            if record is not None:
                record.append(threading.get_ident())
            yield Progress(i + 1, steps, f"第 {i + 1} 步")
        return steps * 10

    return factory


def endless_job(cancel):  # type: ignore[no-untyped-def]
    for i in range(10_000):
        time.sleep(0.005)
        yield Progress(i, 0, "进行中")
    return "not cancelled"


def test_worker_reports_progress_and_result(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A job's Progress steps arrive as progress signals and its return value as finished."""
    worker = Worker(counting_job(3))
    steps: list[tuple[int, int, str]] = []
    worker.signals.progress.connect(lambda d, t, m: steps.append((d, t, m)))
    with qtbot.waitSignal(worker.signals.finished, timeout=5000) as blocker:
        worker.start()
    assert blocker.args == [30]
    qtbot.waitUntil(lambda: len(steps) == 3)
    assert steps == [(1, 3, "第 1 步"), (2, 3, "第 2 步"), (3, 3, "第 3 步")]


def test_worker_cancel_stops_the_job(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Setting the cancel token ends the job at its next step with Cancelled."""
    worker = Worker(endless_job)
    worker.signals.progress.connect(lambda *_: worker.cancel.cancel())
    with qtbot.waitSignal(worker.signals.failed, timeout=5000) as blocker:
        worker.start()
    assert isinstance(blocker.args[0], Cancelled)


def test_worker_reports_job_errors(qtbot) -> None:  # type: ignore[no-untyped-def]
    """An exception raised by the job comes back through failed, not as a crash."""

    def failing():  # type: ignore[no-untyped-def]
        raise ValidationError("输入有误。")

    worker = Worker(call_job(failing, "正在处理"))
    with qtbot.waitSignal(worker.signals.failed, timeout=5000) as blocker:
        worker.start()
    assert str(blocker.args[0]) == "输入有误。"


def test_jobs_run_serially_on_one_worker_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Jobs share one worker thread (so SQLite writes never overlap), never the GUI thread."""
    seen: list[int] = []
    first, second = Worker(counting_job(2, seen)), Worker(counting_job(2, seen))
    with qtbot.waitSignals([first.signals.finished, second.signals.finished], timeout=5000):
        first.start()
        second.start()
    assert job_pool().maxThreadCount() == 1
    assert len(set(seen)) == 1
    assert seen[0] != threading.get_ident()


def test_run_with_progress_returns_result(qtbot) -> None:  # type: ignore[no-untyped-def]
    """run_with_progress waits for the job and returns its value."""
    assert run_with_progress(None, counting_job(4), "测试") == 40


def test_run_with_progress_raises_job_error(qtbot) -> None:  # type: ignore[no-untyped-def]
    """run_with_progress re-raises the job's error on the GUI thread."""

    def failing():  # type: ignore[no-untyped-def]
        raise ValidationError("备份文件已损坏。")

    with pytest.raises(ValidationError, match="备份文件已损坏"):
        run_with_progress(None, call_job(failing, "正在恢复"), "测试")


def test_progress_dialog_cancel_button_cancels(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Pressing 取消 in the progress dialog cancels the job and raises Cancelled."""

    def press_cancel() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)]
        if not dialogs or not dialogs[0].isVisible():
            QTimer.singleShot(20, press_cancel)
            return
        button = dialogs[0].findChild(QPushButton)
        assert button is not None and button.text() == "取消"
        button.click()

    QTimer.singleShot(0, press_cancel)
    with pytest.raises(Cancelled):
        run_with_progress(None, endless_job, "测试")
    wait_for_jobs()
