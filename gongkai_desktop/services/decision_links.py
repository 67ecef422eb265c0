"""What a decision's consultations change beyond the decision's own row: the year it is listed
under, and the 已征求意见 flag of the registered 规范性文件 with its 文号 (SPEC §6 ↔ §8).

A registered 规范性文件 of the decision's division with its 文号 is 已征求意见 as soon as a
consultation of a 规范性文件 (or 规章-level) decision carrying that 文号 is recorded: the flag follows
from the stored records alone, not from the day they were saved, so a consultation that is still
running when recorded needs no later save to count. A change that ends this (the consultation or
the decision deleted, the 文号 or the type changed) clears the flag unless another decision still
carries it, and only where it was set this way (``ConsultedMark``): a flag set by hand or by
import stays. Each change of a document is audited in the transaction that caused it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from ..db.decision_models import Consultation, ConsultedMark, Decision
from ..db.ledger_models import NormativeDocument
from ..domain.decisions import DecisionType
from .base import Service
from .decision_rows import decision_year
from .document_links import set_document_flag


def consultation_starts(session: Session, decision_id: int) -> list[date]:
    """The days the live consultations of a decision started on."""
    return list(
        session.scalars(
            select(Consultation.started_on).where(
                Consultation.decision_id == decision_id, Consultation.deleted_at.is_(None)
            )
        )
    )


def refresh_year(session: Session, record: Decision) -> None:
    """Keep the decision's year in step with its consultations. The year is derived, not
    entered, so the decision's version stays (an open editor of it is not outdated)."""
    year = decision_year(record, consultation_starts(session, record.id))
    if year != record.year:
        session.execute(
            update(Decision)
            .where(Decision.id == record.id)
            .values(year=year)
            .execution_options(synchronize_session=False)
        )


def counted_document(session: Session, record: Decision) -> str | None:
    """The 文号 a decision makes 已征求意见 (None: none): its own, while it is a live
    规范性文件 (or 规章) with a live consultation."""
    if record.deleted_at is not None or not record.document_number:
        return None
    if record.decision_type != DecisionType.NORMATIVE.value and not record.rule_level:
        return None
    consulted = session.scalar(
        select(func.count(Consultation.id)).where(
            Consultation.decision_id == record.id,
            Consultation.deleted_at.is_(None),
        )
    )
    return record.document_number if consulted else None


def _others_count(session: Session, record: Decision, number: str) -> bool:
    """Whether another decision of the division makes ``number`` 已征求意见."""
    d, c = Decision, Consultation
    found = session.scalar(
        select(func.count(c.id))
        .join(d, d.id == c.decision_id)
        .where(
            d.id != record.id,
            d.division_id == record.division_id,
            d.document_number == number,
            d.deleted_at.is_(None),
            or_(d.decision_type == DecisionType.NORMATIVE.value, d.rule_level.is_(True)),
            c.deleted_at.is_(None),
        )
    )
    return bool(found)


def link_documents(
    service: Service, session: Session, record: Decision, before: str | None
) -> None:
    """The registered document of the division with the 文号 the decision counts for now
    (``counted_document``) is 已征求意见; the one it counted for ``before`` the change is no
    longer, unless another decision still counts for it. ``service`` writes the audit rows.

    Only these documents are touched, and a flag is cleared only where it was set here
    (``ConsultedMark``), so one set by hand or by import stays.
    """
    after = counted_document(session, record)
    if after:
        marked = set_document_flag(
            service,
            session,
            division_id=record.division_id,
            doc_number=after,
            flag="consulted",
            value=True,
            detail=f"「{record.title}」已公开征求意见，规范性文件「{after}」标记为已征求意见",
        )
        known = set(
            session.scalars(
                select(ConsultedMark.document_id).where(ConsultedMark.document_id.in_(marked))
            )
        )
        session.add_all(ConsultedMark(document_id=i) for i in marked if i not in known)
        session.flush()
    if before and before != after and not _others_count(session, record, before):
        documents = select(NormativeDocument.id).where(
            NormativeDocument.division_id == record.division_id,
            NormativeDocument.doc_number == before,
        )
        ours = set(
            session.scalars(
                select(ConsultedMark.document_id).where(
                    ConsultedMark.document_id.in_(documents.scalar_subquery())
                )
            )
        )
        set_document_flag(
            service,
            session,
            division_id=record.division_id,
            doc_number=before,
            flag="consulted",
            value=False,
            detail=f"「{record.title}」不再有征求意见记录，"
            f"规范性文件「{before}」取消已征求意见标记",
            only=ours,
        )
        if ours:
            session.execute(delete(ConsultedMark).where(ConsultedMark.document_id.in_(ours)))
