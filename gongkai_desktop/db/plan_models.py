"""年度工作要点: the year's tasks, their per-division assignments and the quarterly reports.

- ``PlanTask``: one numbered task of a year's plan; owned by 综合处 (its ``division_id``), matched
  on re-import by (year, number). A task dropped from a re-imported plan is soft-deleted, so its
  assignments and reports stay in the database.
- ``PlanAssignment``: a division assigned to a task as 牵头 or 责任 (``division_id`` is that
  division, so the liaison rule "own division's records" applies to it and its reports).
  ``written_as`` keeps the name(s) the document used (e.g. 各业务处) for the preview and exports.
- ``TaskReport``: one division's report for one quarter; evidence files are ``Attachment`` rows
  with ``entity = "task_report"`` and the report's UUID.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, RecordMixin


class PlanTask(RecordMixin, Base):
    """工作要点中的一项编号任务."""

    __tablename__ = "plan_task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    no: Mapped[int] = mapped_column(Integer, nullable=False)
    section: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    __table_args__ = (UniqueConstraint("year", "no"),)


class PlanAssignment(RecordMixin, Base):
    """一个处室对一项任务的分工（牵头或责任）."""

    __tablename__ = "plan_assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_task.id"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    written_as: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    __table_args__ = (
        UniqueConstraint("task_id", "division_id"),
        CheckConstraint("role IN ('lead', 'responsible')", name="role"),
    )


class TaskReport(RecordMixin, Base):
    """一个处室某季度的任务进展报送，以及综合处的督查意见."""

    __tablename__ = "task_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("plan_assignment.id"), nullable=False, index=True
    )
    quarter: Mapped[int] = mapped_column(Integer, nullable=False)
    progress: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    links: Mapped[str] = mapped_column(Text, nullable=False, default="[]")  # JSON list
    submitted_on: Mapped[date] = mapped_column(Date, nullable=False)
    review_result: Mapped[str | None] = mapped_column(String(16), nullable=True)
    review_comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)

    __table_args__ = (
        UniqueConstraint("assignment_id", "quarter"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),
        CheckConstraint("status IN ('not_started', 'in_progress', 'done')", name="status"),
        CheckConstraint(
            "review_result IS NULL OR review_result IN ('pass', 'rectify')", name="review_result"
        ),
    )
