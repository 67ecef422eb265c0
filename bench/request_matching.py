"""How often the first published record offered beside a new request is the one a person would
choose, on the demo data (条例第三十六条第（一）项).

Builds the ledger's demo data (``--items`` items and its ~60 normative documents), draws
``--requests`` published records and writes for each a request the way applicants word them,
taking turns: the title in 《》; the 文号 alone (when there is one); the title's core
without 「关于」「印发」, the issuing office or 「的通知」「公示」, inside 「本人申请获取…的相关信息」.
The record the request was written from is the right answer; so is a record a person could not
tell apart from it with what the request says (the same title for a request by title, the same
文号 for a request by 文号: the demo data repeats titles and numbers). The baselines are what the user
had before: the 公开事项 list's search box with the request pasted in, and with the words a careful
user would type (the 文号, or the title's core), first row. Prints both hit
rates, their ratio and the time per request.

    .venv/bin/python bench/request_matching.py [--items N] [--requests K]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ledger_data import build_demo_db
from sqlalchemy import select

from gongkai_desktop.db.ledger_models import DisclosureItem, NormativeDocument
from gongkai_desktop.services.ledger import ItemQuery, LedgerService
from gongkai_desktop.services.published_matches import DOCUMENT, ITEM, PublishedMatchService

_PREFIXES = re.compile(r"^(?:江西省乡村振兴局|江西省)?(?:关于)?(?:印发)?")
_SUFFIXES = re.compile(r"(?:的通知|的报告|的答复|的批复|公示|公告|通知)$")


@dataclass(frozen=True)
class Target:
    kind: str
    id: int
    title: str
    doc_number: str


def core_of(title: str) -> str:
    core = _SUFFIXES.sub("", _PREFIXES.sub("", title))
    return core if len(core) >= 6 else title


def worded(target: Target, turn: int) -> str:
    """A request for ``target`` in the ``turn``-th of the three wordings."""
    style = turn % 3
    if style == 1 and target.doc_number:
        return f"请提供{target.doc_number}文件"
    if style == 0:
        return f"申请公开《{target.title}》"
    return f"本人申请获取{core_of(target.title)}的相关信息"


def targets(ctx, rng: random.Random, count: int) -> list[Target]:  # type: ignore[no-untyped-def]
    with ctx.db.read() as session:
        items = [
            Target(ITEM, i, t, n)
            for i, t, n in session.execute(
                select(DisclosureItem.id, DisclosureItem.title, DisclosureItem.doc_number).where(
                    DisclosureItem.deleted_at.is_(None),
                    DisclosureItem.published_on.is_not(None),
                    DisclosureItem.attribute == "proactive",
                )
            )
        ]
        docs = [
            Target(DOCUMENT, i, t, n)
            for i, t, n in session.execute(
                select(NormativeDocument.id, NormativeDocument.title, NormativeDocument.doc_number)
                .where(
                    NormativeDocument.deleted_at.is_(None),
                    NormativeDocument.published_on.is_not(None),
                )
            )
        ]
    n_docs = min(len(docs), max(1, count // 6))
    return rng.sample(items, min(len(items), count - n_docs)) + rng.sample(docs, n_docs)


def _is(rows, target: Target, style: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether the first row of the list is the target or one the request cannot tell apart."""
    if target.kind != ITEM or not rows:
        return False
    first = rows[0]
    return first.id == target.id or (
        first.doc_number == target.doc_number if style == 1 else first.title == target.title
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)
    rng = random.Random(2021)
    with tempfile.TemporaryDirectory() as tmp:
        ctx, actor = build_demo_db(Path(tmp) / "data", args.items)
        chosen = targets(ctx, rng, args.requests)
        matcher = PublishedMatchService(ctx.db, actor)
        ledger = LedgerService(ctx.db, actor)
        same_record = same_title = baseline_hits = typed_hits = 0
        by_style = [[0, 0], [0, 0], [0, 0]]
        ours_s = baseline_s = 0.0
        for turn, target in enumerate(chosen):
            content = worded(target, turn)
            start = time.perf_counter()
            offered = matcher.matches(content, limit=3)
            ours_s += time.perf_counter() - start
            first = offered[0] if offered else None
            exact = first is not None and (first.kind, first.id) == (target.kind, target.id)
            style = 1 if content.startswith("请提供") else (0 if content.startswith("申请公开《") else 2)
            alike = first is not None and (
                first.doc_number == target.doc_number if style == 1 else first.title == target.title
            )
            same_record += exact
            same_title += exact or alike
            by_style[style][0] += 1
            by_style[style][1] += exact or alike
            start = time.perf_counter()
            rows = ledger.list_items(ItemQuery(text=content), None, 1)
            baseline_s += time.perf_counter() - start
            baseline_hits += _is(rows, target, style)
            typed = target.doc_number if style == 1 else core_of(target.title)
            typed_hits += _is(ledger.list_items(ItemQuery(text=typed), None, 1), target, style)
        ctx.close()
    n = len(chosen)
    ours = same_title / n
    base = baseline_hits / n
    print(f"{n} requests on {args.items} demo items and their normative documents")
    print(f"first offer is the record asked for:      {same_record / n:6.1%}")
    print(f"first offer is it or one the request cannot tell apart: {ours:6.1%}")
    for name, (count, hits) in zip(("《title》", "文号 alone", "title's core"), by_style, strict=True):
        if count:
            print(f"  {name:14s} {hits / count:6.1%} of {count}")
    print(f"baseline (request pasted into the list search, first row): {base:6.1%}")
    print(f"baseline (文号 or title core typed into the list search):   {typed_hits / n:6.1%}")
    if typed_hits:
        print(f"ratio ours / typed search: {ours / (typed_hits / n):.2f}")
    print(f"ratio ours / baseline: {ours / base:.1f}" if base else "ratio ours / baseline: ∞ (baseline 0)")
    print(
        f"time per request: ours {ours_s / n * 1000:.1f} ms, baseline {baseline_s / n * 1000:.1f} ms"
        f" (ratio {ours_s / baseline_s:.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
