"""Foundation tables: divisions, users, settings, holiday arrangements and the audit log.

Business records of the later modules (tasks, items, requests, …) live in their own modules and
inherit ``RecordMixin`` so that every one has a UUID, a division, times and a version.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, new_uuid, utcnow


class Division(Timestamped, Base):
    """处室."""

    __tablename__ = "division"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False, default=new_uuid)
    name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    code: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    __table_args__ = (CheckConstraint("kind IN ('office', 'business', 'other')", name="kind"),)


class User(Timestamped, Base):
    """A person who logs in: 管理员 / 联络员 / 领导, attached to one division."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False, default=new_uuid)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    # Deferred: read only where a password is checked; on a set-up server only administrators
    # may read it at all (``server_setup``).
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False, deferred=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    division_id: Mapped[int] = mapped_column(ForeignKey("division.id"), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    division: Mapped[Division] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("role IN ('admin', 'liaison', 'leader')", name="role"),)


class Setting(Base):
    """Business settings (unit name, deadlines' parameters, font names …) as JSON text."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class HolidayYear(Base):
    """A year whose holiday arrangement the admin entered (needed beyond chinesecalendar's range)."""

    __tablename__ = "holiday_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class HolidayNotice(Base):
    """A stored State Council notice: a year's arrangement (``kind`` 'notice', one per year) or an
    amendment to it ('amendment'). Its days are kept with it, so re-importing one notice replaces
    only the days it set itself."""

    __tablename__ = "holiday_notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")
    by_hand: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    __table_args__ = (CheckConstraint("kind IN ('notice', 'amendment')", name="kind"),)


class HolidayNoticeDay(Base):
    """One holiday or make-up working day that a notice sets."""

    __tablename__ = "holiday_notice_day"

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("holiday_notice.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    is_workday: Mapped[bool] = mapped_column(Boolean, nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False, default="")


class HolidayOverride(Base):
    """One day the admin marked by hand; it wins over every notice and over chinesecalendar."""

    __tablename__ = "holiday_override"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean, nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False, default="")


class AuditEntry(Base):
    """Append-only audit log; each row's hash covers its fields and the previous row's hash."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ts: Mapped[str] = mapped_column(String(32), nullable=False)  # UTC, ISO 8601 with 'Z'
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    action: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    entity: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    division_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False, default="ok")
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
