"""规范性文件 registry (SPEC §6): the list, the register's forms and the yearly counts.

A document belongs to its drafting division (制发处室): that division's liaison (or an admin)
edits it. Every status change (现行有效 → 已修订 / 已废止 / 已失效) is appended to the history with
its date (``document_status``). The 清理 campaigns are in ``document_cleanup``; the service here
offers them too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..db.ledger_models import NormativeDocument
from ..db.models import Division
from ..db.paging import SortOrder
from ..domain import annual_report as ar
from ..domain.disclosure import (
    DOCUMENT_FIELD_LABELS,
    DocumentFields,
    DocumentLevel,
    DocumentStatus,
    Problem,
    validate_document,
)
from ..domain.permissions import Action, allowed
from ..errors import NotFound, ValidationError
from ..search import contains_every_term
from .annual_report import document_facts
from .base import changed_fields, live_record, snapshot
from .document_cleanup import CampaignRow, CleanupCampaigns, DecisionRow
from .document_status import StatusChange, add_status_change, status_history, stored_status_date
from .list_paging import list_order, page_statement, year_condition
from .policy_records import fields_error

__all__ = [
    "DOCUMENT_MISSING",
    "DOCUMENT_SORT_KEYS",
    "CampaignRow",
    "DecisionRow",
    "DocumentDetail",
    "DocumentQuery",
    "DocumentRow",
    "DocumentService",
    "StatusChange",
    "apply_document_filters",
    "level_from_number",
    "problems_error",
    "text_condition",
]

log = logging.getLogger(__name__)

DOCUMENT_MISSING = "规范性文件不存在或已被删除。"


@dataclass(frozen=True)
class DocumentRow:
    id: int
    uuid: str
    version: int
    doc_number: str
    title: str
    level: DocumentLevel
    division_id: int
    division_name: str
    written_on: date
    published_on: date | None
    status: DocumentStatus
    status_changed_on: date | None
    consulted: bool
    interpreted: bool
    link: str
    notes: str
    editable: bool

    def fields(self) -> DocumentFields:
        return DocumentFields(
            doc_number=self.doc_number,
            title=self.title,
            level=self.level.value,
            written_on=self.written_on,
            published_on=self.published_on,
            status=self.status.value,
            status_changed_on=self.status_changed_on,
            consulted=self.consulted,
            interpreted=self.interpreted,
            link=self.link,
            notes=self.notes,
        )


@dataclass(frozen=True)
class DocumentDetail:
    row: DocumentRow
    history: tuple[StatusChange, ...]


DOCUMENT_SORT_KEYS = (
    "written_on",
    "doc_number",
    "title",
    "division",
    "published_on",
    "status",
    "status_changed_on",
    "level",
    "consulted",
    "interpreted",
)


@dataclass(frozen=True)
class DocumentQuery:
    year: int | None = None
    division_id: int | None = None
    level: DocumentLevel | None = None
    status: DocumentStatus | None = None
    text: str = ""
    sort: str = "written_on"
    descending: bool = True

    def with_(self, **changes: Any) -> DocumentQuery:
        return replace(self, **changes)


_COLUMNS = (
    NormativeDocument.id,
    NormativeDocument.uuid,
    NormativeDocument.version,
    NormativeDocument.doc_number,
    NormativeDocument.title,
    NormativeDocument.level,
    NormativeDocument.division_id,
    Division.name,
    NormativeDocument.written_on,
    NormativeDocument.published_on,
    NormativeDocument.status,
    NormativeDocument.status_changed_on,
    NormativeDocument.consulted,
    NormativeDocument.interpreted,
    NormativeDocument.link,
    NormativeDocument.notes,
)


def _row(values: Any, actor: Any) -> DocumentRow:
    v = tuple(values)
    return DocumentRow(
        id=v[0],
        uuid=v[1],
        version=v[2],
        doc_number=v[3],
        title=v[4],
        level=DocumentLevel(v[5]),
        division_id=v[6],
        division_name=v[7],
        written_on=v[8],
        published_on=v[9],
        status=DocumentStatus(v[10]),
        status_changed_on=v[11],
        consulted=bool(v[12]),
        interpreted=bool(v[13]),
        link=v[14],
        notes=v[15],
        editable=allowed(actor, Action.EDIT_RECORD, v[6]),
    )


def text_condition(text: str) -> ColumnElement[bool]:
    """Every word occurs in the title, the 文号 or the notes."""
    doc = NormativeDocument
    return contains_every_term(text, doc.title, doc.doc_number, doc.notes)


def apply_document_filters(stmt: Select[Any], query: DocumentQuery) -> Select[Any]:
    doc = NormativeDocument
    stmt = stmt.where(doc.deleted_at.is_(None))
    if query.year is not None:
        stmt = stmt.where(year_condition(doc.written_on, query.year))
    if query.division_id is not None:
        stmt = stmt.where(doc.division_id == query.division_id)
    if query.level is not None:
        stmt = stmt.where(doc.level == DocumentLevel(query.level).value)
    if query.status is not None:
        stmt = stmt.where(doc.status == DocumentStatus(query.status).value)
    if query.text.strip():
        stmt = stmt.where(text_condition(query.text.strip()[:200]))
    return stmt


# Sort key → (column, the row's value in that column).
_SORT_COLUMNS: dict[str, tuple[Any, Callable[[DocumentRow], Any]]] = {
    "written_on": (NormativeDocument.written_on, lambda r: r.written_on),
    "doc_number": (NormativeDocument.doc_number, lambda r: r.doc_number),
    "title": (NormativeDocument.title, lambda r: r.title),
    "division": (NormativeDocument.division_id, lambda r: r.division_id),
    "published_on": (NormativeDocument.published_on, lambda r: r.published_on),
    "status": (NormativeDocument.status, lambda r: r.status.value),
    "status_changed_on": (NormativeDocument.status_changed_on, lambda r: r.status_changed_on),
    "level": (NormativeDocument.level, lambda r: r.level.value),
    "consulted": (NormativeDocument.consulted, lambda r: r.consulted),
    "interpreted": (NormativeDocument.interpreted, lambda r: r.interpreted),
}


def _order(query: DocumentQuery) -> tuple[SortOrder, Callable[[DocumentRow], Any]]:
    return list_order(_SORT_COLUMNS, query.sort, query.descending, NormativeDocument.id)


def problems_error(problems: list[Problem]) -> ValidationError:
    return fields_error("规范性文件", DOCUMENT_FIELD_LABELS, problems)


def level_from_number(doc_number: str) -> DocumentLevel:
    """规章 are promulgated by an order (令); every other numbered document is 行政规范性文件."""
    return DocumentLevel.RULE if "令" in doc_number else DocumentLevel.NORMATIVE


class DocumentService(CleanupCampaigns):
    """规范性文件: the list, the register's forms, the yearly counts and the 清理 campaigns."""

    entity = "normative_document"

    # --- list ---
    def count_documents(self, query: DocumentQuery) -> int:
        with self.db.read() as session:
            stmt = apply_document_filters(select(func.count(NormativeDocument.id)), query)
            return int(session.scalar(stmt) or 0)

    def status_counts(self, query: DocumentQuery) -> dict[DocumentStatus, int]:
        """How many documents the query finds, per status (statuses with none are left out)."""
        with self.db.read() as session:
            stmt = apply_document_filters(
                select(NormativeDocument.status, func.count(NormativeDocument.id)), query
            ).group_by(NormativeDocument.status)
            return {DocumentStatus(s): int(n) for s, n in session.execute(stmt)}

    def list_documents(
        self, query: DocumentQuery, after: DocumentRow | None = None, limit: int = 200
    ) -> list[DocumentRow]:
        """A page of the list: the first ``limit`` rows, or the ``limit`` rows that follow the row
        ``after`` (the last one of the previous page)."""
        order, value_of = _order(query)
        with self.db.read() as session:
            stmt = select(*_COLUMNS).join(Division, Division.id == NormativeDocument.division_id)
            stmt = apply_document_filters(stmt, query)
            stmt = page_statement(session, stmt, order, value_of, after, limit)
            return [_row(r, self.actor) for r in session.execute(stmt)]

    def get_document(self, document_id: int) -> DocumentDetail:
        with self.db.read() as session:
            values = session.execute(
                select(*_COLUMNS)
                .join(Division, Division.id == NormativeDocument.division_id)
                .where(NormativeDocument.id == document_id, NormativeDocument.deleted_at.is_(None))
            ).first()
            if values is None:
                raise NotFound(DOCUMENT_MISSING)
            history = status_history(session, document_id)
            return DocumentDetail(_row(values, self.actor), history)

    # --- changes ---
    def _check(
        self, session: Session, fields: DocumentFields, division_id: int | None, own_id: int | None
    ) -> list[Problem]:
        problems = validate_document(fields)
        if division_id is None or session.get(Division, division_id) is None:
            problems.insert(0, Problem("division", "请选择制发处室"))
        number = fields.doc_number.strip()
        if number:
            clash = session.scalar(
                select(NormativeDocument.id).where(
                    NormativeDocument.doc_number == number,
                    NormativeDocument.deleted_at.is_(None),
                    NormativeDocument.id != (own_id or 0),
                )
            )
            if clash is not None:
                problems.append(Problem("doc_number", f"文号「{number}」已登记过"))
        return problems

    @staticmethod
    def _assign(doc: NormativeDocument, fields: DocumentFields) -> None:
        doc.doc_number = fields.doc_number.strip()
        doc.title = fields.title.strip()
        doc.level = fields.level
        assert fields.written_on is not None
        doc.written_on = fields.written_on
        doc.published_on = fields.published_on
        doc.status = fields.status
        doc.status_changed_on = stored_status_date(fields.status, fields.status_changed_on)
        doc.consulted = fields.consulted
        doc.interpreted = fields.interpreted
        doc.link = fields.link.strip()
        doc.notes = fields.notes.strip()

    def _history(self, session: Session, doc: NormativeDocument, reason: str) -> None:
        add_status_change(session, doc, reason, self.actor.user_id)

    def create_document(self, division_id: int | None, fields: DocumentFields) -> DocumentRow:
        self.require(
            Action.EDIT_RECORD, division_id=division_id, what="document.create", entity=self.entity
        )
        with self.db.write() as session:
            problems = self._check(session, fields, division_id, None)
            if problems:
                raise problems_error(problems)
            assert division_id is not None
            doc = NormativeDocument(division_id=division_id, created_by=self.actor.user_id)
            self._assign(doc, fields)
            session.add(doc)
            session.flush()
            self._history(session, doc, "登记")
            self.audit(
                session,
                "document.create",
                entity=self.entity,
                entity_id=doc.uuid,
                division_id=division_id,
                after=snapshot(doc),
            )
            doc_id = doc.id
        return self.get_document(doc_id).row

    def update_document(
        self,
        document_id: int,
        expected_version: int | None,
        division_id: int | None,
        fields: DocumentFields,
        reason: str = "",
    ) -> DocumentRow:
        self.require_each(
            Action.EDIT_RECORD,
            (self.division_of(NormativeDocument, document_id), division_id),
            what="document.update",
            entity=self.entity,
            entity_id=document_id,
        )
        try:
            with self.db.write() as session:
                doc = live_record(session, NormativeDocument, document_id, DOCUMENT_MISSING)
                self.check_version(doc, expected_version, f"规范性文件「{doc.doc_number}」")
                problems = self._check(session, fields, division_id, document_id)
                if problems:
                    raise problems_error(problems)
                before = snapshot(doc)
                assert division_id is not None
                doc.division_id = division_id
                self._assign(doc, fields)
                doc.updated_by = self.actor.user_id
                session.flush()
                if (doc.status, doc.status_changed_on) != (
                    before["status"],
                    date.fromisoformat(before["status_changed_on"])
                    if before["status_changed_on"]
                    else None,
                ):
                    self._history(session, doc, reason or "修改状态")
                self.audit(
                    session,
                    "document.update",
                    entity=self.entity,
                    entity_id=doc.uuid,
                    division_id=division_id,
                    before=before,
                    after=changed_fields(before, snapshot(doc)),
                )
        except StaleDataError as exc:
            raise self.lost_race(NormativeDocument, document_id, "规范性文件") from exc
        return self.get_document(document_id).row

    def change_status(
        self,
        document_id: int,
        expected_version: int | None,
        status: DocumentStatus,
        changed_on: date,
        reason: str = "",
    ) -> DocumentRow:
        detail = self.get_document(document_id)
        fields = replace(detail.row.fields(), status=status.value, status_changed_on=changed_on)
        return self.update_document(
            document_id, expected_version, detail.row.division_id, fields, reason
        )

    def delete_document(self, document_id: int, expected_version: int | None) -> None:
        self.soft_delete(
            NormativeDocument,
            document_id,
            what="document.delete",
            entity=self.entity,
            missing=DOCUMENT_MISSING,
            expected_version=expected_version,
            name=lambda doc: f"规范性文件「{doc.doc_number}」",
        )

    # --- counts for the annual report (table 二) ---
    def yearly_counts(self, year: int) -> dict[DocumentLevel, tuple[int, int, int]]:
        """Per level: (issued in the year, abolished or expired in the year, valid at 31 Dec),
        counted by the annual report's own rule (:func:`annual_report.document_counts`)."""
        with self.db.read() as session:
            counts = ar.document_counts(document_facts(session), year)
        return {
            level: (
                counts[level.label][ar.COL_ISSUED],
                counts[level.label][ar.COL_ABOLISHED],
                counts[level.label][ar.COL_VALID],
            )
            for level in DocumentLevel
        }
