"""The same keys on every list page (ui.list_keys, the main window's 编辑 and 页面 menus), empty
lists that say what to do and buttons that need a selection, through real key and mouse events."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit

from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.ledger import ItemFields, LedgerService
from ui.ledger.item_form import ItemDialog
from ui.list_keys import COMMANDS, FILTERED_HINT, ListKeys, list_keys_of
from ui.pages import PAGES


def add_item(app_ctx, admin, title: str) -> None:  # type: ignore[no-untyped-def]
    division = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    LedgerService(app_ctx.db, admin).create_item(
        division,
        ItemFields(
            title=title,
            category="决策公开",
            attribute="proactive",
            ground=None,
            formed_on=date.today(),
            channels=("门户网站",),
        ),
    )


@pytest.fixture
def items_window(qtbot, main_window, admin):  # type: ignore[no-untyped-def]
    """The main window on 公开事项, active, with its list."""
    window = main_window(admin)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.show_page("items")
    items = window.page("items").items
    return window, items


def activate(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Make the window the active one (keys go to the active window's focus widget)."""
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def click_row(qtbot, table, row: int = 0) -> None:  # type: ignore[no-untyped-def]
    activate(qtbot, table.window())
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_empty_list_says_what_to_do_and_selection_buttons_wait(items_window) -> None:  # type: ignore[no-untyped-def]
    """An empty 公开事项 list says how to add items; 查看/编辑, 删除 and 标记已公开 are disabled."""
    _window, items = items_window
    hint = items.list_keys.hint
    assert hint.isVisible() and hint.text() == "尚无公开事项。点击「新增事项」或「导入…」。"
    for button in (items.open_button, items.delete_button, items.publish_button):
        assert not button.isEnabled()
    assert items.new_button.isEnabled()


def test_selection_enables_buttons_and_keys_open_and_delete(
    qtbot, app_ctx, admin, items_window, drive_modal, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    """Clicking a row enables the buttons; Enter opens it once; Delete asks and deletes it."""
    add_item(app_ctx, admin, "2026年部门预算")
    window, items = items_window
    items.refresh()
    assert not items.list_keys.hint.isVisible()
    click_row(qtbot, items.table)
    assert items.open_button.isEnabled() and items.delete_button.isEnabled()
    opened: list[str] = []
    drive_modal(ItemDialog, lambda dialog: opened.append(dialog.windowTitle()))
    qtbot.keyClick(items.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(opened) == 1)
    assert len(opened) == 1
    click_row(qtbot, items.table)
    qtbot.keyClick(items.table, Qt.Key.Key_Delete)
    assert message_boxes.calls and "2026年部门预算" in message_boxes.calls[-1][2]
    assert items.model.rowCount() == 0 and items.list_keys.hint.isVisible()
    assert not items.delete_button.isEnabled()


def test_ctrl_n_and_ctrl_f_from_anywhere_in_the_window(qtbot, items_window, drive_modal) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+N opens 新增 even with the focus in the navigation; Ctrl+F puts it in the search box,
    where Delete edits the text instead of deleting a record."""
    window, items = items_window
    activate(qtbot, window)
    window.nav.setFocus()
    seen: list[bool] = []
    drive_modal(ItemDialog, lambda dialog: seen.append(True))
    qtbot.keyClick(window.nav, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: seen == [True])
    activate(qtbot, window)  # the closed dialog stays the active window offscreen
    qtbot.keyClick(window.nav, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is items.search
    qtbot.keyClicks(items.search, "xy")
    qtbot.keyClick(items.search, Qt.Key.Key_Home)
    qtbot.keyClick(items.search, Qt.Key.Key_Delete)
    assert items.search.text() == "y"
    items.refresh()
    assert items.list_keys.hint.text() == FILTERED_HINT


def test_tooltips_and_the_edit_menu_name_the_keys(items_window) -> None:  # type: ignore[no-untyped-def]
    """Buttons carry their key in the tooltip; the 编辑 menu lists the five commands with keys."""
    window, items = items_window
    shown = {c.name: c.shown_key for c in COMMANDS}  # in Qt's own words (回车 once translated)
    assert items.new_button.toolTip() == "新增事项（Ctrl+N）"
    assert items.delete_button.toolTip() == f"删除（{shown['delete']}）"
    assert "Ctrl+F" in items.search.toolTip()
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "编辑(&E)")
    entries = [(a.text().split("\t")[0], a.shortcut().toString(QKeySequence.SequenceFormat.NativeText) or a.text().split("\t")[-1])
               for a in menu.actions()]  # fmt: skip
    assert entries == [
        ("新增", "Ctrl+N"),
        ("保存", "Ctrl+S"),
        ("搜索", "Ctrl+F"),
        ("删除", shown["delete"]),
        ("打开", shown["open"]),
    ]
    assert shown["open"] in ("Return", "回车")


def test_every_page_has_a_key(qtbot, main_window, admin) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+1 … Ctrl+9, Ctrl+0 and Ctrl+Shift+1 reach every page, and the 页面 menu says so."""
    window = main_window(admin)
    with qtbot.waitActive(window):
        window.activateWindow()
    assert len(PAGES) == 11
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == PAGES[9].key
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_1, shift_ctrl)
    assert window.current_key() == PAGES[10].key == "admin"
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "页面(&V)")
    assert [a.text() for a in menu.actions()] == [spec.title for spec in PAGES]
    assert all(not a.shortcut().isEmpty() for a in menu.actions())


@pytest.mark.parametrize(
    ("key", "empty"),
    [
        ("documents", "尚无规范性文件"),
        ("interpretations", "尚无政策解读"),
        ("decisions", "尚无决策记录"),
        ("engagement", "尚无新闻发布会记录"),
        ("requests", "尚无依申请公开登记"),
    ],
)
def test_other_list_pages_share_the_keys(qtbot, main_window, admin, key, empty) -> None:  # type: ignore[no-untyped-def]
    """Every list page answers the same keys, says what to do when empty, and has 删除 and
    打开 disabled while there is nothing to act on."""
    window = main_window(admin)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.show_page(key)
    activate(qtbot, window)
    keys = list_keys_of(window.page(key))
    assert keys is not None and keys.hint.text().startswith(empty)
    qtbot.keyClick(window.nav, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(QApplication.focusWidget(), QLineEdit)
    assert QApplication.focusWidget() is keys.search
    for tab_keys in window.page(key).findChildren(ListKeys):  # every tab of the page
        assert tab_keys.hint.text(), type(tab_keys.page).__name__
        for name in ("delete", "open"):
            if name in tab_keys.buttons:
                assert not tab_keys.buttons[name].isEnabled(), (type(tab_keys.page), name)
