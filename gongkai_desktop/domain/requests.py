"""依申请公开: the closed lists of the register and the clock rules of a request (SPEC §10.1).

Outcomes are stored as their exact labels: they are the rows of the national annual-report table
(国办公开办函〔2021〕30号), group and item joined by ``-``. Applicant types, channels, case types and
results are ``LabelledEnum`` members (the database stores the English value).

The clock (条例第三十三条): the answer is due 20 working days after the receipt date, or after the
date the corrected request arrived when a 补正 notice was sent; working days spent consulting a
third party or another organ are added, and so are approved extension days (at most 20). The
count follows the law's rule (:meth:`WorkingCalendar.working_day_after`): the start day is not
counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from ..calendar import WorkingCalendar
from .labels import LabelledEnum

ANSWER_WORKING_DAYS = 20
CORRECTION_NOTICE_WORKING_DAYS = 7
MAX_EXTENSION_WORKING_DAYS = 20
# 第三方 has 15 working days to give its opinion (条例第三十二条); consulting other organs has no
# fixed term, so the register only refuses what no real consultation takes: over a working year.
MAX_CONSULTATION_WORKING_DAYS = 250
MAX_FEE_CENTS = 100_000_000  # 100 万元: far above any 信息处理费, below any typing slip like 1e30
DUE_SOON_WORKING_DAYS = 3


class ApplicantType(LabelledEnum):
    """申请人类型: the six value columns of table 三 (before 总计), in the table's order."""

    NATURAL_PERSON = ("natural_person", "自然人")
    BUSINESS = ("business", "商业企业")
    RESEARCH = ("research", "科研机构")
    PUBLIC_INTEREST = ("public_interest", "社会公益组织")
    LEGAL_SERVICE = ("legal_service", "法律服务机构")
    OTHER = ("other", "其他")


class Channel(LabelledEnum):
    """申请方式; each has its own rule for what counts as the receipt date."""

    IN_PERSON = ("in_person", "当面")
    POST = ("post", "邮寄")
    ONLINE = ("online", "网络")
    FAX = ("fax", "传真")
    OTHER = ("other", "其他")


# 条例第三十一条: which day is the receipt date, by channel.
RECEIPT_DATE_RULES: dict[Channel, str] = {
    Channel.IN_PERSON: "申请人当面提交申请之日",
    Channel.POST: "行政机关签收申请之日",
    Channel.ONLINE: "双方确认收到申请之日",
    Channel.FAX: "双方确认收到申请之日",
    Channel.OTHER: "行政机关实际收到申请之日",
}


def receipt_date_rule(channel: Channel) -> str:
    """The text shown beside the receipt date: which day the law takes for this channel."""
    return f"以{RECEIPT_DATE_RULES[channel]}为收到申请之日"


@dataclass(frozen=True)
class Outcome:
    """One row of 三、本年度办理结果: the stored label, its group and its item (may be empty)."""

    label: str
    group: str
    item: str


_OUTCOME_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("予以公开", ()),
    ("部分公开", ()),
    (
        "不予公开",
        (
            "属于国家秘密",
            "其他法律行政法规禁止公开",
            "危及“三安全一稳定”",
            "保护第三方合法权益",
            "属于三类内部事务信息",
            "属于四类过程性信息",
            "属于行政执法案卷",
            "属于行政查询事项",
        ),
    ),
    (
        "无法提供",
        ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"),
    ),
    (
        "不予处理",
        (
            "信访举报投诉类申请",
            "重复申请",
            "要求提供公开出版物",
            "无正当理由大量反复申请",
            "要求行政机关确认或重新出具已获取信息",
        ),
    ),
    (
        "其他处理",
        (
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "其他",
        ),
    ),
)


def _outcomes() -> Iterator[Outcome]:
    for group, items in _OUTCOME_GROUPS:
        if not items:
            yield Outcome(group, group, "")
        for item in items:
            yield Outcome(f"{group}-{item}", group, item)


OUTCOMES: tuple[Outcome, ...] = tuple(_outcomes())
OUTCOME_LABELS: tuple[str, ...] = tuple(o.label for o in OUTCOMES)
OUTCOME_GROUPS: tuple[str, ...] = tuple(g for g, _ in _OUTCOME_GROUPS)
_OUTCOME_BY_LABEL = {o.label: o for o in OUTCOMES}
# The only outcome of an answered request whose 补正 never arrived (the period never started).
OUTCOME_NO_CORRECTION = "其他处理-申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"


def outcome_of(label: str) -> Outcome:
    """The outcome with exactly this label; ValueError for anything else."""
    try:
        return _OUTCOME_BY_LABEL[label.strip()]
    except KeyError:
        raise ValueError(label) from None


def is_outcome(label: str) -> bool:
    return label.strip() in _OUTCOME_BY_LABEL


class CaseType(LabelledEnum):
    """The three column groups of table 四."""

    REVIEW = ("review", "行政复议")
    LITIGATION_DIRECT = ("litigation_direct", "行政诉讼（未经复议直接起诉）")
    LITIGATION_AFTER_REVIEW = ("litigation_after_review", "行政诉讼（复议后起诉）")


class CaseResult(LabelledEnum):
    UPHELD = ("upheld", "维持")
    CORRECTED = ("corrected", "纠正")
    OTHER = ("other", "其他")


class RequestState(LabelledEnum):
    OPEN = ("open", "办理中")
    DUE_SOON = ("due_soon", "临期")
    OVERDUE = ("overdue", "逾期")
    CLOSED_ON_TIME = ("closed_on_time", "按期办结")
    CLOSED_LATE = ("closed_late", "逾期办结")
    AWAITING_CORRECTION = ("awaiting_correction", "待补正")
    UNKNOWN = ("unknown", "无法计算")

    @property
    def is_open(self) -> bool:
        return self in (
            RequestState.OPEN,
            RequestState.DUE_SOON,
            RequestState.OVERDUE,
            RequestState.AWAITING_CORRECTION,
        )


# Order of the register: what needs action first.
STATE_PRIORITY: dict[RequestState, int] = {
    RequestState.OVERDUE: 0,
    RequestState.DUE_SOON: 1,
    RequestState.UNKNOWN: 2,
    RequestState.OPEN: 3,
    RequestState.AWAITING_CORRECTION: 4,
    RequestState.CLOSED_LATE: 5,
    RequestState.CLOSED_ON_TIME: 6,
}


@dataclass(frozen=True)
class RequestClock:
    """The dates and day counts of one request that decide its deadline and state."""

    receipt_date: date
    correction_notice_date: date | None = None
    correction_received_date: date | None = None
    consultation_days: int = 0
    extension_days: int = 0
    answer_date: date | None = None

    @property
    def awaiting_correction(self) -> bool:
        """A 补正 notice went out and the corrected request has not arrived: the clock waits."""
        return self.correction_notice_date is not None and self.correction_received_date is None

    @property
    def period_start(self) -> date:
        """The day the 20-working-day period runs from."""
        return self.correction_received_date or self.receipt_date

    @property
    def added_days(self) -> int:
        return max(0, self.consultation_days) + max(0, self.extension_days)


def answer_deadline(calendar: WorkingCalendar, clock: RequestClock) -> date | None:
    """答复期限: 20 working days after the period start, plus consultation and extension days.

    ``None`` while the request waits for the applicant's correction (the period has not started).
    Raises :class:`CalendarMissing` when the count runs into a year without holiday data.
    """
    if clock.awaiting_correction:
        return None
    return calendar.working_day_after(clock.period_start, ANSWER_WORKING_DAYS + clock.added_days)


def correction_notice_deadline(calendar: WorkingCalendar, receipt_date: date) -> date:
    """The last day a 补正 notice may go out: 7 working days after receipt."""
    return calendar.working_day_after(receipt_date, CORRECTION_NOTICE_WORKING_DAYS)


def correction_notice_late(calendar: WorkingCalendar, clock: RequestClock) -> bool:
    if clock.correction_notice_date is None:
        return False
    return clock.correction_notice_date > correction_notice_deadline(calendar, clock.receipt_date)


@dataclass(frozen=True)
class ClockStatus:
    """Deadline, state and working days left (negative when overdue) of a request on a day."""

    deadline: date | None
    state: RequestState
    days_left: int | None
    flags: tuple[str, ...] = field(default_factory=tuple)


def request_status(calendar: WorkingCalendar, clock: RequestClock, today: date) -> ClockStatus:
    """The state of a request on ``today`` (SPEC §10.1).

    Answered: 按期办结 when answered on or before the deadline, else 逾期办结 (a request closed while
    waiting for a correction that never came was never late; :func:`clock_problems` allows that
    only with the outcome :data:`OUTCOME_NO_CORRECTION`). Open: 逾期 after the deadline, 临期
    with at most 3 working days left, otherwise 办理中; 待补正 while the clock waits.
    """
    flags: list[str] = []
    if correction_notice_late(calendar, clock):
        flags.append("补正告知超过7个工作日")
    deadline = answer_deadline(calendar, clock)
    if clock.answer_date is not None:
        if deadline is None or clock.answer_date <= deadline:
            return ClockStatus(deadline, RequestState.CLOSED_ON_TIME, None, tuple(flags))
        flags.append("超期答复")
        return ClockStatus(deadline, RequestState.CLOSED_LATE, None, tuple(flags))
    if deadline is None:
        return ClockStatus(None, RequestState.AWAITING_CORRECTION, None, tuple(flags))
    left = calendar.working_days_between(today, deadline)
    if today > deadline:
        flags.append("已超过答复期限")
        return ClockStatus(deadline, RequestState.OVERDUE, left, tuple(flags))
    if left <= DUE_SOON_WORKING_DAYS:
        return ClockStatus(deadline, RequestState.DUE_SOON, left, tuple(flags))
    return ClockStatus(deadline, RequestState.OPEN, left, tuple(flags))


def clock_problems(
    clock: RequestClock,
    outcome: str | None,
    fee_cents: int | None = None,
    *,
    extension_approved_on: date | None = None,
    extension_approved_by: str = "",
    require_extension_approval: bool = False,
) -> list[tuple[str, str]]:
    """What makes a request's data impossible, as (column header, reason) pairs.

    These are the rules the register and the import share: dates in their natural order, day
    counts in range, an outcome from the list exactly when there is an answer date.
    """
    problems: list[tuple[str, str]] = []
    c = clock
    if c.correction_notice_date is not None and c.correction_notice_date < c.receipt_date:
        problems.append(("补正告知日期", "补正告知日期早于收到日期"))
    if c.correction_received_date is not None:
        if c.correction_notice_date is None:
            problems.append(("补正收到日期", "有补正收到日期却没有补正告知日期"))
        elif c.correction_received_date < c.correction_notice_date:
            problems.append(("补正收到日期", "补正收到日期早于补正告知日期"))
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
    if c.extension_days < 0:
        problems.append(("延期工作日数", "延期工作日数不能为负数"))
    elif c.extension_days > MAX_EXTENSION_WORKING_DAYS:
        problems.append(
            (
                "延期工作日数",
                f"延期不得超过{MAX_EXTENSION_WORKING_DAYS}个工作日（填写了{c.extension_days}）",
            )
        )
    elif c.extension_days > 0 and require_extension_approval:
        if extension_approved_on is None or not extension_approved_by.strip():
            problems.append(
                ("延期工作日数", "延期须经政府信息公开工作机构负责人同意：请填写批准人和批准日期")
            )
        elif extension_approved_on < c.receipt_date:
            problems.append(("延期批准日期", "延期批准日期早于收到日期"))
    if c.answer_date is not None:
        if c.answer_date < c.receipt_date:
            problems.append(("答复日期", "答复日期早于收到日期"))
        elif c.correction_received_date is not None and c.answer_date < c.correction_received_date:
            problems.append(("答复日期", "答复日期早于补正收到日期"))
        elif c.correction_notice_date is not None and c.answer_date < c.correction_notice_date:
            problems.append(("答复日期", "答复日期早于补正告知日期"))
    outcome = (outcome or "").strip()
    if outcome and not is_outcome(outcome):
        problems.append(("办理结果", f"「{outcome}」不是规定的办理结果"))
    if (
        c.answer_date is not None
        and c.awaiting_correction
        and is_outcome(outcome)
        and outcome != OUTCOME_NO_CORRECTION
    ):
        # Without the corrected request's date the answer period has no start: only closing the
        # request because the applicant never corrected it leaves that date empty.
        problems.append(
            (
                "补正收到日期",
                "已发出补正告知并已答复，须填写补正收到日期；"
                f"申请人未补正的，办理结果应为「{OUTCOME_NO_CORRECTION}」",
            )
        )
    if c.answer_date is not None and not outcome:
        problems.append(("办理结果", "已有答复日期，必须选择办理结果"))
    if outcome and c.answer_date is None:
        problems.append(("答复日期", "已选择办理结果，必须填写答复日期"))
    if fee_cents is not None and fee_cents < 0:
        problems.append(("收费金额", "收费金额不能为负数"))
    elif fee_cents is not None and fee_cents > MAX_FEE_CENTS:
        problems.append(("收费金额", f"收费金额不能超过 {MAX_FEE_CENTS // 100} 元"))
    return problems


def case_problems(
    received: date, closed: date | None, result: CaseResult | None
) -> list[tuple[str, str]]:
    """What makes a review or litigation case's data impossible, as (column, reason) pairs."""
    problems: list[tuple[str, str]] = []
    if closed is not None and closed < received:
        problems.append(("审结日期", "审结日期早于收到日期"))
    if closed is not None and result is None:
        problems.append(("结果", "已审结的案件必须填写结果（维持、纠正或其他）"))
    if closed is None and result is not None:
        problems.append(("审结日期", "填写了结果，必须填写审结日期"))
    return problems


@dataclass(frozen=True)
class TimelineEvent:
    """One event of a request's clock, for the detail page's timeline."""

    day: date | None
    title: str
    detail: str = ""
    warning: bool = False


def request_timeline(
    calendar: WorkingCalendar,
    clock: RequestClock,
    channel: Channel,
    *,
    outcome: str | None = None,
    extension_approved_by: str = "",
    extension_approved_on: date | None = None,
    fee_cents: int | None = None,
) -> list[TimelineEvent]:
    """The events of a request in the order they happen, with the deadline among them.

    Raises :class:`CalendarMissing` when a deadline falls in a year without holiday data.
    """
    c = clock
    events = [
        TimelineEvent(c.receipt_date, f"收到申请（{channel.label}）", receipt_date_rule(channel))
    ]
    if c.correction_notice_date is not None:
        last = correction_notice_deadline(calendar, c.receipt_date)
        late = c.correction_notice_date > last
        events.append(
            TimelineEvent(
                c.correction_notice_date,
                "发出补正告知",
                f"应于{last:%Y-%m-%d}前告知（收到后{CORRECTION_NOTICE_WORKING_DAYS}个工作日内）"
                + ("，已超期" if late else ""),
                warning=late,
            )
        )
    if c.correction_received_date is not None:
        events.append(
            TimelineEvent(
                c.correction_received_date,
                "收到补正后的申请",
                f"{ANSWER_WORKING_DAYS}个工作日的答复期限自此日起算",
            )
        )
    elif c.awaiting_correction:
        events.append(TimelineEvent(None, "等待申请人补正", "补正期间不计入答复期限"))
    if c.consultation_days:
        events.append(
            TimelineEvent(
                None,
                f"征求第三方或其他机关意见 {c.consultation_days} 个工作日",
                "所需时间不计入答复期限，期限相应顺延",
            )
        )
    if c.extension_days:
        approval = (
            f"{extension_approved_by}于{extension_approved_on:%Y-%m-%d}批准"
            if extension_approved_by and extension_approved_on
            else "未登记审批"
        )
        events.append(
            TimelineEvent(
                extension_approved_on,
                f"延期答复 {c.extension_days} 个工作日",
                approval,
                warning=not (extension_approved_by and extension_approved_on),
            )
        )
    deadline = answer_deadline(calendar, c)
    deadline_event = (
        TimelineEvent(
            deadline,
            "答复期限",
            f"{c.period_start:%Y-%m-%d}后第{ANSWER_WORKING_DAYS + c.added_days}个工作日",
        )
        if deadline is not None
        else None
    )
    answer_event = None
    if c.answer_date is not None:
        fee = f"，收取信息处理费{fee_cents / 100:.2f}元" if fee_cents else ""
        late = deadline is not None and c.answer_date > deadline
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
