"""Latency of the 公开事项 list at 100 000 items: filter, sort and search (SPEC §17: ≤ 100 ms).

For each case it times what the page does before the user sees rows (the first page of 200,
with today's state computed in SQL) and, separately, the per-state counts shown in the status line
just after. Then, for every sort column and direction, the page that scrolling fetches after
``--deep-page`` pages (keyset paging: it should cost what the first page does). The baseline is the raw SQL of the first page without any filter, through sqlite3.

    .venv/bin/python bench/ledger_list.py [--items N] [--repeat K]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ledger_data import build_demo_db

from gongkai_desktop.domain.disclosure import DeadlineState, DisclosureAttribute
from gongkai_desktop.services.ledger import SORT_KEYS, ItemQuery, LedgerService

TARGET_MS = 100.0


def best_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm the page cache and the statement cache, as a second click would
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def deep_pages(service: LedgerService, page_no: int, repeat: int) -> float:
    """Time of the page after ``page_no`` pages of 200, as scrolling down fetches it, for each sort
    column and direction; prints them and returns the worst."""
    calendar = service.calendar()
    today = service.today(calendar=calendar)
    print(f"page {page_no + 1} (rows {page_no * 200 + 1}–{(page_no + 1) * 200}), per sort:")
    worst = 0.0
    for sort in SORT_KEYS:
        times = []
        for descending in (False, True):
            query = ItemQuery(sort=sort, descending=descending)
            after = None
            for _ in range(page_no):
                after = service.list_items(query, after, 200, today, calendar)[-1]
            times.append(
                best_ms(lambda q=query, a=after: service.list_items(q, a, 200, today, calendar), repeat)
            )
        worst = max(worst, *times)
        print(f"  {sort:14s} ascending {times[0]:6.1f}ms  descending {times[1]:6.1f}ms")
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--deep-page", type=int, default=400, help="pages of 200 scrolled before the deep page"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        ctx, actor = build_demo_db(Path(tmp) / "data", args.items)
        service = LedgerService(ctx.db, actor)
        years = service.item_years()
        divisions = service.divisions()
        cases = {
            "no filter (newest first)": ItemQuery(),
            f"year {years[1]}": ItemQuery(year=years[1]),
            "division": ItemQuery(division_id=divisions[-1][0]),
            "category 政府采购": ItemQuery(category="政府采购"),
            "attribute 不予公开": ItemQuery(attribute=DisclosureAttribute.WITHHELD),
            "state 逾期": ItemQuery(state=DeadlineState.OVERDUE),
            "state 临期": ItemQuery(state=DeadlineState.DUE_SOON),
            "channel 微博": ItemQuery(channel="微博"),
            "portal missing": ItemQuery(portal_missing=True),
            "sort by title": ItemQuery(sort="title", descending=False),
            "sort by state": ItemQuery(sort="state"),
            "sort by deadline, year": ItemQuery(year=years[0], sort="deadline"),
            "search 以工代赈 (FTS5)": ItemQuery(text="以工代赈"),
            "search 于都 (LIKE)": ItemQuery(text="于都"),
            "search 2 words + filter": ItemQuery(text="资金 公示", category="公共资源配置"),
        }
        db_file = ctx.paths.db_path
        raw = sqlite3.connect(db_file)
        t_raw = best_ms(
            lambda: raw.execute(
                "SELECT * FROM disclosure_item ORDER BY formed_on DESC, id DESC LIMIT 200"
            ).fetchall(),
            args.repeat,
        )
        raw.close()
        print(f"items={args.items}  baseline raw first page: {t_raw:.1f} ms")
        print(f"{'case':32s} {'first page':>11s} {'counts':>9s} {'ratio':>7s}")
        worst = 0.0
        def first_page(query: ItemQuery) -> object:
            # What the page does on each change: load the calendar, fix today, fetch a page.
            calendar = service.calendar()
            today = service.today(calendar=calendar)
            return service.list_items(query, None, 200, today, calendar)

        for name, query in cases.items():
            today = service.today()
            page = best_ms(lambda q=query: first_page(q), args.repeat)
            counts = best_ms(lambda q=query, t=today: service.state_counts(q, t), args.repeat)
            worst = max(worst, page)
            print(f"{name:32s} {page:9.1f}ms {counts:7.1f}ms {page / t_raw:7.1f}")
        deepest = deep_pages(service, args.deep_page, args.repeat)
        ctx.close()
    verdict = "ok" if worst <= TARGET_MS else "over target"
    print(f"worst first page: {worst:.1f} ms (target <= {TARGET_MS:.0f} ms): {verdict}")
    verdict = "ok" if deepest <= TARGET_MS else "over target"
    print(f"worst deep page: {deepest:.1f} ms (target <= {TARGET_MS:.0f} ms): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
