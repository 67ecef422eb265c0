"""Small, generic helpers for report workbooks: header style, widths, sheet titles, colours, charts.

They work on normal (not write-only) openpyxl worksheets; the evaluation workbook and the ledgers
share them so every sheet the app writes looks the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FONT = Font(bold=True, color="1F1F1F")
HEADER_FILL = PatternFill(fill_type="solid", fgColor="DDEBF7")
# Required columns get a warmer fill; the instructions sheet explains the colour.
REQUIRED_FILL = PatternFill(fill_type="solid", fgColor="FCE4D6")
_THIN = Side(style="thin", color="A6A6A6")
HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)

MAX_SHEET_TITLE = 31
_BAD_TITLE_CHARS = re.compile(r"[\\*?:/\[\]]")


def style_header_cell(cell: Any, *, required: bool = False) -> None:
    """Give one cell the header look: bold, filled, bordered, centred and wrapped."""
    cell.font = HEADER_FONT
    cell.fill = REQUIRED_FILL if required else HEADER_FILL
    cell.border = HEADER_BORDER
    cell.alignment = HEADER_ALIGNMENT


def style_header_row(
    ws: Any,
    row: int = 1,
    ncols: int | None = None,
    *,
    first_col: int = 1,
    required: Collection[int] = (),
) -> None:
    """Style ``ncols`` cells of ``row`` (default: up to the sheet's last column) as a header.

    ``required`` holds the 1-based column numbers to mark as required.
    """
    if ncols is None:
        ncols = ws.max_column - first_col + 1
    for col in range(first_col, first_col + ncols):
        style_header_cell(ws.cell(row=row, column=col), required=col in required)


def display_width(value: object) -> float:
    """Approximate width of a value in Excel's character units; CJK and full-width count twice."""
    if value is None:
        return 0.0
    text = value if isinstance(value, str) else str(value)
    longest = 0.0
    for line in text.splitlines() or [""]:
        width = 0.0
        for ch in line:
            width += 2.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0
        longest = max(longest, width)
    return longest


def set_column_widths(ws: Any, widths: Sequence[float], *, first_col: int = 1) -> None:
    """Set the widths of consecutive columns starting at ``first_col``."""
    for offset, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(first_col + offset)].width = width


def autosize_columns(
    ws: Any,
    *,
    min_width: float = 6,
    max_width: float = 60,
    padding: float = 2,
    max_rows: int | None = 2000,
) -> dict[str, float]:
    """Fit each column's width to its longest value (looking at up to ``max_rows`` rows).

    Returns the widths set, by column letter. Long texts are capped at ``max_width``; give such
    columns wrapped alignment if they must show in full.
    """
    longest: dict[int, float] = {}
    rows: Iterable[tuple[Any, ...]] = ws.iter_rows(
        max_row=None if max_rows is None else min(ws.max_row, max_rows), values_only=True
    )
    for row in rows:
        for idx, value in enumerate(row, 1):
            if value is not None:
                width = display_width(value)
                if width > longest.get(idx, 0.0):
                    longest[idx] = width
    widths: dict[str, float] = {}
    for idx, width in longest.items():
        letter = get_column_letter(idx)
        widths[letter] = max(min_width, min(max_width, width + padding))
        ws.column_dimensions[letter].width = widths[letter]
    return widths


# Page N / M in the footer (Excel's header/footer codes &P and &N, as WPS and LibreOffice read).
PAGE_FOOTER = "第 &P 页 / 共 &N 页"
ROW_LINE_HEIGHT = 15.0  # points per line of 11 pt text, Chinese included


def set_print_layout(ws: Any, *, title_rows: str | None = "1:1", landscape: bool = True) -> None:
    """Print on A4 (landscape by default), all columns on one page width and as many pages down
    as needed, the header rows repeated on each page, and 第 N 页 / 共 M 页 in the footer.

    Works on normal and write-only sheets (for the latter, before the first row is written).
    """
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = PAGE_FOOTER
    ws.oddFooter.center.size = 9


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide."""
    usable = max(width - 1.0, 1.0)  # the cell's own padding
    return sum(max(1, -(-int(display_width(part) * 10) // int(usable * 10))) for part in text.split("\n"))


def fit_row_heights(ws: Any, first_row: int = 2, *, line_height: float = ROW_LINE_HEIGHT) -> None:
    """Give every row whose wrapped cells need more than one line the height of all its lines
    (Excel and LibreOffice do not grow rows written by a program when the file opens)."""
    merged = {c for r in ws.merged_cells.ranges for row in r.rows for c in row}
    widths: dict[int, float] = {}
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            if (cell.row, cell.column) in merged:
                continue
            width = widths.get(cell.column)
            if width is None:
                dim = ws.column_dimensions[get_column_letter(cell.column)]
                width = widths[cell.column] = float(dim.width or 8.43)
            lines = max(lines, wrapped_lines(str(cell.value), width))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = lines * line_height


def safe_sheet_title(title: str, existing: Iterable[str] = ()) -> str:
    """A valid, unique sheet title: no ``\\ * ? : / [ ]``, no edge apostrophes, ≤ 31 characters.

    Division names become sheet titles in reports, so anything a user typed must be made safe.
    """
    cleaned = _BAD_TITLE_CHARS.sub("_", ILLEGAL_CHARACTERS_RE.sub("", title)).strip().strip("'")
    cleaned = cleaned or "Sheet"
    taken = {t.casefold() for t in existing}
    candidate = cleaned[:MAX_SHEET_TITLE]
    n = 2
    while candidate.casefold() in taken or candidate.casefold() == "history":
        suffix = f"({n})"
        candidate = cleaned[: MAX_SHEET_TITLE - len(suffix)] + suffix
        n += 1
    return candidate


def add_color_scale(
    ws: Any,
    cell_range: str,
    *,
    low: str = "F8696B",
    mid: str | None = "FFEB84",
    high: str = "63BE7B",
) -> ColorScaleRule:
    """Colour a range from ``low`` (smallest value, red) through ``mid`` to ``high`` (green)."""
    if mid is None:
        rule = ColorScaleRule(start_type="min", start_color=low, end_type="max", end_color=high)
    else:
        rule = ColorScaleRule(
            start_type="min",
            start_color=low,
            mid_type="percentile",
            mid_value=50,
            mid_color=mid,
            end_type="max",
            end_color=high,
        )
    ws.conditional_formatting.add(cell_range, rule)
    return rule


def add_cell_rule(
    ws: Any,
    cell_range: str,
    operator: str,
    values: Sequence[object],
    *,
    fill: str = "FFC7CE",
    font_color: str = "9C0006",
    bold: bool = False,
) -> CellIsRule:
    """Highlight cells of a range meeting a comparison, e.g. ``("lessThan", [60])`` in red.

    ``operator`` is one of Excel's: between, notBetween, equal, notEqual, greaterThan, lessThan,
    greaterThanOrEqual, lessThanOrEqual. Text values are quoted for the formula.
    """
    formula = [_formula_literal(v) for v in values]
    rule = CellIsRule(
        operator=operator,
        formula=formula,
        fill=PatternFill(fill_type="solid", start_color=fill, end_color=fill),
        font=Font(color=font_color, bold=bold),
    )
    ws.conditional_formatting.add(cell_range, rule)
    return rule


def _formula_literal(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value).replace('"', '""')
    return f'"{text}"'


def add_bar_chart(
    ws: Any,
    *,
    anchor: str,
    title: str,
    category_col: int,
    value_cols: Sequence[int],
    header_row: int,
    last_row: int,
    source: Any | None = None,
    y_title: str | None = None,
    x_title: str | None = None,
    horizontal: bool = False,
    width: float = 18,
    height: float = 9,
) -> BarChart:
    """Add a clustered bar chart at ``anchor`` from a table on ``source`` (default: ``ws``).

    The table's header row gives the series names; categories are ``category_col`` from the row
    below the header to ``last_row``; each of ``value_cols`` becomes one series.
    """
    src = ws if source is None else source
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.width = width
    chart.height = height
    if y_title:
        chart.y_axis.title = y_title
    if x_title:
        chart.x_axis.title = x_title
    # openpyxl 3.1 marks axes as deleted unless told otherwise; Excel then draws no labels.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for col in value_cols:
        data = Reference(src, min_col=col, min_row=header_row, max_row=last_row)
        chart.add_data(data, titles_from_data=True)
    cats = Reference(src, min_col=category_col, min_row=header_row + 1, max_row=last_row)
    chart.set_categories(cats)
    if len(value_cols) == 1:
        chart.legend = None
    ws.add_chart(chart, anchor)
    return chart
