"""Tables of 依申请公开 (SPEC §10): requests, review and litigation cases, and the yearly report.

A request belongs to its handling division (承办处室, ``division_id``); outcomes are stored as their
exact national labels (``domain.requests.OUTCOME_LABELS``), the other closed lists as the English
values of ``domain.requests``. Money is stored in 分 (integer cents) so no float or SQLite Decimal
ever rounds it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, RecordMixin, Timestamped, new_uuid


class DisclosureRequest(RecordMixin, Base):
    """依申请公开: one request for disclosure and the events of its clock."""

    __tablename__ = "disclosure_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    receipt_date: Mapped[date] = mapped_column(Date, nullable=False)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    applicant_type: Mapped[str] = mapped_column(String(16), nullable=False)
    applicant: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    content: Mapped[str] = mapped_column(Text, nullable=False, default="")
    correction_notice_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    correction_received_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    correction_due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    consultation_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    consultation_sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    consultation_answered_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    extension_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    extension_approved_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    extension_approved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    delay_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    delay_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    answer_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(80), nullable=True)
    answer_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    fee_cents: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        CheckConstraint(
            "channel IN ('in_person', 'post', 'online', 'fax', 'other')", name="channel"
        ),
        CheckConstraint(
            "applicant_type IN ('natural_person', 'business', 'research', 'public_interest', "
            "'legal_service', 'other')",
            name="applicant_type",
        ),
        CheckConstraint("consultation_days >= 0", name="consultation_days"),
        CheckConstraint("extension_days >= 0 AND extension_days <= 20", name="extension_days"),
        CheckConstraint("fee_cents IS NULL OR fee_cents >= 0", name="fee_cents"),
        Index("ix_disclosure_request_receipt_date", "receipt_date"),
        Index("ix_disclosure_request_answer_date", "answer_date"),
    )


class DisclosureCase(RecordMixin, Base):
    """行政复议 / 行政诉讼 about disclosure, usually about one request.

    ``division_id`` is the related request's handling division (综合处 when there is none).
    """

    __tablename__ = "disclosure_case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    case_type: Mapped[str] = mapped_column(String(32), nullable=False)
    received_date: Mapped[date] = mapped_column(Date, nullable=False)
    closed_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    result: Mapped[str | None] = mapped_column(String(16), nullable=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("disclosure_request.id"), nullable=True, index=True
    )
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        CheckConstraint(
            "case_type IN ('review', 'litigation_direct', 'litigation_after_review')",
            name="case_type",
        ),
        CheckConstraint(
            "result IS NULL OR result IN ('upheld', 'corrected', 'other')", name="result"
        ),
        Index("ix_disclosure_case_received_date", "received_date"),
    )


class AnnualReport(Timestamped, Base):
    """政府信息公开工作年度报告 of one year: the edited narrative and the year's small inputs.

    ``sections`` is a JSON object of section key → edited text (a key missing means "use the draft
    built from the data"). ``exported_tables`` keeps the numbers of the last exported report, so
    next year's 上年结转 can be checked against what was actually published.
    """

    __tablename__ = "annual_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False, default=new_uuid)
    year: Mapped[int] = mapped_column(Integer, unique=True, nullable=False)
    sections: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    licences: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    penalties: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    enforcement: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    fees_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    exported_tables: Mapped[str | None] = mapped_column(Text, nullable=True)
    exported_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    published_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)

    __table_args__ = (
        CheckConstraint(
            "licences >= 0 AND penalties >= 0 AND enforcement >= 0 AND fees_cents >= 0",
            name="inputs",
        ),
    )
