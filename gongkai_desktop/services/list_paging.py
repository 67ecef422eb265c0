"""What the 公开事项 and 规范性文件 lists share: a year filter, the order a sort key names, and
fetching one page after the last row shown (keyset paging, ``db.paging``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, and_
from sqlalchemy.orm import Session

from ..db.paging import SortOrder, nullable
from ..errors import ValidationError


class ListedRow(Protocol):
    """A row of a list: its id breaks ties between rows of the same sort value."""

    @property
    def id(self) -> int: ...


RowT = TypeVar("RowT", bound=ListedRow)

# Sort key → (column, the row's value in that column); a column of None is computed per query.
SortColumns = Mapping[str, tuple[Any, Callable[[RowT], Any]]]


def year_condition(column: Any, year: int) -> ColumnElement[bool]:
    """The dates of ``column`` that fall in ``year``."""
    return and_(column >= date(year, 1, 1), column <= date(year, 12, 31))


def list_order(
    columns: SortColumns[RowT],
    sort: str,
    descending: bool,
    id_column: Any,
    computed: Callable[[], Any] | None = None,
) -> tuple[SortOrder, Callable[[RowT], Any]]:
    """The list's order for the sort key ``sort``, and how to read a row's value in its sort
    column; an unknown key is refused in words. A key whose column is None sorts by
    ``computed()``."""
    if sort not in columns:
        raise ValidationError(f"不能按「{sort}」排序")
    column, value_of = columns[sort]
    if column is None:
        assert computed is not None
        column = computed()
    return SortOrder(column, id_column, descending, nullable(column)), value_of


def page_statement(
    session: Session,
    stmt: Select[Any],
    order: SortOrder,
    value_of: Callable[[RowT], Any],
    after: RowT | None,
    limit: int,
) -> Select[Any]:
    """``stmt`` limited to one page in ``order``: the first ``limit`` rows, or the ``limit`` rows
    that follow the row ``after`` (the last one of the previous page)."""
    if after is not None:
        stmt = stmt.where(order.after(value_of(after), after.id))
    return stmt.order_by(*order.order_by(session.get_bind().dialect.name)).limit(limit)
