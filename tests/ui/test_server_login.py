"""A PC on a set-up shared server (real PostgreSQL): the program opens through the gate, the
log-in dialog shows the unit and, on 登录, connects with the user's own log-in role."""

from __future__ import annotations

import argparse

import pytest
from integration.conftest import pg_url  # noqa: F401 - the throw-away server database
from integration.test_server_permissions import LIAISON_PASSWORD
from integration.test_server_permissions import server as server  # noqa: F401
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
    qtbot, ui_ctx, app_ctx, admin, server, message_boxes, shots
) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """系统管理 › 设置 › 部署方式 with the gate's account: the connection test passes, 应用
    neither migrates nor offers to copy data up (the gate may do neither), and the choice is
    saved for the next start."""
    from gongkai_desktop import deployment
    from ui.pages.admin.deployment import DeploymentDialog

    gate = make_url(str(server["gate"]))
    dialog = DeploymentDialog(ui_ctx(admin))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.server_radio, Qt.MouseButton.LeftButton)
    for field, value in (
        (dialog.host, gate.host or ""),
        (dialog.port, str(gate.port or 5432)),
        (dialog.database, gate.database or ""),
        (dialog.user, gate.username or ""),
        (dialog.password, gate.password or ""),
    ):
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(field, value)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "连接" in dialog.status.text(), timeout=20_000)
    assert "连接成功" in dialog.status.text(), dialog.status.text()
    assert dialog.grab().save(str(shots / "deployment-gate.png"))
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert not message_boxes.texts("question")
    chosen = deployment.load(app_ctx.paths.data_dir)
    assert chosen.mode == deployment.SERVER and chosen.server.user == gate.username
    assert (chosen.server.host, chosen.server.port, chosen.server.database) == (
        gate.host,
        gate.port or 5432,
        gate.database,
    )


@pytest.mark.parametrize("role", ["liaison", "leader"])
def test_every_page_works_on_a_users_own_credential(
    qtbot, tmp_path, pg_url, run_cli, message_boxes, role
) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Demo data on a set-up server; through the gate, a liaison and a leader open every page
    they can reach: the server's narrower rights (no password hashes, other divisions'
    applicants hidden from a liaison, no writes for a leader) raise no error anywhere."""
    from gongkai_desktop.app import open_app
    from gongkai_desktop.demo import demo_job
    from gongkai_desktop.domain.labels import Role
    from gongkai_desktop.progress import run_job
    from gongkai_desktop.server_setup import create_login, gate_role, setup_server
    from gongkai_desktop.services.admin import AdminService
    from gongkai_desktop.services.auth import AuthService
    from ui.context import UiContext
    from ui.pages import PAGES
    from ui.worker import wait_for_jobs

    owner = open_app(tmp_path / "owner", pg_url)
    try:
        run_job(demo_job(owner, None, scale=5))
        admin = AuthService(owner.db).login("admin", "demo-gk-2026")
        service = AdminService(owner.db, admin)
        division = next(d for d in service.list_divisions() if d.kind.value == "business")
        service.add_user("pc_user", "pc-user-pass-1", division.id, Role(role))
    finally:
        owner.close()
    setup_server(pg_url, "gate-pass-2026")
    create_login(pg_url, "pc_user", "pc-user-pass-2")
    gate = make_url(pg_url).set(
        username=gate_role(str(make_url(pg_url).database)), password="gate-pass-2026"
    )
    ctx = open_app(tmp_path / "pc", gate.render_as_string(False))
    try:
        actor = AuthService(ctx.db).login("pc_user", "pc-user-pass-2")
        window = MainWindow(UiContext.create(ctx, actor))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        for spec in PAGES:
            if spec.admin_only:
                continue
            window.show_page(spec.key)
            page = window.page(spec.key)
            if hasattr(page, "dashboard"):
                qtbot.waitUntil(lambda page=page: page.dashboard is not None, timeout=20_000)
            wait_for_jobs()
            qtbot.wait(30)
        window.close()
    finally:
        wait_for_jobs()
        ctx.close()
    problems = [c for c in message_boxes.calls if c[0] in ("warning", "critical")]
    assert problems == []
