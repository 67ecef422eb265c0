"""What the 回应关切 (HY1), 新闻发布 (FB1) and 培训 (PX1) indicators and the 首页's 48-hour
response, quarterly press conference and yearly training rules count: 舆情 grouped by the
moments the 48-hour rule reads, 网民留言 by division, and the conferences and trainings held in
the period by the evaluation day.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from ..db.engagement_models import PressConference, PublicInteraction, PublicOpinion, WorkMeeting
from ..db.models import Division
from ..domain.compliance import Verdict
from ..domain.engagement_choices import MeetingKind
from ..domain.labels import GROUP_WORDS_ALL, GROUP_WORDS_BUSINESS, DivisionKind
from ..domain.public_opinion import RESPONSE_HOURS, RULE_RESPONSE_48H, HourCheck
from .measures import MeasureContext, Tally, _Tallies


# --- 回应关切 (HY1) ------------------------------------------------------------------------------
def response_check(
    seen: datetime, responded: datetime | None, ctx: MeasureContext
) -> tuple[str, HourCheck]:
    """The outcome of a 舆情 under the 48-hour response rule on the evaluation day."""
    done = responded if responded is not None and responded <= ctx.now else None
    check = HourCheck(RULE_RESPONSE_48H, "回应", RESPONSE_HOURS, seen, done, ctx.now)
    return _OUTCOMES.get(check.verdict, "pending"), check


_OUTCOMES = {Verdict.MET: "met", Verdict.MISSED: "missed"}


def opinion_tallies(session: Session, ctx: MeasureContext) -> dict[int, Tally]:
    """The period's 舆情 by the 48-hour response rule, grouped by the two moments it reads; one
    still within its 48 hours is not measured yet and is at risk on 首页."""
    o = PublicOpinion
    start = datetime.combine(ctx.period.start, time.min)
    end = datetime.combine(ctx.period.end, time.max)
    out = _Tallies()
    stmt = (
        select(o.division_id, o.first_seen_at, o.responded_at, func.count())
        .where(o.deleted_at.is_(None), o.first_seen_at >= start, o.first_seen_at <= end)
        .group_by(o.division_id, o.first_seen_at, o.responded_at)
    )
    for division_id, seen, responded, n in session.execute(stmt):
        out.add(division_id, response_check(seen, responded, ctx)[0], n, Verdict.AT_RISK)
    return out.done()


def measure_responses(session: Session, ctx: MeasureContext) -> dict[str, dict[int, Tally]]:
    """舆情 by the 48-hour response rule; 网民留言 answered by the evaluation day (one still
    unanswered when the period is over is missed)."""
    out = _Tallies()
    for division_id, tally in opinion_tallies(session, ctx).items():
        out.add(division_id, "met", tally.met)
        out.add(division_id, "missed", tally.missed)
        out.add(division_id, "pending", tally.pending)
    m = PublicInteraction
    answered = and_(m.answered_on.is_not(None), m.answered_on <= ctx.as_of)
    stmt2 = (
        select(m.division_id, func.count(), func.sum(case((answered, 1), else_=0)))
        .where(
            m.deleted_at.is_(None),
            m.form == "message",
            ctx.within(m.received_on),
            m.received_on <= ctx.as_of,
        )
        .group_by(m.division_id)
    )
    period_over = ctx.period.end < ctx.as_of
    for division_id, n, n_answered in session.execute(stmt2):
        n_answered = int(n_answered or 0)
        out.add(division_id, "met", n_answered)
        out.add(division_id, "missed" if period_over else "pending", n - n_answered)
    return {"HY1": out.done()}


# --- 新闻发布 (FB1) and 培训 (PX1) ---------------------------------------------------------------
def _division_ids(text: str) -> set[int]:
    return {int(p) for p in (text or "").replace("，", ",").split(",") if p.strip().isdigit()}


def conferences_held(ctx: MeasureContext) -> Any:
    """The press conferences of the period held by the evaluation day (a planned one has not
    happened): FB1's and the 首页 conference rules' records."""
    p = PressConference
    return and_(p.deleted_at.is_(None), ctx.within(p.held_on), p.held_on <= ctx.as_of)


def held_days(session: Session, model: Any, condition: Any) -> list[date]:
    """The day of each record that ``condition`` finds, counted by day in SQL."""
    stmt = select(model.held_on, func.count()).where(condition).group_by(model.held_on)
    return [day for day, n in session.execute(stmt) for _ in range(n)]


def measure_conferences(
    session: Session, ctx: MeasureContext, divisions: dict[int, str]
) -> dict[str, dict[int, Tally]]:
    p = PressConference
    if not held_days(session, p, conferences_held(ctx)):
        return {"FB1": {}}
    stmt = select(p.division_id, p.involved_divisions).where(conferences_held(ctx)).distinct()
    taking_part: set[int] = set()
    for organiser, involved in session.execute(stmt):
        taking_part |= {organiser, *_division_ids(involved)}
    return {"FB1": {d: Tally(int(d in taking_part), int(d not in taking_part)) for d in divisions}}


def took_part(division: Division, organiser: int, participants: str) -> bool:
    """Whether a division is among a meeting's participants: it organised it, is named, or a
    group word covers it (各处室 every division, 各业务处 the business divisions; SPEC §2)."""
    text = participants or ""
    if division.id == organiser or (division.name and division.name in text):
        return True
    if any(word in text for word in GROUP_WORDS_ALL):
        return True
    business = division.kind == DivisionKind.BUSINESS.value
    return business and any(word in text for word in GROUP_WORDS_BUSINESS)


def trainings_held(ctx: MeasureContext) -> Any:
    """The trainings of the period held by the evaluation day: PX1's and the 首页 training
    rule's records."""
    w = WorkMeeting
    return and_(
        w.deleted_at.is_(None),
        w.meeting_kind == MeetingKind.TRAINING.value,
        ctx.within(w.held_on),
        w.held_on <= ctx.as_of,
    )


def trainings_stmt(ctx: MeasureContext) -> Any:
    w = WorkMeeting
    return select(w.id, w.subject, w.held_on, w.division_id, w.participants).where(
        trainings_held(ctx)
    )


def measure_training(
    session: Session, ctx: MeasureContext, divisions: dict[int, str]
) -> dict[str, dict[int, Tally]]:
    """Each training of the period counts for every division; met where it took part."""
    trainings = list(session.execute(trainings_stmt(ctx)))
    out = _Tallies()
    if not trainings:
        return {"PX1": {}}
    rows = session.scalars(select(Division).where(Division.id.in_(list(divisions)))).all()
    for _id, _subject, _held, organiser, participants in trainings:
        for division in rows:
            met = took_part(division, organiser, participants)
            out.add(division.id, "met" if met else "missed")
    return {"PX1": out.done()}
