"""Fixtures of the GUI tests: UI contexts for a user, recorded message boxes, modal-dialog driving.

No native dialog ever opens: ``QMessageBox``'s and ``QFileDialog``'s static functions are replaced
for every test here by ones that fail loudly, and ``message_boxes`` / ``file_dialogs`` replace them
with recorders. Windows are built by the tests themselves (or by factory fixtures) on demand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget

MESSAGE_KINDS = ("information", "warning", "critical", "question", "about")


@pytest.fixture
def cjk_font(qapp):  # type: ignore[no-untyped-def]
    """The program's font and style sheet on the application; restored afterwards (skipped
    without a Chinese font outside CI)."""
    from PySide6.QtGui import QFont
    from support import require_cjk_font

    require_cjk_font()

    from ui import startup as ui_startup

    before, sheet = QFont(qapp.font()), qapp.styleSheet()
    family = ui_startup.apply_font(qapp)
    assert ui_startup.apply_style(qapp)
    yield family
    qapp.setFont(before)
    qapp.setStyleSheet(sheet)


@pytest.fixture(autouse=True)
def no_native_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A guard, not a window: an unexpected message box or file dialog fails the test at once
    instead of blocking it."""

    def refuse(kind: str) -> Callable[..., Any]:
        def fake(_parent: object, title: str = "", text: str = "", *args: object, **kw: object):
            raise AssertionError(f"unexpected QMessageBox.{kind}: {title}: {text}")

        return fake

    for kind in MESSAGE_KINDS:
        monkeypatch.setattr(QMessageBox, kind, refuse(kind))
    for name in ("getOpenFileName", "getSaveFileName", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, refuse(name))


@dataclass
class MessageLog:
    """Message boxes shown during a test, as (kind, title, text)."""

    calls: list[tuple[str, str, str]] = field(default_factory=list)
    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, _title, text in self.calls if kind is None or k == kind]

    def last(self) -> tuple[str, str, str]:
        assert self.calls, "no message box was shown"
        return self.calls[-1]


@pytest.fixture
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> MessageLog:
    """Record every QMessageBox; ``question`` answers ``log.answer`` (Yes unless changed)."""
    log = MessageLog()

    def record(kind: str) -> Callable[..., Any]:
        def fake(_parent: object, title: str = "", text: str = "", *args: object, **kw: object):
            log.calls.append((kind, title, text))
            if kind == "question":
                return log.answer
            return QMessageBox.StandardButton.Ok

        return fake

    for kind in MESSAGE_KINDS:
        monkeypatch.setattr(QMessageBox, kind, record(kind))
    return log


@dataclass
class ConflictAnswers:
    """Conflict dialogs shown during a test; each is answered by clicking ``button`` at once."""

    button: str = "keep_mine"
    shown: list[Any] = field(default_factory=list)

    def last(self) -> Any:
        assert self.shown, "no conflict dialog was shown"
        return self.shown[-1]


@pytest.fixture
def conflict_answers(monkeypatch: pytest.MonkeyPatch) -> ConflictAnswers:
    """Replace ``ConflictDialog.exec``: the dialog is recorded and answered with the button named
    by ``answers.button`` (``keep_mine``, ``take_theirs``, or ``back`` for 返回编辑)."""
    from ui.conflict import ConflictDialog

    answers = ConflictAnswers()

    def answer(dialog: ConflictDialog) -> int:
        answers.shown.append(dialog)
        if answers.button == "back":
            dialog.reject()
        else:
            getattr(dialog, answers.button).click()
        return dialog.result()

    monkeypatch.setattr(ConflictDialog, "exec", answer)
    return answers


@pytest.fixture
def open_file_dialog(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path | None], None]:
    """Make QFileDialog.getOpenFileName answer with the given path (None: cancelled)."""

    def answer(path: Path | None) -> None:
        monkeypatch.setattr(
            QFileDialog,
            "getOpenFileName",
            lambda *args, **kwargs: (str(path) if path else "", ""),
        )

    return answer


@pytest.fixture
def ui_ctx(app_ctx) -> Iterator[Callable[[Any], Any]]:  # type: ignore[no-untyped-def]
    """Build the UiContext of a logged-in actor on the test's database; jobs are awaited after."""
    from ui.context import UiContext
    from ui.worker import wait_for_jobs

    def make(actor: Any) -> UiContext:
        return UiContext.create(app_ctx, actor)

    yield make
    wait_for_jobs()


@pytest.fixture
def main_window(qtbot, ui_ctx):  # type: ignore[no-untyped-def]
    """Factory: a shown MainWindow for an actor (registered with qtbot for clean-up)."""
    from ui.main_window import MainWindow

    def make(actor: Any) -> MainWindow:
        window = MainWindow(ui_ctx(actor))
        qtbot.addWidget(window)
        with qtbot.waitExposed(window):
            window.show()
        return window

    return make


@pytest.fixture
def drive_modal(qtbot) -> Callable[..., None]:  # type: ignore[no-untyped-def]
    """Schedule ``action(dialog)`` for the next modal dialog of a class that opens with exec().

    The dialog is rejected afterwards if the action left it open, so a failing step never blocks
    the test; an exception in the action fails the test through pytest-qt's capture.
    """
    pending: list[bool] = []

    def drive(cls: type[QDialog], action: Callable[[Any], None], attempts: int = 500) -> None:
        pending.append(True)
        state = {"left": attempts}

        def poll() -> None:
            widget: QWidget | None = QApplication.activeModalWidget()
            if isinstance(widget, cls):
                try:
                    action(widget)
                finally:
                    if widget.isVisible():
                        widget.reject()
                    pending.pop()
                return
            state["left"] -= 1
            if state["left"] <= 0:
                pending.pop()
                raise AssertionError(f"no modal {cls.__name__} appeared")
            QTimer.singleShot(10, poll)

        QTimer.singleShot(0, poll)

    yield drive
    assert not pending, "a scheduled dialog never appeared"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: ``GONGKAI_SHOTS_DIR`` when set (to look at them), else the test's
    temporary folder."""
    import os

    folder = Path(os.environ.get("GONGKAI_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
