"""A list page's layout kept per user between sessions: the columns (widths, order, the sort
indicator), the database sort of a paged list, the filters and the splitters, in the user's group
of the data folder's ``ui-state.ini`` (``UiContext.settings``). ``ui.list_keys`` restores a page's
layout when the page is built and saves it when the main window closes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QSplitter,
    QTableView,
    QWidget,
)

log = logging.getLogger(__name__)

REMEMBERED = "rememberedLayout"  # a view property: its columns came from the settings
KEEPS_LAYOUT = "keepsLayout"  # a page property: its layout is kept (it has a ``ListKeys``)


def _bytes(value: object) -> QByteArray | None:
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def save_layout(
    settings: QSettings,
    group: str,
    page: QWidget,
    view: QAbstractItemView,
    filters: Sequence[QWidget],
) -> None:
    settings.beginGroup(group)
    try:
        if isinstance(view, QTableView):
            settings.setValue("columns", view.horizontalHeader().saveState())
        sort_key = getattr(page, "sort_key", None)
        if isinstance(sort_key, str):
            settings.setValue("sort_key", sort_key)
            settings.setValue("descending", bool(getattr(page, "descending", False)))
        for index, widget in enumerate(filters):
            if isinstance(widget, QComboBox):
                settings.setValue(f"filter{index}", widget.currentText())
            elif isinstance(widget, QCheckBox):
                settings.setValue(f"filter{index}", widget.isChecked())
        for index, splitter in enumerate(splitters_of(page)):
            settings.setValue(f"splitter{index}", splitter.saveState())
    finally:
        settings.endGroup()


def restore_layout(
    settings: QSettings,
    group: str,
    page: QWidget,
    view: QAbstractItemView,
    filters: Sequence[QWidget],
) -> None:
    """Put back what ``save_layout`` kept; a filter choice no longer offered is left alone.
    Signals are held back: the page's own first query reads the restored state."""
    settings.beginGroup(group)
    try:
        columns = _bytes(settings.value("columns"))
        if columns is not None and isinstance(view, QTableView):
            header = view.horizontalHeader()
            if header.restoreState(columns):
                view.setProperty(REMEMBERED, True)
                if view.isSortingEnabled() and header.sortIndicatorSection() >= 0:
                    view.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        sort_key = settings.value("sort_key")
        if isinstance(sort_key, str) and isinstance(getattr(page, "sort_key", None), str):
            page.sort_key = sort_key  # type: ignore[attr-defined]
            page.descending = str(settings.value("descending", "false")).lower() == "true"  # type: ignore[attr-defined]
        for index, widget in enumerate(filters):
            value = settings.value(f"filter{index}")
            if value is None:
                continue
            widget.blockSignals(True)
            try:
                if isinstance(widget, QComboBox):
                    found = widget.findText(str(value), Qt.MatchFlag.MatchExactly)
                    if found >= 0:
                        widget.setCurrentIndex(found)
                elif isinstance(widget, QCheckBox):
                    widget.setChecked(str(value).lower() == "true")
            finally:
                widget.blockSignals(False)
        for index, splitter in enumerate(splitters_of(page)):
            state = _bytes(settings.value(f"splitter{index}"))
            if state is not None:
                splitter.restoreState(state)
    finally:
        settings.endGroup()


def splitters_of(page: QWidget) -> list[QSplitter]:
    """The page's own splitters, in a stable order (those of pages inside it are theirs)."""
    return [s for s in page.findChildren(QSplitter) if _owner(s) is page]


def _owner(widget: QWidget) -> QWidget | None:
    """The nearest enclosing widget that keeps a layout."""
    parent = widget.parentWidget()
    while parent is not None and not parent.property(KEEPS_LAYOUT):
        parent = parent.parentWidget()
    return parent
