"""What every service shares: the actor, the permission check that audits refusals, snapshots,
and the steps of creating, changing or deleting a record of a division."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from .. import audit
from ..db.base import RecordMixin, utcnow
from ..db.engine import Database
from ..db.models import Division
from ..domain.permissions import Action, Actor, allowed, refusal_message
from ..errors import ConflictError, NotFound, PermissionDenied

log = logging.getLogger(__name__)

R = TypeVar("R", bound=RecordMixin)
V = TypeVar("V")


def audit_actor(actor: Actor) -> audit.AuditActor:
    return audit.AuditActor(actor.user_id, actor.username)


def snapshot(obj: object, exclude: tuple[str, ...] = ("password_hash",)) -> dict[str, Any]:
    """Column values of an ORM object, for the audit log's before/after."""
    mapper = inspect(obj).mapper  # type: ignore[union-attr]
    data: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        if attr.key in exclude:
            continue
        value = getattr(obj, attr.key)
        if isinstance(value, (datetime, date)):
            value = value.isoformat()
        data[attr.key] = value
    return data


BOOKKEEPING = frozenset({"updated_at", "version", "updated_by"})


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a change touched, without the bookkeeping every update moves."""
    return {k: v for k, v in after.items() if k not in BOOKKEEPING and before.get(k) != v}


def division_names(session: Session) -> dict[int, str]:
    """Every division's name by its id (inactive ones too: old records still name them)."""
    return dict(session.execute(select(Division.id, Division.name)).all())


def live_record(session: Session, model: type[R], record_id: int, missing: str) -> R:
    """The record with ``record_id``; NotFound (saying ``missing``) if there is none or it was
    deleted."""
    record = session.get(model, record_id)
    if record is None or record.deleted_at is not None:
        raise NotFound(missing)
    return record


class Service:
    """Base of the services: holds the database and the actor, checks and audits permissions."""

    def __init__(self, db: Database, actor: Actor) -> None:
        self.db = db
        self.actor = actor

    def require(
        self,
        action: Action,
        *,
        division_id: int | None = None,
        what: str = "",
        entity: str = "",
        entity_id: object = "",
    ) -> None:
        """Raise PermissionDenied (after auditing the refusal in its own transaction) unless allowed."""
        if allowed(self.actor, action, division_id):
            return
        division_name = ""
        if division_id is not None:
            with self.db.read() as session:
                division = session.get(Division, division_id)
                division_name = division.name if division else ""
        message = refusal_message(self.actor, action, division_name)

        def write_denial(session: Session) -> None:
            audit.record(
                session,
                audit_actor(self.actor),
                what or action.value,
                entity=entity,
                entity_id=entity_id,
                division_id=division_id,
                outcome="denied",
                detail=message,
            )

        log.warning("refused %s to %s: %s", what or action.value, self.actor.username, message)
        refusal = PermissionDenied(message, action=action.value, division_id=division_id)
        if self.db.in_write:
            # Inside a transaction: the refusal is audited after that transaction rolls back.
            refusal.after_rollback = write_denial  # type: ignore[attr-defined]
        else:
            with self.db.write() as session:
                write_denial(session)
        raise refusal

    def require_each(
        self,
        action: Action,
        division_ids: Iterable[int | None],
        *,
        what: str,
        entity: str = "",
        entity_id: object = "",
    ) -> None:
        """``require`` for each division once, in the order given: moving a record to another
        division needs the right to change the records of both."""
        for division_id in dict.fromkeys(division_ids):
            self.require(
                action, division_id=division_id, what=what, entity=entity, entity_id=entity_id
            )

    def writable_divisions(self) -> list[tuple[int, str]]:
        """(id, name) of the active divisions the actor may record for: all for an admin, their
        own for a liaison, none for a leader."""
        stmt = select(Division.id, Division.name).where(Division.active.is_(True))
        if not self.actor.is_admin:
            if not allowed(self.actor, Action.EDIT_RECORD, self.actor.division_id):
                return []
            stmt = stmt.where(Division.id == self.actor.division_id)
        with self.db.read() as session:
            return [(i, n) for i, n in session.execute(stmt.order_by(Division.sort_order))]

    def record_years(self, model: type[RecordMixin], year: Any) -> list[int]:
        """The distinct values of a live record's ``year`` column, newest first."""
        with self.db.read() as session:
            return list(
                session.scalars(
                    select(year).where(model.deleted_at.is_(None)).distinct().order_by(year.desc())
                )
            )

    def division_of(self, model: type[RecordMixin], record_id: int) -> int | None:
        """The division a record (deleted or not) belongs to, for the permission check before
        changing it; None if there is no such record."""
        with self.db.read() as session:
            record = session.get(model, record_id)
            return record.division_id if record is not None else None

    def create_record(
        self,
        model: type[R],
        division_id: int | None,
        *,
        what: str,
        entity: str,
        check: Callable[[Session, int | None], V],
        assign: Callable[[Session, R, V], None],
        detail: Callable[[R, V], str],
        after: Callable[[Session, R], None] | None = None,
        exclude: tuple[str, ...] = ("password_hash",),
    ) -> int:
        """Add a record of ``division_id`` (None: the actor's own division) if the actor may
        change that division's records; returns its id.

        ``check`` raises ValidationError or returns the checked values, which ``assign`` writes
        into the new record and ``detail`` uses to describe it in the audit row; ``after`` runs
        once the record is flushed, before it is audited; ``exclude`` is as for ``snapshot``.
        """
        if division_id is None:
            division_id = self.actor.division_id
        self.require(Action.EDIT_RECORD, division_id=division_id, what=what, entity=entity)
        with self.db.write() as session:
            checked = check(session, division_id)
            assert division_id is not None
            now = utcnow()
            record = model(
                division_id=division_id,
                created_by=self.actor.user_id,
                updated_by=self.actor.user_id,
                created_at=now,
                updated_at=now,
            )
            assign(session, record, checked)
            session.add(record)
            session.flush()
            if after is not None:
                after(session, record)
            self.audit(
                session,
                what,
                entity=entity,
                entity_id=record.uuid,
                division_id=division_id,
                after=snapshot(record, exclude),
                detail=detail(record, checked),
            )
            record_id: int = record.id  # type: ignore[attr-defined]
        return record_id

    def update_record(
        self,
        model: type[R],
        record_id: int,
        expected_version: int | None,
        *,
        what: str,
        entity: str,
        missing: str,
        name: Callable[[R], str],
        conflict: str,
        check: Callable[[Session, int | None], V],
        assign: Callable[[Session, R, V], None],
        detail: Callable[[R, V], str],
        move_to: int | None = None,
        remember: Callable[[Session, R], Any] | None = None,
        after: Callable[[Session, R, Any], None] | None = None,
        exclude: tuple[str, ...] = ("password_hash",),
    ) -> None:
        """Save changes over a record the user had open at ``expected_version`` if the actor may
        change its division's records (and, with ``move_to``, those of the division it moves to).

        ``missing`` is the NotFound message; ``name`` names the record in the version conflict,
        ``conflict`` in the conflict of a lost race. ``check`` (given the division the record
        will belong to) raises ValidationError or returns the checked values, which ``assign``
        writes and ``detail`` uses in the audit row. ``remember`` runs before the change and
        what it returns is handed to ``after``, which runs once the change is flushed, before it
        is audited; ``exclude`` is as for ``snapshot``.
        """
        current = self.division_of(model, record_id)
        self.require_each(
            Action.EDIT_RECORD,
            (current, move_to if move_to is not None else current),
            what=what,
            entity=entity,
            entity_id=record_id,
        )
        try:
            with self.db.write() as session:
                record = live_record(session, model, record_id, missing)
                self.check_version(record, expected_version, name(record))
                target = move_to if move_to is not None else record.division_id
                checked = check(session, target)
                before = snapshot(record, exclude)
                remembered = remember(session, record) if remember is not None else None
                assign(session, record, checked)
                if move_to is not None:
                    record.division_id = move_to
                record.updated_by = self.actor.user_id
                session.flush()
                if after is not None:
                    after(session, record, remembered)
                self.audit(
                    session,
                    what,
                    entity=entity,
                    entity_id=record.uuid,
                    division_id=record.division_id,
                    before=before,
                    after=changed_fields(before, snapshot(record, exclude)),
                    detail=detail(record, checked),
                )
        except StaleDataError as exc:
            raise self.lost_race(model, record_id, conflict) from exc

    def soft_delete(
        self,
        model: type[RecordMixin],
        record_id: int,
        *,
        what: str,
        entity: str,
        missing: str,
        expected_version: int | None = None,
        name: Callable[[Any], str] | None = None,
        before_delete: Callable[[Session, Any], None] | None = None,
        exclude: tuple[str, ...] = ("password_hash",),
    ) -> None:
        """Mark a record deleted (the row stays, for the audit log, backups and package merging)
        if the actor may change its division's records.

        ``missing`` is the NotFound message; ``expected_version`` the version the user saw (a
        newer one is a conflict); ``name`` names the record in messages and the audit detail;
        ``before_delete`` may refuse (raise) or adjust the record inside the transaction;
        ``exclude`` names the columns the audit row leaves out, as for ``snapshot``.
        """
        self.require(
            Action.EDIT_RECORD,
            division_id=self.division_of(model, record_id),
            what=what,
            entity=entity,
            entity_id=record_id,
        )
        try:
            with self.db.write() as session:
                record = live_record(session, model, record_id, missing)
                label = name(record) if name else ""
                self.check_version(record, expected_version, label or "该记录")
                before = snapshot(record, exclude)
                if before_delete is not None:
                    before_delete(session, record)
                record.deleted_at = utcnow()
                record.updated_by = self.actor.user_id
                session.flush()
                self.audit(
                    session,
                    what,
                    entity=entity,
                    entity_id=record.uuid,
                    division_id=record.division_id,
                    before=before,
                    detail=label,
                )
        except StaleDataError as exc:
            raise self.lost_race(model, record_id, "该记录") from exc

    def lost_race(self, model: type[RecordMixin], record_id: int, what: str) -> ConflictError:
        """The conflict of a write that lost the race to another PC (SQLAlchemy's version check
        matched no row), carrying the record as it is stored now."""
        with self.db.read() as session:
            record = session.get(model, record_id)
            current = snapshot(record) if record is not None else None
        return ConflictError(
            f"{what}已被其他用户修改，请查看对方的修改后再决定保留哪一份。", current
        )

    def audit(self, session: Session, action: str, **kwargs: Any) -> None:
        audit.record(session, audit_actor(self.actor), action, **kwargs)

    @staticmethod
    def check_version(obj: Any, expected_version: int | None, what: str) -> None:
        """Optimistic check: the record must still be at the version the user started editing."""
        if expected_version is not None and obj.version != expected_version:
            raise ConflictError(
                f"{what}已被其他用户修改（当前版本 {obj.version}，您编辑的是版本 {expected_version}）。"
                "请查看对方的修改后再决定保留哪一份。",
                current=snapshot(obj),
            )
