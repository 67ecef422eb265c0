"""Import of 10 000 公开事项 rows against openpyxl's read-only iteration of the same file (§17).

The file is the real template filled with 10 000 valid rows. The baseline opens it read-only and
iterates every row's values; our side is the whole ``import items`` job into a fresh database:
limits and defusedxml checks, header check, parsing and validating every cell, deadlines from the
calendar, and storing all rows in one transaction (with the search index). Target ``ratio <= 2``.

    .venv/bin/python bench/ledger_import.py [--rows N] [--repeat K]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import load_workbook

from gongkai_desktop.app import open_app
from gongkai_desktop.demo import DEMO_PASSWORD
from gongkai_desktop.demo.ledger import COUNTIES, TOPICS
from gongkai_desktop.domain.disclosure import DEFAULT_CATEGORIES, WITHHOLD_GROUNDS
from gongkai_desktop.exchange import TemplateLists
from gongkai_desktop.importers.ledger_xlsx import import_items_job
from gongkai_desktop.progress import run_job
from gongkai_desktop.reports.excel.ledger_items import write_items_template
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.setup import initialize

DIVISIONS = ("综合处", "政法处", "计财处", "人事处", "稽查处", "机关纪委")


def make_file(path: Path, rows: int) -> None:
    rng = random.Random(10)
    write_items_template(path, TemplateLists(tuple(DIVISIONS)))
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    start = date(2021, 1, 4)
    for r in range(2, rows + 2):
        formed = start + timedelta(days=rng.randint(0, 330))
        withheld = rng.random() < 0.1
        values = (
            f"{rng.choice(COUNTIES)}{rng.choice(TOPICS)}项目公示（第{r}号）",
            rng.choice(DEFAULT_CATEGORIES),
            "不予公开" if withheld else "主动公开",
            rng.choice(WITHHOLD_GROUNDS) if withheld else None,
            rng.choice(DIVISIONS),
            formed if r % 2 else formed.isoformat(),
            None if withheld or r % 3 == 0 else formed + timedelta(days=rng.randint(0, 25)),
            None if withheld else "门户网站、政府公报",
            None if withheld else f"http://www.example.gov.cn/art/{r}.html",
            f"赣乡振发〔2021〕{r}号" if r % 4 == 0 else None,
            None,
        )
        for c, value in enumerate(values, 1):
            ws.cell(row=r, column=c, value=value)
    wb.save(path)


def baseline(path: Path) -> float:
    start = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=True)
    count = 0
    for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True):
        count += len(row)
    wb.close()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "items.xlsx"
        make_file(source, args.rows)
        fresh = folder / "fresh"
        ctx = open_app(fresh)
        initialize(ctx.db, "基准测试局", "admin", DEMO_PASSWORD)
        ctx.close()
        t_ours = t_base = float("inf")
        for i in range(args.repeat):
            t_base = min(t_base, baseline(source))
            data = folder / f"run{i}"
            shutil.copytree(fresh, data)
            ctx = open_app(data)
            actor = AuthService(ctx.db).login("admin", DEMO_PASSWORD)
            start = time.perf_counter()
            result = run_job(import_items_job(ctx.db, actor, source))
            t_ours = min(t_ours, time.perf_counter() - start)
            ctx.close()
            assert result.created == args.rows, result
    print(f"rows={args.rows} columns=11")
    print(f"openpyxl read-only iteration: {t_base:.3f} s")
    print(f"import items job:             {t_ours:.3f} s")
    print(f"ratio={t_ours / t_base:.2f} (target <= 2.00)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
