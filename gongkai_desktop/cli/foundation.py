"""Foundation commands: init, division, user, calendar, audit, backup/restore/check, demo."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..app import is_initialized
from ..calendar import read_notice_file
from ..domain.labels import DivisionKind, Role
from ..errors import ValidationError
from ..notices import require_complete
from ..progress import run_job
from ..services.admin import AdminService
from ..services.calendar import CalendarService, calendar_of
from ..services.maintenance import MaintenanceService, check_database
from ..services.setup import initialize
from .common import ENV_NEW_PASSWORD, ENV_PASSWORD, CliContext, parse_date_arg, read_password
from .records import add_audit_commands

ROLE_ARGS = {"admin": Role.ADMIN, "liaison": Role.LIAISON, "leader": Role.LEADER}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("init", help="新建数据库并创建第一个管理员")
    p.add_argument("--unit", required=True, metavar="NAME", help="单位名称")
    p.add_argument("--admin", required=True, metavar="USER", help="管理员用户名")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("division", help="处室管理")
    dsub = p.add_subparsers(dest="division_command", metavar="ACTION", required=True)
    a = dsub.add_parser("add", help="新增处室")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--kind", default="业务处", choices=DivisionKind.labels())
    a.add_argument("--code", default=None)
    a.set_defaults(handler=cmd_division_add)
    a = dsub.add_parser("list", help="列出处室")
    a.set_defaults(handler=cmd_division_list)

    p = sub.add_parser("user", help="用户管理")
    usub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    a = usub.add_parser("add", help="新增用户（密码取自 GONGKAI_NEW_PASSWORD，否则提示输入）")
    a.add_argument("username", metavar="USER")
    a.add_argument("--division", required=True, metavar="NAME")
    a.add_argument("--role", required=True, choices=sorted(ROLE_ARGS))
    a.add_argument("--name", default="", help="姓名")
    a.set_defaults(handler=cmd_user_add)

    p = sub.add_parser("calendar", help="工作日计算与节假日安排")
    csub = p.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    a = csub.add_parser("workday-after", help="输出 DATE 之后第 N 个工作日")
    a.add_argument("date", metavar="DATE")
    a.add_argument("n", type=int, metavar="N")
    a.set_defaults(handler=cmd_workday_after)
    a = csub.add_parser("import-notice", help="导入国务院办公厅节假日安排通知")
    a.add_argument("file", type=Path, metavar="FILE")
    a.add_argument("--year", type=int, required=True)
    a.add_argument(
        "--amendment", action="store_true", help="调整通知（如延长春节假期），作为该年安排的调整保存"
    )
    a.add_argument("--dry-run", action="store_true", help="只显示解析结果，不保存")
    a.set_defaults(handler=cmd_import_notice)

    p = sub.add_parser("audit", help="审计日志")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    a = asub.add_parser("verify", help="校验审计日志哈希链")
    a.set_defaults(handler=cmd_audit_verify)
    add_audit_commands(asub)

    p = sub.add_parser("backup", help="备份数据库")
    p.add_argument("-o", dest="output", type=Path, default=None, metavar="FILE")
    p.set_defaults(handler=cmd_backup)
    p = sub.add_parser("restore", help="从备份恢复数据库（恢复前自动备份当前数据）")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(handler=cmd_restore)
    p = sub.add_parser("check", help="检查数据库完整性和审计日志")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("demo", help="生成演示数据")
    p.add_argument("--year", type=int, default=None)
    p.add_argument("--scale", type=int, default=200, metavar="N", help="公开事项条数")
    p.set_defaults(handler=cmd_demo)


def cmd_init(ctx: CliContext) -> int:
    if is_initialized(ctx.app.db):
        raise ValidationError("数据库已经初始化过，不能重复初始化。")
    password = read_password(ENV_PASSWORD, f"为管理员 {ctx.args.admin} 设置密码：", confirm=True)
    initialize(ctx.app.db, ctx.args.unit, ctx.args.admin, password)
    print(f"已初始化：{ctx.args.unit}，管理员 {ctx.args.admin}，数据库 {ctx.app.db.describe()}")
    return 0


def cmd_division_add(ctx: CliContext) -> int:
    kind = DivisionKind.from_label(ctx.args.kind)
    d = AdminService(ctx.app.db, ctx.actor).add_division(ctx.args.name, kind, ctx.args.code)
    print(f"已新增处室：{d.name}（{d.kind.label}，代码 {d.code}）")
    return 0


def cmd_division_list(ctx: CliContext) -> int:
    for d in AdminService(ctx.app.db, ctx.actor).list_divisions(include_inactive=True):
        state = "" if d.active else "（已停用）"
        print(f"{d.code}\t{d.name}\t{d.kind.label}{state}")
    return 0


def cmd_user_add(ctx: CliContext) -> int:
    service = AdminService(ctx.app.db, ctx.actor)
    division = service.division_by_name(ctx.args.division)
    role = ROLE_ARGS[ctx.args.role]
    password = read_password(
        ENV_NEW_PASSWORD, f"为用户 {ctx.args.username} 设置密码：", confirm=True
    )
    u = service.add_user(ctx.args.username, password, division.id, role, ctx.args.name)
    print(f"已新增用户：{u.username}（{u.role.label}，{u.division_name}）")
    return 0


def cmd_workday_after(ctx: CliContext) -> int:
    start = parse_date_arg(ctx.args.date)
    if ctx.args.n < 0:
        raise ValidationError("N 不能为负数。")
    print(calendar_of(ctx.app.db).working_day_after(start, ctx.args.n).isoformat())
    return 0


def cmd_import_notice(ctx: CliContext) -> int:
    text = read_notice_file(ctx.args.file)
    service = CalendarService(ctx.app.db, ctx.actor)
    if ctx.args.amendment:
        notice = service.preview_amendment(text, ctx.args.year)
    else:
        notice = service.preview_notice(text, ctx.args.year)
    for period in notice.holidays:
        days = (period.end - period.start).days + 1
        print(f"放假：{period.name}\t{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}（{days} 天）")
    for d in notice.workdays:
        print(f"调休上班：{d:%Y-%m-%d}")
    for sentence in notice.unused:
        print(f"未使用（不产生日期）：{sentence}")
    require_complete(notice)
    if ctx.args.dry_run:
        print("（试运行，未保存）")
        return 0
    count = service.store_notice(notice, source=text)
    what = "节假日调整通知" if ctx.args.amendment else "节假日安排"
    print(f"已保存 {ctx.args.year} 年{what}：{count} 天。")
    return 0


def cmd_audit_verify(ctx: CliContext) -> int:
    from .. import anchor

    report = anchor.verify(ctx.app.db)
    if report.ok:
        note = f"{report.note}。" if report.note else ""
        print(f"审计日志完整：共 {report.rows} 条记录，哈希链未断。{note}")
        return 0
    print(
        f"审计日志被篡改：第 {report.broken_id} 条记录处断链（{report.reason}）。", file=sys.stderr
    )
    return 1


def _maintenance(ctx: CliContext) -> MaintenanceService:
    return MaintenanceService(ctx.app.db, ctx.actor, ctx.app.paths)


def cmd_backup(ctx: CliContext) -> int:
    info = _maintenance(ctx).backup(ctx.args.output)
    print(f"已备份到：{info.path}")
    return 0


def cmd_restore(ctx: CliContext) -> int:
    if not ctx.args.file.is_file():
        raise ValidationError(f"备份文件不存在：{ctx.args.file}")
    if ctx.args.file.suffix == ".gkpkg":
        # A logical backup goes into an empty database, which has no one to log in yet.
        from ..services.package import restore_everything_job

        result = run_job(
            restore_everything_job(ctx.app.db, ctx.args.file, ctx.app.paths.attachments_dir)
        )
        print(f"已从整库备份 {ctx.args.file} 恢复到空数据库（SHA-256 {result.sha256}）。")
        return 0
    saved = _maintenance(ctx).restore(ctx.args.file)
    print(f"已从 {ctx.args.file} 恢复；恢复前的数据已备份为 {saved.path}")
    return 0


def cmd_check(ctx: CliContext) -> int:
    report = check_database(ctx.app.db)
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def cmd_demo(ctx: CliContext) -> int:
    from ..demo import DEMO_PASSWORD, demo_job

    db = ctx.app.db
    actor = None if not is_initialized(db) else ctx.actor
    summary = run_job(demo_job(ctx.app, actor, ctx.args.year, ctx.args.scale))
    for line in summary:
        print(line)
    if actor is None:
        print(
            f"演示账号的密码均为 {DEMO_PASSWORD}（管理员 admin，领导 leader，各处室联络员见上）。"
        )
    return 0
