"""The PC's side of a shared server set up by ``server setup`` (``server_setup``): the log-in
through the gate, each user's own credential, and the calls of the server's functions.

A PC keeps one credential, the gate's (部署方式). Logging in connects with the user's own log-in
role and the password they typed: the server checks the password, and from then on every
statement runs with that user's rights. A refused attempt is counted and audited by the gate.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

GATE_SUFFIX = "_gate"
_GUARDED_KEY = "gongkai_guarded"


def is_gate_url(url: str) -> bool:
    """True for a URL that connects as a set-up server's gate (``gongkai_<db>_gate``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return False
    return parsed.username == f"gongkai_{parsed.database}{GATE_SUFFIX}"


def user_url(gate_url: str, username: str, password: str) -> str:
    """The URL of ``username``'s own log-in role on the gate's server and database."""
    from .server_setup import login_role_name

    parsed = make_url(gate_url)
    role = login_role_name(str(parsed.database), username)
    return parsed.set(username=role, password=password).render_as_string(hide_password=False)


_REFUSED = ("password authentication failed", "no password supplied", "is not permitted to log in")


def refused_credential(exc: BaseException) -> bool:
    """True when the server refused a log-in's user or password (not the network, not a full
    server): the answer to the user is then the one of every failed log-in."""
    message = str(getattr(exc, "orig", exc) or exc).lower()
    # A role that does not exist is named so only by a server that trusts its network.
    unknown_role = 'role "' in message and "does not exist" in message
    return unknown_role or any(words in message for words in _REFUSED)


def _guarded(session: Session) -> bool:
    """True on a server set up by ``server setup`` (its functions exist), cached per connection."""
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return False
    info = session.connection().info
    if _GUARDED_KEY not in info:
        found = session.execute(
            text("SELECT to_regprocedure('gongkai_set_login(integer, text)') IS NOT NULL")
        ).scalar_one()
        info[_GUARDED_KEY] = bool(found)
    return bool(info[_GUARDED_KEY])


def runtime_role(session: Session) -> bool:
    """True when this connection is a user's (or a group's) role on a set-up server: it may not
    write the audit log itself (``gongkai_append_audit`` does), read password hashes, or see
    every division's personal records (cached per connection)."""
    if not _guarded(session):
        return False
    info = session.connection().info
    if "gongkai_audit_insert" not in info:
        info["gongkai_audit_insert"] = bool(
            session.execute(text("SELECT has_table_privilege('audit_log', 'INSERT')")).scalar_one()
        )
    return not info["gongkai_audit_insert"]


def append_audit(session: Session, values: dict[str, Any]) -> tuple[int, str]:
    """One audit row by the server; returns its id and hash."""
    row = session.execute(
        text(
            "SELECT o_id, o_hash FROM gongkai_append_audit(:action, :entity, :entity_id, "
            "CAST(:division_id AS integer), :outcome, :before, :after, :detail)"
        ),
        values,
    ).one()
    return int(row[0]), str(row[1])


def scram_verifier(session: Session, role: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password`` for ``role``, made here by libpq: the
    password itself never goes to the server."""
    raw = session.connection().connection.dbapi_connection
    pgconn = raw.pgconn  # type: ignore[union-attr]
    return bytes(
        pgconn.encrypt_password(password.encode("utf-8"), role.encode("utf-8"), b"scram-sha-256")
    ).decode("ascii")


def set_server_login(
    session: Session, user_id: int, username: str, password: str | None
) -> str | None:
    """On a set-up server, create or update user ``user_id``'s log-in role in this transaction:
    its password (None: leave it) and, from the user's row as it now is, its group and whether
    it may log in. Returns the role's name; None elsewhere (SQLite, a server not set up) or
    while the user has no role and no password is given."""
    if not _guarded(session):
        return None
    from .server_setup import login_role_name

    database = str(session.execute(text("SELECT current_database()")).scalar_one())
    verifier = (
        scram_verifier(session, login_role_name(database, username), password)
        if password is not None
        else None
    )
    role = session.execute(
        text("SELECT gongkai_set_login(:u, :v)"), {"u": user_id, "v": verifier}
    ).scalar_one()
    return None if role is None else str(role)


def gate_info(session: Session) -> tuple[bool, str]:
    """Through the gate: whether the database has users, and the unit's name."""
    import json

    row = session.execute(text("SELECT initialized, unit FROM gongkai_gate_info()")).one()
    try:
        unit = json.loads(row[1]) if row[1] else ""
    except ValueError:
        unit = ""
    return bool(row[0]), str(unit or "")


def count_failure(session: Session, username: str) -> int:
    """Through the gate: count and audit a log-in the server refused; the seconds the account
    is now locked (0 when it is not)."""
    return int(
        session.execute(text("SELECT gongkai_login_failed(:u)"), {"u": username}).scalar_one()
    )


def number_taken(session: Session, kind: str, query: Any, number: str) -> int | None:
    """The id of the request (``kind`` "request") or case ("case") holding ``number``, seen
    whole: on a set-up server a liaison cannot read other divisions' requests, so the server
    answers; elsewhere ``query`` (the select of that id) does."""
    if runtime_role(session):
        found = session.execute(
            text("SELECT gongkai_number_taken(:k, :n)"), {"k": kind, "n": number}
        ).scalar()
        return None if found is None else int(found)
    found = session.scalar(query)
    return None if found is None else int(found)


def require_current_schema(db: Any) -> None:
    """Through the gate a PC cannot migrate: the server must be at this program's revision."""
    from .db.migrate import needs_upgrade
    from .errors import DatabaseError

    if needs_upgrade(db):
        raise DatabaseError(
            "共享服务器上的数据结构与本程序的版本不一致：请信息管理员用本版本程序执行 "
            "gongkai server setup 后再连接。"
        )
