"""PostgreSQL on loopback: a throw-away database per test; skipped locally without a server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

PG_ADMIN_URL = os.environ.get("GONGKAI_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _server_answers() -> str | None:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means no usable server
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a new, empty PostgreSQL database, dropped after the test."""
    import psycopg

    problem = _server_answers()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL must answer on 127.0.0.1:5432 in CI: {problem}")
        pytest.skip(f"no PostgreSQL server on 127.0.0.1:5432 ({problem})")
    name = f"gongkai_{uuid.uuid4().hex[:10]}"
    admin = PG_ADMIN_URL.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
            )
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
            # The roles ``server setup`` made for this database are the whole server's.
            for (role,) in con.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s OR rolname LIKE %s",
                (f"gk\\_{name}\\_%", f"gongkai\\_{name}\\_%"),
            ).fetchall():
                con.execute(f'DROP ROLE IF EXISTS "{role}"')
