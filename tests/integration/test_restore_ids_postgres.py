"""The package of everything on the real PostgreSQL: a source whose ids have gaps, copied up
from SQLite or backed up from a server, restores under the same ids, so the audit log's plain
user and division ids name the same people; each sequence then continues past the largest id."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from gapped_ids import (
    assert_audit_names_the_same,
    assert_new_rows_follow,
    assert_same_rows_by_id,
    fill_with_gaps,
    rows_by_id,
)
from sqlalchemy.engine import make_url

from gongkai_desktop import audit, deployment
from gongkai_desktop.app import open_app
from gongkai_desktop.demo import DEMO_PASSWORD
from gongkai_desktop.errors import ValidationError
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.package import PackageService, restore_everything_job

pytestmark = pytest.mark.postgres


def settings_of(url: str) -> deployment.ServerSettings:
    u = make_url(url)
    return deployment.ServerSettings(
        u.host or "", u.port or 5432, u.database or "", u.username or ""
    )


@pytest.fixture
def second_pg_url(pg_url: str) -> Iterator[str]:
    """Another empty database on the same server, dropped after the test."""
    name = f"gongkai_{uuid.uuid4().hex[:10]}"
    base = pg_url.rsplit("/", 1)[0]
    admin = (base + "/test").replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
            )
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_copy_up_from_sqlite_keeps_every_id(tmp_path: Path, pg_url: str) -> None:
    local = open_app(tmp_path / "local")
    server = deployment.prepare_server(settings_of(pg_url), "")
    try:
        fill_with_gaps(local)
        admin = AuthService(local.db).login("admin", DEMO_PASSWORD)
        before = rows_by_id(local.db)
        run_job(deployment.copy_up_job(local, admin, server, tmp_path / "work"))
        assert_audit_names_the_same(local.db, server)
        assert_same_rows_by_id(before, server)
        with server.read() as session:
            assert audit.verify_chain(session).ok
        assert_new_rows_follow(server)
    finally:
        server.dispose()
        local.close()


def test_server_backup_restores_every_id_into_an_empty_server(
    tmp_path: Path, pg_url: str, second_pg_url: str
) -> None:
    """A server database (PostgreSQL numbering, gaps included) backed up and restored into a
    new one; restoring the same backup again into the now filled one is refused."""
    deployment.prepare_server(settings_of(pg_url), "").dispose()
    source = open_app(tmp_path / "server-pc", db_url=pg_url)
    restored = deployment.prepare_server(settings_of(second_pg_url), "")
    try:
        fill_with_gaps(source)
        admin = AuthService(source.db).login("admin", DEMO_PASSWORD)
        before = rows_by_id(source.db)
        package = tmp_path / "全库.gkpkg"
        service = PackageService(source.db, admin, source.paths.attachments_dir)
        run_job(service.export_everything_job(package))
        run_job(restore_everything_job(restored, package, source.paths.attachments_dir))
        assert_audit_names_the_same(source.db, restored)
        assert_same_rows_by_id(before, restored)
        with restored.read() as session:
            assert audit.verify_chain(session).ok
        assert_new_rows_follow(restored)
        with pytest.raises(ValidationError, match="空数据库"):
            run_job(restore_everything_job(restored, package, source.paths.attachments_dir))
    finally:
        restored.dispose()
        source.close()
