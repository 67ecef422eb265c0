"""``gongkai template|import|export KIND``: the Excel ledgers of every module."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import GongkaiError
from ..exchange import LedgerKind, kinds, template_lists
from ..progress import run_job
from .common import CliContext

TEMPLATE_KINDS = ("items", "documents", "requests", "cases")
IMPORT_KINDS = ("items", "documents", "requests", "cases")
EXPORT_KINDS = ("items", "documents", "requests", "cases", "tasks", "catalogue")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("template", help="生成空白导入模板（Excel）")
    p.add_argument("kind", choices=TEMPLATE_KINDS, metavar="KIND", help="|".join(TEMPLATE_KINDS))
    p.add_argument("-o", dest="output", type=Path, required=True, metavar="FILE.xlsx")
    p.set_defaults(handler=cmd_template)

    p = sub.add_parser("import", help="从 Excel 导入（全部成功或全部不导入）")
    p.add_argument("kind", choices=IMPORT_KINDS, metavar="KIND", help="|".join(IMPORT_KINDS))
    p.add_argument("file", type=Path, metavar="FILE.xlsx")
    p.add_argument("--dry-run", action="store_true", help="只检查，不保存")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("export", help="导出台账（Excel）")
    p.add_argument("kind", choices=EXPORT_KINDS, metavar="KIND", help="|".join(EXPORT_KINDS))
    p.add_argument("-o", dest="output", type=Path, required=True, metavar="FILE.xlsx")
    p.add_argument("--year", type=int, default=None)
    p.set_defaults(handler=cmd_export)


def _kind(key: str) -> LedgerKind:
    kind = kinds().get(key)
    if kind is None:
        raise GongkaiError(f"「{key}」台账尚未提供此功能。")
    return kind


def cmd_template(ctx: CliContext) -> int:
    kind = _kind(ctx.args.kind)
    if kind.template is None:
        raise GongkaiError(f"{kind.label}没有导入模板。")
    # No login: a template holds nothing but the unit's division names.
    kind.write_template(ctx.args.output, template_lists(ctx.app.db))
    print(f"已生成{kind.label}导入模板：{ctx.args.output}")
    return 0


def cmd_import(ctx: CliContext) -> int:
    kind = _kind(ctx.args.kind)
    if kind.import_job is None:
        raise GongkaiError(f"{kind.label}不支持导入。")
    if not ctx.args.file.is_file():
        raise GongkaiError(f"文件不存在：{ctx.args.file}")
    result = run_job(kind.import_job(ctx.app.db, ctx.actor, ctx.args.file, ctx.args.dry_run, None))
    print(f"{kind.label}：{result.summary()}")
    for note in result.notes:
        print(note)
    return 0


def cmd_export(ctx: CliContext) -> int:
    kind = _kind(ctx.args.kind)
    if kind.export_job is None:
        raise GongkaiError(f"{kind.label}不支持导出。")
    rows = run_job(kind.export_job(ctx.app.db, ctx.actor, ctx.args.output, ctx.args.year, None))
    print(f"已导出{kind.label} {rows} 行：{ctx.args.output}")
    return 0
