"""Restoring a package of everything (the logical backup of server mode, the copy up to a server)
into an empty database, every row under the number it had.

The audit log comes back row for row, and each row's plain ``user_id`` and ``division_id`` are
part of its hash: they can only go on naming the same people and divisions if users and
divisions (and every other table numbering its rows) keep their source ids. So the package
carries each row's id, the restore inserts it as it is, and on PostgreSQL each table's sequence
is then set past the largest id. A database that already holds anything, or a package of
everything without the ids, is refused rather than restored with renumbered rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, literal, select, text
from sqlalchemy.orm import Session

from .. import audit
from ..db.models import AuditEntry
from ..db.schema import metadata
from ..errors import ValidationError
from .container import OpenedPackage
from .records import KINDS

NOT_EMPTY = (
    "这是包含全部数据的报送包（整库备份或迁移到服务器时制作），只能导入到空数据库中；"
    "本数据库已有数据（恢复要保留每条记录原来的编号，审计日志中的用户和处室才不会对应到别人）。"
)
WITHOUT_IDS = (
    "这份包含全部数据的报送包没有记载各条记录的编号（由较早版本的程序制作），恢复后审计日志中的"
    "用户和处室会对应到别人，已拒绝恢复，未做任何改动。请用本版本的程序重新制作整库备份后再恢复。"
)


def restore_problems(session: Session, opened: OpenedPackage) -> list[str]:
    """Why this package of everything cannot be restored here under its own ids (none: it can)."""
    for table in metadata.sorted_tables:
        if session.execute(select(literal(1)).select_from(table).limit(1)).first() is not None:
            return [NOT_EMPTY]
    problems: list[str] = []
    for name, part in opened.records.items():
        kind = KINDS.get(name)
        if kind is None or not kind.own_id or not isinstance(part, dict):
            continue
        seen: set[int] = set()
        for section in ("records", "refs"):
            for record in part.get(section) or []:
                row_id = record.get("id") if isinstance(record, dict) else None
                if row_id is None:
                    return [WITHOUT_IDS]
                if (
                    isinstance(row_id, bool)
                    or not isinstance(row_id, int)
                    or not 0 < row_id < 2**31
                ):
                    problems.append(f"报送包中{kind.label}记录的编号 {row_id!r} 不合法。")
                elif row_id in seen:
                    problems.append(f"报送包中有两条{kind.label}记录的编号都是 {row_id}。")
                else:
                    seen.add(row_id)
    return problems


def carried_id(record: dict[str, Any]) -> int:
    """The source id of a record of a package of everything (checked by ``restore_problems``)."""
    return int(record["id"])


def restore_audit_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """The carried audit log, row for row (ids and hashes kept), into an empty audit log."""
    report = audit.verify_rows(rows)
    if not report.ok:
        raise ValidationError(
            f"报送包中的审计日志在第 {report.rows} 条断开（{report.reason}），不能恢复。"
        )
    fields = ("id", *audit.HASHED_FIELDS, "prev_hash", "hash")
    for start in range(0, len(rows), 1000):
        chunk = [{f: r.get(f) for f in fields} for r in rows[start : start + 1000]]
        if chunk:
            session.execute(insert(AuditEntry), chunk)


def advance_sequences(session: Session) -> None:
    """On PostgreSQL, set each table's id sequence past the largest id restored, so the next row
    of each table (the restore's own receipt and audit row first) gets a new number."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return  # SQLite numbers a new row after the largest id there
    quote = bind.dialect.identifier_preparer.quote
    for table in metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key or table.c.id.foreign_keys:
            continue
        name = quote(table.name)
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            ),
            {"table": name},
        )
