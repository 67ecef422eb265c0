"""Text that came from users is written as text: never as a formula, an error code or bad XML.

A cell whose text begins with ``=`` ``+`` ``-`` ``@`` (or a tab or carriage return) is stored as
text in the .xlsx, but a user who re-saves the sheet as CSV and opens that file again would see
it evaluated as a formula. Such text is written with a leading apostrophe, the usual guard
against formula injection; the importers take that apostrophe off again (``unguard_text``).
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

from ...errors import ValidationError

# First characters a spreadsheet reads as the start of a formula (in the cell or after a CSV
# round trip).
FORMULA_FIRST_CHARS = "=+-@\t\r"
# First characters that make openpyxl store a string as something other than text.
RISKY_FIRST_CHARS = FORMULA_FIRST_CHARS + "#"
GUARD = "'"
# The most characters one cell holds in Excel (openpyxl silently cuts longer text when writing).
MAX_CELL_CHARS = 32_767


class CellTooLong(ValueError):
    """Text longer than a cell holds: refused, never cut."""


def is_plain(text: str) -> bool:
    """True when ``text`` is written unchanged as a string (the common, fast case)."""
    return not text or (
        text[0] not in RISKY_FIRST_CHARS and text.isprintable() and len(text) <= MAX_CELL_CHARS
    )


def clean_text(text: str) -> str:
    """Drop the control characters XML cannot hold (tabs and line breaks stay)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def guard_text(text: str) -> str:
    """``text`` cleaned, with an apostrophe before a first character that starts a formula."""
    text = clean_text(text)
    text = GUARD + text if text[:1] in FORMULA_FIRST_CHARS and text else text
    if len(text) > MAX_CELL_CHARS:
        raise CellTooLong(
            f"「{text[:20]}…」有 {len(text)} 个字符，超过 Excel 单元格的上限 {MAX_CELL_CHARS} 个"
        )
    return text


def unguard_text(text: str) -> str:
    """The text ``guard_text`` wrote: an apostrophe before a formula character is dropped."""
    if text[:1] == GUARD and text[1:2] in FORMULA_FIRST_CHARS and text[1:2]:
        return text[1:]
    return text


def set_text(cell: Any, text: str) -> None:
    """Put ``text`` into ``cell`` as a string even if it starts with ``=`` or is an error code.

    A record title such as ``=HYPERLINK(...)`` must not become a live formula in an export.
    """
    cell.value = guard_text(text)
    if cell.data_type == "f" or (cell.data_type == "e" and cell.value in ERROR_CODES):
        cell.data_type = "s"


def cell_too_long(row: int, header: str, exc: CellTooLong) -> ValidationError:
    """The export's refusal of a text no cell can hold (nothing is written)."""
    return ValidationError(
        f"第{row}行「{header}」：{exc}，无法导出；请先在系统中缩短该内容", row=row, column=header
    )
