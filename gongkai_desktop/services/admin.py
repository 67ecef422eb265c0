"""系统管理: divisions, users, business settings and the audit log viewer (admins only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import anchor, audit
from ..db.base import utcnow
from ..db.models import AuditEntry, Division, Setting, User
from ..domain.labels import DivisionKind, Role
from ..domain.permissions import Action
from ..errors import NotFound, ValidationError
from ..server_login import set_server_login
from .auth import hash_password, stored_hash, verify_password
from .base import Service, changed_fields, snapshot


@dataclass(frozen=True)
class DivisionInfo:
    id: int
    uuid: str
    name: str
    code: str
    kind: DivisionKind
    sort_order: int
    active: bool
    version: int


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: Role
    division_id: int
    division_name: str
    active: bool
    last_login_at: datetime | None
    locked_until: datetime | None
    version: int


@dataclass(frozen=True)
class AuditRow:
    id: int
    ts: str
    username: str
    action: str
    entity: str
    entity_id: str
    division_id: int | None
    outcome: str
    before: str | None
    after: str | None
    detail: str


def division_info(d: Division) -> DivisionInfo:
    return DivisionInfo(
        d.id, d.uuid, d.name, d.code, DivisionKind(d.kind), d.sort_order, d.active, d.version
    )


def user_info(u: User) -> UserInfo:
    return UserInfo(
        u.id,
        u.username,
        u.display_name,
        Role(u.role),
        u.division_id,
        u.division.name if u.division else "",
        u.active,
        u.last_login_at,
        u.locked_until,
        u.version,
    )


# Business settings with their defaults; the admin changes them in 系统管理.
SETTING_DEFAULTS: dict[str, Any] = {
    "unit_name": "",
    "quarter_report_due_workdays": 5,
    "interpretation_tolerance_workdays": 0,
    "normative_consultation_workdays": 7,
    "major_consultation_days": 30,
    "market_consultation_days": 30,
    "consultation_result_workdays": 10,
    "word_fonts": "standard",
    # Font names that replace the chosen set's, one per part of the document; empty keeps it.
    "font_title": "",
    "font_body": "",
    "font_heading1": "",
    "font_heading2": "",
    "font_table": "",
}
FONT_SETTINGS = {
    "font_title": "title",
    "font_body": "body",
    "font_heading1": "heading1",
    "font_heading2": "heading2",
    "font_table": "table",
}


def read_setting(session: Any, key: str) -> Any:
    row = session.get(Setting, key)
    if row is None:
        return SETTING_DEFAULTS.get(key)
    return json.loads(row.value)


def document_fonts(session: Any) -> Any:
    """The fonts of Word exports: the chosen set (标准公文字体 or 常用字体) with the names the
    admin typed for single parts replacing the set's."""
    from dataclasses import replace

    from ..reports.word import WordFonts

    base = (
        WordFonts.fallback() if read_setting(session, "word_fonts") == "fallback" else WordFonts()
    )
    names = {
        part: str(read_setting(session, key) or "").strip() for key, part in FONT_SETTINGS.items()
    }
    return replace(base, **{part: name for part, name in names.items() if name})


def write_setting(session: Any, key: str, value: Any) -> Any:
    """Store a setting; return the old value (for the audit row)."""
    row = session.get(Setting, key)
    old = json.loads(row.value) if row else SETTING_DEFAULTS.get(key)
    text = json.dumps(value, ensure_ascii=False)
    if row is None:
        session.add(Setting(key=key, value=text, updated_at=utcnow()))
    else:
        row.value = text
        row.updated_at = utcnow()
    return old


def local_midnight_utc(day: date) -> str:
    """The audit log's UTC timestamp text at the start of ``day`` on this PC's clock."""
    start = datetime.combine(day, time()).astimezone(UTC)
    return start.strftime("%Y-%m-%dT%H:%M:%S")


def insert_division(
    service: Service, session: Session, name: str, kind: DivisionKind, code: str, detail: str = ""
) -> Division:
    """Add a division after the others in the sort order, audited as ``division.add``; the
    caller has checked the name and code."""
    order = (session.scalar(select(func.max(Division.sort_order))) or 0) + 1
    d = Division(name=name, code=code, kind=kind.value, sort_order=order)
    session.add(d)
    session.flush()
    service.audit(
        session,
        "division.add",
        entity="division",
        entity_id=d.id,
        division_id=d.id,
        after=snapshot(d),
        detail=detail,
    )
    return d


def _user(session: Session, user_id: int) -> User:
    u = session.get(User, user_id)
    if u is None:
        raise NotFound("用户不存在。")
    return u


def _check_user_division(session: Session, division_id: int) -> None:
    if session.get(Division, division_id) is None:
        raise ValidationError("所属处室不存在。")


def _clean_name(text: str, what: str, max_len: int = 64) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"{what}不能为空。")
    if len(text) > max_len:
        raise ValidationError(f"{what}不能超过 {max_len} 个字。")
    return text


class AdminService(Service):
    # ----- divisions -------------------------------------------------------------------------
    def list_divisions(self, include_inactive: bool = False) -> list[DivisionInfo]:
        with self.db.read() as session:
            q = select(Division).order_by(Division.sort_order, Division.id)
            if not include_inactive:
                q = q.where(Division.active.is_(True))
            return [division_info(d) for d in session.scalars(q)]

    def division_by_name(self, name: str) -> DivisionInfo:
        with self.db.read() as session:
            d = session.scalars(select(Division).where(Division.name == name.strip())).one_or_none()
            if d is None:
                raise NotFound(f"没有名为「{name}」的处室。", name=name)
            return division_info(d)

    def add_division(
        self, name: str, kind: DivisionKind = DivisionKind.BUSINESS, code: str | None = None
    ) -> DivisionInfo:
        self.require(Action.MANAGE_SYSTEM, what="division.add", entity="division", entity_id=name)
        name = _clean_name(name, "处室名称")
        with self.db.write() as session:
            if session.scalars(select(Division).where(Division.name == name)).first():
                raise ValidationError(f"处室「{name}」已存在。")
            if (
                kind is DivisionKind.OPENNESS_OFFICE
                and session.scalars(
                    select(Division).where(Division.kind == DivisionKind.OPENNESS_OFFICE.value)
                ).first()
            ):
                raise ValidationError("综合处（政务公开办公室）只能有一个。")
            code = (code or "").strip() or self._free_code(session)
            if session.scalars(select(Division).where(Division.code == code)).first():
                raise ValidationError(f"处室代码「{code}」已被使用。")
            return division_info(insert_division(self, session, name, kind, code))

    @staticmethod
    def _free_code(session: Any) -> str:
        n = (session.scalar(select(func.count(Division.id))) or 0) + 1
        while session.scalars(select(Division).where(Division.code == f"D{n:02d}")).first():
            n += 1
        return f"D{n:02d}"

    def update_division(
        self,
        division_id: int,
        *,
        expected_version: int | None = None,
        name: str | None = None,
        code: str | None = None,
        kind: DivisionKind | None = None,
        active: bool | None = None,
    ) -> DivisionInfo:
        self.require(
            Action.MANAGE_SYSTEM, what="division.update", entity="division", entity_id=division_id
        )
        with self.db.write() as session:
            d = session.get(Division, division_id)
            if d is None:
                raise NotFound("处室不存在。")
            self.check_version(d, expected_version, f"处室「{d.name}」")
            before = snapshot(d)
            if name is not None:
                d.name = _clean_name(name, "处室名称")
            if code is not None:
                d.code = _clean_name(code, "处室代码", 16)
            if kind is not None:
                if kind is DivisionKind.OPENNESS_OFFICE and d.kind != kind.value:
                    raise ValidationError("综合处（政务公开办公室）只能有一个。")
                if (
                    d.kind == DivisionKind.OPENNESS_OFFICE.value
                    and kind is not DivisionKind.OPENNESS_OFFICE
                ):
                    raise ValidationError("必须保留一个综合处（政务公开办公室）。")
                d.kind = kind.value
            if active is not None:
                if not active and d.kind == DivisionKind.OPENNESS_OFFICE.value:
                    raise ValidationError("综合处不能停用。")
                d.active = active
            session.flush()
            self.audit(
                session,
                "division.update",
                entity="division",
                entity_id=d.id,
                division_id=d.id,
                before=before,
                after=changed_fields(before, snapshot(d)),
            )
            return division_info(d)

    # ----- users -----------------------------------------------------------------------------
    def list_users(self) -> list[UserInfo]:
        self.require(Action.MANAGE_SYSTEM, what="user.list", entity="user")
        with self.db.read() as session:
            return [user_info(u) for u in session.scalars(select(User).order_by(User.id))]

    def add_user(
        self, username: str, password: str, division_id: int, role: Role, display_name: str = ""
    ) -> UserInfo:
        self.require(Action.MANAGE_SYSTEM, what="user.add", entity="user", entity_id=username)
        username = _clean_name(username, "用户名")
        if any(ch.isspace() for ch in username):
            raise ValidationError("用户名不能包含空格。")
        password_hash = hash_password(password, username)
        display_name = _clean_name(display_name, "显示名称") if display_name.strip() else ""
        with self.db.write() as session:
            if session.scalars(select(User).where(User.username == username)).first():
                raise ValidationError(f"用户名「{username}」已存在。")
            _check_user_division(session, division_id)
            u = User(
                username=username,
                display_name=display_name.strip() or username,
                password_hash=password_hash,
                role=role.value,
                division_id=division_id,
            )
            session.add(u)
            session.flush()
            session.refresh(u)
            set_server_login(session, u.id, username, password)
            self.audit(
                session,
                "user.add",
                entity="user",
                entity_id=u.id,
                division_id=division_id,
                after=snapshot(u),
            )
            return user_info(u)

    def update_user(
        self,
        user_id: int,
        *,
        expected_version: int | None = None,
        display_name: str | None = None,
        role: Role | None = None,
        division_id: int | None = None,
        active: bool | None = None,
    ) -> UserInfo:
        self.require(Action.MANAGE_SYSTEM, what="user.update", entity="user", entity_id=user_id)
        with self.db.write() as session:
            u = _user(session, user_id)
            self.check_version(u, expected_version, f"用户「{u.username}」")
            before = snapshot(u)
            if display_name is not None:
                u.display_name = _clean_name(display_name, "姓名")
            if division_id is not None:
                _check_user_division(session, division_id)
                u.division_id = division_id
            if role is not None:
                u.role = role.value
            if active is not None:
                u.active = active
            if u.id == self.actor.user_id and (u.role != Role.ADMIN.value or not u.active):
                raise ValidationError("不能取消自己的管理员权限或停用自己的账号。")
            session.flush()
            self._keep_an_admin(session)
            session.refresh(u)
            set_server_login(session, u.id, u.username, None)
            self.audit(
                session,
                "user.update",
                entity="user",
                entity_id=u.id,
                division_id=u.division_id,
                before=before,
                after=changed_fields(before, snapshot(u)),
            )
            return user_info(u)

    @staticmethod
    def _keep_an_admin(session: Any) -> None:
        admins = session.scalar(
            select(func.count(User.id)).where(User.role == Role.ADMIN.value, User.active.is_(True))
        )
        if not admins:
            raise ValidationError("至少需要保留一个启用的管理员账号。")

    def reset_password(self, user_id: int, new_password: str) -> None:
        self.require(
            Action.MANAGE_SYSTEM, what="user.reset_password", entity="user", entity_id=user_id
        )
        password_hash = hash_password(new_password)
        with self.db.write() as session:
            u = _user(session, user_id)
            u.password_hash = password_hash
            u.failed_logins = 0
            u.locked_until = None
            set_server_login(session, u.id, u.username, new_password)
            self.audit(
                session,
                "user.reset_password",
                entity="user",
                entity_id=u.id,
                division_id=u.division_id,
                detail="管理员重置密码",
            )

    def change_own_password(self, old_password: str, new_password: str) -> None:
        password_hash = hash_password(new_password)
        with self.db.write() as session:
            u = session.get(User, self.actor.user_id)
            if u is None or not verify_password(stored_hash(session, u), old_password):
                raise ValidationError("原密码不正确。")
            u.password_hash = password_hash
            set_server_login(session, u.id, u.username, new_password)
            self.audit(
                session,
                "user.change_password",
                entity="user",
                entity_id=u.id,
                division_id=u.division_id,
            )

    # ----- settings --------------------------------------------------------------------------
    def get_setting(self, key: str) -> Any:
        with self.db.read() as session:
            return read_setting(session, key)

    def set_setting(self, key: str, value: Any) -> None:
        self.require(Action.MANAGE_SYSTEM, what="setting.update", entity="setting", entity_id=key)
        if key not in SETTING_DEFAULTS:
            raise ValidationError(f"未知的设置项：{key}")
        with self.db.write() as session:
            old = write_setting(session, key, value)
            self.audit(
                session,
                "setting.update",
                entity="setting",
                entity_id=key,
                before={key: old},
                after={key: value},
            )

    # ----- audit log -------------------------------------------------------------------------
    def audit_log(
        self,
        *,
        username: str | None = None,
        action: str | None = None,
        outcome: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = 500,
        before_id: int | None = None,
    ) -> list[AuditRow]:
        """Newest first, filtered; page backwards with ``before_id``."""
        self.require(Action.READ_AUDIT, what="audit.read", entity="audit_log")
        q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if username:
            q = q.where(AuditEntry.username == username)
        if action:
            q = q.where(AuditEntry.action.like(f"{action}%"))
        if outcome:
            q = q.where(AuditEntry.outcome == outcome)
        if since:
            q = q.where(AuditEntry.ts >= local_midnight_utc(since))
        if until:
            q = q.where(AuditEntry.ts < local_midnight_utc(date.fromordinal(until.toordinal() + 1)))
        if before_id:
            q = q.where(AuditEntry.id < before_id)
        with self.db.read() as session:
            return [
                AuditRow(
                    e.id,
                    e.ts,
                    e.username,
                    e.action,
                    e.entity,
                    e.entity_id,
                    e.division_id,
                    e.outcome,
                    e.before,
                    e.after,
                    e.detail,
                )
                for e in session.scalars(q)
            ]

    def verify_audit(self) -> audit.ChainReport:
        self.require(Action.READ_AUDIT, what="audit.verify", entity="audit_log")
        return anchor.verify(self.db)
