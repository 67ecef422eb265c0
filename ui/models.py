"""A thin table model: rows (the services' frozen dataclasses) are pushed in, columns say how to
show them. No database access here; a page asks its service and hands the rows over.

``ROW_ROLE`` gives back the row object of an index, ``SORT_ROLE`` its rank in the column's order
for a ``QSortFilterProxyModel`` with ``setSortRole``. A column's ``sort`` may return any value
Python orders (a date, a datetime, a tuple, a number, None for "no value", which sorts last); the
model ranks the rows by it in Python. A proxy could not compare such values itself: Qt sees a
Python object it cannot order and leaves the rows as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

log = logging.getLogger(__name__)

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

_MUTED = QBrush(QColor("#8a8f98"))
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft
    tooltip: Callable[[Any], str] | None = None


class RowTableModel(QAbstractTableModel):
    """Rows of one kind shown through ``Column`` definitions; rows a ``muted`` test picks are grey
    (e.g. deactivated accounts)."""

    def __init__(
        self,
        columns: Sequence[Column],
        muted: Callable[[Any], bool] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []
        self.muted = muted
        self._ranks: dict[int, list[int]] = {}

    # ----- pushing rows in -----------------------------------------------------------------
    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._ranks.clear()
        self.endResetModel()

    def append_rows(self, rows: Sequence[Any]) -> None:
        if not rows:
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self.rows.extend(rows)
        self._ranks.clear()
        self.endInsertRows()

    def row_at(self, row: int) -> Any:
        return self.rows[row]

    # ----- sorting -------------------------------------------------------------------------
    def sort_key(self, row: Any, column: int) -> Any:
        """The value ``row`` is ordered by in ``column``: its ``sort``, else its text."""
        spec = self.columns[column]
        return spec.sort(row) if spec.sort else spec.text(row)

    def rank(self, row: int, column: int) -> int:
        """Position of the row's sort key among the column's keys (equal keys, equal ranks)."""
        ranks = self._ranks.get(column)
        if ranks is None:
            ranks = self._ranks[column] = _ranks([self.sort_key(r, column) for r in self.rows])
        return ranks[row]

    # ----- Qt interface --------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return self.rank(index.row(), index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.ForegroundRole and self.muted and self.muted(row):
            return _MUTED
        return None


def _ranks(keys: list[Any]) -> list[int]:
    """Dense ranks of ``keys`` in ascending order; None sorts after every value. Keys that do not
    compare with each other (a column mixing kinds) fall back to their text."""

    def ordered(key: Any) -> tuple[bool, Any]:
        return (key is None, 0 if key is None else key)

    try:
        order = sorted(range(len(keys)), key=lambda i: ordered(keys[i]))
    except TypeError:
        log.warning("sort keys of different kinds; ordering them as text")
        keys = [None if k is None else str(k) for k in keys]
        order = sorted(range(len(keys)), key=lambda i: ordered(keys[i]))
    ranks = [0] * len(keys)
    rank, previous = -1, object()
    for i in order:
        if rank < 0 or keys[i] != previous:
            rank += 1
            previous = keys[i]
        ranks[i] = rank
    return ranks
