"""Log-in with Argon2id password hashes; failed attempts are throttled and audited."""

from __future__ import annotations

import functools
import logging
import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
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
MIN_PASSWORD_LENGTH = 10
MAX_USERNAME = 64  # the app_user column
# The answer to every failed log-in, whether the name is unknown, the account inactive or the
# password wrong: a different answer would tell a guesser which user names exist.
LOGIN_FAILED = "用户名或密码错误。"
# Passwords leaked most often in Chinese sites' breaches, beyond zxcvbn's list of 30 000.
_COMMON_CHINESE = frozenset(
    """123456789a a123456789 woaini1314 5201314520 1314520520 woaiwojia qq123456789
    iloveyou1314 woshishui zhang123456 wang123456 li123456789 abc123456789 1qaz2wsx3edc
    qazwsxedcrfv 147258369a 1234567890a aa123456789 zxcvbnm123 admin12345 admin123456
    administrator password1234 gongkai123 gongkai2024 gongkai2025 gongkai2026 zhengwu123
    zhengwugongkai xinxigongkai""".split()
)


def hash_password(password: str, username: str = "") -> str:
    check_password_strength(password, username)
    return _hasher.hash(password)


@functools.cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | _COMMON_CHINESE


def is_common_password(password: str) -> bool:
    """True for a password on the lists of common ones, also with a short number or a few
    symbols added before or after it (password2024!, 1qaz2wsx@)."""
    common = _common_passwords()
    text = password.lower()
    head = re.sub(r"^[\d\W_]{1,4}", "", text)
    tail = re.sub(r"[\d\W_]{1,4}$", "", text)
    variants = {text, head, tail, re.sub(r"[\d\W_]{1,4}$", "", head)}
    return any(len(v) >= 4 and v in common for v in variants) or len(set(text)) <= 2


def check_password_strength(password: str, username: str = "") -> None:
    """Refuse a short, one-class or common password (``username``: the account's, whose name
    alone as the password is refused too)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"密码至少需要 {MIN_PASSWORD_LENGTH} 位。")
    if password.isdigit() or password.isalpha():
        raise ValidationError("密码需同时包含字母和数字（或其他字符）。")
    if is_common_password(password) or (username and password.lower() == username.lower()):
        raise ValidationError("这个密码太常见，容易被猜中，请换一个（不要用常见密码加几个数字）。")


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


def stored_hash(session: Session, user: User) -> str:
    """The user's password hash; on a set-up server only the user's own can be read, through
    ``gongkai_own_password_hash``."""
    from sqlalchemy import text

    from ..server_login import runtime_role

    if runtime_role(session):
        return str(session.execute(text("SELECT gongkai_own_password_hash()")).scalar() or "")
    return user.password_hash


class AuthService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def login(self, username: str, password: str, now: datetime | None = None) -> Actor:
        """Return the actor for a correct password; audit and throttle every failure.

        Through a set-up server's gate the server checks the password first, by connecting
        with the user's own log-in role; the rest is the same on that connection."""
        username = username.strip()
        if not self.db.through_gate:
            return self._login(username, password, now or utcnow())
        self.db.back_home()
        self._connect_as(username, password)
        try:
            return self._login(username, password, now or utcnow())
        except BaseException:
            self.db.back_home()
            raise

    def _connect_as(self, username: str, password: str) -> None:
        """Through the gate: connect with ``username``'s own credential, or count and audit the
        refusal by the gate and answer as for every failed log-in."""
        from sqlalchemy.exc import DBAPIError

        from ..errors import DatabaseError
        from ..server_login import count_failure, refused_credential, user_url

        if 0 < len(username) <= MAX_USERNAME and password:
            try:
                self.db.use_credential(user_url(self.db.home_url, username, password))
                return
            except DBAPIError as exc:
                if not refused_credential(exc):
                    raise DatabaseError(f"无法连接共享服务器：{str(exc.orig).strip()}") from exc
        with self.db.write() as session:
            count_failure(session, username)
        log.info("server refused log-in of %r", username)
        raise AuthenticationFailed(LOGIN_FAILED)

    def _login(self, username: str, password: str, now: datetime) -> Actor:
        with self.db.write() as session:
            # The row is locked for the attempt (PostgreSQL): concurrent attempts on one account
            # count one after the other instead of losing failures or failing on its version.
            user = (
                session.scalars(
                    select(User).where(User.username == username).with_for_update(of=User)
                ).one_or_none()
                if len(username) <= MAX_USERNAME
                else None
            )
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
                    detail="用户不存在或已停用"
                    + (
                        f"（用户名有 {len(username)} 个字符）"
                        if len(username) > MAX_USERNAME
                        else ""
                    ),
                )
                failure = AuthenticationFailed(LOGIN_FAILED)
            elif not verify_password(stored_hash(session, user), password):
                locked = user.locked_until is not None and user.locked_until > now
                failed = session.execute(
                    update(User)
                    .where(User.id == user.id)
                    .values(failed_logins=User.failed_logins + 1)
                    .returning(User.failed_logins)
                    .execution_options(synchronize_session=False)
                ).scalar_one()
                seconds = lock_seconds(failed)
                detail = f"密码错误（连续第 {failed} 次）" + ("，账号锁定中" if locked else "")
                if seconds and not locked:
                    session.execute(
                        update(User)
                        .where(User.id == user.id)
                        .values(locked_until=now + timedelta(seconds=seconds))
                        .execution_options(synchronize_session=False)
                    )
                    detail += f"，锁定 {seconds} 秒"
                _record_login(session, who, user, "denied" if locked else "failed", detail)
                failure = AuthenticationFailed(LOGIN_FAILED)
            elif user.locked_until is not None and user.locked_until > now:
                # Only someone who knows the password learns that the account is locked.
                wait = int((user.locked_until - now).total_seconds()) + 1
                _record_login(session, who, user, "denied", f"账号锁定中，剩余 {wait} 秒")
                failure = AuthenticationFailed(
                    f"登录失败次数过多，账号已临时锁定，请 {wait} 秒后再试。", wait_seconds=wait
                )
            else:
                if not self.db.through_gate and _hasher.check_needs_rehash(user.password_hash):
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
        self.db.back_home()
        log.info("user %s logged out", actor.username)
