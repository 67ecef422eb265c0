"""What the rules find in a record, shown alike wherever records are checked (决策与征求意见,
政策解读): a breach in red (⚠), a thing at risk in amber (△), green when nothing is wrong.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel

from gongkai_desktop.domain.decisions import Findings

from ..models import RowTableModel

log = logging.getLogger(__name__)

RED = "#b03a2e"
AMBER = "#8a5300"
GREEN = "#1e7b34"
_RED = QBrush(QColor(RED))
_AMBER = QBrush(QColor(AMBER))


def findings_text(problems: tuple[str, ...], warnings: tuple[str, ...]) -> str:
    """The check column: breaches first (⚠), things at risk (△), else 符合要求."""
    if problems:
        return "⚠ " + "；".join(problems + warnings)
    if warnings:
        return "△ " + "；".join(warnings)
    return "符合要求"


def check_text(row: Any) -> str:
    """The check column of a row with ``problems`` and ``warnings``."""
    return findings_text(row.problems, row.warnings)


def show_findings(label: QLabel, found: Findings, ok_text: str) -> None:
    """Put what the rules found into a label: red for breaches, amber for risks, green when
    nothing is wrong."""
    if found.problems:
        colour = RED
        lines = [f"⚠ {p}" for p in found.problems] + [f"△ {w}" for w in found.warnings]
    elif found.warnings:
        colour = AMBER
        lines = [f"△ {w}" for w in found.warnings]
    else:
        colour, lines = GREEN, [ok_text]
    label.setStyleSheet(f"color:{colour}")
    label.setText("\n".join(lines))
    label.setToolTip("\n".join(lines))


class FindingsTableModel(RowTableModel):
    """Rows with ``problems`` and ``warnings``: breaches red, things at risk amber (in the check
    column and the first)."""

    check_column = 0

    def colour(self, row: Any) -> QBrush | None:
        """The colour of a row's check: red for a breach, amber for a risk, None when fine."""
        if row.problems:
            return _RED
        if row.warnings:
            return _AMBER
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if (
            index.isValid()
            and role == Qt.ItemDataRole.ForegroundRole
            and index.column() in (self.check_column, 0)
        ):
            colour = self.colour(self.rows[index.row()])
            if colour is not None:
                return colour
        return super().data(index, role)
