"""Tables of the 报送包 exchange (SPEC §11): the packages a PC sent or received, and for every
record received the content it last agreed on with the sender (the base of a three-way merge).

- ``ExchangePackage``: one package exported here (``direction`` 'export') or imported here
  ('import'), with the sender's audit-chain head and row count at the time it was made, so the
  next package of the same division can be checked to continue that chain, and the next export
  knows where the last one ended.
- ``ExchangeBase``: per received record (table and key), the SHA-256 of its content as last
  merged or decided. A record is "changed on both sides" when neither our content nor the
  incoming one equals this base.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class ExchangePackage(Base):
    """A 报送包 made on this PC or merged into it."""

    __tablename__ = "exchange_package"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String(8), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    format_version: Mapped[int] = mapped_column(Integer, nullable=False)
    division_name: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    division_id: Mapped[int | None] = mapped_column(ForeignKey("division.id"), nullable=True)
    since: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    until: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    chain_head: Mapped[str] = mapped_column(String(64), nullable=False)
    chain_rows: Mapped[int] = mapped_column(Integer, nullable=False)
    records: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    __table_args__ = (
        CheckConstraint("direction IN ('export', 'import')", name="direction"),
        Index("ix_exchange_package_division", "direction", "division_name", "id"),
    )


class ExchangeBase(Base):
    """The content of one received record as last agreed with its sender."""

    __tablename__ = "exchange_base"

    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    package_id: Mapped[int] = mapped_column(ForeignKey("exchange_package.id"), nullable=False)
