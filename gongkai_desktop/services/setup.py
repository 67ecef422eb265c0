"""First set-up of a new database: the unit, the default divisions and the first admin."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from .. import audit
from ..db.engine import Database
from ..db.models import Division, User
from ..domain.labels import DEFAULT_DIVISIONS, DivisionKind, Role
from ..domain.permissions import Actor
from ..errors import ValidationError
from .admin import write_setting
from .auth import actor_of, hash_password


def initialize(
    db: Database,
    unit_name: str,
    admin_username: str,
    admin_password: str,
    divisions: Iterable[tuple[str, str, DivisionKind]] = DEFAULT_DIVISIONS,
    admin_display_name: str = "",
) -> Actor:
    """Create the unit's divisions and first admin (in 综合处) in one transaction."""
    unit_name = unit_name.strip()
    admin_username = admin_username.strip()
    if not unit_name:
        raise ValidationError("单位名称不能为空。")
    if not admin_username or any(c.isspace() for c in admin_username):
        raise ValidationError("管理员用户名不能为空，也不能包含空格。")
    password_hash = hash_password(admin_password, admin_username)
    divisions = list(divisions)
    offices = [d for d in divisions if d[2] is DivisionKind.OPENNESS_OFFICE]
    if len(offices) != 1:
        raise ValidationError("必须有且只有一个综合处（政务公开办公室）。")
    names = [d[0] for d in divisions]
    if len(set(names)) != len(names):
        raise ValidationError("处室名称不能重复。")
    with db.write() as session:
        if session.scalar(select(func.count(User.id))):
            raise ValidationError("数据库已经初始化过，不能重复初始化。")
        office = None
        for order, (name, code, kind) in enumerate(divisions, start=1):
            d = Division(name=name.strip(), code=code, kind=kind.value, sort_order=order)
            session.add(d)
            if kind is DivisionKind.OPENNESS_OFFICE:
                office = d
        session.flush()
        assert office is not None
        admin = User(
            username=admin_username,
            display_name=admin_display_name or admin_username,
            password_hash=password_hash,
            role=Role.ADMIN.value,
            division_id=office.id,
        )
        session.add(admin)
        write_setting(session, "unit_name", unit_name)
        session.flush()
        session.refresh(admin)
        actor = actor_of(admin)
        audit.record(
            session,
            audit.AuditActor(admin.id, admin.username),
            "init",
            entity="database",
            after={"unit_name": unit_name, "admin": admin_username, "divisions": names},
        )
        return actor
