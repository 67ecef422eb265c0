"""Keyset paging for the long lists: the next page starts after the last row already shown.

``LIMIT … OFFSET n`` makes the database walk past ``n`` rows for every page, so page 450 of a
100 000-row list costs hundreds of times page 1. Here every list is ordered by one sort column
and then the id, and the next page asks for the rows that come *after* the last row's pair
``(value, id)``: the sort column's index finds that point directly, and a sort by a computed
value (the deadline state) only keeps the next page's rows while it scans.

NULL sorts as the smallest value on both back-ends (SQLite's rule; PostgreSQL is told
``NULLS FIRST``/``NULLS LAST``), so the same condition finds the next page on either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, tuple_


@dataclass(frozen=True)
class SortOrder:
    """One list order: a sort expression, then the row id as the tie-breaker."""

    column: Any
    id_column: Any
    descending: bool = False
    # A column that may hold NULL needs the extra branches below; an expression that never does
    # (an id, a CASE with an ELSE) keeps to the plain pair comparison the index can follow.
    nullable: bool = True

    def order_by(self, dialect: str) -> list[Any]:
        column, tie = self.column, self.id_column
        if self.descending:
            first = column.desc()
            if self.nullable and dialect != "sqlite":
                first = first.nulls_last()
            return [first, tie.desc()]
        first = column.asc()
        if self.nullable and dialect != "sqlite":
            first = first.nulls_first()
        return [first, tie.asc()]

    def after(self, value: Any, last_id: int) -> ColumnElement[bool]:
        """Rows after ``(value, last_id)`` in this order."""
        column, tie = self.column, self.id_column
        pair = tuple_(column, tie)
        if self.descending:
            if value is None:
                return and_(column.is_(None), tie < last_id)
            before = pair < tuple_(value, last_id)
            return or_(before, column.is_(None)) if self.nullable else before
        if value is None:
            return or_(column.is_not(None), and_(column.is_(None), tie > last_id))
        return pair > tuple_(value, last_id)


def nullable(attribute: Any) -> bool:
    """Whether a mapped attribute's column admits NULL (expressions count as not null)."""
    column = getattr(attribute, "expression", attribute)
    return bool(getattr(column, "nullable", False))
