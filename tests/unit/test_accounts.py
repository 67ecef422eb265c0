"""Account rules: one answer for every failed log-in, passwords of ten characters that are not
common ones, and refusals with over-long names still audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from support import LIAISON_PASSWORD

from gongkai_desktop.db.models import AuditEntry, User
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.errors import AuthenticationFailed, PermissionDenied, ValidationError
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.auth import FREE_ATTEMPTS, LOGIN_FAILED, AuthService


def test_unknown_user_and_wrong_password_get_the_same_answer(app_ctx, liaison) -> None:  # type: ignore[no-untyped-def]
    """Unknown names, wrong passwords and a locked account's wrong passwords all answer
    "用户名或密码错误。" (no attempts left, no lock), so nobody learns which names exist; only the
    right password on a locked account is told about the lock."""
    auth = AuthService(app_ctx.db)
    answers = set()
    for name in ("nobody", "lly_kf", "x" * 300):
        for _ in range(FREE_ATTEMPTS + 2):
            with pytest.raises(AuthenticationFailed) as failed:
                auth.login(name, "wrong-password-1")
            answers.add(str(failed.value))
    assert answers == {LOGIN_FAILED}
    with pytest.raises(AuthenticationFailed, match="已临时锁定"):
        auth.login("lly_kf", LIAISON_PASSWORD)
    with app_ctx.db.read() as s:
        user = s.scalars(select(User).where(User.username == "lly_kf")).one()
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == "login")).all()
    assert user.failed_logins == FREE_ATTEMPTS + 2 and user.locked_until is not None
    long = [r for r in rows if r.username.startswith("xxx")]
    assert long and all(len(r.username) == 64 and r.username.endswith("…") for r in long)
    assert "300 个字符" in long[0].detail


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-1", "至少需要 10 位"),
        ("abcdefghijk", "字母和数字"),
        ("password2024!", "太常见"),
        ("1qaz2wsx3edc", "太常见"),
        ("woaini1314", "太常见"),
        ("Qwertyuiop1", "太常见"),
        ("aaaaaaaaaa1", "太常见"),
    ],
)
def test_weak_passwords_are_refused(app_ctx, admin, password, reason) -> None:  # type: ignore[no-untyped-def]
    """New passwords need ten characters of two kinds and must not be a common one."""
    service = AdminService(app_ctx.db, admin)
    d = service.division_by_name("开发指导处")
    with pytest.raises(ValidationError, match=reason):
        service.add_user("newuser", password, d.id, Role.LIAISON)
    service.add_user("newuser", "kf-liaison-7x", d.id, Role.LIAISON)


def test_refusal_with_an_over_long_user_name_is_audited(app_ctx, liaison) -> None:  # type: ignore[no-untyped-def]
    """A liaison adding a user with a 300-character name is refused and the refusal audited
    (the name shortened to fit the audit log, as PostgreSQL would refuse it whole)."""
    with pytest.raises(PermissionDenied):
        AdminService(app_ctx.db, liaison).add_user("u" * 300, "kf-liaison-7x", 1, Role.LIAISON)
    with app_ctx.db.read() as s:
        row = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "user.add", AuditEntry.outcome == "denied")
        ).one()
    assert len(row.entity_id) == 64 and row.entity_id.endswith("…")
