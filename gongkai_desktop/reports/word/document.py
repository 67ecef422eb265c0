"""``OfficialDocument``: builds a Word document in the official layout of GB/T 9704-2012.

Blocks are appended in reading order: title, optional subtitle, headings, paragraphs, tables,
notes, a closing date line. The builder writes the formatting as direct properties on every
paragraph and run (and the same values into the styles), so the document looks right in Word,
WPS and LibreOffice alike and keeps its look when pasted elsewhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx.document import Document

from ...domain.numerals import chinese_numeral
from ...fileio import atomic_path
from . import _ooxml as ox
from . import template
from .fonts import SIZE_2HAO, SIZE_3HAO, SIZE_4HAO, SIZE_5HAO, SIZE_XIAO4, WordFonts
from .table import CellLike, TableStyle, build_table, column_widths, layout_grid
from .title_lines import break_title, display_width


def heading_number(level: int, n: int) -> str:
    """The number prefix of the ``n``-th heading of a level: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{chinese_numeral(n)}、"
    if level == 2:
        return f"（{chinese_numeral(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"heading levels run from 1 to 4, not {level}")


def chinese_date(d: dt.date) -> str:
    """A 成文日期 as GB/T 9704 writes it: 2026年1月20日 (Arabic numerals, no leading zeros)."""
    return f"{d.year}年{d.month}月{d.day}日"


DRAFT_MARK = "草稿（未经审签，不得公开）"


def signature_offsets(issuer: str | None, date: str) -> list[tuple[str, float]]:
    """The signature lines with their distance from the right margin in characters.

    GB/T 9704, 7.3.5.2: the issuer 右空二字, the date's first character two to the right of the
    issuer's first; when the date would then come closer than two characters to the margin,
    the date stands 右空二字 and the issuer moves left.
    """
    date_width = display_width(date)
    if not issuer:
        return [(date, 2.0)]
    issuer_width = display_width(issuer)
    date_right = issuer_width - date_width
    if date_right >= 2:
        return [(issuer, 2.0), (date, date_right)]
    return [(issuer, date_width + 4 - issuer_width), (date, 2.0)]


# 2号 characters on one line of the 156 mm type area.
TITLE_CAPACITY = float(template.TEXT_WIDTH // ox.pt_to_twips(SIZE_2HAO))


def _lines(text: str) -> list[str]:
    # Users indent by typing spaces (often the full-width U+3000); the layout indents itself.
    return [line.strip() for line in text.splitlines() if line.strip()]


class OfficialDocument:
    """A Word document in the GB/T 9704-2012 layout, built block by block.

    ``fonts`` names the font of each part (see :class:`WordFonts`); ``table_font_size`` is the
    default point size of table text (五号, 10.5 pt).
    """

    def __init__(
        self, fonts: WordFonts | None = None, *, table_font_size: float = SIZE_5HAO
    ) -> None:
        self.fonts = fonts if fonts is not None else WordFonts()
        self.table_font_size = table_font_size
        self._document = template.new_document(self.fonts)
        self._sect_pr = self._document.element.body.sectPr
        self._heading_counts = [0, 0, 0, 0]
        self._after_title = False
        self._break_pending = False
        self._last_block: str | None = None
        self._has_title = False
        self._add_page_numbers()

    # -- formats -------------------------------------------------------------------------------

    def _body_run(self, bold: bool = False, font: str | None = None) -> ox.RunFormat:
        """3号 text in ``font`` (the body font by default), condensed to 28 characters a line."""
        return ox.RunFormat(
            font or self.fonts.body,
            self.fonts.latin,
            SIZE_3HAO,
            bold=bold,
            spacing=template.BODY_CONDENSE,
        )

    @staticmethod
    def _body_para(indent: bool = True) -> ox.ParaFormat:
        return ox.ParaFormat(
            align="both",
            line=template.LINE_PITCH,
            before=0,
            after=0,
            first_line_chars=200 if indent else 0,
            snap_to_grid=False,
        )

    # -- blocks --------------------------------------------------------------------------------

    def _append(self, element: Any, kind: str) -> None:
        self._sect_pr.addprevious(element)
        self._last_block = kind

    def _start_block(self, kind: str, fmt: ox.ParaFormat | None) -> ox.ParaFormat | None:
        """Housekeeping before a block: the gap under the title, a pending page break.

        Returns ``fmt`` with a page break before it when one is pending.
        """
        page_break, self._break_pending = self._break_pending, False
        if kind not in ("title", "subtitle") and self._after_title:
            self._after_title = False
            # GB/T 9704: one empty line between the title and the text under it.
            gap = dataclasses.replace(self._body_para(), page_break_before=page_break)
            self._append(ox.paragraph(gap, None, self._body_run()), "blank")
            page_break = False
        if page_break:
            if fmt is not None:
                return dataclasses.replace(fmt, page_break_before=True)
            self._append(self._page_break_paragraph(), "break")
        elif kind == "table" and self._last_block == "table":
            # Word joins two tables that touch; a thin empty line keeps them apart.
            tiny = ox.RunFormat(self.fonts.body, self.fonts.latin, 1.0)
            spacer = ox.ParaFormat(line=ox.pt_to_twips(6), before=0, after=0, snap_to_grid=False)
            self._append(ox.paragraph(spacer, None, tiny), "blank")
        return fmt

    def _page_break_paragraph(self) -> Any:
        tiny = ox.RunFormat(self.fonts.body, self.fonts.latin, 1.0)
        fmt = ox.ParaFormat(line=20, before=0, after=0, snap_to_grid=False)
        p = ox.paragraph(fmt, None, tiny)
        r = ox.w_el("r")
        r.append(ox.w_el("br", type="page"))
        p.append(r)
        return p

    def _add_paragraph(
        self, kind: str, fmt: ox.ParaFormat, text: str | None, run_fmt: ox.RunFormat
    ) -> None:
        fmt = self._start_block(kind, fmt) or fmt
        self._append(ox.paragraph(fmt, text, run_fmt), kind)

    def title(self, text: str, *, keep: Sequence[str] = ()) -> None:
        """The document title: 2号, centred, in the title font.

        A ``\\n`` breaks the line where the caller wants; otherwise a title longer than a line
        is broken between words into even lines (``keep`` names phrases, such as the unit's
        name, that stay whole).
        """
        lines = _lines(text)
        if len(lines) == 1:
            lines = break_title(lines[0], TITLE_CAPACITY, keep)
        text = "\n".join(lines)
        fmt = dataclasses.replace(template.title_paragraph_format(), style="Title")
        run_fmt = ox.RunFormat(
            self.fonts.title, self.fonts.latin, SIZE_2HAO, bold=self.fonts.title_bold
        )
        self._add_paragraph("title", fmt, text, run_fmt)
        self._after_title = True
        if not self._has_title:
            self._has_title = True
            self._document.core_properties.title = text.replace("\n", "")

    def subtitle(self, text: str) -> None:
        """A line under the title (e.g. ``（2024年度）``): 3号 楷体, centred."""
        fmt = ox.ParaFormat(
            style="Subtitle",
            align="center",
            line=template.LINE_PITCH,
            before=0,
            after=0,
            first_line_chars=0,
            keep_next=True,
            snap_to_grid=False,
        )
        run_fmt = self._body_run(font=self.fonts.heading2)
        self._add_paragraph("subtitle", fmt, "\n".join(_lines(text)), run_fmt)
        self._after_title = True

    def heading(self, text: str, level: int = 1, *, numbered: bool = False) -> None:
        """A heading: level 1 黑体 (一、), 2 楷体 (（一）), 3 and 4 bold body font (1. and （1）).

        With ``numbered`` the number is generated (the count restarts under each higher
        heading); otherwise ``text`` is written as given and should carry its own number.
        """
        if level not in (1, 2, 3, 4):
            raise ValueError(f"heading levels run from 1 to 4, not {level}")
        counts = self._heading_counts
        counts[level - 1] += 1
        for deeper in range(level, len(counts)):
            counts[deeper] = 0
        text = " ".join(_lines(text))
        if numbered:
            text = heading_number(level, counts[level - 1]) + text
        font = {1: self.fonts.heading1, 2: self.fonts.heading2}.get(level, self.fonts.body)
        run_fmt = self._body_run(bold=level >= 3, font=font)
        fmt = dataclasses.replace(
            self._body_para(), style=f"Heading{level}", keep_next=True, outline_level=level - 1
        )
        self._add_paragraph("heading", fmt, text, run_fmt)

    def paragraph(self, text: str, *, bold: bool = False, indent: bool = True) -> None:
        """Body text: 3号, exact 28.9 pt lines, first line indented two characters.

        Each line of ``text`` becomes a paragraph; blank lines and leading spaces are dropped.
        """
        for line in _lines(text):
            self._add_paragraph("paragraph", self._body_para(indent), line, self._body_run(bold))

    def blank_line(self) -> None:
        """An empty line of body height."""
        self._add_paragraph("blank", self._body_para(), None, self._body_run())

    def note(self, text: str) -> None:
        """A small note (e.g. under a table): 小四, single spacing, no indent."""
        fmt = ox.ParaFormat(
            align="both",
            line=240,
            line_rule="auto",
            before=0,
            after=0,
            first_line_chars=0,
            snap_to_grid=False,
        )
        run_fmt = ox.RunFormat(self.fonts.body, self.fonts.latin, SIZE_XIAO4)
        for line in _lines(text):
            self._add_paragraph("note", fmt, line, run_fmt)

    def table(
        self,
        header_rows: Sequence[Sequence[CellLike]],
        rows: Sequence[Sequence[CellLike]],
        col_widths: Sequence[float] | None = None,
        *,
        font_size: float | None = None,
    ) -> None:
        """A full-width table with borders; header rows repeat on every page.

        Rows are lists of cells (:class:`Cell`, text, numbers or ``None``) in the layout
        described in :mod:`.table`: ``Cell(rowspan=…, colspan=…)`` merges, and places covered
        by a cell from an earlier row are left out. ``col_widths`` are relative weights.
        """
        n_cols, grid = layout_grid(header_rows, rows)
        widths = column_widths(n_cols, col_widths, template.TEXT_WIDTH)
        style = TableStyle(
            self.fonts.table,
            self.fonts.latin,
            font_size if font_size is not None else self.table_font_size,
        )
        self._start_block("table", None)
        self._append(build_table(grid, len(header_rows), widths, style), "table")

    def date_line(self, date: str, *, issuer: str | None = None) -> None:
        """The signature after one empty line: issuer and 成文日期 (GB/T 9704, 7.3.5.2).

        The issuer stands two characters in from the right and the date starts two characters
        to the right of the issuer's first character; a date longer than that allows moves the
        issuer left instead, so the date keeps two characters from the right.
        """
        # The signature never stands alone on a page: the last line of text comes with it.
        self._keep_last_with_next()
        self._add_paragraph(
            "blank", dataclasses.replace(self._body_para(), keep_next=True), None, self._body_run()
        )
        lines = signature_offsets(issuer, date)
        for n, (line, right) in enumerate(lines, 1):
            fmt = ox.ParaFormat(
                align="right",
                line=template.LINE_PITCH,
                before=0,
                after=0,
                first_line_chars=0,
                # Hundredths of a character; Word reads the Chars value, others the twips.
                right_chars=round(right * 100),
                snap_to_grid=False,
                keep_next=n < len(lines),
            )
            self._add_paragraph("date", fmt, line, self._body_run())

    def _keep_last_with_next(self) -> None:
        last = self._sect_pr.getprevious()
        if last is None or last.tag != ox.qn("w:p"):
            return
        ppr = last.find(ox.qn("w:pPr"))
        if ppr is None or ppr.find(ox.qn("w:keepNext")) is not None:
            return
        style = ppr.find(ox.qn("w:pStyle"))
        keep = ox.w_el("keepNext")
        if style is not None:
            style.addnext(keep)
        else:
            ppr.insert(0, keep)

    def page_break(self) -> None:
        """Start the next block on a new page (a trailing break adds no empty page)."""
        self._break_pending = True

    def draft_mark(self, text: str = DRAFT_MARK) -> None:
        """Mark every page as a draft: ``text`` in bold 黑体 at the top right of each page."""
        section = self._document.sections[0]
        run_fmt = ox.RunFormat(self.fonts.heading1, self.fonts.latin, SIZE_3HAO, bold=True)
        fmt = ox.ParaFormat(align="right", line=240, line_rule="auto", before=0, after=0)
        for header in (section.header, section.even_page_header):
            header.is_linked_to_previous = False
            hdr = header.part.element
            for child in list(hdr):
                hdr.remove(child)
            hdr.append(ox.paragraph(fmt, text, run_fmt))
        self._document.core_properties.category = "草稿"

    # -- page numbers --------------------------------------------------------------------------

    def _add_page_numbers(self) -> None:
        section = self._document.sections[0]
        for footer, side, placeholder in (
            (section.footer, "right", "1"),
            (section.even_page_footer, "left", "2"),
        ):
            footer.is_linked_to_previous = False
            ftr = footer.part.element
            for child in list(ftr):
                ftr.remove(child)
            ftr.append(self._page_number_paragraph(side, placeholder))

    def _page_number_paragraph(self, side: str, placeholder: str) -> Any:
        name = self.fonts.page_number
        run_fmt = ox.RunFormat(name, name, SIZE_4HAO)
        p = ox.w_el("p")
        p.append(ox.ppr(template.footer_paragraph_format(side), mark=run_fmt))
        p.append(ox.run("— ", run_fmt))
        for r in ox.page_field_runs(run_fmt, placeholder):
            p.append(r)
        p.append(ox.run(" —", run_fmt))
        return p

    # -- output --------------------------------------------------------------------------------

    @property
    def document(self) -> Document:
        """The underlying python-docx document, for anything the builder does not cover."""
        return self._document

    def to_bytes(self) -> bytes:
        """The .docx file as bytes."""
        buffer = io.BytesIO()
        self._document.save(buffer)
        return buffer.getvalue()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the .docx to ``path`` through a temporary file, so a failure leaves no part."""
        target = Path(path)
        with atomic_path(target) as tmp:
            self._document.save(str(tmp))
        return target
