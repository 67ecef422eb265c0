"""Small widgets of the ledger forms (an optional date, a channel picker) and the base of the
record forms."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from PySide6.QtCore import QAbstractItemModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QWidget,
)

from gongkai_desktop.domain.disclosure import Problem
from gongkai_desktop.errors import ConflictError, GongkaiError, ValidationError
from gongkai_desktop.services.ledger import LedgerService

from ..conflict import resolve_conflict, stored_version
from ..context import UiContext
from ..dates import DateEdit, check_dates, date_problems
from ..fit import FitsOnScreen
from ..messages import show_error
from ..widgets import ErrorLabel

log = logging.getLogger(__name__)

T = TypeVar("T")
# Columns whose first click sorts ascending (A to Z, most urgent state first); dates and the
# rest start with the newest or largest.
ASCENDING_FIRST = frozenset({"title", "state", "doc_number"})

INVALID_STYLE = "border: 1px solid #c0392b; background: #fff4f2;"


def date_edit(value: date | None = None) -> DateEdit:
    return DateEdit(value)


class OptionalDate(QWidget):
    """A date that may be absent: a check box (e.g. 已公开) enabling a date field."""

    changed = Signal()

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(label)
        self.edit = date_edit()
        self.edit.setEnabled(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.toggled.connect(lambda _on: self.changed.emit())
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())

    def value(self) -> date | None:
        return self.edit.value() if self.check.isChecked() else None

    def set_value(self, value: date | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(value)

    def set_read_only(self, read_only: bool) -> None:
        self.check.setEnabled(not read_only)
        self.edit.setReadOnly(read_only)


class ChannelPicker(QWidget):
    """Check boxes for the closed list of 公开渠道, in their official order."""

    changed = Signal()

    def __init__(self, labels: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, label in enumerate(labels):
            box = QCheckBox(label)
            box.toggled.connect(lambda _on: self.changed.emit())
            grid.addWidget(box, i // 5, i % 5)
            self.boxes[label] = box

    def value(self) -> tuple[str, ...]:
        return tuple(label for label, box in self.boxes.items() if box.isChecked())

    def set_value(self, labels: Sequence[str]) -> None:
        for label, box in self.boxes.items():
            box.setChecked(label in labels)

    def set_read_only(self, read_only: bool) -> None:
        for box in self.boxes.values():
            box.setEnabled(not read_only)


class RecordDialog(FitsOnScreen, QDialog):
    """What the ledger's record forms share: the read-only banner, the division choice, 保存/关闭,
    problems listed under the form with their fields outlined, and the choice on a conflict.

    A form puts its fields into ``widgets`` (key → widget, for outlining), saves through
    :meth:`store` in ``save(expected_version)``, and says in :meth:`versions` how its values and a
    stored snapshot read, and in :meth:`reload` how it loads the stored record.
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.widgets: dict[str, QWidget] = {}
        self.banner = QLabel()
        self.banner.setObjectName("hintLabel")
        self.banner.setWordWrap(True)
        self.division = QComboBox()
        self.errors = ErrorLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("关闭")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        save_key = QShortcut(QKeySequence("Ctrl+S"), self)
        save_key.activated.connect(self.save_button.click)
        self.save_button.setToolTip("保存（Ctrl+S）")

    def fill_divisions(self, ledger: LedgerService, editing: bool) -> None:
        """The divisions the user may file a record under (all of them for an existing record,
        which may belong elsewhere); a new record starts in the user's own division."""
        editable_ids = ledger.editable_division_ids()
        for division_id, name in ledger.divisions():
            if editable_ids is None or division_id in editable_ids or editing:
                self.division.addItem(name, division_id)
        if not editing and self.ctx.actor.division_id is not None:
            index = self.division.findData(self.ctx.actor.division_id)
            self.division.setCurrentIndex(max(index, 0))

    def show_division(self, division_id: int, name: str) -> None:
        index = self.division.findData(division_id)
        if index < 0:  # e.g. a division deactivated since
            self.division.addItem(name, division_id)
            index = self.division.count() - 1
        self.division.setCurrentIndex(index)

    def division_id(self) -> int | None:
        value = self.division.currentData()
        return int(value) if value is not None else None

    def show_problems(self, messages: list[str], fields: list[str]) -> None:
        for key, widget in self.widgets.items():
            widget.setStyleSheet(INVALID_STYLE if key in fields else "")
        if messages:
            self.errors.show_message("未保存，请改正：\n" + "\n".join(f"· {m}" for m in messages))
        else:
            self.errors.clear_message()

    def validate(self) -> bool:
        """Check the form as it is and show what stops it from being saved; True when nothing."""
        raise NotImplementedError

    def recheck_when_edited(self) -> None:
        """Once problems are listed, every edit checks the form again, so a problem fixed
        leaves the list (and the list goes when all are)."""
        for child in self.findChildren(QWidget):
            signal = None
            if isinstance(child, (QLineEdit, QPlainTextEdit)):
                signal = child.textChanged
            elif isinstance(child, QComboBox):
                signal = child.currentIndexChanged
            elif isinstance(child, QCheckBox):
                signal = child.toggled
            if signal is not None:
                signal.connect(self._recheck)

    def _recheck(self, *_args: object) -> None:
        if self.errors.isVisible():
            self.validate()

    def refuse(self, problems: Sequence[Problem], labels: Mapping[str, str]) -> bool:
        """Show what stops the form from being saved: date fields whose text is not a date, then
        the rules broken (each under its field's label); True when anything does."""
        messages = date_problems(self) + [f"「{labels[p.field]}」：{p.message}" for p in problems]
        self.show_problems(messages, [p.field for p in problems])
        return bool(messages)

    # ----- saving ------------------------------------------------------------------------------
    def save(self, expected_version: int | None = None) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        """Load the record as stored now (the other user's version)."""
        raise NotImplementedError

    def versions(
        self, stored: Mapping[str, Any]
    ) -> tuple[Mapping[str, str], dict[str, Any], dict[str, Any]]:
        """Field labels, the form's values and the stored snapshot's, as the form shows them."""
        raise NotImplementedError

    def store(self, call: Callable[[], T]) -> T | None:
        """Run one service call; None when it did not save (the reason is already shown)."""
        try:
            check_dates(self)
            return call()
        except ValidationError as exc:
            self.show_problems(exc.problems or [exc.message], list(exc.params.get("fields", [])))
        except ConflictError as exc:
            self.resolve_conflict(exc)
        except GongkaiError as exc:
            show_error(self, exc)
        return None

    def resolve_conflict(self, exc: ConflictError) -> None:
        version = stored_version(exc)
        if version is None:  # nothing to compare with (e.g. deleted meanwhile)
            show_error(self, exc)
            return
        labels, mine, theirs = self.versions(exc.current)
        resolve_conflict(
            self,
            version,
            labels,
            mine,
            theirs,
            lambda stored: self.save(expected_version=stored),
            self.reload,
        )


def paged_table(
    model: QAbstractItemModel,
    widths: Sequence[int],
    sort_column: int,
    *,
    multi_select: bool = False,
    row_height: int = 26,
) -> QTableView:
    """A read-only list view over a paged model whose header clicks re-sort in the database."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multi_select
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(row_height)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    header.setSortIndicatorShown(True)
    header.setSectionsClickable(True)
    header.setSortIndicator(sort_column, Qt.SortOrder.DescendingOrder)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    return table


class DatabaseSortedList:
    """Header clicks of a paged list re-query the database in the clicked column's order.

    The list has ``model`` (a paged model with ``sort_key_of``), ``table``, ``sort_key``,
    ``descending`` and ``refresh()``. A new column sorts newest/largest first, titles A–Z.
    """

    model: Any
    table: QTableView
    sort_key: str
    descending: bool

    def refresh(self) -> None:
        raise NotImplementedError

    def _header_clicked(self, column: int) -> None:
        key = self.model.sort_key_of(column)
        if key is None:
            return
        if key == self.sort_key:
            descending = not self.descending
        else:
            descending = key not in ASCENDING_FIRST
        self.table.horizontalHeader().setSortIndicator(
            column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        self.sort_by(key, descending)

    def sort_by(self, key: str, descending: bool) -> None:
        if (key, descending) == (self.sort_key, self.descending):
            return
        self.sort_key, self.descending = key, descending
        self.refresh()
