"""规范性文件清理 (SPEC §6): a campaign over the 行政规范性文件 in force records 保留 / 修订 / 废止
per document; publishing its result (admin, 综合处) applies 废止 to the documents as 已废止 on the
publication date, in each document's status history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..db.ledger_models import CleanupCampaign, CleanupDecision, NormativeDocument
from ..db.models import Division
from ..domain.disclosure import CleanupDecisionKind, DocumentLevel, DocumentStatus
from ..domain.permissions import Action
from ..errors import NotFound, ValidationError
from .base import Service, snapshot
from .document_status import add_status_change


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


class CleanupCampaigns(Service):
    """清理 campaigns of the 规范性文件 register: open one, record conclusions, publish the result."""

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
                add_status_change(session, doc, "清理结论：废止", self.actor.user_id, campaign_id)
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
