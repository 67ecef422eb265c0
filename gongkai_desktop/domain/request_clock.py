"""The clock of a request for disclosure (条例 第三十条–第三十五条; SPEC §10.1).

- The answer is due 20 working days after the receipt date (第三十三条), or after the day the
  corrected request arrived when a 补正 notice went out (第三十条). Requests received before
  2019-05-15 follow the 2008 条例 (第二十四条): 15 working days, an extension of at most 15.
- The time spent consulting a third party or another organ does not count (第三十三条第二款): the
  working days from the day the 征求意见书 was sent to the day the answer came are added. A third
  party has 15 working days to answer (第三十二条): a later answer is flagged.
- An extension (at most 20 working days) counts only when approved on or before the original
  deadline and not after the answer (第三十三条: 「经政府信息公开工作机构负责人同意并告知申请
  人」); otherwise the answer is measured against the original deadline and the request flagged.
- A 第三十五条 delay (延迟答复: requests clearly beyond a reasonable number or frequency) sets the
  period notified to the applicant; it is kept apart from the extension and shown as such.
- The 补正期限 is the last day the applicant was given; once it has passed without a corrected
  request the request is 逾期未补正 and may be closed as 「其他处理-申请人无正当理由逾期不补正…」.

The count follows the law's rule (:meth:`WorkingCalendar.working_day_after`): the start day is
not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..calendar import WorkingCalendar
from .requests import (
    ANSWER_WORKING_DAYS,
    CORRECTION_NOTICE_WORKING_DAYS,
    DUE_SOON_WORKING_DAYS,
    MAX_CONSULTATION_WORKING_DAYS,
    MAX_EXTENSION_WORKING_DAYS,
    MAX_FEE_CENTS,
    OUTCOME_NO_CORRECTION,
    Channel,
    RequestState,
    is_outcome,
    receipt_date_rule,
)

THIRD_PARTY_REPLY_WORKING_DAYS = 15
REGULATION_2019_IN_FORCE = date(2019, 5, 15)


@dataclass(frozen=True)
class ClockRules:
    """The periods of the 条例 a request falls under (by its receipt date)."""

    name: str
    answer_days: int
    max_extension: int
    correction_notice_days: int | None  # the 2008 条例 set no period for the 补正 notice
    third_party_days: int | None  # nor a reply limit for the third party


RULES_2019 = ClockRules(
    "《政府信息公开条例》（2019年修订）第三十三条",
    ANSWER_WORKING_DAYS,
    MAX_EXTENSION_WORKING_DAYS,
    CORRECTION_NOTICE_WORKING_DAYS,
    THIRD_PARTY_REPLY_WORKING_DAYS,
)
RULES_2008 = ClockRules("《政府信息公开条例》（2008年）第二十四条", 15, 15, None, None)


def rules_for(receipt_date: date) -> ClockRules:
    return RULES_2019 if receipt_date >= REGULATION_2019_IN_FORCE else RULES_2008


@dataclass(frozen=True)
class RequestClock:
    """The dates and day counts of one request that decide its deadline and state.

    ``consultation_days`` is the number of excluded days as recorded without dates (older
    records and imports); when ``consultation_sent_on`` is given the days follow from the dates.
    """

    receipt_date: date
    correction_notice_date: date | None = None
    correction_received_date: date | None = None
    consultation_days: int = 0
    extension_days: int = 0
    answer_date: date | None = None
    extension_approved_by: str = ""
    extension_approved_on: date | None = None
    correction_due_date: date | None = None
    consultation_sent_on: date | None = None
    consultation_answered_on: date | None = None
    delay_reason: str = ""
    delay_until: date | None = None

    @property
    def rules(self) -> ClockRules:
        return rules_for(self.receipt_date)

    @property
    def awaiting_correction(self) -> bool:
        """A 补正 notice went out and the corrected request has not arrived: the clock waits."""
        return self.correction_notice_date is not None and self.correction_received_date is None

    def correction_overdue(self, today: date) -> bool:
        """The 补正期限 has passed (before ``today``) and no corrected request came."""
        return (
            self.awaiting_correction
            and self.correction_due_date is not None
            and today > self.correction_due_date
        )

    @property
    def period_start(self) -> date:
        """The day the answer period runs from."""
        return self.correction_received_date or self.receipt_date

    @property
    def extension_approved(self) -> bool:
        return bool(self.extension_approved_by.strip()) and self.extension_approved_on is not None


@dataclass(frozen=True)
class Deadlines:
    """How the answer deadline of a request was reached.

    ``original``: the period plus excluded consultation days; ``statutory``: that plus the
    extension when it counts; ``delay_until``: a 第三十五条 period notified to the applicant.
    """

    original: date
    statutory: date
    excluded_days: int
    extension_counted: bool
    third_party_limit: date | None = None
    delay_until: date | None = None

    @property
    def effective(self) -> date:
        if self.delay_until is not None and self.delay_until > self.statutory:
            return self.delay_until
        return self.statutory


def excluded_consultation_days(
    calendar: WorkingCalendar, clock: RequestClock, today: date | None = None
) -> int:
    """Working days of consultation that do not count: those from the day the 征求意见书 was sent
    to the day the answer came. While the answer is awaited, the third party's 15 days are
    reserved, and every day beyond them up to ``today`` (under the 2008 条例, which set no reply
    limit, the days up to ``today``)."""
    c = clock
    if c.consultation_sent_on is None:
        return max(0, c.consultation_days)
    if c.consultation_answered_on is not None:
        return max(0, calendar.working_days_between(c.consultation_sent_on, c.consultation_answered_on))
    elapsed = max(0, calendar.working_days_between(c.consultation_sent_on, today or c.consultation_sent_on))
    limit = c.rules.third_party_days
    return max(limit, elapsed) if limit is not None else elapsed


def deadlines(
    calendar: WorkingCalendar, clock: RequestClock, today: date | None = None
) -> Deadlines | None:
    """The deadlines of a request; ``None`` while it waits for the applicant's correction.

    Raises :class:`CalendarMissing` when the count runs into a year without holiday data.
    """
    c = clock
    if c.awaiting_correction:
        return None
    rules = c.rules
    excluded = excluded_consultation_days(calendar, c, today)
    original = calendar.working_day_after(c.period_start, rules.answer_days + excluded)
    counted = (
        c.extension_days > 0
        and c.extension_approved
        and c.extension_approved_on is not None
        and c.extension_approved_on <= original
        and (c.answer_date is None or c.extension_approved_on <= c.answer_date)
    )
    statutory = (
        calendar.working_day_after(c.period_start, rules.answer_days + excluded + c.extension_days)
        if counted
        else original
    )
    limit = None
    if c.consultation_sent_on is not None and rules.third_party_days is not None:
        limit = calendar.working_day_after(c.consultation_sent_on, rules.third_party_days)
    return Deadlines(original, statutory, excluded, counted, limit, c.delay_until)


def answer_deadline(
    calendar: WorkingCalendar, clock: RequestClock, today: date | None = None
) -> date | None:
    """答复期限 (see :func:`deadlines`); ``None`` while the request waits for a correction."""
    found = deadlines(calendar, clock, today)
    return found.effective if found is not None else None


def correction_notice_deadline(calendar: WorkingCalendar, receipt_date: date) -> date:
    """The last day a 补正 notice may go out: 7 working days after receipt."""
    return calendar.working_day_after(receipt_date, CORRECTION_NOTICE_WORKING_DAYS)


def correction_notice_late(calendar: WorkingCalendar, clock: RequestClock) -> bool:
    """Whether the 补正 notice went out after the 7 working days (2019 条例 only)."""
    if clock.correction_notice_date is None or clock.rules.correction_notice_days is None:
        return False
    return clock.correction_notice_date > correction_notice_deadline(calendar, clock.receipt_date)


@dataclass(frozen=True)
class ClockStatus:
    """Deadline, state and working days left (negative when overdue) of a request on a day."""

    deadline: date | None
    state: RequestState
    days_left: int | None
    flags: tuple[str, ...] = field(default_factory=tuple)


def _flags(calendar: WorkingCalendar, c: RequestClock, d: Deadlines | None, today: date) -> list[str]:
    flags: list[str] = []
    if correction_notice_late(calendar, c):
        flags.append("补正告知超过7个工作日")
    if c.extension_days and d is not None and not d.extension_counted:
        if not c.extension_approved:
            flags.append("延期未登记审批，按原期限计算")
        else:
            flags.append("延期批准晚于原答复期限或答复日期，按原期限计算")
    if c.delay_until is not None:
        flags.append(f"第三十五条延迟答复（告知期限{c.delay_until:%Y-%m-%d}）")
    if d is not None and d.third_party_limit is not None:
        answered = c.consultation_answered_on
        if (answered is not None and answered > d.third_party_limit) or (
            answered is None and today > d.third_party_limit
        ):
            flags.append(
                f"第三方未在{THIRD_PARTY_REPLY_WORKING_DAYS}个工作日内提出意见"
                f"（应于{d.third_party_limit:%Y-%m-%d}前），逾期未提出意见的由本机关依法决定"
            )
    return flags


def request_status(calendar: WorkingCalendar, clock: RequestClock, today: date) -> ClockStatus:
    """The state of a request on ``today`` (SPEC §10.1).

    Answered: 按期办结 when answered on or before the deadline, else 逾期办结 (a request closed while
    waiting for a correction that never came was never late; :func:`clock_problems` allows that
    only with the outcome :data:`OUTCOME_NO_CORRECTION` after the 补正期限). Open: 逾期 after the
    deadline, 临期 with at most 3 working days left, otherwise 办理中; 待补正 while the clock waits,
    逾期未补正 once the 补正期限 has passed.
    """
    c = clock
    found = deadlines(calendar, c, today)
    flags = _flags(calendar, c, found, today)
    deadline = found.effective if found is not None else None
    if c.answer_date is not None:
        if deadline is None or c.answer_date <= deadline:
            return ClockStatus(deadline, RequestState.CLOSED_ON_TIME, None, tuple(flags))
        flags.append("超期答复")
        return ClockStatus(deadline, RequestState.CLOSED_LATE, None, tuple(flags))
    if deadline is None:
        if c.correction_overdue(today):
            flags.append(f"补正期限{c.correction_due_date:%Y-%m-%d}已过，可按逾期不补正办结")
            return ClockStatus(None, RequestState.CORRECTION_OVERDUE, None, tuple(flags))
        return ClockStatus(None, RequestState.AWAITING_CORRECTION, None, tuple(flags))
    left = calendar.working_days_between(today, deadline)
    if today > deadline:
        flags.append("已超过答复期限")
        return ClockStatus(deadline, RequestState.OVERDUE, left, tuple(flags))
    if left <= DUE_SOON_WORKING_DAYS:
        return ClockStatus(deadline, RequestState.DUE_SOON, left, tuple(flags))
    return ClockStatus(deadline, RequestState.OPEN, left, tuple(flags))


def _correction_problems(c: RequestClock, outcome: str) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if c.correction_notice_date is not None and c.correction_notice_date < c.receipt_date:
        problems.append(("补正告知日期", "补正告知日期早于收到日期"))
    if c.correction_received_date is not None:
        if c.correction_notice_date is None:
            problems.append(("补正收到日期", "有补正收到日期却没有补正告知日期"))
        elif c.correction_received_date < c.correction_notice_date:
            problems.append(("补正收到日期", "补正收到日期早于补正告知日期"))
    if c.correction_due_date is not None:
        if c.correction_notice_date is None:
            problems.append(("补正期限", "有补正期限却没有补正告知日期"))
        elif c.correction_due_date < c.correction_notice_date:
            problems.append(("补正期限", "补正期限早于补正告知日期"))
    if outcome != OUTCOME_NO_CORRECTION:
        if c.answer_date is not None and c.awaiting_correction and is_outcome(outcome):
            # Without the corrected request's date the answer period has no start: only closing
            # the request because the applicant never corrected it leaves that date empty.
            problems.append(
                (
                    "补正收到日期",
                    "已发出补正告知并已答复，须填写补正收到日期；"
                    f"申请人未补正的，办理结果应为「{OUTCOME_NO_CORRECTION}」",
                )
            )
        return problems
    if c.correction_notice_date is None:
        problems.append(("办理结果", "没有补正告知日期，不能以「逾期不补正」办结"))
    elif c.correction_received_date is not None:
        problems.append(("办理结果", "已收到补正后的申请，不能以「逾期不补正」办结"))
    elif c.correction_due_date is None:
        problems.append(("补正期限", "以「逾期不补正」办结须填写告知申请人的补正期限"))
    elif c.answer_date is not None and c.answer_date <= c.correction_due_date:
        problems.append(
            (
                "办理结果",
                f"补正期限（{c.correction_due_date:%Y-%m-%d}）届满前不能以「逾期不补正」办结",
            )
        )
    return problems


def _consultation_problems(c: RequestClock) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if c.consultation_days < 0:
        problems.append(("征求意见工作日数", "征求意见工作日数不能为负数"))
    elif c.consultation_days > MAX_CONSULTATION_WORKING_DAYS:
        problems.append(
            (
                "征求意见工作日数",
                f"征求意见工作日数不能超过{MAX_CONSULTATION_WORKING_DAYS}个工作日"
                f"（填写了{c.consultation_days}）",
            )
        )
    if c.consultation_answered_on is not None and c.consultation_sent_on is None:
        problems.append(("征求意见答复日期", "有征求意见答复日期却没有发出日期"))
    if c.consultation_sent_on is not None:
        if c.consultation_days:
            problems.append(
                ("征求意见工作日数", "已填写征求意见发出日期的，不计入的工作日数按日期计算，此栏应为0或留空")
            )
        if c.consultation_sent_on < c.receipt_date:
            problems.append(("征求意见发出日期", "征求意见发出日期早于收到日期"))
        if c.consultation_answered_on is not None and c.consultation_answered_on < c.consultation_sent_on:
            problems.append(("征求意见答复日期", "征求意见答复日期早于发出日期"))
    return problems


def _extension_problems(c: RequestClock, require_approval: bool) -> list[tuple[str, str]]:
    limit = c.rules.max_extension
    if c.extension_days < 0:
        return [("延期工作日数", "延期工作日数不能为负数")]
    if c.extension_days > limit:
        return [("延期工作日数", f"延期不得超过{limit}个工作日（填写了{c.extension_days}）"
                 + ("，2019年5月15日前收到的申请适用2008年条例" if limit != MAX_EXTENSION_WORKING_DAYS else ""))]
    if c.extension_days == 0:
        if c.extension_approved_on is not None or c.extension_approved_by.strip():
            return [("延期工作日数", "填写了延期审批，却没有延期工作日数")]
        return []
    if c.extension_approved_on is not None and c.extension_approved_on < c.receipt_date:
        return [("延期审批日期", "延期审批日期早于收到日期")]
    if require_approval and not c.extension_approved:
        return [("延期工作日数", "延期须经政府信息公开工作机构负责人同意：请填写审批人和审批日期")]
    return []


def _delay_problems(c: RequestClock) -> list[tuple[str, str]]:
    if c.delay_until is None and c.delay_reason.strip():
        return [("延迟答复期限", "填写了延迟答复原因，须填写告知申请人的延迟答复期限")]
    if c.delay_until is not None and not c.delay_reason.strip():
        return [("延迟答复原因", "延迟答复（条例第三十五条）须写明理由")]
    if c.delay_until is not None and c.delay_until <= c.receipt_date:
        return [("延迟答复期限", "延迟答复期限应晚于收到日期")]
    return []


def clock_problems(
    clock: RequestClock,
    outcome: str | None,
    fee_cents: int | None = None,
    *,
    require_extension_approval: bool = False,
) -> list[tuple[str, str]]:
    """What makes a request's data impossible, as (column header, reason) pairs.

    These are the rules the register and the import share: dates in their natural order, day
    counts in range, an outcome from the list exactly when there is an answer date, and the
    「逾期不补正」 outcome only after the 补正期限.
    """
    c = clock
    outcome = (outcome or "").strip()
    problems = _correction_problems(c, outcome)
    problems += _consultation_problems(c)
    problems += _extension_problems(c, require_extension_approval)
    problems += _delay_problems(c)
    if c.answer_date is not None:
        if c.answer_date < c.receipt_date:
            problems.append(("答复日期", "答复日期早于收到日期"))
        elif c.correction_received_date is not None and c.answer_date < c.correction_received_date:
            problems.append(("答复日期", "答复日期早于补正收到日期"))
        elif c.correction_notice_date is not None and c.answer_date < c.correction_notice_date:
            problems.append(("答复日期", "答复日期早于补正告知日期"))
    if outcome and not is_outcome(outcome):
        problems.append(("办理结果", f"「{outcome}」不是规定的办理结果"))
    if c.answer_date is not None and not outcome:
        problems.append(("办理结果", "已有答复日期，必须选择办理结果"))
    if outcome and c.answer_date is None:
        problems.append(("答复日期", "已选择办理结果，必须填写答复日期"))
    if fee_cents is not None and fee_cents < 0:
        problems.append(("收费金额", "收费金额不能为负数"))
    elif fee_cents is not None and fee_cents > MAX_FEE_CENTS:
        problems.append(("收费金额", f"收费金额不能超过 {MAX_FEE_CENTS // 100} 元"))
    return problems


@dataclass(frozen=True)
class TimelineEvent:
    """One event of a request's clock, for the detail page's timeline."""

    day: date | None
    title: str
    detail: str = ""
    warning: bool = False


def _correction_events(calendar: WorkingCalendar, c: RequestClock, today: date) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    if c.correction_notice_date is not None:
        detail = "补正期间不计入答复期限"
        late = False
        if c.rules.correction_notice_days is not None:
            last = correction_notice_deadline(calendar, c.receipt_date)
            late = c.correction_notice_date > last
            detail = (
                f"应于{last:%Y-%m-%d}前告知（收到后{CORRECTION_NOTICE_WORKING_DAYS}个工作日内）"
                + ("，已超期" if late else "")
            )
        events.append(TimelineEvent(c.correction_notice_date, "发出补正告知", detail, warning=late))
    if c.correction_due_date is not None:
        events.append(
            TimelineEvent(
                c.correction_due_date,
                "补正期限届满",
                "申请人无正当理由逾期不补正的，视为放弃申请（条例第三十条）",
                warning=c.correction_overdue(today) and c.answer_date is None,
            )
        )
    if c.correction_received_date is not None:
        events.append(
            TimelineEvent(
                c.correction_received_date,
                "收到补正后的申请",
                f"{c.rules.answer_days}个工作日的答复期限自此日起算",
            )
        )
    elif c.awaiting_correction and c.answer_date is None:
        events.append(TimelineEvent(None, "等待申请人补正", "补正期间不计入答复期限"))
    return events


def _consultation_events(c: RequestClock, d: Deadlines | None) -> list[TimelineEvent]:
    if c.consultation_sent_on is None:
        if not c.consultation_days:
            return []
        return [
            TimelineEvent(
                None,
                f"征求第三方或其他机关意见 {c.consultation_days} 个工作日",
                "所需时间不计入答复期限，期限相应顺延",
            )
        ]
    excluded = d.excluded_days if d is not None else 0
    limit = d.third_party_limit if d is not None else None
    events = [
        TimelineEvent(
            c.consultation_sent_on,
            "发出征求意见书（条例第三十二条）",
            f"第三方应于{limit:%Y-%m-%d}前提出意见" if limit else "征求意见所需时间不计入答复期限",
        )
    ]
    late = limit is not None and (
        c.consultation_answered_on is not None and c.consultation_answered_on > limit
    )
    if c.consultation_answered_on is not None:
        events.append(
            TimelineEvent(
                c.consultation_answered_on,
                "收到第三方意见" + ("（逾期）" if late else ""),
                f"不计入答复期限 {excluded} 个工作日",
                warning=late,
            )
        )
    else:
        events.append(
            TimelineEvent(None, "等待第三方意见", f"答复期限暂按扣除 {excluded} 个工作日计算")
        )
    return events


def _extension_events(c: RequestClock, d: Deadlines | None) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    if c.extension_days:
        counted = d is not None and d.extension_counted
        approval = (
            f"{c.extension_approved_by}于{c.extension_approved_on:%Y-%m-%d}批准"
            if c.extension_approved
            else "未登记审批"
        )
        if not counted and d is not None:
            approval += f"；未在原答复期限（{d.original:%Y-%m-%d}）内并于答复前批准，不顺延"
        events.append(
            TimelineEvent(
                c.extension_approved_on,
                f"延期答复 {c.extension_days} 个工作日",
                approval,
                warning=not counted,
            )
        )
    if c.delay_until is not None:
        events.append(
            TimelineEvent(
                None,
                f"延迟答复（条例第三十五条），告知期限 {c.delay_until:%Y-%m-%d}",
                f"理由：{c.delay_reason}；与延期答复分开计算",
            )
        )
    return events


def request_timeline(
    calendar: WorkingCalendar,
    clock: RequestClock,
    channel: Channel,
    *,
    outcome: str | None = None,
    fee_cents: int | None = None,
    today: date | None = None,
) -> list[TimelineEvent]:
    """The events of a request in the order they happen, with the deadline among them.

    Raises :class:`CalendarMissing` when a deadline falls in a year without holiday data.
    """
    c = clock
    today = today or date.today()
    rule = receipt_date_rule(channel)
    if c.rules is RULES_2008:
        rule += "；2019年5月15日前收到，适用2008年条例（15个工作日，延长不超过15个工作日）"
    events = [TimelineEvent(c.receipt_date, f"收到申请（{channel.label}）", rule)]
    found = deadlines(calendar, c, today)
    events += _correction_events(calendar, c, today)
    events += _consultation_events(c, found)
    events += _extension_events(c, found)
    deadline_event = None
    if found is not None:
        added = found.excluded_days + (c.extension_days if found.extension_counted else 0)
        detail = f"{c.period_start:%Y-%m-%d}后第{c.rules.answer_days + added}个工作日"
        if found.effective != found.statutory:
            detail = f"延迟答复期限；法定期限为{found.statutory:%Y-%m-%d}（{detail}）"
        deadline_event = TimelineEvent(found.effective, "答复期限", detail)
    answer_event = None
    if c.answer_date is not None:
        fee = f"，收取信息处理费{fee_cents / 100:.2f}元" if fee_cents else ""
        late = found is not None and c.answer_date > found.effective
        answer_event = TimelineEvent(
            c.answer_date,
            "答复" + ("（超期）" if late else ""),
            f"办理结果：{outcome or '—'}{fee}",
            warning=late,
        )
    tail = [e for e in (deadline_event, answer_event) if e is not None]
    tail.sort(key=lambda e: (e.day or date.max, e is deadline_event))
    events.extend(tail)
    return events
