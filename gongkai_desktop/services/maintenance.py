"""备份与恢复 and the database check, with the admin permission and audit rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from .. import anchor, audit, backup
from ..db.engine import Database
from ..db.migrate import needs_upgrade, upgrade
from ..domain.permissions import Action, Actor
from ..errors import GongkaiError, ValidationError
from ..paths import AppPaths
from ..restore_check import verify_restorable
from .base import Service


@dataclass(frozen=True)
class CheckReport:
    integrity: str
    foreign_keys: int
    audit: audit.ChainReport

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and self.foreign_keys == 0 and self.audit.ok

    def lines(self) -> list[str]:
        out = [f"完整性检查：{'通过' if self.integrity == 'ok' else self.integrity}"]
        out.append(
            "外键检查：通过" if self.foreign_keys == 0 else f"外键检查：{self.foreign_keys} 处错误"
        )
        if self.audit.ok:
            note = f"，{self.audit.note}" if self.audit.note else ""
            out.append(f"审计日志：{self.audit.rows} 条，哈希链完整{note}")
        else:
            out.append(f"审计日志：第 {self.audit.broken_id} 条记录处断链（{self.audit.reason}）")
        return out


class MaintenanceService(Service):
    def __init__(self, db: Database, actor: Actor, paths: AppPaths) -> None:
        super().__init__(db, actor)
        self.paths = paths

    def _require_sqlite(self) -> Path:
        path = self.db.sqlite_path
        if path is None:
            raise GongkaiError(
                "共享服务器（PostgreSQL）模式的备份由数据库服务器负责（例如 pg_dump），本程序只备份本机数据库文件。"
            )
        return path

    def backup(self, target: Path | None = None) -> backup.BackupInfo:
        self.require(Action.BACKUP, what="backup.make", entity="database")
        if not self.db.is_sqlite:
            return self.logical_backup(target)
        db_path = self._require_sqlite()
        if target is None:
            info = backup.make_backup(db_path, self.paths.backups_dir, reason="manual")
        else:
            backup.backup_file(db_path, Path(target))
            info = backup.BackupInfo(
                Path(target), backup.datetime.now(), "manual", Path(target).stat().st_size
            )
        with self.db.write() as session:
            self.audit(session, "backup.make", entity="database", detail=str(info.path))
        return info

    def logical_backup(self, target: Path | None = None) -> backup.BackupInfo:
        """Server mode: every record and the audit log in the package format, restorable into an
        empty database (``gongkai restore FILE.gkpkg``); pg_dump stays the server's own tool."""
        from ..progress import run_job
        from .package import PackageService

        now = backup.datetime.now()
        if target is None:
            target = self.paths.backups_dir / f"gongkai-{now:%Y%m%d-%H%M%S}-manual.gkpkg"
        service = PackageService(self.db, self.actor, self.paths.attachments_dir)
        result = run_job(service.export_everything_job(target))
        with self.db.write() as session:
            self.audit(
                session,
                "backup.make",
                entity="database",
                detail=f"整库逻辑备份 {result.path}（SHA-256 {result.sha256}）",
            )
        return backup.BackupInfo(Path(target), now, "manual", Path(target).stat().st_size)

    def list_backups(self) -> list[backup.BackupInfo]:
        self.require(Action.BACKUP, what="backup.list", entity="database")
        return backup.list_backups(self.paths.backups_dir)

    def restore(self, source: Path) -> backup.BackupInfo:
        """Restore a backup over the live database, after backing the live one up."""
        self.require(Action.BACKUP, what="backup.restore", entity="database")
        db_path = self._require_sqlite()
        source = Path(source)
        try:
            verify_restorable(source)
        except ValidationError as exc:
            with self.db.write() as session:
                self.audit(
                    session, "backup.restore", entity="database", outcome="refused",
                    detail=f"{source.name}：{exc.message}",
                )  # fmt: skip
            raise
        saved = backup.make_backup(db_path, self.paths.backups_dir, reason="before-restore")
        self.db.dispose()
        backup.restore_into(source, db_path, verified=True)
        anchor.Anchor(db_path).mark_restored()
        if needs_upgrade(self.db):
            upgrade(self.db)
        with self.db.write() as session:
            self.audit(
                session,
                "backup.restore",
                entity="database",
                detail=f"从 {source.name} 恢复；恢复前的数据已备份为 {saved.path.name}",
            )
        return saved

    def check(self) -> CheckReport:
        self.require(Action.BACKUP, what="database.check", entity="database")
        return check_database(self.db)


def check_database(db: Database) -> CheckReport:
    """Integrity and foreign keys (SQLite) and the audit chain; reveals no record content."""
    with db.read() as session:
        if db.is_sqlite:
            integrity = str(session.execute(text("PRAGMA quick_check")).scalar())
            fk = len(session.execute(text("PRAGMA foreign_key_check")).fetchall())
        else:
            integrity, fk = "ok", 0
    return CheckReport(integrity, fk, anchor.verify(db))
