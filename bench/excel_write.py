"""Streaming ledger export against bare openpyxl write-only mode on the same cells (SPEC §17).

Writes 100 000 rows × 14 columns (texts, dates, integers) twice — once with openpyxl's own
write-only workbook and ``ws.append``, once with ``write_ledger`` — and prints both times and the
ratio. The target is ``ratio <= 1.3``. The two sides alternate ``--repeat`` times and each side's best time counts, so
a hiccup of the machine does not decide the result.

    .venv/bin/python bench/excel_write.py [--rows N] [--repeat K]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from openpyxl import Workbook

from gongkai_desktop.reports.excel import Column, write_ledger

CHANNELS = ("门户网站", "政务新媒体", "政府公报", "新闻发布会")
CATEGORIES = ("政策文件", "规划计划", "财政预决算", "人事信息", "行政执法")

COLUMNS = (
    Column("登记编号", 14),
    Column("标题", 40),
    Column("类别", 12, choices=CATEGORIES),
    Column("公开属性", 10, choices=("主动公开", "依申请公开", "不予公开")),
    Column("不公开依据", 16),
    Column("责任处室", 12),
    Column("形成日期", 12, "date"),
    Column("公开日期", 12, "date"),
    Column("公开渠道", 20),
    Column("链接", 30),
    Column("文号", 18),
    Column("序号", 8, "int"),
    Column("工作日数", 8, "int"),
    Column("备注", 20),
)


def make_rows(n: int) -> Iterator[tuple[object, ...]]:
    base = dt.date(2015, 1, 1)
    for i in range(n):
        made = base + dt.timedelta(days=i % 3650)
        published = made + dt.timedelta(days=i % 20)
        yield (
            f"GK-{i:06d}",
            f"关于印发第{i}号某某工作实施方案的通知",
            CATEGORIES[i % len(CATEGORIES)],
            "主动公开" if i % 9 else "不予公开",
            "" if i % 9 else "涉及个人隐私",
            f"第{i % 17 + 1}处",
            made,
            published,
            "、".join(CHANNELS[: i % 4 + 1]),
            f"https://www.example.gov.cn/zwgk/{i}.html",
            f"某发〔{2015 + i % 10}〕{i % 120 + 1}号",
            i + 1,
            i % 20,
            None if i % 3 else "已核对",
        )


def bare(path: Path, n: int) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append([c.header for c in COLUMNS])
    for row in make_rows(n):
        ws.append(row)
    wb.save(path)


def ours(path: Path, n: int) -> None:
    write_ledger(path, "台账", COLUMNS, make_rows(n))


def timed(fn: Callable[[Path, int], None], path: Path, n: int) -> float:
    start = time.perf_counter()
    fn(path, n)
    elapsed = time.perf_counter() - start
    path.unlink()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        # Alternate the two sides so drift of the machine affects both alike.
        t_bare = t_ours = float("inf")
        for _ in range(args.repeat):
            t_bare = min(t_bare, timed(bare, base / "bare.xlsx", args.rows))
            t_ours = min(t_ours, timed(ours, base / "ours.xlsx", args.rows))
    ratio = t_ours / t_bare
    print(f"rows={args.rows} columns={len(COLUMNS)}")
    print(f"bare openpyxl write-only: {t_bare:.3f} s")
    print(f"write_ledger:             {t_ours:.3f} s")
    print(f"ratio={ratio:.2f} (target <= 1.30)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
