"""The rules of 新闻发布与回应 (SPEC §9) read from the stored records: the bureau's period rules of
a year (conferences, the report hearing, training), the hour checks of each 舆情, and the
分管领导 roster the half-yearly rule checks.

The roster is a business setting (``DEPUTY_SETTING``, kept by the admin); without it, those
named at the year's conferences are checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from ..db.engagement_models import PressConference, PublicOpinion, WorkMeeting
from ..db.models import Division
from ..domain.engagement import KINDS
from ..domain.engagement_choices import EngagementKind, MeetingKind
from ..domain.engagement_fields import values_from_stored
from ..domain.engagement_periods import (
    Conference,
    Finding,
    Meeting,
    PeriodResult,
    bureau_findings,
    conference_quarters,
    deputy_half_years,
    meeting_year,
    normal_name,
    principal_year,
)
from ..domain.public_opinion import MAJOR_LEVELS, HourCheck, opinion_checks
from ..errors import ValidationError
from .admin import read_setting
from .engagement_records import year_condition

DEPUTY_SETTING = "engagement_deputy_leaders"
MAX_DEPUTIES = 20
MAX_NAME = 32


@dataclass(frozen=True)
class OpinionStatus:
    """One 舆情 with its hour checks (see ``domain.public_opinion.opinion_checks``)."""

    id: int
    division_id: int
    division_name: str
    subject: str
    checks: tuple[HourCheck, ...]


@dataclass(frozen=True)
class EngagementEvaluation:
    """The rules of §9 for one year: the bureau's period rules (whatever division is asked for:
    they are the bureau's) and the hour checks of the 舆情 in scope."""

    year: int
    today: date
    conferences: int
    quarters: tuple[PeriodResult, ...]
    deputies: tuple[tuple[str, tuple[PeriodResult, ...]], ...]
    roster: tuple[str, ...]
    principal: PeriodResult
    hearing: PeriodResult
    training: PeriodResult
    opinions: tuple[OpinionStatus, ...]
    findings: tuple[Finding, ...]

    def checks(self, rule_id: str) -> list[tuple[OpinionStatus, HourCheck]]:
        """The hour checks of one rule, each with its 舆情."""
        return [(o, c) for o in self.opinions for c in o.checks if c.rule_id == rule_id]


# --- the 分管领导 whose attendance is checked ---------------------------------------------------


def read_roster(session: Session) -> tuple[str, ...]:
    value = read_setting(session, DEPUTY_SETTING)
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(normal_name(str(n)) for n in value if normal_name(str(n))))


def checked_roster(names: Iterable[str]) -> tuple[str, ...]:
    """The roster as stored: blank names dropped, repeats kept once; ValidationError when a name
    is too long or there are too many."""
    cleaned = tuple(dict.fromkeys(normal_name(n) for n in names if normal_name(n)))
    problems = [
        f"「{n[:12]}…」过长（姓名不能超过 {MAX_NAME} 个字）" for n in cleaned if len(n) > MAX_NAME
    ]
    if len(cleaned) > MAX_DEPUTIES:
        problems.append(f"最多登记 {MAX_DEPUTIES} 位分管领导")
    if problems:
        raise ValidationError("分管领导名单有误，未保存：", problems=problems)
    return cleaned


# --- the year's rules ---------------------------------------------------------------------------


def _speakers(text: str) -> tuple[Any, ...]:
    spec = KINDS[EngagementKind.PRESS_CONFERENCE]
    value = values_from_stored(spec, {"speakers": text})["speakers"]
    return tuple(value)


def evaluation(
    session: Session,
    year: int,
    division_id: int | None,
    today: date,
    now: datetime,
    emergencies_only: bool = False,
) -> EngagementEvaluation:
    """The §9 rules for ``year`` as of ``today`` / ``now``: the bureau's conferences and
    meetings, and the 舆情 first seen in the year (of ``division_id`` when given; only the
    重大 / 特别重大 突发事件 under the 5-hour and 24-hour limits with ``emergencies_only``)."""
    roster = read_roster(session)
    conferences = [
        Conference(held_on, _speakers(speakers))
        for held_on, speakers in session.execute(
            select(PressConference.held_on, PressConference.speakers).where(
                PressConference.deleted_at.is_(None),
                year_condition(EngagementKind.PRESS_CONFERENCE, year),
            )
        )
    ]
    meetings = [
        Meeting(MeetingKind(kind), held_on)
        for kind, held_on in session.execute(
            select(WorkMeeting.meeting_kind, WorkMeeting.held_on).where(
                WorkMeeting.deleted_at.is_(None),
                year_condition(EngagementKind.MEETING, year),
            )
        )
    ]
    seen = year_condition(EngagementKind.PUBLIC_OPINION, year)
    if emergencies_only:
        o = PublicOpinion
        seen = and_(seen, o.emergency.is_(True), o.level.in_(sorted(MAJOR_LEVELS)))
    opinions = opinion_statuses(session, seen, division_id, now)
    held = [c for c in conferences if c.held_on <= today]
    return EngagementEvaluation(
        year=year,
        today=today,
        conferences=len(held),
        quarters=conference_quarters(conferences, year, today),
        deputies=deputy_half_years(conferences, roster, year, today),
        roster=roster,
        principal=principal_year(conferences, year, today),
        hearing=meeting_year(meetings, MeetingKind.REPORT_HEARING, year, today),
        training=meeting_year(meetings, MeetingKind.TRAINING, year, today),
        opinions=tuple(opinions),
        findings=bureau_findings(conferences, meetings, roster, year, today),
    )


def owed_condition() -> ColumnElement[bool]:
    """The 舆情 (of any year) with a response, authoritative information or press conference
    still owed."""
    o = PublicOpinion
    return or_(
        o.responded_at.is_(None),
        and_(
            o.emergency.is_(True),
            o.level.in_(sorted(MAJOR_LEVELS)),
            or_(o.authoritative_at.is_(None), o.conference_at.is_(None)),
        ),
    )


def opinion_statuses(
    session: Session,
    condition: ColumnElement[bool],
    division_id: int | None,
    now: datetime,
) -> list[OpinionStatus]:
    """The 舆情 ``condition`` finds (of ``division_id`` when given) with their hour checks, the
    earliest seen first."""
    o = PublicOpinion
    stmt = (
        select(
            o.id,
            o.division_id,
            Division.name,
            o.subject,
            o.first_seen_at,
            o.level,
            o.emergency,
            o.responded_at,
            o.authoritative_at,
            o.conference_at,
        )
        .join(Division, Division.id == o.division_id)
        .where(o.deleted_at.is_(None), condition)
        .order_by(o.first_seen_at, o.id)
    )
    if division_id is not None:
        stmt = stmt.where(o.division_id == division_id)
    return [
        OpinionStatus(
            row.id,
            row.division_id,
            row.name,
            row.subject,
            opinion_checks(row._mapping, now),
        )
        for row in session.execute(stmt)
    ]


def open_checks(statuses: Iterable[OpinionStatus]) -> list[OpinionStatus]:
    """Each 舆情 with only its checks still open; those with none left out."""
    return [
        OpinionStatus(s.id, s.division_id, s.division_name, s.subject, still_open)
        for s in statuses
        if (still_open := tuple(c for c in s.checks if c.is_open))
    ]
