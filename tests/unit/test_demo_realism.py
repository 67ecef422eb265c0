"""The demo data reads like a real year: table 三 mostly 予以公开, 文号 in date order, one 处长 per
division, Chinese quotation marks “” in body text, and a past year's fourth quarter reported."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest
from sqlalchemy import select

from gongkai_desktop.db.interpretation_models import Interpretation
from gongkai_desktop.db.ledger_models import NormativeDocument
from gongkai_desktop.db.plan_models import TaskReport
from gongkai_desktop.demo import demo_job
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.annual_report import compute_report


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    from gongkai_desktop.app import open_app

    ctx = open_app(tmp_path_factory.mktemp("demo") / "data")
    run_job(demo_job(ctx, None, 2025, 200))
    yield ctx
    ctx.close()


def test_table3_is_mostly_disclosed(demo) -> None:  # type: ignore[no-untyped-def]
    """In 2025's table 三 予以公开 is the largest result and at least 40% of those answered."""
    with demo.db.read() as session:
        t3 = compute_report(session, 2025).table3
    results = {label: values[-1] for label, values in t3.items()}
    total = results["总计"]
    assert results["予以公开"] >= 0.4 * total
    others = {k: v for k, v in results.items() if k not in ("予以公开", "总计", "本年新收",
                                                             "上年结转", "结转下年度")}  # fmt: skip
    assert results["予以公开"] > max(others.values())


def test_document_numbers_follow_the_dates(demo) -> None:  # type: ignore[no-untyped-def]
    """Within each year the 规范性文件 numbers 赣乡振规〔Y〕N号 rise with the 成文日期."""
    by_year: dict[int, list[tuple[object, int]]] = defaultdict(list)
    with demo.db.read() as session:
        for doc in session.scalars(select(NormativeDocument)):
            m = re.fullmatch(r"赣乡振规〔(\d{4})〕(\d+)号", doc.doc_number)
            if m:
                by_year[int(m.group(1))].append((doc.written_on, int(m.group(2))))
    assert by_year
    for year, docs in by_year.items():
        numbers = [n for _, n in sorted(docs)]
        assert numbers == sorted(numbers), year


def test_one_head_per_division_and_chinese_quotes(demo) -> None:  # type: ignore[no-untyped-def]
    """Every 「X处处长 name」 interpreter of a division has the same name; texts use “”."""
    heads: dict[str, set[str]] = defaultdict(set)
    with demo.db.read() as session:
        rows = list(session.scalars(select(Interpretation)))
    for row in rows:
        m = re.fullmatch(r"(\S+处)处长 (\S+)", row.interpreter)
        if m:
            heads[m.group(1)].add(m.group(2))
        assert "「" not in row.sections and "「" not in row.document_text
    assert heads and all(len(names) == 1 for names in heads.values()), heads
    assert any("“" in row.sections for row in rows)


def test_past_year_has_its_fourth_quarter(demo) -> None:  # type: ignore[no-untyped-def]
    """2025 is over: its plan has reports for all four quarters."""
    with demo.db.read() as session:
        quarters = Counter(session.scalars(select(TaskReport.quarter)))
    assert set(quarters) == {1, 2, 3, 4} and quarters[4] > 0
