"""Small widgets of the ledger forms: an optional date, a channel picker, the conflict chooser."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)

INVALID_STYLE = "border: 1px solid #c0392b; background: #fff4f2;"


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(value: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(to_qdate(value or date.today()))
    return edit


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
        return from_qdate(self.edit.date()) if self.check.isChecked() else None

    def set_value(self, value: date | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(to_qdate(value))

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


class ConflictDialog(QDialog):
    """Someone else saved the record meanwhile: show both versions, let the user choose.

    ``choice`` is ``"mine"`` (save my version over theirs), ``"theirs"`` (drop my edit and load
    theirs) or ``""`` (back to the form, nothing decided).
    """

    def __init__(
        self,
        rows: Sequence[tuple[str, str, str]],
        who: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("数据已被他人修改")
        self.choice = ""
        layout = QVBoxLayout(self)
        text = "您编辑期间，这条记录已被" + (who or "其他用户") + "修改并保存。"
        text += "下表列出两份内容不同的地方，请决定保留哪一份："
        label = QLabel(text)
        label.setWordWrap(True)
        layout.addWidget(label)
        table = QTableWidget(len(rows), 3)
        table.setHorizontalHeaderLabels(["字段", "您的修改", "对方保存的版本"])
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                table.setItem(r, c, QTableWidgetItem(value))
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table = table
        layout.addWidget(table)
        buttons = QDialogButtonBox()
        self.keep_mine = QPushButton("保留我的修改")
        self.take_theirs = QPushButton("采用对方的版本")
        buttons.addButton(self.keep_mine, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.take_theirs, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton("返回编辑", QDialogButtonBox.ButtonRole.RejectRole)
        self.keep_mine.clicked.connect(lambda: self._choose("mine"))
        self.take_theirs.clicked.connect(lambda: self._choose("theirs"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(680, 360)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


def differences(
    labels: dict[str, str], mine: dict[str, Any], theirs: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """Rows (field label, mine, theirs) for the fields whose shown values differ."""
    return [
        (label, mine.get(key, ""), theirs.get(key, ""))
        for key, label in labels.items()
        if mine.get(key, "") != theirs.get(key, "")
    ]
