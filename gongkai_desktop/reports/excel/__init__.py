"""Excel writers shared by every ledger, import template and report workbook.

- ``Column``: what a column holds (header, width, kind, closed list, required).
- ``write_sheet`` / ``write_template``: normal sheets and blank import templates with drop-downs.
- ``write_ledger`` / ``write_ledger_job``: streaming exports of any size, cancellable.
- ``style_header_row``, ``autosize_columns``, ``add_color_scale``, ``add_cell_rule``,
  ``add_bar_chart``, ``safe_sheet_title``: small helpers for report workbooks.
"""

from .columns import (
    COLUMN_KINDS,
    DATE_FORMAT,
    INT_FORMAT,
    MONEY_FORMAT,
    TEXT_FORMAT,
    Column,
    ColumnKind,
    headers_of,
)
from .ledger import write_ledger, write_ledger_job
from .sheets import (
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    STANDARD_INSTRUCTIONS,
    add_choice_validation,
    add_number_validation,
    write_sheet,
    write_template,
)
from .styles import (
    add_bar_chart,
    add_cell_rule,
    add_color_scale,
    autosize_columns,
    display_width,
    safe_sheet_title,
    set_column_widths,
    style_header_cell,
    style_header_row,
)

__all__ = [
    "COLUMN_KINDS",
    "DATE_FORMAT",
    "INSTRUCTIONS_SHEET",
    "INT_FORMAT",
    "LISTS_SHEET",
    "MONEY_FORMAT",
    "STANDARD_INSTRUCTIONS",
    "TEXT_FORMAT",
    "Column",
    "ColumnKind",
    "add_bar_chart",
    "add_cell_rule",
    "add_choice_validation",
    "add_color_scale",
    "add_number_validation",
    "autosize_columns",
    "display_width",
    "headers_of",
    "safe_sheet_title",
    "set_column_widths",
    "style_header_cell",
    "style_header_row",
    "write_ledger",
    "write_ledger_job",
    "write_sheet",
    "write_template",
]
