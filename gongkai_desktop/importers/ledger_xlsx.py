"""Importing the 公开事项 and 规范性文件 templates (SPEC §16): every row or none.

The file is checked before parsing (size, zip limits, defusedxml; ``xlsx_safety``), the header row
must be the template's exactly, and then every row is parsed and validated: each problem is
reported as 第N行「列」：原因, and if there is any, nothing is stored. A valid file is written in
one transaction. A row matching a stored record (公开事项: same division, title and formation date;
规范性文件: same 文号) updates it instead of adding a duplicate, so importing a file twice is safe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, insert, select

from ..audit import AuditActor, record
from ..calendar import WorkingCalendar
from ..db.base import new_uuid, utcnow
from ..db.engine import Database
from ..db.ledger_models import DisclosureItem, NormativeDocument, NormativeDocumentStatus
from ..db.models import Division
from ..domain.disclosure import (
    CHANNEL_BITS,
    DOCUMENT_FIELD_LABELS,
    FIELD_LABELS,
    WITHHOLD_GROUNDS,
    YES_NO,
    DisclosureAttribute,
    DocumentFields,
    DocumentStatus,
    ItemFields,
    channels_to_mask,
    deadline_or_problem,
    split_channels,
    validate_document,
    validate_item,
)
from ..domain.permissions import Action, Actor, allowed
from ..errors import ValidationError
from ..exchange import ImportResult
from ..fileio import sha256_file
from ..progress import CancelToken, Job, Progress
from ..reports.excel.ledger_documents import DOCUMENT_HEADERS
from ..reports.excel.ledger_items import ITEM_HEADERS
from ..search import analyze_items, bulk_item_load
from ..services.base import changed_fields, snapshot
from ..services.calendar import load_calendar
from ..services.ledger import categories_of
from ..services.ledger_documents import level_from_number
from .record_versions import EditCheck
from .xlsx_safety import (
    RowErrors,
    ignored_columns_note,
    is_blank,
    open_rows,
    parse_choice_cell,
    parse_date_cell,
    text_cell,
)

log = logging.getLogger(__name__)

PROGRESS_EVERY = 500
ANALYZE_AFTER = 1000
ATTRIBUTE_BY_LABEL = {a.label: a.value for a in DisclosureAttribute}
STATUS_BY_LABEL = {s.label: s.value for s in DocumentStatus}


@dataclass(frozen=True)
class _Refs:
    divisions: dict[str, int]
    categories: list[str]
    calendar: WorkingCalendar


def _refs(db: Database) -> _Refs:
    with db.read() as session:
        divisions = {
            name: id_
            for id_, name in session.execute(
                select(Division.id, Division.name).where(Division.active.is_(True))
            )
        }
        return _Refs(divisions, categories_of(session), load_calendar(session))


class _RowReader:
    """Reads the cells of one row into ``RowErrors``, remembering which columns failed."""

    def __init__(self, errors: RowErrors, row: int) -> None:
        self.errors = errors
        self.row = row
        self.failed: set[str] = set()

    def add(self, header: str, reason: str) -> None:
        if header not in self.failed:
            self.failed.add(header)
            self.errors.add(self.row, header, reason)

    def parse(self, header: str, parser: Any, value: object, *args: Any, required: bool = False):  # type: ignore[no-untyped-def]
        before = len(self.errors)
        result = self.errors.parse(self.row, header, parser, value, *args, required=required)
        if len(self.errors) > before:
            self.failed.add(header)
        return result

    def text(self, header: str, value: object, required: bool = False, limit: int = 500) -> str:
        text = text_cell(value)
        if required and not text:
            self.add(header, "必填，不能为空")
        elif len(text) > limit:
            self.add(header, f"不能超过 {limit} 个字")
        return text

    def division(
        self, header: str, value: object, refs: _Refs, actor: Actor, denied: list[str]
    ) -> int | None:
        name = text_cell(value)
        if not name:
            self.add(header, "必填，不能为空")
            return None
        division_id = refs.divisions.get(name)
        if division_id is None:
            self.add(header, f"处室「{name}」不存在，请填写本单位处室的全称")
            return None
        if not allowed(actor, Action.EDIT_RECORD, division_id):
            self.add(header, f"联络员只能导入本处室（{actor.division_name}）的记录，不能导入{name}的记录")
            denied.append(name)
            return None
        return division_id


def _shown(values: tuple[Any, ...]) -> tuple[str, ...]:
    """Cells as the preview shows them (dates as YYYY-MM-DD)."""

    def show(v: Any) -> str:
        if isinstance(v, datetime):
            return v.date().isoformat()
        if isinstance(v, date):
            return v.isoformat()
        return text_cell(v)

    return tuple(show(v) for v in values)


class _ParsedRow(Protocol):
    row: int
    values: tuple[str, ...]


RowT = TypeVar("RowT", bound=_ParsedRow)
# What checking a file gives: (valid rows, errors, refused divisions, rows read).
_Checked = tuple[list[RowT], RowErrors, list[str], int]


def _check_rows(
    path: Path,
    headers: Sequence[str],
    parse: Callable[[_RowReader, tuple[Any, ...]], RowT | None],
    key: Callable[[RowT], Hashable],
    duplicate: Callable[[int], str],
    errors: RowErrors,
    cancel: CancelToken | None,
    keep_values: bool,
) -> Job[tuple[list[RowT], int]]:
    """Parse every data row into ``errors``; returns (valid rows, rows read). A row with the
    ``key`` of an earlier row is reported in the first column with ``duplicate(first row)``."""
    parsed: list[RowT] = []
    seen: dict[Hashable, int] = {}
    count = 0
    for count, (row, values) in enumerate(open_rows(path, headers, cancel=cancel), 1):
        record = parse(_RowReader(errors, row), values)
        if record is not None:
            first = seen.setdefault(key(record), row)
            if first != row:
                errors.add(row, headers[0], duplicate(first))
            else:
                if keep_values:
                    record.values = _shown(values)
                parsed.append(record)
        if count % PROGRESS_EVERY == 0:
            if cancel is not None:
                cancel.check()
            yield Progress(count, 0, f"已检查 {count} 行")
    return parsed, count


def _valid_rows(
    check: Callable[[Database, Actor, Path, CancelToken | None], Job[_Checked[RowT]]],
    what: str,
    db: Database,
    actor: Actor,
    path: Path,
    cancel: CancelToken | None,
) -> Job[list[RowT]]:
    """The rows of a file to import, after auditing a refused division; any problem raises."""
    yield Progress(0, 0, "正在检查文件")
    parsed, errors, denied, _ = yield from check(db, actor, path, cancel)
    if denied:
        _audit_denied(db, actor, what, path, denied)
    errors.raise_if_any()
    return parsed


def _audit_denied(db: Database, actor: Actor, what: str, path: Path, names: Sequence[str]) -> None:
    with db.write() as session:
        record(
            session,
            AuditActor(actor.user_id, actor.username),
            what,
            entity="import",
            entity_id=path.name,
            division_id=actor.division_id,
            outcome="denied",
            detail="导入文件含有其他处室的记录：" + "、".join(sorted(set(names))),
        )


# ----- 公开事项 ----------------------------------------------------------------------------------


@dataclass
class _ItemRow:
    row: int
    division_id: int
    fields: ItemFields
    deadline: date | None
    deadline_problem: str = ""
    values: tuple[str, ...] = ()


def _parse_item(
    reader: _RowReader, values: tuple[Any, ...], refs: _Refs, actor: Actor, denied: list[str]
) -> _ItemRow | None:
    h = ITEM_HEADERS
    (title, category, attribute, ground, division, formed, published, channels, link, number, notes) = (
        values
    )
    title_text = reader.text(h[0], title, required=True)
    category_text = reader.parse(h[1], parse_choice_cell, category, refs.categories, required=True)
    attribute_label = reader.parse(
        h[2], parse_choice_cell, attribute, tuple(ATTRIBUTE_BY_LABEL), required=True
    )
    ground_text = reader.parse(h[3], parse_choice_cell, ground, WITHHOLD_GROUNDS)
    division_id = reader.division(h[4], division, refs, actor, denied)
    formed_on = reader.parse(h[5], parse_date_cell, formed, required=True)
    published_on = reader.parse(h[6], parse_date_cell, published)
    channel_list = split_channels(text_cell(channels))
    unknown = [c for c in channel_list if c not in CHANNEL_BITS]
    if unknown:
        reader.add(h[7], "、".join(f"「{c}」" for c in unknown) + "不是有效的公开渠道")
    fields = ItemFields(
        title=title_text,
        category=category_text or "",
        attribute=ATTRIBUTE_BY_LABEL.get(attribute_label or "", ""),
        ground=ground_text,
        formed_on=formed_on,
        published_on=published_on,
        channels=tuple(c for c in channel_list if c in CHANNEL_BITS),
        link=reader.text(h[8], link),
        doc_number=reader.text(h[9], number, limit=64),
        notes=reader.text(h[10], notes, limit=5000),
    )
    skip = set(reader.failed)
    if h[2] in skip:
        skip.add(h[3])  # the ground rule depends on the attribute
    for problem in validate_item(fields, refs.categories):
        header = FIELD_LABELS[problem.field]
        if header not in skip:
            reader.add(header, problem.message)
    if reader.failed or division_id is None or formed_on is None:
        return None
    # A deadline that needs a year without holiday data is left empty (状态「无法计算」) and
    # computed when the arrangement is entered; the row itself is valid.
    deadline, problem = deadline_or_problem(
        refs.calendar, fields.attribute, fields.category, formed_on
    )
    return _ItemRow(reader.row, division_id, fields, deadline, problem)


def _item_key(item: _ItemRow) -> tuple[int, str, date | None]:
    return (item.division_id, item.fields.title, item.fields.formed_on)


def _check_items(
    db: Database, actor: Actor, path: Path, cancel: CancelToken | None, keep_values: bool = False
) -> Job[_Checked[_ItemRow]]:
    """Parse and validate every row; returns (valid rows, errors, refused divisions, rows read)."""
    refs = _refs(db)
    errors = RowErrors(path.name)
    denied: list[str] = []
    parsed, count = yield from _check_rows(
        path,
        ITEM_HEADERS,
        lambda reader, values: _parse_item(reader, values, refs, actor, denied),
        _item_key,
        lambda first: f"与第{first}行是同一事项（处室、标题、形成日期相同）",
        errors,
        cancel,
        keep_values,
    )
    return parsed, errors, denied, count


def import_items_job(
    db: Database,
    actor: Actor,
    path: Path,
    dry_run: bool = False,
    cancel: CancelToken | None = None,
) -> Job[ImportResult]:
    """Import the 公开事项 template: validate every row, then store all in one transaction."""
    path = Path(path)
    parsed = yield from _valid_rows(_check_items, "item.import", db, actor, path, cancel)
    if not parsed:
        raise ValidationError(f"“{path.name}”中没有可导入的数据行。", path=str(path))
    missing_portal = sum(
        1
        for p in parsed
        if p.fields.attribute == DisclosureAttribute.PROACTIVE.value
        and "门户网站" not in p.fields.channels
    )
    notes: tuple[str, ...] = (
        (f"提示：{missing_portal} 条主动公开事项的公开渠道中没有门户网站。",)
        if missing_portal
        else ()
    )
    undetermined = [p for p in parsed if p.deadline_problem]
    if undetermined:
        reasons = "；".join(sorted({p.deadline_problem for p in undetermined}))
        notes += (
            f"提示：{len(undetermined)} 条主动公开事项暂无法计算公开期限（{reasons}）"
            "录入节假日安排后将自动计算。",
        )
    if cancel is not None:
        cancel.check()
    yield Progress(len(parsed), len(parsed), "正在保存")
    created, updated = _store_items(db, actor, path, parsed, dry_run)
    notes += ignored_columns_note(path, ITEM_HEADERS)
    return ImportResult("items", len(parsed), created, updated, dry_run, notes)


_ITEM_COLUMNS = (
    "uuid",
    "division_id",
    "title",
    "category",
    "attribute",
    "ground",
    "formed_on",
    "published_on",
    "deadline",
    "channels",
    "link",
    "doc_number",
    "notes",
    "created_by",
    "created_at",
    "updated_at",
    "version",
)


def _sqlite_value(value: Any) -> Any:
    # The text forms SQLAlchemy's SQLite Date and DateTime types store and read back.
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def insert_items(session: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many items in one statement. On SQLite the rows go straight to the driver's
    executemany (the per-value type processing of the ORM would double an import's cost);
    elsewhere through the ORM's bulk INSERT."""
    if session.get_bind().dialect.name != "sqlite":
        session.execute(insert(DisclosureItem).execution_options(render_nulls=True), rows)
        return
    sql = (
        f"INSERT INTO disclosure_item ({', '.join(_ITEM_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(_ITEM_COLUMNS))})"
    )
    values = [tuple(_sqlite_value(row[c]) for c in _ITEM_COLUMNS) for row in rows]
    session.connection().exec_driver_sql(sql, values)


def _item_changes(item: DisclosureItem, f: ItemFields) -> bool:
    """True when storing ``f`` over ``item`` changes what the user sees."""
    return (
        item.category,
        item.attribute,
        item.ground,
        item.published_on,
        item.channels,
        item.link,
        item.doc_number,
        item.notes,
    ) != (
        f.category,
        f.attribute,
        f.ground,
        f.published_on,
        channels_to_mask(f.channels),
        f.link,
        f.doc_number,
        f.notes,
    )


def _store_items(
    db: Database, actor: Actor, path: Path, parsed: list[_ItemRow], dry_run: bool
) -> tuple[int, int]:
    first = min(p.fields.formed_on for p in parsed if p.fields.formed_on)
    last = max(p.fields.formed_on for p in parsed if p.fields.formed_on)
    division_ids = sorted({p.division_id for p in parsed})
    with db.read() if dry_run else db.write() as session:
        existing = {
            (d, t, f): i
            for i, d, t, f in session.execute(
                select(
                    DisclosureItem.id,
                    DisclosureItem.division_id,
                    DisclosureItem.title,
                    DisclosureItem.formed_on,
                ).where(
                    DisclosureItem.deleted_at.is_(None),
                    DisclosureItem.formed_on >= first,
                    DisclosureItem.formed_on <= last,
                    DisclosureItem.division_id.in_(division_ids),
                )
            )
        }
        inserts: list[dict[str, Any]] = []
        to_update: dict[int, _ItemRow] = {}
        now = utcnow()
        for p in parsed:
            f = p.fields
            key = (p.division_id, f.title, f.formed_on)
            if key in existing:
                to_update[existing[key]] = p
                continue
            inserts.append(
                {
                    "uuid": new_uuid(),
                    "division_id": p.division_id,
                    "title": f.title,
                    "category": f.category,
                    "attribute": f.attribute,
                    "ground": f.ground,
                    "formed_on": f.formed_on,
                    "published_on": f.published_on,
                    "deadline": p.deadline,
                    "channels": channels_to_mask(f.channels),
                    "link": f.link,
                    "doc_number": f.doc_number,
                    "notes": f.notes,
                    "created_by": actor.user_id,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
        changed_items: list[tuple[DisclosureItem, _ItemRow]] = []
        if to_update:
            edits = EditCheck(path, RowErrors(path.name), ITEM_HEADERS[0], actor.user_id)
            for item in session.scalars(
                select(DisclosureItem).where(DisclosureItem.id.in_(list(to_update)))
            ):
                p = to_update[item.id]
                if _item_changes(item, p.fields):
                    edits.check(p.row, f"公开事项「{item.title}」", item, True)
                    changed_items.append((item, p))
            edits.errors.raise_if_any()
        if dry_run:
            return len(inserts), len(to_update)
        if inserts:
            stored = session.scalar(select(func.count(DisclosureItem.id))) or 0
            # Indexing row by row costs about ten times what rebuilding costs per row: a large
            # import into a small table rebuilds the search index once instead.
            bulk = bulk_item_load(session) if len(inserts) * 10 >= stored else nullcontext()
            with bulk:
                insert_items(session, inserts)
            if len(inserts) >= ANALYZE_AFTER and isinstance(bulk, nullcontext):
                analyze_items(session)  # (the bulk load analyses by itself)
        audit_actor = AuditActor(actor.user_id, actor.username)
        updated_uuids = []
        for item, p in changed_items:
            f = p.fields
            before = snapshot(item)
            item.category = f.category
            item.attribute = f.attribute
            item.ground = f.ground
            item.published_on = f.published_on
            item.deadline = p.deadline
            item.channels = channels_to_mask(f.channels)
            item.link = f.link
            item.doc_number = f.doc_number
            item.notes = f.notes
            item.updated_by = actor.user_id
            session.flush()
            record(
                session,
                audit_actor,
                "item.update",
                entity="disclosure_item",
                entity_id=item.uuid,
                division_id=item.division_id,
                before=before,
                after=changed_fields(before, snapshot(item)),
                detail=f"导入文件「{path.name}」第{p.row}行更新",
            )
            updated_uuids.append(item.uuid)
        # Created rows are listed here (each row also names its creator); every updated row has
        # its own audit entry above with its before and changed fields.
        record(
            session,
            audit_actor,
            "item.import",
            entity="disclosure_item",
            entity_id=path.name,
            division_id=division_ids[0] if len(division_ids) == 1 else None,
            after={
                "file": path.name,
                "sha256": sha256_file(path),
                "created": [r["uuid"] for r in inserts],
                "updated": updated_uuids,
            },
            detail=f"导入公开事项：新增 {len(inserts)} 条，更新 {len(updated_uuids)} 条",
        )
        return len(inserts), len(updated_uuids)


# ----- 规范性文件 --------------------------------------------------------------------------------


@dataclass
class _DocRow:
    row: int
    division_id: int
    fields: DocumentFields
    values: tuple[str, ...] = ()


def _yes_no(reader: _RowReader, header: str, value: object) -> bool:
    if is_blank(value):
        return False
    return reader.parse(header, parse_choice_cell, value, YES_NO) == "是"


def _parse_document(
    reader: _RowReader, values: tuple[Any, ...], refs: _Refs, actor: Actor, denied: list[str]
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


def _check_documents(
    db: Database, actor: Actor, path: Path, cancel: CancelToken | None, keep_values: bool = False
) -> Job[_Checked[_DocRow]]:
    refs = _refs(db)
    errors = RowErrors(path.name)
    denied: list[str] = []
    parsed, count = yield from _check_rows(
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
    parsed = yield from _valid_rows(_check_documents, "document.import", db, actor, path, cancel)
    if not parsed:
        raise ValidationError(f"“{path.name}”中没有可导入的数据行。", path=str(path))
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
    status_changed_on = None if f.status == DocumentStatus.VALID.value else f.status_changed_on
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
            doc.status_changed_on = (
                None if f.status == DocumentStatus.VALID.value else f.status_changed_on
            )
            doc.consulted = f.consulted
            doc.interpreted = f.interpreted
            if not new and not session.is_modified(doc):
                continue
            doc.updated_by = None if new else actor.user_id
            session.flush()
            if old_status != (doc.status, doc.status_changed_on):
                session.add(
                    NormativeDocumentStatus(
                        document_id=doc.id,
                        status=doc.status,
                        changed_on=doc.status_changed_on or doc.written_on,
                        reason="导入登记" if new else "导入更新",
                        created_by=actor.user_id,
                    )
                )
            if new:
                created_uuids.append(doc.uuid)
                continue
            record(
                session,
                audit_actor,
                "document.update",
                entity="normative_document",
                entity_id=doc.uuid,
                division_id=doc.division_id,
                before=before,
                after=changed_fields(before, snapshot(doc)),
                detail=f"导入文件「{path.name}」第{p.row}行更新",
            )
            updated_uuids.append(doc.uuid)
        session.flush()
        # Created documents are listed here; every updated one has its own entry above.
        record(
            session,
            audit_actor,
            "document.import",
            entity="normative_document",
            entity_id=path.name,
            after={
                "file": path.name,
                "sha256": sha256_file(path),
                "created": created_uuids,
                "updated": updated_uuids,
            },
            detail=f"导入规范性文件：新增 {len(created_uuids)} 件，更新 {len(updated_uuids)} 件",
        )
        return len(created_uuids), len(updated_uuids)



# ----- preview (the GUI's import dialog) ---------------------------------------------------------


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do: the valid rows as read, and every problem found.

    ``file_error`` is set when the file itself was refused (limits, not an .xlsx, wrong headers);
    then there are no rows.
    """

    kind: str
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    errors: tuple[str, ...]
    read: int
    file_error: str = ""

    @property
    def importable(self) -> bool:
        return not self.file_error and not self.errors and bool(self.rows)


def preview_job(
    kind: str, db: Database, actor: Actor, path: Path, cancel: CancelToken | None = None
) -> Job[ImportPreview]:
    """Check a file without storing anything; problems are returned, not raised."""
    path = Path(path)
    headers = ITEM_HEADERS if kind == "items" else DOCUMENT_HEADERS
    check = _check_items if kind == "items" else _check_documents
    yield Progress(0, 0, "正在检查文件")
    try:
        parsed, errors, _, read = yield from check(db, actor, path, cancel, True)  # type: ignore[operator]
    except ValidationError as exc:
        return ImportPreview(kind, headers, (), tuple(exc.problems), 0, exc.message)
    return ImportPreview(
        kind,
        headers,
        tuple((p.row, p.values) for p in parsed),
        tuple(errors.messages()),
        read,
    )
