"""Tests of 系统管理 › 审计日志 (ui.pages.admin.audit): filtered, paged rows and the chain check."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from gongkai_desktop.domain.labels import DivisionKind
from gongkai_desktop.services.admin import AdminService
from ui.pages.admin import audit as audit_module
from ui.pages.admin.audit import AuditTab


@pytest.fixture
def audit_tab(qtbot, ui_ctx):  # type: ignore[no-untyped-def]
    """Factory: the audit tab of an actor, shown and loaded."""

    def make(actor) -> AuditTab:  # type: ignore[no-untyped-def]
        tab = AuditTab(ui_ctx(actor))
        qtbot.addWidget(tab)
        tab.resize(1100, 600)
        tab.show()
        tab.tab_shown()
        return tab

    return make


def choose(qtbot, box, text: str) -> None:  # type: ignore[no-untyped-def]
    """Pick ``text`` in a filter menu with the keyboard, as a user does."""
    box.setFocus()
    index = box.findText(text)
    assert index >= 0, text
    while box.currentIndex() != index:
        key = Qt.Key.Key_Down if box.currentIndex() < index else Qt.Key.Key_Up
        qtbot.keyClick(box, key)


def test_audit_rows_newest_first_in_chinese_with_filters(qtbot, audit_tab, admin, liaison) -> None:  # type: ignore[no-untyped-def]
    """The log lists the newest row first in Chinese words; user, division, kind and action
    filter it as soon as they are chosen."""
    tab = audit_tab(admin)
    rows = tab.model.rows
    assert rows and rows == sorted(rows, key=lambda r: r.id, reverse=True)
    assert {r.code for r in rows} >= {"init", "division.add", "user.add", "login"}
    assert tab.model.data(tab.model.index(0, 0)).count(":") == 2  # local time with seconds
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(8)]
    assert headers == ["时间", "用户", "处室", "记录类别", "操作", "记录", "结果", "说明"]

    choose(qtbot, tab.user, "lly_kf")
    assert {r.username for r in tab.model.rows} == {"lly_kf"}
    choose(qtbot, tab.user, "全部用户")
    choose(qtbot, tab.kind, "处室")
    choose(qtbot, tab.action, "新增")
    assert {r.code for r in tab.model.rows} == {"division.add"}
    assert {tab.model.data(tab.model.index(0, 4))} == {"新增处室"}
    assert "开发指导处" in {r.record for r in tab.model.rows}
    choose(qtbot, tab.kind, "全部类别")
    choose(qtbot, tab.action, "全部操作")
    choose(qtbot, tab.division, "开发指导处")
    assert tab.model.rows and {r.division for r in tab.model.rows} == {"开发指导处"}


def test_audit_outcome_filter_shows_refusals(qtbot, audit_tab, admin, liaison, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """A liaison's refused operation appears under 结果 = 拒绝 with its Chinese reason."""
    from gongkai_desktop.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        AdminService(app_ctx.db, liaison).add_division("越权处", DivisionKind.BUSINESS)
    tab = audit_tab(admin)
    choose(qtbot, tab.outcome, "拒绝")
    assert [(r.username, r.code) for r in tab.model.rows] == [("lly_kf", "division.add")]
    qtbot.mouseClick(
        tab.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=tab.table.visualRect(tab.table.model().index(0, 1)).center(),
    )
    assert "只有管理员可以进行「系统管理」操作" in tab.detail.toPlainText()


def test_audit_export_writes_what_the_filters_select(
    qtbot, audit_tab, admin, liaison, tmp_path, monkeypatch, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    """导出 Excel… writes the rows of the chosen filters to the file chosen, in Chinese."""
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "审计.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    tab = audit_tab(admin)
    choose(qtbot, tab.user, "lly_kf")
    shown = len(tab.model.rows)
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    assert message_boxes.last()[1] == "导出完成"
    rows = list(openpyxl.load_workbook(target).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == shown + 1 and {r[1] for r in rows[1:]} == {"lly_kf"}
    assert rows[1][4] == tab.model.rows[0].action


def test_audit_empty_result_says_what_to_do(qtbot, audit_tab, admin) -> None:  # type: ignore[no-untyped-def]
    """A filter that selects nothing says so, and 导出 is disabled."""
    tab = audit_tab(admin)
    choose(qtbot, tab.outcome, "失败")
    assert tab.model.rows == []
    assert "没有符合条件的记录" in tab.count.text()
    assert not tab.export_button.isEnabled()


def test_audit_load_more_pages_backwards(audit_tab, admin, app_ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """加载更多 appends the next older page until the first row is reached."""
    service = AdminService(app_ctx.db, admin)
    for n in range(5):
        service.add_division(f"第{n}处", DivisionKind.BUSINESS)
    monkeypatch.setattr(audit_module, "PAGE_SIZE", 3)
    tab = audit_tab(admin)
    assert len(tab.model.rows) == 3 and tab.more_button.isEnabled()
    total = len(service.audit_log(limit=1000)) - 1  # reading the log itself is not audited
    while tab.more_button.isEnabled():
        tab.more_button.click()
    ids = [r.id for r in tab.model.rows]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert len(ids) >= total
    assert "已到最早的记录" in tab.count.text()


def test_verify_chain_ok(audit_tab, admin, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """校验哈希链 on an intact log reports 哈希链完整 with the row count."""
    tab = audit_tab(admin)
    tab.verify_button.click()
    kind, title, text_ = message_boxes.last()
    assert (kind, title) == ("information", "哈希链完整")
    assert "哈希链完整" in text_
    assert tab.last_report is not None and tab.last_report.ok


def test_verify_chain_reports_tampering(audit_tab, admin, app_ctx, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """A row changed behind the app's back is named as the first broken link."""
    with app_ctx.db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        triggers = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log'")
        ).scalars()
        for name in list(triggers):
            conn.execute(text(f'DROP TRIGGER "{name}"'))
        conn.execute(text("UPDATE audit_log SET detail='改过' WHERE id=2"))
    tab = audit_tab(admin)
    tab.verify_button.click()
    kind, title, text_ = message_boxes.last()
    assert (kind, title) == ("warning", "哈希链断开")
    assert "第 2 条记录处断开" in text_


def test_audit_date_filter_keeps_a_typed_year(qtbot, audit_tab, admin) -> None:  # type: ignore[no-untyped-def]
    """A date typed into the 日期 filter is read whole: 2025-03-15 filters from 2025, not from
    this year."""
    from datetime import date

    tab = audit_tab(admin)
    qtbot.mouseClick(tab.use_dates, Qt.MouseButton.LeftButton)
    assert tab.since.isEnabled()
    tab.since.setFocus()
    tab.since.selectAll()
    qtbot.keyClicks(tab.since, "2025-03-15")
    assert tab.query().since == date(2025, 3, 15)
