"""``gongkai report KIND``: the documents built from a year's data.

``report annual --year Y -o F.docx [--json]`` writes the statutory annual report. Other modules add
their own kinds (``report evaluation``) by listing their module in ``REPORT_MODULES``; each such
module has ``register_report(subparsers)`` adding one sub-command with its handler.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from ..errors import ValidationError
from ..progress import run_job
from ..services.annual_report import AnnualReportService
from .common import CliContext, print_json

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
    a.add_argument("--json", action="store_true", help="同时以 JSON 输出表二、表三、表四的数字")
    a.set_defaults(handler=cmd_report_annual)


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
    data = run_job(service.export_job(year, ctx.args.output))
    if ctx.args.json:
        print_json(data.as_json())
    else:
        print(f"已生成{year}年政府信息公开工作年度报告：{ctx.args.output}")
    for note in data.notes:
        print(note, file=sys.stderr)
    return 0
