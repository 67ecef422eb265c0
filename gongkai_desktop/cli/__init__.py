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
from ..errors import GongkaiError, ValidationError
from . import compliance, evaluation, exchange, foundation, package, plan, records, reports, server
from .common import CliContext, CliUsageError

log = logging.getLogger(__name__)

COMMAND_MODULES = [
    foundation, exchange, reports, plan, compliance, evaluation, records, package, server
]


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


# Years the app reckons with (the date cells of the imports accept the same range).
MIN_YEAR, MAX_YEAR = 1900, 2100


def _check_year(args: argparse.Namespace) -> None:
    year = getattr(args, "year", None)
    if isinstance(year, int) and not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(f"年度 {year} 不在 {MIN_YEAR}—{MAX_YEAR} 的范围内", year=year)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = CliContext(args)
    try:
        _check_year(args)
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
    except OSError as exc:  # a full disk, a folder that vanished, a file another program holds
        _log_failure(args)
        print(f"错误：{_os_reason(exc)}，操作未完成", file=sys.stderr)
        return 1
    except Exception:
        # A defect, not the user's input: the traceback goes to the log, not to the user.
        _log_failure(args)
        print(
            "错误：程序内部出错，操作未完成（已回滚，未保存部分数据）；详细信息已写入日志，"
            "请联系管理员",
            file=sys.stderr,
        )
        return 1
    finally:
        ctx.close()


def _log_failure(args: argparse.Namespace) -> None:
    """The traceback into the log file, when one is open (never onto the user's terminal)."""
    if logging.getLogger().handlers:
        log.exception("gongkai %s failed", args.command)


def _os_reason(exc: OSError) -> str:
    import errno

    where = f"“{exc.filename}”" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法写入{where}"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"没有权限写入或读取{where}"
    if exc.errno == errno.ENOENT:
        return f"找不到{where or '文件或文件夹'}"
    return f"读写文件{where}失败（{exc.strerror or exc}）"


if __name__ == "__main__":
    sys.exit(main())
