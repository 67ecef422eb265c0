"""Engines for SQLite (the standalone file) and PostgreSQL (the shared server), and sessions.

SQLite gets WAL, ``synchronous=FULL``, foreign keys and a busy timeout on every new connection, and
each is read back, so a connection without them never serves the app. Writes go through one writer:
a process-wide lock and ``BEGIN IMMEDIATE``, so two writers never deadlock upgrading a read lock.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import DatabaseError, ValidationError
from ..server_login import is_gate_url

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
DISK_FULL = (
    "磁盘空间不足，数据库无法写入：本次操作已整体撤销，没有保存任何内容。"
    "请清理数据所在磁盘的空间后重试。"
)
SQLITE_PRAGMAS = (
    ("journal_mode", "WAL", "wal"),
    ("synchronous", "FULL", "2"),
    ("foreign_keys", "ON", "1"),
    ("busy_timeout", str(BUSY_TIMEOUT_MS), str(BUSY_TIMEOUT_MS)),
)


# The names of the keys a user types, for the message when one is taken already.
_KEY_LABELS = {
    ("disclosure_request", "reg_no"): "登记编号",
    ("disclosure_case", "case_no"): "案件编号",
    ("app_user", "username"): "用户名",
    ("division", "name"): "处室名称",
    ("division", "code"): "处室代码",
}


def _duplicate(exc: IntegrityError) -> ValidationError | None:
    """A unique key taken already, in words (the check before the write may not have seen the
    other record: on a shared server a liaison cannot read other divisions' requests); None for
    any other integrity error."""
    text = str(exc.orig)
    constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None) or ""
    if "UNIQUE constraint failed:" in text:  # SQLite: "… failed: table.column"
        table, _, column = text.split("failed:", 1)[1].strip().split(",")[0].partition(".")
    elif constraint.startswith("uq_") and "duplicate key" in text:
        key = constraint[3:]
        table, column = next(((t, c) for t, c in _KEY_LABELS if key == f"{t}_{c}"), (key, ""))
    else:
        return None
    label = _KEY_LABELS.get((table, column))
    if label is None:
        return ValidationError("与已有的记录重复，没有保存。")
    return ValidationError(f"{label}已被使用（可能是其他处室的记录），请换一个，没有保存。")


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path)}"


def _on_sqlite_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Take transaction control from the sqlite3 module so BEGIN IMMEDIATE can be issued.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        for name, value, expected in SQLITE_PRAGMAS:
            cur.execute(f"PRAGMA {name}={value}")
            got = str(cur.execute(f"PRAGMA {name}").fetchone()[0]).lower()
            if got != expected:
                raise DatabaseError(
                    f"数据库连接设置 {name} 未生效（期望 {expected}，实际 {got}），已拒绝使用该连接。"
                )
    finally:
        cur.close()


def _on_sqlite_begin(conn: object) -> None:
    options = conn.get_execution_options()  # type: ignore[attr-defined]
    conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("writer") else "BEGIN")  # type: ignore[attr-defined]


def make_engine(url: str) -> Engine:
    """Create an engine for a SQLAlchemy URL with the settings the app relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    raise DatabaseError(
        f"不支持的数据库类型：{parsed.get_backend_name()}（仅支持 SQLite 和 PostgreSQL）"
    )


class Database:
    """One engine and its sessions. ``read()`` for queries, ``write()`` for one short transaction."""

    def __init__(self, url: str) -> None:
        # ``home_url``: what the program opened; ``url``: what it is connected with now, which
        # differs after a log-in on a set-up server (the user's own role, ``use_credential``).
        self.home_url = url
        self._write_lock = threading.RLock()
        self._bind(url, make_engine(url))
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        # True when the program opened a set-up server through its gate (``server_login``): a
        # log-in then connects with the user's own credential.
        self.through_gate = is_gate_url(url)
        self._local = threading.local()
        # Set by ``anchor.enabled_for``: told (last id, hash) after a commit that wrote audit rows.
        self.after_audit_commit: Callable[[int, str], None] | None = None
        self.anchor: Any = None

    def _bind(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer_engine = self.engine.execution_options(writer=True)
        self._writes = sessionmaker(self._writer_engine, expire_on_commit=False)

    @property
    def on_gate(self) -> bool:
        """True while connected as the gate: before a log-in, or after 注销."""
        return self.through_gate and self.url == self.home_url

    def use_credential(self, url: str) -> None:
        """Connect from now on with ``url`` (the same server and database, another role); the
        server's refusal (a wrong password) raises here and changes nothing."""
        engine = make_engine(url)
        try:
            with engine.connect():
                pass
        except BaseException:
            engine.dispose()
            raise
        self._switch(url, engine)

    def back_home(self) -> None:
        """Connect again with the credential the program opened (the gate, after 注销)."""
        if self.url != self.home_url:
            self._switch(self.home_url, make_engine(self.home_url))

    def _switch(self, url: str, engine: Engine) -> None:
        with self._write_lock:
            old = self.engine
            self._bind(url, engine)
        old.dispose()

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        return Path(make_url(self.url).database or "")

    def describe(self) -> str:
        """A short text for the status bar: the file path or the server and database name."""
        if self.is_sqlite:
            return str(self.sqlite_path)
        u = make_url(self.url)
        return f"PostgreSQL {u.host or 'localhost'}:{u.port or 5432}/{u.database}"

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        # Closing (not rolling back) ends the transaction without expiring loaded objects.
        with self._sessions() as session:
            yield session

    @property
    def in_write(self) -> bool:
        """True inside a ``write()`` block of the current thread."""
        return getattr(self._local, "depth", 0) > 0

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: commits when the block ends, rolls everything back on any exception.

        An exception may carry ``after_rollback(session)``: work that must be recorded although
        the transaction failed (a refusal's audit row). It runs in a fresh transaction once the
        outermost write has rolled back, so it never waits for the lock its own block holds.
        """
        with self._write_lock:
            self._local.depth = getattr(self._local, "depth", 0) + 1
            try:
                with self._writes() as session:
                    try:
                        with session.begin():
                            yield session
                    except IntegrityError as exc:
                        duplicate = _duplicate(exc)
                        if duplicate is None:
                            raise
                        raise duplicate from exc
                    except OperationalError as exc:
                        text = str(exc).lower()
                        if "locked" in text:
                            raise DatabaseError("数据库正被其他程序占用，请稍后再试。") from exc
                        if "full" in text or "no space" in text:
                            raise DatabaseError(DISK_FULL, path=self.describe()) from exc
                        raise
                    self._committed(session)
            except Exception as exc:
                follow_up = getattr(exc, "after_rollback", None)
                if self._local.depth == 1 and follow_up is not None:
                    exc.after_rollback = None  # type: ignore[attr-defined]
                    with self._writes() as session:
                        with session.begin():
                            follow_up(session)
                        self._committed(session)
                raise
            finally:
                self._local.depth -= 1

    def _committed(self, session: Session) -> None:
        last = session.info.pop("audit_last", None)
        if last is not None and self.after_audit_commit is not None:
            self.after_audit_commit(*last)

    def dispose(self) -> None:
        self.engine.dispose()
