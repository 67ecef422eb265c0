"""``gongkai audit list|export`` (the audit log in Chinese words, with the filters of 系统管理 ›
审计日志) and ``gongkai recycle list|restore`` (回收站), for the admin, as in the desktop app.

    gongkai --as admin audit list --user lly_kf --action 导入 --since 2026-01-01
    gongkai --as admin audit export -o 审计日志.xlsx --kind disclosure_item
    gongkai --as admin recycle list [--kind disclosure_item] [--json]
    gongkai --as admin recycle restore disclosure_item 42
"""

from __future__ import annotations

import argparse

from ..progress import run_job
from ..record_kinds import RESTORABLE
from ..services.admin import AdminService
from ..services.audit_log import ACTION_FILTERS, AuditLine, AuditLogService, AuditQuery, local_text
from ..services.recycle_bin import DeletedRecord, RecycleBinService
from .common import CliContext, parse_date_arg, print_json

LIST_LIMIT = 50


def add_audit_commands(audit: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``list`` and ``export`` under ``gongkai audit`` (whose ``verify`` is the foundation's)."""
    for name, help_text in (
        ("list", "列出审计日志（最新的在前）"),
        ("export", "导出审计日志为 Excel"),
    ):
        a = audit.add_parser(name, help=help_text)
        a.add_argument("--user", metavar="USER", help="只看该用户")
        a.add_argument("--division", metavar="NAME", help="只看该处室")
        a.add_argument("--kind", metavar="TABLE", help="记录类别，如 disclosure_item")
        a.add_argument(
            "--action", metavar="操作", choices=[f.label for f in ACTION_FILTERS], help="操作类别"
        )
        a.add_argument("--since", type=parse_date_arg, metavar="YYYY-MM-DD")
        a.add_argument("--until", type=parse_date_arg, metavar="YYYY-MM-DD")
        if name == "list":
            a.add_argument("--limit", type=int, default=LIST_LIMIT, help="最多列出的条数")
            a.add_argument("--json", action="store_true", help="以 JSON 输出")
            a.set_defaults(handler=cmd_audit_list)
        else:
            a.add_argument("-o", dest="output", required=True, metavar="FILE")
            a.set_defaults(handler=cmd_audit_export)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("recycle", help="回收站：已删除的记录")
    rsub = p.add_subparsers(dest="recycle_command", metavar="ACTION", required=True)
    kinds = [k.entity for k in RESTORABLE]
    a = rsub.add_parser("list", help="列出已删除的记录（最近删除的在前）")
    a.add_argument("--kind", choices=kinds, metavar="TABLE", help="记录类别")
    a.add_argument("--json", action="store_true", help="以 JSON 输出")
    a.set_defaults(handler=cmd_recycle_list)
    a = rsub.add_parser("restore", help="恢复一条已删除的记录")
    a.add_argument("kind", choices=kinds, metavar="TABLE")
    a.add_argument("id", type=int, metavar="ID")
    a.set_defaults(handler=cmd_recycle_restore)


# --- audit ---
def query_of(ctx: CliContext) -> AuditQuery:
    args = ctx.args
    division_id = None
    if args.division:
        division_id = AdminService(ctx.app.db, ctx.actor).division_by_name(args.division).id
    return AuditQuery(
        username=args.user,
        division_id=division_id,
        entity=args.kind,
        action=args.action,
        since=args.since,
        until=args.until,
    )


def line_json(line: AuditLine) -> dict[str, object]:
    return {
        "id": line.id,
        "time": local_text(line.ts),
        "user": line.username,
        "division": line.division,
        "kind": line.kind,
        "action": line.action,
        "record": line.record,
        "outcome": line.outcome,
        "detail": line.detail,
    }


def cmd_audit_list(ctx: CliContext) -> int:
    lines = AuditLogService(ctx.app.db, ctx.actor).search(query_of(ctx), limit=ctx.args.limit)
    if ctx.args.json:
        print_json([line_json(line) for line in lines])
        return 0
    for line in lines:
        record = f"「{line.record}」" if line.record else ""
        where = f"（{line.division}）" if line.division else ""
        print(
            f"{local_text(line.ts)}  {line.username}{where}  {line.action}{record}  {line.outcome}"
        )
    if not lines:
        print("没有符合条件的审计记录。")
    return 0


def cmd_audit_export(ctx: CliContext) -> int:
    service = AuditLogService(ctx.app.db, ctx.actor)
    count = run_job(service.export_job(ctx.args.output, query_of(ctx)))
    print(f"已导出 {count} 条审计记录到：{ctx.args.output}")
    return 0


# --- recycle bin ---
def record_json(r: DeletedRecord) -> dict[str, object]:
    return {
        "kind": r.entity,
        "label": r.kind,
        "id": r.id,
        "title": r.title,
        "division": r.division,
        "deleted_at": local_text(r.deleted_at.isoformat()),
        "deleted_by": r.deleted_by,
    }


def cmd_recycle_list(ctx: CliContext) -> int:
    records = RecycleBinService(ctx.app.db, ctx.actor).deleted(ctx.args.kind)
    if ctx.args.json:
        print_json([record_json(r) for r in records])
        return 0
    for r in records:
        print(
            f"{r.entity} {r.id}  {r.kind}「{r.title}」  {r.division}  "
            f"{local_text(r.deleted_at.isoformat())} 由 {r.deleted_by or '—'} 删除"
        )
    if not records:
        print("回收站是空的。")
    return 0


def cmd_recycle_restore(ctx: CliContext) -> int:
    service = RecycleBinService(ctx.app.db, ctx.actor)
    title = service.restore(ctx.args.kind, ctx.args.id, None)
    print(f"已恢复：「{title}」")
    return 0
