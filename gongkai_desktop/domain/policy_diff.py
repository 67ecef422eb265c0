"""新旧政策差异: the previous and the new version of a policy compared paragraph by paragraph.

``compare_versions`` lines the two versions up for the side-by-side view: paragraphs both have are
"same"; inside a run of paragraphs that differ, the pairs that are still recognisably one
paragraph (``PAIR_SIMILARITY``) are "changed", with the character ranges that differ on each side
for highlighting, and the rest are "removed" (only in the old version) or "added" (only in the
new one). Chinese has no spaces between words, so the comparison inside a pair is character by
character. ``diff_summary`` counts the changes in one line and ``changes_outline`` lists them as a
first draft of the interpretation's 新旧政策差异 section.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ADDED",
    "CHANGED",
    "PAIR_SIMILARITY",
    "REMOVED",
    "SAME",
    "DiffRow",
    "changes_outline",
    "compare_versions",
    "diff_summary",
]

SAME = "same"
CHANGED = "changed"
ADDED = "added"
REMOVED = "removed"

# Two paragraphs at least this similar (difflib's ratio of matching characters) are one paragraph
# revised; below it they are one removed and one added.
PAIR_SIMILARITY = 0.5
# Replaced runs larger than this many pairs are not aligned pair by pair (the cost grows with the
# product); their paragraphs are paired in order while similar enough.
_MAX_ALIGNED_PAIRS = 2500
# An unchanged stretch this short between two changed stretches of at least _MERGE_MIN characters
# is highlighted with them, so a rewritten clause shows as one mark rather than a comb broken by
# a shared 的 or 和; single changed characters (2020 → 2024) keep their exact marks.
_MERGE_GAP = 1
_MERGE_MIN = 2


@dataclass(frozen=True)
class DiffRow:
    """One row of the side-by-side view.

    ``kind`` is "same", "changed", "added" or "removed"; ``old``/``new`` are the paragraphs ("" on
    the side that has none). For "changed" rows ``old_spans``/``new_spans`` are the ``(start,
    end)`` character ranges of each side that differ from the other.
    """

    kind: str
    old: str
    new: str
    old_spans: tuple[tuple[int, int], ...] = ()
    new_spans: tuple[tuple[int, int], ...] = ()


def _matcher(a: Sequence[str], b: Sequence[str]) -> difflib.SequenceMatcher[str]:
    # autojunk would treat frequent characters (的, 和, ，) in long paragraphs as noise.
    return difflib.SequenceMatcher(None, a, b, autojunk=False)


def similarity(old: str, new: str) -> float:
    """difflib's ratio of the characters two paragraphs share, cheap bounds first."""
    matcher = _matcher(old, new)
    if matcher.real_quick_ratio() < PAIR_SIMILARITY or matcher.quick_ratio() < PAIR_SIMILARITY:
        return 0.0
    return matcher.ratio()


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if (
            merged
            and start - merged[-1][1] <= _MERGE_GAP
            and end - start >= _MERGE_MIN
            and merged[-1][1] - merged[-1][0] >= _MERGE_MIN
        ):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def character_spans(
    old: str, new: str
) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """The ranges of ``old`` and of ``new`` that differ from the other, character by character."""
    old_spans: list[tuple[int, int]] = []
    new_spans: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in _matcher(old, new).get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            old_spans.append((i1, i2))
        if j2 > j1:
            new_spans.append((j1, j2))
    return _merge(old_spans), _merge(new_spans)


def _changed(old: str, new: str) -> DiffRow:
    old_spans, new_spans = character_spans(old, new)
    return DiffRow(CHANGED, old, new, old_spans, new_spans)


def _align(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """The pairs ``(i, j)`` of a replaced run, in order on both sides, of greatest total
    similarity among those at least ``PAIR_SIMILARITY`` alike."""
    n, m = len(old), len(new)
    if n * m > _MAX_ALIGNED_PAIRS:
        pairs = []
        for k in range(min(n, m)):
            if similarity(old[k], new[k]) >= PAIR_SIMILARITY:
                pairs.append((k, k))
        return pairs
    score = [[similarity(a, b) for b in new] for a in old]
    # best[i][j]: the best total for old[i:] and new[j:].
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = score[i][j] + best[i + 1][j + 1] if score[i][j] >= PAIR_SIMILARITY else -1.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    pairs = []
    i = j = 0
    while i < n and j < m:
        s = score[i][j]
        if s >= PAIR_SIMILARITY and best[i][j] == s + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def compare_versions(old: Sequence[str], new: Sequence[str]) -> list[DiffRow]:
    """The rows of the side-by-side view of two versions, in reading order.

    Within a replaced run, paragraphs removed or added before a revised pair come right before it
    (removed first), so each row stands where it stands in the documents.
    """
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in _matcher(old, new).get_opcodes():
        if tag == "equal":
            rows.extend(DiffRow(SAME, p, p) for p in old[i1:i2])
        elif tag == "delete":
            rows.extend(DiffRow(REMOVED, p, "") for p in old[i1:i2])
        elif tag == "insert":
            rows.extend(DiffRow(ADDED, "", p) for p in new[j1:j2])
        else:
            block_old, block_new = old[i1:i2], new[j1:j2]
            i = j = 0
            for pi, pj in (*_align(block_old, block_new), (len(block_old), len(block_new))):
                rows.extend(DiffRow(REMOVED, p, "") for p in block_old[i:pi])
                rows.extend(DiffRow(ADDED, "", p) for p in block_new[j:pj])
                if pi < len(block_old) and pj < len(block_new):
                    rows.append(_changed(block_old[pi], block_new[pj]))
                i, j = pi + 1, pj + 1
    return rows


def _counts(rows: Sequence[DiffRow]) -> tuple[int, int, int]:
    changed = sum(1 for r in rows if r.kind == CHANGED)
    added = sum(1 for r in rows if r.kind == ADDED)
    removed = sum(1 for r in rows if r.kind == REMOVED)
    return changed, added, removed


def diff_summary(rows: Sequence[DiffRow]) -> str:
    """One line such as "修改 3 段，新增 2 段，删除 1 段"; "两个版本内容相同" without changes."""
    changed, added, removed = _counts(rows)
    parts = [
        f"{word} {count} 段"
        for word, count in (("修改", changed), ("新增", added), ("删除", removed))
        if count
    ]
    return "，".join(parts) if parts else "两个版本内容相同"


# Excerpts: an added or removed paragraph is quoted up to this many characters; a revised one
# around its changes, widened to the nearest punctuation within _REACH characters.
_MAX_QUOTE = 80
_REACH = 20
_BREAKS = set("。；，、：！？;,:!?")
_ELLIPSIS = "……"
_CLOSING = set("。；;！？!?”’」』）)》")


def _shorten(text: str, limit: int = _MAX_QUOTE) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    # End at a punctuation mark in the last third rather than mid-word when there is one.
    for k in range(len(cut) - 1, limit * 2 // 3, -1):
        if cut[k] in _BREAKS:
            cut = cut[: k + 1] if cut[k] in "。；;！？!?" else cut[:k]
            break
    return cut + _ELLIPSIS


def _window(text: str, start: int, end: int) -> str:
    """``text[start:end]`` widened to whole clauses, with …… where the paragraph goes on."""
    lo = start
    while lo > 0 and start - lo < _REACH and text[lo - 1] not in _BREAKS:
        lo -= 1
    if lo > 0 and text[lo - 1] not in _BREAKS:
        lo = start  # no clause start nearby: begin at the change itself
    hi = end
    while hi < len(text) and hi - end < _REACH and text[hi] not in _BREAKS:
        hi += 1
    if hi < len(text) and text[hi] not in _BREAKS:
        hi = end
    rest = text[hi:]
    if rest and all(ch in _CLOSING for ch in rest):
        hi = len(text)  # only the final full stop is left: keep it
    excerpt = text[lo:hi]
    tail = hi < len(text)
    if len(excerpt) > _MAX_QUOTE:
        excerpt, tail = excerpt[:_MAX_QUOTE], True
    return (_ELLIPSIS if lo > 0 else "") + excerpt + (_ELLIPSIS if tail else "")


def _revision(old: str, new: str) -> tuple[str, str]:
    """The changed part of a revised paragraph on each side, as excerpts."""
    ops = [op for op in _matcher(old, new).get_opcodes() if op[0] != "equal"]
    if not ops:
        return _shorten(old), _shorten(new)
    i1, j1 = ops[0][1], ops[0][3]
    i2, j2 = ops[-1][2], ops[-1][4]
    return _window(old, i1, i2), _window(new, j1, j2)


def changes_outline(rows: Sequence[DiffRow], limit: int = 20) -> str:
    """A plain-text first draft of 新旧政策差异: a line with the counts, then one numbered line
    per added, removed or revised paragraph (at most ``limit``; a last line says how many more).

    Empty when the versions are the same.
    """
    changes = [r for r in rows if r.kind != SAME]
    if not changes:
        return ""
    lines = [f"与原政策相比，{diff_summary(rows)}。主要变化如下："]
    for n, row in enumerate(changes[: max(limit, 0)], start=1):
        if row.kind == ADDED:
            lines.append(f"{n}. 新增：{_shorten(row.new)}")
        elif row.kind == REMOVED:
            lines.append(f"{n}. 删除：{_shorten(row.old)}")
        else:
            before, after = _revision(row.old, row.new)
            lines.append(f"{n}. 修改：原为“{before}”，现为“{after}”")
    rest = len(changes) - max(limit, 0)
    if rest > 0:
        lines.append(f"另有 {rest} 处变化，详见新旧版本对照。")
    return "\n".join(lines)
