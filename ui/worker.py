"""The one generic worker: runs a core job (a generator of ``Progress``) off the GUI thread.

Jobs run on a single-thread pool, so two of them never write to SQLite at the same time. A job is
given as a factory ``factory(cancel) -> generator``; the factory is called on the worker thread, so
even its set-up work stays off the GUI thread. Only plain data crosses the thread boundary: the
worker gets no widget, and reports back through the signals of ``WorkerSignals`` (queued to the
GUI thread).

``run_with_progress`` is what dialogs use: it shows a ``QProgressDialog`` whose 取消 sets the
job's ``CancelToken``, waits for the job while the GUI keeps painting, and returns the job's result
or raises its error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from gongkai_desktop.errors import Cancelled, GongkaiError
from gongkai_desktop.progress import CancelToken, Progress

log = logging.getLogger(__name__)

JobFactory = Callable[[CancelToken], Generator[Progress, None, Any]]

_pool: QThreadPool | None = None
# Python owns the runnables until they report: PySide would otherwise let a started worker and its
# signals object be collected while the thread still uses them.
_running: set[Worker] = set()


def job_pool() -> QThreadPool:
    """The application's single-thread pool for jobs (created on first use)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
        _pool.setObjectName("gongkai-jobs")
    return _pool


def wait_for_jobs(timeout_ms: int = -1) -> bool:
    """Block until every queued job finished (at exit, and in tests)."""
    if _pool is None:
        return True
    return _pool.waitForDone(timeout_ms)


def call_job(fn: Callable[[], Any], message: str) -> JobFactory:
    """Wrap a plain service call (a backup, a restore) as a job with one progress step."""

    def factory(_cancel: CancelToken) -> Generator[Progress, None, Any]:
        yield Progress(0, 0, message)
        return fn()

    return factory


def cancellable_call(fn: Callable[[CancelToken], Any], message: str) -> JobFactory:
    """Wrap a call that checks the worker's cancel token itself (a reader of a big file)."""

    def factory(cancel: CancelToken) -> Generator[Progress, None, Any]:
        yield Progress(0, 0, message)
        return fn(cancel)

    return factory


class WorkerSignals(QObject):
    """Signals of a worker; lives in the GUI thread, emitted from the worker thread."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class Worker(QRunnable):
    """Runs one job to its end, between steps honouring the cancel token."""

    def __init__(self, factory: JobFactory, cancel: CancelToken | None = None) -> None:
        super().__init__()
        self.factory = factory
        self.cancel = cancel or CancelToken()
        self.signals = WorkerSignals()
        self.setAutoDelete(False)

    def start(self) -> Worker:
        """Queue the job on the job pool; returns self for chaining."""
        _running.add(self)
        self.signals.finished.connect(self._release)
        self.signals.failed.connect(self._release)
        job_pool().start(self)
        return self

    def _release(self, _payload: object) -> None:
        _running.discard(self)

    def run(self) -> None:
        try:
            result = self._run_job()
        except BaseException as exc:  # everything goes back to the GUI thread
            if not isinstance(exc, Cancelled):
                log.warning("job failed: %s", exc, exc_info=not isinstance(exc, GongkaiError))
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)

    def _run_job(self) -> Any:
        job = self.factory(self.cancel)
        while True:
            if self.cancel.cancelled:
                job.close()
                raise Cancelled()
            try:
                step = next(job)
            except StopIteration as stop:
                return stop.value
            self.signals.progress.emit(step.done, step.total, step.message)


class _ProgressRun(QObject):
    """Connects one worker to one progress dialog and a local event loop (GUI thread only)."""

    def __init__(self, dialog: QProgressDialog, worker: Worker) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.worker = worker
        self.loop = QEventLoop(self)
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        worker.signals.progress.connect(self.on_progress, Qt.ConnectionType.QueuedConnection)
        worker.signals.finished.connect(self.on_finished, Qt.ConnectionType.QueuedConnection)
        worker.signals.failed.connect(self.on_failed, Qt.ConnectionType.QueuedConnection)
        dialog.canceled.connect(self.on_cancel)

    @Slot(int, int, str)
    def on_progress(self, done: int, total: int, message: str) -> None:
        if self.dialog.wasCanceled() and not self.worker.cancel.cancelled:
            self.on_cancel()  # closed by Esc or the window's close button
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        else:
            self.dialog.setMaximum(0)  # busy indicator: the job cannot tell how far it is
        if message:
            self.dialog.setLabelText(message)

    @Slot(object)
    def on_finished(self, result: object) -> None:
        self.result = result
        self._end()

    @Slot(object)
    def on_failed(self, error: object) -> None:
        self.error = error if isinstance(error, BaseException) else RuntimeError(str(error))
        self._end()

    @Slot()
    def on_cancel(self) -> None:
        self.worker.cancel.cancel()
        self.dialog.setLabelText("正在取消……")

    def _end(self) -> None:
        self.done = True
        self.loop.quit()


def run_with_progress(
    parent: QWidget | None,
    job_factory: JobFactory,
    title: str,
    label: str = "请稍候……",
    cancellable: bool = True,
) -> Any:
    """Run a job on the worker with a modal progress dialog; return its result or raise its error.

    Cancelling raises ``Cancelled`` once the job has stopped at its next step. The GUI stays live
    (the dialog repaints, the window can be moved) because a local event loop waits for the job.
    """
    dialog = QProgressDialog(label, "取消" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setMinimumWidth(360)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.setValue(0)  # starts the dialog's own timer that shows it after minimumDuration
    worker = Worker(job_factory)
    run = _ProgressRun(dialog, worker)
    worker.start()
    if not run.done:
        run.loop.exec()
    dialog.reset()
    dialog.hide()
    dialog.deleteLater()
    if run.error is not None:
        raise run.error
    return run.result
