"""``gongkai demo``: realistic synthetic data for trying the app.

Each module contributes a step (a job yielding Progress and returning summary lines) to
``DEMO_STEPS``; the foundation step creates the unit, business divisions and one account per role.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..app import AppContext, is_initialized
from ..db.models import Division, User
from ..domain.labels import DEFAULT_DIVISIONS, DivisionKind, Role
from ..domain.permissions import Actor
from ..progress import CancelToken, Progress
from ..services.admin import AdminService
from ..services.setup import initialize
from .decisions import decisions_step
from .engagement import engagement_step
from .evaluation import evaluation_step
from .interpretations import interpretations_step
from .ledger import ledger_step
from .plan import plan_step
from .requests import requests_step

DEMO_PASSWORD = "demo-gk-2026"
DEMO_UNIT = "江西省乡村振兴局（演示）"
DEMO_BUSINESS_DIVISIONS = (
    ("开发指导处", "KF"),
    ("社会帮扶处", "SB"),
    ("考核评估处", "KH"),
    ("项目管理处", "XM"),
)


@dataclass
class DemoContext:
    app: AppContext
    actor: Actor
    year: int
    scale: int
    rng: random.Random
    cancel: CancelToken


DemoStep = Callable[[DemoContext], Generator[Progress, None, list[str]]]


def liaison_username(code: str) -> str:
    return f"lly_{code.lower()}"


def foundation_step(ctx: DemoContext) -> Generator[Progress, None, list[str]]:
    """Business divisions and accounts: admin, leader and one liaison per division."""
    service = AdminService(ctx.app.db, ctx.actor)
    existing = {d.name for d in service.list_divisions(include_inactive=True)}
    added = []
    for name, code in DEMO_BUSINESS_DIVISIONS:
        if name not in existing:
            service.add_division(name, DivisionKind.BUSINESS, code)
            added.append(name)
    yield Progress(1, 3, "处室")
    with ctx.app.db.read() as session:
        users = set(session.scalars(select(User.username)))
        divisions = list(session.scalars(select(Division).order_by(Division.sort_order)))
    office = next(d for d in divisions if d.kind == DivisionKind.OPENNESS_OFFICE.value)
    created = []
    if "leader" not in users:
        service.add_user("leader", DEMO_PASSWORD, office.id, Role.LEADER, "局领导")
        created.append("leader（领导）")
    for d in divisions:
        ctx.cancel.check()
        name = liaison_username(d.code)
        if name not in users:
            service.add_user(name, DEMO_PASSWORD, d.id, Role.LIAISON, f"{d.name}联络员")
            created.append(f"{name}（{d.name}联络员）")
    yield Progress(3, 3, "账号")
    lines = []
    if added:
        lines.append("新增业务处：" + "、".join(added))
    if created:
        lines.append("新增账号：" + "、".join(created))
    return lines


# Later modules append their steps here, in dependency order.
DEMO_STEPS: list[DemoStep] = [
    foundation_step,
    ledger_step,
    plan_step,
    requests_step,
    interpretations_step,
    decisions_step,
    engagement_step,
    evaluation_step,
]


def demo_job(
    app: AppContext,
    actor: Actor | None,
    year: int | None = None,
    scale: int = 200,
    cancel: CancelToken | None = None,
    seed: int = 2021,
) -> Generator[Progress, None, list[str]]:
    """Fill the database with demo data; on an empty database first create the unit and admin."""
    lines: list[str] = []
    if actor is None:
        if is_initialized(app.db):
            raise ValueError("actor required on an initialised database")
        divisions = [(n, c, k) for n, c, k in DEFAULT_DIVISIONS]
        actor = initialize(app.db, DEMO_UNIT, "admin", DEMO_PASSWORD, divisions, "综合处管理员")
        lines.append(f"已初始化演示单位：{DEMO_UNIT}，管理员 admin")
    ctx = DemoContext(
        app,
        actor,
        year or date.today().year,
        max(0, scale),
        random.Random(seed),
        cancel or CancelToken(),
    )
    for i, step in enumerate(DEMO_STEPS):
        ctx.cancel.check()
        result = yield from step(ctx)
        lines.extend(result)
        yield Progress(i + 1, len(DEMO_STEPS), "演示数据")
    return lines
