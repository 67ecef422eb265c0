"""规范性文件 registry (SPEC §6): documents with their status history, and 清理 campaigns.

A document belongs to its drafting division (制发处室): that division's liaison (or an admin)
edits it. Every status change (现行有效 → 已修订 / 已废止 / 已失效) is appended to the history with
its date. A clean-up campaign records 保留 / 修订 / 废止 per document; publishing its result (admin,
综合处) applies 废止 to the documents as 已废止 on the publication date.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..db.ledger_models import (
    CleanupCampaign,
    CleanupDecision,
    NormativeDocument,
    NormativeDocumentStatus,
)
from ..db.models import Division
from ..db.paging import SortOrder, nullable
from ..domain import annual_report as ar
from ..domain.disclosure import (
    DOCUMENT_FIELD_LABELS,
    CleanupDecisionKind,
    DocumentFields,
    DocumentLevel,
    DocumentStatus,
    Problem,
    validate_document,
)
from ..domain.permissions import Action, allowed
from ..errors import NotFound, ValidationError
from ..search import contains_every_term
from .annual_report import document_facts
from .base import Service, changed_fields, live_record, snapshot

log = logging.getLogger(__name__)

DOCUMENT_MISSING = "规范性文件不存在或已被删除。"


@dataclass(frozen=True)
class StatusChange:
    status: DocumentStatus
    changed_on: date
    reason: str
    campaign_name: str = ""


@dataclass(frozen=True)
class DocumentRow:
    id: int
    uuid: str
    version: int
    doc_number: str
    title: str
    level: DocumentLevel
    division_id: int
    division_name: str
    written_on: date
    published_on: date | None
    status: DocumentStatus
    status_changed_on: date | None
    consulted: bool
    interpreted: bool
    link: str
    notes: str
    editable: bool

    def fields(self) -> DocumentFields:
        return DocumentFields(
            doc_number=self.doc_number,
            title=self.title,
            level=self.level.value,
            written_on=self.written_on,
            published_on=self.published_on,
            status=self.status.value,
            status_changed_on=self.status_changed_on,
            consulted=self.consulted,
            interpreted=self.interpreted,
            link=self.link,
            notes=self.notes,
        )


@dataclass(frozen=True)
class DocumentDetail:
    row: DocumentRow
    history: tuple[StatusChange, ...]


DOCUMENT_SORT_KEYS = (
    "written_on",
    "doc_number",
    "title",
    "division",
    "published_on",
    "status",
    "status_changed_on",
    "level",
    "consulted",
    "interpreted",
)


@dataclass(frozen=True)
class DocumentQuery:
    year: int | None = None
    division_id: int | None = None
    level: DocumentLevel | None = None
    status: DocumentStatus | None = None
    text: str = ""
    sort: str = "written_on"
    descending: bool = True

    def with_(self, **changes: Any) -> DocumentQuery:
        return replace(self, **changes)


@dataclass(frozen=True)
class CampaignRow:
    id: int
    uuid: str
    version: int
    name: str
    year: int
    started_on: date
    published_on: date | None
    link: str
    notes: str
    decisions: int


@dataclass(frozen=True)
class DecisionRow:
    document_id: int
    doc_number: str
    title: str
    division_id: int
    division_name: str
    status: DocumentStatus
    decision: CleanupDecisionKind | None
    note: str


_COLUMNS = (
    NormativeDocument.id,
    NormativeDocument.uuid,
    NormativeDocument.version,
    NormativeDocument.doc_number,
    NormativeDocument.title,
    NormativeDocument.level,
    NormativeDocument.division_id,
    Division.name,
    NormativeDocument.written_on,
    NormativeDocument.published_on,
    NormativeDocument.status,
    NormativeDocument.status_changed_on,
    NormativeDocument.consulted,
    NormativeDocument.interpreted,
    NormativeDocument.link,
    NormativeDocument.notes,
)


def _row(values: Any, actor: Any) -> DocumentRow:
    v = tuple(values)
    return DocumentRow(
        id=v[0],
        uuid=v[1],
        version=v[2],
        doc_number=v[3],
        title=v[4],
        level=DocumentLevel(v[5]),
        division_id=v[6],
        division_name=v[7],
        written_on=v[8],
        published_on=v[9],
        status=DocumentStatus(v[10]),
        status_changed_on=v[11],
        consulted=bool(v[12]),
        interpreted=bool(v[13]),
        link=v[14],
        notes=v[15],
        editable=allowed(actor, Action.EDIT_RECORD, v[6]),
    )


def text_condition(text: str) -> ColumnElement[bool]:
    """Every word occurs in the title, the 文号 or the notes."""
    doc = NormativeDocument
    return contains_every_term(text, doc.title, doc.doc_number, doc.notes)


def apply_document_filters(stmt: Select[Any], query: DocumentQuery) -> Select[Any]:
    doc = NormativeDocument
    stmt = stmt.where(doc.deleted_at.is_(None))
    if query.year is not None:
        stmt = stmt.where(
            doc.written_on >= date(query.year, 1, 1), doc.written_on <= date(query.year, 12, 31)
        )
    if query.division_id is not None:
        stmt = stmt.where(doc.division_id == query.division_id)
    if query.level is not None:
        stmt = stmt.where(doc.level == DocumentLevel(query.level).value)
    if query.status is not None:
        stmt = stmt.where(doc.status == DocumentStatus(query.status).value)
    if query.text.strip():
        stmt = stmt.where(text_condition(query.text.strip()[:200]))
    return stmt


# Sort key → (column, the row's value in that column).
_SORT_COLUMNS: dict[str, tuple[Any, Callable[[DocumentRow], Any]]] = {
    "written_on": (NormativeDocument.written_on, lambda r: r.written_on),
    "doc_number": (NormativeDocument.doc_number, lambda r: r.doc_number),
    "title": (NormativeDocument.title, lambda r: r.title),
    "division": (NormativeDocument.division_id, lambda r: r.division_id),
    "published_on": (NormativeDocument.published_on, lambda r: r.published_on),
    "status": (NormativeDocument.status, lambda r: r.status.value),
    "status_changed_on": (NormativeDocument.status_changed_on, lambda r: r.status_changed_on),
    "level": (NormativeDocument.level, lambda r: r.level.value),
    "consulted": (NormativeDocument.consulted, lambda r: r.consulted),
    "interpreted": (NormativeDocument.interpreted, lambda r: r.interpreted),
}


def _order(query: DocumentQuery) -> tuple[SortOrder, Callable[[DocumentRow], Any]]:
    if query.sort not in _SORT_COLUMNS:
        raise ValidationError(f"不能按「{query.sort}」排序")
    column, value_of = _SORT_COLUMNS[query.sort]
    return SortOrder(column, NormativeDocument.id, query.descending, nullable(column)), value_of


def problems_error(problems: list[Problem]) -> ValidationError:
    return ValidationError(
        "规范性文件填写有误，未保存：",
        problems=[
            f"「{DOCUMENT_FIELD_LABELS.get(p.field, p.field)}」：{p.message}" for p in problems
        ],
        fields=[p.field for p in problems],
    )


def level_from_number(doc_number: str) -> DocumentLevel:
    """规章 are promulgated by an order (令); every other numbered document is 行政规范性文件."""
    return DocumentLevel.RULE if "令" in doc_number else DocumentLevel.NORMATIVE


class DocumentService(Service):
    entity = "normative_document"

    # --- list ---
    def count_documents(self, query: DocumentQuery) -> int:
        with self.db.read() as session:
            stmt = apply_document_filters(select(func.count(NormativeDocument.id)), query)
            return int(session.scalar(stmt) or 0)

    def status_counts(self, query: DocumentQuery) -> dict[DocumentStatus, int]:
        """How many documents the query finds, per status (statuses with none are left out)."""
        with self.db.read() as session:
            stmt = apply_document_filters(
                select(NormativeDocument.status, func.count(NormativeDocument.id)), query
            ).group_by(NormativeDocument.status)
            return {DocumentStatus(s): int(n) for s, n in session.execute(stmt)}

    def list_documents(
        self, query: DocumentQuery, after: DocumentRow | None = None, limit: int = 200
    ) -> list[DocumentRow]:
        """A page of the list: the first ``limit`` rows, or the ``limit`` rows that follow the row
        ``after`` (the last one of the previous page)."""
        order, value_of = _order(query)
        with self.db.read() as session:
            stmt = select(*_COLUMNS).join(Division, Division.id == NormativeDocument.division_id)
            stmt = apply_document_filters(stmt, query)
            if after is not None:
                stmt = stmt.where(order.after(value_of(after), after.id))
            stmt = stmt.order_by(*order.order_by(session.get_bind().dialect.name)).limit(limit)
            return [_row(r, self.actor) for r in session.execute(stmt)]

    def get_document(self, document_id: int) -> DocumentDetail:
        with self.db.read() as session:
            values = session.execute(
                select(*_COLUMNS)
                .join(Division, Division.id == NormativeDocument.division_id)
                .where(NormativeDocument.id == document_id, NormativeDocument.deleted_at.is_(None))
            ).first()
            if values is None:
                raise NotFound(DOCUMENT_MISSING)
            history = tuple(
                StatusChange(DocumentStatus(s), d, r, n or "")
                for s, d, r, n in session.execute(
                    select(
                        NormativeDocumentStatus.status,
                        NormativeDocumentStatus.changed_on,
                        NormativeDocumentStatus.reason,
                        CleanupCampaign.name,
                    )
                    .outerjoin(
                        CleanupCampaign, CleanupCampaign.id == NormativeDocumentStatus.campaign_id
                    )
                    .where(NormativeDocumentStatus.document_id == document_id)
                    .order_by(NormativeDocumentStatus.changed_on, NormativeDocumentStatus.id)
                )
            )
            return DocumentDetail(_row(values, self.actor), history)

    # --- changes ---
    def _check(
        self, session: Session, fields: DocumentFields, division_id: int | None, own_id: int | None
    ) -> list[Problem]:
        problems = validate_document(fields)
        if division_id is None or session.get(Division, division_id) is None:
            problems.insert(0, Problem("division", "请选择制发处室"))
        number = fields.doc_number.strip()
        if number:
            clash = session.scalar(
                select(NormativeDocument.id).where(
                    NormativeDocument.doc_number == number,
                    NormativeDocument.deleted_at.is_(None),
                    NormativeDocument.id != (own_id or 0),
                )
            )
            if clash is not None:
                problems.append(Problem("doc_number", f"文号「{number}」已登记过"))
        return problems

    @staticmethod
    def _assign(doc: NormativeDocument, fields: DocumentFields) -> None:
        doc.doc_number = fields.doc_number.strip()
        doc.title = fields.title.strip()
        doc.level = fields.level
        assert fields.written_on is not None
        doc.written_on = fields.written_on
        doc.published_on = fields.published_on
        doc.status = fields.status
        doc.status_changed_on = (
            None if fields.status == DocumentStatus.VALID.value else fields.status_changed_on
        )
        doc.consulted = fields.consulted
        doc.interpreted = fields.interpreted
        doc.link = fields.link.strip()
        doc.notes = fields.notes.strip()

    def _history(
        self,
        session: Session,
        doc: NormativeDocument,
        reason: str,
        campaign_id: int | None = None,
    ) -> None:
        session.add(
            NormativeDocumentStatus(
                document_id=doc.id,
                status=doc.status,
                changed_on=doc.status_changed_on or doc.written_on,
                reason=reason,
                campaign_id=campaign_id,
                created_by=self.actor.user_id,
            )
        )

    def create_document(self, division_id: int | None, fields: DocumentFields) -> DocumentRow:
        self.require(
            Action.EDIT_RECORD, division_id=division_id, what="document.create", entity=self.entity
        )
        with self.db.write() as session:
            problems = self._check(session, fields, division_id, None)
            if problems:
                raise problems_error(problems)
            assert division_id is not None
            doc = NormativeDocument(division_id=division_id, created_by=self.actor.user_id)
            self._assign(doc, fields)
            session.add(doc)
            session.flush()
            self._history(session, doc, "登记")
            self.audit(
                session,
                "document.create",
                entity=self.entity,
                entity_id=doc.uuid,
                division_id=division_id,
                after=snapshot(doc),
            )
            doc_id = doc.id
        return self.get_document(doc_id).row

    def update_document(
        self,
        document_id: int,
        expected_version: int | None,
        division_id: int | None,
        fields: DocumentFields,
        reason: str = "",
    ) -> DocumentRow:
        self.require_each(
            Action.EDIT_RECORD,
            (self.division_of(NormativeDocument, document_id), division_id),
            what="document.update",
            entity=self.entity,
            entity_id=document_id,
        )
        try:
            with self.db.write() as session:
                doc = live_record(session, NormativeDocument, document_id, DOCUMENT_MISSING)
                self.check_version(doc, expected_version, f"规范性文件「{doc.doc_number}」")
                problems = self._check(session, fields, division_id, document_id)
                if problems:
                    raise problems_error(problems)
                before = snapshot(doc)
                assert division_id is not None
                doc.division_id = division_id
                self._assign(doc, fields)
                doc.updated_by = self.actor.user_id
                session.flush()
                if (doc.status, doc.status_changed_on) != (
                    before["status"],
                    date.fromisoformat(before["status_changed_on"])
                    if before["status_changed_on"]
                    else None,
                ):
                    self._history(session, doc, reason or "修改状态")
                self.audit(
                    session,
                    "document.update",
                    entity=self.entity,
                    entity_id=doc.uuid,
                    division_id=division_id,
                    before=before,
                    after=changed_fields(before, snapshot(doc)),
                )
        except StaleDataError as exc:
            raise self.lost_race(NormativeDocument, document_id, "规范性文件") from exc
        return self.get_document(document_id).row

    def change_status(
        self,
        document_id: int,
        expected_version: int | None,
        status: DocumentStatus,
        changed_on: date,
        reason: str = "",
    ) -> DocumentRow:
        detail = self.get_document(document_id)
        fields = replace(detail.row.fields(), status=status.value, status_changed_on=changed_on)
        return self.update_document(
            document_id, expected_version, detail.row.division_id, fields, reason
        )

    def delete_document(self, document_id: int, expected_version: int | None) -> None:
        self.soft_delete(
            NormativeDocument,
            document_id,
            what="document.delete",
            entity=self.entity,
            missing=DOCUMENT_MISSING,
            expected_version=expected_version,
            name=lambda doc: f"规范性文件「{doc.doc_number}」",
        )

    # --- counts for the annual report (table 二) ---
    def yearly_counts(self, year: int) -> dict[DocumentLevel, tuple[int, int, int]]:
        """Per level: (issued in the year, abolished or expired in the year, valid at 31 Dec),
        counted by the annual report's own rule (:func:`annual_report.document_counts`)."""
        with self.db.read() as session:
            counts = ar.document_counts(document_facts(session), year)
        return {
            level: (
                counts[level.label][ar.COL_ISSUED],
                counts[level.label][ar.COL_ABOLISHED],
                counts[level.label][ar.COL_VALID],
            )
            for level in DocumentLevel
        }

    # --- clean-up campaigns ---
    def list_campaigns(self) -> list[CampaignRow]:
        with self.db.read() as session:
            counts = (
                select(CleanupDecision.campaign_id, func.count(CleanupDecision.id).label("n"))
                .group_by(CleanupDecision.campaign_id)
                .subquery()
            )
            rows = session.execute(
                select(CleanupCampaign, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.campaign_id == CleanupCampaign.id)
                .where(CleanupCampaign.deleted_at.is_(None))
                .order_by(CleanupCampaign.started_on.desc(), CleanupCampaign.id.desc())
            )
            return [
                CampaignRow(
                    c.id,
                    c.uuid,
                    c.version,
                    c.name,
                    c.year,
                    c.started_on,
                    c.published_on,
                    c.link,
                    c.notes,
                    int(n),
                )
                for c, n in rows
            ]

    def create_campaign(self, name: str, year: int, started_on: date, notes: str = "") -> int:
        """Admins (综合处) open a campaign over the documents in force."""
        self.require(Action.REVIEW, what="cleanup.create", entity="cleanup_campaign")
        name = (name or "").strip()
        if not name:
            raise ValidationError("清理工作名称不能为空。")
        with self.db.write() as session:
            campaign = CleanupCampaign(
                name=name,
                year=year,
                started_on=started_on,
                notes=notes.strip(),
                division_id=self._office_id(session),
                created_by=self.actor.user_id,
            )
            session.add(campaign)
            session.flush()
            self.audit(
                session,
                "cleanup.create",
                entity="cleanup_campaign",
                entity_id=campaign.uuid,
                after=snapshot(campaign),
            )
            return campaign.id

    def _office_id(self, session: Session) -> int:
        if self.actor.division_id is not None:
            return self.actor.division_id
        office = session.scalar(select(Division.id).where(Division.kind == "office"))
        if office is None:
            raise NotFound("没有综合处。")
        return office

    def campaign_documents(self, campaign_id: int) -> list[DecisionRow]:
        """行政规范性文件 in force written before the campaign started (and any document decided
        in it), with their decisions. 规章 are cleaned up by the government, not here."""
        with self.db.read() as session:
            campaign = session.get(CleanupCampaign, campaign_id)
            if campaign is None or campaign.deleted_at is not None:
                raise NotFound("清理工作不存在。")
            decided = select(CleanupDecision.document_id).where(
                CleanupDecision.campaign_id == campaign_id
            )
            rows = session.execute(
                select(
                    NormativeDocument.id,
                    NormativeDocument.doc_number,
                    NormativeDocument.title,
                    NormativeDocument.division_id,
                    Division.name,
                    NormativeDocument.status,
                    CleanupDecision.decision,
                    CleanupDecision.note,
                )
                .join(Division, Division.id == NormativeDocument.division_id)
                .outerjoin(
                    CleanupDecision,
                    and_(
                        CleanupDecision.document_id == NormativeDocument.id,
                        CleanupDecision.campaign_id == campaign_id,
                    ),
                )
                .where(
                    NormativeDocument.deleted_at.is_(None),
                    or_(
                        and_(
                            NormativeDocument.level == DocumentLevel.NORMATIVE.value,
                            NormativeDocument.status == DocumentStatus.VALID.value,
                            NormativeDocument.written_on <= campaign.started_on,
                        ),
                        NormativeDocument.id.in_(decided),
                    ),
                )
                .order_by(NormativeDocument.written_on, NormativeDocument.id)
            )
            return [
                DecisionRow(
                    i,
                    n,
                    t,
                    di,
                    dn,
                    DocumentStatus(s),
                    CleanupDecisionKind(d) if d else None,
                    note or "",
                )
                for i, n, t, di, dn, s, d, note in rows
            ]

    def set_decision(
        self,
        campaign_id: int,
        document_id: int,
        decision: CleanupDecisionKind | None,
        note: str = "",
    ) -> None:
        """The drafting division (or an admin) records 保留 / 修订 / 废止 before publication."""
        with self.db.read() as session:
            doc = session.get(NormativeDocument, document_id)
            campaign = session.get(CleanupCampaign, campaign_id)
            if doc is None or campaign is None:
                raise NotFound("文件或清理工作不存在。")
            division_id = doc.division_id
            published = campaign.published_on is not None
        self.require(
            Action.EDIT_RECORD,
            division_id=division_id,
            what="cleanup.decide",
            entity="cleanup_decision",
            entity_id=f"{campaign_id}:{document_id}",
        )
        if published:
            raise ValidationError("清理结果已公布，不能再修改清理结论。")
        with self.db.write() as session:
            row = session.scalar(
                select(CleanupDecision).where(
                    CleanupDecision.campaign_id == campaign_id,
                    CleanupDecision.document_id == document_id,
                )
            )
            before = {"decision": row.decision, "note": row.note} if row else None
            if decision is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(
                    CleanupDecision(
                        campaign_id=campaign_id,
                        document_id=document_id,
                        decision=decision.value,
                        note=note.strip(),
                    )
                )
            else:
                row.decision = decision.value
                row.note = note.strip()
            self.audit(
                session,
                "cleanup.decide",
                entity="cleanup_decision",
                entity_id=f"{campaign_id}:{document_id}",
                division_id=division_id,
                before=before,
                after={"decision": decision.value if decision else None, "note": note},
            )

    def publish_campaign(self, campaign_id: int, published_on: date, link: str = "") -> int:
        """Publish the result: every document needs a conclusion; 废止 ones become 已废止.

        Returns the number of documents whose status changed.
        """
        self.require(
            Action.REVIEW,
            what="cleanup.publish",
            entity="cleanup_campaign",
            entity_id=campaign_id,
        )
        rows = self.campaign_documents(campaign_id)
        undecided = [r for r in rows if r.decision is None]
        if not rows:
            raise ValidationError("这次清理没有涉及任何文件，无法公布结果。")
        if undecided:
            raise ValidationError(
                f"还有 {len(undecided)} 件文件没有清理结论（保留、修订或废止），不能公布结果：",
                problems=[f"{r.doc_number}《{r.title}》" for r in undecided[:50]],
            )
        changed = 0
        with self.db.write() as session:
            campaign = session.get(CleanupCampaign, campaign_id)
            assert campaign is not None
            if campaign.published_on is not None:
                raise ValidationError("清理结果已经公布过。")
            campaign.published_on = published_on
            campaign.link = link.strip()
            for r in rows:
                if r.decision is not CleanupDecisionKind.REPEAL:
                    continue
                doc = session.get(NormativeDocument, r.document_id)
                assert doc is not None
                if doc.status == DocumentStatus.REPEALED.value:
                    continue
                doc.status = DocumentStatus.REPEALED.value
                doc.status_changed_on = published_on
                doc.updated_by = self.actor.user_id
                session.flush()
                self._history(session, doc, "清理结论：废止", campaign_id)
                changed += 1
            self.audit(
                session,
                "cleanup.publish",
                entity="cleanup_campaign",
                entity_id=campaign.uuid,
                after={
                    "published_on": published_on,
                    "link": campaign.link,
                    "repealed": changed,
                    "documents": len(rows),
                },
            )
        return changed
