"""Tables described as rows of cells with row and column spans, laid out like HTML tables.

Each row lists only the cells that start in it, left to right; places already covered by a cell
spanning down from an earlier row are skipped. So the two-level header of the annual report's
table 三 reads::

    header = [
        [Cell(note, rowspan=3, colspan=3), Cell("申请人情况", colspan=7)],
        [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)],
        ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
    ]

and a body row with a label spanning 22 rows is ``[Cell("三、本年度办理结果", rowspan=22),
Cell("（一）予以公开", colspan=2), 0, 0, 0, 0, 0, 0, 0]``, the next rows simply leaving it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from . import _ooxml as ox

Align = Literal["left", "center", "right"]
CellValue = str | int | float | Decimal | None


@dataclass(frozen=True)
class Cell:
    """One table cell; ``rowspan``/``colspan`` merge it with the cells below/right of it.

    Numbers are centred and text is left-aligned unless ``align`` says otherwise; header cells
    are centred. A ``\\n`` in the text starts a new line in the cell.
    """

    text: CellValue = ""
    colspan: int = 1
    rowspan: int = 1
    align: Align | None = None
    bold: bool = False

    def __post_init__(self) -> None:
        if self.colspan < 1 or self.rowspan < 1:
            raise ValueError(f"cell spans must be at least 1: {self!r}")


CellLike = Cell | CellValue


def as_cell(value: CellLike) -> Cell:
    return value if isinstance(value, Cell) else Cell(value)


def cell_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_number(value: CellValue) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


@dataclass(frozen=True)
class PlacedCell:
    """A cell at its top-left grid position."""

    cell: Cell
    row: int
    col: int
    header: bool


def layout_grid(
    header_rows: Sequence[Sequence[CellLike]], rows: Sequence[Sequence[CellLike]]
) -> tuple[int, list[list[PlacedCell]]]:
    """Place the cells on a grid; return the column count and, per grid slot, its owning cell.

    Raises ``ValueError`` when rows do not fill the same number of columns, when a span runs
    off the table, or when a header cell spans into the body.
    """
    all_rows = [*header_rows, *rows]
    if not all_rows:
        raise ValueError("a table needs at least one row")
    n_header = len(header_rows)
    n_rows = len(all_rows)
    grid: list[list[PlacedCell | None]] = [[] for _ in range(n_rows)]

    def slot(r: int, c: int) -> PlacedCell | None:
        line = grid[r]
        return line[c] if c < len(line) else None

    def claim(r: int, c: int, placed: PlacedCell) -> None:
        line = grid[r]
        while len(line) <= c:
            line.append(None)
        if line[c] is not None:
            raise ValueError(f"row {r + 1}: cells overlap at column {c + 1}")
        line[c] = placed

    for r, row in enumerate(all_rows):
        header = r < n_header
        c = 0
        for value in row:
            cell = as_cell(value)
            while slot(r, c) is not None:
                c += 1
            last_row = r + cell.rowspan - 1
            if last_row >= n_rows:
                raise ValueError(f"row {r + 1}: a cell spans past the last row")
            if header and last_row >= n_header:
                raise ValueError(f"row {r + 1}: a header cell spans into the body")
            placed = PlacedCell(cell, r, c, header)
            for rr in range(r, last_row + 1):
                for cc in range(c, c + cell.colspan):
                    claim(rr, cc, placed)
            c += cell.colspan

    n_cols = len(grid[0])
    for r, line in enumerate(grid):
        if len(line) != n_cols or any(p is None for p in line):
            filled = sum(p is not None for p in line)
            raise ValueError(f"row {r + 1} fills {filled} of {n_cols} columns")
    return n_cols, [[p for p in line if p is not None] for line in grid]


def column_widths(n_cols: int, weights: Sequence[float] | None, total: int) -> list[int]:
    """Split ``total`` twips over the columns in proportion to ``weights`` (equal if None)."""
    if weights is None:
        weights = [1.0] * n_cols
    if len(weights) != n_cols:
        raise ValueError(f"{len(weights)} column widths given for {n_cols} columns")
    if any(w <= 0 for w in weights):
        raise ValueError("column widths must be positive")
    scale = total / sum(weights)
    widths = [int(w * scale) for w in weights]
    widths[-1] += total - sum(widths)
    return widths


@dataclass(frozen=True)
class TableStyle:
    """What every cell of a table shares."""

    east_asia: str
    latin: str
    size_pt: float
    border_eighths: int = 4  # 1/2 pt lines
    cell_margin_twips: int = 57  # 1 mm left and right


def build_table(
    grid: list[list[PlacedCell]],
    n_header: int,
    widths: Sequence[int],
    style: TableStyle,
) -> Any:
    """A ``w:tbl`` of full width: fixed layout, borders, centred cells, repeated header rows."""
    tbl = ox.w_el("tbl")
    tbl.append(_tbl_pr(sum(widths), style))
    tbl_grid = ox.w_el("tblGrid")
    for width in widths:
        tbl_grid.append(ox.w_el("gridCol", w=width))
    tbl.append(tbl_grid)
    for r, line in enumerate(grid):
        tr = ox.w_el("tr")
        tr_pr = ox.w_el("trPr")
        # A row is never split across pages, and header rows repeat at the top of each page.
        tr_pr.append(ox.w_el("cantSplit"))
        if r < n_header:
            tr_pr.append(ox.w_el("tblHeader"))
        tr.append(tr_pr)
        for c, placed in enumerate(line):
            # A cell is written once per row it covers (later rows as vMerge continuations);
            # the columns it spans to the right are covered by its gridSpan.
            if placed.col == c:
                width = sum(widths[c : c + placed.cell.colspan])
                tr.append(_tc(placed, r, width, style))
        tbl.append(tr)
    return tbl


def _tbl_pr(width: int, style: TableStyle) -> Any:
    pr = ox.w_el("tblPr")
    pr.append(ox.w_el("tblW", w=width, type="dxa"))
    pr.append(ox.w_el("jc", val="center"))
    pr.append(ox.w_el("tblInd", w=0, type="dxa"))
    borders = ox.w_el("tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(
            ox.w_el(edge, val="single", sz=style.border_eighths, space=0, color="000000")
        )
    pr.append(borders)
    pr.append(ox.w_el("tblLayout", type="fixed"))
    margins = ox.w_el("tblCellMar")
    margins.append(ox.w_el("top", w=0, type="dxa"))
    margins.append(ox.w_el("left", w=style.cell_margin_twips, type="dxa"))
    margins.append(ox.w_el("bottom", w=0, type="dxa"))
    margins.append(ox.w_el("right", w=style.cell_margin_twips, type="dxa"))
    pr.append(margins)
    pr.append(
        ox.w_el(
            "tblLook",
            val="0000",
            firstRow=0,
            lastRow=0,
            firstColumn=0,
            lastColumn=0,
            noHBand=1,
            noVBand=1,
        )
    )
    return pr


def _tc(placed: PlacedCell, r: int, width: int, style: TableStyle) -> Any:
    cell = placed.cell
    tc = ox.w_el("tc")
    pr = ox.w_el("tcPr")
    pr.append(ox.w_el("tcW", w=width, type="dxa"))
    if cell.colspan > 1:
        pr.append(ox.w_el("gridSpan", val=cell.colspan))
    continued = placed.row != r
    if cell.rowspan > 1:
        pr.append(ox.w_el("vMerge", val="restart") if not continued else ox.w_el("vMerge"))
    pr.append(ox.w_el("vAlign", val="center"))
    tc.append(pr)

    run_fmt = ox.RunFormat(style.east_asia, style.latin, style.size_pt, bold=cell.bold)
    if cell.align is not None:
        align: str = cell.align
    elif placed.header or _is_number(cell.text):
        align = "center"
    else:
        align = "left"
    para = ox.ParaFormat(
        align=align,
        line=240,
        line_rule="auto",
        before=0,
        after=0,
        first_line_chars=0,
        snap_to_grid=False,
    )
    lines = [""] if continued else cell_text(cell.text).split("\n")
    for line in lines:
        tc.append(ox.paragraph(para, line, run_fmt))
    return tc
