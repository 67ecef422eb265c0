"""首页's compliance dashboard: rule meters, quarterly reports and the to-do list of the user's
scope, computed on the worker; a to-do opens its page."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gongkai_desktop.domain.compliance import RULES
from gongkai_desktop.domain.disclosure import ItemFields
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.ledger import LedgerService


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GONGKAI_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def overdue_item(app_ctx, admin):  # type: ignore[no-untyped-def]
    """A 主动公开 item of 开发指导处 formed two months ago and still unpublished."""
    kf = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    formed = date.today() - timedelta(days=60)
    fields = ItemFields("两个月前形成的事项", "执行公开", "proactive", None, formed, channels=("门户网站",))
    return LedgerService(app_ctx.db, admin).create_item(kf, fields)


def loaded_home(qtbot, main_window, actor):  # type: ignore[no-untyped-def]
    window = main_window(actor)
    window.resize(1366, 768)
    page = window.page("home")
    qtbot.waitUntil(lambda: page.dashboard is not None, timeout=5000)
    return window, page


def test_dashboard_shows_every_rule_and_the_overdue_item(
    qtbot, main_window, admin, overdue_item, shots
):
    """Every rule has a row with its meter; the overdue item is in the to-do list, and a double
    click on it opens 公开事项."""
    window, page = loaded_home(qtbot, main_window, admin)
    assert page.rules.rowCount() == len(RULES)
    texts = [page.rules.item(r, 0).text() for r in range(page.rules.rowCount())]
    assert texts == [rule.text for rule in RULES]
    proactive = texts.index(RULES[0].text)
    assert page.rules.item(proactive, 2).text().startswith("0 / 0 / 1")
    assert page.rules.item(proactive, 3).text() == "未达标"
    assert "依据：《中华人民共和国政府信息公开条例》第二十六条" in page.rules.item(proactive, 0).toolTip()
    rows = page.attention_model.rows
    assert [r.title for r in rows if r.kind == "公开事项"] == ["两个月前形成的事项"]
    window.grab().save(str(shots / "home-dashboard.png"))
    # At 1366×768 every rule can be reached: all rows fit, or the user has a scroll bar.
    qtbot.wait(20)
    rows_height = sum(page.rules.rowHeight(r) for r in range(page.rules.rowCount()))
    fits = page.rules.viewport().height() >= rows_height
    assert fits or page.rules.verticalScrollBar().isVisible()
    box = page.rules.parentWidget()
    assert page.rules.geometry().bottom() <= box.rect().bottom()  # not cut off by its box
    assert window.height() <= 768  # and the window was not forced taller than the screen
    page.attention.selectRow(0)
    index = page.attention.model().index(0, 1)
    page.attention.activated.emit(index)
    assert window.current_key() == "items"


def test_a_liaison_has_no_scope_choice_and_sees_their_division(
    qtbot, main_window, liaison, overdue_item
):
    """A liaison's dashboard is their own division's; there is no scope menu to change it."""
    window, page = loaded_home(qtbot, main_window, liaison)
    assert not page.scope.isVisible()
    assert page.dashboard.scope == "开发指导处"
    assert page.scope_label.text().startswith("开发指导处")
    assert {r.division_name for r in page.attention_model.rows} <= {"开发指导处"}


def test_changing_the_scope_recounts(qtbot, main_window, admin, overdue_item):
    """Choosing another division recomputes the dashboard for it."""
    window, page = loaded_home(qtbot, main_window, admin)
    first = page.dashboard
    page.load_dashboard()  # a count under way when the scope changes must not swallow the change
    page.scope.setCurrentIndex(page.scope.findText("社会帮扶处", Qt.MatchFlag.MatchExactly))
    qtbot.waitUntil(lambda: page.dashboard is not first and not page._loading, timeout=5000)
    assert page.dashboard.scope == "社会帮扶处"
    assert [r for r in page.attention_model.rows if r.kind == "公开事项"] == []
