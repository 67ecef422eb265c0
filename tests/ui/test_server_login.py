"""A PC on a set-up shared server (real PostgreSQL): the program opens through the gate, the
log-in dialog shows the unit and, on 登录, connects with the user's own log-in role."""

from __future__ import annotations

import argparse

import pytest
from integration.conftest import pg_url  # noqa: F401 - the throw-away server database
from integration.test_server_permissions import LIAISON_PASSWORD, server  # noqa: F401
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy.engine import make_url

from gongkai_desktop.services.auth import LOGIN_FAILED
from ui import session as ui_session
from ui.dialogs.login import LoginDialog
from ui.main_window import MainWindow

pytestmark = pytest.mark.postgres


def test_the_log_in_dialog_connects_each_user_with_their_own_role(
    qtbot,
    qapp,
    tmp_path,
    monkeypatch,
    drive_modal,
    server,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    """A wrong password: the dialog stays with the one answer, still on the gate; the right
    one: the main window of the liaison, whose every statement runs as their own role."""
    seen: list[tuple[str, str | None]] = []

    def fake_exec() -> int:
        for window in QApplication.topLevelWidgets():
            if isinstance(window, MainWindow) and window.isVisible():
                seen.append((window.ctx.actor.username, make_url(window.ctx.app.db.url).username))
                window.close()
        return 0

    monkeypatch.setattr(qapp, "exec", fake_exec)
    monkeypatch.delenv("GONGKAI_PASSWORD", raising=False)
    args = argparse.Namespace(
        data_dir=str(tmp_path / "pc"), db=str(server["gate"]), as_user=None, smoke=False
    )
    start = ui_session.Start(QApplication.instance(), args)
    answers: list[str] = []

    def log_in(dialog: LoginDialog) -> None:
        qtbot.waitUntil(lambda: dialog.db is not None, timeout=20_000)
        assert dialog.unit.text() == "测试局"
        qtbot.keyClicks(dialog.username, "lly")
        qtbot.keyClicks(dialog.password, "wrong-pass-12")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        answers.append(dialog.error.text())
        assert dialog.db is not None and dialog.db.on_gate
        dialog.password.clear()
        qtbot.keyClicks(dialog.password, LIAISON_PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)

    drive_modal(LoginDialog, log_in)
    try:
        assert start.interactive() == 0
    finally:
        start.close()
    assert answers and LOGIN_FAILED in answers[0]
    assert seen == [("lly", str(server["role"]))]


def test_the_deployment_settings_take_the_gate(
    qtbot, ui_ctx, app_ctx, admin, server, message_boxes
) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """系统管理 › 设置 › 部署方式 with the gate's account: the connection test passes, 应用
    neither migrates nor offers to copy data up (the gate may do neither), and the choice is
    saved for the next start."""
    from gongkai_desktop import deployment
    from ui.pages.admin.deployment import DeploymentDialog

    gate = make_url(str(server["gate"]))
    dialog = DeploymentDialog(ui_ctx(admin))
    qtbot.addWidget(dialog)
    dialog.server_radio.setChecked(True)
    dialog.host.setText(gate.host or "")
    dialog.port.setValue(gate.port or 5432)
    dialog.database.setText(gate.database or "")
    dialog.user.setText(gate.username or "")
    dialog.password.setText(gate.password or "")
    assert dialog.test(), dialog.status.text()
    dialog.apply()
    assert not message_boxes.texts("question")
    chosen = deployment.load(app_ctx.paths.data_dir)
    assert chosen.mode == deployment.SERVER and chosen.server.user == gate.username
