"""``gongkai plan``: import a year's plan, list its tasks, report and review quarterly progress,
and write the quarter's 督查通报."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ..app import is_initialized
from ..domain.labels import DivisionKind
from ..domain.plan import QUARTER_LABELS, QUARTER_SHORT, QUARTERS, ReviewResult, TaskStatus
from ..errors import ConflictError, ValidationError
from ..importers.plan import ParsedTask, parse_plan_file
from ..progress import run_job
from ..services.plan import STATE_FILTERS, AssignmentInfo, PlanService, filter_tasks
from ..services.plan_import import NameDecisions, preview_plan_import
from .common import CliContext, CliUsageError, add_date_option, date_type, print_json

IMPORT_HELP = """\
从 .txt 或 .docx 文件导入年度政务公开工作要点（仅管理员）。

文件中的处室名称按原样保留；“各业务处”“相关业务处”分配给全部业务处，“各处”“各处室”
“局机关各处室”分配给全部处室。文件中出现、但本单位没有的处室名称会逐一列出，并且不导入任何
内容（退出状态 1），除非为它们作出决定：
  --map 旧名=处室名   把文件中的名称对应到已有处室（可重复使用）；
  --add-unknown       把其余未知名称新增为业务处。
同一年度再次导入时按任务编号更新，不会重复；已报送的季度进展保留。
--dry-run 只显示识别结果，不保存（无需登录）；--json 按原样输出识别出的任务。"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("plan", help="年度工作要点：导入、任务、季度进展、督查")
    psub = p.add_subparsers(dest="plan_command", metavar="ACTION", required=True)

    a = psub.add_parser(
        "import",
        help="导入年度工作要点（.txt/.docx）",
        description=IMPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    a.add_argument("file", type=Path, metavar="FILE")
    a.add_argument("--year", type=int, required=True, metavar="YYYY")
    a.add_argument("--dry-run", action="store_true", help="只显示识别结果，不保存")
    a.add_argument("--json", action="store_true", help="以 JSON 输出识别出的任务（处室名称按原文）")
    a.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="旧名=处室名",
        help="把文件中的处室名称对应到已有处室（可重复）",
    )
    a.add_argument(
        "--add-unknown", action="store_true", help="把其余未知的处室名称新增为业务处后再导入"
    )
    a.set_defaults(handler=cmd_import)

    a = psub.add_parser("list", help="列出某年度的任务及各处室季度报送情况")
    a.add_argument("--year", type=int, required=True, metavar="YYYY")
    a.add_argument("--division", default=None, metavar="NAME", help="只看该处室的任务")
    a.add_argument("--quarter", type=int, choices=QUARTERS, default=None)
    a.add_argument("--state", choices=tuple(STATE_FILTERS), default=None, help="按状态筛选")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_list)

    a = psub.add_parser(
        "report",
        help="报送任务的季度进展（联络员只能报送本处室的任务）",
        description="报送或修改某项任务某季度的进展。联络员只能报送本处室承担的任务；"
        "已审核的进展修改后需重新审核。",
    )
    a.add_argument("--year", type=int, required=True, metavar="YYYY")
    a.add_argument("--task", type=int, required=True, metavar="N", help="任务编号")
    a.add_argument("--quarter", type=int, required=True, choices=QUARTERS)
    a.add_argument("--status", required=True, choices=TaskStatus.labels())
    a.add_argument("--progress", required=True, metavar="TEXT", help="进展情况")
    a.add_argument("--division", default=None, metavar="NAME", help="处室（默认：本人所在处室）")
    a.add_argument("--link", action="append", default=[], metavar="URL", help="佐证链接（可重复）")
    a.add_argument(
        "--file", action="append", default=[], type=Path, metavar="FILE", help="佐证文件（可重复）"
    )
    a.add_argument(
        "--replace-reviewed",
        action="store_true",
        help="该季度进展已审核时仍覆盖（覆盖后需重新审核）",
    )
    a.set_defaults(handler=cmd_report)

    a = psub.add_parser("review", help="督查审核某处室的季度进展（仅管理员）")
    a.add_argument("--year", type=int, required=True, metavar="YYYY")
    a.add_argument("--task", type=int, required=True, metavar="N")
    a.add_argument("--division", required=True, metavar="NAME")
    a.add_argument("--quarter", type=int, required=True, choices=QUARTERS)
    a.add_argument("--result", required=True, choices=ReviewResult.labels())
    a.add_argument("--comment", default="", metavar="TEXT", help="督查意见（需整改时必填）")
    a.set_defaults(handler=cmd_review)

    a = psub.add_parser("bulletin", help="生成季度督查通报（Word，仅管理员）")
    a.add_argument("--year", type=int, required=True, metavar="YYYY")
    a.add_argument("--quarter", type=int, required=True, choices=QUARTERS)
    a.add_argument("-o", dest="output", type=Path, required=True, metavar="FILE.docx")
    a.add_argument(
        "--as-of",
        dest="as_of",
        type=date_type,
        default=None,
        metavar="YYYY-MM-DD",
        help="统计截至日期（默认该季度的报送截止日，且不晚于今天）",
    )
    add_date_option(a)
    a.set_defaults(handler=cmd_bulletin)


def _parse_map(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise CliUsageError(f"--map 的格式应为 旧名=处室名：{pair}")
        mapping[old.strip()] = new.strip()
    return mapping


def cmd_import(ctx: CliContext) -> int:
    args = ctx.args
    mapping = _parse_map(args.map)
    if not args.file.is_file():
        raise ValidationError(f"文件不存在：{args.file}")
    parsed = parse_plan_file(args.file)
    for warning in parsed.warnings:
        print(f"提示：{warning}", file=sys.stderr)
    if not parsed.tasks:
        raise ValidationError(f"没有在“{args.file.name}”中找到编号任务，未导入。")
    db = ctx.app.db
    if args.dry_run:
        if args.json:
            print_json(parsed.to_json_dict(args.year))
        if not is_initialized(db):
            print("提示：数据库尚未初始化，未核对处室名称。", file=sys.stderr)
            if not args.json:
                _print_parsed(parsed.tasks)
            return 0
        preview = preview_plan_import(db, args.year, parsed.tasks, NameDecisions(mapping))
        out = sys.stderr if args.json else sys.stdout
        if not args.json:
            for t in preview.tasks:
                print(
                    f"{t.task.no}.\t{t.task.section}\t{t.task.title}\t"
                    f"牵头：{'、'.join(t.lead) or '—'}\t责任：{'、'.join(t.responsible) or '—'}"
                )
        for warning in preview.warnings:
            print(f"提示：{warning}", file=sys.stderr)
        for name, numbers in preview.unknown.items():
            print(f"未知处室：“{name}”（第{'、'.join(map(str, numbers))}项任务）", file=sys.stderr)
        print(
            f"共识别 {len(parsed.tasks)} 项任务（新增 {len(preview.new_numbers)}，"
            f"更新 {len(preview.updated_numbers)}，移除 {len(preview.removed_numbers)}）；"
            "试运行，未保存。",
            file=out,
        )
        return 0

    service = PlanService(db, ctx.actor)
    add: dict[str, DivisionKind] = {}
    if args.add_unknown:
        preview = service.preview_import(args.year, parsed.tasks, NameDecisions(mapping))
        add = dict.fromkeys(preview.unknown, DivisionKind.BUSINESS)
    try:
        result = service.import_plan(args.year, parsed.tasks, NameDecisions(mapping, add))
    except ValidationError as exc:
        if not exc.params.get("unknown"):
            raise
        print(f"错误：{exc}", file=sys.stderr)
        print(
            "可用 --map 旧名=处室名 指定对应的处室，或用 --add-unknown 将其新增为业务处。",
            file=sys.stderr,
        )
        return 1
    out = sys.stderr if args.json else sys.stdout
    if args.json:
        print_json(parsed.to_json_dict(args.year))
    for warning in result.warnings:
        print(f"提示：{warning}", file=sys.stderr)
    print(result.summary(), file=out)
    return 0


def _print_parsed(tasks: Sequence[ParsedTask]) -> None:
    for t in tasks:
        print(
            f"{t.no}.\t{t.section}\t{t.title}\t牵头：{'、'.join(t.lead) or '—'}\t"
            f"责任：{'、'.join(t.responsible) or '—'}"
        )


def _division_id(ctx: CliContext, name: str | None) -> int | None:
    if not name:
        return None
    from ..services.admin import AdminService

    return AdminService(ctx.app.db, ctx.actor).division_by_name(name).id


def cmd_list(ctx: CliContext) -> int:
    args = ctx.args
    service = PlanService(ctx.app.db, ctx.actor)
    overview = service.overview(args.year)
    division_id = _division_id(ctx, args.division)
    tasks = filter_tasks(
        overview.tasks, division_id=division_id, quarter=args.quarter, state=args.state
    )
    if args.json:
        print_json(
            {
                "year": overview.year,
                "today": overview.today.isoformat(),
                "due_dates": {
                    str(q): d.isoformat() if d else None for q, d in overview.due_dates.items()
                },
                "tasks": [
                    {
                        "no": t.no,
                        "section": t.section,
                        "title": t.title,
                        "assignments": [
                            {
                                "division": a.division_name,
                                "role": a.role.label,
                                "quarters": {
                                    str(q): {
                                        "state": a.state(q).label,
                                        "status": r.status.label if (r := a.report(q)) else None,
                                        "late": bool(r and r.late),
                                        "review": r.review.label if r and r.review else None,
                                    }
                                    for q in QUARTERS
                                },
                            }
                            for a in t.assignments
                            if division_id is None or a.division_id == division_id
                        ],
                    }
                    for t in tasks
                ],
            }
        )
        return 0
    if not overview.tasks:
        print(f"{args.year}年还没有导入工作要点。")
        return 0
    quarters = (args.quarter,) if args.quarter else QUARTERS
    for t in tasks:
        print(f"{t.no}. {t.title}（{t.section}）")
        for a in t.assignments:
            if division_id is not None and a.division_id != division_id:
                continue
            cells = "  ".join(f"{QUARTER_SHORT[q]}：{_cell(a, q)}" for q in quarters)
            print(f"    {a.role.label}  {a.division_name}  {cells}")
    if overview.calendar_problem:
        print(f"提示：{overview.calendar_problem}", file=sys.stderr)
    return 0


def _cell(a: AssignmentInfo, q: int) -> str:
    report = a.report(q)
    state = a.state(q)
    if report is None:
        return state.label
    text = report.status.label + ("（逾期报送）" if report.late else "")
    return f"{text}/{report.review.label if report.review else '待审核'}"


def cmd_report(ctx: CliContext) -> int:
    args = ctx.args
    actor = ctx.actor
    service = PlanService(ctx.app.db, actor)
    division = args.division or actor.division_name
    assignment = service.find_assignment(args.year, args.task, division)
    missing = [str(file) for file in args.file if not file.is_file()]
    if missing:
        raise ValidationError("佐证文件不存在，进展未保存：", problems=missing)
    try:
        report = service.save_report(
            assignment.id,
            args.quarter,
            progress=args.progress,
            status=next(s for s in TaskStatus if s.label == args.status),
            links=args.link,
            expected_version=None,
            replace_reviewed=args.replace_reviewed,
        )
    except ConflictError as exc:
        if "review" not in exc.params:
            raise
        raise ConflictError(
            exc.message.split("；")[0] + "；确需覆盖请加 --replace-reviewed", **exc.params
        ) from exc
    for file in args.file:
        report = service.add_evidence_file(report.id, file, ctx.app.paths.attachments_dir)
    late = "（逾期报送）" if report.late else ""
    print(
        f"已报送：{args.year}年第{args.task}项任务 {division} {QUARTER_LABELS[args.quarter]}"
        f"进展（{report.status.label}）{late}，佐证文件 {len(report.files)} 个、链接 {len(report.links)} 个。"
    )
    return 0


def cmd_review(ctx: CliContext) -> int:
    args = ctx.args
    service = PlanService(ctx.app.db, ctx.actor)
    assignment = service.find_assignment(args.year, args.task, args.division)
    report = assignment.report(args.quarter)
    if report is None:
        raise ValidationError(
            f"{args.division}尚未报送第{args.task}项任务{QUARTER_LABELS[args.quarter]}的进展，无法审核。"
        )
    result = next(r for r in ReviewResult if r.label == args.result)
    report = service.review_report(report.id, result, args.comment)
    print(
        f"已审核：{args.year}年第{args.task}项任务 {args.division} "
        f"{QUARTER_LABELS[args.quarter]}进展，结论：{report.review.label if report.review else ''}。"
    )
    return 0


def cmd_bulletin(ctx: CliContext) -> int:
    from ..reports.plan_bulletin import bulletin_job

    args = ctx.args
    data = run_job(
        bulletin_job(
            ctx.app.db,
            ctx.actor,
            args.output,
            args.year,
            args.quarter,
            as_of=args.as_of,
            issued=args.issued,
            today=date.today(),
        )
    )
    problems = sum(len(d.problems) for d in data.divisions)
    print(
        f"已生成{args.year}年{QUARTER_LABELS[args.quarter]}督查通报：{args.output}"
        f"（{len(data.divisions)} 个处室，问题 {problems} 条）"
    )
    return 0
