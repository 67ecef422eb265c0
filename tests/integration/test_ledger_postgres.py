"""The disclosure ledger on a real PostgreSQL: migration with pg_trgm (or without), search,
state filters, conflicts and an all-or-nothing import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from gongkai_desktop.app import open_app
from gongkai_desktop.domain.disclosure import DeadlineState, ItemFields
from gongkai_desktop.errors import ConflictError, ValidationError
from gongkai_desktop.importers.ledger_xlsx import import_items_job
from gongkai_desktop.progress import run_job
from gongkai_desktop.reports.excel.ledger_items import write_items_template
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.ledger import ItemQuery, LedgerService
from gongkai_desktop.services.setup import initialize


@pytest.fixture
def pg_ledger(tmp_path, pg_url):  # type: ignore[no-untyped-def]
    ctx = open_app(tmp_path / "data", pg_url)
    admin = initialize(ctx.db, "测试局", "admin", "admin-pass-1")
    yield ctx, admin, LedgerService(ctx.db, admin)
    ctx.close()


def item(title: str, formed: date, **kw) -> ItemFields:  # type: ignore[no-untyped-def]
    return ItemFields(title, "执行公开", "proactive", None, formed, channels=("门户网站",), **kw)


def test_search_states_and_conflicts_work_on_postgres(pg_ledger):
    """ILIKE search (with the trigram index when pg_trgm exists), SQL states, version check."""
    ctx, admin, ledger = pg_ledger
    office = AdminService(ctx.db, admin).division_by_name("综合处").id
    a = ledger.create_item(office, item("于都县以工代赈项目验收结果公示", date(2021, 1, 18)))
    ledger.create_item(office, item("其他", date(2021, 1, 4), notes="100%_完成"))
    today = ledger.today(date(2021, 2, 9))
    assert [r.title for r in ledger.list_items(ItemQuery(text="以工代赈"))] == [a.title]
    assert [r.title for r in ledger.list_items(ItemQuery(text="于都"))] == [a.title]
    assert [r.title for r in ledger.list_items(ItemQuery(text="%_"))] == ["其他"]
    due = ledger.list_items(ItemQuery(state=DeadlineState.DUE_SOON), today=today)
    assert [r.title for r in due] == [a.title]
    assert ledger.state_counts(ItemQuery(), today).by_state[DeadlineState.OVERDUE] == 1
    ledger.update_item(a.id, a.version, office, item("新标题", date(2021, 1, 18)))
    with pytest.raises(ConflictError):
        ledger.update_item(a.id, a.version, office, item("另一个标题", date(2021, 1, 18)))
    with ctx.db.read() as s:
        has_trgm = s.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'"))
        index = s.scalar(
            text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_disclosure_item_search_trgm'")
        )
    assert index == has_trgm  # the GIN index exists exactly when the extension could be made


def test_import_is_all_or_nothing_on_postgres(pg_ledger, tmp_path: Path):
    """A file with one bad row stores nothing on the server either."""
    ctx, admin, ledger = pg_ledger
    template = tmp_path / "t.xlsx"
    write_items_template(template)
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    rows = [
        ["好", "决策公开", "主动公开", None, "综合处", "2021-03-01", None, "门户网站"],
        ["坏", "决策公开", "主动公开", None, "综合处", "2021-02-30", None, "门户网站"],
    ]
    for r, row in enumerate(rows, 2):
        for c, value in enumerate(row, 1):
            ws.cell(row=r, column=c, value=value)
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(ValidationError, match="未导入任何数据"):
        run_job(import_items_job(ctx.db, admin, tmp_path / "bad.xlsx"))
    assert ledger.count_items(ItemQuery()) == 0
    ws.delete_rows(3)
    wb.save(tmp_path / "good.xlsx")
    assert run_job(import_items_job(ctx.db, admin, tmp_path / "good.xlsx")).created == 1


def test_pages_follow_each_other_on_postgres(pg_ledger):
    """Keyset paging on PostgreSQL gives the unpaged order for every sort, NULLs included (they
    come first ascending and last descending, as on SQLite)."""
    from datetime import timedelta

    from support import page_through

    from gongkai_desktop.services.ledger import SORT_KEYS

    ctx, admin, ledger = pg_ledger
    office = AdminService(ctx.db, admin).division_by_name("综合处").id
    for i in range(9):
        formed = date(2021, 3, 1) + timedelta(days=(i % 3) * 10)
        published = formed + timedelta(days=5) if i % 2 else None
        ledger.create_item(office, item(f"事项{i % 4}", formed, published_on=published))
    calendar = ledger.calendar()
    today = ledger.today(date(2021, 4, 20), calendar)
    for sort in SORT_KEYS:
        for descending in (False, True):
            query = ItemQuery(sort=sort, descending=descending)
            whole = [r.id for r in ledger.list_items(query, None, 100, today, calendar)]
            paged = page_through(
                lambda a, n, q=query: ledger.list_items(q, a, n, today, calendar), 2
            )
            assert [r.id for r in paged] == whole, (sort, descending)
    by_published = ledger.list_items(ItemQuery(sort="published_on", descending=False), None, 100)
    assert by_published[0].published_on is None and by_published[-1].published_on is not None
