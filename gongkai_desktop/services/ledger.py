"""公开事项 ledger: list (filtered, sorted and paged in SQL), create, edit, delete, bulk publish.

A liaison changes only their own division's items (checked here and audited when refused); every
user reads all. Deadlines are stored on the item when it is saved and recomputed for every item
when the holiday arrangement changes (a fingerprint of the calendar tables is kept in a setting),
so the list filters and sorts by state in SQL (``item_list``). A 主动公开 item whose deadline
needs a year without holiday data is saved with no deadline (state 无法计算) and gets one when
that year's arrangement arrives.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, case, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..calendar import WorkingCalendar
from ..db.ledger_models import DisclosureCategory, DisclosureItem
from ..db.models import Division
from ..domain.disclosure import (
    FIELD_LABELS,
    PORTAL_BIT,
    DeadlineState,
    DisclosureAttribute,
    ItemFields,
    Problem,
    channels_to_mask,
    deadline_or_problem,
    validate_item,
)
from ..domain.permissions import Action, allowed
from ..errors import ConflictError, NotFound, ValidationError
from .admin import read_setting, write_setting
from .base import Service, changed_fields, division_names, live_record, snapshot
from .calendar import calendar_fingerprint, load_calendar
from .item_list import (
    LIST_COLUMNS,
    SORT_KEYS,
    ItemQuery,
    ItemRow,
    StateCounts,
    Today,
    apply_item_filters,
    row_of,
    sort_order,
    state_condition,
    state_expression,
    today_bounds,
    year_condition,
)
from .ledger_categories import categories_of
from .list_paging import page_statement
from .policy_records import fields_error

# What callers import from here: the list's pieces live in ``item_list``, the categories in
# ``ledger_categories``.
__all__ = [
    "CALENDAR_SETTING",
    "ITEM_MISSING",
    "PAGE_SIZE",
    "SORT_KEYS",
    "ItemFields",
    "ItemQuery",
    "ItemRow",
    "LedgerService",
    "StateCounts",
    "Today",
    "apply_item_filters",
    "categories_of",
    "problems_error",
    "recompute_deadlines",
    "row_of",
    "sort_order",
    "state_condition",
    "state_expression",
    "today_bounds",
    "year_condition",
]

log = logging.getLogger(__name__)

CALENDAR_SETTING = "ledger.deadline_calendar"
PAGE_SIZE = 200
ITEM_MISSING = "公开事项不存在或已被删除。"


def problems_error(problems: Iterable[Problem], what: str = "公开事项") -> ValidationError:
    return fields_error(what, FIELD_LABELS, list(problems))


def recompute_deadlines(session: Session, calendar: WorkingCalendar) -> int:
    """Recompute every live 主动公开 item's deadline; return how many changed."""
    changed: list[dict[str, Any]] = []
    rows = session.execute(
        select(
            DisclosureItem.id,
            DisclosureItem.category,
            DisclosureItem.formed_on,
            DisclosureItem.deadline,
        ).where(DisclosureItem.attribute == DisclosureAttribute.PROACTIVE.value)
    )
    proactive = DisclosureAttribute.PROACTIVE.value
    for id_, category, formed_on, deadline in rows:
        new = deadline_or_problem(calendar, proactive, category, formed_on)[0]
        if new != deadline:
            changed.append({"b_id": id_, "b_deadline": new})
    if changed:
        session.execute(
            update(DisclosureItem.__table__)
            .where(DisclosureItem.__table__.c.id == bindparam("b_id"))
            .values(deadline=bindparam("b_deadline")),
            changed,
        )
    return len(changed)


# ----- the service -------------------------------------------------------------------------------


class LedgerService(Service):
    """公开事项: queries for the list, the detail form's operations and bulk publication."""

    entity = "disclosure_item"

    # --- reference lists ---
    def categories(self) -> list[str]:
        with self.db.read() as session:
            return categories_of(session)

    def add_category(self, label: str) -> list[str]:
        """Admins add a category to the built-in list; the label is stored as written."""
        label = (label or "").strip()
        self.require(
            Action.MANAGE_SYSTEM, what="category.add", entity="disclosure_category", entity_id=label
        )
        if not label or len(label) > 32:
            raise ValidationError("类别名称不能为空，也不能超过 32 个字。")
        with self.db.write() as session:
            if label in categories_of(session):
                raise ValidationError(f"类别「{label}」已经存在。")
            existing = session.scalar(
                select(DisclosureCategory).where(DisclosureCategory.label == label)
            )
            if existing is not None:
                existing.active = True
            else:
                order = session.scalar(select(func.count(DisclosureCategory.id))) or 0
                session.add(DisclosureCategory(label=label, sort_order=order + 1))
            self.audit(
                session, "category.add", entity="disclosure_category", after={"label": label}
            )
            return categories_of(session)

    def divisions(self) -> list[tuple[int, str]]:
        with self.db.read() as session:
            return [
                (d.id, d.name)
                for d in session.scalars(
                    select(Division).where(Division.active.is_(True)).order_by(Division.sort_order)
                )
            ]

    def editable_division_ids(self) -> list[int] | None:
        """Divisions the actor may edit: None for all (admin), else their own (or none)."""
        if self.actor.is_admin:
            return None
        if allowed(self.actor, Action.EDIT_RECORD, self.actor.division_id):
            return [self.actor.division_id] if self.actor.division_id is not None else []
        return []

    def item_years(self) -> list[int]:
        """Years from the oldest to the newest formation date (newest first), for the year filter."""
        with self.db.read() as session:
            first, last = session.execute(
                select(func.min(DisclosureItem.formed_on), func.max(DisclosureItem.formed_on)).where(
                    DisclosureItem.deleted_at.is_(None)
                )
            ).one()
        this_year = date.today().year
        low = first.year if first else this_year
        high = max(last.year if last else this_year, this_year)
        return list(range(high, low - 1, -1))

    # --- calendar and today ---
    def calendar(self) -> WorkingCalendar:
        with self.db.read() as session:
            return load_calendar(session)

    def today(self, today: date | None = None, calendar: WorkingCalendar | None = None) -> Today:
        return today_bounds(calendar or self.calendar(), today or date.today())

    def refresh_deadlines(self) -> int:
        """Recompute stored deadlines when the holiday tables changed since they were computed."""
        with self.db.read() as session:
            current = calendar_fingerprint(session)
            stored = read_setting(session, CALENDAR_SETTING)
        if current == stored:
            return 0
        with self.db.write() as session:
            current = calendar_fingerprint(session)
            if read_setting(session, CALENDAR_SETTING) == current:
                return 0
            count = recompute_deadlines(session, load_calendar(session))
            write_setting(session, CALENDAR_SETTING, current)
            if count:
                self.audit(
                    session,
                    "item.recompute_deadlines",
                    entity=self.entity,
                    detail=f"节假日安排变更，重新计算了 {count} 条公开事项的公开期限",
                )
        if count:
            log.info("recomputed %d deadlines after a calendar change", count)
        return count

    # --- list ---
    def count_items(self, query: ItemQuery, today: Today | None = None) -> int:
        today = today or self.today()
        with self.db.read() as session:
            stmt = apply_item_filters(session, select(func.count(DisclosureItem.id)), query, today)
            return int(session.scalar(stmt) or 0)

    def list_items(
        self,
        query: ItemQuery,
        after: ItemRow | None = None,
        limit: int = PAGE_SIZE,
        today: Today | None = None,
        calendar: WorkingCalendar | None = None,
    ) -> list[ItemRow]:
        """A page of the list: the first ``limit`` rows, or the ``limit`` rows that follow the row
        ``after`` (the last one of the previous page, as this method returned it)."""
        calendar = calendar or self.calendar()
        today = today or today_bounds(calendar, date.today())
        order, value_of = sort_order(query, today)
        with self.db.read() as session:
            names = division_names(session)
            # No join with division: the planner then picks its index by the filters and order
            # alone, and the few division names come from one small query.
            stmt = apply_item_filters(session, select(*LIST_COLUMNS), query, today, True)
            stmt = page_statement(session, stmt, order, value_of, after, limit)
            return [row_of(r, today, calendar, self.actor, names) for r in session.execute(stmt)]

    def item_ids(self, query: ItemQuery, today: Today | None = None) -> list[int]:
        today = today or self.today()
        with self.db.read() as session:
            stmt = apply_item_filters(session, select(DisclosureItem.id), query, today)
            return list(session.scalars(stmt))

    def state_counts(self, query: ItemQuery, today: Today | None = None) -> StateCounts:
        """Counts per state, and of 主动公开 items without the portal, for the filters (the state
        filter itself ignored), in one pass."""
        today = today or self.today()
        query = query.with_(state=None)
        item = DisclosureItem
        missing = case(
            (
                and_(
                    item.attribute == DisclosureAttribute.PROACTIVE.value,
                    item.channels.op("&")(PORTAL_BIT) == 0,
                ),
                1,
            ),
            else_=0,
        )
        with self.db.read() as session:
            expr = state_expression(today).label("state")
            stmt = apply_item_filters(
                session, select(expr, func.count(item.id), func.sum(missing)), query, today
            ).group_by(expr)
            counts: dict[DeadlineState, int] = {}
            total = portal_missing = 0
            for value, n, m in session.execute(stmt):
                total += n
                portal_missing += int(m or 0)
                if value is not None:
                    counts[DeadlineState(value)] = n
        return StateCounts(total, counts, portal_missing)

    def get_item(self, item_id: int) -> ItemRow:
        calendar = self.calendar()
        today = today_bounds(calendar, date.today())
        with self.db.read() as session:
            row = session.execute(
                select(*LIST_COLUMNS).where(
                    DisclosureItem.id == item_id, DisclosureItem.deleted_at.is_(None)
                )
            ).first()
            if row is None:
                raise NotFound(ITEM_MISSING)
            return row_of(row, today, calendar, self.actor, division_names(session))

    # --- changes ---
    def _check_fields(
        self, session: Session, fields: ItemFields, division_id: int | None
    ) -> list[Problem]:
        problems = validate_item(fields, categories_of(session))
        if division_id is None:
            problems.insert(0, Problem("division", "请选择责任处室"))
        elif session.get(Division, division_id) is None:
            problems.insert(0, Problem("division", "责任处室不存在"))
        return problems

    def _deadline(self, session: Session, fields: ItemFields) -> date | None:
        """The deadline to store: None when it needs a year without holiday data (the item is
        saved all the same and shows 无法计算 until the arrangement is entered)."""
        assert fields.formed_on is not None
        return deadline_or_problem(
            load_calendar(session), fields.attribute, fields.category, fields.formed_on
        )[0]

    def create_item(self, division_id: int | None, fields: ItemFields) -> ItemRow:
        """Register an item; its 公开属性 must be decided now (源头认定)."""
        self.require(
            Action.EDIT_RECORD, division_id=division_id, what="item.create", entity=self.entity
        )
        with self.db.write() as session:
            problems = self._check_fields(session, fields, division_id)
            if problems:
                raise problems_error(problems)
            assert division_id is not None
            item = DisclosureItem(division_id=division_id, created_by=self.actor.user_id)
            self._assign(item, fields)
            item.deadline = self._deadline(session, fields)
            session.add(item)
            session.flush()
            self.audit(
                session,
                "item.create",
                entity=self.entity,
                entity_id=item.uuid,
                division_id=division_id,
                after=snapshot(item),
            )
            item_id = item.id
        return self.get_item(item_id)

    @staticmethod
    def _assign(item: DisclosureItem, fields: ItemFields) -> None:
        item.title = fields.title.strip()
        item.category = fields.category
        item.attribute = fields.attribute
        item.ground = fields.ground or None
        assert fields.formed_on is not None
        item.formed_on = fields.formed_on
        item.published_on = fields.published_on
        item.channels = channels_to_mask(fields.channels)
        item.link = fields.link.strip()
        item.doc_number = fields.doc_number.strip()
        item.notes = fields.notes.strip()

    def update_item(
        self,
        item_id: int,
        expected_version: int | None,
        division_id: int | None,
        fields: ItemFields,
    ) -> ItemRow:
        """Save an edit. A record changed by someone else since it was read raises ConflictError
        carrying the other version (``current``), so the form can show both."""
        self.require_each(
            Action.EDIT_RECORD,
            (self.division_of(DisclosureItem, item_id), division_id),
            what="item.update",
            entity=self.entity,
            entity_id=item_id,
        )
        try:
            with self.db.write() as session:
                item = live_record(session, DisclosureItem, item_id, ITEM_MISSING)
                self.check_version(item, expected_version, f"公开事项「{item.title}」")
                problems = self._check_fields(session, fields, division_id)
                if problems:
                    raise problems_error(problems)
                before = snapshot(item)
                assert division_id is not None
                # Computed before any change: its query would otherwise flush a half-done edit.
                deadline = self._deadline(session, fields)
                item.division_id = division_id
                self._assign(item, fields)
                item.deadline = deadline
                item.updated_by = self.actor.user_id
                session.flush()
                self.audit(
                    session,
                    "item.update",
                    entity=self.entity,
                    entity_id=item.uuid,
                    division_id=division_id,
                    before=before,
                    after=changed_fields(before, snapshot(item)),
                )
        except StaleDataError as exc:
            raise self._conflict(item_id) from exc
        return self.get_item(item_id)

    def _conflict(self, item_id: int) -> ConflictError:
        return self.lost_race(DisclosureItem, item_id, "公开事项")

    def delete_item(self, item_id: int, expected_version: int | None) -> None:
        """Soft deletion (the row stays for audit and package merging)."""
        self.soft_delete(
            DisclosureItem,
            item_id,
            what="item.delete",
            entity=self.entity,
            missing=ITEM_MISSING,
            expected_version=expected_version,
            name=lambda item: f"公开事项「{item.title}」",
        )

    def mark_published(
        self,
        item_ids: Sequence[int],
        published_on: date,
        link: str = "",
        add_portal: bool = True,
    ) -> int:
        """Bulk action: mark items published on a date with a link (and the portal channel).

        All or nothing: if any item belongs to a division the actor may not edit, nothing
        changes and the refusal is audited. Items that are 不予公开 or formed after the date are
        refused with their titles.
        """
        ids = sorted(set(item_ids))
        if not ids:
            return 0
        link = (link or "").strip()
        with self.db.read() as session:
            rows = session.execute(
                select(
                    DisclosureItem.id,
                    DisclosureItem.division_id,
                    DisclosureItem.title,
                    DisclosureItem.attribute,
                    DisclosureItem.formed_on,
                ).where(DisclosureItem.id.in_(ids), DisclosureItem.deleted_at.is_(None))
            ).all()
        if len(rows) != len(ids):
            raise NotFound("部分公开事项不存在或已被删除，请刷新列表后重试。")
        for division_id in sorted({r.division_id for r in rows}):
            self.require(
                Action.EDIT_RECORD,
                division_id=division_id,
                what="item.mark_published",
                entity=self.entity,
            )
        problems = []
        for r in rows:
            if r.attribute == DisclosureAttribute.WITHHELD.value:
                problems.append(f"「{r.title}」是不予公开事项，不能标记为已公开")
            elif r.formed_on > published_on:
                problems.append(f"「{r.title}」的形成日期 {r.formed_on} 晚于公开日期")
        if problems:
            raise ValidationError(f"有 {len(problems)} 条事项不能标记为已公开：", problems)
        with self.db.write() as session:
            items = list(session.scalars(select(DisclosureItem).where(DisclosureItem.id.in_(ids))))
            for item in items:
                before = {"published_on": item.published_on, "link": item.link}
                item.published_on = published_on
                if link:
                    item.link = link
                if add_portal and item.attribute == DisclosureAttribute.PROACTIVE.value:
                    item.channels = item.channels | PORTAL_BIT
                item.updated_by = self.actor.user_id
                session.flush()
                self.audit(
                    session,
                    "item.mark_published",
                    entity=self.entity,
                    entity_id=item.uuid,
                    division_id=item.division_id,
                    before=before,
                    after={"published_on": published_on, "link": item.link},
                )
        return len(items)
