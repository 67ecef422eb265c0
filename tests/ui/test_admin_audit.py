"""Tests of 系统管理 › 审计日志 (ui.pages.admin.audit): filtered, paged rows and the chain check."""

from __future__ import annotations

import pytest
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


def test_audit_rows_newest_first_with_filters(audit_tab, admin, liaison) -> None:  # type: ignore[no-untyped-def]
    """The log lists the newest row first; user, action prefix and outcome filter it."""
    tab = audit_tab(admin)
    rows = tab.model.rows
    assert rows and rows == sorted(rows, key=lambda r: r.id, reverse=True)
    assert {r.action for r in rows} >= {"init", "division.add", "user.add", "login"}
    assert tab.model.data(tab.model.index(0, 0)).count(":") == 2  # local time with seconds

    tab.user.setText("lly_kf")
    tab.search_button.click()
    assert {r.username for r in tab.model.rows} == {"lly_kf"}

    tab.user.clear()
    tab.action.setCurrentIndex(tab.action.findText("division. — 处室"))
    assert tab.action_prefix() == "division."
    tab.search_button.click()
    assert {r.action for r in tab.model.rows} == {"division.add"}
    assert tab.model.data(tab.model.index(0, 2)) == "新增处室（division.add）"


def test_audit_outcome_filter_shows_refusals(audit_tab, admin, liaison, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """A liaison's refused operation appears under 结果 = 拒绝 with its Chinese reason."""
    from gongkai_desktop.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        AdminService(app_ctx.db, liaison).add_division("越权处", DivisionKind.BUSINESS)
    tab = audit_tab(admin)
    tab.outcome.setCurrentIndex(tab.outcome.findText("拒绝"))
    assert [(r.username, r.action) for r in tab.model.rows] == [("lly_kf", "division.add")]
    tab.table.select_first()
    assert "只有管理员可以进行「系统管理」操作" in tab.detail.toPlainText()


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
