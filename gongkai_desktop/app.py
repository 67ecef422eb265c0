"""Opening the app's data: resolve the folder, check the file, back up, migrate. Shared by the GUI
and the CLI so both start the same way."""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from . import anchor, audit, backup, deployment, fileio, instance
from .db.engine import Database
from .db.migrate import current_revision, needs_upgrade, upgrade
from .db.models import User
from .errors import GongkaiError
from .paths import AppPaths, check_db_location, resolve_paths
from .server_login import require_current_schema

log = logging.getLogger(__name__)
AUTO_MARKER = ".last-auto-backup"


class DamagedDatabase(GongkaiError):
    """The database failed its integrity check at start; it was moved aside."""

    code = "damaged"

    def __init__(self, message: str, moved_to: Path, newest_backup: backup.BackupInfo | None):
        super().__init__(message, moved_to=str(moved_to))
        self.moved_to = moved_to
        self.newest_backup = newest_backup


@dataclass
class AppContext:
    paths: AppPaths
    db: Database
    warnings: list[str] = field(default_factory=list)
    lock: Path | None = None  # the held one-program lock of a SQLite file
    detach_anchor: Callable[[], None] | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.db.is_sqlite

    def close(self) -> None:
        if self.detach_anchor is not None:
            self.detach_anchor()
            self.detach_anchor = None
        self.db.dispose()
        if self.lock is not None:
            instance.release(self.lock)
            self.lock = None


def setup_logging(paths: AppPaths, level: int = logging.INFO) -> None:
    """A rotating log file in the data folder (idempotent)."""
    root = logging.getLogger()
    target = str(paths.logs_dir / "gongkai.log")
    for handler in root.handlers:
        if getattr(handler, "baseFilename", None) == target:
            return
    paths.logs_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        target, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))


# Where the temporary files of writes in progress are listed (``fileio``).
UNFINISHED_WRITES = "unfinished-writes.json"


def open_app(
    data_dir: str | Path | None = None,
    db_url: str | None = None,
    early_check: backup.EarlyQuickCheck | None = None,
) -> AppContext:
    """Open (creating if needed) the database and bring its schema up to date.

    For SQLite: refuses a network location, runs a quick integrity check on an existing file (a
    damaged file is moved aside and ``DamagedDatabase`` names the newest verified backup), and
    backs the file up before any migration. ``early_check``: the check of this file, already
    begun at the program's start (it is used when it checked the same file).
    """
    paths = resolve_paths(data_dir).ensure()
    setup_logging(paths)
    journal = paths.data_dir / UNFINISHED_WRITES
    fileio.clean_unfinished(journal, backup.STALE_PART_SECONDS)
    fileio.keep_journal(journal)
    warnings: list[str] = []
    if not db_url:
        db_url = deployment.configured_url(paths.data_dir)
    if db_url:
        db = Database(db_url)
        lock = None
    else:
        warnings = check_db_location(paths.db_path)
        lock = instance.acquire(paths.db_path)
        try:
            db = _open_sqlite(paths, early_check)
        except BaseException:
            instance.release(lock)
            raise
    try:
        if db.on_gate:
            require_current_schema(db)
        if needs_upgrade(db):
            if db.is_sqlite and current_revision(db) is not None:
                backup.make_backup(paths.db_path, paths.backups_dir, reason="before-migration")
            upgrade(db)
    except BaseException:
        db.dispose()
        if lock is not None:
            instance.release(lock)
        raise
    if db.is_sqlite:
        _anchor, detach = anchor.enabled_for(db, paths.db_path)
    else:
        where = anchor.server_anchor_path(paths.data_dir, db.url)
        _anchor, detach = anchor.enabled_for(db, where, shared=True)
    return AppContext(paths, db, warnings, lock, detach)


def _open_sqlite(paths: AppPaths, early_check: backup.EarlyQuickCheck | None) -> Database:
    """The local file after its quick check; a damaged file is moved aside (DamagedDatabase),
    and a file moved aside at an earlier start is not silently replaced by an empty one."""
    backup.remove_stale_parts(paths.data_dir, paths.backups_dir)
    moved = backup.moved_aside_to(paths.db_path)
    if moved is not None:
        raise _damaged(paths, "上次启动时数据库文件未通过完整性检查", moved)
    if paths.db_path.exists():
        if early_check is not None and early_check.path == paths.db_path:
            result = early_check.result()
        else:
            result = backup.quick_check(paths.db_path)
        if result != "ok":
            moved = backup.move_aside(paths.db_path)
            log.error("database damaged (%s), moved to %s", result, moved)
            raise _damaged(paths, f"数据库文件完整性检查未通过（{result}）", moved)
    return Database(paths.db_url)


def _damaged(paths: AppPaths, what: str, moved: Path) -> DamagedDatabase:
    """The refusal to go on with an empty database after ``moved`` was set aside: it names the
    file kept, and the newest backup that passes every restore check."""
    newest = backup.newest_verified(paths.backups_dir)
    offer = (
        f"可以从最新的有效备份（{newest.made_at:%Y-%m-%d %H:%M}，{newest.path}）恢复。"
        if newest
        else "没有找到可以恢复的有效备份：如果重新开始，数据将是空的。"
    )
    return DamagedDatabase(
        f"{what}，原文件已移到 {moved} 保留，当前没有数据。{offer}", moved, newest
    )


def is_initialized(db: Database) -> bool:
    with db.read() as session:
        if db.on_gate:
            from .server_login import gate_info

            return gate_info(session)[0]
        return bool(session.scalar(select(func.count(User.id))))


def auto_backup(ctx: AppContext, today: date | None = None) -> backup.BackupInfo | None:
    """Daily backup when something changed since the last one (the audit chain head tells)."""
    if not ctx.is_sqlite or not ctx.paths.db_path.exists():
        return None
    today = today or date.today()
    with ctx.db.read() as session:
        head = audit.chain_head(session)
    marker = ctx.paths.backups_dir / AUTO_MARKER
    last_day, last_head = "", ""
    if marker.exists():
        parts = marker.read_text(encoding="utf-8").split()
        if len(parts) == 2:
            last_day, last_head = parts
    if last_day == today.isoformat() or last_head == head:
        return None
    info = backup.make_backup(ctx.paths.db_path, ctx.paths.backups_dir, reason="auto")
    marker.write_text(f"{today.isoformat()} {head}", encoding="utf-8")
    return info
