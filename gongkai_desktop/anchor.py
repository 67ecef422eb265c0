"""Anchoring the audit chain outside the database, so that cutting, deleting or rewriting it and
recomputing the hashes no longer goes unnoticed.

The hash chain alone proves only that the rows agree with each other: someone with write access
to the file can delete the last rows, delete all of them, or change a row and recompute every hash
after it, and the chain still verifies. So the chain head (the last row's id and hash, and the
row count) is also kept where the database is not:

- after every transaction that wrote audit rows, in ``<database>.anchor`` beside the file (the
  ``latest`` entry, replaced atomically);
- at every backup, 报送包 and exported file (any file the app writes), as a named checkpoint in
  the same file, and in the operating system's keyring where one is available (Windows
  Credential Manager, macOS Keychain, Secret Service), which a copy of the data folder does not
  carry;
- inside every 报送包's manifest, which leaves the PC.

On a shared server each PC keeps what it saw of the server's chain the same way (a file per
server in its data folder): rows other PCs appended are expected there, but a row this PC saw
that is gone or changed is reported as on a local file.

``verify`` compares the chain with the newest checkpoint it can find: a checkpointed row that is
gone is a truncation (or a full delete), a checkpointed row whose hash differs is a rewrite, and
rows after the ``latest`` entry that the app never anchored are an append made outside the app
(or one the app wrote just before it was killed, which the message also says). A restore resets
the anchor on purpose: the restored chain starts a new record.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from . import audit
from .db.models import AuditEntry

log = logging.getLogger(__name__)

KEYRING_SERVICE = "gongkai_desktop.audit_anchor"
MAX_CHECKPOINTS = 200


@dataclass(frozen=True)
class Checkpoint:
    last_id: int
    head: str
    rows: int
    at: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.last_id,
            "head": self.head,
            "rows": self.rows,
            "at": self.at,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: Any) -> Checkpoint | None:
        try:
            return cls(
                int(data["id"]),
                str(data["head"]),
                int(data["rows"]),
                str(data["at"]),
                str(data["reason"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _keyring() -> Any:
    try:
        import keyring
        from keyring.backends.fail import Keyring as NoKeyring
    except ImportError:
        return None
    if isinstance(keyring.get_keyring(), NoKeyring):
        return None
    return keyring


class Anchor:
    """The anchor file (and keyring entry) of one SQLite database file, or of a shared server's
    database as this PC saw it (``shared``: other PCs append too, so rows after the newest head
    this PC saw are not suspect; a cut or a rewrite of rows it saw still is)."""

    def __init__(self, db_path: Path, shared: bool = False) -> None:
        self.db_path = Path(db_path)
        self.path = self.db_path.with_name(self.db_path.name + ".anchor")
        self.shared = shared

    # ----- reading ----------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def latest(self) -> Checkpoint | None:
        return Checkpoint.from_json(self._load().get("latest"))

    def checkpoints(self) -> list[Checkpoint]:
        """Named checkpoints, oldest first, since the last restore (file and keyring merged)."""
        found = [Checkpoint.from_json(c) for c in self._load().get("checkpoints", [])]
        points = [c for c in found if c is not None]
        ring = self._from_keyring()
        if ring is not None and all(c.at != ring.at or c.head != ring.head for c in points):
            points.append(ring)
            points.sort(key=lambda c: c.at)
        for i in range(len(points) - 1, -1, -1):
            if points[i].reason == "restore":
                return points[i:]
        return points

    def _from_keyring(self) -> Checkpoint | None:
        ring = _keyring()
        if ring is None:
            return None
        try:
            text = ring.get_password(KEYRING_SERVICE, str(self.db_path.resolve()))
        except Exception as exc:  # noqa: BLE001 - a keyring that fails is one we do without
            log.warning("keyring unreadable: %s", exc)
            return None
        return Checkpoint.from_json(json.loads(text)) if text else None

    # ----- writing ----------------------------------------------------------------------------
    def _save(self, data: dict[str, Any]) -> None:
        # Not through fileio.atomic_path: its hook records checkpoints, this is one.
        tmp = self.path.with_name(self.path.name + ".part")
        try:
            with open(tmp, "wb") as fh:
                fh.write(json.dumps(data, ensure_ascii=False).encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:  # the data was committed; say so in the log
            log.error("audit anchor not written: %s", exc)

    def on_commit(self, last_id: int, head: str) -> None:
        """After a transaction that wrote audit rows: remember the new head. A head that does not
        move forward (the log was cut or emptied meanwhile) keeps the old one as evidence."""
        data = self._load()
        previous = Checkpoint.from_json(data.get("latest"))
        if previous is not None and previous.last_id >= last_id:
            data["checkpoints"] = [*data.get("checkpoints", []), previous.as_json()][
                -MAX_CHECKPOINTS:
            ]
        data["latest"] = Checkpoint(last_id, head, -1, _now(), "commit").as_json()
        self._save(data)

    def checkpoint(self, db: Any, reason: str) -> Checkpoint:
        """A named checkpoint of the chain as it is now (file, and keyring where available)."""
        with db.read() as session:
            last = session.execute(
                select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
            ).first()
            rows = int(session.scalar(select(func.count(AuditEntry.id))) or 0)
        last_id, head = (int(last[0]), str(last[1])) if last else (0, audit.GENESIS_HASH)
        point = Checkpoint(last_id, head, rows, _now(), reason[:200])
        data = self._load()
        points = [*data.get("checkpoints", []), point.as_json()][-MAX_CHECKPOINTS:]
        data["checkpoints"] = points
        data["latest"] = point.as_json()
        self._save(data)
        ring = _keyring()
        if ring is not None:
            try:
                ring.set_password(
                    KEYRING_SERVICE, str(self.db_path.resolve()), json.dumps(point.as_json())
                )
            except Exception as exc:  # noqa: BLE001
                log.warning("keyring not written: %s", exc)
        return point

    def mark_restored(self) -> None:
        """After a restore: the restored chain starts a new record."""
        self._save(
            {"checkpoints": [Checkpoint(0, audit.GENESIS_HASH, 0, _now(), "restore").as_json()]}
        )
        ring = _keyring()
        if ring is not None:
            try:
                ring.delete_password(KEYRING_SERVICE, str(self.db_path.resolve()))
            except Exception as exc:  # noqa: BLE001
                log.warning("keyring entry not removed: %s", exc)


def _describe(point: Checkpoint) -> str:
    what = {"commit": "最近一次保存", "restore": "恢复备份"}.get(point.reason, point.reason)
    return (
        f"{point.at.replace('T', ' ').rstrip('Z')}（UTC）{what}时的检查点（第 {point.last_id} 条）"
    )


def verify(db: Any) -> audit.ChainReport:
    """``audit.verify_chain`` plus the comparison with the anchor of this database: a chain that
    verifies but does not match the newest checkpoint is reported broken at the checkpoint's row,
    naming a truncation, a full delete, a rewrite or an append made outside the app."""
    with db.read() as session:
        chain = audit.verify_chain(session)
        anchor: Anchor | None = getattr(db, "anchor", None)
        if anchor is None or not chain.ok:
            return chain
        points = anchor.checkpoints()
        latest = anchor.latest()
        if latest is not None and (not points or latest.at >= points[-1].at):
            points = [*points, latest]
        points = [p for p in points if p.last_id > 0]
        if not points:
            return replace(chain, note="尚无检查点")
        last_id = session.scalar(select(func.max(AuditEntry.id))) or 0
        for point in reversed(points):
            stored = session.scalar(select(AuditEntry.hash).where(AuditEntry.id == point.last_id))
            if stored is None and last_id == 0:
                return _broken(
                    chain, point.last_id, f"审计日志已被全部删除：{_describe(point)}之前已有记录"
                )
            if stored is None and last_id < point.last_id:
                return _broken(
                    chain,
                    point.last_id,
                    f"审计日志末尾被删除：{_describe(point)}记录到第 {point.last_id} 条，"
                    f"现在最后一条是第 {last_id} 条",
                )
            if stored != point.head:
                return _broken(
                    chain,
                    point.last_id,
                    f"第 {point.last_id} 条审计记录与{_describe(point)}不符："
                    "审计记录被改写或删除，哈希链被重新计算过",
                )
        newest = points[-1]
        if latest is not None and last_id > latest.last_id and not anchor.shared:
            extra = session.scalar(
                select(func.count(AuditEntry.id)).where(AuditEntry.id > latest.last_id)
            )
            return _broken(
                chain,
                latest.last_id + 1,
                f"{_describe(latest)}之后多出 {extra} 条审计记录，本程序没有记录过它们："
                "可能是绕过本程序追加的伪造记录（也可能是程序在写入检查点前被强行终止）",
            )
        return replace(chain, note=f"与{_describe(newest)}一致")


def _broken(chain: audit.ChainReport, row_id: int, reason: str) -> audit.ChainReport:
    return audit.ChainReport(chain.rows, row_id, reason.rstrip("。"), note="与检查点不符")


def server_anchor_path(data_dir: Path, url: str) -> Path:
    """Where this PC keeps what it saw of a shared server's chain (a name per server and
    database, beside the local data)."""
    import re

    from sqlalchemy.engine import make_url

    u = make_url(url)
    name = f"server-{u.host or 'localhost'}-{u.port or 5432}-{u.database}"
    return Path(data_dir) / (re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".db")


def enabled_for(db: Any, db_path: Path, shared: bool = False) -> tuple[Anchor, Any]:
    """Attach an anchor to a database (``db_path``: the SQLite file, or for a shared server
    ``server_anchor_path``): heads are remembered after every audited commit, and a checkpoint
    is recorded for every file the app writes. Returns the anchor and the function that
    detaches it."""
    from .fileio import on_file_written

    anchor = Anchor(db_path, shared)
    db.anchor = anchor
    db.after_audit_commit = anchor.on_commit

    def written(path: Path) -> None:
        anchor.checkpoint(db, f"写出文件 {path.name}")

    return anchor, on_file_written(written)
