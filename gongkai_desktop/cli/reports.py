"""``gongkai report KIND``: the Word documents, through the same services as the GUI.

``report annual --year Y -o F.docx [--date D] [--json]`` writes the statutory annual report,
``report interpretation ID -o F.docx [--date D]`` one 政策解读, ``report consultation ID -o F.docx
[--date D]`` the 意见收集和采纳情况说明 of one consultation; for these ``--date`` is the 成文日期
(today by default). ``report publish --year Y --date D`` records the day the annual report was
first made public. Other modules add their own kinds (``report evaluation``) by listing their module in
``REPORT_MODULES``; each such module has ``register_report(subparsers)`` adding its sub-commands.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from datetime import date
from pathlib import Path

from ..errors import ValidationError
from ..progress import run_job
from ..services.annual_report import AnnualReportService
from .common import CliContext, add_date_option, parse_date_arg, print_json

# Modules that add a ``report KIND`` sub-command, each with ``register_report(subparsers)``.
REPORT_MODULES: list[str] = [__name__, "gongkai_desktop.cli.evaluation"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("report", help="生成报表（年度报告等）")
    rsub = p.add_subparsers(
        dest="report_command", metavar="KIND", required=True, parser_class=type(p)
    )
    for name in REPORT_MODULES:
        importlib.import_module(name).register_report(rsub)


def register_report(rsub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    a = rsub.add_parser("annual", help="政府信息公开工作年度报告（Word，2021年全国统一格式）")
    a.add_argument("--year", type=int, required=True, metavar="YYYY")
    a.add_argument("-o", dest="output", type=Path, required=True, metavar="FILE.docx")
    add_date_option(a)
    a.add_argument("--json", action="store_true", help="同时以 JSON 输出表二、表三、表四的数字")
    a.set_defaults(handler=cmd_report_annual)
    a = rsub.add_parser(
        "publish", help="登记年度报告的公开日期（1月31日的期限以此日为准）"
    )
    a.add_argument("--year", type=int, required=True, metavar="YYYY", help="报告所属年度")
    a.add_argument("--date", metavar="YYYY-MM-DD", help="首次公开之日；省略则清除已登记的日期")
    a.set_defaults(handler=cmd_report_publish)

    a = rsub.add_parser("interpretation", help="政策解读（Word，公文格式）")
    a.add_argument("id", type=int, metavar="ID", help="政策解读的编号")
    a.add_argument("-o", dest="output", type=Path, required=True, metavar="FILE.docx")
    add_date_option(a)
    a.set_defaults(handler=cmd_report_interpretation)

    a = rsub.add_parser("consultation", help="意见收集和采纳情况说明（Word，公文格式）")
    a.add_argument("id", type=int, metavar="ID", help="征求意见记录的编号")
    a.add_argument("-o", dest="output", type=Path, required=True, metavar="FILE.docx")
    add_date_option(a)
    a.set_defaults(handler=cmd_report_consultation)


def cmd_report_annual(ctx: CliContext) -> int:
    year = ctx.args.year
    service = AnnualReportService(ctx.app.db, ctx.actor)
    data = service.report(year)
    if data.problems:
        # The numbers are printed so the user sees what does not add up; no file is written.
        if ctx.args.json:
            print_json(data.as_json())
        raise ValidationError(
            f"{year}年度报告的数据不符合勾稽关系，未生成文件。", problems=list(data.problems)
        )
    data = run_job(service.export_job(year, ctx.args.output, issued=ctx.args.issued))
    if ctx.args.json:
        print_json(data.as_json())
    else:
        print(f"已生成{year}年政府信息公开工作年度报告：{ctx.args.output}")
    for note in (*data.notes, *data.warnings):
        print(note, file=sys.stderr)
    return 0


def cmd_report_publish(ctx: CliContext) -> int:
    year = ctx.args.year
    published = parse_date_arg(ctx.args.date) if ctx.args.date else None
    data = AnnualReportService(ctx.app.db, ctx.actor).record_publication(year, published)
    if data.published_on is None:
        print(f"已清除{year}年度报告的公开日期。")
    else:
        due = date(year + 1, 1, 31)
        verdict = "按期" if data.published_on <= due else f"晚于{due:%Y-%m-%d}"
        print(f"已登记{year}年度报告公开日期：{data.published_on:%Y-%m-%d}（{verdict}）")
    return 0


def cmd_report_interpretation(ctx: CliContext) -> int:
    from ..reports.interpretation_docx import DRAFT_NOTICE, is_draft
    from ..services.interpretations import InterpretationService

    service = InterpretationService(ctx.app.db, ctx.actor)
    written = service.export_word(ctx.args.id, ctx.args.output, issued=ctx.args.issued)
    print(f"已导出政策解读：{written}")
    if is_draft(service.get(ctx.args.id).fields):
        print(DRAFT_NOTICE, file=sys.stderr)
    return 0


def cmd_report_consultation(ctx: CliContext) -> int:
    from ..services.decisions import DecisionService

    service = DecisionService(ctx.app.db, ctx.actor)
    consultation = service.get_consultation(ctx.args.id)
    written = service.export_explanation(
        consultation.decision_id, consultation.id, ctx.args.output, issued=ctx.args.issued
    )
    print(f"已导出意见收集和采纳情况说明：{written}")
    return 0
