"""Tables of the disclosure ledger (SPEC §5, §6): 公开事项, 规范性文件 and their status history, 清理,
转载, the 标准目录, admin-added categories, and the generic attachment store.

Closed lists whose wording is fixed by the national forms (categories, grounds, channels) are kept
as their Chinese labels; internal states use the English values of ``domain.disclosure``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, RecordMixin, new_uuid, utcnow


class DisclosureCategory(Base):
    """A category the admin added to the built-in list of ``domain.disclosure.DEFAULT_CATEGORIES``."""

    __tablename__ = "disclosure_category"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class DisclosureItem(RecordMixin, Base):
    """公开事项: a piece of government information a division produced.

    ``deadline`` is the statutory publication deadline of a 主动公开 item, computed from the
    working-day calendar when the item is saved (and again when the holidays change), so the
    list can filter and sort by deadline state in SQL. ``channels`` is a bit mask over
    ``domain.disclosure.CHANNELS``.
    """

    __tablename__ = "disclosure_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    category: Mapped[str] = mapped_column(String(32), nullable=False)
    attribute: Mapped[str] = mapped_column(String(16), nullable=False)
    ground: Mapped[str | None] = mapped_column(String(32), nullable=True)
    formed_on: Mapped[date] = mapped_column(Date, nullable=False)
    published_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    channels: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    link: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    doc_number: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        CheckConstraint(
            "attribute IN ('proactive', 'on_request', 'withheld')", name="attribute"
        ),
        CheckConstraint("attribute <> 'withheld' OR ground IS NOT NULL", name="ground"),
        Index("ix_disclosure_item_formed_on", "formed_on"),
        Index("ix_disclosure_item_published_on", "published_on"),
        Index("ix_disclosure_item_category", "category"),
        # Leads with the state columns (a state filter is a range on it) and covers the other
        # filters, so counting by state scans this index instead of the wide table.
        Index(
            "ix_disclosure_item_state",
            "attribute",
            "published_on",
            "deadline",
            "channels",
            "deleted_at",
            "formed_on",
            "division_id",
            "category",
        ),
        Index("ix_disclosure_item_deadline", "deadline"),
        Index("ix_disclosure_item_title", "title"),
        # The list's sorts by 公开属性 and 文号 page along these (db/paging.py).
        Index("ix_disclosure_item_attribute", "attribute"),
        Index("ix_disclosure_item_doc_number", "doc_number"),
        Index("ix_disclosure_item_division_formed", "division_id", "formed_on"),
    )


class NormativeDocument(RecordMixin, Base):
    """规范性文件 (and 规章): the registry behind table 二 of the annual report.

    ``division_id`` is the drafting division (制发处室). ``level`` tells 规章 from 行政规范性文件.
    """

    __tablename__ = "normative_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_number: Mapped[str] = mapped_column(String(64), nullable=False)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    level: Mapped[str] = mapped_column(String(16), nullable=False, default="normative")
    written_on: Mapped[date] = mapped_column(Date, nullable=False)
    published_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="valid")
    status_changed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    consulted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    interpreted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    link: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        CheckConstraint("level IN ('rule', 'normative')", name="level"),
        CheckConstraint("status IN ('valid', 'revised', 'repealed', 'expired')", name="status"),
        Index("ix_normative_document_doc_number", "doc_number"),
        Index("ix_normative_document_written_on", "written_on"),
        Index("ix_normative_document_status", "status"),
    )


class NormativeDocumentStatus(Base):
    """One change of a document's status (现行有效 → 已修订 / 已废止 / 已失效), oldest first."""

    __tablename__ = "normative_document_status"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False, default=new_uuid)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("normative_document.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    changed_on: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("cleanup_campaign.id"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)


class CleanupCampaign(RecordMixin, Base):
    """清理: a campaign reviewing the documents in force; its result is published."""

    __tablename__ = "cleanup_campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    started_on: Mapped[date] = mapped_column(Date, nullable=False)
    published_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    link: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")


class CleanupDecision(Base):
    """One document's conclusion in a campaign: 保留 / 修订 / 废止."""

    __tablename__ = "cleanup_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False, default=new_uuid)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("cleanup_campaign.id", ondelete="CASCADE"), nullable=False, index=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("normative_document.id", ondelete="CASCADE"), nullable=False, index=True
    )
    decision: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )

    __table_args__ = (
        UniqueConstraint("campaign_id", "document_id", name="uq_cleanup_decision_campaign_doc"),
        CheckConstraint("decision IN ('keep', 'revise', 'repeal')", name="decision"),
    )


class Repost(RecordMixin, Base):
    """转载: a central or provincial policy document reposted on the portal (24-hour rule)."""

    __tablename__ = "repost"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    issuer: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    source_level: Mapped[str] = mapped_column(String(16), nullable=False, default="central")
    doc_number: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    released_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    reposted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    link: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        CheckConstraint("source_level IN ('central', 'provincial')", name="source_level"),
    )


class CatalogueEntry(RecordMixin, Base):
    """One row of the 标准目录 (standard catalogue of what is disclosed, how and by whom)."""

    __tablename__ = "catalogue_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    level1: Mapped[str] = mapped_column(String(100), nullable=False)
    level2: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    content: Mapped[str] = mapped_column(Text, nullable=False, default="")
    basis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    time_limit: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    subject: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    channels: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    audience: Mapped[str] = mapped_column(String(16), nullable=False, default="全社会")
    mode: Mapped[str] = mapped_column(String(16), nullable=False, default="主动")
    tier: Mapped[str] = mapped_column(String(100), nullable=False, default="")

    __table_args__ = (
        CheckConstraint("audience IN ('全社会', '特定群体')", name="audience"),
        CheckConstraint("mode IN ('主动', '依申请')", name="mode"),
        Index("ix_catalogue_entry_seq", "seq"),
    )


class Attachment(RecordMixin, Base):
    """A file attached to a record; the bytes live in ``attachments/<sha[:2]>/<sha>``.

    ``entity`` names the table of the record (``disclosure_item``, ``task_report`` …) and
    ``entity_uuid`` its stable UUID, so attachments follow records between PCs.
    """

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_uuid: Mapped[str] = mapped_column(String(36), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    media_type: Mapped[str] = mapped_column(String(100), nullable=False, default="")

    __table_args__ = (Index("ix_attachment_entity", "entity", "entity_uuid"),)
