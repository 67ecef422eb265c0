"""``gongkai-desktop``: the desktop application's entry point.

``main`` parses ``--data-dir DIR``, ``--db URL``, ``--as USER`` and ``--smoke`` and runs the start-up
of ``ui.startup``: Qt set-up, the data, the first-run wizard, the log-in and the main window.
``--smoke`` logs in with ``--as`` and ``GONGKAI_PASSWORD``, shows the main window, prints
``ready_ms=<milliseconds since the process started>`` (see ``ui.clock``) and exits.

Order matters for the start-up time, so this module imports almost nothing itself: the command
line is parsed, then Qt and the log-in dialog come first (``ui.startup.run``); the core, the
integrity check of the database file (``begin_integrity_check``) and the main window follow on a
thread while the user types (``ui.loader``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gongkai_desktop import APP_NAME, __version__


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"命令行参数错误：{message}\n")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = _ArgumentParser(prog="gongkai-desktop", description=f"{APP_NAME}（桌面程序）")
    parser.add_argument("--version", action="version", version=f"gongkai-desktop {__version__}")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--data-dir", metavar="DIR", help="数据文件夹（默认：用户数据目录或程序旁的 data/）"
    )
    where.add_argument("--db", metavar="URL", help="共享服务器的数据库地址（postgresql://…）")
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        help="以该用户登录（密码取自环境变量 GONGKAI_PASSWORD）",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="自检：登录并显示主窗口后输出 ready_ms=<启动毫秒数> 并退出（需要 --as 和 GONGKAI_PASSWORD）",
    )
    return parser.parse_args(argv)


def begin_integrity_check(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Begin the quick check of the local database file, if there is one; None otherwise (a
    server database, a new data folder, or a location ``open_app`` will refuse anyway)."""
    from gongkai_desktop.backup import EarlyQuickCheck
    from gongkai_desktop.errors import GongkaiError
    from gongkai_desktop.paths import check_db_location, resolve_paths

    if args.db:
        return None
    try:
        path = resolve_paths(args.data_dir).db_path
        if not path.is_file():
            return None
        check_db_location(path)
    except (GongkaiError, OSError):
        return None
    return EarlyQuickCheck(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop application; returns the process exit status."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from .startup import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
