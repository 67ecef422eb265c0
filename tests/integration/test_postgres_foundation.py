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
