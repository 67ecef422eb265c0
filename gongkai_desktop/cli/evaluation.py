"""``gongkai report evaluation``, ``gongkai report inspection`` and ``gongkai evaluation
deduct|adjust|list`` (SPEC §13, §15).

``report evaluation --year Y [--quarter Q] -o F.xlsx [--json]`` writes the evaluation workbook
(汇总, one sheet per division, 指标说明, 扣分明细) and with ``--json`` prints the scores in SPEC
§13's shape. ``report inspection --year Y --quarter Q -o F.docx [--date D] [--json]`` writes the
督查通报 of the quarter. ``evaluation deduct|adjust`` enter a 扣分 or 调整 (admin only: a refusal
exits 1 and changes nothing); ``evaluation list`` prints the year's (or quarter's) entries.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..domain.evaluation import Period, parse_points, shown
from ..progress import run_job
from ..services.admin import AdminService
from ..services.evaluation import EvaluationService
from .common import CliContext, parse_date_arg, print_json


def _quarter(text: str) -> int:
    try:
        q = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"季度应为 1 至 4：{text}") from None
    if q not in (1, 2, 3, 4):
        raise argparse.ArgumentTypeError(f"季度应为 1 至 4：{text}")
    return q


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("evaluation", help="考核评议的扣分和调整（仅管理员可录入）")
    esub = p.add_subparsers(
        dest="evaluation_command", metavar="ACTION", required=True, parser_class=type(p)
    )
    for name, help_text in (
        ("deduct", "录入扣分（分值为正数）"),
        ("adjust", "录入调整（分值可正可负）"),
    ):
        a = esub.add_parser(name, help=help_text)
        a.add_argument("--year", type=int, required=True, metavar="YYYY")
        a.add_argument("--quarter", type=_quarter, metavar="Q", help="季度督查的季度（省略：全年）")
        a.add_argument("--division", required=True, metavar="NAME")
        a.add_argument("--points", required=True, metavar="P")
        a.add_argument("--reason", required=True, metavar="TEXT")
        a.set_defaults(
            handler=cmd_adjustment, kind="deduction" if name == "deduct" else "adjustment"
        )
    lst = esub.add_parser("list", help="列出扣分和调整")
    lst.add_argument("--year", type=int, required=True, metavar="YYYY")
    lst.add_argument("--quarter", type=_quarter, metavar="Q")
    lst.add_argument("--json", action="store_true", help="以 JSON 输出")
    lst.set_defaults(handler=cmd_list)


def register_report(rsub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    e = rsub.add_parser("evaluation", help="年终评议或季度督查的考核结果（Excel）")
    e.add_argument("--year", type=int, required=True, metavar="YYYY")
    e.add_argument("--quarter", type=_quarter, metavar="Q", help="季度（省略：全年）")
    e.add_argument("-o", dest="output", type=Path, required=True, metavar="FILE.xlsx")
    e.add_argument("--json", action="store_true", help="同时以 JSON 输出各处室得分")
    e.set_defaults(handler=cmd_report_evaluation)
    i = rsub.add_parser("inspection", help="季度督查通报（Word）")
    i.add_argument("--year", type=int, required=True, metavar="YYYY")
    i.add_argument("--quarter", type=_quarter, required=True, metavar="Q")
    i.add_argument("-o", dest="output", type=Path, required=True, metavar="FILE.docx")
    i.add_argument("--date", dest="issued", metavar="YYYY-MM-DD", help="成文日期（默认今天）")
    i.add_argument("--json", action="store_true", help="同时以 JSON 输出通报的内容")
    i.set_defaults(handler=cmd_report_inspection)


def _period(ctx: CliContext) -> Period:
    return Period(ctx.args.year, ctx.args.quarter)


def cmd_report_evaluation(ctx: CliContext) -> int:
    from ..reports.excel.evaluation import evaluation_workbook_job

    service = EvaluationService(ctx.app.db, ctx.actor)
    period = _period(ctx)
    result = run_job(service.evaluate_job(period))
    run_job(evaluation_workbook_job(service, result, ctx.args.output))
    if ctx.args.json:
        print_json(result.as_json())
    else:
        print(f"已生成{period.title}考核结果：{ctx.args.output}")
    return 0


def cmd_report_inspection(ctx: CliContext) -> int:
    from ..reports.inspection import inspection_job

    issued = parse_date_arg(ctx.args.issued) if ctx.args.issued else date.today()
    period = Period(ctx.args.year, ctx.args.quarter)
    data = run_job(inspection_job(ctx.app.db, ctx.actor, period, issued, ctx.args.output))
    if ctx.args.json:
        print_json(data.as_json())
    else:
        print(f"已生成{period.title}督查通报：{ctx.args.output}")
    return 0


def cmd_adjustment(ctx: CliContext) -> int:
    points = parse_points(ctx.args.points)
    service = EvaluationService(ctx.app.db, ctx.actor)
    division = AdminService(ctx.app.db, ctx.actor).division_by_name(ctx.args.division)
    a = service.add_adjustment(_period(ctx), division.id, ctx.args.kind, points, ctx.args.reason)
    print(
        f"已录入{a.period.title} {a.division_name} {a.kind_label} {shown(a.points)} 分：{a.reason}"
    )
    return 0


def cmd_list(ctx: CliContext) -> int:
    rows = EvaluationService(ctx.app.db, ctx.actor).list_adjustments(_period(ctx))
    if ctx.args.json:
        print_json(
            [
                {
                    "id": a.id,
                    "period": a.period.key,
                    "division": a.division_name,
                    "kind": a.kind_label,
                    "points": float(shown(a.points)),
                    "reason": a.reason,
                    "by": a.created_by,
                    "at": a.created_at,
                }
                for a in rows
            ]
        )
        return 0
    if not rows:
        print(f"{_period(ctx).title}没有扣分或调整。")
    for a in rows:
        print(
            f"{a.id}\t{a.period.key}\t{a.division_name}\t{a.kind_label}\t{shown(a.points)}\t{a.reason}\t{a.created_by}\t{a.created_at}"
        )
    return 0
