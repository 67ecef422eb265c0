"""What a database file must pass before it may become the live database (restore, recovery).

A backup is a file anyone with access to the folder could have replaced or edited, so a restore
trusts nothing in it: ``verify_restorable`` refuses it, naming the reason, unless

* SQLite's full ``integrity_check`` passes and the app's tables are there;
* its schema revision is one this program knows (a file from a newer version is refused: this
  program would misread it);
* its triggers are exactly those its revision's migrations create, with the same SQL (a
  planted trigger could rewrite records or the audit log on every later change);
* its audit chain verifies from the first row to the last.

The triggers expected at a revision are read from a scratch database migrated to that revision,
once per revision and process.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from .errors import ValidationError

log = logging.getLogger(__name__)

REQUIRED_TABLES = frozenset({"alembic_version", "audit_log", "division", "app_user"})


def _connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def known_revisions() -> frozenset[str]:
    """Every revision this program's migrations define."""
    from .db.migrate import _REVISION_RE, MIGRATIONS_DIR

    found = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        match = _REVISION_RE.search(path.read_text(encoding="utf-8"))
        if match:
            found.add(match.group(1))
    return frozenset(found)


def _normalised(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip().lower()


def triggers_of(con: sqlite3.Connection) -> dict[str, str]:
    """Trigger name → its SQL, white space normalised."""
    return {
        name: _normalised(sql)
        for name, sql in con.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'")
    }


@functools.cache
def expected_triggers(revision: str) -> dict[str, str]:
    """The triggers the migrations up to ``revision`` create, from a scratch database."""
    from alembic import command

    from .db.engine import Database
    from .db.migrate import alembic_config

    with tempfile.TemporaryDirectory(prefix="gongkai-reference-") as folder:
        path = Path(folder) / "reference.db"
        db = Database(f"sqlite:///{path}")
        try:
            cfg = alembic_config()
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                conn.commit()
        finally:
            db.dispose()
        with contextlib.closing(sqlite3.connect(path)) as con:
            return triggers_of(con)


def verify_restorable(path: Path) -> str:
    """Raise ``ValidationError`` naming why ``path`` may not become the live database; returns
    its schema revision."""
    name = path.name
    try:
        with contextlib.closing(_connect_ro(path)) as con:
            result = con.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise ValidationError(f"备份文件 {name} 已损坏（{result}），未恢复", path=str(path))
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not REQUIRED_TABLES <= tables:
                raise ValidationError(f"{name} 不是政务公开工作台的数据库备份，未恢复", path=str(path))
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
            triggers = triggers_of(con)
    except sqlite3.DatabaseError as exc:
        raise ValidationError(f"不是有效的数据库备份文件：{name}（{exc}），未恢复", path=str(path)) from exc
    revision_id = str(revision[0]) if revision else ""
    if revision_id not in known_revisions():
        raise ValidationError(
            f"备份文件 {name} 的数据结构版本（{revision_id or '无'}）比本程序新或无法识别，"
            "请用生成该备份的程序版本恢复，未恢复",
            path=str(path),
            revision=revision_id,
        )
    expected = expected_triggers(revision_id)
    unknown = sorted(set(triggers) - set(expected))
    missing = sorted(set(expected) - set(triggers))
    altered = sorted(t for t in set(triggers) & set(expected) if triggers[t] != expected[t])
    if unknown or missing or altered:
        parts = [
            f"{label}：{'、'.join(items)}"
            for label, items in (("多出的触发器", unknown), ("缺少的触发器", missing),
                                 ("被改动的触发器", altered))  # fmt: skip
            if items
        ]
        raise ValidationError(
            f"备份文件 {name} 的数据库触发器与本程序的不一致（{'；'.join(parts)}），"
            "文件可能被篡改，未恢复",
            path=str(path),
        )
    _verify_chain(path)
    return revision_id


def _verify_chain(path: Path) -> None:
    from . import audit

    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with Session(engine) as session:
            report = audit.verify_chain(session)
    finally:
        engine.dispose()
    if not report.ok:
        raise ValidationError(
            f"备份文件 {path.name} 的审计日志哈希链在第 {report.broken_id} 条断开"
            f"（{report.reason}），文件可能被篡改，未恢复",
            path=str(path),
        )
