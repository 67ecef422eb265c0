"""Permissions on the shared PostgreSQL server itself, so that a client's credential cannot do
what its user may not (SPEC §1, §14): ``gongkai server setup`` and ``gongkai server login``.

* The schema belongs to the **migration owner**: the role of the owner URL IT gives to ``server
  setup``. Only it runs migrations, owns the tables and functions and may change them; it needs
  the right to create roles (``CREATEROLE``).
* Three group roles without log-in, one per app role: ``gongkai_<db>_admin``, ``…_liaison``,
  ``…_leader`` (roles are the whole server's, so each database has its own). Each user of the
  app gets a **log-in role of their own**, ``gk_<db>_<12 hex of md5(user name)>``, member of
  their app role's group, whose password is the user's own: logging in to the app *is* logging
  in to the server. Administrators create and change these roles only through
  ``gongkai_set_login`` (``server_functions``), which the app calls when it adds a user or sets a
  password; IT does it for an existing user with ``server login USER``.
* The **gate**, ``gongkai_<db>_gate``: the one credential kept on every PC (部署方式). It can read
  nothing; it may only say whether the database is set up, and count and audit a failed log-in.
* ``audit_log``: everyone reads; nobody but the owner writes: rows come from
  ``gongkai_append_audit``, which stamps the server's time and the connected user and links the
  chain itself. ``UPDATE``, ``DELETE``, ``TRUNCATE`` are revoked too (the trigger does not see
  ``TRUNCATE``).
* ``app_user``: administrators write it; other users may update just the log-in bookkeeping of
  **their own** row (failed attempts, lock, last log-in, their password hash), and nobody but an
  administrator reads the password hashes.
* **Row-level security**: a division-owned table (rows with a ``division_id``) may be changed
  only where ``gongkai_may_write(division_id)`` says so: an administrator, or a liaison of that
  division; a table whose rows belong to a parent (a draft to its interpretation, a cleanup
  decision to its document, …) by its parent's division; every other table, and the ones listed
  in ``ADMIN_TABLES``, by administrators only. Records holding personal information
  (``PERSONAL_RECORDS``) are read by a liaison of their own division only.
* Runtime roles may not create anything in the schema.

Running ``server setup`` again (after an upgrade added tables) brings the grants up to date.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.engine import Connection, make_url

from . import audit
from .db.engine import Database
from .db.migrate import upgrade
from .db.models import User
from .domain.permissions import PERSONAL_RECORDS
from .errors import ValidationError
from .server_functions import FOR_GATE, FOR_USERS, FUNCTIONS, INTERNAL
from .services import auth

log = logging.getLogger(__name__)

APP_ROLES = ("admin", "liaison", "leader")
# Tables only administrators write, although their rows carry a division: the plan and its
# assignments, 扣分/调整, cleanup campaigns (综合处's work). Every table that neither has a
# division nor belongs to a parent in ``CHILD_TABLES`` is the administrators' too.
ADMIN_TABLES = frozenset(
    {"plan_task", "plan_assignment", "evaluation_adjustment", "cleanup_campaign"}
)
# Rows without a division of their own, written by whoever may write their parent's:
# table -> (its column pointing at the parent, the parent table).
CHILD_TABLES = {
    "interpretation_draft": ("interpretation_id", "interpretation"),
    "consulted_mark": ("document_id", "normative_document"),
    "cleanup_decision": ("document_id", "normative_document"),
    "normative_document_status": ("document_id", "normative_document"),
    "exchange_base": ("package_id", "exchange_package"),
}
NOT_GUARDED = frozenset({"alembic_version", "audit_log", "app_user"})
# The columns of app_user a user may change on their own row (log-in bookkeeping).
OWN_USER_COLUMNS = (
    "failed_logins", "locked_until", "last_login_at", "password_hash", "updated_at", "version",
)  # fmt: skip
SECRET_USER_COLUMNS = ("password_hash",)
GATE_PASSWORD_BYTES = 18


def _owner_db(owner_url: str) -> Database:
    if not owner_url.startswith("postgresql"):
        raise ValidationError("server setup 需要 PostgreSQL 的所有者连接地址（postgresql://…）")
    return Database(owner_url)


def group_roles(database: str) -> dict[str, str]:
    """The group role of each app role in ``database`` (roles are the whole server's: each
    database of the app has its own)."""
    return {role: f"gongkai_{database}_{role}" for role in APP_ROLES}


def gate_role(database: str) -> str:
    """The connection role every PC keeps (部署方式): it may do nothing before a log-in but
    what ``server_functions.FOR_GATE`` lists."""
    return f"gongkai_{database}_gate"


def login_role_name(database: str, username: str) -> str:
    """The log-in role of app user ``username`` of ``database`` (``gongkai_login_role`` on the
    server: the same text)."""
    return f"gk_{database}_{hashlib.md5(username.encode('utf-8')).hexdigest()[:12]}"


@dataclass(frozen=True)
class SetupResult:
    lines: list[str]
    gate_role: str
    gate_password: str | None  # None: the gate's password was left as it was


def setup_server(owner_url: str, gate_password: str | None = None) -> SetupResult:
    """Migrate the schema as its owner and (re)apply roles, functions, grants and policies.
    ``gate_password``: the gate's new password; when the gate is new and none is given, one is
    made up (and returned, for IT to enter on the PCs)."""
    db = _owner_db(owner_url)
    try:
        upgrade(db)
        with db.engine.begin() as conn:
            return _apply(conn, gate_password)
    finally:
        db.dispose()


def _tables(conn: Connection) -> list[str]:
    rows = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    )
    return [r[0] for r in rows]


def _with_division(conn: Connection) -> set[str]:
    rows = conn.execute(
        text(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND column_name = 'division_id'"
        )
    )
    return {r[0] for r in rows}


def _ensure_role(conn: Connection, name: str, login: bool) -> bool:
    """Create or reset role ``name``; True when it is new."""
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    kind = "LOGIN" if login else "NOLOGIN"
    verb = "CREATE" if exists is None else "ALTER"
    conn.exec_driver_sql(f'{verb} ROLE "{name}" {kind} NOSUPERUSER NOCREATEDB NOCREATEROLE')
    return exists is None


def _quoted(conn: Connection, value: str) -> str:
    return str(conn.execute(text("SELECT quote_literal(:v)"), {"v": value}).scalar_one())


def _apply(conn: Connection, gate_password: str | None) -> SetupResult:
    done: list[str] = []
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    if not re.fullmatch(r"[A-Za-z0-9_]{1,40}", database):
        raise ValidationError("数据库名只能由字母、数字和下划线组成（不超过 40 个字符）")
    encoding = conn.execute(text("SHOW server_encoding")).scalar_one()
    if str(encoding).upper() not in ("UTF8", "UTF-8"):
        raise ValidationError(f"数据库的字符集是 {encoding}，应为 UTF8（请重建数据库）")
    owner = conn.execute(text("SELECT current_user")).scalar_one()
    roles = group_roles(database)
    runtime = tuple(roles.values())
    for group in runtime:
        _ensure_role(conn, group, login=False)
    gate = gate_role(database)
    new_gate = _ensure_role(conn, gate, login=True)
    if gate_password is None and new_gate:
        gate_password = secrets.token_urlsafe(GATE_PASSWORD_BYTES)
    if gate_password is not None:
        if len(gate_password) < auth.MIN_PASSWORD_LENGTH:
            raise ValidationError(f"连接账号的密码至少需要 {auth.MIN_PASSWORD_LENGTH} 位。")
        conn.exec_driver_sql(f'ALTER ROLE "{gate}" PASSWORD {_quoted(conn, gate_password)}')
    done.append("角色：" + "、".join((*runtime, gate)))
    groups = ", ".join(f'"{g}"' for g in runtime)
    everyone = f'{groups}, "{gate}"'
    conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO {everyone}')
    conn.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {everyone}")
    conn.exec_driver_sql(  # no parameters: psycopg still reads "%" as one, hence "%%"
        FUNCTIONS.replace("%", "%%").format(
            lock_key=audit.PG_AUDIT_LOCK_KEY,
            owner=owner.replace("'", "''"),
            groups=", ".join(f"'{g}'" for g in runtime),
            free_attempts=auth.FREE_ATTEMPTS,
            base_lock=auth.BASE_LOCK_SECONDS,
            max_lock=auth.MAX_LOCK_SECONDS,
        )
    )
    for fn in (*FOR_USERS, *FOR_GATE, *INTERNAL):
        conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
    for fn in FOR_USERS:
        conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {fn} TO {groups}")
    for fn in FOR_GATE:
        conn.exec_driver_sql(f'GRANT EXECUTE ON FUNCTION {fn} TO "{gate}"')
    tables = _tables(conn)
    with_division = _with_division(conn)
    unknown = set(CHILD_TABLES) - set(tables)
    if unknown:
        raise ValidationError("数据结构与程序不符，缺少表：" + "、".join(sorted(unknown)))
    for table in tables:
        conn.exec_driver_sql(f'REVOKE ALL ON TABLE "{table}" FROM PUBLIC, {everyone}')
        if table == "app_user":
            continue
        conn.exec_driver_sql(f'GRANT SELECT ON TABLE "{table}" TO {groups}')
        if table not in ("audit_log", "alembic_version"):
            # Leaders change nothing: the app refuses them, and so does the server.
            conn.exec_driver_sql(
                f'GRANT INSERT, UPDATE, DELETE ON TABLE "{table}" '
                f'TO "{roles["admin"]}", "{roles["liaison"]}"'
            )
    conn.exec_driver_sql(f'GRANT SELECT ON TABLE alembic_version TO "{gate}"')
    _grant_users(conn, roles)
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {groups}")
    done.append(
        f"权限：{len(tables)} 张表；审计日志只能读取，新记录只能由服务器函数追加"
        "（不能修改、删除、清空）"
    )
    _policies(conn, "app_user", runtime, write="id = gongkai_current_user_id() OR gongkai_is_admin()",
              insert="gongkai_is_admin()", delete="gongkai_is_admin()")  # fmt: skip
    guarded: dict[str, list[str]] = {"处室": [], "上级记录": [], "仅管理员": []}
    for table in tables:
        if table in NOT_GUARDED:
            continue
        read = "true"
        if table in PERSONAL_RECORDS:
            read = "gongkai_may_read_personal(division_id)"
        if table in CHILD_TABLES:
            column, parent = CHILD_TABLES[table]
            rule = (
                f'gongkai_may_write((SELECT p.division_id FROM "{parent}" p '
                f'WHERE p.id = "{table}"."{column}"))'
            )
            guarded["上级记录"].append(table)
        elif table in with_division and table not in ADMIN_TABLES:
            rule = "gongkai_may_write(division_id)"
            guarded["处室"].append(table)
        else:
            rule = "gongkai_is_admin()"
            guarded["仅管理员"].append(table)
        _policies(conn, table, runtime, write=rule, insert=rule, delete=rule, read=read)
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS gongkai_review_by_admins ON task_report")
    conn.exec_driver_sql(
        "CREATE TRIGGER gongkai_review_by_admins BEFORE INSERT OR UPDATE ON task_report "
        "FOR EACH ROW EXECUTE FUNCTION gongkai_review_by_admins()"
    )
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS gongkai_user_changed ON app_user")
    conn.exec_driver_sql(
        "CREATE TRIGGER gongkai_user_changed AFTER INSERT OR UPDATE OR DELETE ON app_user "
        "FOR EACH ROW WHEN (gongkai_current_user_id() IS NOT NULL) "
        "EXECUTE FUNCTION gongkai_user_changed()"
    )
    for kind, names in guarded.items():
        done.append(f"行级安全（按{kind}）：" + "、".join(names))
    return SetupResult(done, gate, gate_password)


def _grant_users(conn: Connection, roles: dict[str, str]) -> None:
    """app_user: every column to administrators; all but the password hashes to the others, who
    may update only their own row's log-in bookkeeping."""
    columns = [
        r[0]
        for r in conn.execute(
            text(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                "'public' AND table_name = 'app_user' ORDER BY ordinal_position"
            )
        )
        if r[0] not in SECRET_USER_COLUMNS
    ]
    conn.exec_driver_sql(
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE app_user TO "{roles["admin"]}"'
    )
    others = f'"{roles["liaison"]}", "{roles["leader"]}"'
    conn.exec_driver_sql(f"GRANT SELECT ({', '.join(columns)}) ON TABLE app_user TO {others}")
    conn.exec_driver_sql(
        f"GRANT UPDATE ({', '.join(OWN_USER_COLUMNS)}) ON TABLE app_user TO {others}"
    )


def _policies(
    conn: Connection,
    table: str,
    roles: tuple[str, ...],
    *,
    write: str,
    insert: str,
    delete: str,
    read: str = "true",
) -> None:
    conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    for name, command, clause in (
        ("read", "SELECT", f"USING ({read})"),
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
    """IT's reset of one user's password (``server login USER``): the app's password and the
    user's log-in role on the server are set to ``password`` together; returns the role name."""
    from .server_login import set_server_login

    db = _owner_db(owner_url)
    try:
        with db.write() as session:
            user = session.scalars(select(User).where(User.username == username)).one_or_none()
            if user is None:
                raise ValidationError(f"没有名为「{username}」的用户。")
            user.password_hash = auth.hash_password(password, username)
            user.failed_logins = 0
            user.locked_until = None
            audit.record(
                session, audit.AuditActor(None, "server login"), "user.reset_password",
                entity="user", entity_id=user.id, division_id=user.division_id,
                detail="信息管理员在服务器上重设了密码和数据库登录",
            )  # fmt: skip
            role = set_server_login(session, user.id, username, password)
    finally:
        db.dispose()
    if role is None:
        raise ValidationError("服务器尚未设置权限：请先执行 gongkai server setup。")
    return role


def runtime_url(owner_url: str, role: str, password: str) -> str:
    """The connection URL of a log-in role on the owner URL's server and database."""
    return make_url(owner_url).set(username=role, password=password).render_as_string(False)
