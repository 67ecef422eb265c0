"""The 公开事项 list: its rows, filters and order, and the deadline states in SQL.

Deadlines are stored on the item, so the list filters and sorts by state in SQL. The states that
depend on today (临期, 逾期) are an SQL expression over the stored deadline, today, and the one
date "4 working days from today" computed in Python per query (:class:`Today`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, and_, case, literal, literal_column
from sqlalchemy.orm import Session

from ..calendar import WorkingCalendar
from ..db.ledger_models import DisclosureItem
from ..db.paging import SortOrder
from ..domain.disclosure import (
    CHANNEL_BITS,
    PORTAL_BIT,
    DeadlineState,
    DisclosureAttribute,
    ItemFields,
    deadline_or_problem,
    deadline_state,
    due_soon_before,
    item_warnings,
    mask_to_channels,
    state_rank,
)
from ..domain.permissions import Action, allowed
from ..errors import CalendarMissing, ValidationError
from ..search import item_text_filter
from .list_paging import list_order, year_condition

__all__ = [
    "LIST_COLUMNS",
    "SORT_KEYS",
    "ItemQuery",
    "ItemRow",
    "StateCounts",
    "Today",
    "apply_item_filters",
    "row_of",
    "sort_order",
    "state_condition",
    "state_expression",
    "today_bounds",
    "year_condition",
]


@dataclass(frozen=True)
class ItemRow:
    """One 公开事项 as lists and forms show it."""

    id: int
    uuid: str
    version: int
    title: str
    category: str
    attribute: DisclosureAttribute
    ground: str | None
    division_id: int
    division_name: str
    formed_on: date
    published_on: date | None
    deadline: date | None
    state: DeadlineState | None
    channels: tuple[str, ...]
    link: str
    doc_number: str
    notes: str
    editable: bool
    days_left: int | None = None
    # Why a 主动公开 item has no deadline (the calendar's message naming the missing year).
    deadline_problem: str = ""

    @property
    def portal_missing(self) -> bool:
        return self.attribute is DisclosureAttribute.PROACTIVE and "门户网站" not in self.channels

    @property
    def warnings(self) -> list[str]:
        return item_warnings(self.attribute.value, self.channels)

    def fields(self) -> ItemFields:
        return ItemFields(
            title=self.title,
            category=self.category,
            attribute=self.attribute.value,
            ground=self.ground,
            formed_on=self.formed_on,
            published_on=self.published_on,
            channels=self.channels,
            link=self.link,
            doc_number=self.doc_number,
            notes=self.notes,
        )


SORT_KEYS = (
    "formed_on",
    "title",
    "category",
    "attribute",
    "division",
    "deadline",
    "published_on",
    "state",
    "doc_number",
)


@dataclass(frozen=True)
class ItemQuery:
    """Filters and order of the 公开事项 list. ``None`` means "any"."""

    year: int | None = None
    division_id: int | None = None
    category: str | None = None
    attribute: DisclosureAttribute | None = None
    state: DeadlineState | None = None
    channel: str | None = None
    portal_missing: bool = False
    text: str = ""
    sort: str = "formed_on"
    descending: bool = True

    def with_(self, **changes: Any) -> ItemQuery:
        return replace(self, **changes)


@dataclass(frozen=True)
class StateCounts:
    total: int
    by_state: dict[DeadlineState, int] = field(default_factory=dict)
    portal_missing: int = 0


@dataclass(frozen=True)
class Today:
    """Today's date and the due-soon bound for one query (None when the calendar lacks data)."""

    today: date
    soon_before: date | None
    warning: str = ""


# ----- SQL building blocks -----------------------------------------------------------------------

LIST_COLUMNS = (
    DisclosureItem.id,
    DisclosureItem.uuid,
    DisclosureItem.version,
    DisclosureItem.title,
    DisclosureItem.category,
    DisclosureItem.attribute,
    DisclosureItem.ground,
    DisclosureItem.division_id,
    DisclosureItem.formed_on,
    DisclosureItem.published_on,
    DisclosureItem.deadline,
    DisclosureItem.channels,
    DisclosureItem.link,
    DisclosureItem.doc_number,
    DisclosureItem.notes,
)


def _state_value(state: DeadlineState | None) -> str | None:
    return None if state is None else state.value


def state_expression(
    today: Today, value: Callable[[DeadlineState | None], Any] = _state_value
) -> ColumnElement[Any]:
    """The deadline state as SQL: ``value(state)`` of each row's state (by default the state's
    value, NULL for items that are not 主动公开)."""
    item = DisclosureItem
    published = case(
        (item.published_on <= item.deadline, literal(value(DeadlineState.ON_TIME))),
        else_=literal(value(DeadlineState.LATE)),
    )
    whens: list[tuple[Any, Any]] = [
        (item.attribute != DisclosureAttribute.PROACTIVE.value, literal(value(None))),
        (item.deadline.is_(None), literal(value(DeadlineState.UNKNOWN))),
        (item.published_on.is_not(None), published),
        (item.deadline < today.today, literal(value(DeadlineState.OVERDUE))),
    ]
    if today.soon_before is not None:
        whens.append((item.deadline < today.soon_before, literal(value(DeadlineState.DUE_SOON))))
    return case(*whens, else_=literal(value(DeadlineState.PENDING)))


def state_condition(state: DeadlineState, today: Today) -> ColumnElement[bool]:
    """A WHERE condition for one state that uses the (attribute, deadline) index."""
    item = DisclosureItem
    proactive = and_(
        item.attribute == DisclosureAttribute.PROACTIVE.value, item.deadline.is_not(None)
    )
    state = DeadlineState(state)  # also accepts the plain value
    if state is DeadlineState.UNKNOWN:
        return and_(
            item.attribute == DisclosureAttribute.PROACTIVE.value, item.deadline.is_(None)
        )
    if state is DeadlineState.ON_TIME:
        return and_(proactive, item.published_on.is_not(None), item.published_on <= item.deadline)
    if state is DeadlineState.LATE:
        return and_(proactive, item.published_on.is_not(None), item.published_on > item.deadline)
    unpublished = and_(proactive, item.published_on.is_(None))
    if state is DeadlineState.OVERDUE:
        return and_(unpublished, item.deadline < today.today)
    soon = today.soon_before or today.today
    if state is DeadlineState.DUE_SOON:
        return and_(unpublished, item.deadline >= today.today, item.deadline < soon)
    return and_(unpublished, item.deadline >= soon)


def apply_item_filters(
    session: Session,
    stmt: Select[Any],
    query: ItemQuery,
    today: Today,
    ordered_page: bool = False,
) -> Select[Any]:
    """WHERE clauses of the query. ``ordered_page``: the statement fetches a page in the query's
    order, which changes how the year filter is best written (see below)."""
    item = DisclosureItem
    stmt = stmt.where(item.deleted_at.is_(None))
    if query.year is not None:
        formed: Any = item.formed_on
        if ordered_page and query.sort != "formed_on" and session.get_bind().dialect.name == "sqlite":
            # A year is a large share of the rows: reading the sort column's index and skipping
            # other years finds a page at once, while SQLite would otherwise pick the year's
            # range and sort all of it. The unary + tells SQLite not to use formed_on's index.
            formed = literal_column("+disclosure_item.formed_on", type_=Date)
        stmt = stmt.where(year_condition(formed, query.year))
    if query.division_id is not None:
        stmt = stmt.where(item.division_id == query.division_id)
    if query.category:
        stmt = stmt.where(item.category == query.category)
    if query.attribute is not None:
        stmt = stmt.where(item.attribute == DisclosureAttribute(query.attribute).value)
    if query.state is not None:
        stmt = stmt.where(state_condition(query.state, today))
    if query.channel:
        bit = CHANNEL_BITS.get(query.channel)
        if bit is None:
            raise ValidationError(f"「{query.channel}」不是有效的公开渠道")
        stmt = stmt.where(item.channels.op("&")(bit) != 0)
    if query.portal_missing:
        stmt = stmt.where(
            item.attribute == DisclosureAttribute.PROACTIVE.value,
            item.channels.op("&")(PORTAL_BIT) == 0,
        )
    if query.text.strip():
        stmt = stmt.where(item_text_filter(session, query.text))
    return stmt


# Sort key → (column, the row's value in that column); the 状态 column sorts by urgency.
_SORT_COLUMNS: dict[str, tuple[Any, Callable[[ItemRow], Any]]] = {
    "formed_on": (DisclosureItem.formed_on, lambda r: r.formed_on),
    "title": (DisclosureItem.title, lambda r: r.title),
    "category": (DisclosureItem.category, lambda r: r.category),
    "attribute": (DisclosureItem.attribute, lambda r: r.attribute.value),
    "division": (DisclosureItem.division_id, lambda r: r.division_id),
    "deadline": (DisclosureItem.deadline, lambda r: r.deadline),
    "published_on": (DisclosureItem.published_on, lambda r: r.published_on),
    "state": (None, lambda r: state_rank(r.state)),
    "doc_number": (DisclosureItem.doc_number, lambda r: r.doc_number),
}


def sort_order(query: ItemQuery, today: Today) -> tuple[SortOrder, Callable[[ItemRow], Any]]:
    """The list's order, and how to read a row's value in its sort column."""
    return list_order(
        _SORT_COLUMNS,
        query.sort,
        query.descending,
        DisclosureItem.id,
        lambda: state_expression(today, state_rank),
    )


def today_bounds(calendar: WorkingCalendar, today: date) -> Today:
    try:
        return Today(today, due_soon_before(calendar, today))
    except CalendarMissing as exc:
        # Without this year's own arrangement "3 working days left" cannot be told: 临期 is not
        # shown rather than guessed, and the list says why. (A missing next year is handled by
        # ``due_soon_before``.)
        return Today(today, None, str(exc))


def row_of(
    values: Sequence[Any],
    today: Today,
    calendar: WorkingCalendar,
    actor: Any,
    division_names: dict[int, str],
) -> ItemRow:
    (
        id_,
        uuid,
        version,
        title,
        category,
        attribute,
        ground,
        division_id,
        formed_on,
        published_on,
        deadline,
        channels,
        link,
        doc_number,
        notes,
    ) = values
    state = deadline_state(
        attribute, deadline, published_on, today.today, today.soon_before or today.today
    )
    days_left = None
    problem = ""
    if state in (DeadlineState.PENDING, DeadlineState.DUE_SOON, DeadlineState.OVERDUE):
        try:
            days_left = calendar.working_days_between(today.today, deadline)
        except CalendarMissing:
            days_left = None
    elif state is DeadlineState.UNKNOWN:
        problem = deadline_or_problem(calendar, attribute, category, formed_on)[1]
    return ItemRow(
        id=id_,
        uuid=uuid,
        version=version,
        title=title,
        category=category,
        attribute=DisclosureAttribute(attribute),
        ground=ground,
        division_id=division_id,
        division_name=division_names.get(division_id, ""),
        formed_on=formed_on,
        published_on=published_on,
        deadline=deadline,
        state=state,
        channels=mask_to_channels(channels),
        link=link,
        doc_number=doc_number,
        notes=notes,
        editable=allowed(actor, Action.EDIT_RECORD, division_id),
        days_left=days_left,
        deadline_problem=problem,
    )
