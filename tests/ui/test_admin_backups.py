"""Tests of 系统管理 › 备份与恢复 (ui.pages.admin.backups): backups on the worker, restore with
confirmation, the database check."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtWidgets import QMessageBox

from gongkai_desktop import backup
from gongkai_desktop.domain.labels import DivisionKind
from gongkai_desktop.services.admin import AdminService
from ui.pages.admin.backups import BackupsTab


@pytest.fixture
def backups_tab(qtbot, ui_ctx):  # type: ignore[no-untyped-def]
    """Factory: the backups tab of an actor, shown and loaded."""

    def make(actor) -> BackupsTab:  # type: ignore[no-untyped-def]
        tab = BackupsTab(ui_ctx(actor))
        qtbot.addWidget(tab)
        tab.show()
        tab.tab_shown()
        return tab

    return make


def test_backup_now_creates_a_verified_file(backups_tab, admin, app_ctx, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """立即备份 writes a backup file in the data folder and lists it, selected."""
    tab = backups_tab(admin)
    assert tab.model.rows == []
    tab.backup_button.click()
    files = list(app_ctx.paths.backups_dir.glob("gongkai-*-manual.db"))
    assert len(files) == 1 and files[0].stat().st_size > 0
    assert [b.path for b in tab.model.rows] == files
    assert tab.table.selected().reason_label == "手动"
    kind, title, text = message_boxes.last()
    assert (kind, title) == ("information", "备份完成")
    assert str(files[0]) in text


def test_restore_asks_and_brings_data_back(
    backups_tab, admin, app_ctx, message_boxes, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """从备份恢复 asks first; after 是 the data is as in the backup and a new log-in is requested."""
    # A backup made a minute ago (the button is tested above): with the same second as the
    # "before-restore" backup, rotation would be decided by file names.
    backup.make_backup(
        app_ctx.paths.db_path,
        app_ctx.paths.backups_dir,
        reason="manual",
        now=datetime.now() - timedelta(minutes=1),
    )
    tab = backups_tab(admin)
    AdminService(app_ctx.db, admin).add_division("备份后新增处", DivisionKind.BUSINESS)
    assert tab.table.select_where(lambda b: b.reason == "manual")

    message_boxes.answer = QMessageBox.StandardButton.No
    tab.restore_button.click()
    names = [d.name for d in AdminService(app_ctx.db, admin).list_divisions()]
    assert "备份后新增处" in names

    message_boxes.answer = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(tab.relogin_requested):
        tab.restore_button.click()
    names = [d.name for d in AdminService(app_ctx.db, admin).list_divisions()]
    assert "备份后新增处" not in names
    assert any(b.reason == "before-restore" for b in tab.service().list_backups())
    assert message_boxes.last()[1] == "恢复完成"


def test_database_check(backups_tab, admin, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """数据库检查 reports integrity, foreign keys and the audit chain in Chinese."""
    tab = backups_tab(admin)
    tab.check_button.click()
    kind, title, text = message_boxes.last()
    assert (kind, title) == ("information", "检查通过")
    assert "完整性检查：通过" in text and "哈希链完整" in text


def test_liaison_cannot_back_up(backups_tab, liaison, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """Backups are an admin operation: the refusal is shown instead of a list."""
    backups_tab(liaison)
    assert message_boxes.last()[:2] == ("warning", "无权操作")
