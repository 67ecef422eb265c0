"""A 规范性文件's status history: every change (现行有效 → 已修订 / 已废止 / 已失效) is appended
with its date and reason, by the register's forms, a 清理 campaign's result and the import alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.ledger_models import CleanupCampaign, NormativeDocument, NormativeDocumentStatus
from ..domain.disclosure import DocumentStatus


@dataclass(frozen=True)
class StatusChange:
    status: DocumentStatus
    changed_on: date
    reason: str
    campaign_name: str = ""


def stored_status_date(status: str, changed_on: date | None) -> date | None:
    """The status date kept with ``status``: a document in force (现行有效) keeps none."""
    return None if status == DocumentStatus.VALID.value else changed_on


def add_status_change(
    session: Session,
    doc: NormativeDocument,
    reason: str,
    created_by: int | None,
    campaign_id: int | None = None,
) -> None:
    """Append the document's present status to its history (dated by the status date, else by
    the date it was written)."""
    session.add(
        NormativeDocumentStatus(
            document_id=doc.id,
            status=doc.status,
            changed_on=doc.status_changed_on or doc.written_on,
            reason=reason,
            campaign_id=campaign_id,
            created_by=created_by,
        )
    )


def status_history(session: Session, document_id: int) -> tuple[StatusChange, ...]:
    """The document's status changes, oldest first, each with the campaign that made it."""
    return tuple(
        StatusChange(DocumentStatus(s), d, r, n or "")
        for s, d, r, n in session.execute(
            select(
                NormativeDocumentStatus.status,
                NormativeDocumentStatus.changed_on,
                NormativeDocumentStatus.reason,
                CleanupCampaign.name,
            )
            .outerjoin(CleanupCampaign, CleanupCampaign.id == NormativeDocumentStatus.campaign_id)
            .where(NormativeDocumentStatus.document_id == document_id)
            .order_by(NormativeDocumentStatus.changed_on, NormativeDocumentStatus.id)
        )
    )
