"""公开事项 service on a real SQLite file: SQL states, search, permissions, conflicts, holidays."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from gongkai_desktop.db.ledger_models import DisclosureItem
from gongkai_desktop.db.models import AuditEntry
from gongkai_desktop.domain import checks
from gongkai_desktop.domain.disclosure import DeadlineState, DisclosureAttribute, ItemFields
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.errors import ConflictError, PermissionDenied, ValidationError
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.calendar import CalendarService
from gongkai_desktop.services.ledger import ItemQuery, LedgerService


def fields(title: str = "关于印发2021年工作要点的通知", **kw) -> ItemFields:  # type: ignore[no-untyped-def]
    values = {
        "title": title,
        "category": "决策公开",
        "attribute": "proactive",
        "ground": None,
        "formed_on": date(2021, 2, 5),
        "channels": ("门户网站",),
    }
    values.update(kw)
    return ItemFields(**values)  # type: ignore[arg-type]


def division_id(app_ctx, admin, name: str) -> int:  # type: ignore[no-untyped-def]
    return AdminService(app_ctx.db, admin).division_by_name(name).id


@pytest.fixture
def ledger(app_ctx, admin):  # type: ignore[no-untyped-def]
    return LedgerService(app_ctx.db, admin)


def test_deadline_is_stored_and_states_are_filtered_in_sql(app_ctx, admin, ledger):
    """Each state filter of the SQL query returns exactly the items of that state."""
    kf = division_id(app_ctx, admin, "开发指导处")
    ledger.create_item(kf, fields("临期事项", formed_on=date(2021, 1, 18)))  # deadline 2月19日
    ledger.create_item(kf, fields("待公开事项", formed_on=date(2021, 1, 19)))  # deadline 2月20日
    ledger.create_item(kf, fields("逾期事项", formed_on=date(2021, 1, 4)))
    ledger.create_item(
        kf, fields("按时公开事项", formed_on=date(2021, 1, 4), published_on=date(2021, 1, 10))
    )
    ledger.create_item(
        kf, fields("逾期公开事项", formed_on=date(2020, 12, 1), published_on=date(2021, 2, 1))
    )
    ledger.create_item(kf, fields("依申请事项", attribute="on_request"))
    today = ledger.today(date(2021, 2, 9))
    found = {
        s: [r.title for r in ledger.list_items(ItemQuery(state=s), today=today)]
        for s in DeadlineState
        if s is not DeadlineState.UNKNOWN
    }
    assert found == {
        DeadlineState.DUE_SOON: ["临期事项"],
        DeadlineState.PENDING: ["待公开事项"],
        DeadlineState.OVERDUE: ["逾期事项"],
        DeadlineState.ON_TIME: ["按时公开事项"],
        DeadlineState.LATE: ["逾期公开事项"],
    }
    rows = {r.title: r for r in ledger.list_items(ItemQuery(), today=today)}
    assert rows["临期事项"].deadline == date(2021, 2, 19) and rows["临期事项"].days_left == 3
    assert rows["依申请事项"].state is None
    counts = ledger.state_counts(ItemQuery(), today)
    assert counts.total == 6 and set(counts.by_state) == set(DeadlineState) - {DeadlineState.UNKNOWN}
    assert all(n == 1 for n in counts.by_state.values())
    assert ledger.count_items(ItemQuery(state=DeadlineState.OVERDUE), today) == 1


def test_filters_and_sorting_run_in_the_query(app_ctx, admin, ledger):
    """Year, division, category, attribute, channel, portal flag and sort order all apply."""
    kf = division_id(app_ctx, admin, "开发指导处")
    sb = division_id(app_ctx, admin, "社会帮扶处")
    ledger.create_item(kf, fields("甲", formed_on=date(2021, 3, 1), channels=("微博",)))
    ledger.create_item(sb, fields("乙", formed_on=date(2021, 4, 1), category="政府采购"))
    ledger.create_item(sb, fields("丙", formed_on=date(2020, 4, 1)))
    ledger.create_item(
        kf,
        fields("丁", formed_on=date(2021, 5, 1), attribute="withheld", ground="第十五条-个人隐私"),
    )

    def titles(**kw):  # type: ignore[no-untyped-def]
        return [r.title for r in ledger.list_items(ItemQuery(**kw))]

    assert titles(year=2021) == ["丁", "乙", "甲"]
    assert titles(year=2021, descending=False) == ["甲", "乙", "丁"]
    assert titles(division_id=sb) == ["乙", "丙"]
    assert titles(category="政府采购") == ["乙"]
    assert titles(attribute=DisclosureAttribute.WITHHELD) == ["丁"]
    assert titles(channel="微博") == ["甲"]
    assert titles(portal_missing=True) == ["甲"]
    assert titles(sort="division", descending=False)[:2] == ["甲", "丁"]


def test_search_uses_trigrams_and_falls_back_to_like_for_short_terms(app_ctx, admin, ledger):
    """≥3 characters match through FTS5 (title, 文号, notes); 1–2 characters through LIKE."""
    kf = division_id(app_ctx, admin, "开发指导处")
    ledger.create_item(kf, fields("于都县以工代赈项目验收结果公示"))
    ledger.create_item(kf, fields("其他事项", doc_number="赣乡振发〔2021〕7号"))
    ledger.create_item(kf, fields("第三件", notes="已同步在政务新媒体发布"))

    def titles(text: str) -> list[str]:
        return sorted(r.title for r in ledger.list_items(ItemQuery(text=text)))

    assert titles("以工代赈") == ["于都县以工代赈项目验收结果公示"]
    assert titles("〔2021〕7") == ["其他事项"]
    assert titles("新媒体") == ["第三件"]
    assert titles("于都") == ["于都县以工代赈项目验收结果公示"]
    assert titles("件") == ["第三件"]
    assert titles("7号") == ["其他事项"]
    assert titles("于都 验收") == ["于都县以工代赈项目验收结果公示"]
    assert titles('"%_') == []
    item = ledger.list_items(ItemQuery(text="以工代赈"))[0]
    ledger.update_item(item.id, item.version, kf, fields("于都县光伏帮扶项目公示"))
    assert titles("以工代赈") == [] and titles("光伏帮扶") == ["于都县光伏帮扶项目公示"]
    ledger.delete_item(item.id, item.version + 1)
    assert titles("光伏帮扶") == []


def test_liaison_edits_only_their_division_and_refusals_are_audited(app_ctx, admin, liaison):
    """A liaison creates in their division; another division's item is refused and audited."""
    service = LedgerService(app_ctx.db, liaison)
    own = service.create_item(liaison.division_id, fields("本处室事项"))
    assert own.editable
    sb = division_id(app_ctx, admin, "社会帮扶处")
    other = LedgerService(app_ctx.db, admin).create_item(sb, fields("他处室事项"))
    assert not service.get_item(other.id).editable
    with pytest.raises(PermissionDenied, match="只能编辑本处室"):
        service.update_item(other.id, other.version, sb, fields("改他处室"))
    with pytest.raises(PermissionDenied):
        service.mark_published([own.id, other.id], date(2021, 2, 10))
    with pytest.raises(PermissionDenied):
        service.create_item(sb, fields("替他处室登记"))
    assert service.get_item(own.id).published_on is None  # nothing changed
    assert service.get_item(other.id).title == "他处室事项"
    with app_ctx.db.read() as s:
        denied = list(
            s.scalars(select(AuditEntry.action).where(AuditEntry.outcome == "denied"))
        )
    assert denied == ["item.update", "item.mark_published", "item.create"]


def test_leader_reads_but_cannot_change(app_ctx, admin, make_user, ledger):
    """领导 sees everything read-only and is refused any change."""
    item = ledger.create_item(division_id(app_ctx, admin, "开发指导处"), fields())
    leader = LedgerService(app_ctx.db, make_user("boss", "综合处", Role.LEADER))
    assert leader.list_items(ItemQuery())[0].editable is False
    with pytest.raises(PermissionDenied, match="只能查看"):
        leader.delete_item(item.id, item.version)


def test_concurrent_edit_raises_conflict_with_the_other_version(app_ctx, admin, ledger):
    """Two users edit the same version: the second save is refused and sees the first's data."""
    kf = division_id(app_ctx, admin, "开发指导处")
    item = ledger.create_item(kf, fields("原标题"))
    ledger.update_item(item.id, item.version, kf, fields("甲改的标题"))
    with pytest.raises(ConflictError) as conflict:
        ledger.update_item(item.id, item.version, kf, fields("乙改的标题"))
    assert conflict.value.current["title"] == "甲改的标题"
    assert conflict.value.current["version"] == item.version + 1
    saved = ledger.update_item(item.id, conflict.value.current["version"], kf, fields("乙改的标题"))
    assert saved.title == "乙改的标题"


def test_invalid_item_is_refused_with_chinese_field_messages(app_ctx, admin, ledger):
    """不予公开 without a ground and a missing attribute are refused, naming the fields."""
    kf = division_id(app_ctx, admin, "开发指导处")
    with pytest.raises(ValidationError) as refused:
        ledger.create_item(kf, fields(attribute="withheld"))
    assert refused.value.params["fields"] == ["ground"]
    assert "「不公开依据」" in str(refused.value)
    with pytest.raises(ValidationError, match="公开属性必须在登记时认定"):
        ledger.create_item(kf, fields(attribute=""))
    assert ledger.count_items(ItemQuery()) == 0


def test_bulk_publication_sets_date_link_and_portal(app_ctx, admin, ledger):
    """标记已公开 applies to all selected items at once and adds 门户网站."""
    kf = division_id(app_ctx, admin, "开发指导处")
    a = ledger.create_item(kf, fields("甲", channels=()))
    b = ledger.create_item(kf, fields("乙"))
    assert ledger.mark_published([a.id, b.id], date(2021, 2, 10), "http://x/1") == 2
    for row in ledger.list_items(ItemQuery()):
        assert (row.published_on, row.link, row.portal_missing) == (
            date(2021, 2, 10),
            "http://x/1",
            False,
        )
        assert row.state is DeadlineState.ON_TIME
    with pytest.raises(ValidationError, match="晚于公开日期"):
        ledger.mark_published([a.id], date(2021, 1, 1))


def test_deadlines_follow_a_holiday_change(app_ctx, admin, ledger):
    """A day turned into a holiday moves stored deadlines on the next refresh."""
    item = ledger.create_item(division_id(app_ctx, admin, "开发指导处"), fields())
    assert item.deadline == date(2021, 3, 10)
    CalendarService(app_ctx.db, admin).set_override(date(2021, 2, 22), False, "测试假日")
    assert ledger.refresh_deadlines() == 1
    assert ledger.get_item(item.id).deadline == date(2021, 3, 11)
    assert ledger.refresh_deadlines() == 0


def test_item_whose_deadline_needs_an_unknown_year_is_saved_without_deadline(
    app_ctx, admin, ledger, notice_text, monkeypatch
):
    """Without 2027's arrangement an item formed 2026-12-04 is stored with state 无法计算 (the
    message naming 2027), filtered apart from the open states, and gets its deadline once the
    arrangement is entered."""
    monkeypatch.setattr(checks, "today", lambda: date(2026, 12, 10))
    assert not ledger.calendar().has_year(2027)
    kf = division_id(app_ctx, admin, "开发指导处")
    item = ledger.create_item(kf, fields("跨年事项", formed_on=date(2026, 12, 4)))
    assert item.deadline is None and item.state is DeadlineState.UNKNOWN
    assert "2027年" in item.deadline_problem and "请管理员" in item.deadline_problem
    edited = ledger.update_item(item.id, item.version, kf, fields("跨年事项（改）", formed_on=date(2026, 12, 7)))
    assert edited.deadline is None and edited.state is DeadlineState.UNKNOWN
    today = ledger.today(date(2026, 12, 10))
    for state in (DeadlineState.PENDING, DeadlineState.DUE_SOON, DeadlineState.OVERDUE):
        assert ledger.list_items(ItemQuery(state=state), today=today) == []
    assert [r.id for r in ledger.list_items(ItemQuery(state=DeadlineState.UNKNOWN), today=today)] == [item.id]
    assert ledger.state_counts(ItemQuery(), today).by_state == {DeadlineState.UNKNOWN: 1}
    calendars = CalendarService(app_ctx.db, admin)
    calendars.store_notice(calendars.preview_notice(notice_text("notice-2027"), 2027))
    assert ledger.refresh_deadlines() == 1
    row = ledger.get_item(item.id)
    assert row.deadline == date(2027, 1, 5) and row.deadline_problem == ""
    assert row.state is not DeadlineState.UNKNOWN


def test_due_soon_at_year_end_without_next_years_calendar(app_ctx, admin, ledger, monkeypatch):
    """On 2026-12-28 (no 2027 data, 3 working days left in the year) an item due 2026-12-31 is 临期."""
    monkeypatch.setattr(checks, "today", lambda: date(2026, 12, 28))
    kf = division_id(app_ctx, admin, "开发指导处")
    item = ledger.create_item(kf, fields("年末事项", formed_on=date(2026, 12, 3)))
    assert item.deadline == date(2026, 12, 31)
    today = ledger.today(date(2026, 12, 28))
    assert today.soon_before == date(2027, 1, 1)
    assert [r.title for r in ledger.list_items(ItemQuery(state=DeadlineState.DUE_SOON), today=today)] == ["年末事项"]
    assert ledger.list_items(ItemQuery(), today=today)[0].state is DeadlineState.DUE_SOON
    assert ledger.state_counts(ItemQuery(), today).by_state == {DeadlineState.DUE_SOON: 1}


def test_admin_adds_a_category_that_items_may_use(app_ctx, admin, liaison, ledger):
    """A category added by the admin is accepted; a liaison may not add one."""
    assert "营商环境" in ledger.add_category("营商环境")
    item = ledger.create_item(liaison.division_id, fields(category="营商环境"))
    assert item.category == "营商环境"
    with pytest.raises(PermissionDenied):
        LedgerService(app_ctx.db, liaison).add_category("其他类")


def test_every_change_is_audited_with_before_and_after(app_ctx, admin, ledger):
    """Create, update and delete each write one audit row naming the item's UUID."""
    kf = division_id(app_ctx, admin, "开发指导处")
    item = ledger.create_item(kf, fields())
    ledger.update_item(item.id, item.version, kf, fields("新标题"))
    ledger.delete_item(item.id, item.version + 1)
    with app_ctx.db.read() as s:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.entity_id == item.uuid)))
        deleted = s.get(DisclosureItem, item.id)
    assert [r.action for r in rows] == ["item.create", "item.update", "item.delete"]
    assert '"新标题"' in (rows[1].after or "") and deleted is not None and deleted.deleted_at
