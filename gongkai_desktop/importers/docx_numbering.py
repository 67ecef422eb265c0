"""Word's automatic list numbers (一、 1. （一） …) as text, so that a document read paragraph by
paragraph keeps the numbers its reader saw: python-docx gives a paragraph's text without them.

``ListNumbering(document).prefix(paragraph)``, called for the paragraphs in document order, gives
each paragraph's number as Word would render it (counters per list, restarts, start overrides,
the level's format: Chinese, decimal, full-width, letters, roman; bullets give nothing).

The file is untrusted: a start value (``w:start``, ``w:startOverride``) is kept within
0..``MAX_NUMBER``, and a number beyond that (reached by counting) is written in decimal, so no
crafted value makes a number thousands of letters long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from ..domain.numerals import chinese_numeral

# No real list counts this far; start values beyond it are taken as this.
MAX_NUMBER = 10_000
# Letters repeat once per 26 (AA, AAA …): beyond 30 of them the number is written in decimal.
_MAX_LETTERS = 26 * 30


class ListNumbering:
    """The numbering state of one document while its paragraphs are read in order."""

    def __init__(self, document: Any) -> None:
        self.abstracts, self.nums = numbering_definitions(document)
        self.counters: dict[str, list[int | None]] = {}
        self.seen_nums: set[str] = set()
        # The numbering each paragraph style gives, looked up once per style: python-docx's own
        # style lookup searches the styles part on every call (seconds over thousands of
        # paragraphs).
        self._by_style: dict[str | None, tuple[Any, ...]] = {}

    def prefix(self, paragraph: Any) -> str:
        """The number Word shows before ``paragraph`` ("" when it is not in a numbered list)."""
        ref = self._num_ref(paragraph)
        if ref is None or ref[0] not in self.nums:
            return ""
        num_id, level_index = ref
        num = self.nums[num_id]
        levels = self.abstracts.get(num.abstract_id, {})
        if level_index not in levels:
            return ""
        state = self.counters.setdefault(num.abstract_id, [None] * 9)
        if num_id not in self.seen_nums:
            self.seen_nums.add(num_id)
            for overridden, start in num.start_overrides.items():
                state[overridden] = start - 1
        return _next_number(levels, state, level_index)

    def _num_ref(self, paragraph: Any) -> tuple[str, int] | None:
        """(numId, level) of a paragraph's numbering, set directly or through its style chain."""
        ppr = paragraph._p.pPr
        style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
        chain = self._by_style.get(style_id)
        if chain is None:
            chain = self._by_style[style_id] = _style_chain(paragraph)
        return _first_num_ref((ppr, *chain))


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str
    restart: int | None  # w:lvlRestart; None = after any higher level, 0 = never


@dataclass(frozen=True)
class _Num:
    abstract_id: str
    start_overrides: dict[int, int]


_CHINESE_FORMATS = frozenset(
    ("chineseCounting", "chineseCountingThousand", "ideographDigital", "taiwaneseCounting")
)
_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
    (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def numbering_definitions(document: Any) -> tuple[dict[str, dict[int, _Level]], dict[str, _Num]]:
    try:
        numbering = document.part.part_related_by(RT.NUMBERING).element
    except KeyError:
        return {}, {}
    abstracts: dict[str, dict[int, _Level]] = {}
    for abstract in numbering.findall(qn("w:abstractNum")):
        levels: dict[int, _Level] = {}
        for lvl in abstract.findall(qn("w:lvl")):
            index = _int(lvl.get(qn("w:ilvl")))
            if index is None or not 0 <= index < 9:
                continue
            start = _int(_child_val(lvl, "w:start"))
            levels[index] = _Level(
                start=1 if start is None else _clamp(start),
                fmt=_child_val(lvl, "w:numFmt") or "decimal",
                text=_child_val(lvl, "w:lvlText") or "",
                restart=_int(_child_val(lvl, "w:lvlRestart")),
            )
        abstract_id = abstract.get(qn("w:abstractNumId"))
        if abstract_id is not None:
            abstracts[abstract_id] = levels
    nums: dict[str, _Num] = {}
    for num in numbering.findall(qn("w:num")):
        num_id = num.get(qn("w:numId"))
        abstract_id = _child_val(num, "w:abstractNumId")
        if num_id is None or abstract_id is None:
            continue
        overrides: dict[int, int] = {}
        for override in num.findall(qn("w:lvlOverride")):
            index = _int(override.get(qn("w:ilvl")))
            start = _int(_child_val(override, "w:startOverride"))
            if index is not None and 0 <= index < 9 and start is not None:
                overrides[index] = _clamp(start)
        nums[num_id] = _Num(abstract_id, overrides)
    return abstracts, nums


def _style_chain(paragraph: Any) -> tuple[Any, ...]:
    """The paragraph properties of a paragraph's style and the styles it is based on."""
    candidates: list[Any] = []
    style = paragraph.style
    for _ in range(20):  # a basedOn chain is short; a cycle must not hang the import
        if style is None:
            break
        candidates.append(style.element.pPr)
        style = style.base_style
    return tuple(candidates)


def _first_num_ref(candidates: tuple[Any, ...]) -> tuple[str, int] | None:
    for ppr in candidates:
        if ppr is None:
            continue
        num_pr = ppr.find(qn("w:numPr"))
        if num_pr is None:
            continue
        num_id = _child_val(num_pr, "w:numId")
        if num_id is None:
            continue
        if num_id == "0":  # numbering explicitly removed
            return None
        level = _int(_child_val(num_pr, "w:ilvl")) or 0
        return (num_id, level) if 0 <= level < 9 else None
    return None


def _next_number(levels: dict[int, _Level], state: list[int | None], index: int) -> str:
    level = levels[index]
    current = state[index]
    state[index] = level.start if current is None else current + 1
    for deeper in range(index + 1, 9):
        restart = levels[deeper].restart if deeper in levels else None
        # w:lvlRestart n (1-based) restarts the level after a paragraph at level n or higher.
        if restart is None or (restart != 0 and index < restart):
            state[deeper] = None
    if level.fmt in ("bullet", "none"):
        return ""

    def render(match: re.Match[str]) -> str:
        referenced = int(match.group(1)) - 1
        ref_level = levels.get(referenced)
        if ref_level is None:
            return ""
        value = state[referenced]
        return _format_number(ref_level.start if value is None else value, ref_level.fmt)

    return re.sub(r"%([1-9])", render, level.text)


def _format_number(value: int, fmt: str) -> str:
    if value > MAX_NUMBER:
        return str(value)
    if fmt in _CHINESE_FORMATS and 0 < value < 100:
        return chinese_numeral(value)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("upperLetter", "lowerLetter") and 0 < value <= _MAX_LETTERS:
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 0 < value < 4000:
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(value)


def _roman(value: int) -> str:
    out = []
    for number, letters in _ROMAN:
        count, value = divmod(value, number)
        out.append(letters * count)
    return "".join(out)


def _child_val(element: Any, tag: str) -> str | None:
    child = element.find(qn(tag))
    return None if child is None else child.get(qn("w:val"))


def _clamp(start: int) -> int:
    return min(max(start, 0), MAX_NUMBER)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None
