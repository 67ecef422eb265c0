"""Declarative base with a constraint naming convention, and the columns every record carries."""

from __future__ import annotations

import uuid as uuid_mod
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Named constraints from the first revision on, so batch migrations on SQLite can find them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_uuid() -> str:
    return str(uuid_mod.uuid4())


class Timestamped:
    """Creation and change times (UTC, naive) and an optimistic version counter.

    ``version`` is SQLAlchemy's version column: an UPDATE whose row changed meanwhile matches
    nothing and fails instead of overwriting another PC's edit (SPEC §11).
    """

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, object]:  # noqa: N805 - SQLAlchemy's declared_attr
        return {"version_id_col": cls.version}


class RecordMixin(Timestamped):
    """A business record: stable UUID for merging between PCs, owning division, soft deletion."""

    uuid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False, default=new_uuid)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    @declared_attr
    def division_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("division.id"), nullable=False, index=True)

    @declared_attr
    def created_by(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("app_user.id"), nullable=True)

    @declared_attr
    def updated_by(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("app_user.id"), nullable=True)
