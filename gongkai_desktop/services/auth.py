"""Log-in with Argon2id password hashes; failed attempts are throttled and audited."""

from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..db.base import utcnow
from ..db.engine import Database
from ..db.models import User
from ..domain.labels import Role
from ..domain.permissions import Actor
from ..errors import AuthenticationFailed, ValidationError

log = logging.getLogger(__name__)

# Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): a log-in takes ~15 ms
# instead of ~100 ms on an office PC. Hashes made with other parameters are upgraded at log-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


@functools.cache
def _dummy_hash() -> str:
    """Verified for unknown user names too, so a wrong name takes as long as a wrong password."""
    return _hasher.hash("not-a-real-password")


FREE_ATTEMPTS = 5
BASE_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    check_password_strength(password)
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"密码至少需要 {MIN_PASSWORD_LENGTH} 位。")
    if password.isdigit() or password.isalpha():
        raise ValidationError("密码需同时包含字母和数字（或其他字符）。")


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def lock_seconds(failed: int) -> int:
    """Seconds an account is locked after ``failed`` consecutive failures (0 while free)."""
    if failed < FREE_ATTEMPTS:
        return 0
    return int(min(MAX_LOCK_SECONDS, BASE_LOCK_SECONDS * 2 ** (failed - FREE_ATTEMPTS)))


def actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        division_id=user.division_id,
        division_name=user.division.name if user.division else "",
        display_name=user.display_name,
    )


def _record_login(
    session: Session, who: audit.AuditActor, user: User, outcome: str = "ok", detail: str = ""
) -> None:
    """The audit row of a log-in attempt on an existing, active account."""
    audit.record(
        session,
        who,
        "login",
        entity="user",
        entity_id=user.id,
        division_id=user.division_id,
        outcome=outcome,
        detail=detail,
    )


class AuthService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def login(self, username: str, password: str, now: datetime | None = None) -> Actor:
        """Return the actor for a correct password; audit and throttle every failure."""
        now = now or utcnow()
        username = username.strip()
        with self.db.write() as session:
            user = session.scalars(select(User).where(User.username == username)).one_or_none()
            who = audit.AuditActor(user.id if user else None, username)
            if user is None or not user.active:
                verify_password(_dummy_hash(), password)
                audit.record(
                    session,
                    who,
                    "login",
                    entity="user",
                    entity_id=username,
                    outcome="failed",
                    detail="用户不存在或已停用",
                )
                failure = AuthenticationFailed("用户名或密码错误。")
            elif user.locked_until is not None and user.locked_until > now:
                wait = int((user.locked_until - now).total_seconds()) + 1
                _record_login(session, who, user, "denied", f"账号锁定中，剩余 {wait} 秒")
                failure = AuthenticationFailed(
                    f"登录失败次数过多，账号已临时锁定，请 {wait} 秒后再试。", wait_seconds=wait
                )
            elif not verify_password(user.password_hash, password):
                user.failed_logins += 1
                seconds = lock_seconds(user.failed_logins)
                if seconds:
                    user.locked_until = now + timedelta(seconds=seconds)
                detail = f"密码错误（连续第 {user.failed_logins} 次）"
                _record_login(session, who, user, "failed", detail)
                left = FREE_ATTEMPTS - user.failed_logins
                hint = f"还可尝试 {left} 次。" if left > 0 else f"账号已锁定 {seconds} 秒。"
                failure = AuthenticationFailed(f"用户名或密码错误，{hint}")
            else:
                if _hasher.check_needs_rehash(user.password_hash):
                    user.password_hash = _hasher.hash(password)
                user.failed_logins = 0
                user.locked_until = None
                user.last_login_at = now
                _record_login(session, who, user)
                return actor_of(user)
        log.info("failed login for %r", username)
        raise failure

    def logout(self, actor: Actor, switching: bool = False) -> None:
        """Audit the end of ``actor``'s session (注销, or 切换用户 when ``switching``)."""
        with self.db.write() as session:
            audit.record(
                session,
                audit.AuditActor(actor.user_id, actor.username),
                "logout",
                entity="user",
                entity_id=actor.user_id,
                division_id=actor.division_id,
                detail="切换用户" if switching else "注销",
            )
        log.info("user %s logged out", actor.username)
