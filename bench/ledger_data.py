"""Builds the benchmark databases of the disclosure ledger, and times ``demo --scale`` itself.

Run on its own it prints how long the ledger's demo step takes for N items (SPEC: seconds, not
minutes) against the bare sqlite3 insertion of the same rows into the same table (the floor).
The other ``ledger_*`` benchmarks import ``build_demo_db`` from here.

    .venv/bin/python bench/ledger_data.py [--items N]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from gongkai_desktop.app import AppContext, open_app
from gongkai_desktop.demo import DEMO_PASSWORD, DemoContext, foundation_step
from gongkai_desktop.demo.ledger import items_step, ledger_step
from gongkai_desktop.domain.permissions import Actor
from gongkai_desktop.progress import CancelToken, run_job
from gongkai_desktop.services.setup import initialize

COLUMNS = (
    "uuid, division_id, title, category, attribute, ground, formed_on, published_on, deadline, "
    "channels, link, doc_number, notes, created_by, created_at, updated_at, version"
)


def build_demo_db(folder: Path, items: int, year: int | None = None) -> tuple[AppContext, Actor]:
    """A data folder with the unit, its accounts and the ledger's demo data (``items`` items)."""
    ctx = open_app(folder)
    actor = initialize(ctx.db, "基准测试局", "admin", DEMO_PASSWORD)
    demo = DemoContext(
        ctx, actor, year or date.today().year, items, random.Random(2021), CancelToken()
    )
    run_job(foundation_step(demo))
    run_job(ledger_step(demo))
    return ctx, actor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_app(Path(tmp) / "ours")
        actor = initialize(ctx.db, "基准测试局", "admin", DEMO_PASSWORD)
        demo = DemoContext(ctx, actor, date.today().year, args.items, random.Random(1), CancelToken())
        run_job(foundation_step(demo))
        start = time.perf_counter()
        run_job(items_step(demo))
        t_ours = time.perf_counter() - start
        with ctx.db.read() as session:
            rows = session.connection().exec_driver_sql(
                f"SELECT {COLUMNS} FROM disclosure_item"
            ).fetchall()
        ctx.close()
        # Floor: the same rows into a copy of the schema without the search triggers, one
        # executemany in one transaction — what the database itself needs.
        floor_db = Path(tmp) / "floor.db"
        src = sqlite3.connect(Path(tmp) / "ours" / "gongkai.db")
        dst = sqlite3.connect(floor_db)
        for (sql,) in src.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'disclosure_item' "
            "AND type IN ('table', 'index') AND sql IS NOT NULL"
        ):
            dst.execute(sql)
        dst.execute("PRAGMA synchronous=FULL")
        marks = ", ".join("?" * len(COLUMNS.split(",")))
        start = time.perf_counter()
        with dst:
            dst.executemany(f"INSERT INTO disclosure_item ({COLUMNS}) VALUES ({marks})", rows)
        t_floor = time.perf_counter() - start
        src.close()
        dst.close()
    print(f"items={args.items}")
    print(f"bare sqlite3 executemany (no generation, no search index): {t_floor:.2f} s")
    print(f"demo items step (generate, insert, rebuild FTS, analyze):   {t_ours:.2f} s")
    print(f"ratio={t_ours / t_floor:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
