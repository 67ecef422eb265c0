"""Small building blocks the pages share: a sortable table view, an inline error label, a page
heading, a list page's filter and button rows, a menu of registered 规范性文件, a password pair
with a strength hint, and the base of the dialogs that save a form."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.errors import GongkaiError, PermissionDenied, ValidationError
from gongkai_desktop.services.auth import MIN_PASSWORD_LENGTH, check_password_strength

from .dates import check_dates
from .error_label import ErrorLabel
from .fit import FitsOnScreen
from .messages import show_error
from .models import ROW_ROLE, SORT_ROLE, RowTableModel
from .remember import REMEMBERED

log = logging.getLogger(__name__)

FILTER_LABEL = "filterLabel"  # the property keeping a filter label's own text


class RecordTable(QTableView):
    """A read-only, row-selecting, sortable view on a ``RowTableModel``."""

    def __init__(self, model: RowTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.setModel(self.proxy)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(28)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)

    def selected(self) -> Any:
        """The row object of the current selection, or None."""
        rows = self.selectionModel().selectedRows()
        if not rows:
            return None
        return rows[0].data(ROW_ROLE)

    def select_where(self, predicate: Callable[[Any], bool]) -> bool:
        """Select the first row whose object satisfies ``predicate``; False when none does."""
        for row in range(self.proxy.rowCount()):
            if predicate(self.proxy.index(row, 0).data(ROW_ROLE)):
                self.selectRow(row)
                return True
        return False

    def select_first(self) -> None:
        if self.proxy.rowCount():
            self.selectRow(0)

    def fit_columns(self, widths: dict[int, int] | None = None) -> None:
        """Size columns to their contents (then the user may drag them); not when the user's
        own widths were restored (``ui.remember``)."""
        if self.property(REMEMBERED):
            return
        self.resizeColumnsToContents()
        for column, width in (widths or {}).items():
            self.setColumnWidth(column, width)


def open_on_activation(view: QAbstractItemView, open_row: Callable[[], None]) -> None:
    """Open the current row when it is activated: a double click, Enter, or a single click where
    the desktop is set so. ``activated`` alone covers all three; connecting ``doubleClicked`` too
    would open a double-clicked row twice (the dialog coming back after Esc)."""
    view.activated.connect(lambda _index: open_row())


def selected_row_line(
    table: RecordTable, text_of: Callable[[Any], str], parent: QWidget | None = None
) -> QLabel:
    """A wrapped line under ``table`` giving ``text_of`` the selected row in full (a check's
    finding, say, which its column can only show cut off at 1366 pixels)."""
    line = QLabel(parent)
    line.setObjectName("hintLabel")
    line.setWordWrap(True)
    line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    line.hide()

    def update() -> None:
        row = table.selected()
        text = text_of(row) if row is not None else ""
        line.setText(text)
        line.setVisible(bool(text))

    table.selectionModel().selectionChanged.connect(lambda *_a: update())
    table.model().modelReset.connect(update)
    return line


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("pageHeading")
    return label


def hint(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("hintLabel")
    label.setWordWrap(True)
    return label


def filter_bar(
    parent: QWidget,
    filters: Iterable[tuple[str, QWidget]],
    extras: Iterable[QWidget],
    search: QLineEdit,
) -> QHBoxLayout:
    """A list page's filter row: each filter after its label (the label's buddy), then
    ``extras``, then the search box taking the rest of the width — never less than its
    placeholder needs, so 「搜索…」 is not cut to 「搜…」."""
    bar = QHBoxLayout()
    for label, widget in filters:
        text = QLabel(label, parent)
        text.setProperty(FILTER_LABEL, label)
        text.setBuddy(widget)
        bar.addWidget(text)
        bar.addWidget(widget)
    for widget in extras:
        bar.addWidget(widget)
    keep_hint_room(search)
    bar.addWidget(search, 1)
    return bar


def keep_hint_room(search: QLineEdit) -> None:
    """A search box never narrower than its hint (and clear button) needs."""
    needed = search.fontMetrics().horizontalAdvance(search.placeholderText()) + 32
    search.setMinimumWidth(min(max(needed, 160), 320))


def filter_label(widget: QWidget) -> QLabel | None:
    """The label ``filter_bar`` put before ``widget``."""
    parent = widget.parentWidget()
    if parent is None:
        return None
    for label in parent.findChildren(QLabel):
        if label.buddy() is widget and label.property(FILTER_LABEL):
            return label
    return None


def fill_year_and_division(
    ctx: Any, year: QComboBox, division: QComboBox, years: Callable[[], Iterable[int]]
) -> None:
    """(Re)fill a list page's 年度 and 处室 menus (全部 first), keeping the current choice: the year
    chosen stays offered, a division no longer offered falls back to 全部. Every active division
    is offered (a leader records for none but reads all); a liaison sees their own division only,
    so gets no menu. Signals are held back, so refilling does not re-run the page's query."""
    from gongkai_desktop.domain.labels import Role
    from gongkai_desktop.services.admin import AdminService

    try:
        offered = set(years()) | {date.today().year}
        divisions = [(d.id, d.name) for d in AdminService(ctx.db, ctx.actor).list_divisions()]
    except GongkaiError as exc:
        log.warning("filters not refreshed: %s", exc)
        return
    chosen_year, chosen_division = year.currentData(), division.currentData()
    if chosen_year is not None:
        offered.add(chosen_year)
    items = (
        (year, [(f"{y}年", y) for y in sorted(offered, reverse=True)], chosen_year),
        (division, [(name, i) for i, name in divisions], chosen_division),
    )
    for combo, entries, chosen in items:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("全部", None)
        for text, data in entries:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.blockSignals(False)
    liaison = ctx.actor.role is Role.LIAISON
    division.setVisible(not liaison)
    label = filter_label(division)
    if label is not None:  # a liaison reads their own division where the menu would be
        base = str(label.property(FILTER_LABEL))
        label.setText(f"{base}{ctx.actor.division_name or ''}" if liaison else base)


def fill_registry_menu(
    combo: QComboBox, first: str, documents: Callable[[], Iterable[tuple[int, str, str]]]
) -> None:
    """(Re)fill a menu of registered 规范性文件 from ``documents`` ((id, 文号, 标题) each):
    ``first`` choosing none, then each as 「文号　标题」 with its title as the tooltip and
    (文号, 标题) as its data. Signals are held back while it fills; when the documents cannot be
    listed, ``first`` alone is offered."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(first, None)
    try:
        listed = list(documents())
    except GongkaiError as exc:
        log.warning("documents not listed: %s", exc)
        listed = []
    for _document_id, number, title in listed:
        combo.addItem(f"{number}　{title}", (number, title))
        combo.setItemData(combo.count() - 1, title, Qt.ItemDataRole.ToolTipRole)
    combo.blockSignals(False)


def button_row(lead: QWidget, buttons: Iterable[QWidget]) -> QHBoxLayout:
    """``lead`` (a summary, say) taking the width, then ``buttons`` at the right."""
    row = QHBoxLayout()
    row.addWidget(lead, 1)
    for button in buttons:
        row.addWidget(button)
    return row


class PasswordPair:
    """Two password fields and a live hint with the core's own strength rule."""

    def __init__(self, form: QFormLayout, first_label: str = "密码：") -> None:
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.hint = QLabel()
        self.hint.setObjectName("hintLabel")
        self.hint.setWordWrap(True)
        form.addRow(first_label, self.first)
        form.addRow("再输入一次：", self.second)
        form.addRow("", self.hint)
        self.first.textChanged.connect(self._update_hint)
        self.second.textChanged.connect(self._update_hint)
        self._update_hint()

    def problem(self) -> str:
        """Why the passwords cannot be used, in Chinese; empty when they can."""
        password = self.first.text()
        try:
            check_password_strength(password)
        except ValidationError as exc:
            return str(exc)
        if password != self.second.text():
            return "两次输入的密码不一致。"
        return ""

    def _update_hint(self) -> None:
        password = self.first.text()
        if not password:
            self.hint.setText(
                f"至少 {MIN_PASSWORD_LENGTH} 位，需同时包含字母和数字（或其他字符），不要用常见密码。"
            )
            return
        try:
            check_password_strength(password)
        except ValidationError as exc:
            self.hint.setText(str(exc))
            return
        if self.second.text() and self.second.text() != password:
            self.hint.setText("两次输入的密码不一致。")
        elif self.second.text():
            self.hint.setText("密码可用。")
        else:
            self.hint.setText("密码强度符合要求，请再输入一次。")

    def text(self) -> str:
        return self.first.text()

    def checked(self) -> str:
        """The password; ValidationError saying why when it cannot be used."""
        problem = self.problem()
        if problem:
            raise ValidationError(problem)
        return self.text()


class FormDialog(FitsOnScreen, QDialog):
    """A dialog whose 确定 saves the form with one service call (:meth:`submit`).

    A problem the user can correct (any ``GongkaiError``) is shown under the form and the dialog
    stays open; an error of ``closing_errors`` (a refusal) is shown in a message box and closes
    the dialog, since trying again cannot help.
    """

    closing_errors: tuple[type[GongkaiError], ...] = (PermissionDenied,)

    def add_footer(self, layout: QVBoxLayout, buttons: QDialogButtonBox | None = None) -> None:
        """The error line and the buttons (确定/取消 unless given) at the end of ``layout``."""
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        self.buttons = buttons or QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def submit(self) -> None:
        """Check the form and make the service call; raise a ``GongkaiError`` when it fails."""
        raise NotImplementedError

    def accept(self) -> None:
        try:
            check_dates(self)
            self.submit()
        except self.closing_errors as exc:
            show_error(self, exc)
            self.reject()
            return
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return
        super().accept()


class IssueDate(QWidget):
    """「成文日期：[date]」beside an export button: the date a document is signed on, today
    unless the user picks another (a report for last year is often signed in January)."""

    def __init__(self, parent: QWidget | None = None, label: str = "成文日期：") -> None:
        from .ledger.widgets import date_edit

        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(label, self)
        self.edit = date_edit()
        self.edit.setParent(self)
        self.edit.setToolTip("落款的成文日期（默认今天）")
        self.label.setBuddy(self.edit)
        layout.addWidget(self.label)
        layout.addWidget(self.edit)

    def value(self) -> date:
        """The date typed; ValidationError while the text is not a whole date."""
        if self.edit.problem():
            raise ValidationError(f"{self.label.text().rstrip('：')}：{self.edit.problem()}")
        return self.edit.value()

    def set_value(self, value: date) -> None:
        self.edit.setDate(value)
