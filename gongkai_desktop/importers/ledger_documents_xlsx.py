"""Importing the 规范性文件 template (SPEC §16): every row or none.

Rows are matched to the register by 文号: a row with a registered 文号 updates that document
(a liaison may not overwrite another division's), any other row registers a new one. A status
that changes is appended to the document's history, as the register's own forms do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..audit import AuditActor
from ..db.engine import Database
from ..db.ledger_models import NormativeDocument
from ..domain.disclosure import (
    DOCUMENT_FIELD_LABELS,
    YES_NO,
    DocumentFields,
    DocumentStatus,
    validate_document,
)
from ..domain.permissions import Action, Actor, allowed
from ..exchange import ImportResult
from ..progress import CancelToken, Job, Progress
from ..reports.excel.ledger_documents import DOCUMENT_HEADERS
from ..services.base import snapshot
from ..services.document_status import add_status_change, stored_status_date
from ..services.ledger_documents import level_from_number
from .ledger_rows import (
    Checked,
    LedgerRefs,
    RowReader,
    audit_import,
    audit_row_update,
    check_rows,
    ledger_refs,
    valid_rows,
)
from .record_versions import EditCheck
from .xlsx_safety import (
    RowErrors,
    ignored_columns_note,
    is_blank,
    parse_choice_cell,
    parse_date_cell,
)

STATUS_BY_LABEL = {s.label: s.value for s in DocumentStatus}


@dataclass
class _DocRow:
    row: int
    division_id: int
    fields: DocumentFields
    values: tuple[str, ...] = ()


def _yes_no(reader: RowReader, header: str, value: object) -> bool:
    if is_blank(value):
        return False
    return reader.parse(header, parse_choice_cell, value, YES_NO) == "是"


def _parse_document(
    reader: RowReader, values: tuple[Any, ...], refs: LedgerRefs, actor: Actor, denied: list[str]
) -> _DocRow | None:
    h = DOCUMENT_HEADERS
    number, title, division, written, published, status, changed, consulted, interpreted = values
    number_text = reader.text(h[0], number, required=True, limit=64)
    title_text = reader.text(h[1], title, required=True)
    division_id = reader.division(h[2], division, refs, actor, denied)
    written_on = reader.parse(h[3], parse_date_cell, written, required=True)
    published_on = reader.parse(h[4], parse_date_cell, published)
    status_label = reader.parse(
        h[5], parse_choice_cell, status, tuple(STATUS_BY_LABEL), required=True
    )
    changed_on = reader.parse(h[6], parse_date_cell, changed)
    fields = DocumentFields(
        doc_number=number_text,
        title=title_text,
        level=level_from_number(number_text).value,
        written_on=written_on,
        published_on=published_on,
        status=STATUS_BY_LABEL.get(status_label or "", DocumentStatus.VALID.value),
        status_changed_on=changed_on,
        consulted=_yes_no(reader, h[7], consulted),
        interpreted=_yes_no(reader, h[8], interpreted),
    )
    skip = set(reader.failed)
    for problem in validate_document(fields):
        header = DOCUMENT_FIELD_LABELS[problem.field]
        if header not in skip:
            reader.add(header, problem.message)
    if reader.failed or division_id is None:
        return None
    return _DocRow(reader.row, division_id, fields)


def check_documents(
    db: Database, actor: Actor, path: Path, cancel: CancelToken | None, keep_values: bool = False
) -> Job[Checked[_DocRow]]:
    refs = ledger_refs(db)
    errors = RowErrors(path.name)
    denied: list[str] = []
    parsed, count = yield from check_rows(
        path,
        DOCUMENT_HEADERS,
        lambda reader, values: _parse_document(reader, values, refs, actor, denied),
        lambda doc: doc.fields.doc_number,
        lambda first: f"文号与第{first}行重复",
        errors,
        cancel,
        keep_values,
    )
    if parsed:
        _check_document_owners(db, actor, parsed, errors, denied)
    return parsed, errors, denied, count


def import_documents_job(
    db: Database,
    actor: Actor,
    path: Path,
    dry_run: bool = False,
    cancel: CancelToken | None = None,
) -> Job[ImportResult]:
    """Import the 规范性文件 template (matched by 文号): all rows or none."""
    path = Path(path)
    parsed = yield from valid_rows(check_documents, "document.import", db, actor, path, cancel)
    yield Progress(len(parsed), len(parsed), "正在保存")
    created, updated = _store_documents(db, actor, path, parsed, dry_run)
    notes = ignored_columns_note(path, DOCUMENT_HEADERS)
    return ImportResult("documents", len(parsed), created, updated, dry_run, notes)


def _check_document_owners(
    db: Database, actor: Actor, parsed: list[_DocRow], errors: RowErrors, denied: list[str]
) -> None:
    """A liaison may not overwrite (by 文号) a document that belongs to another division."""
    if actor.is_admin:
        return
    numbers = [p.fields.doc_number for p in parsed]
    with db.read() as session:
        owners = dict(
            session.execute(
                select(NormativeDocument.doc_number, NormativeDocument.division_id).where(
                    NormativeDocument.deleted_at.is_(None),
                    NormativeDocument.doc_number.in_(numbers),
                )
            ).all()
        )
    for p in parsed:
        owner = owners.get(p.fields.doc_number)
        if owner is not None and not allowed(actor, Action.EDIT_RECORD, owner):
            errors.add(p.row, DOCUMENT_HEADERS[0], "该文号已由其他处室登记，不能覆盖")
            denied.append(p.fields.doc_number)


def _document_changes(doc: NormativeDocument, division_id: int, f: Any) -> bool:
    """True when storing the row's fields ``f`` over ``doc`` changes it."""
    status_changed_on = stored_status_date(f.status, f.status_changed_on)
    return (
        doc.division_id,
        doc.title,
        doc.written_on,
        doc.published_on,
        doc.status,
        doc.status_changed_on,
        doc.consulted,
        doc.interpreted,
    ) != (
        division_id,
        f.title,
        f.written_on,
        f.published_on,
        f.status,
        status_changed_on,
        f.consulted,
        f.interpreted,
    )


def _store_documents(
    db: Database, actor: Actor, path: Path, parsed: list[_DocRow], dry_run: bool
) -> tuple[int, int]:
    numbers = [p.fields.doc_number for p in parsed]
    with db.read() if dry_run else db.write() as session:
        existing = {
            d.doc_number: d
            for d in session.scalars(
                select(NormativeDocument).where(
                    NormativeDocument.deleted_at.is_(None),
                    NormativeDocument.doc_number.in_(numbers),
                )
            )
        }
        created = [p for p in parsed if p.fields.doc_number not in existing]
        edits = EditCheck(path, RowErrors(path.name), DOCUMENT_HEADERS[0], actor.user_id)
        for p in parsed:
            doc = existing.get(p.fields.doc_number)
            if doc is not None and _document_changes(doc, p.division_id, p.fields):
                edits.check(p.row, f"文件 {doc.doc_number} ", doc, True)
        edits.errors.raise_if_any()
        if dry_run:
            return len(created), len(parsed) - len(created)
        created_uuids: list[str] = []
        updated_uuids: list[str] = []
        audit_actor = AuditActor(actor.user_id, actor.username)
        before: dict[str, Any] = {}
        for p in parsed:
            f = p.fields
            doc = existing.get(f.doc_number)
            new = doc is None
            if doc is None:
                doc = NormativeDocument(
                    division_id=p.division_id, level=f.level, created_by=actor.user_id
                )
                session.add(doc)
                old_status: tuple[str, date | None] | None = None
            else:
                old_status = (doc.status, doc.status_changed_on)
                before = snapshot(doc)
            doc.division_id = p.division_id
            doc.doc_number = f.doc_number
            doc.title = f.title
            assert f.written_on is not None
            doc.written_on = f.written_on
            doc.published_on = f.published_on
            doc.status = f.status
            doc.status_changed_on = stored_status_date(f.status, f.status_changed_on)
            doc.consulted = f.consulted
            doc.interpreted = f.interpreted
            if not new and not session.is_modified(doc):
                continue
            doc.updated_by = None if new else actor.user_id
            session.flush()
            if old_status != (doc.status, doc.status_changed_on):
                add_status_change(session, doc, "导入登记" if new else "导入更新", actor.user_id)
            if new:
                created_uuids.append(doc.uuid)
                continue
            audit_row_update(
                session,
                audit_actor,
                "document.update",
                "normative_document",
                doc,
                before,
                path,
                p.row,
            )
            updated_uuids.append(doc.uuid)
        session.flush()
        # Created documents are listed here; every updated one has its own entry above.
        audit_import(
            session,
            audit_actor,
            "document.import",
            "normative_document",
            path,
            created_uuids,
            updated_uuids,
            f"导入规范性文件：新增 {len(created_uuids)} 件，更新 {len(updated_uuids)} 件",
        )
        return len(created_uuids), len(updated_uuids)
