"""报送包 (SPEC §11): a division exports its changed records to a file; 综合处 previews a package
against its own database and merges it in one transaction, deciding every conflict.

Exporting is for whoever may change the division's records (its liaison, an admin); importing is
for an admin. Both are long work: generators yielding ``Progress`` that check a cancel token.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from .. import __version__, audit
from ..attachments import AttachmentStore
from ..db.base import utcnow
from ..db.engine import Database
from ..db.models import Division
from ..db.package_models import ExchangePackage
from ..domain.permissions import SYSTEM_ACTOR, Action, Actor, personal_scope
from ..errors import NotFound, ValidationError
from ..package.container import (
    FORMAT_NAME,
    FORMAT_VERSION,
    OpenedPackage,
    open_package,
    write_package,
)
from ..package.export import limit_personal, select_records, write_members
from ..package.merge import Comparison, Decision, MergeOutcome, compare, merge
from ..progress import CancelToken, Progress
from .admin import read_setting
from .base import Service, audit_actor

log = logging.getLogger(__name__)

_PERIOD_RE = re.compile(r"^(\d{4})(?:Q([1-4]))?$")


@dataclass(frozen=True)
class Window:
    """The span of last-change times a package covers: [since, until)."""

    since: datetime | None
    until: datetime | None
    label: str


def parse_period(text: str) -> Window:
    """``2026`` or ``2026Q1`` as a window of change times; ValidationError for anything else."""
    m = _PERIOD_RE.match(text.strip().upper())
    if not m:
        raise ValidationError(f"期间应写作 2026 或 2026Q1：{text}")
    year = int(m.group(1))
    if m.group(2):
        q = int(m.group(2))
        start = datetime(year, 3 * q - 2, 1)
        end = datetime(year + 1, 1, 1) if q == 4 else datetime(year, 3 * q + 1, 1)
        return Window(start, end, f"{year}年第{q}季度")
    return Window(datetime(year, 1, 1), datetime(year + 1, 1, 1), f"{year}年")


def since_window(day: date) -> Window:
    return Window(datetime(day.year, day.month, day.day), None, f"{day.isoformat()} 以来")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sha256: str
    division: str
    records: int
    counts: Mapping[str, int]
    window: Window
    chain_head: str
    chain_rows: int


@dataclass(frozen=True)
class PackagePreview:
    """What a checked package holds and how it compares with this database."""

    path: Path
    sha256: str
    manifest: Mapping[str, Any]
    comparison: Comparison

    @property
    def division(self) -> str:
        d = self.manifest.get("division") or {}
        return str(d.get("name", "")) if isinstance(d, dict) else ""

    @property
    def conflicts(self) -> list[Any]:
        return self.comparison.of("conflict")


@dataclass(frozen=True)
class ImportResult:
    sha256: str
    applied: Mapping[str, int]
    pending: int
    wrote: bool
    chain_status: str


class PackageService(Service):
    def __init__(self, db: Database, actor: Actor, attachments_dir: str | Path) -> None:
        super().__init__(db, actor)
        self.store = AttachmentStore(attachments_dir)
        self.attachments_dir = Path(attachments_dir)

    # ----- export -----------------------------------------------------------------------------
    def _division(self, name: str) -> Division:
        with self.db.read() as session:
            division = session.scalars(select(Division).where(Division.name == name)).first()
        if division is None:
            raise NotFound(f"没有名为「{name}」的处室。")
        return division

    def default_window(self, division_name: str) -> Window:
        """Everything changed since the division's last package made here (or everything)."""
        with self.db.read() as session:
            last = session.scalars(
                select(ExchangePackage)
                .where(
                    ExchangePackage.direction == "export",
                    ExchangePackage.division_name == division_name,
                )
                .order_by(ExchangePackage.id.desc())
                .limit(1)
            ).first()
        if last is None:
            return Window(None, None, "全部记录（首次报送）")
        # Stored in UTC; the label is read by people, in the PC's own time.
        shown = last.until.replace(tzinfo=UTC).astimezone()
        return Window(last.until, None, f"上次报送（{shown:%Y-%m-%d %H:%M}）以来")

    def export_job(
        self,
        division_name: str,
        target: str | Path,
        window: Window | None = None,
        cancel: CancelToken | None = None,
    ) -> Generator[Progress, None, ExportResult]:
        """A division's package of what changed in ``window`` (default: since its last one)."""
        division = self._division(division_name)
        self.require(
            Action.EDIT_RECORD, division_id=division.id, what="package.export", entity="division"
        )
        window = window or self.default_window(division_name)
        return (
            yield from self._export(division, Path(target), window, cancel or CancelToken())
        )

    def export_everything_job(
        self, target: str | Path, cancel: CancelToken | None = None
    ) -> Generator[Progress, None, ExportResult]:
        """Every record of every division, the divisions, users, settings and the audit log: the
        logical backup of server mode and the copy up to a server, restorable into an empty
        database (``restore_everything_job``)."""
        self.require(Action.BACKUP, what="package.export_all", entity="database")
        window = Window(None, None, "全部数据")
        return (yield from self._export(None, Path(target), window, cancel or CancelToken()))

    def _export(
        self, division: Division | None, target: Path, window: Window, cancel: CancelToken
    ) -> Generator[Progress, None, ExportResult]:
        until = window.until or utcnow()
        counts: dict[str, int] = {}
        with self.db.read() as session:
            head = audit.chain_head(session)
            rows = audit.chain_length(session)
            unit = read_setting(session, "unit_name") or ""
            selection = select_records(
                session, division.id if division else None, window.since, until, division is None
            )
            limit_personal(session, selection, personal_scope(self.actor))
            yield Progress(0, 1, "整理记录")
            progress: list[Progress] = []

            def build(writer: Any) -> dict[str, Any]:
                members = write_members(
                    session, writer, selection, self.attachments_dir, cancel, division is None
                )
                progress.extend(members)
                counts.update(writer.counts)
                return {
                    "format": FORMAT_NAME,
                    "format_version": FORMAT_VERSION,
                    "scope": "division" if division else "all",
                    "unit": unit,
                    "division": {"name": division.name, "uuid": division.uuid}
                    if division
                    else {"name": "", "uuid": ""},
                    "period": {
                        "since": window.since.isoformat() if window.since else None,
                        "until": until.isoformat(),
                        "label": window.label,
                    },
                    "created_at": utcnow().isoformat() + "Z",
                    "app_version": __version__,
                    "counts": counts,
                    "audit": {"head": head, "rows": rows},
                    "sender": self.actor.username,
                }

            sha, _manifest = write_package(target, build)
        yield from progress
        name = division.name if division else ""
        with self.db.write() as session:
            session.add(
                ExchangePackage(
                    direction="export",
                    sha256=sha,
                    format_version=FORMAT_VERSION,
                    division_name=name,
                    division_id=division.id if division else None,
                    since=window.since,
                    until=until,
                    chain_head=head,
                    chain_rows=rows,
                    records=selection.count(),
                    file_name=target.name[:255],
                    user_id=self.actor.user_id,
                    created_at=utcnow(),
                )
            )
            self.audit(
                session,
                "package.export",
                entity="exchange_package",
                entity_id=sha,
                division_id=division.id if division else None,
                after={"file": str(target), "records": counts, "chain_head": head, "rows": rows},
                detail=f"导出报送包 {target.name}（{window.label}，SHA-256 {sha}）",
            )
        return ExportResult(target, sha, name, selection.count(), counts, window, head, rows)

    # ----- import -----------------------------------------------------------------------------
    def _require_import(self, path: Path) -> None:
        self.require(
            Action.MANAGE_SYSTEM,
            what="package.import",
            entity="exchange_package",
            entity_id=path.name,
        )

    def preview(self, path: str | Path) -> PackagePreview:
        """Check the package and compare it with this database; changes nothing."""
        path = Path(path)
        self._require_import(path)
        with open_package(path) as opened, self.db.read() as session:
            comparison = compare(session, opened)
            return PackagePreview(path, opened.sha256, opened.manifest, comparison)

    def import_job(
        self,
        path: str | Path,
        decisions: Mapping[tuple[str, str], Decision] | None = None,
        cancel: CancelToken | None = None,
    ) -> Generator[Progress, None, ImportResult]:
        """Check, then merge in one transaction; undecided conflicts are left as they are."""
        cancel = cancel or CancelToken()
        path = Path(path)
        self._require_import(path)
        yield Progress(0, 3, "校验报送包")
        with open_package(path) as opened:
            cancel.check()
            yield Progress(1, 3, "保存附件")
            self._store_files(opened)
            cancel.check()
            yield Progress(2, 3, "合并记录")
            outcome: MergeOutcome
            with self.db.write() as session:
                outcome = merge(session, opened, decisions or {}, audit_actor(self.actor))
            yield Progress(3, 3, "完成")
            return ImportResult(
                opened.sha256, outcome.applied, len(outcome.pending), outcome.wrote, outcome.chain
            )

    def _store_files(self, opened: OpenedPackage) -> None:
        """Put the carried attachment files into the store (content-addressed, so a file no
        record uses harms nothing); a carried attachment without its file refuses the package."""
        part = opened.records.get("attachment") or {}
        for record in [*part.get("records", []), *part.get("refs", [])]:
            sha = record.get("sha256")
            if not isinstance(sha, str) or sha not in opened.files:
                if isinstance(sha, str) and len(sha) == 64 and self.store.path_of(sha).is_file():
                    continue
                raise ValidationError(
                    f"报送包中附件「{record.get('filename', '')}」的文件不在包内，报送包不完整。"
                )
        for sha, local in opened.files.items():
            if not self.store.path_of(sha).is_file():
                stored, _size = self.store.put(local)
                if stored != sha:
                    raise ValidationError("报送包中的附件文件与其 SHA-256 不符。")

    def exports(self) -> list[tuple[str, datetime, int]]:
        """(division, until, records) of the packages exported here, newest first."""
        with self.db.read() as session:
            return [
                (p.division_name, p.until, p.records)
                for p in session.scalars(
                    select(ExchangePackage)
                    .where(ExchangePackage.direction == "export")
                    .order_by(ExchangePackage.id.desc())
                )
            ]


def restore_everything_job(
    db: Database,
    path: str | Path,
    attachments_dir: str | Path,
    cancel: CancelToken | None = None,
) -> Generator[Progress, None, ImportResult]:
    """Load a package of everything into an empty database (no user, no audit row yet): the
    restore of server mode's logical backup and the copy up to a new server. The empty database
    has no one to log in, so the app itself acts; a database with data refuses it."""
    if db.through_gate:
        raise ValidationError(
            "已设置权限的共享服务器只能由信息管理员用数据库所有者的账号恢复："
            "gongkai --db <所有者的连接地址> restore 备份文件。"
        )
    service = PackageService(db, SYSTEM_ACTOR, attachments_dir)
    with open_package(path) as opened:
        if opened.manifest.get("scope") != "all":
            raise ValidationError("这不是整库备份：处室的报送包请在 报送包 › 导入 中导入。")
    return (yield from service.import_job(path, {}, cancel))

