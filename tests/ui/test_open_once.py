"""One activation opens a record once: a real double click (or Enter) on a row of 决策与征求意见,
政策解读 and 首页's to-do list opens its dialog, workbench or page a single time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from gongkai_desktop.domain.decisions import DecisionFields, DecisionType
from gongkai_desktop.domain.disclosure import ItemFields
from gongkai_desktop.domain.interpretation import InterpretationFields
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.decisions import DecisionService
from gongkai_desktop.services.interpretations import InterpretationService
from gongkai_desktop.services.ledger import LedgerService


@pytest.fixture
def kf(app_ctx, admin) -> int:  # type: ignore[no-untyped-def]
    return AdminService(app_ctx.db, admin).division_by_name("开发指导处").id


def shown(qtbot, widget):  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    widget.resize(1366, 728)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def double_click_row(qtbot, view: QAbstractItemView, row: int = 0) -> None:  # type: ignore[no-untyped-def]
    """A real double click in the middle of the row's second cell, with the events a window
    system delivers: press, release, double click, release."""
    rect = view.visualRect(view.model().index(row, 1))
    assert rect.isValid() and view.viewport().rect().contains(rect.center())
    left, at = Qt.MouseButton.LeftButton, rect.center()
    qtbot.mouseClick(view.viewport(), left, pos=at)
    qtbot.mouseDClick(view.viewport(), left, pos=at)
    qtbot.mouseRelease(view.viewport(), left, pos=at)


def test_a_decision_opens_once(qtbot, ui_ctx, liaison, kf, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A double click on a decision shows its dialog once; after Esc it does not come back."""
    from ui.pages.decision_dialog import DecisionDialog
    from ui.pages.decisions import DecisionsPage

    DecisionService(ui_ctx(liaison).db, liaison).create(
        kf, DecisionFields("防止返贫动态监测和帮扶管理办法", DecisionType.NORMATIVE.value)
    )
    opened: list[object] = []

    def exec_and_escape(dialog: DecisionDialog) -> int:
        opened.append(dialog.detail.row.title if dialog.detail else None)
        return 0

    monkeypatch.setattr(DecisionDialog, "exec", exec_and_escape)
    page = shown(qtbot, DecisionsPage(ui_ctx(liaison)))
    double_click_row(qtbot, page.table)
    assert opened == ["防止返贫动态监测和帮扶管理办法"]
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert len(opened) == 2  # Enter opens it too, once


def test_an_interpretation_opens_once(qtbot, ui_ctx, liaison, kf, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A double click on an interpretation opens its workbench once."""
    from ui.pages.interpretations import InterpretationsPage

    InterpretationService(ui_ctx(liaison).db, liaison).create(
        kf, InterpretationFields("《甲》政策解读", "甲", approved_on=date(2021, 3, 1))
    )
    page = shown(qtbot, InterpretationsPage(ui_ctx(liaison)))
    opened: list[int] = []
    monkeypatch.setattr(page, "open_workbench", lambda record_id: opened.append(record_id))
    double_click_row(qtbot, page.table)
    assert opened == [page.model.rows[0].id]


def test_a_to_do_opens_its_page_once(qtbot, main_window, admin, kf, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """A double click on 首页's to-do opens 公开事项 once."""
    formed = date.today() - timedelta(days=60)
    fields = ItemFields("两个月前形成的事项", "执行公开", "proactive", None, formed, channels=("门户网站",))
    LedgerService(app_ctx.db, admin).create_item(kf, fields)
    window = main_window(admin)
    window.resize(1366, 728)
    page = window.page("home")
    qtbot.waitUntil(lambda: page.dashboard is not None, timeout=5000)
    qtbot.waitUntil(lambda: page.attention.model().rowCount() > 0, timeout=5000)
    pages: list[str] = []
    page.open_page.connect(pages.append)
    row = [r.kind for r in page.attention_model.rows].index("公开事项")
    page.attention.scrollTo(page.attention.model().index(row, 1))
    double_click_row(qtbot, page.attention, row)
    assert pages == ["items"]
    assert window.current_key() == "items"


def test_the_to_do_list_shows_six_rows_at_1366x728(qtbot, main_window, admin, liaison, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """On a 1366×728 screen 首页's to-do list, with the demo's overdue reports, shows at least
    six rows."""
    from gongkai_desktop.demo import demo_job
    from gongkai_desktop.progress import run_job

    run_job(demo_job(app_ctx, admin, scale=10))
    window = main_window(liaison)
    window.resize(1366, 728)
    page = window.page("home")
    qtbot.waitUntil(lambda: page.dashboard is not None, timeout=10000)
    assert page.attention.model().rowCount() >= 6
    qtbot.wait(20)
    rows = page.attention.viewport().height() // page.attention.rowHeight(0)
    assert rows >= 6, f"only {rows} rows visible"
