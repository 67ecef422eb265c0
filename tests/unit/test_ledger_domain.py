"""Disclosure rules without a database: deadlines across holidays, states, validation, labels."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from gongkai_desktop.calendar import WorkingCalendar
from gongkai_desktop.domain.disclosure import (
    CHANNELS,
    DEFAULT_CATEGORIES,
    WITHHOLD_GROUNDS,
    DeadlineState,
    DisclosureAttribute,
    ItemFields,
    RepostState,
    channels_to_mask,
    compute_deadline,
    deadline_state,
    due_soon_before,
    item_warnings,
    mask_to_channels,
    repost_state,
    split_channels,
    validate_item,
)
from gongkai_desktop.errors import CalendarMissing

P = DisclosureAttribute.PROACTIVE.value
CAL = WorkingCalendar()


def state(deadline: date, today: date, published: date | None = None) -> DeadlineState | None:
    return deadline_state(P, deadline, published, today, due_soon_before(CAL, today))


def test_labels_are_the_exact_national_wording():
    """Categories, grounds, channels and attributes carry the spec's exact labels."""
    assert len(DEFAULT_CATEGORIES) == 22 and DEFAULT_CATEGORIES[-1] == "其他"
    assert "人大建议政协提案办理" in DEFAULT_CATEGORIES and "乡村振兴领域" in DEFAULT_CATEGORIES
    assert WITHHOLD_GROUNDS[2] == "第十四条-危及“三安全一稳定”" and len(WITHHOLD_GROUNDS) == 9
    assert CHANNELS[0] == "门户网站" and len(CHANNELS) == 10
    assert DisclosureAttribute.labels() == ("主动公开", "依申请公开", "不予公开")
    assert [s.label for s in DeadlineState] == ["待公开", "临期", "逾期", "按时公开", "逾期公开", "无法计算"]


@pytest.mark.parametrize(
    ("formed", "deadline"),
    [
        # 春节 2021: 2月11日–17日 off, 2月7日（日）and 2月20日（六）worked.
        (date(2021, 2, 5), date(2021, 3, 10)),
        # 国庆 2021: 10月1日–7日 off, 9月26日（日）and 10月9日（六）worked.
        (date(2021, 9, 28), date(2021, 11, 1)),
        # 春节 2023: 1月21日–27日 off, 1月28日（六）and 1月29日（日）worked.
        (date(2023, 1, 19), date(2023, 2, 21)),
        # A start on a holiday: the first working day after it is day 1.
        (date(2021, 10, 3), date(2021, 11, 3)),
    ],
)
def test_proactive_deadline_counts_working_days_across_holidays(formed, deadline):
    """20 working days after formation, skipping holidays and counting make-up days."""
    assert compute_deadline(CAL, P, "执行公开", formed) == deadline


def test_budget_deadline_is_twenty_calendar_days_whatever_the_holidays():
    """部门预算/决算: 20 calendar days from approval, even over 春节."""
    assert compute_deadline(CAL, P, "部门预算", date(2021, 2, 5)) == date(2021, 2, 25)
    assert compute_deadline(CAL, P, "部门决算", date(2023, 1, 19)) == date(2023, 2, 8)


def test_items_not_proactive_have_no_deadline():
    """依申请公开 and 不予公开 items have no publication deadline and no state."""
    assert compute_deadline(CAL, "on_request", "执行公开", date(2021, 3, 1)) is None
    assert deadline_state("withheld", None, None, date(2021, 3, 1), date(2021, 3, 5)) is None


def test_deadline_in_a_year_without_holiday_data_is_refused():
    """A deadline running into an unknown year fails with the Chinese message, no guessing."""
    calendar = WorkingCalendar()
    last = max(y for y in range(2004, 2100) if calendar.has_year(y))
    with pytest.raises(CalendarMissing, match=f"缺少{last + 1}年的节假日安排"):
        compute_deadline(calendar, P, "执行公开", date(last, 12, 20))


def test_due_soon_bound_at_year_end_without_next_years_data():
    """With under 4 working days left in a known year and the next year unknown, every deadline
    up to 31 Dec is 临期; with today's own year unknown the bound still fails."""
    calendar = WorkingCalendar()
    assert not calendar.has_year(2027)
    assert due_soon_before(calendar, date(2026, 12, 28)) == date(2027, 1, 1)
    assert deadline_state(P, date(2026, 12, 31), None, date(2026, 12, 28), date(2027, 1, 1)) is (
        DeadlineState.DUE_SOON
    )
    assert due_soon_before(calendar, date(2026, 12, 21)) == date(2026, 12, 25)
    with pytest.raises(CalendarMissing, match="缺少2027年"):
        due_soon_before(calendar, date(2027, 3, 1))
    assert deadline_state(P, None, None, date(2026, 12, 28), date(2027, 1, 1)) is DeadlineState.UNKNOWN


def test_due_soon_counts_working_days_over_the_spring_festival():
    """On 2021-02-09, 2月19日 is 3 working days away (临期) though 10 calendar days away."""
    today = date(2021, 2, 9)
    assert due_soon_before(CAL, today) == date(2021, 2, 20)  # 10日, 18日, 19日, 20日（调休）
    assert state(date(2021, 2, 19), today) is DeadlineState.DUE_SOON
    assert state(date(2021, 2, 20), today) is DeadlineState.PENDING
    assert state(today, today) is DeadlineState.DUE_SOON
    assert state(date(2021, 2, 8), today) is DeadlineState.OVERDUE


def test_published_items_are_on_time_or_late_by_their_deadline():
    """Publication on the deadline is on time; the day after is late, whatever today is."""
    deadline = date(2021, 3, 10)
    assert state(deadline, date(2022, 1, 1), deadline) is DeadlineState.ON_TIME
    assert state(deadline, date(2021, 3, 1), date(2021, 3, 11)) is DeadlineState.LATE


def test_withheld_without_ground_and_other_mistakes_are_reported_by_field():
    """不予公开 without a ground, no attribute, a ground on a public item: each named."""
    base = ItemFields("标题", "执行公开", "withheld", None, date(2021, 3, 1))
    problems = validate_item(base, DEFAULT_CATEGORIES)
    assert [(p.field, "依据" in p.message) for p in problems] == [("ground", True)]
    no_attribute = ItemFields("标题", "执行公开", "", None, date(2021, 3, 1))
    assert [p.field for p in validate_item(no_attribute, DEFAULT_CATEGORIES)] == ["attribute"]
    stray = ItemFields("", "自定义", P, "第十五条-个人隐私", date(2021, 3, 1), date(2021, 2, 1))
    fields = [p.field for p in validate_item(stray, DEFAULT_CATEGORIES)]
    assert fields == ["title", "category", "ground", "published_on"]
    custom = [p.field for p in validate_item(stray, (*DEFAULT_CATEGORIES, "自定义"))]
    assert custom == ["title", "ground", "published_on"]


def test_portal_missing_is_a_warning_for_proactive_items_only():
    """主动公开 without 门户网站 is flagged; other attributes are not."""
    assert item_warnings(P, ["微博"]) and not item_warnings(P, ["门户网站", "微博"])
    assert not item_warnings("on_request", [])


def test_channels_round_trip_through_the_bit_mask():
    """Channel labels survive mask conversion in the official order; unknown ones are refused."""
    mask = channels_to_mask(split_channels("微博、门户网站，政府公报"))
    assert mask_to_channels(mask) == ("门户网站", "政府公报", "微博")
    with pytest.raises(ValueError, match="抖音"):
        channels_to_mask(["抖音"])


def test_repost_later_than_24_hours_is_flagged():
    """The 24-hour repost check, for reposted and still pending documents."""
    released = datetime(2021, 5, 1, 9, 0)
    assert repost_state(released, datetime(2021, 5, 2, 9, 0), released) is RepostState.ON_TIME
    assert repost_state(released, datetime(2021, 5, 2, 9, 1), released) is RepostState.LATE
    assert repost_state(released, None, datetime(2021, 5, 1, 20)) is RepostState.PENDING
    assert repost_state(released, None, datetime(2021, 5, 2, 10)) is RepostState.OVERDUE
