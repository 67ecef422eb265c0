"""Server mode against the real PostgreSQL: testing the connection, migrating, copying the local
data up once, the logical backup that restores into an empty database, Chinese errors."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from everything_data import fill_every_table
from sqlalchemy import select
from sqlalchemy.engine import make_url
from support import assert_restored, database_contents

from gongkai_desktop import audit, deployment
from gongkai_desktop.app import open_app
from gongkai_desktop.db.models import AuditEntry
from gongkai_desktop.demo import DEMO_PASSWORD, demo_job
from gongkai_desktop.errors import DatabaseError, ValidationError
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.calendar import calendar_fingerprint
from gongkai_desktop.services.maintenance import MaintenanceService
from gongkai_desktop.services.package import restore_everything_job

pytestmark = pytest.mark.postgres


def settings_of(url: str) -> deployment.ServerSettings:
    u = make_url(url)
    return deployment.ServerSettings(
        u.host or "", u.port or 5432, u.database or "", u.username or ""
    )


@pytest.fixture
def local(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A local SQLite data folder with demo data of every kind."""
    ctx = open_app(tmp_path / "local")
    run_job(demo_job(ctx, None, 2026, 20))
    yield ctx
    ctx.close()


def test_connection_test_and_migrations(pg_url: str) -> None:
    """测试连接 answers with the server's version; preparing migrates the empty database."""
    server = settings_of(pg_url)
    assert deployment.test_connection(server, "").split(".")[0].isdigit()
    db = deployment.prepare_server(server, "")
    try:
        assert deployment.server_is_empty(db)
    finally:
        db.dispose()


def test_connection_errors_are_chinese(pg_url: str) -> None:
    """A missing database, a missing user, a closed port and an unknown host are explained."""
    server = settings_of(pg_url)
    cases = [
        (
            deployment.ServerSettings(server.host, server.port, "no_such_db_x", server.user),
            "没有数据库",
        ),
        (
            deployment.ServerSettings(server.host, server.port, server.database, "nobody_x"),
            "没有用户",
        ),
        (deployment.ServerSettings(server.host, 1, server.database, server.user), "拒绝连接"),
        (deployment.ServerSettings("no-such-host.invalid", 5432, "x", "y"), "找不到服务器"),
    ]
    for settings, words in cases:
        with pytest.raises(DatabaseError, match=words):
            deployment.test_connection(settings, "")
    with pytest.raises(ValidationError, match="服务器地址"):
        deployment.test_connection(deployment.ServerSettings("", 5432, "a", "b"), "")


def test_copy_up_once_then_refused(local, pg_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The local data arrives whole on the empty server (audit chain included); a second copy
    into the now filled server is refused."""
    admin = AuthService(local.db).login("admin", DEMO_PASSWORD)
    server_db = deployment.prepare_server(settings_of(pg_url), "")
    try:
        before = database_contents(local.db)
        result = run_job(deployment.copy_up_job(local, admin, server_db, tmp_path / "work"))
        assert result.pending == 0 and result.applied["new"] > 100
        assert_restored(before, database_contents(server_db), result.sha256)
        with server_db.read() as session:
            report = audit.verify_chain(session)
            assert report.ok
            server_hashes = list(session.scalars(select(AuditEntry.hash).order_by(AuditEntry.id)))
        with local.db.read() as session:
            local_hashes = list(session.scalars(select(AuditEntry.hash).order_by(AuditEntry.id)))
        # The local chain up to the package, then the local export's row here, the import's there.
        assert server_hashes[:-1] == local_hashes[:-1] and len(server_hashes) == len(local_hashes)
        assert AuthService(server_db).login("lly_kf", DEMO_PASSWORD).division_name == "开发指导处"
        with pytest.raises(ValidationError, match="已有数据"):
            run_job(deployment.copy_up_job(local, admin, server_db, tmp_path / "work"))
    finally:
        server_db.dispose()


def test_every_table_arrives_on_the_server(tmp_path: Path, pg_url: str) -> None:
    """A local database with a row in every table (notices, amendment, indicators, 扣分, 调整,
    packages received) arrives whole on the server: the same content, the same working days."""
    ctx = open_app(tmp_path / "filled")
    server_db = deployment.prepare_server(settings_of(pg_url), "")
    try:
        fill_every_table(ctx, tmp_path)
        admin = AuthService(ctx.db).login("admin", DEMO_PASSWORD)
        before = database_contents(ctx.db)
        assert [t for t, rows in before.items() if not rows] == []
        with ctx.db.read() as session:
            fingerprint = calendar_fingerprint(session)
        result = run_job(deployment.copy_up_job(ctx, admin, server_db, tmp_path / "work"))
        assert_restored(before, database_contents(server_db), result.sha256)
        with server_db.read() as session:
            assert calendar_fingerprint(session) == fingerprint
            assert audit.verify_chain(session).ok
    finally:
        server_db.dispose()
        ctx.close()


def test_server_mode_backup_restores_into_an_empty_database(
    local, pg_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """备份 in server mode writes the package of everything; it restores into a new database."""
    admin = AuthService(local.db).login("admin", DEMO_PASSWORD)
    server_db = deployment.prepare_server(settings_of(pg_url), "")
    second = f"gongkai_{uuid.uuid4().hex[:10]}"
    admin_url = pg_url.rsplit("/", 1)[0] + "/test"
    with psycopg.connect(admin_url.replace("+psycopg", ""), autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{second}"')
    restored = None
    try:
        run_job(deployment.copy_up_job(local, admin, server_db, tmp_path / "work"))
        server_admin = AuthService(server_db).login("admin", DEMO_PASSWORD)
        before = database_contents(server_db)
        info = MaintenanceService(server_db, server_admin, local.paths).backup(
            tmp_path / "全库.gkpkg"
        )
        assert info.path.suffix == ".gkpkg" and info.path.is_file()
        restored = deployment.prepare_server(
            settings_of(pg_url.rsplit("/", 1)[0] + "/" + second), ""
        )
        result = run_job(restore_everything_job(restored, info.path, local.paths.attachments_dir))
        assert_restored(before, database_contents(restored), result.sha256)
        with restored.read() as session:
            assert audit.verify_chain(session).ok
    finally:
        server_db.dispose()
        if restored is not None:
            restored.dispose()
        with psycopg.connect(admin_url.replace("+psycopg", ""), autocommit=True) as con:
            con.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (second,),
            )
            con.execute(f'DROP DATABASE IF EXISTS "{second}"')


def test_configured_server_mode_opens_the_server(pg_url: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With 部署方式 set to the server, the app opens it (password from the environment here);
    without a password anywhere it asks for one."""
    data = tmp_path / "pc"
    data.mkdir()
    deployment.save(data, deployment.Deployment(deployment.SERVER, settings_of(pg_url)))
    monkeypatch.delenv(deployment.ENV_DB_PASSWORD, raising=False)
    with pytest.raises(deployment.PasswordNeeded):
        open_app(data)
    monkeypatch.setenv(deployment.ENV_DB_PASSWORD, "unused-with-trust-auth")
    ctx = open_app(data)
    try:
        assert not ctx.is_sqlite and "PostgreSQL" in ctx.db.describe()
    finally:
        ctx.close()
