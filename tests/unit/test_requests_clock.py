"""Clock rules of a disclosure request (SPEC §10.1) on real holiday arrangements.

Expected dates are counted by hand from the State Council notices: 2021 春节 2月11日至17日 off with
2月7日（日）and 2月20日（六）worked; 2021 中秋 9月19日至21日 off with 9月18日（六）worked; 2021 国庆
10月1日至7日 off with 9月26日（日）and 10月9日（六）worked.
"""

from __future__ import annotations

from datetime import date

import pytest

from gongkai_desktop.calendar import WorkingCalendar
from gongkai_desktop.domain.request_clock import (
    RequestClock,
    answer_deadline,
    clock_problems,
    correction_notice_deadline,
    correction_notice_late,
    request_status,
    request_timeline,
)
from gongkai_desktop.domain.requests import (
    OUTCOME_LABELS,
    OUTCOME_NO_CORRECTION,
    Channel,
    RequestState,
    is_outcome,
    receipt_date_rule,
)
from gongkai_desktop.errors import CalendarMissing


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def test_outcome_labels_are_the_national_rows_exactly() -> None:
    """The 21 outcome labels are exactly SPEC §10.1's list, in the table's order."""
    expected = """予以公开
部分公开
不予公开-属于国家秘密
不予公开-其他法律行政法规禁止公开
不予公开-危及“三安全一稳定”
不予公开-保护第三方合法权益
不予公开-属于三类内部事务信息
不予公开-属于四类过程性信息
不予公开-属于行政执法案卷
不予公开-属于行政查询事项
无法提供-本机关不掌握相关政府信息
无法提供-没有现成信息需要另行制作
无法提供-补正后申请内容仍不明确
不予处理-信访举报投诉类申请
不予处理-重复申请
不予处理-要求提供公开出版物
不予处理-无正当理由大量反复申请
不予处理-要求行政机关确认或重新出具已获取信息
其他处理-申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请
其他处理-申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请
其他处理-其他""".splitlines()
    assert list(OUTCOME_LABELS) == expected
    assert not is_outcome("不予公开")
    assert not is_outcome("其他")


def test_deadline_across_spring_festival(cal: WorkingCalendar) -> None:
    """A request received 2021-02-08 is due 2021-03-12: the festival is skipped, 2月20日（六）counts."""
    assert answer_deadline(cal, RequestClock(date(2021, 2, 8))) == date(2021, 3, 12)


def test_deadline_across_national_day_counts_make_up_days(cal: WorkingCalendar) -> None:
    """Received Fri 2021-09-24: day 1 is Sun 9月26日 (worked), 10月9日（六）counts; due 10月27日."""
    assert answer_deadline(cal, RequestClock(date(2021, 9, 24))) == date(2021, 10, 27)


def test_receipt_on_a_holiday_counts_from_the_next_working_day(cal: WorkingCalendar) -> None:
    """Received on 国庆 2021-10-02: 10月8日 is day 1, so the 20th working day is 11月3日."""
    assert answer_deadline(cal, RequestClock(date(2021, 10, 2))) == date(2021, 11, 3)


def test_corrected_request_restarts_the_period(cal: WorkingCalendar) -> None:
    """With a 补正, the 20 working days run from the corrected request's arrival, not receipt."""
    clock = RequestClock(date(2021, 9, 1), date(2021, 9, 3), date(2021, 9, 24))
    assert answer_deadline(cal, clock) == date(2021, 10, 27)


def test_consultation_and_extension_days_are_added(cal: WorkingCalendar) -> None:
    """5 consultation + 10 approved extension working days make the deadline the 35th working
    day; without a recorded approval the extension moves nothing."""
    clock = RequestClock(
        date(2021, 9, 1),
        date(2021, 9, 3),
        date(2021, 9, 24),
        consultation_days=5,
        extension_days=10,
        extension_approved_by="王主任",
        extension_approved_on=date(2021, 10, 20),
    )
    assert answer_deadline(cal, clock) == date(2021, 11, 17)
    unapproved = RequestClock(
        date(2021, 9, 1), date(2021, 9, 3), date(2021, 9, 24), consultation_days=5, extension_days=10
    )
    assert answer_deadline(cal, unapproved) == date(2021, 11, 3)


def test_awaiting_correction_has_no_deadline(cal: WorkingCalendar) -> None:
    """While the corrected request has not arrived the clock waits: no deadline, state 待补正."""
    clock = RequestClock(date(2021, 9, 1), date(2021, 9, 3))
    assert answer_deadline(cal, clock) is None
    assert request_status(cal, clock, date(2022, 1, 1)).state is RequestState.AWAITING_CORRECTION


def test_correction_notice_within_seven_working_days(cal: WorkingCalendar) -> None:
    """Received 2021-02-08, the 补正 notice is due 2月23日 (festival skipped); 2月24日 is flagged."""
    receipt = date(2021, 2, 8)
    assert correction_notice_deadline(cal, receipt) == date(2021, 2, 23)
    assert not correction_notice_late(cal, RequestClock(receipt, date(2021, 2, 23)))
    late = RequestClock(receipt, date(2021, 2, 24))
    assert correction_notice_late(cal, late)
    assert "补正告知超过7个工作日" in request_status(cal, late, date(2021, 2, 24)).flags


@pytest.mark.parametrize(
    ("today", "state", "left"),
    [
        (date(2021, 10, 21), RequestState.OPEN, 4),
        (date(2021, 10, 22), RequestState.DUE_SOON, 3),
        (date(2021, 10, 27), RequestState.DUE_SOON, 0),
        (date(2021, 10, 28), RequestState.OVERDUE, -1),
    ],
)
def test_open_states_by_working_days_left(
    cal: WorkingCalendar, today: date, state: RequestState, left: int
) -> None:
    """Open requests are 办理中, 临期 with ≤3 working days left, 逾期 after the deadline."""
    status = request_status(cal, RequestClock(date(2021, 9, 24)), today)
    assert status.deadline == date(2021, 10, 27)
    assert (status.state, status.days_left) == (state, left)


def test_due_soon_counts_working_days_not_calendar_days(cal: WorkingCalendar) -> None:
    """On 9月30日 a 10月11日 deadline is 3 working days away (10月8日、9日、11日): 临期 despite 11 days."""
    clock = RequestClock(date(2021, 9, 7))  # due 2021-10-11
    assert answer_deadline(cal, clock) == date(2021, 10, 11)
    status = request_status(cal, clock, date(2021, 9, 30))
    assert (status.state, status.days_left) == (RequestState.DUE_SOON, 3)


def test_closed_states(cal: WorkingCalendar) -> None:
    """Answered on the deadline is 按期办结, a day later 逾期办结 (whatever day it is now)."""
    on_time = RequestClock(date(2021, 9, 24), answer_date=date(2021, 10, 27))
    late = RequestClock(date(2021, 9, 24), answer_date=date(2021, 10, 28))
    assert request_status(cal, on_time, date(2030, 1, 1)).state is RequestState.CLOSED_ON_TIME
    assert request_status(cal, late, date(2021, 10, 28)).state is RequestState.CLOSED_LATE


def test_missing_holiday_year_is_refused(cal: WorkingCalendar) -> None:
    """A deadline running into a year without holiday data fails with CalendarMissing."""
    with pytest.raises(CalendarMissing):
        answer_deadline(cal, RequestClock(date(2099, 12, 20)))


@pytest.mark.parametrize(
    ("clock", "outcome", "column"),
    [
        (RequestClock(date(2021, 3, 1), answer_date=date(2021, 2, 27)), "予以公开", "答复日期"),
        (
            RequestClock(date(2021, 3, 1), date(2021, 3, 5), date(2021, 3, 4)),
            None,
            "补正收到日期",
        ),
        (RequestClock(date(2021, 3, 1), None, date(2021, 3, 4)), None, "补正收到日期"),
        (RequestClock(date(2021, 3, 1), date(2021, 2, 28)), None, "补正告知日期"),
        (RequestClock(date(2021, 3, 1), extension_days=21), None, "延期工作日数"),
        (RequestClock(date(2021, 3, 1), answer_date=date(2021, 3, 5)), "不予公开", "办理结果"),
        (RequestClock(date(2021, 3, 1), answer_date=date(2021, 3, 5)), None, "办理结果"),
        (RequestClock(date(2021, 3, 1)), "予以公开", "答复日期"),
    ],
)
def test_clock_problems_name_the_column(
    clock: RequestClock, outcome: str | None, column: str
) -> None:
    """Impossible clock data is reported against the right column."""
    assert column in [c for c, _ in clock_problems(clock, outcome)]


def test_valid_clock_has_no_problems() -> None:
    """A consistent request passes every clock check."""
    clock = RequestClock(
        date(2021, 3, 1), date(2021, 3, 3), date(2021, 3, 8), 2, 5, date(2021, 4, 20)
    )
    assert clock_problems(clock, "部分公开", 1000) == []


def test_answer_without_corrected_request_only_when_never_corrected() -> None:
    """Answered after a 补正 notice with no corrected-request date: only 逾期不补正 is valid."""
    clock = RequestClock(
        date(2021, 3, 1),
        date(2021, 3, 3),
        answer_date=date(2021, 4, 1),
        correction_due_date=date(2021, 3, 17),
    )
    problems = clock_problems(clock, "予以公开")
    assert [c for c, _ in problems] == ["补正收到日期"]
    assert OUTCOME_NO_CORRECTION in problems[0][1]
    assert OUTCOME_NO_CORRECTION in OUTCOME_LABELS
    assert clock_problems(clock, OUTCOME_NO_CORRECTION) == []
    assert clock_problems(RequestClock(date(2021, 3, 1), date(2021, 3, 3)), None) == []


def test_extension_needs_approval_when_required() -> None:
    """Extension days need an approver and an approval date on the register form."""
    clock = RequestClock(date(2021, 3, 1), extension_days=5)
    assert clock_problems(clock, None, require_extension_approval=True)
    approved = RequestClock(
        date(2021, 3, 1),
        extension_days=5,
        extension_approved_by="王主任",
        extension_approved_on=date(2021, 3, 20),
    )
    assert not clock_problems(approved, None, require_extension_approval=True)


def test_timeline_orders_events_and_flags_late_answer(cal: WorkingCalendar) -> None:
    """The timeline lists receipt, 补正, consultation, extension, deadline and a late answer."""
    clock = RequestClock(
        date(2021, 9, 1),
        date(2021, 9, 3),
        date(2021, 9, 24),
        5,
        10,
        date(2021, 11, 18),
        extension_approved_by="王主任",
        extension_approved_on=date(2021, 10, 20),
    )
    events = request_timeline(cal, clock, Channel.POST, outcome="予以公开")
    titles = [e.title for e in events]
    assert titles[0] == "收到申请（邮寄）"
    assert "签收" in events[0].detail
    assert titles[1:3] == ["发出补正告知", "收到补正后的申请"]
    assert titles.index("答复期限") < titles.index("答复（超期）")
    deadline = next(e for e in events if e.title == "答复期限")
    assert deadline.day == date(2021, 11, 17)
    assert events[-1].warning


def test_receipt_rules_by_channel() -> None:
    """Each channel names its receipt-date rule (当面 → 提交之日, 邮寄 → 签收之日, 网络 → 确认之日)."""
    assert "当面提交" in receipt_date_rule(Channel.IN_PERSON)
    assert "签收" in receipt_date_rule(Channel.POST)
    assert "确认" in receipt_date_rule(Channel.ONLINE)
    assert "确认" in receipt_date_rule(Channel.FAX)
