"""Streaming ledger export (台账): any number of rows in constant memory, as a cancellable job.

openpyxl's write-only mode writes each row to disk as it comes. Body cells are handed to openpyxl
as plain values, so the cost per row stays that of bare openpyxl: openpyxl itself gives ``date``
values the ``yyyy-mm-dd`` format, and only cells that need care (a ``datetime`` in a date column,
an amount, a text starting with a formula character or holding control characters) are wrapped in a cell object.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from collections.abc import Iterable, Sequence, Sized
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from ... import APP_NAME
from ...errors import ValidationError
from ...progress import CancelToken, Job, Progress, run_job
from ._text import CellTooLong, cell_too_long, guard_text, is_plain
from .columns import DATE_FORMAT, MONEY_FORMAT, Column, headers_of
from .saving import save_workbook
from .styles import safe_sheet_title, set_print_layout, style_header_cell

log = logging.getLogger(__name__)

PROGRESS_EVERY = 2000
# One sheet holds 1 048 576 rows in Excel, WPS and LibreOffice; the header takes one.
MAX_DATA_ROWS = 1_048_575


def write_ledger_job(
    path: str | os.PathLike[str],
    sheet_title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    total: int | None = None,
    cancel: CancelToken | None = None,
    every: int = PROGRESS_EVERY,
    message: str = "正在导出",
) -> Job[int]:
    """Write ``rows`` under a styled header to ``path``; yield ``Progress`` every ``every`` rows.

    ``total`` defaults to ``len(rows)`` when ``rows`` has a length, else 0 (unknown). The cancel
    token is checked with each progress step; on cancellation (``Cancelled``), on any error and
    when the generator is closed early, nothing is left under ``path``. Returns the row count.
    """
    headers_of(columns)
    if every < 1:
        raise ValueError("every must be at least 1")
    if total is None:
        total = len(rows) if isinstance(rows, Sized) else 0
    ncols = len(columns)
    text_idx = [i for i, c in enumerate(columns) if c.kind == "text"]
    date_idx = [i for i, c in enumerate(columns) if c.kind == "date"]
    money_idx = [i for i, c in enumerate(columns) if c.kind == "money"]

    target = Path(path)
    wb = Workbook(write_only=True)
    wb.properties.creator = APP_NAME
    ws = wb.create_sheet(safe_sheet_title(sheet_title))
    done = 0
    try:
        # Sheet-level settings must exist before the first row: write-only sheets stream them.
        for idx, col in enumerate(columns, 1):
            dim = ws.column_dimensions[get_column_letter(idx)]
            dim.width = col.width
        ws.freeze_panes = "A2"
        set_print_layout(ws)
        header = []
        for col in columns:
            cell = WriteOnlyCell(ws, value=col.header)
            style_header_cell(cell, required=col.required)
            header.append(cell)
        ws.append(header)

        yield Progress(0, total, message)
        append = ws.append
        next_report = every
        for row in rows:
            if len(row) != ncols:
                raise ValueError(f"row {done + 1} has {len(row)} values for {ncols} columns")
            if done == MAX_DATA_ROWS:
                raise ValidationError(
                    f"要导出的记录超过 Excel 单个工作表的上限（{MAX_DATA_ROWS} 行），请缩小导出范围",
                    limit=MAX_DATA_ROWS,
                )
            fixed: list[Any] | None = None
            for i in text_idx:
                v = row[i]
                if not isinstance(v, str) or (v.__class__ is str and is_plain(v)):
                    continue
                if fixed is None:
                    fixed = list(row)
                try:
                    fixed[i] = _text_cell(ws, str(v))  # str() shows an enum's Chinese label
                except CellTooLong as exc:
                    raise cell_too_long(done + 2, columns[i].header, exc) from exc
            for i in date_idx:
                v = row[i]
                if v.__class__ is dt.datetime:
                    if fixed is None:
                        fixed = list(row)
                    fixed[i] = _formatted_cell(ws, v, DATE_FORMAT)
            for i in money_idx:
                v = row[i]
                if v is not None and not isinstance(v, str | bool):
                    if fixed is None:
                        fixed = list(row)
                    fixed[i] = _formatted_cell(ws, v, MONEY_FORMAT)
            append(row if fixed is None else fixed)
            done += 1
            if done == next_report:
                next_report += every
                if cancel is not None:
                    cancel.check()
                yield Progress(done, max(total, done) if total else 0, message)

        if cancel is not None:
            cancel.check()
        ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{done + 1}"
        yield Progress(done, max(total, done) if total else 0, "正在保存文件")
        save_workbook(wb, target)
    except BaseException:
        _discard(ws)
        raise
    log.info("wrote ledger %s (%d rows)", target, done)
    return done


def write_ledger(
    path: str | os.PathLike[str],
    sheet_title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    total: int | None = None,
    cancel: CancelToken | None = None,
    every: int = PROGRESS_EVERY,
) -> int:
    """Run ``write_ledger_job`` to completion; return the number of rows written."""
    result: int = run_job(
        write_ledger_job(path, sheet_title, columns, rows, total=total, cancel=cancel, every=every)
    )
    return result


def _text_cell(ws: Any, text: str) -> Any:
    text = guard_text(text)
    if text[:1] != "#":
        return text
    cell = WriteOnlyCell(ws, value=text)
    if cell.data_type in ("f", "e"):
        cell.data_type = "s"
    return cell


def _formatted_cell(ws: Any, value: object, number_format: str) -> Any:
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    return cell


def _discard(ws: Any) -> None:
    """Close and delete the sheet's temporary stream after a failed or cancelled export.

    openpyxl has no public way to abandon a write-only sheet; without this its temporary file
    stays open until garbage collection and on disk until the process exits.
    """
    writer = ws._writer
    if writer is None:
        return
    with contextlib.suppress(Exception):
        if ws._rows is not None:
            ws._rows.close()
        writer.close()
    with contextlib.suppress(OSError, ValueError):
        writer.cleanup()
