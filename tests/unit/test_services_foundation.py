"""Foundation services: log-in throttling, permission refusals, version conflicts, settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from support import ADMIN_PASSWORD

from gongkai_desktop.db.base import utcnow
from gongkai_desktop.db.models import AuditEntry, User
from gongkai_desktop.domain.labels import DivisionKind, Role
from gongkai_desktop.errors import (
    AuthenticationFailed,
    ConflictError,
    PermissionDenied,
    ValidationError,
)
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.auth import FREE_ATTEMPTS, AuthService, lock_seconds


def _audit(app_ctx, **where):  # type: ignore[no-untyped-def]
    with app_ctx.db.read() as s:
        q = select(AuditEntry).order_by(AuditEntry.id)
        for key, value in where.items():
            q = q.where(getattr(AuditEntry, key) == value)
        return list(s.scalars(q))


def test_password_is_stored_as_argon2id(app_ctx, admin):
    """The stored hash is an Argon2id string, never the password."""
    with app_ctx.db.read() as s:
        h = s.scalars(select(User.password_hash).where(User.username == "admin")).one()
    assert h.startswith("$argon2id$") and ADMIN_PASSWORD not in h


def test_failed_logins_are_audited_and_lock_the_account(app_ctx, admin):
    """After the free attempts the account locks, even for the right password, until time passes."""
    auth = AuthService(app_ctx.db)
    now = utcnow()
    for _ in range(FREE_ATTEMPTS):
        with pytest.raises(AuthenticationFailed):
            auth.login("admin", "wrong-password-1", now=now)
    with pytest.raises(AuthenticationFailed, match="锁定"):
        auth.login("admin", ADMIN_PASSWORD, now=now)
    later = now + timedelta(seconds=lock_seconds(FREE_ATTEMPTS) + 1)
    assert auth.login("admin", ADMIN_PASSWORD, now=later).role is Role.ADMIN
    outcomes = [e.outcome for e in _audit(app_ctx, action="login")]
    assert outcomes == ["failed"] * FREE_ATTEMPTS + ["denied", "ok"]


def test_unknown_user_fails_like_a_wrong_password(app_ctx, admin):
    """An unknown name gets the same message as a wrong password, and is audited."""
    auth = AuthService(app_ctx.db)
    with pytest.raises(AuthenticationFailed) as unknown:
        auth.login("nobody", "whatever-1")
    assert str(unknown.value) == "用户名或密码错误。"
    assert _audit(app_ctx, action="login", entity_id="nobody")[0].outcome == "failed"


def test_liaison_and_leader_are_refused_admin_work_which_is_audited(app_ctx, make_user):
    """Service-level refusal for liaison and leader: nothing changes, a denied row is written."""
    liaison = make_user("lly", "开发指导处")
    leader = make_user("boss", "综合处", Role.LEADER)
    for actor in (liaison, leader):
        with pytest.raises(PermissionDenied):
            AdminService(app_ctx.db, actor).add_division("非法处室")
    names = [d.name for d in AdminService(app_ctx.db, liaison).list_divisions()]
    assert "非法处室" not in names
    denied = _audit(app_ctx, outcome="denied")
    assert [(e.username, e.action) for e in denied] == [("lly", "division.add"),
                                                          ("boss", "division.add")]


def test_stale_version_is_a_conflict_not_an_overwrite(app_ctx, admin):
    """Editing with an old version number raises ConflictError and keeps the other edit."""
    service = AdminService(app_ctx.db, admin)
    d = service.add_division("项目管理处", DivisionKind.BUSINESS, "XM")
    service.update_division(d.id, expected_version=d.version, name="项目管理一处")
    with pytest.raises(ConflictError) as conflict:
        service.update_division(d.id, expected_version=d.version, name="项目管理二处")
    assert conflict.value.current["name"] == "项目管理一处"
    assert service.division_by_name("项目管理一处").version == d.version + 1


def test_exactly_one_openness_office_and_one_active_admin(app_ctx, admin):
    """A second 综合处 is refused, and the last admin cannot demote themselves."""
    service = AdminService(app_ctx.db, admin)
    with pytest.raises(ValidationError, match="只能有一个"):
        service.add_division("第二综合处", DivisionKind.OPENNESS_OFFICE)
    with pytest.raises(ValidationError):
        service.update_user(admin.user_id, role=Role.LIAISON)


def test_every_change_writes_before_and_after(app_ctx, admin):
    """An update's audit row carries the old value and the changed field."""
    service = AdminService(app_ctx.db, admin)
    d = service.add_division("项目管理处", DivisionKind.BUSINESS, "XM")
    service.update_division(d.id, name="项目处")
    row = _audit(app_ctx, action="division.update")[-1]
    assert '"name": "项目管理处"' in row.before and row.after == '{"name": "项目处"}'


def test_weak_passwords_are_refused(app_ctx, admin):
    """Short or digits-only passwords are refused with a Chinese reason."""
    service = AdminService(app_ctx.db, admin)
    office = service.division_by_name("综合处")
    for weak in ("abc1", "12345678", "abcdefgh"):
        with pytest.raises(ValidationError):
            service.add_user("weak", weak, office.id, Role.LIAISON)


def test_refusal_inside_a_transaction_is_audited_after_rollback(app_ctx, admin, liaison):
    """A permission check made inside a write block neither deadlocks nor loses its audit row,
    and the block's own changes are rolled back."""
    import time

    from gongkai_desktop.db.models import Division
    from gongkai_desktop.domain.permissions import Action
    from gongkai_desktop.services.base import Service

    service = Service(app_ctx.db, liaison)
    office = AdminService(app_ctx.db, admin).division_by_name("综合处")
    started = time.monotonic()
    with pytest.raises(PermissionDenied), app_ctx.db.write() as session:
        session.get(Division, office.id).name = "被改的名字"
        service.require(Action.EDIT_RECORD, division_id=office.id, what="probe.edit")
    assert time.monotonic() - started < 2
    assert AdminService(app_ctx.db, admin).division_by_name("综合处").id == office.id
    rows = _audit(app_ctx, action="probe.edit")
    assert [(r.username, r.outcome) for r in rows] == [("lly_kf", "denied")]
