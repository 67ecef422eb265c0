"""转载 (reposts, with the 24-hour check) and the 标准目录 (standard catalogue) editor."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ..db.base import utcnow
from ..db.ledger_models import CatalogueEntry, Repost
from ..db.models import Division
from ..domain.checks import doc_number_problem, link_problem
from ..domain.disclosure import (
    CATALOGUE_AUDIENCES,
    CATALOGUE_MODES,
    RepostSource,
    RepostState,
    repost_state,
)
from ..domain.permissions import Action, allowed
from ..errors import ConflictError, ValidationError
from .base import Service, changed_fields, live_record, snapshot

REPOST_MISSING = "转载记录不存在。"


@dataclass(frozen=True)
class RepostRow:
    id: int
    uuid: str
    version: int
    title: str
    issuer: str
    source_level: RepostSource
    doc_number: str
    released_at: datetime
    reposted_at: datetime | None
    link: str
    notes: str
    division_id: int
    division_name: str
    state: RepostState
    hours: float | None
    editable: bool

    @property
    def flagged(self) -> bool:
        return self.state in (RepostState.LATE, RepostState.OVERDUE)


@dataclass(frozen=True)
class RepostFields:
    title: str
    issuer: str
    source_level: str
    released_at: datetime | None
    reposted_at: datetime | None = None
    doc_number: str = ""
    link: str = ""
    notes: str = ""


@dataclass(frozen=True)
class CatalogueRow:
    """One row of the 标准目录; ``id`` is None for a row not yet saved."""

    id: int | None
    seq: int
    level1: str
    level2: str
    content: str
    basis: str
    time_limit: str
    subject: str
    channels: str
    audience: str
    mode: str
    tier: str
    version: int = 0


CATALOGUE_FIELDS = (
    "seq",
    "level1",
    "level2",
    "content",
    "basis",
    "time_limit",
    "subject",
    "channels",
    "audience",
    "mode",
    "tier",
)


def validate_repost(f: RepostFields) -> list[str]:
    problems = []
    if not f.title.strip():
        problems.append("「标题」：不能为空")
    try:
        RepostSource(f.source_level)
    except ValueError:
        problems.append("「来源」：应为中央或省级")
    if f.released_at is None:
        problems.append("「发布时间」：不能为空")
    elif f.reposted_at is not None and f.reposted_at < f.released_at:
        problems.append("「转载时间」：不能早于发布时间")
    if problem := doc_number_problem(f.doc_number):
        problems.append(f"「文号」：{problem}")
    if problem := link_problem(f.link):
        problems.append(f"「链接」：{problem}")
    return problems


class RepostService(Service):
    entity = "repost"

    def list_reposts(self, year: int | None = None, now: datetime | None = None) -> list[RepostRow]:
        now = now or datetime.now()
        with self.db.read() as session:
            stmt = (
                select(Repost, Division.name)
                .join(Division, Division.id == Repost.division_id)
                .where(Repost.deleted_at.is_(None))
                .order_by(Repost.released_at.desc(), Repost.id.desc())
            )
            if year is not None:
                stmt = stmt.where(
                    Repost.released_at >= datetime(year, 1, 1),
                    Repost.released_at < datetime(year + 1, 1, 1),
                )
            return [self._row(r, name, now) for r, name in session.execute(stmt)]

    def _row(self, r: Repost, division_name: str, now: datetime) -> RepostRow:
        hours = None
        if r.reposted_at is not None:
            hours = round((r.reposted_at - r.released_at).total_seconds() / 3600, 1)
        return RepostRow(
            r.id,
            r.uuid,
            r.version,
            r.title,
            r.issuer,
            RepostSource(r.source_level),
            r.doc_number,
            r.released_at,
            r.reposted_at,
            r.link,
            r.notes,
            r.division_id,
            division_name,
            repost_state(r.released_at, r.reposted_at, now),
            hours,
            allowed(self.actor, Action.EDIT_RECORD, r.division_id),
        )

    def save_repost(
        self,
        repost_id: int | None,
        division_id: int,
        data: RepostFields,
        expected_version: int | None = None,
    ) -> int:
        # Both divisions are checked before the write transaction opens: moving a repost needs
        # the right to change the records of the division it leaves and of the one it joins.
        current = self.division_of(Repost, repost_id) if repost_id is not None else None
        self.require_each(
            Action.EDIT_RECORD,
            (current, division_id) if current is not None else (division_id,),
            what="repost.save",
            entity=self.entity,
            entity_id=repost_id or "",
        )
        problems = validate_repost(data)
        if problems:
            raise ValidationError("转载记录填写有误，未保存：", problems=problems)
        with self.db.write() as session:
            if repost_id is None:
                r = Repost(division_id=division_id, created_by=self.actor.user_id)
                session.add(r)
                before: dict[str, Any] | None = None
            else:
                r = live_record(session, Repost, repost_id, REPOST_MISSING)
                if r.division_id != current:
                    # Handed to another division since the check: that one was not checked.
                    raise ConflictError(
                        f"转载记录「{r.title}」已被其他用户移交给其他处室，请刷新后再编辑。",
                        current=snapshot(r),
                    )
                self.check_version(r, expected_version, f"转载记录「{r.title}」")
                before = snapshot(r)
                r.updated_by = self.actor.user_id
            r.division_id = division_id
            r.title = data.title.strip()
            r.issuer = data.issuer.strip()
            r.source_level = data.source_level
            assert data.released_at is not None
            r.released_at = data.released_at
            r.reposted_at = data.reposted_at
            r.doc_number = data.doc_number.strip()
            r.link = data.link.strip()
            r.notes = data.notes.strip()
            session.flush()
            after = snapshot(r)
            self.audit(
                session,
                "repost.save",
                entity=self.entity,
                entity_id=r.uuid,
                division_id=division_id,
                before=before,
                after=after if before is None else changed_fields(before, after),
            )
            return r.id

    def delete_repost(self, repost_id: int) -> None:
        self.soft_delete(
            Repost, repost_id, what="repost.delete", entity=self.entity, missing=REPOST_MISSING
        )


class CatalogueService(Service):
    """The 标准目录 is edited as a whole table by admins; everyone reads and exports it."""

    entity = "catalogue_entry"

    def entries(self) -> list[CatalogueRow]:
        with self.db.read() as session:
            return [
                CatalogueRow(
                    e.id, *(getattr(e, name) for name in CATALOGUE_FIELDS), version=e.version
                )
                for e in session.scalars(
                    select(CatalogueEntry)
                    .where(CatalogueEntry.deleted_at.is_(None))
                    .order_by(CatalogueEntry.seq, CatalogueEntry.id)
                )
            ]

    @staticmethod
    def validate(rows: list[CatalogueRow]) -> list[str]:
        problems = []
        for n, row in enumerate(rows, 1):
            if not row.level1.strip():
                problems.append(f"第{n}行「一级事项」：不能为空")
            if row.audience not in CATALOGUE_AUDIENCES:
                problems.append(f"第{n}行「公开对象」：应为全社会或特定群体")
            if row.mode not in CATALOGUE_MODES:
                problems.append(f"第{n}行「公开方式」：应为主动或依申请")
        return problems

    def save_all(self, rows: list[CatalogueRow]) -> int:
        """Replace the catalogue by ``rows`` in one transaction (rows keep their ids when edited).

        Row order gives the 序号. Rows no longer present are deleted (softly).
        """
        self.require(Action.MANAGE_SYSTEM, what="catalogue.save", entity=self.entity)
        problems = self.validate(rows)
        if problems:
            raise ValidationError("标准目录填写有误，未保存：", problems=problems)
        with self.db.write() as session:
            existing = {
                e.id: e
                for e in session.scalars(
                    select(CatalogueEntry).where(CatalogueEntry.deleted_at.is_(None))
                )
            }
            office = self.actor.division_id or session.scalar(
                select(Division.id).where(Division.kind == "office")
            )
            kept: set[int] = set()
            changes = 0
            for seq, row in enumerate(rows, 1):
                values = {f.name: getattr(row, f.name) for f in fields(row)}
                values["seq"] = seq
                entry = existing.get(row.id) if row.id is not None else None
                if entry is None:
                    entry = CatalogueEntry(division_id=office, created_by=self.actor.user_id)
                    session.add(entry)
                    changes += 1
                else:
                    kept.add(entry.id)
                    if any(getattr(entry, k) != values[k] for k in CATALOGUE_FIELDS):
                        changes += 1
                        entry.updated_by = self.actor.user_id
                for name in CATALOGUE_FIELDS:
                    value = values[name]
                    setattr(entry, name, value.strip() if isinstance(value, str) else value)
            for entry_id, entry in existing.items():
                if entry_id not in kept:
                    entry.deleted_at = utcnow()
                    changes += 1
            session.flush()
            count = session.scalar(
                select(func.count(CatalogueEntry.id)).where(CatalogueEntry.deleted_at.is_(None))
            )
            self.audit(
                session,
                "catalogue.save",
                entity=self.entity,
                detail=f"标准目录保存：共 {count} 行，变更 {changes} 处",
            )
            return int(count or 0)
