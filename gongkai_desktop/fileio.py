"""Files the app writes go to a temporary file beside the target and are renamed into place.

So a crash, a full disk or a cancelled export never leaves a partial file under the final name.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import GongkaiError

log = logging.getLogger(__name__)

# Told the final path of every file written through ``atomic_path`` (the audit anchor records a
# checkpoint for each backup, package and export).
_written_hooks: list[Callable[[Path], None]] = []


def on_file_written(hook: Callable[[Path], None]) -> Callable[[], None]:
    """Call ``hook(path)`` after each file written here; returns the function that stops it."""
    _written_hooks.append(hook)
    return lambda: _written_hooks.remove(hook) if hook in _written_hooks else None


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success fsync it and rename it to target.

    The caller writes the whole file to the yielded path (libraries such as openpyxl and python-docx
    take a path). On any exception the temporary file is removed and the target is left untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise GongkaiError(
            f"写入文件失败：{target}（{exc.strerror or exc}）", path=str(target)
        ) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    for hook in list(_written_hooks):
        try:
            hook(target)
        except Exception:  # noqa: BLE001 - the file is written; a hook must not undo that
            log.exception("after writing %s", target)


def atomic_write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
