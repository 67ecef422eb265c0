"""Breaking a document title into lines as GB/T 9704-2012 (7.3.3) asks.

A title longer than one line "回行时，要做到词意完整，排列对称，长短适宜，间距恰当", in a 梯形 or
菱形 shape: a line never ends inside a word, lines are of about the same length, and no line is a
stub such as a lone 「解读」. Words come from the jieba segmenter, taught the phrases of government
documents (「政策解读」「征求意见稿」「政府信息公开」…) that it would otherwise split; punctuation
sticks to its word (an opening 《 or （ to the word after it, a closing 》 ） 、 to the word before).
Among the break points that respect the words, the one with the most even lines is chosen.
"""

from __future__ import annotations

import functools
import logging
import math
import unicodedata
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)

# Phrases of official titles that must stay whole on one line. jieba's general dictionary
# splits several of them (「政策|解读」, 「实施|意见」, 「征求|意见稿」).
TITLE_PHRASES: tuple[str, ...] = (
    "政策解读",
    "实施意见",
    "实施方案",
    "实施细则",
    "实施办法",
    "管理办法",
    "暂行办法",
    "指导意见",
    "若干措施",
    "若干意见",
    "工作要点",
    "工作方案",
    "征求意见稿",
    "征求意见",
    "意见收集",
    "采纳情况",
    "情况说明",
    "政府信息公开",
    "政务公开",
    "年度报告",
    "工作年度报告",
    "工作情况",
    "督查情况",
    "通报",
    "高质量发展",
    "营商环境",
    "数字经济",
    "乡村振兴",
    "规范性文件",
    "建设用地",
    "行政规范性文件",
)

OPENING = "《（(“‘〈「『【〔"
CLOSING = "》）)”’〉」』】〕、，。；：！？,.;:!?"


def display_width(text: str) -> float:
    """Width in Chinese characters: full-width characters count 1, others one half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


@functools.cache
def _tokenizer() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for phrase in TITLE_PHRASES:
        tokenizer.add_word(phrase, freq=200_000)
    return tokenizer


# Words that lean on the word before them: a line must not start with 「的」.
_TRAILING = ("的", "之")


def _cut(text: str, keep: Sequence[str]) -> list[str]:
    """jieba's words, with the phrases in ``keep`` (the unit's name) left whole."""
    keep = sorted({k for k in keep if k and k in text}, key=len, reverse=True)
    if not keep:
        return [w for w in _tokenizer().cut(text, HMM=True) if w]
    phrase = keep[0]
    head, _, tail = text.partition(phrase)
    return [*_cut(head, keep[1:]), phrase, *_cut(tail, keep)]


def words(text: str, keep: Sequence[str] = ()) -> list[str]:
    """The unbreakable pieces of ``text``: words with their punctuation attached, a number with
    the word it counts (「2025年」), 「的」 with the word before it; phrases in ``keep`` whole."""
    merged: list[str] = []
    pending_open = ""
    for piece in _cut(text, keep):
        if all(ch in OPENING for ch in piece):
            pending_open += piece
            continue
        piece = pending_open + piece
        pending_open = ""
        if merged and all(ch in CLOSING for ch in piece):
            merged[-1] += piece
        else:
            merged.append(piece)
    if pending_open:
        merged.append(pending_open)
    pieces: list[str] = []
    for piece in merged:
        if pieces and (piece in _TRAILING or pieces[-1].isascii() and pieces[-1].isdigit()):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return pieces


def _cost(lines: Sequence[float], capacity: float) -> float | None:
    if any(w > capacity for w in lines):
        return None
    mean = sum(lines) / len(lines)
    # Even lines first; a short last line is worse than a short first one (倒梯形 reads badly
    # when it ends on a stub).
    spread = sum((w - mean) ** 2 for w in lines)
    stub = max(0.0, mean / 2 - lines[-1]) * 4
    return spread + stub


def break_title(text: str, capacity: float, keep: Sequence[str] = ()) -> list[str]:
    """``text`` as the fewest lines of at most ``capacity`` characters, broken between words
    (``keep`` names phrases such as the unit's name that stay whole) and as even as possible.
    A word longer than a line is broken where it must be."""
    text = "".join(text.split())
    if display_width(text) <= capacity:
        return [text]
    pieces = words(text, keep)
    widths = [display_width(p) for p in pieces]
    n_lines = max(2, math.ceil(sum(widths) / capacity))
    best: tuple[float, list[int]] | None = None
    while best is None and n_lines <= len(pieces):
        best = _best_breaks(widths, n_lines, capacity)
        n_lines += 1
    if best is None:
        # A single word wider than a line: break by width alone.
        return _hard_break(text, capacity)
    lines, start = [], 0
    for end in [*best[1], len(pieces)]:
        lines.append("".join(pieces[start:end]))
        start = end
    return lines


def _best_breaks(
    widths: Sequence[float], n_lines: int, capacity: float
) -> tuple[float, list[int]] | None:
    """The break indices (into ``widths``) giving ``n_lines`` lines with the lowest cost."""
    n = len(widths)
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    best: tuple[float, list[int]] | None = None

    def walk(start: int, left: int, breaks: list[int]) -> None:
        nonlocal best
        if left == 1:
            cuts = [0, *breaks, n]
            lines = [prefix[b] - prefix[a] for a, b in zip(cuts, cuts[1:], strict=False)]
            cost = _cost(lines, capacity)
            if cost is not None and (best is None or cost < best[0]):
                best = (cost, list(breaks))
            return
        for cut in range(start + 1, n - left + 2):
            if prefix[cut] - prefix[start] > capacity:
                break
            walk(cut, left - 1, [*breaks, cut])

    walk(0, n_lines, [])
    return best


def _hard_break(text: str, capacity: float) -> list[str]:
    lines, line, width = [], "", 0.0
    for ch in text:
        w = display_width(ch)
        if width + w > capacity and line:
            lines.append(line)
            line, width = "", 0.0
        line += ch
        width += w
    if line:
        lines.append(line)
    return lines
