"""What the evaluation indicators (SPEC §13) and the 首页 rules (§12) count, per division.

Each measure is one SQL query grouped by division and by the columns its rule looks at; the rule
itself (the items' deadline state, the request clock, 同步解读, the 48-hour response, the
consultation checks) is the module's own function, applied once per distinct group rather than
per record. A record's outcome is met, missed, or pending (its deadline is still ahead, or it
cannot be decided yet); an indicator measures met + missed.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import astuple, dataclass, field, fields
from datetime import date, datetime, time
from typing import Any, NamedTuple

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from ..calendar import WorkingCalendar
from ..db.decision_models import Consultation, Decision
from ..db.interpretation_models import Interpretation
from ..db.ledger_models import DisclosureItem, NormativeDocument
from ..db.request_models import DisclosureCase, DisclosureRequest
from ..domain.compliance import Verdict
from ..domain.decisions import ConsultationFields, DecisionFields
from ..domain.disclosure import (
    PORTAL_BIT,
    PROACTIVE_WORKING_DAYS,
    DeadlineState,
    DisclosureAttribute,
)
from ..domain.evaluation import Count, Period
from ..domain.interpretation import InterpretationFields, InterpretationForm, sync_problems
from ..domain.request_clock import RequestClock, request_status
from ..domain.requests import CaseResult, RequestState
from ..errors import CalendarMissing
from .calendar import load_calendar
from .item_list import state_expression, today_bounds

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tally:
    """One division's records under one measure: met, missed, and not measured yet; and, of the
    not measured, how the 首页 rule judges them today (meeting it so far, at risk, already
    failing; the rest it does not count). The 首页 tally and the indicator are two readings of
    the same records: the indicator's met and missed are the 首页's met and missed among the
    records it measures."""

    met: int = 0
    missed: int = 0
    pending: int = 0
    early_met: int = 0
    at_risk: int = 0
    early_missed: int = 0

    @property
    def count(self) -> Count:
        return Count(self.met + self.missed, self.met)

    @property
    def verdicts(self) -> tuple[int, int, int]:
        """(met, at risk, missed) as the 首页 rule counts them."""
        return self.met + self.early_met, self.at_risk, self.missed + self.early_missed

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


def scope_tally(tallies: dict[int, Tally], division_id: int | None) -> Tally:
    """The bureau's tally (every division's summed) or one division's."""
    if division_id is not None:
        return tallies.get(division_id, Tally())
    return sum(tallies.values(), Tally())


_EARLY = {Verdict.MET: 3, Verdict.AT_RISK: 4, Verdict.MISSED: 5}


class _Tallies:
    """Accumulates outcomes per division; a pending outcome with the 首页's verdict of today."""

    def __init__(self) -> None:
        self.by: dict[int, list[int]] = defaultdict(lambda: [0] * 6)

    def add(self, division_id: int, outcome: str, n: int = 1, today: Verdict | None = None) -> None:
        counts = self.by[division_id]
        counts[("met", "missed", "pending").index(outcome)] += n
        if outcome == "pending" and today in _EARLY:
            counts[_EARLY[today]] += n

    def done(self) -> dict[int, Tally]:
        return {d: Tally(*v) for d, v in self.by.items()}


@dataclass(frozen=True)
class MeasureContext:
    period: Period
    as_of: date
    calendar: WorkingCalendar
    tolerance: int = 0
    due_workdays: int = 5
    problems: list[str] = field(default_factory=list)
    moment: datetime | None = None  # the hour limits' "now"; None: the end of ``as_of``

    @property
    def end_of_day(self) -> datetime:
        return datetime.combine(self.as_of, time.max)

    @property
    def now(self) -> datetime:
        """The moment the hour limits are judged at: the end of the evaluation day, or the
        present moment on 首页 (a limit running out later today is not missed yet)."""
        return self.moment or self.end_of_day

    def within(self, column: Any) -> Any:
        return and_(column >= self.period.start, column <= self.period.end)


def context(
    session: Session, period: Period, as_of: date, moment: datetime | None = None
) -> MeasureContext:
    from .interpretation_rows import read_tolerance
    from .plan_reports import _due_workdays

    return MeasureContext(
        period,
        as_of,
        load_calendar(session),
        read_tolerance(session),
        _due_workdays(session),
        moment=moment,
    )


# --- 公开事项 (ZD1, ZD2) -------------------------------------------------------------------------
def item_groups(
    session: Session, ctx: MeasureContext, division_id: int | None = None
) -> list[tuple[int, str | None, bool, bool, int]]:
    """(division, deadline state on the evaluation day, deadline passed, portal listed, count)
    of the period's 主动公开 items (of one division when given): the ledger's deadline rule as
    SQL, grouped."""
    item = DisclosureItem
    state = state_expression(today_bounds(ctx.calendar, ctx.as_of)).label("state")
    passed = case((and_(item.deadline.is_not(None), item.deadline < ctx.as_of), 1), else_=0)
    portal = case((item.channels.op("&")(PORTAL_BIT) != 0, 1), else_=0)
    stmt = (
        select(
            item.division_id, state, passed.label("passed"), portal.label("portal"), func.count()
        )
        .where(
            item.deleted_at.is_(None),
            item.attribute == DisclosureAttribute.PROACTIVE.value,
            ctx.within(item.formed_on),
        )
        .group_by(item.division_id, state, passed, portal)
    )
    if division_id is not None:
        stmt = stmt.where(item.division_id == division_id)
    return [(d, s, bool(p), bool(w), n) for d, s, p, w, n in session.execute(stmt)]


# How the 首页 judges an item not measured yet, by its deadline state (SPEC §5, §12): published
# on time or still before its last 3 working days meets the rule so far.
_ITEM_TODAY = {
    DeadlineState.ON_TIME.value: Verdict.MET,
    DeadlineState.PENDING.value: Verdict.MET,
    DeadlineState.DUE_SOON.value: Verdict.AT_RISK,
    DeadlineState.UNKNOWN.value: Verdict.AT_RISK,
    DeadlineState.LATE.value: Verdict.MISSED,
    DeadlineState.OVERDUE.value: Verdict.MISSED,
}
_PUBLISHED = (DeadlineState.ON_TIME.value, DeadlineState.LATE.value)


def item_tallies(
    groups: Iterable[tuple[int, str | None, bool, bool, int]],
) -> dict[str, dict[int, Tally]]:
    """ZD1 (20 working days) and ZD2 (门户网站) of :func:`item_groups`: an item is measured once
    its deadline has passed (ZD1) or once published (ZD2); the 首页 counts the others too."""
    on_time, unknown = DeadlineState.ON_TIME.value, DeadlineState.UNKNOWN.value
    deadline, portal = _Tallies(), _Tallies()
    for division_id, state, passed, portal_listed, n in groups:
        if passed and state != unknown:
            deadline.add(division_id, "met" if state == on_time else "missed", n)
        else:
            deadline.add(division_id, "pending", n, _ITEM_TODAY.get(state or unknown))
        if state in _PUBLISHED:
            portal.add(division_id, "met" if portal_listed else "missed", n)
        else:
            portal.add(division_id, "pending", n, Verdict.MET if portal_listed else Verdict.MISSED)
    return {"ZD1": deadline.done(), "ZD2": portal.done()}


def measure_items(session: Session, ctx: MeasureContext) -> dict[str, dict[int, Tally]]:
    return item_tallies(item_groups(session, ctx))


# --- 规范性文件 (ZD3, JD1) -----------------------------------------------------------------------
def document_outcomes(
    ctx: MeasureContext, written: date, published: bool, interpreted: bool
) -> tuple[tuple[str, str], tuple[str, str]]:
    """(outcome, note) of a normative document under ZD3 and under JD1 on the evaluation day.

    ZD3: a document is 主动公开 and due within 20 working days of its date (§5): measured once
    that deadline has passed, met when it has been published. JD1: the interpretation is due
    with the publication, so a document is measured once published, met when interpreted."""
    try:
        deadline: date | None = ctx.calendar.working_day_after(written, PROACTIVE_WORKING_DAYS)
    except CalendarMissing:
        deadline = None
    if deadline is None:
        zd3 = ("pending", "公开期限无法计算（缺少节假日安排）")
    elif deadline >= ctx.as_of:
        zd3 = ("pending", f"公开期限 {deadline:%Y-%m-%d} 未到" + ("，已公开" if published else ""))
    elif published:
        zd3 = ("met", "已公开")
    else:
        zd3 = ("missed", f"公开期限 {deadline:%Y-%m-%d} 已过，未公开")
    if not published:
        jd1 = ("pending", "文件未公开，解读尚未到期")
    else:
        jd1 = ("met", "已解读") if interpreted else ("missed", "未解读")
    return zd3, jd1


def document_groups(session: Session, ctx: MeasureContext, division_id: int | None = None) -> Any:
    """The period's normative documents grouped by division, date, published by the evaluation
    day, and interpreted (a division's rows when ``division_id`` is given)."""
    doc = NormativeDocument
    published = case(
        (and_(doc.published_on.is_not(None), doc.published_on <= ctx.as_of), 1), else_=0
    )
    interpreted = case((doc.interpreted.is_(True), 1), else_=0)
    where = [doc.deleted_at.is_(None), ctx.within(doc.written_on), doc.written_on <= ctx.as_of]
    if division_id is not None:
        where.append(doc.division_id == division_id)
    return (
        select(doc.division_id, doc.written_on, published, interpreted, func.count())
        .where(*where)
        .group_by(doc.division_id, doc.written_on, published, interpreted)
    )


def measure_documents(session: Session, ctx: MeasureContext) -> dict[str, dict[int, Tally]]:
    zd3, jd1 = _Tallies(), _Tallies()
    for division_id, written, published, interpreted, n in session.execute(
        document_groups(session, ctx)
    ):
        (zd3_outcome, _), (jd1_outcome, _) = document_outcomes(
            ctx, written, bool(published), bool(interpreted)
        )
        zd3.add(division_id, zd3_outcome, n)
        jd1.add(division_id, jd1_outcome, n)
    return {"ZD3": zd3.done(), "JD1": jd1.done()}


# --- 政策解读 (JD2, JD3) -------------------------------------------------------------------------
def interpretation_period(ctx: MeasureContext) -> Any:
    i = Interpretation
    if ctx.period.quarter is None:
        return i.year == ctx.period.year
    dated = func.coalesce(
        i.document_published_on, i.published_on, i.document_approved_on, i.approved_on
    )
    return and_(i.year == ctx.period.year, ctx.within(dated))


def sync_outcome(fields: InterpretationFields, ctx: MeasureContext) -> str:
    """met / missed / pending of 同步解读 on the evaluation day (the 首页's rule)."""
    if sync_problems(fields, ctx.calendar, ctx.tolerance, ctx.as_of):
        return "missed"
    if fields.published_on is not None and fields.published_on <= ctx.as_of:
        return "met"
    return "pending"


def diverse_forms(forms: str | None) -> bool:
    """JD3's rule for one interpretation: a form other than 文字解读 (the SQL twin is
    :func:`diverse_forms_sql`; both read the same stored value)."""
    return bool(forms) and forms != InterpretationForm.TEXT.value


def diverse_forms_sql() -> Any:
    """:func:`diverse_forms` as a SQL condition, for the grouped count."""
    i = Interpretation
    return and_(i.forms != "", i.forms != InterpretationForm.TEXT.value)


def measure_interpretations(session: Session, ctx: MeasureContext) -> dict[str, dict[int, Tally]]:
    i = Interpretation
    diverse = diverse_forms_sql()
    keys = (
        i.division_id,
        i.document_approved_on,
        i.approved_on,
        i.document_published_on,
        i.published_on,
    )
    stmt = (
        select(*keys, func.count(), func.sum(case((diverse, 1), else_=0)))
        .where(i.deleted_at.is_(None), interpretation_period(ctx))
        .group_by(*keys)
    )
    sync, forms = _Tallies(), _Tallies()
    for (
        division_id,
        doc_approved,
        approved,
        doc_published,
        published,
        n,
        n_diverse,
    ) in session.execute(stmt):
        fields = InterpretationFields(
            "",
            "",
            document_approved_on=doc_approved,
            approved_on=approved,
            document_published_on=doc_published,
            published_on=published,
        )
        # Not yet measured: at risk on 首页 once the document is under way.
        under_way = doc_approved is not None or doc_published is not None
        sync.add(division_id, sync_outcome(fields, ctx), n, Verdict.AT_RISK if under_way else None)
        forms.add(division_id, "met", int(n_diverse or 0))
        forms.add(division_id, "missed", n - int(n_diverse or 0))
    return {"JD2": sync.done(), "JD3": forms.done()}


# --- 依申请公开 (YSQ1) and the corrected cases ---------------------------------------------------
# Every column the clock rule of §10.1 reads, in the order of RequestClock's fields.
CLOCK_COLUMNS = tuple(getattr(DisclosureRequest, f.name) for f in fields(RequestClock))


class RequestGroup(NamedTuple):
    """Requests alike under the clock rule: their division, state on the day, whether their
    deadline has passed, and whether a 补正 notice went out late (None: no notice)."""

    division_id: int
    state: RequestState
    passed: bool
    notice_late: bool | None


def request_state_groups(
    session: Session, where: Iterable[Any], today: date, calendar: WorkingCalendar
) -> Counter[RequestGroup]:
    """How many requests fall in each :class:`RequestGroup`: the clock rule of §10.1 applied
    once per distinct clock. The 首页's request rules count the same groups."""
    r = DisclosureRequest
    stmt = (
        select(r.division_id, *CLOCK_COLUMNS, func.count())
        .where(r.deleted_at.is_(None), *where)
        .group_by(r.division_id, *CLOCK_COLUMNS)
    )
    out: Counter[RequestGroup] = Counter()
    for division_id, *values, n in session.execute(stmt):
        clock = RequestClock(*values)
        noticed = clock.correction_notice_date is not None
        try:
            status = request_status(calendar, clock, today)
        except CalendarMissing:
            out[
                RequestGroup(division_id, RequestState.UNKNOWN, False, False if noticed else None)
            ] += n
            continue
        passed = status.deadline is not None and status.deadline < today
        late = any("补正告知" in f for f in status.flags) if noticed else None
        out[RequestGroup(division_id, status.state, passed, late)] += n
    return out


def measure_requests(session: Session, ctx: MeasureContext) -> dict[str, dict[int, Tally]]:
    r = DisclosureRequest
    where = (ctx.within(r.receipt_date), r.receipt_date <= ctx.as_of)
    out = _Tallies()
    for g, n in request_state_groups(session, where, ctx.as_of, ctx.calendar).items():
        if not g.passed:
            out.add(g.division_id, "pending", n)
        else:
            met = g.state is RequestState.CLOSED_ON_TIME
            out.add(g.division_id, "met" if met else "missed", n)
    return {"YSQ1": out.done()}


def corrected_cases(session: Session, ctx: MeasureContext) -> dict[int, int]:
    """Per division: 行政复议 / 行政诉讼 cases decided in the period with 结果纠正 on its requests."""
    c, r = DisclosureCase, DisclosureRequest
    stmt = (
        select(r.division_id, func.count())
        .select_from(c)
        .join(r, r.id == c.request_id)
        .where(
            c.deleted_at.is_(None),
            c.result == CaseResult.CORRECTED.value,
            ctx.within(c.closed_date),
            c.closed_date <= ctx.as_of,
        )
        .group_by(r.division_id)
    )
    return {d: n for d, n in session.execute(stmt)}


# --- 征求意见 (JC1) ------------------------------------------------------------------------------
def consultation_judge(session: Session, ctx: MeasureContext) -> Any:
    """A function giving (outcome, period verdict, result verdict) of a consultation, from its
    decision's and its own fields, by the period and adoption-result rules of the decisions
    page."""
    from .decision_rows import RuleContext, period_verdict, read_rules, result_verdict

    rules = RuleContext(ctx.calendar, read_rules(session), ctx.as_of)

    def judge(
        decision: DecisionFields, consultation: ConsultationFields
    ) -> tuple[str, Verdict, Verdict]:
        period = period_verdict(decision, consultation, rules)
        result = result_verdict(consultation, rules)
        if Verdict.MISSED in (period, result):
            return "missed", period, result
        if result is Verdict.MET and period in (Verdict.MET, Verdict.NOT_APPLICABLE):
            return "met", period, result
        return "pending", period, result

    return judge


def consultations_stmt(ctx: MeasureContext) -> Any:
    """The decisions with their live consultations that ended in the period."""
    return (
        select(Decision, Consultation)
        .join(Consultation, Consultation.decision_id == Decision.id)
        .where(
            Decision.deleted_at.is_(None),
            Consultation.deleted_at.is_(None),
            ctx.within(Consultation.ended_on),
        )
    )


class ConsultationGroup(NamedTuple):
    """Consultations alike under the period and adoption-result rules: their division, their
    JC1 outcome and the verdict of each 首页 rule on the day."""

    division_id: int
    outcome: str
    period: Verdict
    result: Verdict


def consultation_groups(session: Session, ctx: MeasureContext) -> Counter[ConsultationGroup]:
    """How many of the period's consultations fall in each :class:`ConsultationGroup`: one query
    grouped by every column the two rules read, each group judged once."""
    from .decision_rows import channels_of

    d, c = Decision, Consultation
    keys = (
        d.division_id,
        d.decision_type,
        d.rule_level,
        d.market_related,
        c.started_on,
        c.ended_on,
        c.channels,
        c.result_published_on,
    )
    stmt = (
        select(*keys, func.count())
        .select_from(d)
        .join(c, c.decision_id == d.id)
        .where(d.deleted_at.is_(None), c.deleted_at.is_(None), ctx.within(c.ended_on))
        .group_by(*keys)
    )
    judge = consultation_judge(session, ctx)
    out: Counter[ConsultationGroup] = Counter()
    for (
        division_id,
        kind,
        rule_level,
        market,
        started,
        ended,
        channels,
        result,
        n,
    ) in session.execute(stmt):
        decision = DecisionFields(
            "", kind, rule_level=bool(rule_level), market_related=bool(market)
        )
        consultation = ConsultationFields(
            started,
            ended,
            channels=tuple(ch.value for ch in channels_of(channels)),
            result_published_on=result,
        )
        out[ConsultationGroup(division_id, *judge(decision, consultation))] += n
    return out


def measure_consultations(session: Session, ctx: MeasureContext) -> dict[str, dict[int, Tally]]:
    """JC1 over the consultations ended in the period."""
    out = _Tallies()
    for g, n in consultation_groups(session, ctx).items():
        out.add(g.division_id, g.outcome, n)
    return {"JC1": out.done()}


def measure_all(
    session: Session, ctx: MeasureContext, divisions: dict[int, str]
) -> dict[str, dict[int, Tally]]:
    """Every method's tallies for the period, by division."""
    from .measures_engagement import measure_conferences, measure_responses, measure_training
    from .measures_plan import measure_reports

    out: dict[str, dict[int, Tally]] = {}
    for measure in (
        measure_reports,
        measure_items,
        measure_documents,
        measure_interpretations,
        measure_responses,
        measure_requests,
        measure_consultations,
    ):
        out.update(measure(session, ctx))
    out.update(measure_conferences(session, ctx, divisions))
    out.update(measure_training(session, ctx, divisions))
    return out
