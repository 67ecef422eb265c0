"""A thin, paged table model: rows are fetched page by page as the view scrolls.

The model never holds the whole list: it asks its ``fetch`` callable for the next page when the
view needs more rows (``canFetchMore``/``fetchMore``) until a page comes back short. A page is
asked for by the last row of the page before it (keyset paging, ``gongkai_desktop.db.paging``), so
the hundredth page costs what the first does. It needs no
COUNT before the first page shows; a page fills the total in afterwards for its status line.
Sorting a column does not sort in Python: it hands a new order to the page, which queries again.

Rows are the services' frozen dataclasses with an ``id``. A subclass adds its colours, tooltips
and alignment in :meth:`PagedTableModel.style`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ..models import ROW_ROLE

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

# (header, text of a row, sort key of the service or None when the column does not sort)
PagedColumn = tuple[str, Callable[[Any], str], str | None]
# fetch(the last row fetched so far or None for the first page, how many rows)
Fetch = Callable[[Any, int], Sequence[Any]]


class PagedTableModel(QAbstractTableModel):
    """Rows of the current query; more are fetched from ``fetch(last_row, limit)`` on demand."""

    sort_requested = Signal(str, bool)  # service sort key, descending

    def __init__(
        self, columns: Sequence[PagedColumn], page_size: int = 200, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.page_size = page_size
        self.rows: list[Any] = []
        self.exhausted = True
        self._fetch: Fetch | None = None
        # The last row as it was fetched: the next page follows it even when an edit has since
        # replaced it in ``rows`` with values that sort elsewhere.
        self._last: Any = None

    # ----- pushing data in -------------------------------------------------------------------
    def reset(self, fetch: Fetch) -> None:
        """A new query: how to fetch its pages. The first page is fetched now."""
        self.beginResetModel()
        self._fetch = fetch
        self.rows = list(fetch(None, self.page_size))
        self.exhausted = len(self.rows) < self.page_size
        self._last = self.rows[-1] if self.rows else None
        self.endResetModel()

    def replace_row(self, row: Any) -> None:
        """Show an edited row in place (same id), without re-querying."""
        for i, old in enumerate(self.rows):
            if old.id == row.id:
                self.rows[i] = row
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.columns) - 1))
                return

    def row_at(self, row: int) -> Any:
        return self.rows[row]

    def sort_key_of(self, column: int) -> str | None:
        """The service's sort key of ``column``, None when it does not sort."""
        return self.columns[column][2]

    # ----- paging ------------------------------------------------------------------------------
    def canFetchMore(self, parent: Index = _ROOT) -> bool:
        return not parent.isValid() and self._fetch is not None and not self.exhausted

    def fetchMore(self, parent: Index = _ROOT) -> None:
        if parent.isValid() or self._fetch is None or self.exhausted:
            return
        more = list(self._fetch(self._last, self.page_size))
        self.exhausted = len(more) < self.page_size
        if not more:
            return
        self._last = more[-1]
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    # ----- Qt interface ----------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][0]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.sort_key_of(column)
        if key is not None:
            self.sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[index.column()][1](row)
        if role == ROW_ROLE:
            return row
        return self.style(row, index.column(), role)

    def style(self, row: Any, column: int, role: int) -> Any:
        """Colours, tooltips, alignment of a cell; nothing by default."""
        return None
