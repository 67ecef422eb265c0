"""Text that came from users is written as text: never as a formula, an error code or bad XML."""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

# First characters that make openpyxl store a string as something other than text.
RISKY_FIRST_CHARS = "=#"


def is_plain(text: str) -> bool:
    """True when openpyxl would store ``text`` unchanged as a string (the common, fast case)."""
    return not text or (text[0] not in RISKY_FIRST_CHARS and text.isprintable())


def clean_text(text: str) -> str:
    """Drop the control characters XML cannot hold (tabs and line breaks stay)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def set_text(cell: Any, text: str) -> None:
    """Put ``text`` into ``cell`` as a string even if it starts with ``=`` or is an error code.

    A record title such as ``=HYPERLINK(...)`` must not become a live formula in an export.
    """
    cell.value = clean_text(text)
    if cell.data_type == "f" or (cell.data_type == "e" and cell.value in ERROR_CODES):
        cell.data_type = "s"
