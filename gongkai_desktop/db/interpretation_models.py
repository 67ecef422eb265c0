"""Tables of 政策解读 (SPEC §7): the interpretations and each user's autosaved draft of one.

- ``Interpretation``: belongs to the drafting division (谁起草、谁解读). ``forms`` holds the
  ``InterpretationForm`` values separated by commas, ``sections`` a JSON object (section value →
  text). The policy document (and its previous version, for 新旧政策差异) is kept as plain text,
  paragraphs joined by newlines, beside the name of the file it was read from; the file itself is
  an ``Attachment`` with ``entity = "interpretation"``. ``year`` is the year of the document's
  approval, else of the record's creation, so the list filters by year in SQL.
- ``InterpretationDraft``: what a user typed and the autosave stored, one per record and user:
  every field of the form (``InterpretationFields`` as a JSON object, see
  ``services.interpretation_drafts.dump_fields``) and ``base_version``, the version of the record
  the user was typing on. It is offered back while it differs from the stored record; whether the
  record was saved by someone else since is told by the version, never by comparing clocks of
  different PCs. Deleting a record (a soft delete) leaves its drafts in place.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
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

from .base import Base, RecordMixin, utcnow


class Interpretation(RecordMixin, Base):
    """政策解读: one interpretation of a policy document, with its dates and section texts."""

    __tablename__ = "interpretation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    document_title: Mapped[str] = mapped_column(String(300), nullable=False)
    document_number: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    forms: Mapped[str] = mapped_column(String(200), nullable=False, default="text")
    interpreter_role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    interpreter: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    document_approved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    approved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    document_published_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    published_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    link: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    sections: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    document_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    document_file: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    previous_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    previous_file: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)

    __table_args__ = (
        CheckConstraint(
            "interpreter_role IS NULL OR interpreter_role IN "
            "('division_head', 'bureau_leader', 'expert')",
            name="interpreter_role",
        ),
        CheckConstraint(
            "published_on IS NULL OR approved_on IS NOT NULL", name="published_after_approval"
        ),
        Index("ix_interpretation_document_number", "document_number"),
        # The list shows the most recently changed first.
        Index("ix_interpretation_updated_at", "updated_at"),
    )


class InterpretationDraft(Base):
    """A user's autosaved form of one interpretation (not yet saved to the record)."""

    __tablename__ = "interpretation_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interpretation_id: Mapped[int] = mapped_column(
        ForeignKey("interpretation.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), nullable=False)
    base_version: Mapped[int] = mapped_column(Integer, nullable=False)
    fields: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    saved_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("interpretation_id", "user_id"),)
