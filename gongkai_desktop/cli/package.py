"""``gongkai package export|import``: the 报送包 of SPEC §11 on the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..package.merge import KEEP_OURS, TAKE_THEIRS, Comparison
from ..progress import run_job
from ..services.package import PackagePreview, PackageService, parse_period, since_window
from .common import CliContext, CliUsageError, parse_date_arg, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("package", help="报送包（离线报送）导出与导入")
    psub = p.add_subparsers(dest="package_command", metavar="ACTION", required=True)
    a = psub.add_parser("export", help="导出一个处室的报送包")
    a.add_argument("--division", required=True, metavar="NAME", help="处室名称")
    a.add_argument("-o", dest="output", type=Path, required=True, metavar="FILE")
    when = a.add_mutually_exclusive_group()
    when.add_argument("--since", metavar="DATE", help="导出该日期以来修改的记录（YYYY-MM-DD）")
    when.add_argument("--period", metavar="Y[Qn]", help="导出该年或该季度内修改的记录，如 2026Q1")
    a.set_defaults(handler=cmd_export)
    a = psub.add_parser("import", help="导入报送包（先校验，再合并）")
    a.add_argument("file", type=Path, metavar="FILE")
    a.add_argument("--dry-run", action="store_true", help="只显示比对结果，不保存")
    a.add_argument("--json", action="store_true", help="以 JSON 输出比对结果")
    a.add_argument(
        "--decide",
        action="append",
        default=[],
        metavar="UUID=ours|theirs",
        help="对一条冲突记录的决定：ours 保留本方，theirs 采用报送方（可重复）",
    )
    a.set_defaults(handler=cmd_import)


def _service(ctx: CliContext) -> PackageService:
    return PackageService(ctx.app.db, ctx.actor, ctx.app.paths.attachments_dir)


def cmd_export(ctx: CliContext) -> int:
    args = ctx.args
    window = None
    if args.since:
        window = since_window(parse_date_arg(args.since))
    elif args.period:
        window = parse_period(args.period)
    result = run_job(_service(ctx).export_job(args.division, args.output, window))
    print(
        f"已导出报送包：{result.path}（{result.division}，{result.window.label}，"
        f"{result.records} 条记录，SHA-256 {result.sha256}）"
    )
    return 0


def _decisions(preview: PackagePreview, texts: list[str]) -> dict[tuple[str, str], str]:
    by_key = {c.key: c for c in preview.conflicts}
    out: dict[tuple[str, str], str] = {}
    for text in texts:
        key, _, side = text.partition("=")
        if side not in (KEEP_OURS, TAKE_THEIRS):
            raise CliUsageError(f"--decide 应写作 UUID=ours 或 UUID=theirs：{text}")
        change = by_key.get(key)
        if change is None:
            raise CliUsageError(f"报送包中没有与 {key} 对应的冲突记录")
        out[(change.kind, change.key)] = side
    return out


def comparison_json(preview: PackagePreview) -> dict[str, Any]:
    c: Comparison = preview.comparison
    return {
        "sha256": preview.sha256,
        "division": preview.division,
        "period": preview.manifest.get("period"),
        "created_at": preview.manifest.get("created_at"),
        "format_version": preview.manifest.get("format_version"),
        "app_version": preview.manifest.get("app_version"),
        "already_merged": c.already_merged,
        "chain": {"status": c.chain.status, "message": c.chain.message},
        "counts": {
            k.kind: {
                "label": k.label,
                "new": k.new,
                "changed": k.changed,
                "conflict": k.conflict,
                "unchanged": k.unchanged,
            }
            for k in c.counts()
        },
        "conflicts": [
            {"kind": x.kind, "uuid": x.key, "title": x.title, "fields": list(x.fields)}
            for x in preview.conflicts
        ],
        "problems": list(c.problems),
    }


def _print_preview(preview: PackagePreview) -> None:
    c = preview.comparison
    period = preview.manifest.get("period") or {}
    print(f"报送包：{preview.path.name}（{preview.division}，{period.get('label', '')}）")
    print(f"SHA-256：{preview.sha256}")
    print(f"审计链：{c.chain.message}" + ("  ⚠ 请核实" if c.chain.flagged else ""))
    for k in c.counts():
        print(
            f"  {k.label}：新增 {k.new}，已修改 {k.changed}，冲突 {k.conflict}，无变化 {k.unchanged}"
        )
    for x in preview.conflicts:
        print(f"  冲突：{x.label}「{x.title}」{x.key}（{'、'.join(x.fields)}）")
    if c.already_merged:
        print("此报送包以前已导入过。")


def cmd_import(ctx: CliContext) -> int:
    args = ctx.args
    service = _service(ctx)
    preview = service.preview(args.file)
    if preview.comparison.problems:
        for problem in preview.comparison.problems:
            print(f"错误：{problem}", file=sys.stderr)
        print("报送包无法合并，未做任何改动。", file=sys.stderr)
        return 1
    decisions = _decisions(preview, args.decide)
    if args.json:
        print_json(comparison_json(preview))
    else:
        _print_preview(preview)
    if args.dry_run:
        return 0
    result = run_job(service.import_job(args.file, decisions))
    stream = sys.stderr if args.json else sys.stdout
    if not result.wrote:
        print("此报送包已导入过，没有需要合并的内容，未做任何改动。", file=stream)
        return 0
    a = result.applied
    print(
        f"已合并：新增 {a['new']}，修改 {a['changed']}，已决定的冲突 {a['conflict']}，"
        f"无变化 {a['unchanged']}。",
        file=stream,
    )
    if result.pending:
        print(
            f"尚有 {result.pending} 条冲突记录未决定，未作改动；用 --decide UUID=ours|theirs "
            "决定后再次导入同一报送包。",
            file=stream,
        )
    return 0
