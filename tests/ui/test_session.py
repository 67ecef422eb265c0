"""Tests of a start and a session (ui.session): the log-in dialog before the data, 注销 and
切换用户 without restarting, the wizard's admin logged in at once."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select
from support import ADMIN_PASSWORD, LIAISON_PASSWORD

from gongkai_desktop.db.models import AuditEntry
from gongkai_desktop.domain.labels import DivisionKind
from gongkai_desktop.services.setup import initialize
from ui import session as ui_session
from ui.dialogs.login import WAITING_MESSAGE, LoginDialog
from ui.dialogs.wizard import FirstRunWizard
from ui.main_window import MainWindow


def args_for(data: Path) -> argparse.Namespace:
    return argparse.Namespace(data_dir=str(data), db=None, as_user=None, smoke=False)


@pytest.fixture
def shown_windows(qapp, monkeypatch):  # type: ignore[no-untyped-def]
    """Replace the event loop of the main window: record who is logged in, close it, return 0."""
    seen: list[str] = []

    def fake_exec() -> int:
        for window in QApplication.topLevelWidgets():
            if isinstance(window, MainWindow) and window.isVisible():
                seen.append(window.ctx.actor.username)
                window.close()
        return 0

    monkeypatch.setattr(qapp, "exec", fake_exec)
    monkeypatch.delenv("GONGKAI_PASSWORD", raising=False)
    return seen


def test_enter_before_the_data_is_open_logs_in_once_it_is(
    qtbot, tmp_path, shown_windows, drive_modal
) -> None:  # type: ignore[no-untyped-def]
    """The log-in dialog opens without a database; 登录 pressed (Enter) while the data is still
    opening says so, and the log-in happens as soon as it is open."""
    from gongkai_desktop.app import open_app

    data = tmp_path / "data"
    ctx = open_app(data)
    initialize(ctx.db, "测试局", "admin", ADMIN_PASSWORD)
    ctx.close()
    start = ui_session.Start(QApplication.instance(), args_for(data))
    waiting: list[str] = []

    def log_in(dialog: LoginDialog) -> None:
        assert dialog.db is None and not start.loader.started
        qtbot.keyClicks(dialog.username, "admin")
        qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        waiting.append(dialog.waiting.text() if dialog.waiting.isVisible() else "")
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)

    drive_modal(LoginDialog, log_in)
    try:
        assert start.interactive() == 0
    finally:
        start.close()
    assert waiting == [WAITING_MESSAGE]
    assert shown_windows == ["admin"]


def test_first_run_wizard_logs_the_new_admin_in(
    qtbot, tmp_path, shown_windows, drive_modal, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    """On an empty data folder the wizard opens instead of the log-in, and the admin it creates
    is in the main window when it finishes, without a log-in dialog."""
    start = ui_session.Start(QApplication.instance(), args_for(tmp_path / "new"))
    dialogs: list[str] = []

    def finish(wizard: FirstRunWizard) -> None:
        wizard.unit_page.name.setText("江西省测试局")
        wizard.next()
        wizard.divisions_page.add_row("开发指导处", "", DivisionKind.BUSINESS)
        wizard.next()
        wizard.admin_page.username.setText("zhangsan")
        wizard.admin_page.passwords.first.setText("kaifang2024")
        wizard.admin_page.passwords.second.setText("kaifang2024")
        wizard.next()
        wizard.finish_page.demo.setChecked(False)
        wizard.button(FirstRunWizard.WizardButton.FinishButton).click()
        dialogs.extend(type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible())

    drive_modal(FirstRunWizard, finish)
    try:
        assert start.interactive() == 0
    finally:
        start.close()
    assert shown_windows == ["zhangsan"]
    assert "LoginDialog" not in dialogs


def file_menu_action(window: MainWindow, text: str):  # type: ignore[no-untyped-def]
    menu = window.menuBar().actions()[0].menu()
    return next(a for a in menu.actions() if a.text().startswith(text))


def test_logout_offers_the_same_user_and_switch_user_an_empty_name(
    qtbot, app_ctx, admin, liaison, drive_modal
) -> None:  # type: ignore[no-untyped-def]
    """文件 › 注销 closes the window, audits it and shows the log-in with the same user name;
    文件 › 切换用户 asks for a user name, and the other user gets a main window of their own."""
    controller = ui_session.Controller(app_ctx)
    first = controller.open_main(admin)
    offered: list[tuple[str, bool]] = []

    def log_in_again(username: str, password: str):  # type: ignore[no-untyped-def]
        def act(dialog: LoginDialog) -> None:
            offered.append((dialog.username.text(), dialog.focusWidget() is dialog.password))
            dialog.username.clear()
            qtbot.keyClicks(dialog.username, username)
            qtbot.keyClicks(dialog.password, password)
            qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)

        return act

    drive_modal(LoginDialog, log_in_again("admin", ADMIN_PASSWORD))
    with qtbot.waitSignal(first.destroyed, timeout=20_000):
        file_menu_action(first, "注销").trigger()
    second = controller.window
    assert second is not None and second is not first
    qtbot.addWidget(second)
    assert second.ctx.actor.username == "admin" and second.isVisible()

    drive_modal(LoginDialog, log_in_again(liaison.username, LIAISON_PASSWORD))
    with qtbot.waitSignal(second.destroyed, timeout=20_000):
        file_menu_action(second, "切换用户").trigger()
    third = controller.window
    assert third is not None
    qtbot.addWidget(third)
    assert third.ctx.actor.username == liaison.username
    assert offered == [("admin", True), ("", False)]
    assert QApplication.quitOnLastWindowClosed()
    with app_ctx.db.read() as session:
        details = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "logout").order_by(AuditEntry.id)
        ).all()
    assert details == ["注销", "切换用户"]


def test_damage_found_behind_the_dialog_offers_the_backup(tmp_path, qapp, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """The integrity check runs on the start-up thread; the damage it finds is handed to the GUI
    thread, which offers the newest verified backup and opens the restored data."""
    from gongkai_desktop import backup
    from gongkai_desktop.app import DamagedDatabase, open_app
    from gongkai_desktop.services.admin import AdminService

    data = tmp_path / "data"
    ctx = open_app(data)
    actor = initialize(ctx.db, "测试局", "admin", ADMIN_PASSWORD)
    backup.make_backup(ctx.paths.db_path, ctx.paths.backups_dir, reason="manual")
    ctx.close()
    db_path = data / "gongkai.db"
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    db_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8192)

    start = ui_session.Start(QApplication.instance(), args_for(data))
    try:
        start.loader.start()
        assert start.loader.join(30)
        assert isinstance(start.loader.error, DamagedDatabase)
        message_boxes.answer = QMessageBox.StandardButton.Yes
        reopened = start._take_loaded(True)
        assert reopened is not None
        assert message_boxes.calls[0][1] == "数据库已损坏"
        assert AdminService(reopened.db, actor).get_setting("unit_name") == "测试局"
    finally:
        start.close()
