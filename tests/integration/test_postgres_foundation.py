"""The shared-server mode on a real PostgreSQL: migrations, audit chain, permissions, conflicts."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from gongkai_desktop.app import open_app
from gongkai_desktop.audit import verify_chain
from gongkai_desktop.db.migrate import current_revision, head_revision
from gongkai_desktop.domain.labels import DivisionKind, Role
from gongkai_desktop.errors import ConflictError, PermissionDenied
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.setup import initialize


@pytest.fixture
def pg_ctx(tmp_path, pg_url):  # type: ignore[no-untyped-def]
    ctx = open_app(tmp_path / "data", pg_url)
    yield ctx
    ctx.close()


def test_migrations_reach_head_and_audit_is_append_only(pg_ctx):
    """All revisions run on PostgreSQL; the trigger refuses UPDATE of audit rows."""
    assert current_revision(pg_ctx.db) == head_revision()
    initialize(pg_ctx.db, "测试局", "admin", "admin-pass-1")
    with pytest.raises(Exception, match="只允许追加"), pg_ctx.db.write() as s:
        s.execute(text("UPDATE audit_log SET detail = 'x'"))
    with pg_ctx.db.read() as s:
        assert verify_chain(s).ok


def test_liaison_refused_and_concurrent_edit_detected(pg_ctx):
    """Permissions hold on the server; two PCs editing one record: the second gets a conflict."""
    admin = initialize(pg_ctx.db, "测试局", "admin", "admin-pass-1")
    service = AdminService(pg_ctx.db, admin)
    d = service.add_division("开发指导处", DivisionKind.BUSINESS, "KF")
    service.add_user("lly", "lly-pass-12", d.id, Role.LIAISON)
    liaison = AuthService(pg_ctx.db).login("lly", "lly-pass-12")
    with pytest.raises(PermissionDenied):
        AdminService(pg_ctx.db, liaison).add_division("X处")
    service.update_division(d.id, expected_version=d.version, name="开发指导一处")
    with pytest.raises(ConflictError):
        service.update_division(d.id, expected_version=d.version, name="开发指导二处")
    with pg_ctx.db.read() as s:
        report = verify_chain(s)
        outcomes = [r[0] for r in s.execute(text("SELECT outcome FROM audit_log ORDER BY id"))]
    assert report.ok and "denied" in outcomes


def test_concurrent_failed_logins_neither_crash_nor_undercount(pg_ctx):
    """Twelve simultaneous wrong-password attempts on one account (threads, one connection
    each): every one gets the same answer, none crashes, and all twelve are counted; over-long
    names are refused and audited on the server too."""
    import threading

    from gongkai_desktop.db.models import User
    from gongkai_desktop.errors import AuthenticationFailed
    from gongkai_desktop.services.auth import LOGIN_FAILED

    admin = initialize(pg_ctx.db, "测试局", "admin", "admin-pass-1")
    d = AdminService(pg_ctx.db, admin).add_division("开发指导处", DivisionKind.BUSINESS, "KF")
    AdminService(pg_ctx.db, admin).add_user("lly", "lly-pass-12", d.id, Role.LIAISON)
    answers: list[str] = []
    start = threading.Barrier(12)

    def attempt() -> None:
        start.wait()
        try:
            AuthService(pg_ctx.db).login("lly", "wrong-password-9")
        except AuthenticationFailed as exc:
            answers.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - the crash this test looks for
            answers.append(f"crash: {exc!r}")

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [LOGIN_FAILED] * 12
    with pg_ctx.db.read() as s:
        failed = s.execute(text("SELECT failed_logins FROM app_user WHERE username='lly'")).scalar()
        assert verify_chain(s).ok
    assert failed == 12
    with pytest.raises(AuthenticationFailed):
        AuthService(pg_ctx.db).login("y" * 300, "whatever-123")
    liaison_name = "z" * 300
    with pytest.raises(Exception):  # noqa: B017 - the refusal, not a database error
        AdminService(pg_ctx.db, admin).add_user(liaison_name, "kf-liaison-7x", d.id, Role.LIAISON)
    with pg_ctx.db.read() as s:
        logins = s.execute(
            text("SELECT count(*) FROM audit_log WHERE action='login' AND username LIKE 'yyy%'")
        ).scalar()
        assert s.query(User).count() == 2
    assert logins == 1
