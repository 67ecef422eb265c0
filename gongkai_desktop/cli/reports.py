"""``gongkai report KIND``: the Word documents, through the same services as the GUI.

``report annual --year Y -o F.docx [--date D] [--json]`` writes the statutory annual report,
``report interpretation ID -o F.docx [--date D]`` one 政策解读, ``report consultation ID -o F.docx
[--date D]`` the 意见收集和采纳情况说明 of one consultation; ``--date`` is the 成文日期 (today by
default). Other modules add their own kinds (``report evaluation``) by listing their module in
``REPORT_MODULES``; each such module has ``register_report(subparsers)`` adding its sub-commands.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from ..errors import ValidationError
from ..progress import run_job
from ..services.annual_report import AnnualReportService
from .common import CliContext, add_date_option, print_json

# Modules that add a ``report KIND`` sub-command, each with ``register_report(subparsers)``.
REPORT_MODULES: list[str] = [__name__]


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
