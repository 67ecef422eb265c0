"""The audit log: one row per change, written in the change's own transaction, chained by SHA-256.

Each row's hash covers its own fields and the previous row's hash, so changing, inserting or
removing a row in the middle breaks the chain at that point; ``verify_chain`` names the first
broken row. The table also refuses UPDATE and DELETE by triggers (created in the first revision).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from .db.models import AuditEntry

GENESIS_HASH = "0" * 64
# Any constant works; it serialises writers of the chain on PostgreSQL within their transaction.
PG_AUDIT_LOCK_KEY = 0x6B6F6E67


@dataclass(frozen=True)
class AuditActor:
    user_id: int | None
    username: str


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def to_json(data: Mapping[str, Any] | None) -> str | None:
    if data is None:
        return None
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=_json_default)


def _row_hash(prev_hash: str, fields: list[Any]) -> str:
    payload = json.dumps([prev_hash, *fields], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    rows: int
    broken_id: int | None
    reason: str
    note: str = ""  # what the chain was compared with outside the database (``anchor``)

    @property
    def ok(self) -> bool:
        return self.broken_id is None


HASHED_FIELDS = (
    "ts",
    "user_id",
    "username",
    "action",
    "entity",
    "entity_id",
    "division_id",
    "outcome",
    "before",
    "after",
    "detail",
)


def _fields(entry: AuditEntry) -> list[Any]:
    return [getattr(entry, f) for f in HASHED_FIELDS]


def verify_rows(rows: Sequence[Mapping[str, Any]]) -> ChainReport:
    """``verify_chain`` for rows given as mappings (a chain carried in a 报送包 or a backup)."""
    prev = GENESIS_HASH
    for count, row in enumerate(rows, start=1):
        row_id = row.get("id") if isinstance(row.get("id"), int) else count
        if row.get("prev_hash") != prev:
            return ChainReport(count, row_id, "与上一条记录的链接不一致（记录被删除、插入或改动）")
        if _row_hash(prev, [row.get(f) for f in HASHED_FIELDS]) != row.get("hash"):
            return ChainReport(count, row_id, "记录内容与其哈希不符（记录被改动）")
        prev = str(row.get("hash"))
    return ChainReport(len(rows), None, "")


def utc_timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


AUDIT_KEY_CHARS = 64  # the audit log's name and key columns


def fit(text: str) -> str:
    """A name or key as the audit log can hold it: a refused attempt with a 300-character user
    name must still be written (PostgreSQL refuses over-long values), so it is shortened, marked
    with "…"; the full length is for the caller to name in the detail."""
    return text if len(text) <= AUDIT_KEY_CHARS else text[: AUDIT_KEY_CHARS - 1] + "…"


def record(
    session: Session,
    actor: AuditActor | None,
    action: str,
    *,
    entity: str = "",
    entity_id: object = "",
    division_id: int | None = None,
    outcome: str = "ok",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    detail: str = "",
) -> None:
    """Append one row to the chain inside the caller's transaction (on a set-up server, by
    the server: ``server_login.append_audit``)."""
    from .server_login import append_audit, runtime_role

    if runtime_role(session):
        values = {
            "action": fit(action),
            "entity": fit(entity),
            "entity_id": fit(str(entity_id) if entity_id is not None else ""),
            "division_id": division_id,
            "outcome": outcome,
            "before": to_json(before),
            "after": to_json(after),
            "detail": detail,
        }
        session.info["audit_last"] = append_audit(session, values)
        return
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_AUDIT_LOCK_KEY})
    prev = session.execute(
        select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    entry = AuditEntry(
        ts=utc_timestamp(),
        user_id=actor.user_id if actor else None,
        username=fit(actor.username if actor else ""),
        action=fit(action),
        entity=fit(entity),
        entity_id=fit(str(entity_id) if entity_id is not None else ""),
        division_id=division_id,
        outcome=outcome,
        before=to_json(before),
        after=to_json(after),
        detail=detail,
        prev_hash=prev or GENESIS_HASH,
        hash="",
    )
    entry.hash = _row_hash(entry.prev_hash, _fields(entry))
    session.add(entry)
    session.flush()
    # For the anchor kept outside the database (``anchor``), once this transaction commits.
    session.info["audit_last"] = (entry.id, entry.hash)


def _iter_entries(session: Session, batch: int = 2000) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        chunk = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.id > last_id)
                .order_by(AuditEntry.id)
                .limit(batch)
            )
        )
        if not chunk:
            return
        yield from chunk
        last_id = chunk[-1].id
        session.expunge_all()


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash in order; report the first row whose link or content is broken."""
    prev = GENESIS_HASH
    count = 0
    for entry in _iter_entries(session):
        count += 1
        if entry.prev_hash != prev:
            return ChainReport(
                count, entry.id, "与上一条记录的链接不一致（记录被删除、插入或改动）"
            )
        if _row_hash(entry.prev_hash, _fields(entry)) != entry.hash:
            return ChainReport(count, entry.id, "记录内容与其哈希不符（记录被改动）")
        prev = entry.hash
    return ChainReport(count, None, "")


def chain_head(session: Session) -> str:
    head = session.execute(
        select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    return head or GENESIS_HASH


def chain_length(session: Session) -> int:
    return int(session.scalar(select(func.count(AuditEntry.id))) or 0)
