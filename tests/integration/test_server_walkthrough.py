"""IT's steps of the README on the real PostgreSQL, with an owner that is not a superuser (only
CREATEROLE, owning its database), all by the command line: init, setup, the first admin's
log-in, then an admin and a liaison working through the gate."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy.engine import make_url

from gongkai_desktop.cli import main

pytestmark = pytest.mark.postgres


@pytest.fixture
def owned_database(pg_url):  # type: ignore[no-untyped-def]
    """A database owned by a fresh CREATEROLE role (not a superuser); its URL."""
    admin = make_url(pg_url)
    owner = f"owner_{uuid.uuid4().hex[:8]}"
    name = f"{admin.database}_it"
    server = admin.set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(server, autocommit=True) as con:
        con.execute(f"CREATE ROLE \"{owner}\" LOGIN CREATEROLE PASSWORD 'owner-pass-2026'")
        con.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')
    try:
        yield admin.set(username=owner, password="owner-pass-2026", database=name)
    finally:
        with psycopg.connect(server, autocommit=True) as con:
            con.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
            for (role,) in con.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s OR rolname LIKE %s",
                (f"gk\\_{name}\\_%", f"gongkai\\_{name}\\_%"),
            ).fetchall():
                con.execute(f'DROP ROLE IF EXISTS "{role}"')
            con.execute(f'DROP ROLE IF EXISTS "{owner}"')


def test_the_readme_steps_with_an_owner_that_is_not_a_superuser(
    owned_database, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    owner = owned_database.render_as_string(False)

    def run(*args: str, password: str = "", new_password: str = "") -> tuple[int, str, str]:
        monkeypatch.setenv("GONGKAI_PASSWORD", password)
        monkeypatch.setenv("GONGKAI_NEW_PASSWORD", new_password)
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    code, _, err = run("--db", owner, "init", "--unit", "测试局", "--admin", "admin",
                       password="admin-first-1")  # fmt: skip
    assert code == 0, err
    monkeypatch.setenv("GONGKAI_GATE_PASSWORD", "gate-pass-2026")
    code, out, err = run("server", "setup", "--owner-url", owner)
    assert code == 0, err
    gate_role = f"gongkai_{owned_database.database}_gate"
    assert gate_role in out
    code, _, err = run(
        "server", "login", "admin", "--owner-url", owner, new_password="admin-pass-22"
    )
    assert code == 0, err
    gate = owned_database.set(username=gate_role, password="gate-pass-2026").render_as_string(False)
    as_admin = ("--db", gate, "--as", "admin")
    code, _, err = run(*as_admin, "division", "add", "开发指导处", "--kind", "业务处",
                       password="admin-pass-22")  # fmt: skip
    assert code == 0, err
    code, _, err = run(*as_admin, "user", "add", "lly", "--division", "开发指导处", "--role",
                       "liaison", password="admin-pass-22", new_password="lly-pass-2026")  # fmt: skip
    assert code == 0, err
    as_lly = ("--db", gate, "--as", "lly")
    code, _, err = run(*as_lly, "division", "add", "偷设处", password="lly-pass-2026")
    assert code == 1, err
    code, out, err = run(*as_lly, "audit", "verify", password="lly-pass-2026")
    assert code == 0, err
    with psycopg.connect(owner.replace("+psycopg", "")) as con:
        who = con.execute("SELECT username FROM audit_log WHERE action = 'user.add'").fetchall()
    assert who == [("admin",)]
