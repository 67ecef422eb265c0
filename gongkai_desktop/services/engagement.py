"""新闻发布与回应 (SPEC §9): the six kinds of engagement record through one generic mechanism, and
the evaluation of their rules for a year that the compliance dashboard (§12) tallies.

Every kind is described by ``domain.engagement.KINDS`` and mapped to its table by
``engagement_records.MODELS``; this service does the same for each: the permission check (a
liaison changes the records of their own division, the admin all, leaders read; everyone reads
every division's records), the validation the description drives, one write transaction with its
audit row, the optimistic version check, and frozen ``EngagementRecord`` rows out, each with how
it stands against its rules (``Assessment``). The rules of the year are read in
``engagement_rules``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.base import RecordMixin
from ..db.models import Division
from ..domain.engagement import KINDS
from ..domain.engagement_choices import EngagementKind
from ..domain.engagement_fields import assess, values_from_stored
from ..domain.labels import Role
from ..domain.permissions import PERSONAL_RECORDS, Action, allowed, personal_scope
from ..errors import NotFound
from ..search import contains_every_term
from .admin import write_setting
from .base import Service, division_names, live_record
from .engagement_records import (
    MODELS,
    EngagementQuery,
    EngagementRecord,
    assign_values,
    checked_values,
    column_of,
    entity_of,
    missing_message,
    record_name,
    year_condition,
)
from .engagement_rules import (
    DEPUTY_SETTING,
    EngagementEvaluation,
    OpinionStatus,
    checked_roster,
    evaluation,
    open_checks,
    opinion_statuses,
    owed_condition,
    read_roster,
)

log = logging.getLogger(__name__)


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
            stmt = stmt.where(year_condition(kind, query.year))
        if query.division_id is not None:
            stmt = stmt.where(model.division_id == query.division_id)
        own = self._personal_scope(kind)
        if own is not None:
            stmt = stmt.where(model.division_id == own)
        text = query.text.strip()
        if text:
            stmt = stmt.where(
                contains_every_term(text, *(column_of(kind, name) for name in spec.search))
            )
        stmt = stmt.order_by(column_of(kind, spec.date_field).desc(), model.id.desc())  # type: ignore[attr-defined]
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
                column = column_of(kind, KINDS[kind].date_field)
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
            check=lambda session, division: checked_values(session, spec, values, division),
            assign=lambda _session, obj, checked: assign_values(spec, obj, checked),
            detail=lambda _obj, checked: spec.named(checked),
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
            name=lambda obj: record_name(spec, obj),
            conflict=f"该{spec.label}记录",
            check=lambda session, division: checked_values(
                session, spec, values, division, self._division_of_record(session, kind, record_id)
            ),
            assign=lambda _session, obj, checked: assign_values(spec, obj, checked),
            detail=lambda _obj, checked: spec.named(checked),
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
            name=lambda obj: record_name(spec, obj),
        )

    # --- the 分管领导 whose attendance is checked (a business setting) ---
    def deputy_roster(self) -> tuple[str, ...]:
        with self.db.read() as session:
            return read_roster(session)

    def set_deputy_roster(self, names: Iterable[str]) -> tuple[str, ...]:
        """Store the bureau's 分管领导 (admin only); blank names are dropped, repeats kept once."""
        self.require(
            Action.MANAGE_SYSTEM, what="setting.update", entity="setting", entity_id=DEPUTY_SETTING
        )
        cleaned = checked_roster(names)
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
        """The §9 rules for ``year`` as of ``today`` / ``now`` (see
        ``engagement_rules.evaluation``)."""
        now = now or datetime.now()
        today = today or now.date()
        with self.db.read() as session:
            return evaluation(session, year, division_id, today, now, emergencies_only)

    def open_opinions(
        self, division_id: int | None = None, now: datetime | None = None
    ) -> list[OpinionStatus]:
        """Every 舆情 (of any year) with a response, authoritative information or press
        conference still owed: the to-do list's."""
        now = now or datetime.now()
        own = self._personal_scope(EngagementKind.PUBLIC_OPINION)
        if own is not None:
            division_id = own
        with self.db.read() as session:
            found = opinion_statuses(session, owed_condition(), division_id, now)
        return open_checks(found)
