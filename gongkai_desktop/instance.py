"""One program per database file: an operating-system lock on ``<database>.lock`` beside it.

The first program (desktop or ``gongkai``) that opens a SQLite file takes an exclusive,
non-blocking lock on the lock file and holds it until it closes; a second program on the same
file is refused with a message naming the holder (program, process, computer, since when) read
from the lock file. Because the lock belongs to the operating system, a program that dies (even
killed) releases it at once: a lock file left behind by a dead process is just taken over.
Within one process the lock is shared (counted), since that is one program.

The second program is refused, not opened read-only: a read-only window would show data that
the first program may be changing, and every button that writes would fail; it is clearer to
say who holds the file.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from .errors import GongkaiError


class DatabaseInUse(GongkaiError):
    """Another program holds the database file."""

    code = "in_use"


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def _try_lock(fh: IO[bytes]) -> bool:
    if os.name == "nt":
        import msvcrt

        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _unlock(fh: IO[bytes]) -> None:
    if os.name == "nt":
        import msvcrt

        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        return
    import fcntl

    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _program() -> str:
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] not in ("", "-c") else ""
    if not name:
        return "Python 程序"
    return "桌面程序" if "desktop" in name or name.startswith("ui") else f"命令行 {name}"


@dataclass
class _Held:
    handle: IO[bytes]
    count: int


_held: dict[Path, _Held] = {}
_guard = threading.Lock()


def describe_holder(path: Path) -> str:
    try:
        info = json.loads(lock_path(path).read_text(encoding="utf-8"))
        return (
            f"{info.get('program', '另一个程序')}，进程 {info.get('pid', '?')}，"
            f"电脑 {info.get('host', '?')}，{info.get('since', '?')} 起"
        )
    except (OSError, ValueError, AttributeError):
        return "另一个程序"


def acquire(db_path: Path, program: str | None = None) -> Path:
    """Take the lock of ``db_path`` for this process (counted); DatabaseInUse if another holds it."""
    key = db_path.resolve()
    with _guard:
        held = _held.get(key)
        if held is not None:
            held.count += 1
            return key
        target = lock_path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = open(target, "a+b")  # never truncate before holding the lock
        if not _try_lock(handle):
            handle.close()
            raise DatabaseInUse(
                f"数据库文件 {key} 正由另一个程序使用（{describe_holder(key)}）。"
                "同一个数据库文件同时只能由一个程序打开，以免两边的修改互相覆盖："
                "请先关闭那个程序再打开；需要多人同时使用时，请在 系统管理 › 设置 › 部署方式 "
                "中改用共享服务器。",
                path=str(key),
            )
        info = {
            "pid": os.getpid(),
            "program": program or _program(),
            "host": socket.gethostname(),
            "since": datetime.now().strftime("%Y-%m-%d %H:%M"),
        }
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(info, ensure_ascii=False).encode("utf-8"))
        handle.flush()
        _held[key] = _Held(handle, 1)
        return key


def release(key: Path) -> None:
    with _guard:
        held = _held.get(key)
        if held is None:
            return
        held.count -= 1
        if held.count > 0:
            return
        del _held[key]
        try:
            _unlock(held.handle)
        finally:
            held.handle.close()


def held_here(db_path: Path) -> bool:
    return db_path.resolve() in _held
