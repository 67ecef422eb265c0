"""系统管理 › 设置 › 部署方式 against the real PostgreSQL: test, switch, copy the data up once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from integration.conftest import pg_url  # noqa: F401 - the throw-away server database
from sqlalchemy.engine import make_url
from support import ADMIN_PASSWORD

from gongkai_desktop import deployment
from gongkai_desktop.db.engine import Database
from gongkai_desktop.services.auth import AuthService
from ui.pages.admin.deployment import DeploymentDialog
from ui.pages.admin.settings import SettingsTab

pytestmark = pytest.mark.postgres


def _fill(dialog: DeploymentDialog, url: str, port: int | None = None) -> None:
    u = make_url(url)
    dialog.server_radio.setChecked(True)
    dialog.host.setText(u.host or "")
    dialog.port.setValue(port or u.port or 5432)
    dialog.database.setText(u.database or "")
    dialog.user.setText(u.username or "")


def test_switch_to_server_copies_the_data_up(qtbot, ui_ctx, app_ctx, admin, pg_url, message_boxes, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """测试连接 succeeds, 应用 migrates the server, copies the local data up and saves the choice."""
    ctx = ui_ctx(admin)
    tab = SettingsTab(ctx)
    qtbot.addWidget(tab)
    assert "本机数据库文件" in tab.deployment_box.summary.text()
    dialog = DeploymentDialog(ctx)
    qtbot.addWidget(dialog)
    assert not dialog.server_box.isEnabled()
    _fill(dialog, pg_url)
    assert dialog.server_box.isEnabled()
    assert dialog.test()
    assert "连接成功" in dialog.status.text()
    dialog.show()
    folder = Path(os.environ.get("GONGKAI_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(folder / "deployment-settings.png"))
    dialog.apply()
    assert any("复制" in t for t in message_boxes.texts("question"))
    chosen = deployment.load(app_ctx.paths.data_dir)
    assert chosen.mode == deployment.SERVER and chosen.server.database == make_url(pg_url).database
    server = Database(pg_url)
    try:
        assert AuthService(server).login("admin", ADMIN_PASSWORD).division_name == "综合处"
    finally:
        server.dispose()


def test_connection_failure_is_explained_and_nothing_saved(qtbot, ui_ctx, app_ctx, admin, pg_url, message_boxes) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """A closed port: the status line says so in Chinese, 应用 refuses, the choice stays local."""
    dialog = DeploymentDialog(ui_ctx(admin))
    qtbot.addWidget(dialog)
    _fill(dialog, pg_url, port=1)
    assert not dialog.test()
    assert "拒绝连接" in dialog.status.text()
    dialog.apply()
    assert "拒绝连接" in message_boxes.last()[2]
    assert deployment.load(app_ctx.paths.data_dir).mode == deployment.LOCAL
