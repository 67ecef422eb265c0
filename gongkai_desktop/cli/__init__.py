"""``gongkai``: the command line (SPEC §15), a second thin front end on the same services.

Errors go to stderr in Chinese; exit status 0 success, 1 refused or invalid input (nothing
changed), 2 usage. Each command module registers its sub-commands in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import GongkaiError
from . import compliance, exchange, foundation, package, plan, reports
from .common import CliContext, CliUsageError

log = logging.getLogger(__name__)

COMMAND_MODULES = [foundation, exchange, reports, plan, compliance, package]


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"命令行参数错误：{message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="gongkai",
        description="政务公开工作台命令行：与桌面程序使用同一数据库和同样的权限。",
    )
    parser.add_argument("--version", action="version", version=f"gongkai {__version__}")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--data-dir", metavar="DIR", help="数据文件夹（默认：用户数据目录或程序旁的 data/）"
    )
    where.add_argument("--db", metavar="URL", help="共享服务器的数据库地址（postgresql://…）")
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        help="以该用户身份操作（密码取自环境变量 GONGKAI_PASSWORD，否则提示输入）",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=ChineseArgumentParser
    )
    sub.required = True
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = CliContext(args)
    try:
        return int(args.handler(ctx) or 0)
    except CliUsageError as exc:
        print(f"命令行参数错误：{exc}", file=sys.stderr)
        return 2
    except GongkaiError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 1
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
