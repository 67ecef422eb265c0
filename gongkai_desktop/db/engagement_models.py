"""Tables of 新闻发布与回应 (SPEC §9), one per kind of record, each column named after the field of
``domain.engagement`` it holds (the generic service maps fields to columns by name):

- ``PressConference``: ``speakers`` is a JSON list of ``{"role", "name"}`` (a press conference
  has a handful; the rules read a year's conferences whole, so no child table is needed), and
  ``involved_divisions`` the ids of the divisions taking part, separated by commas.
- ``PublicOpinion``: the clock times (first seen, responded, authoritative information, press
  conference) are the office's wall-clock times as entered (naive local time, to the minute).
- ``PublicInteraction``, ``Proposal``, ``WorkMeeting``, ``Rectification``.

Closed lists store the English value of their ``LabelledEnum``. Every table is indexed by the
field that dates its records (the year filter and the list's order).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, RecordMixin


class PressConference(RecordMixin, Base):
    """新闻发布会."""

    __tablename__ = "press_conference"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    topic: Mapped[str] = mapped_column(String(300), nullable=False)
    speakers: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    involved_divisions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    link: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (Index("ix_press_conference_held_on", "held_on"),)


class PublicOpinion(RecordMixin, Base):
    """政务舆情 and its response."""

    __tablename__ = "public_opinion"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    source: Mapped[str] = mapped_column(String(200), nullable=False)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    level: Mapped[str] = mapped_column(String(16), nullable=False)
    emergency: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    judgement: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reported_to: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    responded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    response_channel: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    authoritative_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    conference_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        CheckConstraint("level IN ('ordinary', 'major', 'extraordinary')", name="level"),
        Index("ix_public_opinion_first_seen_at", "first_seen_at"),
    )


class PublicInteraction(RecordMixin, Base):
    """互动: an online interview, a message from the public, a survey …"""

    __tablename__ = "public_interaction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form: Mapped[str] = mapped_column(String(32), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    answered_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    reply: Mapped[str] = mapped_column(Text, nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        CheckConstraint(
            "form IN ('online_interview', 'message', 'survey', 'consultation', 'other')",
            name="form",
        ),
        Index("ix_public_interaction_received_on", "received_on"),
    )


class Proposal(RecordMixin, Base):
    """建议提案办理: a deputy's suggestion (人大) or a member's proposal (政协)."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_type: Mapped[str] = mapped_column(String(16), nullable=False)
    number: Mapped[str] = mapped_column(String(64), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    replied_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    published_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        CheckConstraint("proposal_type IN ('npc', 'cppcc')", name="proposal_type"),
        Index("ix_proposal_received_on", "received_on"),
    )


class WorkMeeting(RecordMixin, Base):
    """培训, 主要负责同志听取政务公开工作汇报, 专题研究部署."""

    __tablename__ = "work_meeting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    participants: Mapped[str] = mapped_column(Text, nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        CheckConstraint(
            "meeting_kind IN ('training', 'hearing', 'deployment')", name="meeting_kind"
        ),
        Index("ix_work_meeting_held_on", "held_on"),
    )


class Rectification(RecordMixin, Base):
    """督查审计整改: a problem an inspection or audit found, and its rectification."""

    __tablename__ = "rectification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    problem: Mapped[str] = mapped_column(Text, nullable=False)
    found_on: Mapped[date] = mapped_column(Date, nullable=False)
    rectification: Mapped[str] = mapped_column(Text, nullable=False, default="")
    rectified_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    disclosed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        CheckConstraint("source IN ('inspection', 'audit')", name="source"),
        Index("ix_rectification_found_on", "found_on"),
    )
