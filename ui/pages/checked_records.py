"""What the rules find in a record, shown alike wherever records are checked (决策与征求意见,
政策解读): a breach in red (⚠), a thing at risk in amber (△), green when nothing is wrong; and
the list page both keep such records on (:class:`CheckedRecordsPage`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.decisions import Findings
from gongkai_desktop.domain.labels import LabelledEnum, Role
from gongkai_desktop.errors import GongkaiError

from ..context import UiContext
from ..list_keys import ListKeys
from ..messages import confirm, show_error
from ..models import RowTableModel
from ..widgets import (
    RecordTable,
    button_row,
    fill_year_and_division,
    filter_bar,
    hint,
    open_on_activation,
    selected_row_line,
)

log = logging.getLogger(__name__)

ALL = "全部"
RED = "#b03a2e"
AMBER = "#8a5300"
GREEN = "#1e7b34"
RED_BRUSH = QBrush(QColor(RED))
AMBER_BRUSH = QBrush(QColor(AMBER))


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
            return RED_BRUSH
        if row.warnings:
            return AMBER_BRUSH
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


def kind_menu(parent: QWidget, kinds: Iterable[LabelledEnum]) -> QComboBox:
    """A filter menu: 全部, then each kind by its label."""
    menu = QComboBox(parent)
    menu.addItem(ALL, None)
    for kind in kinds:
        menu.addItem(kind.label, kind.value)
    return menu


class CheckedRecordsPage(QWidget):
    """A list page of records the rules check, for a year and a division: the filters (年度,
    处室, the page's own menu and 只看… box, a search), the list with the selected record's check
    in full under it, a summary, and 删除, 打开 and 新建 (leaders read only: no 新建, no 删除).

    A page says what it lists: the texts below, its filters (:meth:`_build_filters`), its model,
    the line under the list (:meth:`check_line_text`), the rows and summary (:meth:`load`), what
    to ask before deleting (:meth:`delete_question`) and how a record opens (:meth:`open_selected`).
    """

    search_hint = ""
    new_text = "新建…"
    open_text = "打开"
    empty_text = ""
    list_widths: dict[int, int] = {}

    def __init__(self, ctx: UiContext, service: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self._build_ui()
        self._connect_signals()
        self.refresh()

    # -- what a page says -------------------------------------------------------------------
    def _build_filters(self) -> tuple[tuple[str, QComboBox], QCheckBox]:
        """The page's own filter menu after its label (after 年度 and 处室), and its 只看… box."""
        raise NotImplementedError

    def _make_model(self) -> FindingsTableModel:
        raise NotImplementedError

    def check_line_text(self, row: Any) -> str:
        """What the line under the list says of the selected record ("" hides it)."""
        raise NotImplementedError

    def load(self) -> tuple[Sequence[Any], str]:
        """The rows the filters choose and the summary under them; a ``GongkaiError`` when they
        cannot be read."""
        raise NotImplementedError

    def delete_question(self, row: Any) -> str | None:
        """What to ask before deleting ``row``; None when it is not to be deleted."""
        raise NotImplementedError

    def open_selected(self) -> None:
        raise NotImplementedError

    # -- layout -----------------------------------------------------------------------------
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.year = QComboBox(self)
        self.division = QComboBox(self)
        own_filter, self.only_box = self._build_filters()
        self.own_menu = own_filter[1]
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.search_hint)
        self.search.setClearButtonEnabled(True)
        filters = (("年度：", self.year), ("处室：", self.division), own_filter)
        layout.addLayout(filter_bar(self, filters, (self.only_box,), self.search))
        self._fill_filters()

        self.model = self._make_model()
        self.table = RecordTable(self.model, self)
        self.table.proxy.sort(-1)  # the service's order: most recently changed first
        layout.addWidget(self.table, 1)
        self.check_line = selected_row_line(self.table, self.check_line_text, self)
        layout.addWidget(self.check_line)

        self.summary = hint("", self)
        self.new_button = QPushButton(self.new_text, self)
        self.open_button = QPushButton(self.open_text, self)
        self.delete_button = QPushButton("删除", self)
        buttons = (self.delete_button, self.open_button, self.new_button)
        layout.addLayout(button_row(self.summary, buttons))
        leader = self.ctx.actor.role is Role.LEADER
        self.new_button.setVisible(not leader)
        self.delete_button.setVisible(not leader)

    def _fill_filters(self) -> None:
        fill_year_and_division(self.ctx, self.year, self.division, self.service.years)

    def _connect_signals(self) -> None:
        for combo in (self.year, self.division, self.own_menu):
            combo.currentIndexChanged.connect(self.refresh)
        self.only_box.toggled.connect(self.refresh)
        self.search.returnPressed.connect(self.refresh)
        self.search.textChanged.connect(lambda text: text or self.refresh())
        open_on_activation(self.table, self.open_selected)
        self.table.selectionModel().selectionChanged.connect(self._on_select)
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.list_keys = ListKeys.of_page(
            self,
            self.table,
            empty=self.empty_text,
            filters=(self.year, self.division, self.own_menu, self.only_box),
        )
        self._on_select()

    # -- the list ---------------------------------------------------------------------------
    def page_shown(self) -> None:
        self._fill_filters()
        self.refresh()

    def refresh(self) -> None:
        selected = self.table.selected()
        try:
            rows, summary = self.load()
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.model.set_rows(rows)
        self.summary.setText(summary)
        self.table.fit_columns(self.list_widths)
        if selected is not None:
            self.table.select_where(lambda r: r.id == selected.id)
        self._on_select()

    def _on_select(self) -> None:
        row = self.table.selected()
        self.open_button.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None and row.editable)

    def delete_selected(self) -> None:
        row = self.table.selected()
        if row is None:
            return
        question = self.delete_question(row)
        if question is None or not confirm(self, question):
            return
        try:
            self.service.delete(row.id, row.version)
        except GongkaiError as exc:
            show_error(self, exc)
        self.refresh()
