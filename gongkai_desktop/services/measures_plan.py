"""The plan's quarterly reports as the evaluation (RW1 on-time reporting, RW2 review) and the
首页's quarterly-report rule count them: one grouped query per quarter over the year's
assignments and their reports, each group's state told once by the plan page's own rule.

The 首页 rule asks for reports in on time and accepted by 综合处 (「并经综合处审核合格」): a
report to rectify is at risk there, while RW1 counts it as sent on time and RW2 as not accepted.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import NamedTuple

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from ..db.plan_models import PlanAssignment, PlanTask, TaskReport
from ..domain.compliance import Verdict
from ..domain.plan import ReportState, ReviewResult, report_due_date, report_state
from ..errors import CalendarMissing
from .measures import MeasureContext, Tally, _Tallies

REPORT_SOON_DAYS = 7  # a report due within this many days is at risk on 首页


class ReportGroup(NamedTuple):
    """(assignment, quarter) cells alike: the division, the quarter, the cell's state on the
    day, and whether its report came in after the due day."""

    division_id: int
    quarter: int
    state: ReportState
    late: bool


def report_due_dates(ctx: MeasureContext) -> dict[int, date]:
    """The report due day of each quarter of the period (quarters without holiday data are left
    out, with a problem)."""
    out: dict[int, date] = {}
    for q in ctx.period.quarters:
        try:
            out[q] = report_due_date(ctx.calendar, ctx.period.year, q, ctx.due_workdays)
        except CalendarMissing as exc:
            ctx.problems.append(f"第{q}季度进展的报送期限无法计算：{exc}")
    return out


def report_groups(
    session: Session, ctx: MeasureContext
) -> tuple[dict[int, date], Counter[ReportGroup]]:
    """The due days, and how many cells of the period's quarters fall in each group (a report
    counts once submitted by the evaluation day)."""
    a, t, r = PlanAssignment, PlanTask, TaskReport
    due_dates = report_due_dates(ctx)
    out: Counter[ReportGroup] = Counter()
    for q in ctx.period.quarters:
        due = due_dates.get(q)
        joined = and_(
            r.assignment_id == a.id,
            r.quarter == q,
            r.deleted_at.is_(None),
            r.submitted_on <= ctx.as_of,
        )
        has = case((r.id.is_(None), 0), else_=1)
        late = case((r.submitted_on > due, 1), else_=0) if due is not None else literal(0)
        stmt = (
            select(a.division_id, has, r.review_result, late, func.count())
            .select_from(a)
            .join(t, t.id == a.task_id)
            .outerjoin(r, joined)
            .where(a.deleted_at.is_(None), t.deleted_at.is_(None), t.year == ctx.period.year)
            .group_by(a.division_id, has, r.review_result, late)
        )
        for division_id, has_report, review, is_late, n in session.execute(stmt):
            state = report_state(
                has_report=bool(has_report),
                review=ReviewResult(review) if review else None,
                year=ctx.period.year,
                quarter=q,
                due=due,
                today=ctx.as_of,
            )
            out[ReportGroup(division_id, q, state, bool(is_late))] += n
    return due_dates, out


def rule_verdict(group: ReportGroup, due: date | None, today: date) -> Verdict | None:
    """How the 首页 judges a cell: missed when overdue or sent late, met when sent (accepted or
    awaiting review), at risk when to rectify or due within a week; not counted otherwise."""
    if group.state is ReportState.OVERDUE or group.late:
        return Verdict.MISSED
    if group.state in (ReportState.PASSED, ReportState.SUBMITTED):
        return Verdict.MET
    if group.state is ReportState.RECTIFY:
        return Verdict.AT_RISK
    soon = due is not None and (due - today).days <= REPORT_SOON_DAYS
    if group.state is ReportState.PENDING and soon:
        return Verdict.AT_RISK
    return None


def report_tallies(
    ctx: MeasureContext, due_dates: dict[int, date], groups: Counter[ReportGroup]
) -> dict[str, dict[int, Tally]]:
    """RW1: the cells of quarters whose due day has passed, met when sent by it; RW2: the
    reviewed reports, met when accepted."""
    on_time, reviews = _Tallies(), _Tallies()
    for g, n in groups.items():
        due = due_dates.get(g.quarter)
        sent = g.state in (ReportState.SUBMITTED, ReportState.PASSED, ReportState.RECTIFY)
        if due is not None and due < ctx.as_of:
            on_time.add(g.division_id, "met" if sent and not g.late else "missed", n)
        else:
            on_time.add(g.division_id, "pending", n, rule_verdict(g, due, ctx.as_of))
        if g.state is ReportState.PASSED:
            reviews.add(g.division_id, "met", n)
        elif g.state is ReportState.RECTIFY:
            reviews.add(g.division_id, "missed", n)
    return {"RW1": on_time.done(), "RW2": reviews.done()}


def measure_reports(session: Session, ctx: MeasureContext) -> dict[str, dict[int, Tally]]:
    return report_tallies(ctx, *report_groups(session, ctx))
