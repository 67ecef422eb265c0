"""A thin, paged table model of 公开事项: rows are fetched page by page as the view scrolls.

The model never holds the whole list: it asks its ``fetch`` callable for the next page when the
view needs more rows (``canFetchMore``/``fetchMore``) until a page comes back short. It needs no
COUNT before the first page shows; the page fills the total in afterwards for the status line.
Sorting a column does not sort in Python: it hands a new order to the page, which queries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from gongkai_desktop.domain.disclosure import DeadlineState, DisclosureAttribute
from gongkai_desktop.services.ledger import ItemRow

from ..models import ROW_ROLE

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

# (header, text of a row, sort key of the service or None when the column does not sort)
ItemColumn = tuple[str, Callable[[ItemRow], str], str | None]


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def days_left_text(row: ItemRow) -> str:
    if row.days_left is None:
        return ""
    if row.state is DeadlineState.OVERDUE:
        return f"超期 {-row.days_left} 个工作日" if row.days_left < 0 else "今日到期"
    return str(row.days_left)


def channels_text(row: ItemRow) -> str:
    text = "、".join(row.channels)
    return f"⚠ 无门户网站 {text}".strip() if row.portal_missing else text


ITEM_COLUMNS: tuple[ItemColumn, ...] = (
    ("标题", lambda r: r.title, "title"),
    ("类别", lambda r: r.category, "category"),
    ("公开属性", lambda r: r.attribute.label, "attribute"),
    ("责任处室", lambda r: r.division_name, "division"),
    ("形成日期", lambda r: _d(r.formed_on), "formed_on"),
    ("公开期限", lambda r: _d(r.deadline), "deadline"),
    ("剩余工作日", days_left_text, "deadline"),
    ("公开日期", lambda r: _d(r.published_on), "published_on"),
    ("状态", lambda r: r.state.label if r.state else "—", "state"),
    ("公开渠道", channels_text, None),
    ("文号", lambda r: r.doc_number, "doc_number"),
)
STATE_COLUMN = 8
CHANNEL_COLUMN = 9
RIGHT_ALIGNED = {6}

STATE_COLOURS: dict[DeadlineState, tuple[str, str | None]] = {
    DeadlineState.OVERDUE: ("#ffffff", "#c0392b"),
    DeadlineState.DUE_SOON: ("#5a3b00", "#f8d98b"),
    DeadlineState.LATE: ("#8e2b20", None),
    DeadlineState.ON_TIME: ("#1e7b34", None),
    DeadlineState.UNKNOWN: ("#5f6368", "#e8eaed"),
}
_GREY = QBrush(QColor("#8a8f98"))
_WARN = QBrush(QColor("#b35c00"))


class ItemPagedModel(QAbstractTableModel):
    """Rows of the current query; more are fetched from ``fetch(offset, limit)`` on demand."""

    sort_requested = Signal(str, bool)  # service sort key, descending

    def __init__(self, page_size: int = 200, parent: Any = None) -> None:
        super().__init__(parent)
        self.page_size = page_size
        self.rows: list[ItemRow] = []
        self.exhausted = True
        self._fetch: Callable[[int, int], list[ItemRow]] | None = None

    # ----- pushing data in -------------------------------------------------------------------
    def reset(self, fetch: Callable[[int, int], list[ItemRow]]) -> None:
        """A new query: how to fetch its pages. The first page is fetched now."""
        self.beginResetModel()
        self._fetch = fetch
        self.rows = fetch(0, self.page_size)
        self.exhausted = len(self.rows) < self.page_size
        self.endResetModel()

    def replace_row(self, row: ItemRow) -> None:
        """Show an edited item in place (same id), without re-querying."""
        for i, old in enumerate(self.rows):
            if old.id == row.id:
                self.rows[i] = row
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(ITEM_COLUMNS) - 1))
                return

    def row_at(self, row: int) -> ItemRow:
        return self.rows[row]

    # ----- paging ------------------------------------------------------------------------------
    def canFetchMore(self, parent: Index = _ROOT) -> bool:
        return not parent.isValid() and self._fetch is not None and not self.exhausted

    def fetchMore(self, parent: Index = _ROOT) -> None:
        if parent.isValid() or self._fetch is None or self.exhausted:
            return
        more = self._fetch(len(self.rows), self.page_size)
        self.exhausted = len(more) < self.page_size
        if not more:
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    # ----- Qt interface ----------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(ITEM_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ITEM_COLUMNS[section][0]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = ITEM_COLUMNS[column][2]
        if key is not None:
            self.sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return ITEM_COLUMNS[column][1](row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column in RIGHT_ALIGNED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return row.title
            warnings = row.warnings
            if warnings and column == CHANNEL_COLUMN:
                return "；".join(warnings)
            if column == STATE_COLUMN and row.deadline:
                return f"公开期限 {row.deadline.isoformat()}"
            if column == STATE_COLUMN and row.deadline_problem:
                return row.deadline_problem
            return None
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            return self._colour(row, column, role)
        return None

    @staticmethod
    def _colour(row: ItemRow, column: int, role: int) -> Any:
        foreground = role == Qt.ItemDataRole.ForegroundRole
        if column == CHANNEL_COLUMN and row.portal_missing and foreground:
            return _WARN
        if column == STATE_COLUMN and row.state in STATE_COLOURS:
            fg, bg = STATE_COLOURS[row.state]
            if foreground:
                return QBrush(QColor(fg))
            return QBrush(QColor(bg)) if bg else None
        if foreground and row.attribute is not DisclosureAttribute.PROACTIVE and column == 2:
            return _GREY
        return None
