"""新闻发布与回应 records as the lists and forms show them, and the one mapping from a kind to its
table that every kind goes through: the query's columns and year, the checked values that are
stored, the record's name in messages and the audit log.

Every kind is described by ``domain.engagement.KINDS``; ``MODELS`` gives its table. Nothing here
is written per kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, select
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
from ..domain.disclosure import Problem
from ..domain.engagement import KINDS
from ..domain.engagement_choices import EngagementKind
from ..domain.engagement_fields import (
    DIVISION_FIELD,
    Assessment,
    FieldType,
    KindSpec,
    normalise,
    stored,
    validate,
    values_from_stored,
)
from ..errors import ValidationError

MODELS: dict[EngagementKind, type[RecordMixin]] = {
    EngagementKind.PRESS_CONFERENCE: PressConference,
    EngagementKind.PUBLIC_OPINION: PublicOpinion,
    EngagementKind.INTERACTION: PublicInteraction,
    EngagementKind.PROPOSAL: Proposal,
    EngagementKind.MEETING: WorkMeeting,
    EngagementKind.RECTIFICATION: Rectification,
}


def entity_of(kind: EngagementKind) -> str:
    """The audit log's entity name of a kind: its table's name."""
    return str(MODELS[kind].__tablename__)


def missing_message(spec: KindSpec) -> str:
    return f"该{spec.label}记录不存在或已被删除。"


def record_name(spec: KindSpec, obj: RecordMixin) -> str:
    """A stored record as messages and the audit log name it, e.g. 新闻发布会「…」."""
    return spec.named({spec.title_field: getattr(obj, spec.title_field)})


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


def column_of(kind: EngagementKind, name: str) -> Any:
    """The column of a kind's field."""
    return getattr(MODELS[kind], name)


def year_condition(kind: EngagementKind, year: int) -> ColumnElement[bool]:
    """The records of ``kind`` whose date (``KindSpec.date_field``) falls in ``year``."""
    spec = KINDS[kind]
    column = column_of(kind, spec.date_field)
    if spec.field(spec.date_field).type is FieldType.DATETIME:
        return and_(column >= datetime(year, 1, 1), column < datetime(year + 1, 1, 1))
    return and_(column >= date(year, 1, 1), column <= date(year, 12, 31))


def checked_values(
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


def assign_values(spec: KindSpec, obj: RecordMixin, values: Mapping[str, Any]) -> None:
    """Write checked values into a record's columns."""
    for f in spec.fields:
        setattr(obj, f.name, stored(f, values[f.name]))
