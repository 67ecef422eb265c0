"""The paged table model of 公开事项: its columns, deadline colours and warnings; the paging
itself is :class:`~ui.ledger.paged_model.PagedTableModel`'s."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from gongkai_desktop.domain.disclosure import DeadlineState, DisclosureAttribute
from gongkai_desktop.services.ledger import ItemRow

from .paged_model import PagedColumn, PagedTableModel

log = logging.getLogger(__name__)

ItemColumn = PagedColumn


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


class ItemPagedModel(PagedTableModel):
    """Pages of 公开事项 with their deadline colours and warnings."""

    def __init__(self, page_size: int = 200, parent: Any = None) -> None:
        super().__init__(ITEM_COLUMNS, page_size, parent)

    def style(self, row: ItemRow, column: int, role: int) -> Any:
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
