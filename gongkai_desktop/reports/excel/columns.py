"""Column descriptions shared by ledgers, import templates and report sheets.

A ``Column`` says what a spreadsheet column holds; the writers turn that into a header cell, a width,
a number format and, for closed lists, a drop-down that rejects other values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

ColumnKind = Literal["text", "date", "int", "number", "money"]
COLUMN_KINDS: tuple[str, ...] = get_args(ColumnKind)

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
INT_FORMAT = "0"
MONEY_FORMAT = "#,##0.00"

# Number format applied to each kind in normal (not streaming) sheets; ``None`` keeps "General".
NUMBER_FORMATS: dict[str, str | None] = {
    "text": TEXT_FORMAT,
    "date": DATE_FORMAT,
    "int": INT_FORMAT,
    "number": None,
    "money": MONEY_FORMAT,
}

# How each kind is described to the person filling in a template.
KIND_LABELS: dict[str, str] = {
    "text": "文本",
    "date": "日期，如 2021-03-15 或 2021年3月15日",
    "int": "整数",
    "number": "数字",
    "money": "金额（元），最多两位小数",
}


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: its exact header, width in characters, kind and closed list.

    ``choices`` is the closed list of allowed values (a drop-down in templates); ``required`` marks
    a column that must be filled in; ``note`` is an optional hint shown in a template's instructions.
    ``divisions`` marks a column whose closed list is the unit's active divisions, read from the
    database when a template is written. ``maximum`` caps an ``int`` column's validation.
    """

    header: str
    width: float = 14
    kind: ColumnKind = "text"
    choices: tuple[str, ...] | None = None
    required: bool = False
    note: str = ""
    divisions: bool = False
    maximum: int | None = None

    def __post_init__(self) -> None:
        if not self.header or self.header != self.header.strip():
            raise ValueError(f"column header must be non-empty and trimmed: {self.header!r}")
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; expected one of {COLUMN_KINDS}")
        if self.width <= 0:
            raise ValueError(f"column width must be positive: {self.width!r}")
        if self.maximum is not None and (self.kind != "int" or self.maximum < 0):
            raise ValueError(f"column {self.header!r}: a maximum needs an int column, from 0 up")
        if self.choices is not None:
            choices = tuple(self.choices)
            if not choices:
                raise ValueError(f"column {self.header!r}: choices must not be empty")
            if any(not isinstance(c, str) or not c.strip() for c in choices):
                raise ValueError(f"column {self.header!r}: choices must be non-empty strings")
            if len(set(choices)) != len(choices):
                raise ValueError(f"column {self.header!r}: choices contain duplicates")
            object.__setattr__(self, "choices", choices)

    @property
    def number_format(self) -> str | None:
        return NUMBER_FORMATS[self.kind]


def headers_of(columns: Sequence[Column]) -> tuple[str, ...]:
    """The exact first-row headers of a sheet made of ``columns``."""
    headers = tuple(c.header for c in columns)
    if len(set(headers)) != len(headers):
        raise ValueError(f"duplicate column headers: {headers}")
    return headers
