"""Permissions on the shared PostgreSQL server itself, so that a client's credential cannot do
what its user may not (SPEC §1, §14): ``gongkai server setup`` and ``gongkai server login``.

* The schema belongs to the **migration owner**: the role of the owner URL IT gives to ``server
  setup``. Only it runs migrations, owns the tables and may change them.
* Three group roles without log-in, one per app role: ``gongkai_<db>_admin``, ``…_liaison``,
  ``…_leader`` (roles are the whole server's, so each database has its own). Each user of the
  app gets a **log-in role of their own**, ``gk_<db>_u<id>``, member of their app role's group (``server login USER``); the PC connects
  with that credential, so the server knows who is connected.
* ``audit_log``: every group may read and append; ``UPDATE``, ``DELETE`` and ``TRUNCATE`` are
  revoked from everyone but the owner (the append-only trigger does not see ``TRUNCATE``).
* ``app_user``, ``division``, ``setting``: only administrators write them. Other users may update
  just the log-in bookkeeping of **their own** row (failed attempts, lock, last log-in, their
  password): not their role, division or activity.
* **Row-level security** on every division-owned table (one whose rows each carry a
  ``division_id``: items, documents, requests, cases, interpretations, decisions, task reports
  …): everyone may read, but a row may be inserted, changed or deleted only when
  ``gongkai_may_write(division_id)`` says so: an administrator, or a liaison of that
  division. The function is ``SECURITY DEFINER`` (it reads ``app_user``) and keys on the log-in
  role (``session_user``), never on anything the client sends.
* Runtime roles may not create anything in the schema.

Running ``server setup`` again (after an upgrade added tables) brings the grants up to date.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection

from .db.engine import Database
from .db.migrate import upgrade
from .errors import ValidationError

log = logging.getLogger(__name__)

APP_ROLES = ("admin", "liaison", "leader")
# Tables only administrators write.
ADMIN_TABLES = frozenset(
    {"app_user", "division", "setting", "holiday_year", "holiday_override", "plan_assignment"}
)
# Tables with a division of their own (besides these) are guarded by row-level security.
NOT_DIVISION_OWNED = frozenset({"app_user", "audit_log"}) | ADMIN_TABLES
# The columns of app_user a user may change on their own row (log-in bookkeeping).
OWN_USER_COLUMNS = (
    "failed_logins", "locked_until", "last_login_at", "password_hash", "updated_at", "version",
)  # fmt: skip

_FUNCTIONS = """
CREATE OR REPLACE FUNCTION gongkai_current_user_id() RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN starts_with(session_user::text, 'gk_' || current_database() || '_u')
                     AND session_user::text ~ '_u[0-9]+$'
                THEN substring(session_user::text FROM '_u([0-9]+)$')::integer END
$$;
CREATE OR REPLACE FUNCTION gongkai_is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM app_user u
                   WHERE u.id = gongkai_current_user_id() AND u.active AND u.role = 'admin')
$$;
CREATE OR REPLACE FUNCTION gongkai_may_write(target_division integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM app_user u
                   WHERE u.id = gongkai_current_user_id() AND u.active
                     AND (u.role = 'admin'
                          OR (u.role = 'liaison' AND u.division_id = target_division)))
$$;
"""


def _owner_db(owner_url: str) -> Database:
    if not owner_url.startswith("postgresql"):
        raise ValidationError("server setup 需要 PostgreSQL 的所有者连接地址（postgresql://…）")
    return Database(owner_url)


def setup_server(owner_url: str) -> list[str]:
    """Migrate the schema as its owner and (re)apply roles, grants and policies; returns what
    was done, one line each."""
    db = _owner_db(owner_url)
    try:
        upgrade(db)
        with db.engine.begin() as conn:
            done = _apply(conn)
    finally:
        db.dispose()
    return done


def _tables(conn: Connection) -> list[str]:
    rows = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    )
    return [r[0] for r in rows]


def _division_owned(conn: Connection) -> list[str]:
    """The tables each of whose rows belongs to one division (a ``division_id`` never empty)."""
    rows = conn.execute(
        text(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND column_name = 'division_id' AND is_nullable = 'NO' ORDER BY table_name"
        )
    )
    return [r[0] for r in rows if r[0] not in NOT_DIVISION_OWNED]


def _ensure_role(conn: Connection, name: str, login: bool) -> None:
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    kind = "LOGIN" if login else "NOLOGIN"
    if exists is None:
        conn.exec_driver_sql(f'CREATE ROLE "{name}" {kind} NOSUPERUSER NOCREATEDB NOCREATEROLE')
    else:
        conn.exec_driver_sql(f'ALTER ROLE "{name}" {kind} NOSUPERUSER NOCREATEDB NOCREATEROLE')


def group_roles(database: str) -> dict[str, str]:
    """The group role of each app role in ``database`` (roles are the whole server's: each
    database of the app has its own)."""
    return {role: f"gongkai_{database}_{role}" for role in APP_ROLES}


def login_role_name(database: str, user_id: int) -> str:
    """The log-in role of app user ``user_id`` of ``database``."""
    return f"gk_{database}_u{user_id}"


def _apply(conn: Connection) -> list[str]:
    done: list[str] = []
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    if not re.fullmatch(r"[A-Za-z0-9_]{1,40}", database):
        raise ValidationError("数据库名只能由字母、数字和下划线组成（不超过 40 个字符）")
    roles = group_roles(database)
    runtime = tuple(roles.values())
    for group in runtime:
        _ensure_role(conn, group, login=False)
    done.append("角色：" + "、".join(runtime))
    groups = ", ".join(f'"{g}"' for g in runtime)
    conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO {groups}')
    conn.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {groups}")
    conn.exec_driver_sql(_FUNCTIONS)
    for fn in ("gongkai_current_user_id()", "gongkai_is_admin()", "gongkai_may_write(integer)"):
        conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {fn} TO {groups}")
    tables = _tables(conn)
    for table in tables:
        conn.exec_driver_sql(f'REVOKE ALL ON TABLE "{table}" FROM PUBLIC, {groups}')
        conn.exec_driver_sql(f'GRANT SELECT ON TABLE "{table}" TO {groups}')
        if table == "audit_log":
            conn.exec_driver_sql(f'GRANT INSERT ON TABLE "{table}" TO {groups}')
        elif table in ADMIN_TABLES:
            conn.exec_driver_sql(
                f'GRANT INSERT, UPDATE, DELETE ON TABLE "{table}" TO "{roles["admin"]}"'
            )
        elif table != "alembic_version":
            # Leaders change nothing: the app refuses them, and so does the server.
            conn.exec_driver_sql(
                f'GRANT INSERT, UPDATE, DELETE ON TABLE "{table}" '
                f'TO "{roles["admin"]}", "{roles["liaison"]}"'
            )
    columns = ", ".join(OWN_USER_COLUMNS)
    conn.exec_driver_sql(
        f'GRANT UPDATE ({columns}) ON TABLE app_user TO "{roles["liaison"]}", "{roles["leader"]}"'
    )
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {groups}")
    done.append(f"权限：{len(tables)} 张表；审计日志只能读取和追加（不能修改、删除、清空）")
    _policies(conn, "app_user", runtime, write="id = gongkai_current_user_id() OR gongkai_is_admin()",
              insert="gongkai_is_admin()", delete="gongkai_is_admin()")  # fmt: skip
    owned = _division_owned(conn)
    for table in owned:
        rule = "gongkai_may_write(division_id)"
        _policies(conn, table, runtime, write=rule, insert=rule, delete=rule)
    done.append("行级安全：" + "、".join(("app_user", *owned)))
    return done


def _policies(
    conn: Connection, table: str, roles: tuple[str, ...], *, write: str, insert: str, delete: str
) -> None:
    conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    for name, command, clause in (
        ("read", "SELECT", "USING (true)"),
        ("add", "INSERT", f"WITH CHECK ({insert})"),
        ("change", "UPDATE", f"USING ({write}) WITH CHECK ({write})"),
        ("remove", "DELETE", f"USING ({delete})"),
    ):
        policy = f"gongkai_{name}"
        conn.exec_driver_sql(f'DROP POLICY IF EXISTS {policy} ON "{table}"')
        conn.exec_driver_sql(
            f'CREATE POLICY {policy} ON "{table}" FOR {command} '
            f"TO {', '.join(f'{chr(34)}{r}{chr(34)}' for r in roles)} {clause}"
        )


def create_login(owner_url: str, username: str, password: str) -> str:
    """Create or update the log-in role of app user ``username`` (member of their app role's
    group only), with ``password``; returns the role name."""
    if len(password) < 10:
        raise ValidationError("数据库登录密码至少需要 10 位。")
    db = _owner_db(owner_url)
    try:
        with db.engine.begin() as conn:
            row = conn.execute(
                text("SELECT id, role FROM app_user WHERE username = :u"), {"u": username}
            ).first()
            if row is None:
                raise ValidationError(f"没有名为「{username}」的用户。")
            database = conn.execute(text("SELECT current_database()")).scalar_one()
            groups = group_roles(database)
            name = login_role_name(database, row[0])
            _ensure_role(conn, name, login=True)
            quoted = conn.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar_one()
            conn.exec_driver_sql(f'ALTER ROLE "{name}" PASSWORD {quoted}')
            for group in _member_of(conn, name, tuple(groups.values())):
                conn.exec_driver_sql(f'REVOKE "{group}" FROM "{name}"')
            conn.exec_driver_sql(f'GRANT "{groups[row[1]]}" TO "{name}"')
    finally:
        db.dispose()
    return name


def _member_of(conn: Connection, role: str, groups: tuple[str, ...]) -> Iterable[str]:
    rows = conn.execute(
        text(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = :r"
        ),
        {"r": role},
    )
    return [r[0] for r in rows if r[0] in groups]


def runtime_url(owner_url: str, role: str, password: str) -> str:
    """The connection URL of a log-in role on the owner URL's server and database."""
    from sqlalchemy.engine import make_url

    return make_url(owner_url).set(username=role, password=password).render_as_string(False)
