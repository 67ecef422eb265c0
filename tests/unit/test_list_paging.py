"""Keyset paging of the 公开事项 and 规范性文件 lists: for every sort column and direction, the
pages asked for one after another give every row once, in the order of the column (NULL first
when ascending, last when descending) and then of the id."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from support import page_through

from gongkai_desktop.domain.disclosure import (
    STATE_ORDER,
    DeadlineState,
    DocumentFields,
    DocumentStatus,
    ItemFields,
    state_rank,
)
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.ledger import SORT_KEYS, ItemQuery, LedgerService
from gongkai_desktop.services.ledger_documents import DocumentQuery, DocumentService

ITEM_VALUES = {
    "formed_on": lambda r: r.formed_on,
    "title": lambda r: r.title,
    "category": lambda r: r.category,
    "attribute": lambda r: r.attribute.value,
    "division": lambda r: r.division_id,
    "deadline": lambda r: r.deadline,
    "published_on": lambda r: r.published_on,
    "state": lambda r: state_rank(r.state),
    "doc_number": lambda r: r.doc_number,
}


def expected(rows, value, descending: bool) -> list[int]:  # type: ignore[no-untyped-def]
    """Ids in the order the list promises: by value with NULL smallest, then by id."""
    def key(row):  # type: ignore[no-untyped-def]
        v = value(row)
        return (v is not None, 0 if v is None else v, row.id)

    ordered = sorted(rows, key=key)
    ids = [r.id for r in ordered]
    return ids[::-1] if descending else ids


@pytest.fixture
def items(app_ctx, admin):  # type: ignore[no-untyped-def]
    """Items with ties in every column, NULL deadlines and publication dates, every state."""
    admin_service = AdminService(app_ctx.db, admin)
    divisions = [admin_service.division_by_name(n).id for n in ("综合处", "开发指导处", "社会帮扶处")]
    ledger = LedgerService(app_ctx.db, admin)
    base = date(2021, 3, 1)
    for i in range(23):
        attribute = ("proactive", "proactive", "on_request", "withheld")[i % 4]
        formed = base + timedelta(days=(i % 5) * 9)
        published = formed + timedelta(days=(i % 3) * 20) if i % 2 == 0 else None
        ledger.create_item(
            divisions[i % 3],
            ItemFields(
                title=f"事项{i % 7}",
                category=("决策公开", "执行公开", "政府采购")[i % 3],
                attribute=attribute,
                ground="第十五条-个人隐私" if attribute == "withheld" else None,
                formed_on=formed,
                published_on=published if attribute == "proactive" else None,
                channels=("门户网站",),
                doc_number="" if i % 4 == 1 else f"赣文〔2021〕{i % 6}号",
            ),
        )
    return ledger


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", SORT_KEYS)
def test_item_pages_follow_each_other_in_every_order(items, sort, descending):
    ledger = items
    calendar = ledger.calendar()
    today = ledger.today(date(2021, 4, 20), calendar)
    query = ItemQuery(sort=sort, descending=descending)
    everything = ledger.list_items(query, None, 1000, today, calendar)
    assert len(everything) == 23
    paged = page_through(lambda after, n: ledger.list_items(query, after, n, today, calendar), 4)
    assert [r.id for r in paged] == expected(everything, ITEM_VALUES[sort], descending)


def test_state_sorts_most_urgent_first(items):
    """状态 ascending: 逾期, 临期, 待公开, …, 按时公开, then items that are not 主动公开."""
    ledger = items
    calendar = ledger.calendar()
    today = ledger.today(date(2021, 4, 20), calendar)
    rows = ledger.list_items(ItemQuery(sort="state", descending=False), None, 1000, today, calendar)
    states = [r.state for r in rows]
    present = [s for s in STATE_ORDER if s in states]
    assert DeadlineState.OVERDUE in present and DeadlineState.ON_TIME in present
    assert states == sorted(states, key=state_rank)
    assert states[0] is DeadlineState.OVERDUE and states[-1] is None


DOCUMENT_SORTS = {
    "written_on": lambda r: r.written_on,
    "doc_number": lambda r: r.doc_number,
    "title": lambda r: r.title,
    "division": lambda r: r.division_id,
    "published_on": lambda r: r.published_on,
    "status": lambda r: r.status.value,
    "status_changed_on": lambda r: r.status_changed_on,
    "level": lambda r: r.level.value,
    "consulted": lambda r: r.consulted,
    "interpreted": lambda r: r.interpreted,
}


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", sorted(DOCUMENT_SORTS))
def test_document_pages_follow_each_other_in_every_order(app_ctx, admin, sort, descending):
    office = AdminService(app_ctx.db, admin).division_by_name("综合处").id
    service = DocumentService(app_ctx.db, admin)
    for i in range(11):
        expired = i % 3 == 0
        service.create_document(
            office,
            DocumentFields(
                f"赣规〔2021〕{i}号",
                f"文件{i % 4}",
                "normative",
                date(2021, 1, 1) + timedelta(days=i % 4),
                published_on=date(2021, 2, 1) if i % 2 else None,
                status=DocumentStatus.EXPIRED.value if expired else DocumentStatus.VALID.value,
                status_changed_on=date(2022, 1, 1) if expired else None,
                consulted=bool(i % 2),
                interpreted=bool(i % 3),
            ),
        )
    query = DocumentQuery(sort=sort, descending=descending)
    everything = service.list_documents(query, None, 1000)
    assert len(everything) == 11
    paged = page_through(lambda after, n: service.list_documents(query, after, n), 3)
    assert [r.id for r in paged] == expected(everything, DOCUMENT_SORTS[sort], descending)
