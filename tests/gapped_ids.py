"""A source database whose users, divisions and records are not numbered 1..n (some were added
and then removed), and the check that a restore of its package of everything keeps every id, so
the audit log's plain ``user_id`` and ``division_id`` still name the same people and divisions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from gongkai_desktop.app import AppContext
from gongkai_desktop.db.engine import Database
from gongkai_desktop.db.models import AuditEntry, Division, User
from gongkai_desktop.db.schema import metadata
from gongkai_desktop.demo import DEMO_PASSWORD, demo_job
from gongkai_desktop.domain.labels import DEFAULT_DIVISIONS, DivisionKind, Role
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.setup import initialize

NEW_DIVISION = "新设处"
NEW_USER = "zhang_xs"
# Leaf record tables (nothing points to them): one row of each is removed to leave a gap.
LEAF_TABLES = ("press_conference", "public_opinion", "work_meeting")


def fill_with_gaps(ctx: AppContext) -> None:
    """Divisions and users added and removed before the demo's, so ids have gaps; the removed
    ones left audit rows behind (their ids must not come to name someone else)."""
    admin = initialize(ctx.db, "测试单位", "admin", DEMO_PASSWORD, DEFAULT_DIVISIONS, "管理员")
    admins = AdminService(ctx.db, admin)
    gone = [admins.add_division(f"临时处{n}", DivisionKind.BUSINESS) for n in "甲乙"]
    kept = admins.add_division(NEW_DIVISION, DivisionKind.BUSINESS)
    temporary = [
        admins.add_user(f"tmp{n}", DEMO_PASSWORD, gone[0].id, Role.LIAISON) for n in (1, 2)
    ]
    zhang = admins.add_user(NEW_USER, DEMO_PASSWORD, kept.id, Role.LIAISON, "张新设")
    AuthService(ctx.db).login("tmp1", DEMO_PASSWORD)
    with ctx.db.write() as session:
        session.execute(delete(User).where(User.id.in_([u.id for u in temporary])))
        session.execute(delete(Division).where(Division.id.in_([d.id for d in gone])))
    AuthService(ctx.db).login(NEW_USER, DEMO_PASSWORD)
    admins.update_division(kept.id, code="XS1")
    admins.update_user(zhang.id, display_name="张新设（联络员）")
    run_job(demo_job(ctx, admin, 2026, 5))
    for name in ("lly_kf", "leader"):
        AuthService(ctx.db).login(name, DEMO_PASSWORD)
    with ctx.db.write() as session:
        for name in LEAF_TABLES:
            t = metadata.tables[name]
            first = session.scalar(select(func.min(t.c.id)))
            if first is not None:
                session.execute(delete(t).where(t.c.id == first))
    with ctx.db.read() as session:
        for model in (User, Division):
            count = session.scalar(select(func.count(model.id)))
            top = session.scalar(select(func.max(model.id)))
            assert top is not None and count is not None and top > count, model.__tablename__


def _names(db: Database, model: Any, column: Any) -> dict[int, str]:
    with db.read() as session:
        return {i: n for i, n in session.execute(select(model.id, column))}


def _audit(db: Database) -> list[tuple[int, int | None, str, int | None]]:
    with db.read() as session:
        return [
            (r.id, r.user_id, r.username, r.division_id)
            for r in session.execute(
                select(
                    AuditEntry.id, AuditEntry.user_id, AuditEntry.username, AuditEntry.division_id
                ).order_by(AuditEntry.id)
            )
        ]


def assert_audit_names_the_same(source: Database, restored: Database) -> None:
    """Every audit row's user_id names the user of its username (and the same user as in the
    source), and its division_id the same division as in the source."""
    src_users, src_divs = (
        _names(source, User, User.username),
        _names(source, Division, Division.name),
    )
    users, divisions = (
        _names(restored, User, User.username),
        _names(restored, Division, Division.name),
    )
    # The rows the package carried (the source's export row came after it).
    rows = _audit(restored)[:-1]
    assert _audit(source)[: len(rows)] == rows
    named_users = named_divisions = 0
    for row_id, user_id, username, division_id in rows:
        if user_id is not None:
            assert users.get(user_id) == src_users.get(user_id), f"审计第 {row_id} 条的用户"
            if user_id in src_users:
                assert users[user_id] == username, f"审计第 {row_id} 条：{username}"
                named_users += 1
        if division_id is not None:
            assert divisions.get(division_id) == src_divs.get(division_id), f"审计第 {row_id} 条"
            named_divisions += int(division_id in src_divs)
    assert named_users > 10 and named_divisions > 10
    # The rows of the removed user and divisions still name no one.
    assert any(u is not None and u not in src_users for _, u, _, _ in rows)
    assert any(d is not None and d not in src_divs for _, _, _, d in rows)


def rows_by_id(db: Database) -> dict[str, dict[int, dict[str, Any]]]:
    """Every row of every table with its own integer id, by that id."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    with db.read() as session:
        for table in metadata.sorted_tables:
            if "id" not in table.c or table.c.id.foreign_keys or not table.c.id.primary_key:
                continue
            out[table.name] = {
                row["id"]: dict(row) for row in session.execute(select(table)).mappings()
            }
    return out


def assert_same_rows_by_id(before: dict[str, dict[int, dict[str, Any]]], db: Database) -> None:
    """The restored database holds every row under the id it had in the source; only the
    restore's receipt and its audit row are new."""
    after = rows_by_id(db)
    assert set(after) == set(before)
    for table, rows in before.items():
        got = after[table]
        extra = set(got) - set(rows)
        expected_extra = 1 if table in ("exchange_package", "audit_log") else 0
        assert len(extra) == expected_extra, f"{table}: {sorted(extra)}"
        if extra:
            assert min(extra) > max(rows, default=0), table
        for row_id, row in rows.items():
            assert got.get(row_id) == row, f"{table} 第 {row_id} 条"


def assert_new_rows_follow(db: Database) -> None:
    """After the restore new users, divisions and audit rows get ids past the restored ones."""
    admin = AuthService(db).login("admin", DEMO_PASSWORD)
    admins = AdminService(db, admin)
    with db.read() as session:
        top_user = session.scalar(select(func.max(User.id))) or 0
        top_division = session.scalar(select(func.max(Division.id))) or 0
    division = admins.add_division("恢复后新设处", DivisionKind.BUSINESS)
    user = admins.add_user("after_restore", DEMO_PASSWORD, division.id, Role.LIAISON)
    assert division.id > top_division and user.id > top_user
