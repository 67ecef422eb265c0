"""Files the app writes go to a temporary file beside the target and are renamed into place.

So a crash, a full disk or a cancelled export never leaves a partial file under the final name.
A program killed meanwhile cannot remove its temporary file, wherever the user chose to export:
each one is listed in a journal in the data folder while it is written (``keep_journal``), and
the next start removes those left over (``clean_unfinished``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import GongkaiError

log = logging.getLogger(__name__)

# Told the final path of every file written through ``atomic_path`` (the audit anchor records a
# checkpoint for each backup, package and export).
_written_hooks: list[Callable[[Path], None]] = []
_journal: dict[str, Path | None] = {"path": None}
_journal_lock = threading.Lock()


def keep_journal(path: Path | None) -> None:
    """List every temporary file in ``path`` (a JSON list) while it is written; None: stop."""
    _journal["path"] = path


def _read_journal(path: Path) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [str(p) for p in data] if isinstance(data, list) else []


def _write_journal(path: Path, entries: list[str]) -> None:
    tmp = path.with_name(path.name + ".new")
    try:
        tmp.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:  # the write itself goes on; only its clean-up after a kill is lost
        log.warning("journal of unfinished writes not updated: %s", exc)


def _journal_change(add: Path | None = None, remove: Path | None = None) -> None:
    path = _journal["path"]
    if path is None:
        return
    with _journal_lock:
        entries = [e for e in _read_journal(path) if remove is None or e != str(remove)]
        if add is not None:
            entries.append(str(add))
        _write_journal(path, entries)


def clean_unfinished(journal: Path, stale_seconds: float, now: float | None = None) -> list[Path]:
    """Remove the temporary files a killed program left where ``journal`` lists them (only
    ours: ``.<name>.….part``, older than ``stale_seconds``, so a write still running elsewhere
    is left alone); returns those removed."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    with _journal_lock:
        kept = []
        for entry in _read_journal(journal):
            part = Path(entry)
            if not (part.name.startswith(".") and part.name.endswith(".part")):
                continue
            try:
                if not part.exists():
                    continue
                if now - part.stat().st_mtime <= stale_seconds:
                    kept.append(entry)
                    continue
                part.unlink()
                removed.append(part)
            except OSError as exc:
                log.warning("cannot remove %s: %s", part, exc)
                kept.append(entry)
        if journal.exists():
            _write_journal(journal, kept)
    if removed:
        log.info("removed %d files of unfinished writes: %s", len(removed), removed)
    return removed


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
    _journal_change(add=tmp)
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
    finally:
        _journal_change(remove=tmp)
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
