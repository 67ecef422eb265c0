"""系统管理 › 回收站 (ui.pages.admin.recycle): the admin sees deleted records and restores one with
the mouse or Enter, after saying yes."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.ledger import ItemFields, LedgerService
from ui.pages.admin.recycle import EMPTY


def deleted_item(app_ctx, admin, title: str) -> int:  # type: ignore[no-untyped-def]
    ledger = LedgerService(app_ctx.db, admin)
    division = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    row = ledger.create_item(
        division,
        ItemFields(
            title=title,
            category="决策公开",
            attribute="proactive",
            ground=None,
            formed_on=date(2021, 2, 5),
            channels=("门户网站",),
        ),
    )
    ledger.delete_item(row.id, None)
    return row.id


def recycle_tab(qtbot, main_window, admin):  # type: ignore[no-untyped-def]
    window = main_window(admin)
    window.show_page("admin")
    page = window.page("admin")
    page.show_tab("recycle")
    tab = page.tab("recycle")
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window, tab


def test_empty_bin_says_so(qtbot, main_window, admin) -> None:  # type: ignore[no-untyped-def]
    """With nothing deleted the bin explains itself and 恢复 is disabled."""
    _window, tab = recycle_tab(qtbot, main_window, admin)
    assert tab.list_keys.hint.text() == EMPTY and tab.list_keys.hint.isVisible()
    assert not tab.restore_button.isEnabled()


def test_restore_by_enter_after_confirmation(
    qtbot, main_window, admin, app_ctx, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    """Selecting the deleted item and pressing Enter asks; 是 restores it to 公开事项; 否 keeps it."""
    item_id = deleted_item(app_ctx, admin, "已删除的预算公开")
    _window, tab = recycle_tab(qtbot, main_window, admin)
    assert [r.title for r in tab.model.rows] == ["已删除的预算公开"]
    rect = tab.table.visualRect(tab.table.model().index(0, 2))
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.restore_button.isEnabled()
    message_boxes.answer = QMessageBox.StandardButton.No
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert len(tab.model.rows) == 1
    message_boxes.answer = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert tab.model.rows == []
    assert message_boxes.last()[1] == "已恢复"
    assert LedgerService(app_ctx.db, admin).get_item(item_id).title == "已删除的预算公开"
