"""回收站: the soft-deleted records of every kind (``record_kinds.RESTORABLE``), newest deletion
first, and their restoration by the admin, audited.

A restored record is as it was when it was deleted, and what its deletion changed elsewhere is
put back in the same transaction: a request's or a case's number (freed at deletion) is taken
again, unless a newer record uses it; a decision brings back the consultations deleted with it
and marks its document 已征求意见 again; a consultation comes back only under a live decision;
a published interpretation marks its document 已解读 again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.models import User
from ..domain.permissions import Action
from ..errors import NotFound, ValidationError
from ..record_kinds import BY_ENTITY, DELETED_MARK, RESTORABLE, RecordKind
from .base import Service, division_names, snapshot

log = logging.getLogger(__name__)

ENTITY = "recycle_bin"
NOT_IN_BIN = "该记录不在回收站中（可能已被恢复）。"
# Consultations deleted with their decision are marked in the same transaction, just before it.
WITH_DECISION = timedelta(seconds=10)


@dataclass(frozen=True)
class DeletedRecord:
    entity: str
    kind: str  # 公开事项, 政策解读…
    id: int
    title: str
    division: str
    deleted_at: datetime  # UTC, naive, as stored
    deleted_by: str
    version: int


def _kind(entity: str) -> RecordKind:
    kind = BY_ENTITY.get(entity)
    if kind is None or not kind.restorable:
        raise ValidationError(f"「{entity}」类的记录不能从回收站恢复。")
    return kind


def _title(kind: RecordKind, record: Any) -> str:
    return kind.title_of({f: getattr(record, f, None) for f in kind.title_fields})


class RecycleBinService(Service):
    """Admins only (``Action.MANAGE_SYSTEM``); a refusal is audited and changes nothing."""

    def deleted(self, entity: str | None = None, limit: int = 1000) -> list[DeletedRecord]:
        """The deleted records (of ``entity`` only, if given), the latest deletion first."""
        self.require(Action.MANAGE_SYSTEM, what="recycle_bin.read", entity=ENTITY)
        kinds = [_kind(entity)] if entity else list(RESTORABLE)
        found: list[DeletedRecord] = []
        with self.db.read() as session:
            names = division_names(session)
            users = dict(session.execute(select(User.id, User.username)).all())
            for kind in kinds:
                model = kind.model()
                stmt = (
                    select(model)
                    .where(model.deleted_at.is_not(None))
                    .order_by(model.deleted_at.desc())
                    .limit(limit)
                )
                for record in session.scalars(stmt):
                    found.append(
                        DeletedRecord(
                            kind.entity,
                            kind.label,
                            record.id,
                            _title(kind, record),
                            names.get(record.division_id, ""),
                            record.deleted_at,
                            users.get(record.updated_by, ""),
                            record.version,
                        )
                    )
        found.sort(key=lambda r: r.deleted_at, reverse=True)
        return found[:limit]

    def restore(self, entity: str, record_id: int, expected_version: int | None) -> str:
        """Bring a deleted record back; returns its title. Refused (nothing changed) when the
        record is not deleted, was changed meanwhile, or cannot come back (see the module)."""
        kind = _kind(entity)
        what = f"{entity}.restore"
        self.require(Action.MANAGE_SYSTEM, what=what, entity=entity, entity_id=record_id)
        with self.db.write() as session:
            record = session.get(kind.model(), record_id)
            if record is None or record.deleted_at is None:
                raise NotFound(NOT_IN_BIN)
            title = _title(kind, record)
            self.check_version(record, expected_version, f"{kind.label}「{title}」")
            before = snapshot(record)
            deleted_at = record.deleted_at
            prepare, follow = RESTORE_STEPS.get(entity, (None, None))
            remembered = prepare(self, session, record) if prepare else None
            record.deleted_at = None
            record.updated_by = self.actor.user_id
            session.flush()
            if follow is not None:
                follow(self, session, record, (deleted_at, remembered))
            self.audit(
                session,
                what,
                entity=entity,
                entity_id=record.uuid,
                division_id=record.division_id,
                before=before,
                after={"deleted_at": None, **{f: getattr(record, f) for f in kind.title_fields}},
                detail=f"从回收站恢复{kind.label}「{title}」",
            )
        log.info("%s restored %s %s", self.actor.username, entity, record_id)
        return title


# --- what each kind's restoration puts back -------------------------------------------------
def _take_number_again(column: str, what: str) -> Callable[..., None]:
    def prepare(service: RecycleBinService, session: Session, record: Any) -> None:
        number = str(getattr(record, column)).split(DELETED_MARK, 1)[0]
        model = type(record)
        taken = session.scalar(
            select(model.id).where(getattr(model, column) == number, model.id != record.id)
        )
        if taken is not None:
            raise ValidationError(
                f"编号「{number}」已被另一{what}使用，不能恢复。请先修改那{what}的编号。"
            )
        setattr(record, column, number)

    return prepare


def _prepare_consultation(service: RecycleBinService, session: Session, record: Any) -> Any:
    from ..db.decision_models import Decision
    from .decisions import DecisionService

    decision = session.get(Decision, record.decision_id)
    if decision is None or decision.deleted_at is not None:
        raise ValidationError("这次征求意见所属的决策已删除，请先恢复该决策。")
    return DecisionService(service.db, service.actor).counted_document(session, decision)


def _follow_consultation(
    service: RecycleBinService, session: Session, record: Any, state: tuple[datetime, Any]
) -> None:
    from ..db.decision_models import Decision
    from .decisions import DecisionService

    decision = session.get(Decision, record.decision_id)
    assert decision is not None
    DecisionService(service.db, service.actor).after_consultation_restored(
        session, decision, state[1]
    )


def _follow_decision(
    service: RecycleBinService, session: Session, record: Any, state: tuple[datetime, Any]
) -> None:
    from ..db.decision_models import Consultation
    from .decisions import DecisionService

    deleted_at = state[0]
    for c in session.scalars(
        select(Consultation).where(
            Consultation.decision_id == record.id,
            Consultation.deleted_at.is_not(None),
            Consultation.deleted_at >= deleted_at - WITH_DECISION,
            Consultation.deleted_at <= deleted_at,
        )
    ):
        before = snapshot(c)
        c.deleted_at = None
        c.updated_by = service.actor.user_id
        session.flush()
        service.audit(
            session,
            "consultation.restore",
            entity="consultation",
            entity_id=c.uuid,
            division_id=c.division_id,
            before=before,
            detail=f"随决策记录「{record.title}」从回收站恢复",
        )
    DecisionService(service.db, service.actor).after_decision_restored(session, record)


def _follow_interpretation(
    service: RecycleBinService, session: Session, record: Any, state: tuple[datetime, Any]
) -> None:
    from .interpretations import InterpretationService

    InterpretationService(service.db, service.actor).after_restored(session, record)


RESTORE_STEPS: dict[str, tuple[Callable[..., Any] | None, Callable[..., None] | None]] = {
    "disclosure_request": (_take_number_again("reg_no", "件申请"), None),
    "disclosure_case": (_take_number_again("case_no", "件案件"), None),
    "consultation": (_prepare_consultation, _follow_consultation),
    "decision": (None, _follow_decision),
    "interpretation": (None, _follow_interpretation),
}
