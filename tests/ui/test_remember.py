"""Each user's list layout is kept (ui.remember through ui.list_keys): column widths and order,
the sort, the filters and the splitters come back in the next session, for that user only."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from ui.ledger.items_page import ItemsList


def items_of(window) -> ItemsList:  # type: ignore[no-untyped-def]
    window.show_page("items")
    return window.page("items").items


def test_items_layout_comes_back_for_the_same_user_only(qtbot, main_window, admin, liaison) -> None:  # type: ignore[no-untyped-def]
    """A filter chosen, a column widened and moved and the sort changed by clicking a header
    are there again when the admin opens the window next time; the liaison's window is new."""
    first = main_window(admin)
    items = items_of(first)
    header = items.table.horizontalHeader()
    items.state.setFocus()
    qtbot.keyClick(items.state, Qt.Key.Key_Down)  # the first state after 全部
    chosen = items.state.currentText()
    assert chosen != "全部"
    header.resizeSection(0, 333)
    header.moveSection(header.visualIndex(3), 0)
    title_x = header.sectionViewportPosition(0) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(title_x, 5))
    sort = (items.sort_key, items.descending)
    assert sort[0] == "title"
    first.close()

    again = main_window(admin)
    restored = items_of(again)
    assert restored.state.currentText() == chosen
    assert restored.query().state is not None  # the query uses the restored filter
    head = restored.table.horizontalHeader()
    assert head.sectionSize(0) == 333 and head.logicalIndex(0) == 3
    assert (restored.sort_key, restored.descending) == sort
    again.close()

    other = main_window(liaison)
    fresh = items_of(other)
    assert fresh.state.currentText() == "全部" and fresh.sort_key == "formed_on"
    assert fresh.table.horizontalHeader().logicalIndex(0) == 0


def test_splitter_and_record_table_sort_come_back(qtbot, main_window, admin) -> None:  # type: ignore[no-untyped-def]
    """The 依申请公开 list/detail splitter (its division of the width) and its header sort
    are kept."""
    first = main_window(admin)
    first.show_page("requests")
    tab = first.page("requests").requests
    splitter = tab.list_keys.page.findChildren(type(first.splitter))[0]
    splitter.setSizes([300, 700])
    kept = splitter.sizes()
    tab.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    first.close()

    again = main_window(admin)
    again.show_page("requests")
    tab2 = again.page("requests").requests
    splitter2 = tab2.list_keys.page.findChildren(type(again.splitter))[0]
    sizes = splitter2.sizes()  # the same division of the width (Qt scales it to the new width)
    assert abs(sizes[0] / sum(sizes) - kept[0] / sum(kept)) < 0.02
    header = tab2.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        1,
        Qt.SortOrder.DescendingOrder,
    )


def test_audit_filters_come_back(qtbot, main_window, admin, liaison) -> None:  # type: ignore[no-untyped-def]
    """The 审计日志 filters chosen by the admin are chosen again in the next session."""
    first = main_window(admin)
    first.show_page("admin")
    page = first.page("admin")
    page.show_tab("audit")
    tab = page.tab("audit")
    tab.user.setCurrentIndex(tab.user.findText("lly_kf"))
    tab.action.setCurrentIndex(tab.action.findText("登录与注销"))
    first.close()

    again = main_window(admin)
    again.show_page("admin")
    page2 = again.page("admin")
    page2.show_tab("audit")
    tab2 = page2.tab("audit")
    assert (tab2.user.currentText(), tab2.action.currentText()) == ("lly_kf", "登录与注销")
    assert tab2.model.rows and {r.username for r in tab2.model.rows} == {"lly_kf"}
