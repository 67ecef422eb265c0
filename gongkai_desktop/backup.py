"""Backups of the SQLite file with SQLite's own backup API, verified and rotated.

Made automatically (daily when something changed, before every migration and every restore) and
by hand. A backup is written to a temporary file, checked by opening it (integrity_check and the
schema revision), then renamed into place; a file that fails the check is never kept.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .errors import DatabaseError, GongkaiError, ValidationError
from .fileio import atomic_path

log = logging.getLogger(__name__)

BACKUP_RE = re.compile(r"^gongkai-(\d{8})-(\d{6})-([a-z-]+)\.db$")
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
REASON_LABELS = {
    "auto": "每日自动",
    "manual": "手动",
    "before-migration": "升级前",
    "before-restore": "恢复前",
    "damaged": "损坏前",
}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime
    reason: str
    size: int

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)


def _connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def quick_check(path: Path) -> str:
    """'ok' or SQLite's first complaint about the file."""
    try:
        con = _connect_ro(path)
        try:
            return str(con.execute("PRAGMA quick_check").fetchone()[0])
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)


class EarlyQuickCheck:
    """``quick_check`` of a database file, begun on a thread as the program starts.

    SQLite does the check without holding Python's GIL, so it runs while the program is still
    importing its modules and costs the start-up little more than nothing; ``open_app`` waits for
    its answer before it opens the database.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._result = ""
        self._thread = threading.Thread(target=self._run, name="quick-check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._result = quick_check(self.path)
        except Exception as exc:  # noqa: BLE001 - reported as the check's answer
            self._result = f"{type(exc).__name__}: {exc}"

    def result(self) -> str:
        """'ok' or SQLite's first complaint, as ``quick_check`` returns it."""
        self._thread.join()
        return self._result


def verify_backup(path: Path) -> None:
    """Raise unless the file is an intact database of this app."""
    try:
        con = _connect_ro(path)
        try:
            result = con.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise ValidationError(f"备份文件已损坏：{result}")
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise ValidationError(f"不是有效的数据库备份文件：{path.name}（{exc}）") from exc
    if not {"alembic_version", "audit_log", "division"} <= tables:
        raise ValidationError(f"{path.name} 不是政务公开工作台的数据库备份。")


def backup_file(source: Path, target: Path) -> Path:
    """Copy a live SQLite database (WAL included) into ``target`` and verify the copy."""
    if not source.exists():
        raise DatabaseError(f"数据库文件不存在：{source}")
    with atomic_path(target) as tmp:
        src = sqlite3.connect(source)
        dst = sqlite3.connect(tmp)
        failure: sqlite3.OperationalError | None = None
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.OperationalError as exc:
            failure = exc
        finally:
            dst.close()
            src.close()
        if failure is not None:
            # SQLite writes the copy itself, so a full disk arrives as its error, not OSError;
            # the copy's journal is SQLite's partial file, removed with the copy.
            for suffix in ("-journal", "-wal", "-shm"):
                Path(str(tmp) + suffix).unlink(missing_ok=True)
            reason = "磁盘空间不足" if "full" in str(failure) else str(failure)
            raise GongkaiError(
                f"写入文件失败：{target}（{reason}），备份没有完成，数据库未受影响。",
                path=str(target),
            ) from failure
        verify_backup(tmp)
    return target


def backup_name(reason: str, now: datetime | None = None) -> str:
    now = now or datetime.now()
    return f"gongkai-{now:%Y%m%d-%H%M%S}-{reason}.db"


def make_backup(
    db_path: Path, backups_dir: Path, reason: str = "manual", now: datetime | None = None
) -> BackupInfo:
    target = backups_dir / backup_name(reason, now)
    n = 1
    while target.exists():
        target = backups_dir / f"{target.stem}-{n}.db"
        n += 1
    backup_file(db_path, target)
    log.info("backup %s written", target)
    rotate(backups_dir, protect=target)
    return _info(target)


def _info(path: Path) -> BackupInfo:
    m = BACKUP_RE.match(path.name)
    made = (
        datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
        if m
        else datetime.fromtimestamp(path.stat().st_mtime)
    )
    reason = m.group(3) if m else "manual"
    return BackupInfo(path, made, reason, path.stat().st_size)


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    """Newest first."""
    if not backups_dir.is_dir():
        return []
    infos = [_info(p) for p in backups_dir.glob("gongkai-*.db") if p.is_file()]
    return sorted(infos, key=lambda b: (b.made_at, b.path.name), reverse=True)


def rotate(backups_dir: Path, protect: Path | None = None) -> list[Path]:
    """Keep the newest backup of each of the last 7 days, 4 weeks and 12 months; manual backups
    are the user's and are never removed, nor is ``protect`` (the backup just made, which may share
    its second with an older one). Returns the removed files."""
    keep: set[Path] = {protect} if protect is not None else set()
    days: dict[date, Path] = {}
    weeks: dict[tuple[int, int], Path] = {}
    months: dict[tuple[int, int], Path] = {}
    backups = list_backups(backups_dir)
    for b in backups:  # newest first: the first seen of each period is its newest
        d = b.made_at.date()
        days.setdefault(d, b.path)
        weeks.setdefault(tuple(d.isocalendar())[:2], b.path)  # type: ignore[arg-type]
        months.setdefault((d.year, d.month), b.path)
        if b.reason == "manual":
            keep.add(b.path)
    keep.update(list(days.values())[:KEEP_DAILY])
    keep.update(list(weeks.values())[:KEEP_WEEKLY])
    keep.update(list(months.values())[:KEEP_MONTHLY])
    removed = remove_stale_parts(backups_dir)
    for b in backups:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            removed.append(b.path)
    return removed


def newest_verified(backups_dir: Path) -> BackupInfo | None:
    """The newest backup that may become the live database (``verify_restorable``)."""
    from .restore_check import verify_restorable

    for b in list_backups(backups_dir):
        try:
            verify_restorable(b.path)
            return b
        except ValidationError as exc:
            log.warning("backup %s not usable: %s", b.path, exc)
            continue
    return None


def restore_into(backup: Path, db_path: Path, *, verified: bool = False) -> None:
    """Copy a backup into the live database in one SQLite transaction, after
    ``verify_restorable`` (unless the caller just ran it: ``verified``); a refused file leaves the
    live database untouched. A note that the database was moved aside is then cleared."""
    from .restore_check import verify_restorable

    if not verified:
        verify_restorable(backup)
    src = _connect_ro(backup)
    dst = sqlite3.connect(db_path, timeout=10)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    clear_moved_aside(db_path)


def move_aside(db_path: Path, now: datetime | None = None) -> Path:
    """Move a damaged database (and its WAL/SHM files) aside; it is never deleted."""
    now = now or datetime.now()
    target = db_path.with_name(f"{db_path.name}.damaged-{now:%Y%m%d-%H%M%S}")
    for suffix in ("", "-wal", "-shm"):
        part = Path(str(db_path) + suffix)
        if part.exists():
            shutil.move(part, Path(str(target) + suffix))
    # Without this note the next start would create an empty database as if nothing had been.
    moved_aside_note(db_path).write_text(str(target), encoding="utf-8")
    return target


def moved_aside_note(db_path: Path) -> Path:
    """The note, beside the database, naming where a damaged database was moved."""
    return db_path.with_name(db_path.name + ".moved-aside")


def moved_aside_to(db_path: Path) -> Path | None:
    """Where the damaged database went, while the user has not yet chosen what to do."""
    note = moved_aside_note(db_path)
    if db_path.exists() or not note.is_file():
        return None
    return Path(note.read_text(encoding="utf-8").strip())


def clear_moved_aside(db_path: Path) -> None:
    """Forget the note: the user restored a backup or chose to start with empty data."""
    moved_aside_note(db_path).unlink(missing_ok=True)


# A temporary file untouched this long belongs to a write that was killed.
STALE_PART_SECONDS = 60


def remove_stale_parts(*folders: Path, now: float | None = None) -> list[Path]:
    """Delete the ``.part`` files of writes that never finished (a killed backup or export)."""
    import time

    now = now if now is not None else time.time()
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for part in folder.glob(".*.part"):
            try:
                if part.is_file() and now - part.stat().st_mtime > STALE_PART_SECONDS:
                    part.unlink()
                    removed.append(part)
            except OSError as exc:
                log.warning("cannot remove %s: %s", part, exc)
    if removed:
        log.info("removed %d unfinished temporary files: %s", len(removed), removed)
    return removed
