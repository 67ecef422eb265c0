"""Text that must not be cut off at 1366 pixels: the search boxes, the liaison's 处室, the full
check of the selected row on 政策解读 and 决策与征求意见."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai_desktop.domain.decisions import DecisionFields, DecisionType
from gongkai_desktop.domain.interpretation import InterpretationFields
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.decisions import DecisionService
from gongkai_desktop.services.interpretations import InterpretationService
from ui.widgets import filter_label

PAGES = {
    "interpretations": "ui.pages.interpretations:InterpretationsPage",
    "decisions": "ui.pages.decisions:DecisionsPage",
}


def page_of(qtbot, ui_ctx, actor, key):  # type: ignore[no-untyped-def]
    import importlib

    module, name = PAGES[key].split(":")
    page = getattr(importlib.import_module(module), name)(ui_ctx(actor))
    qtbot.addWidget(page)
    page.resize(1366 - 176, 680)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.mark.parametrize("key", list(PAGES))
def test_a_liaison_reads_their_division_where_the_menu_would_be(qtbot, ui_ctx, liaison, key) -> None:  # type: ignore[no-untyped-def]
    """The liaison has no 处室 menu; its label reads 「处室：开发指导处」 instead of an empty 「处室：」."""
    page = page_of(qtbot, ui_ctx, liaison, key)
    label = filter_label(page.division)
    assert label is not None and not page.division.isVisible()
    assert label.isVisible() and label.text() == "处室：开发指导处"


@pytest.mark.parametrize("key", list(PAGES))
def test_an_admin_has_the_menu_after_its_label(qtbot, ui_ctx, admin, key) -> None:  # type: ignore[no-untyped-def]
    """The admin keeps 「处室：」 and the menu; the search box is wide enough for its hint."""
    page = page_of(qtbot, ui_ctx, admin, key)
    assert page.division.isVisible() and filter_label(page.division).text() == "处室："
    needed = page.search.fontMetrics().horizontalAdvance(page.search.placeholderText())
    assert page.search.width() >= needed + 16


def test_the_selected_rows_check_is_shown_in_full(qtbot, ui_ctx, admin, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """Selecting an interpretation out of sync, or a decision, shows its whole check under the list."""
    kf = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    InterpretationService(app_ctx.db, admin).create(
        kf,
        InterpretationFields(
            "《乙》政策解读", "乙", approved_on=date(2021, 3, 2), document_approved_on=date(2021, 3, 1)
        ),
    )
    DecisionService(app_ctx.db, admin).create(
        kf, DecisionFields("防止返贫动态监测和帮扶管理办法", DecisionType.NORMATIVE.value)
    )
    interpretations = page_of(qtbot, ui_ctx, admin, "interpretations")
    assert not interpretations.check_line.isVisible()
    interpretations.table.selectRow(0)
    row = interpretations.model.rows[0]
    assert interpretations.check_line.isVisible()
    assert interpretations.check_line.text() == f"《乙》政策解读：⚠ {'；'.join(row.sync_problems)}"
    decisions = page_of(qtbot, ui_ctx, admin, "decisions")
    decisions.table.selectRow(0)
    assert decisions.check_line.text().startswith("防止返贫动态监测和帮扶管理办法：")
    assert len(decisions.check_line.text()) > len("防止返贫动态监测和帮扶管理办法：")
