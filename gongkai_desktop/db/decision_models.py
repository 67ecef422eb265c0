"""Tables of 决策公开与征求意见 (SPEC §8): decisions and their public consultations.

- ``Decision``: belongs to the division that drafts it. Each of the five statutory steps
  (``domain.decisions.DecisionStep``) has a date and a note column named after the step's value
  (``expert_on``, ``expert_note``). ``year`` is the year of 集体讨论决定, else of 预公开, else of the
  earliest step or consultation, else of the record's creation, so the list filters by year in SQL.
- ``Consultation``: one round of consultation on a decision (zero or more per decision), in the
  decision's division. ``channels`` holds the ``ConsultationChannel`` values separated by commas.
- ``ConsultedMark``: a registered 规范性文件 whose 已征求意见 flag was set by this module, so that
  only such a flag is cleared again; one set by hand or by import is never cleared here.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, RecordMixin


class Decision(RecordMixin, Base):
    """决策: a major decision, a 规范性文件 or another matter put to the public."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    decision_type: Mapped[str] = mapped_column(String(16), nullable=False)
    document_number: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    rule_level: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    market_related: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    predisclosed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    participation_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    participation_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    expert_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    expert_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    risk_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    risk_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    legality_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    legality_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    collective_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    collective_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)

    __table_args__ = (
        CheckConstraint(
            "decision_type IN ('major', 'normative', 'livelihood', 'other')",
            name="decision_type",
        ),
        Index("ix_decision_document_number", "document_number"),
        # The list shows the most recently changed first.
        Index("ix_decision_updated_at", "updated_at"),
    )


class Consultation(RecordMixin, Base):
    """征求意见: one round of consultation on a decision, with the opinions and their outcome."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decision.id", ondelete="CASCADE"), nullable=False, index=True
    )
    subject: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    channels: Mapped[str] = mapped_column(String(200), nullable=False, default="online")
    started_on: Mapped[date] = mapped_column(Date, nullable=False)
    ended_on: Mapped[date] = mapped_column(Date, nullable=False)
    link: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    received: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    adopted: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    partly_adopted: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    not_adopted: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reasons: Mapped[str] = mapped_column(Text, nullable=False, default="")
    result_published_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    result_link: Mapped[str] = mapped_column(String(500), nullable=False, default="")

    __table_args__ = (
        CheckConstraint("ended_on >= started_on", name="period"),
        CheckConstraint(
            "received >= 0 AND adopted >= 0 AND partly_adopted >= 0 AND not_adopted >= 0",
            name="counts",
        ),
        CheckConstraint(
            "result_published_on IS NULL OR result_published_on >= ended_on",
            name="result_after_end",
        ),
        Index("ix_consultation_ended_on", "ended_on"),
    )


class ConsultedMark(Base):
    """A document whose 已征求意见 flag a decision with a consultation set (see
    ``services.decision_links``)."""

    __tablename__ = "consulted_mark"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("normative_document.id", ondelete="CASCADE"), primary_key=True
    )
