"""Importing the 公开事项 template (SPEC §16): every row or none.

Each row is parsed and validated against the unit's categories and divisions; a row matching a
stored item (same division, title and formation date) updates it instead of adding a duplicate,
so importing a file twice is safe. New items are inserted in one statement, and a large import
into a small table rebuilds the search index once instead of row by row.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from ..audit import AuditActor
from ..db.base import new_uuid, utcnow
from ..db.engine import Database
from ..db.ledger_models import DisclosureItem
from ..domain.disclosure import (
    CHANNEL_BITS,
    FIELD_LABELS,
    WITHHOLD_GROUNDS,
    DisclosureAttribute,
    ItemFields,
    channels_to_mask,
    deadline_or_problem,
    split_channels,
    validate_item,
)
from ..domain.permissions import Actor
from ..exchange import ImportResult
from ..progress import CancelToken, Job, Progress
from ..reports.excel.ledger_items import ITEM_HEADERS
from ..search import analyze_items, bulk_item_load
from ..services.base import snapshot
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
    parse_choice_cell,
    parse_date_cell,
    text_cell,
)

ANALYZE_AFTER = 1000
ATTRIBUTE_BY_LABEL = {a.label: a.value for a in DisclosureAttribute}


@dataclass
class _ItemRow:
    row: int
    division_id: int
    fields: ItemFields
    deadline: date | None
    deadline_problem: str = ""
    values: tuple[str, ...] = ()


def _parse_item(
    reader: RowReader, values: tuple[Any, ...], refs: LedgerRefs, actor: Actor, denied: list[str]
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


def check_items(
    db: Database, actor: Actor, path: Path, cancel: CancelToken | None, keep_values: bool = False
) -> Job[Checked[_ItemRow]]:
    """Parse and validate every row; returns (valid rows, errors, refused divisions, rows read)."""
    refs = ledger_refs(db)
    errors = RowErrors(path.name)
    denied: list[str] = []
    parsed, count = yield from check_rows(
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
    parsed = yield from valid_rows(check_items, "item.import", db, actor, path, cancel)
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
            audit_row_update(
                session, audit_actor, "item.update", "disclosure_item", item, before, path, p.row
            )
            updated_uuids.append(item.uuid)
        # Created rows are listed here (each row also names its creator); every updated row has
        # its own audit entry above with its before and changed fields.
        audit_import(
            session,
            audit_actor,
            "item.import",
            "disclosure_item",
            path,
            [r["uuid"] for r in inserts],
            updated_uuids,
            f"导入公开事项：新增 {len(inserts)} 条，更新 {len(updated_uuids)} 条",
            division_ids[0] if len(division_ids) == 1 else None,
        )
        return len(inserts), len(updated_uuids)
