"""Normal (in-memory) sheets and the blank import templates of SPEC §16.

``write_sheet`` lays out one sheet from ``Column`` descriptions: styled header, frozen first row,
widths, auto-filter, number formats and drop-downs that reject values outside a closed list.
``write_template`` builds a whole template workbook and saves it atomically. Columns whose closed
list is the unit's divisions get the names passed to ``write_template``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ... import APP_NAME
from ._text import CellTooLong, cell_too_long, is_plain, set_text
from .columns import KIND_LABELS, Column, headers_of
from .saving import save_workbook
from .styles import (
    ROW_LINE_HEIGHT,
    fit_row_heights,
    safe_sheet_title,
    set_column_widths,
    set_print_layout,
    style_header_cell,
    style_header_row,
    wrapped_lines,
)

log = logging.getLogger(__name__)

LISTS_SHEET = "_lists"
INSTRUCTIONS_SHEET = "填写说明"
# Excel refuses a literal list (``"a,b,c"``) longer than this in a validation formula.
MAX_LIST_FORMULA = 255
_ERROR_TITLE_MAX = 32
_MESSAGE_MAX = 255

INSTRUCTION_WIDTHS = (22, 10, 30, 60)
_REQUIRED_NOTE = "表头底色为橙色的列为必填项。"
_CHOICES_NOTE = "带下拉箭头的列只能从下拉列表中选择，填写其他内容会被拒绝。"
_HEADER_NOTE = "第一行是表头，请勿修改、删除、增加列或调整列的顺序。"
# The header note of a template whose instructions list 可加列.
_HEADER_NOTE_OPTIONAL = (
    "第一行是表头，请勿修改、删除已有的列或调整其顺序；需要时可在最后一列之后增加下表所列的「可加列」。"
)
STANDARD_INSTRUCTIONS: tuple[str, ...] = (
    _HEADER_NOTE,
    "每行填写一条记录，从第二行开始填写；空行会被忽略。",
    _REQUIRED_NOTE,
    _CHOICES_NOTE,
    "日期可以填写为 2021-03-15、2021/3/15 或 2021年3月15日。",
    "导入时会检查全部行；只要有一处错误，整个文件都不会导入，并列出每处错误的行号、列名和原因。",
)


def with_division_choices(
    columns: Sequence[Column], names: Sequence[str] | None = None
) -> list[Column]:
    """``columns`` with the division columns' closed list filled in (unchanged without names)."""
    chosen = tuple(dict.fromkeys(n for n in names or () if n and n.strip()))
    if not chosen:
        return list(columns)
    return [replace(c, choices=chosen) if c.divisions else c for c in columns]


def write_sheet(
    ws: Any,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]] = (),
    *,
    empty_rows: int = 0,
    validations: bool = True,
) -> int:
    """Lay out ``ws``: header in row 1, ``rows`` below it, then ``empty_rows`` formatted rows.

    Number formats follow each column's kind, the header row is frozen and an auto-filter covers
    the header and data. With ``validations``, over the data rows and the empty rows every column
    with ``choices`` gets a drop-down that rejects other values, and ``int``/``money`` columns
    accept only numbers from 0 up. Returns the number of data rows written.
    """
    headers_of(columns)
    ncols = len(columns)
    for idx, col in enumerate(columns, 1):
        style_header_cell(ws.cell(row=1, column=idx, value=col.header), required=col.required)
    ws.row_dimensions[1].height = 30

    formats = [col.number_format for col in columns]
    row_idx = 1
    for row_idx, row in enumerate(rows, 2):
        if len(row) != ncols:
            raise ValueError(f"row {row_idx} has {len(row)} values for {ncols} columns")
        for col_idx, value in enumerate(row, 1):
            if value is None:
                continue
            cell = ws.cell(row=row_idx, column=col_idx)
            if isinstance(value, str):
                if value.__class__ is not str:
                    value = str(value)  # a labelled enum shows its Chinese label
                if is_plain(value):
                    cell.value = value
                else:
                    try:
                        set_text(cell, value)
                    except CellTooLong as exc:
                        raise cell_too_long(row_idx, columns[col_idx - 1].header, exc) from exc
            else:
                cell.value = value
            fmt = formats[col_idx - 1]
            if fmt is not None and not (fmt == "@" and not isinstance(value, str)):
                cell.number_format = fmt
    data_rows = row_idx - 1
    last_row = row_idx + max(empty_rows, 0)

    # Empty template rows carry the format so what a user types there lands as a date or text.
    for col_idx, fmt in enumerate(formats, 1):
        if fmt is None:
            continue
        ws.column_dimensions[get_column_letter(col_idx)].number_format = fmt
        for r in range(row_idx + 1, last_row + 1):
            ws.cell(row=r, column=col_idx).number_format = fmt

    set_column_widths(ws, [col.width for col in columns])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{max(row_idx, 1)}"
    set_print_layout(ws)

    if validations and last_row >= 2:
        for col_idx, col in enumerate(columns, 1):
            if col.choices:
                add_choice_validation(ws, col_idx, col.choices, 2, last_row, header=col.header)
            elif col.kind == "date":
                add_date_validation(ws, col_idx, 2, last_row, header=col.header)
            elif col.kind in ("int", "money"):
                add_number_validation(
                    ws, col_idx, col.kind, 2, last_row, header=col.header, maximum=col.maximum
                )
    return data_rows


def add_choice_validation(
    ws: Any,
    column: int,
    choices: Sequence[str],
    first_row: int,
    last_row: int,
    *,
    header: str,
) -> DataValidation:
    """A drop-down over ``column`` rows ``first_row..last_row`` that rejects any other value.

    Short lists are written into the formula (``"a,b,c"``); a list longer than Excel's 255
    characters, or one whose values contain commas or quotes, goes to the hidden sheet ``_lists``
    and the validation refers to its range.
    """
    literal = '"' + ",".join(choices) + '"'
    if len(literal) <= MAX_LIST_FORMULA and not any("," in c or '"' in c for c in choices):
        formula = literal
    else:
        formula = _list_range(ws.parent, choices)
    letter = get_column_letter(column)
    shown = "、".join(choices)
    error = f"「{header}」只能从下拉列表中选择"
    if len(error) + len(shown) + 2 <= _MESSAGE_MAX:
        error += f"：{shown}"
    else:
        error += "。"
    dv = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showDropDown=False,  # False means "show the arrow" in the file format
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="输入值无效"[:_ERROR_TITLE_MAX],
        error=error,
        showInputMessage=True,
        promptTitle=header[:_ERROR_TITLE_MAX],
        prompt="请从下拉列表中选择",
    )
    dv.add(f"{letter}{first_row}:{letter}{last_row}")
    ws.add_data_validation(dv)
    return dv


def add_date_validation(
    ws: Any, column: int, first_row: int, last_row: int, *, header: str
) -> DataValidation:
    """Ask for a date between 1990 and 2099. A warning, not a refusal: the import also reads
    dates typed as text (2021年3月15日), which Excel's validation would reject."""
    letter = get_column_letter(column)
    dv = DataValidation(
        type="date",
        operator="between",
        formula1="DATE(1990,1,1)",
        formula2="DATE(2099,12,31)",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="日期格式",
        error=f"「{header}」应填写日期，如 2021-03-15。",
        showInputMessage=True,
        promptTitle=header[:_ERROR_TITLE_MAX],
        prompt="填写日期，如 2021-03-15",
    )
    dv.add(f"{letter}{first_row}:{letter}{last_row}")
    ws.add_data_validation(dv)
    return dv


def add_number_validation(
    ws: Any,
    column: int,
    kind: str,
    first_row: int,
    last_row: int,
    *,
    header: str,
    maximum: int | None = None,
) -> DataValidation:
    """Reject anything but a non-negative whole number (``int``, up to ``maximum`` if given) or
    amount (``money``)."""
    letter = get_column_letter(column)
    if kind == "int" and maximum is not None:
        dv_type, error = "whole", f"「{header}」应填写 0 到 {maximum} 之间的整数。"
    elif kind == "int":
        dv_type, error = "whole", f"「{header}」应填写不小于 0 的整数。"
    else:
        dv_type, error = "decimal", f"「{header}」应填写不小于 0 的金额（元）。"
    dv = DataValidation(
        type=dv_type,
        operator="greaterThanOrEqual" if maximum is None else "between",
        formula1="0",
        formula2=None if maximum is None else str(maximum),
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="输入值无效",
        error=error,
    )
    dv.add(f"{letter}{first_row}:{letter}{last_row}")
    ws.add_data_validation(dv)
    return dv


def _list_range(wb: Any, choices: Sequence[str]) -> str:
    """Store ``choices`` in a column of the hidden ``_lists`` sheet; return an absolute range.

    An identical list already stored is reused, so many columns sharing a list cost one column.
    """
    if LISTS_SHEET in wb.sheetnames:
        lists = wb[LISTS_SHEET]
    else:
        active = wb.active
        lists = wb.create_sheet(LISTS_SHEET)
        lists.sheet_state = "hidden"
        wb.active = active
    wanted = list(choices)
    stored_cols: list[list[object]] = []
    if lists.max_row > 1 or lists.max_column > 1 or lists["A1"].value is not None:
        stored_cols = [
            [v for v in col if v is not None] for col in lists.iter_cols(values_only=True)
        ]
    for idx, stored in enumerate(stored_cols, 1):
        if stored == wanted:
            return _absolute(idx, len(wanted))
    next_col = len(stored_cols) + 1
    for r, choice in enumerate(wanted, 1):
        set_text(lists.cell(row=r, column=next_col), choice)
    return _absolute(next_col, len(wanted))


def _absolute(column: int, length: int) -> str:
    letter = get_column_letter(column)
    return f"'{LISTS_SHEET}'!${letter}$1:${letter}${length}"


def write_template(
    path: str | os.PathLike[str],
    title: str,
    columns: Sequence[Column],
    instructions: Sequence[str],
    empty_rows: int = 500,
    *,
    standard_instructions: bool = True,
    division_names: Sequence[str] | None = None,
    optional_columns: Sequence[Column] = (),
) -> Path:
    """Write a blank import template: data sheet ``title``, sheet ``填写说明``, hidden lists.

    The data sheet has the exact headers in row 1, no example rows, formatted and validated empty
    rows, and is the sheet that opens. Division columns offer ``division_names`` (free text
    without them). ``optional_columns`` are not on the data sheet; the instructions list them
    as 可加列, columns a user may add after the last one. The file is written atomically.
    """
    columns = with_division_choices(columns, division_names)
    wb = Workbook()
    data = wb.active
    data.title = safe_sheet_title(title)
    notes = wb.create_sheet(INSTRUCTIONS_SHEET)
    write_sheet(data, columns, (), empty_rows=empty_rows)
    lines = list(instructions)
    if standard_instructions:
        skip = set(lines)
        if not any(c.required for c in columns):
            skip.add(_REQUIRED_NOTE)
        if not any(c.choices for c in columns):
            skip.add(_CHOICES_NOTE)
        standard = (
            _HEADER_NOTE_OPTIONAL if line == _HEADER_NOTE and optional_columns else line
            for line in STANDARD_INSTRUCTIONS
        )
        lines += [line for line in standard if line not in skip]
    _write_instructions(notes, title, columns, lines, optional_columns)
    wb.active = data
    wb.properties.creator = APP_NAME
    wb.properties.title = title
    target = Path(path)
    save_workbook(wb, target)
    log.info("wrote template %s (%d columns)", target, len(columns))
    return target


def _write_instructions(
    ws: Any,
    title: str,
    columns: Sequence[Column],
    lines: Sequence[str],
    optional_columns: Sequence[Column] = (),
) -> None:
    ws["A1"] = f"{title} 填写说明"
    ws["A1"].font = Font(bold=True, size=14)
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 3
    # Each line spans the four columns of the table below, wrapped, so it fits the printed
    # page as it fits the screen.
    for number, line in enumerate(lines, 1):
        cell = ws.cell(row=row, column=1)
        set_text(cell, f"{number}. {line}")
        cell.alignment = wrap
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        lines_needed = wrapped_lines(f"{number}. {line}", sum(INSTRUCTION_WIDTHS))
        ws.row_dimensions[row].height = lines_needed * ROW_LINE_HEIGHT
        row += 1
    row += 1
    for idx, head in enumerate(("列名", "是否必填", "填写格式", "可选值或说明"), 1):
        ws.cell(row=row, column=idx, value=head)
    style_header_row(ws, row, 4)
    listed = [*((c, False) for c in columns), *((c, True) for c in optional_columns)]
    for col, added in listed:
        row += 1
        allowed = "、".join(col.choices) if col.choices else ""
        hint = "；".join(p for p in (allowed and f"可选：{allowed}", col.note) if p)
        kind = "下拉选择" if col.choices else KIND_LABELS[col.kind]
        need = "可加列" if added else "必填" if col.required else "选填"
        for idx, value in enumerate((col.header, need, kind, hint), 1):
            cell = ws.cell(row=row, column=idx)
            set_text(cell, value)
            cell.alignment = wrap
    set_column_widths(ws, INSTRUCTION_WIDTHS)
    fit_row_heights(ws, first_row=row - len(listed) + 1)
    set_print_layout(ws, title_rows=None, landscape=False)
