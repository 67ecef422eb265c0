"""Small builders for WordprocessingML elements, written in the order the schema requires.

python-docx covers common formatting but not East-Asian font slots, character-unit indents, table
header flags or fields, so the writer builds those elements itself. Every builder returns a fresh
element; callers insert it. Lengths are in twips (1/20 pt) unless a name says otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

TWIPS_PER_PT = 20
TWIPS_PER_MM = 1440 / 25.4

# Characters XML 1.0 cannot carry (text pasted from spreadsheets sometimes holds them).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Drop characters an XML part cannot hold."""
    return _XML_ILLEGAL.sub("", text)


def pt_to_twips(pt: float) -> int:
    return round(pt * TWIPS_PER_PT)


def mm_to_twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def w_el(tag: str, **attrs: str | int) -> Any:
    """A ``w:`` element with ``w:`` attributes (``w_el("jc", val="center")``)."""
    return OxmlElement(f"w:{tag}", {qn(f"w:{k}"): str(v) for k, v in attrs.items()})


@dataclass(frozen=True)
class RunFormat:
    """Character formatting applied to a run (and to a paragraph mark)."""

    east_asia: str
    latin: str
    size_pt: float
    bold: bool = False
    # Letter spacing in twips (negative condenses): 3号 body text is set 0.3 pt tight so 28
    # characters fill the 156 mm type line, as the page's character grid says.
    spacing: int = 0


def rfonts(east_asia: str, latin: str) -> Any:
    # hint=eastAsia makes Word draw the characters Unicode leaves ambiguous (“ ” — … ·) with
    # the Chinese font, as Word itself does for text typed with a Chinese input method.
    return w_el("rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin, hint="eastAsia")


def rpr(fmt: RunFormat, tag: str = "rPr") -> Any:
    """``w:rPr`` (or the same content under another tag) for ``fmt``."""
    el = w_el(tag)
    el.append(rfonts(fmt.east_asia, fmt.latin))
    if fmt.bold:
        el.append(w_el("b"))
        el.append(w_el("bCs"))
    if fmt.spacing:
        el.append(w_el("spacing", val=fmt.spacing))
    half_points = round(fmt.size_pt * 2)
    el.append(w_el("sz", val=half_points))
    el.append(w_el("szCs", val=half_points))
    return el


def run(text: str, fmt: RunFormat) -> Any:
    """``w:r`` holding ``text``; newlines become line breaks inside the paragraph."""
    r = w_el("r")
    r.append(rpr(fmt))
    for i, line in enumerate(clean_text(text).split("\n")):
        if i:
            r.append(w_el("br"))
        if line:
            t = w_el("t")
            t.text = line
            if line != line.strip():
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r.append(t)
    return r


@dataclass(frozen=True)
class ParaFormat:
    """Paragraph formatting; ``None`` leaves a property to the style.

    ``line`` with ``line_rule="exact"`` is a fixed line height in twips; with ``"auto"`` it is in
    240ths of a line (240 = single). Indents given in characters are hundredths of a character
    (200 = two characters), written with a twips equivalent for readers that ignore them.
    """

    style: str | None = None
    align: str | None = None
    line: int | None = None
    line_rule: str = "exact"
    before: int | None = None
    after: int | None = None
    first_line_chars: int | None = None
    left_chars: int | None = None
    right_chars: int | None = None
    char_twips: int = 320
    keep_next: bool = False
    keep_lines: bool = False
    widow_control: bool | None = None
    snap_to_grid: bool | None = None
    outline_level: int | None = None
    page_break_before: bool = False


def ppr(fmt: ParaFormat, mark: RunFormat | None = None) -> Any:
    """``w:pPr`` for ``fmt``; ``mark`` formats the paragraph mark (sets an empty line's height)."""
    el = w_el("pPr")
    if fmt.style:
        el.append(w_el("pStyle", val=fmt.style))
    if fmt.keep_next:
        el.append(w_el("keepNext"))
    if fmt.keep_lines:
        el.append(w_el("keepLines"))
    if fmt.page_break_before:
        el.append(w_el("pageBreakBefore"))
    if fmt.widow_control is not None:
        el.append(w_el("widowControl", val=int(fmt.widow_control)))
    if fmt.snap_to_grid is not None:
        el.append(w_el("snapToGrid", val=int(fmt.snap_to_grid)))
    spacing: dict[str, str | int] = {}
    if fmt.before is not None:
        spacing["before"] = fmt.before
    if fmt.after is not None:
        spacing["after"] = fmt.after
    if fmt.line is not None:
        spacing["line"] = fmt.line
        spacing["lineRule"] = fmt.line_rule
    if spacing:
        el.append(w_el("spacing", **spacing))
    ind: dict[str, str | int] = {}
    if fmt.left_chars is not None:
        ind["left"] = fmt.left_chars * fmt.char_twips // 100
        ind["leftChars"] = fmt.left_chars
    if fmt.right_chars is not None:
        ind["right"] = fmt.right_chars * fmt.char_twips // 100
        ind["rightChars"] = fmt.right_chars
    if fmt.first_line_chars is not None:
        ind["firstLine"] = fmt.first_line_chars * fmt.char_twips // 100
        ind["firstLineChars"] = fmt.first_line_chars
    if ind:
        el.append(w_el("ind", **ind))
    if fmt.align:
        el.append(w_el("jc", val=fmt.align))
    if fmt.outline_level is not None:
        el.append(w_el("outlineLvl", val=fmt.outline_level))
    if mark is not None:
        el.append(rpr(mark))
    return el


def paragraph(fmt: ParaFormat, text: str | None, run_fmt: RunFormat) -> Any:
    """``w:p`` with one run of ``text`` (or none, for an empty line of the run's height)."""
    p = w_el("p")
    p.append(ppr(fmt, mark=run_fmt))
    if text:
        p.append(run(text, run_fmt))
    return p


def page_field_runs(fmt: RunFormat, placeholder: str) -> list[Any]:
    """Runs of a PAGE field (begin, instruction, separator, cached result, end)."""
    runs = []
    for kind in ("begin", None, "separate", "result", "end"):
        r = w_el("r")
        r.append(rpr(fmt))
        if kind is None:
            instr = w_el("instrText")
            instr.text = " PAGE "
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r.append(instr)
        elif kind == "result":
            t = w_el("t")
            t.text = placeholder
            r.append(t)
        else:
            r.append(w_el("fldChar", fldCharType=kind))
        runs.append(r)
    return runs
