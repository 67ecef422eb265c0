"""Export of 100 000 公开事项 against bare openpyxl write-only on the same cells (SPEC §17).

Both sides write the same 13 columns of the same rows. The bare side gets the rows already in
memory and only appends them; our side is the whole ``export items`` job: the query in keyset
batches, labels and channels turned into text, the styled header, the atomic save. The target is
``ratio <= 1.3``; each side's best of ``--repeat`` runs counts.

    .venv/bin/python bench/ledger_export.py [--items N] [--repeat K]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from ledger_data import build_demo_db
from openpyxl import Workbook

from gongkai_desktop.progress import run_job
from gongkai_desktop.reports.excel.ledger_items import ITEM_EXPORT_COLUMNS, export_items_job


def read_cells(path: Path) -> list[tuple[object, ...]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    rows = [tuple(r) for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)]
    wb.close()
    return rows


def bare(path: Path, rows: list[tuple[object, ...]]) -> float:
    start = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("公开事项")
    ws.append([c.header for c in ITEM_EXPORT_COLUMNS])
    for row in rows:
        ws.append(row)
    wb.save(path)
    elapsed = time.perf_counter() - start
    path.unlink()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ctx, actor = build_demo_db(folder / "data", args.items)
        target = folder / "ours.xlsx"
        t_ours = t_bare = float("inf")
        rows: list[tuple[object, ...]] = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            count = run_job(export_items_job(ctx.db, actor, target, None, None))
            t_ours = min(t_ours, time.perf_counter() - start)
            if not rows:
                rows = read_cells(target)  # the very cells we wrote, for the bare side
            target.unlink()
            t_bare = min(t_bare, bare(folder / "bare.xlsx", rows))
        ctx.close()
    print(f"items={count} columns={len(ITEM_EXPORT_COLUMNS)}")
    print(f"bare openpyxl write-only (rows in memory): {t_bare:.3f} s")
    print(f"export items job (query + write):          {t_ours:.3f} s")
    print(f"ratio={t_ours / t_bare:.2f} (target <= 1.30)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
