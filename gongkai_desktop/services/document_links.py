"""The links of other modules to the 规范性文件 registry (SPEC §6): the documents a record may be
about, and setting a document's 已解读 (§7) or 已征求意见 (§8) flag.

Documents are found by their drafting division and 文号. Each document changed gets its own audit
row, written in the transaction of the change that caused it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.ledger_models import NormativeDocument
from .base import Service

DocumentFlag = Literal["consulted", "interpreted"]


def registered_documents(session: Session, division_id: int | None) -> list[tuple[int, str, str]]:
    """(id, 文号, 标题) of the live registered documents of a division (all when None), newest
    first: the documents an interpretation or a consultation may be about."""
    doc = NormativeDocument
    stmt = select(doc.id, doc.doc_number, doc.title).where(doc.deleted_at.is_(None))
    if division_id is not None:
        stmt = stmt.where(doc.division_id == division_id)
    return [
        (i, n, t)
        for i, n, t in session.execute(stmt.order_by(doc.written_on.desc(), doc.id.desc()))
    ]


def set_document_flag(
    service: Service,
    session: Session,
    *,
    division_id: int,
    doc_number: str,
    flag: DocumentFlag,
    value: bool,
    detail: str,
    only: Collection[int] | None = None,
) -> list[int]:
    """Set ``flag`` to ``value`` on the live documents of a division numbered ``doc_number``
    that do not have it yet (and are among the ids ``only``, when given), each with a
    ``document.update`` audit row saying ``detail``; return their ids."""
    doc_number = doc_number.strip()
    if not doc_number or (only is not None and not only):
        return []
    column = getattr(NormativeDocument, flag)
    stmt = select(NormativeDocument).where(
        NormativeDocument.division_id == division_id,
        NormativeDocument.doc_number == doc_number,
        NormativeDocument.deleted_at.is_(None),
        column.is_(not value),
    )
    if only is not None:
        stmt = stmt.where(NormativeDocument.id.in_(list(only)))
    documents = session.scalars(stmt.order_by(NormativeDocument.id)).all()
    for doc in documents:
        flag_document(service, session, doc, flag, value, detail)
    return [doc.id for doc in documents]


def flag_document(
    service: Service,
    session: Session,
    document: NormativeDocument,
    flag: DocumentFlag,
    value: bool,
    detail: str,
) -> None:
    """Set ``flag`` of one document to ``value`` with a ``document.update`` audit row saying
    ``detail``."""
    setattr(document, flag, value)
    document.updated_by = service.actor.user_id
    session.flush()
    service.audit(
        session,
        "document.update",
        entity="normative_document",
        entity_id=document.uuid,
        division_id=document.division_id,
        before={flag: not value},
        after={flag: value},
        detail=detail,
    )
