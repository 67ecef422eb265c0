"""年终评议 and 季度督查: the indicator table of each year and the 扣分 / 调整 entered by 综合处.

Points and weights are kept as whole hundredths (``points_centi``), so the scoring stays exact on
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, RecordMixin


class EvaluationIndicator(Base):
    """One indicator of one year's table (SPEC §13): code, name, weight, the computation."""

    __tablename__ = "evaluation_indicator"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(16), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    weight_centi: Mapped[int] = mapped_column(Integer, nullable=False)
    method: Mapped[str] = mapped_column(String(16), nullable=False)
    measured: Mapped[str] = mapped_column(Text, nullable=False, default="")
    met: Mapped[str] = mapped_column(Text, nullable=False, default="")
    rule_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    __table_args__ = (
        UniqueConstraint("year", "code"),
        CheckConstraint("weight_centi > 0", name="weight_positive"),
    )


class EvaluationAdjustment(RecordMixin, Base):
    """A 扣分 (``deduction``, points taken) or 调整 (``adjustment``, ± points) of a division for
    a year (``quarter`` NULL) or one quarter, with its reason."""

    __tablename__ = "evaluation_adjustment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    quarter: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    points_centi: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)

    __table_args__ = (
        CheckConstraint("kind IN ('deduction', 'adjustment')", name="kind"),
        CheckConstraint("quarter IS NULL OR quarter BETWEEN 1 AND 4", name="quarter"),
    )
