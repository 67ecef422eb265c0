"""新闻发布与回应 (SPEC §9): the six kinds of engagement record through one generic mechanism, and
the evaluation of their rules for a year that the compliance dashboard (§12) tallies.

Every kind is described by ``domain.engagement.KINDS``; this service maps a kind to its table
(``MODELS``) and does the same for each: the permission check (a liaison changes the records of
their own division, the admin all, leaders read; everyone reads every division's records), the
validation the description drives, one write transaction with its audit row, the optimistic
version check, and frozen ``EngagementRecord`` rows out, each with how it stands against its
rules (``Assessment``).

The 分管领导 whose half-yearly attendance is checked are a business setting (``DEPUTY_SETTING``,
kept by the admin); without it, those named at the year's conferences are checked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from ..db.base import RecordMixin
from ..db.engagement_models import (
    PressConference,
    Proposal,
    PublicInteraction,
    PublicOpinion,
    Rectification,
    WorkMeeting,
)
from ..db.models import Division
from ..domain.compliance import Verdict
from ..domain.disclosure import Problem
from ..domain.engagement import (
    DIVISION_FIELD,
    KINDS,
    MAJOR_LEVELS,
    Assessment,
    Conference,
    EngagementKind,
    FieldType,
    Finding,
    HourCheck,
    KindSpec,
    Meeting,
    MeetingKind,
    PeriodResult,
    assess,
    bureau_findings,
    conference_quarters,
    deputy_half_years,
    meeting_year,
    normal_name,
    normalise,
    opinion_checks,
    principal_year,
    stored,
    validate,
    values_from_stored,
)
from ..domain.labels import Role
from ..domain.permissions import PERSONAL_RECORDS, Action, allowed, personal_scope
from ..errors import NotFound, ValidationError
from ..search import contains_every_term
from .admin import read_setting, write_setting
from .base import Service, division_names, live_record, snapshot

log = logging.getLogger(__name__)

MODELS: dict[EngagementKind, type[RecordMixin]] = {
    EngagementKind.PRESS_CONFERENCE: PressConference,
    EngagementKind.PUBLIC_OPINION: PublicOpinion,
    EngagementKind.INTERACTION: PublicInteraction,
    EngagementKind.PROPOSAL: Proposal,
    EngagementKind.MEETING: WorkMeeting,
    EngagementKind.RECTIFICATION: Rectification,
}

DEPUTY_SETTING = "engagement_deputy_leaders"
MAX_DEPUTIES = 20
MAX_NAME = 32


def entity_of(kind: EngagementKind) -> str:
    """The audit log's entity name of a kind: its table's name."""
    return str(MODELS[kind].__tablename__)


def missing_message(spec: KindSpec) -> str:
    return f"该{spec.label}记录不存在或已被删除。"


@dataclass(frozen=True)
class EngagementQuery:
    kind: EngagementKind
    year: int | None = None
    division_id: int | None = None
    text: str = ""
    problems_only: bool = False


@dataclass(frozen=True)
class EngagementRecord:
    """One record of any kind as the lists and forms show it; ``values`` holds the kind's
    fields (``KindSpec.fields``) by name, read-only."""

    kind: EngagementKind
    id: int
    uuid: str
    version: int
    division_id: int
    division_name: str
    values: Mapping[str, Any]
    assessment: Assessment
    editable: bool
    updated_at: datetime

    @property
    def spec(self) -> KindSpec:
        return KINDS[self.kind]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @property
    def title(self) -> str:
        return self.spec.title_of(self.values)

    @property
    def dated(self) -> date | None:
        value = self.values.get(self.spec.date_field)
        return value.date() if isinstance(value, datetime) else value

    @property
    def state(self) -> str:
        return self.assessment.state

    @property
    def problems(self) -> tuple[str, ...]:
        return self.assessment.problems

    @property
    def pending(self) -> tuple[str, ...]:
        return self.assessment.pending


@dataclass(frozen=True)
class OpinionStatus:
    """One 舆情 with its hour checks (see ``domain.engagement.opinion_checks``)."""

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


def problems_error(spec: KindSpec, problems: Sequence[Problem]) -> ValidationError:
    labels = spec.labels
    return ValidationError(
        f"{spec.label}填写有误，未保存：",
        problems=[f"「{labels.get(p.field, p.field)}」：{p.message}" for p in problems],
        fields=[p.field for p in problems],
    )


def values_from_snapshot(kind: EngagementKind, data: Mapping[str, Any]) -> dict[str, Any]:
    """A kind's values from an audit snapshot (``ConflictError.current``): the stored version of
    a record, for the conflict dialog."""
    return values_from_stored(KINDS[kind], data)


def _column(kind: EngagementKind, name: str) -> Any:
    return getattr(MODELS[kind], name)


def _year_condition(kind: EngagementKind, year: int) -> ColumnElement[bool]:
    spec = KINDS[kind]
    column = _column(kind, spec.date_field)
    if spec.field(spec.date_field).type is FieldType.DATETIME:
        return and_(column >= datetime(year, 1, 1), column < datetime(year + 1, 1, 1))
    return and_(column >= date(year, 1, 1), column <= date(year, 12, 31))


class EngagementService(Service):
    """新闻发布与回应: list, read, create, change and delete the records of each kind."""

    # --- reading ---
    def _record(
        self, kind: EngagementKind, obj: RecordMixin, division_name: str, now: datetime
    ) -> EngagementRecord:
        spec = KINDS[kind]
        values = values_from_stored(spec, {f.name: getattr(obj, f.name) for f in spec.fields})
        return EngagementRecord(
            kind=kind,
            id=obj.id,  # type: ignore[attr-defined]
            uuid=obj.uuid,
            version=obj.version,
            division_id=obj.division_id,
            division_name=division_name,
            values=MappingProxyType(values),
            assessment=assess(spec, values, now),
            editable=allowed(self.actor, Action.EDIT_RECORD, obj.division_id),
            updated_at=obj.updated_at,
        )

    def list_records(
        self, query: EngagementQuery, now: datetime | None = None
    ) -> list[EngagementRecord]:
        """The records of one kind the query finds, the most recent (by the kind's date) first."""
        now = now or datetime.now()
        kind = query.kind
        spec = KINDS[kind]
        model = MODELS[kind]
        stmt = (
            select(model, Division.name)
            .join(Division, Division.id == model.division_id)
            .where(model.deleted_at.is_(None))
        )
        if query.year is not None:
            stmt = stmt.where(_year_condition(kind, query.year))
        if query.division_id is not None:
            stmt = stmt.where(model.division_id == query.division_id)
        own = self._personal_scope(kind)
        if own is not None:
            stmt = stmt.where(model.division_id == own)
        text = query.text.strip()
        if text:
            stmt = stmt.where(
                contains_every_term(text, *(_column(kind, name) for name in spec.search))
            )
        stmt = stmt.order_by(_column(kind, spec.date_field).desc(), model.id.desc())  # type: ignore[attr-defined]
        with self.db.read() as session:
            rows = [self._record(kind, obj, name, now) for obj, name in session.execute(stmt)]
        if query.problems_only:
            rows = [r for r in rows if r.problems]
        return rows

    def get(
        self, kind: EngagementKind, record_id: int, now: datetime | None = None
    ) -> EngagementRecord:
        spec = KINDS[kind]
        with self.db.read() as session:
            obj = live_record(session, MODELS[kind], record_id, missing_message(spec))
            own = self._personal_scope(kind)
            if own is not None and obj.division_id != own:
                raise NotFound(
                    f"{missing_message(spec)}（其他处室的{spec.label}含个人信息，只有本处室可以查看）"
                )
            division = session.get(Division, obj.division_id)
            return self._record(kind, obj, division.name if division else "", now or datetime.now())

    def _personal_scope(self, kind: EngagementKind) -> int | None:
        """The division a kind holding personal information is limited to (``personal_scope``);
        None for the other kinds and for whoever reads every division."""
        if MODELS[kind].__tablename__ not in PERSONAL_RECORDS:
            return None
        return personal_scope(self.actor)

    def years(self) -> list[int]:
        """Every year some record of any kind falls in, and this year; newest first."""
        years = {date.today().year}
        with self.db.read() as session:
            for kind, model in MODELS.items():
                column = _column(kind, KINDS[kind].date_field)
                low, high = session.execute(
                    select(func.min(column), func.max(column)).where(model.deleted_at.is_(None))
                ).one()
                if low is not None and high is not None:
                    years.update(range(low.year, high.year + 1))
        return sorted(years, reverse=True)

    def divisions(self) -> list[tuple[int, str]]:
        """Every active division (for the filter and the divisions a conference involves)."""
        with self.db.read() as session:
            rows = session.execute(
                select(Division.id, Division.name)
                .where(Division.active.is_(True))
                .order_by(Division.sort_order, Division.id)
            )
            return [(i, n) for i, n in rows]

    def editable_divisions(self) -> list[tuple[int, str]]:
        """The divisions the actor may record for: all for the admin, their own for a liaison,
        none for a leader."""
        if self.actor.is_admin:
            return self.divisions()
        if self.actor.role is Role.LIAISON:
            return [(i, n) for i, n in self.divisions() if i == self.actor.division_id]
        return []

    def division_names(self) -> dict[int, str]:
        with self.db.read() as session:
            return division_names(session)

    # --- changes ---
    def _checked(
        self,
        session: Session,
        spec: KindSpec,
        raw: Mapping[str, Any],
        division_id: int | None,
        kept_division: int | None = None,
    ) -> dict[str, Any]:
        """The normalised values, or ValidationError. The division must be active unless it is
        ``kept_division``, the one an edited record already belongs to."""
        values, problems = normalise(spec, raw)
        unreadable = {p.field for p in problems}
        problems += [p for p in validate(spec, values) if p.field not in unreadable]
        division = session.get(Division, division_id) if division_id is not None else None
        if division is None:
            problems.insert(0, Problem(DIVISION_FIELD, f"请选择{spec.division_label}"))
        elif not division.active and division_id != kept_division:
            problems.insert(
                0,
                Problem(
                    DIVISION_FIELD, f"「{division.name}」已停用，请选择其他{spec.division_label}"
                ),
            )
        for f in spec.fields:
            if f.type is FieldType.DIVISIONS and values[f.name]:
                known = set(
                    session.scalars(select(Division.id).where(Division.id.in_(values[f.name])))
                )
                if set(values[f.name]) - known:
                    problems.append(Problem(f.name, "所选处室不存在"))
        if problems:
            raise problems_error(spec, problems)
        return values

    @staticmethod
    def _assign(spec: KindSpec, obj: RecordMixin, values: Mapping[str, Any]) -> None:
        for f in spec.fields:
            setattr(obj, f.name, stored(f, values[f.name]))

    def create(
        self,
        kind: EngagementKind,
        values: Mapping[str, Any],
        division_id: int | None = None,
    ) -> EngagementRecord:
        """A new record of ``kind`` for ``division_id`` (None: the actor's own division)."""
        spec = KINDS[kind]
        record_id = self.create_record(
            MODELS[kind],
            division_id,
            what=f"{entity_of(kind)}.create",
            entity=entity_of(kind),
            check=lambda session, division: self._checked(session, spec, values, division),
            assign=lambda _session, obj, checked: self._assign(spec, obj, checked),
            detail=lambda _obj, checked: f"{spec.label}「{spec.title_of(checked)}」",
        )
        return self.get(kind, record_id)

    def update(
        self,
        kind: EngagementKind,
        record_id: int,
        expected_version: int | None,
        values: Mapping[str, Any],
        division_id: int | None = None,
    ) -> EngagementRecord:
        """Save ``values`` over the record the user had open at ``expected_version``; with
        ``division_id`` the record moves to that division (which needs the right to change the
        records of both)."""
        spec = KINDS[kind]
        self.update_record(
            MODELS[kind],
            record_id,
            expected_version,
            what=f"{entity_of(kind)}.update",
            entity=entity_of(kind),
            missing=missing_message(spec),
            name=lambda obj: (
                f"{spec.label}「{spec.title_of(values_from_stored(spec, snapshot(obj)))}」"
            ),
            conflict=f"该{spec.label}记录",
            check=lambda session, division: self._checked(
                session, spec, values, division, self._division_of_record(session, kind, record_id)
            ),
            assign=lambda _session, obj, checked: self._assign(spec, obj, checked),
            detail=lambda _obj, checked: f"{spec.label}「{spec.title_of(checked)}」",
            move_to=division_id,
        )
        return self.get(kind, record_id)

    @staticmethod
    def _division_of_record(session: Session, kind: EngagementKind, record_id: int) -> int | None:
        record = session.get(MODELS[kind], record_id)
        return record.division_id if record is not None else None

    def delete(self, kind: EngagementKind, record_id: int, expected_version: int | None) -> None:
        """Mark the record deleted (the row stays, for the audit log and package merging)."""
        spec = KINDS[kind]
        entity = entity_of(kind)
        self.soft_delete(
            MODELS[kind],
            record_id,
            what=f"{entity}.delete",
            entity=entity,
            missing=missing_message(spec),
            expected_version=expected_version,
            name=lambda obj: (
                f"{spec.label}「{spec.title_of({spec.title_field: getattr(obj, spec.title_field)})}」"
            ),
        )

    # --- the 分管领导 whose attendance is checked (a business setting) ---
    def deputy_roster(self) -> tuple[str, ...]:
        with self.db.read() as session:
            return _roster(session)

    def set_deputy_roster(self, names: Iterable[str]) -> tuple[str, ...]:
        """Store the bureau's 分管领导 (admin only); blank names are dropped, repeats kept once."""
        self.require(
            Action.MANAGE_SYSTEM, what="setting.update", entity="setting", entity_id=DEPUTY_SETTING
        )
        cleaned = tuple(dict.fromkeys(normal_name(n) for n in names if normal_name(n)))
        problems = [
            f"「{n[:12]}…」过长（姓名不能超过 {MAX_NAME} 个字）"
            for n in cleaned
            if len(n) > MAX_NAME
        ]
        if len(cleaned) > MAX_DEPUTIES:
            problems.append(f"最多登记 {MAX_DEPUTIES} 位分管领导")
        if problems:
            raise ValidationError("分管领导名单有误，未保存：", problems=problems)
        with self.db.write() as session:
            old = write_setting(session, DEPUTY_SETTING, list(cleaned))
            self.audit(
                session,
                "setting.update",
                entity="setting",
                entity_id=DEPUTY_SETTING,
                before={DEPUTY_SETTING: old},
                after={DEPUTY_SETTING: list(cleaned)},
                detail="分管领导名单：" + ("、".join(cleaned) or "（空）"),
            )
        return cleaned

    # --- the rules ---
    def evaluate(
        self,
        year: int,
        division_id: int | None = None,
        today: date | None = None,
        now: datetime | None = None,
        emergencies_only: bool = False,
    ) -> EngagementEvaluation:
        """The §9 rules for ``year`` as of ``today`` / ``now``: the bureau's conferences and
        meetings, and the 舆情 first seen in the year (of ``division_id`` when given; only the
        重大 / 特别重大 突发事件 under the 5-hour and 24-hour limits with ``emergencies_only``)."""
        now = now or datetime.now()
        today = today or now.date()
        with self.db.read() as session:
            roster = _roster(session)
            conferences = [
                Conference(held_on, _speakers(speakers))
                for held_on, speakers in session.execute(
                    select(PressConference.held_on, PressConference.speakers).where(
                        PressConference.deleted_at.is_(None),
                        _year_condition(EngagementKind.PRESS_CONFERENCE, year),
                    )
                )
            ]
            meetings = [
                Meeting(MeetingKind(kind), held_on)
                for kind, held_on in session.execute(
                    select(WorkMeeting.meeting_kind, WorkMeeting.held_on).where(
                        WorkMeeting.deleted_at.is_(None),
                        _year_condition(EngagementKind.MEETING, year),
                    )
                )
            ]
            seen = _year_condition(EngagementKind.PUBLIC_OPINION, year)
            if emergencies_only:
                o = PublicOpinion
                seen = and_(seen, o.emergency.is_(True), o.level.in_(sorted(MAJOR_LEVELS)))
            opinions = self._opinions(session, seen, division_id, now)
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

    def open_opinions(
        self, division_id: int | None = None, now: datetime | None = None
    ) -> list[OpinionStatus]:
        """Every 舆情 (of any year) with a response, authoritative information or press
        conference still owed: the to-do list's."""
        now = now or datetime.now()
        o = PublicOpinion
        owed = or_(
            o.responded_at.is_(None),
            and_(
                o.emergency.is_(True),
                o.level.in_(sorted(MAJOR_LEVELS)),
                or_(o.authoritative_at.is_(None), o.conference_at.is_(None)),
            ),
        )
        own = self._personal_scope(EngagementKind.PUBLIC_OPINION)
        if own is not None:
            division_id = own
        with self.db.read() as session:
            found = self._opinions(session, owed, division_id, now)
        return [
            OpinionStatus(s.id, s.division_id, s.division_name, s.subject, open_checks)
            for s in found
            if (open_checks := tuple(c for c in s.checks if c.is_open))
        ]

    @staticmethod
    def _opinions(
        session: Session,
        condition: ColumnElement[bool],
        division_id: int | None,
        now: datetime,
    ) -> list[OpinionStatus]:
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


def _roster(session: Session) -> tuple[str, ...]:
    value = read_setting(session, DEPUTY_SETTING)
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(normal_name(str(n)) for n in value if normal_name(str(n))))


def _speakers(text: str) -> tuple[Any, ...]:
    spec = KINDS[EngagementKind.PRESS_CONFERENCE]
    value = values_from_stored(spec, {"speakers": text})["speakers"]
    return tuple(value)


def period_counts(results: Iterable[PeriodResult]) -> tuple[int, int, int]:
    """(met, at risk, missed) of period results; periods not begun are not counted."""
    verdicts = [r.verdict for r in results]
    return (
        verdicts.count(Verdict.MET),
        verdicts.count(Verdict.AT_RISK),
        verdicts.count(Verdict.MISSED),
    )
