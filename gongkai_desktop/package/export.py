"""Choosing and writing what a 报送包 carries.

A division's package holds its records changed in the chosen window (``records``) and, as
``refs``, every record those point to that is not itself in the window (the task a report belongs
to, the request a case came from), so the receiving database can resolve each reference.
Child rows without a division of their own travel with their parent. Attachments of the carried
records travel with their files. The sender's whole audit chain goes with it: the receiver checks
that it continues the chain of the last package it had from that division.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import HASHED_FIELDS
from ..db.models import AuditEntry
from ..domain.permissions import PERSONAL_RECORDS
from ..errors import GongkaiError
from ..progress import CancelToken, Progress
from .container import AUDIT_MEMBER, PackageWriter, file_member, records_member
from .records import DIVISION_TABLE, KINDS, USER_TABLE, Kind
from .refs import Resolver

AUDIT_FIELDS = ("id", *HASHED_FIELDS, "prev_hash", "hash")


@dataclass
class Selection:
    """Rows chosen for a package, by table: local ids of the records and of the references."""

    records: dict[str, list[int]]
    refs: dict[str, list[int]]

    def count(self) -> int:
        return sum(len(v) for v in self.records.values())


def select_records(
    session: Session,
    division_id: int | None,
    since: datetime | None,
    until: datetime,
    everything: bool = False,
) -> Selection:
    """The records of ``division_id`` (all divisions: None) changed in [since, until); with
    ``everything``, every row of every carried table (divisions, users and settings included)."""
    records: dict[str, list[int]] = {}
    chosen: dict[str, set[int]] = {}
    for kind in KINDS.values():
        t = kind.table
        if kind.foundation and not everything:
            continue
        if everything:
            ids = list(session.scalars(select(kind.row_id).order_by(kind.row_id)))
        elif kind.parent is not None:
            parent_table = kind.reference(t.c[kind.parent])
            parents = chosen.get(parent_table or "", set())
            if not parents:
                continue
            key_col = kind.row_id
            ids = [
                i
                for i, parent in session.execute(select(key_col, t.c[kind.parent]))
                if parent in parents
            ]
        else:
            stmt = select(t.c.id)
            if division_id is not None and kind.has_division:
                stmt = stmt.where(t.c.division_id == division_id)
            if since is not None:
                stmt = stmt.where(t.c.updated_at >= since)
            stmt = stmt.where(t.c.updated_at < until)
            ids = list(session.scalars(stmt.order_by(t.c.id)))
        if ids:
            records[kind.name] = ids
            chosen[kind.name] = set(ids)
    return Selection(records, _references(session, chosen))


def limit_personal(session: Session, selection: Selection, division_id: int | None) -> None:
    """Keep only the records holding personal information that belong to ``division_id`` (the
    exporter's ``personal_scope``; None keeps all): a reference to another division's request
    stays out of a liaison's package, and the receiver resolves it from its own database."""
    if division_id is None:
        return
    for part in (selection.records, selection.refs):
        for table in PERSONAL_RECORDS:
            ids = part.get(table)
            if not ids:
                continue
            t = KINDS[table].table
            keep = set(
                session.scalars(
                    select(t.c.id).where(t.c.id.in_(ids), t.c.division_id == division_id)
                )
            )
            part[table] = [i for i in ids if i in keep]


def _references(session: Session, chosen: dict[str, set[int]]) -> dict[str, list[int]]:
    """Every record the chosen ones point to (transitively) that is not chosen itself."""
    refs: dict[str, set[int]] = {}
    pending = [(name, set(ids)) for name, ids in chosen.items()]
    while pending:
        name, ids = pending.pop()
        kind = KINDS[name]
        id_col = kind.row_id
        for column in kind.data_columns:
            target = kind.reference(column)
            if target in (None, DIVISION_TABLE, USER_TABLE) or column is id_col:
                continue
            assert target is not None
            wanted = {
                v for v in session.scalars(select(column).where(id_col.in_(ids))) if v is not None
            }
            new = wanted - chosen.get(target, set()) - refs.get(target, set())
            if new:
                refs.setdefault(target, set()).update(new)
                pending.append((target, new))
    return {name: sorted(ids) for name, ids in refs.items()}


def _rows(session: Session, kind: Kind, ids: list[int]) -> Iterator[Any]:
    t = kind.table
    id_col = kind.row_id
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        yield from session.execute(select(t).where(id_col.in_(chunk)).order_by(id_col)).mappings()


def audit_rows(session: Session) -> list[dict[str, Any]]:
    rows = []
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        rows.append({f: getattr(entry, f) for f in AUDIT_FIELDS})
    return rows


def write_members(
    session: Session,
    writer: PackageWriter,
    selection: Selection,
    attachments_dir: Path,
    cancel: CancelToken,
    keep_ids: bool = False,
) -> Iterator[Progress]:
    """Add the records, their attachment files and the audit chain to a package being written;
    fills ``writer.counts`` with the number of records per kind. ``keep_ids`` (a package of
    everything): each row also carries its local id, which the restore keeps."""
    from ..attachments import AttachmentStore

    store = AttachmentStore(attachments_dir)
    resolver = Resolver(session)
    counts: dict[str, int] = {}
    files: set[str] = set()
    names = [k for k in KINDS if k in selection.records or k in selection.refs]
    for i, name in enumerate(names):
        cancel.check()
        kind = KINDS[name]
        part: dict[str, list[dict[str, Any]]] = {"records": [], "refs": []}
        keys: set[str] = set()
        for section, ids in (("records", selection.records), ("refs", selection.refs)):
            for row in _rows(session, kind, ids.get(name, [])):
                record = resolver.serialize(kind, row)
                if keep_ids and kind.own_id:
                    record["id"] = row["id"]
                key = kind.key_of(record)
                if key in keys:
                    raise GongkaiError(
                        f"本数据库中有两条{kind.label}记录的标识「{key}」相同，无法打包；"
                        "请先删除其中重复的一条。"
                    )
                keys.add(key)
                part[section].append(record)
                if name == "attachment":
                    files.add(row["sha256"])
        counts[name] = len(part["records"])
        writer.add_json(records_member(name), part)
        yield Progress(i + 1, len(names) + 2, f"写入{kind.label}")
    for sha in sorted(files):
        cancel.check()
        path = store.path_of(sha)
        if not path.is_file():
            raise GongkaiError(
                f"附件文件 {sha[:12]}… 不在本机的附件文件夹中，无法打包；请先从备份中恢复附件。"
            )
        writer.add_file(file_member(sha), path, sha)
    yield Progress(len(names) + 1, len(names) + 2, "写入附件")
    writer.add_json(AUDIT_MEMBER, audit_rows(session))
    writer.counts = counts  # type: ignore[attr-defined]
    yield Progress(len(names) + 2, len(names) + 2, "写入审计链")
