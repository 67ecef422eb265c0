"""Someone else saved a record while it was being edited (SPEC §11): both versions side by side,
the fields that differ marked, and the user decides. Nothing is overwritten silently.

A form turns its own values and the stored ones (the snapshot the service sends along with
``ConflictError.current``, see :func:`fields_from_snapshot`) into display texts under the same
keys and calls :func:`resolve_conflict`: 保留我的修改 saves again against the version now stored
(:func:`stored_version`), 采用对方版本 drops the edit and reloads the record, 返回编辑 does neither.
"""

from __future__ import annotations

import dataclasses
import logging
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.errors import ConflictError, GongkaiError

from .fit import FitsOnScreen
from .messages import show_error

log = logging.getLogger(__name__)

T = TypeVar("T")

DIFFERENT = QBrush(QColor("#fdebd0"))


class Choice(Enum):
    KEEP_MINE = "mine"
    TAKE_THEIRS = "theirs"
    UNDECIDED = ""  # 返回编辑: back to the form, nothing saved, nothing reloaded


def shown(value: Any) -> str:
    """The text a value is compared and shown as: empty for None, 是/否, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class ConflictDialog(FitsOnScreen, QDialog):
    """Every field with the user's value and the stored one; the rows that differ are marked.

    ``choice`` is set by the buttons; closing the dialog leaves it ``Choice.UNDECIDED``.
    """

    def __init__(
        self,
        labels: Mapping[str, str],
        mine: Mapping[str, Any],
        theirs: Mapping[str, Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.choice = Choice.UNDECIDED
        rows = [
            (key, label, shown(mine.get(key)), shown(theirs.get(key)))
            for key, label in labels.items()
        ]
        self.differing = [key for key, _label, a, b in rows if a != b]
        self._build_ui(rows)

    def _build_ui(self, rows: list[tuple[str, str, str, str]]) -> None:
        self.setWindowTitle("数据已被他人修改")
        layout = QVBoxLayout(self)
        text = "您编辑期间，这条记录已被其他用户修改并保存。"
        if self.differing:
            text += f"两份内容有 {len(self.differing)} 处不同（已用底色标出），请决定保留哪一份："
        else:
            text += "两份内容在下列各项上相同，请决定保留哪一份："
        self.message = QLabel(text, self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        table = QTableWidget(len(rows), 3, self)
        table.setHorizontalHeaderLabels(["字段", "您的修改", "对方保存的版本"])
        bold = QFont(table.font())
        bold.setBold(True)
        for r, (key, *texts) in enumerate(rows):
            for c, value in enumerate(texts):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if key in self.differing:
                    item.setBackground(DIFFERENT)
                    item.setFont(bold)
                table.setItem(r, c, item)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        self.table = table
        layout.addWidget(table, 1)
        buttons = QDialogButtonBox(self)
        self.keep_mine = QPushButton("保留我的修改", self)
        self.take_theirs = QPushButton("采用对方版本", self)
        buttons.addButton(self.keep_mine, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.take_theirs, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton("返回编辑", QDialogButtonBox.ButtonRole.RejectRole)
        self.keep_mine.clicked.connect(lambda: self._choose(Choice.KEEP_MINE))
        self.take_theirs.clicked.connect(lambda: self._choose(Choice.TAKE_THEIRS))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, min(640, 150 + 30 * len(rows)))

    def _choose(self, choice: Choice) -> None:
        self.choice = choice
        self.accept()


def ask_conflict(
    parent: QWidget | None,
    labels: Mapping[str, str],
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any],
) -> Choice:
    """Show both versions (modal) and return what the user chose."""
    dialog = ConflictDialog(labels, mine, theirs, parent)
    dialog.exec()
    log.info("edit conflict: %s (fields differing: %s)", dialog.choice.name, dialog.differing)
    return dialog.choice


def resolve_conflict(
    parent: QWidget | None,
    version: int,
    labels: Mapping[str, str],
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any],
    save_again: Callable[[int], object],
    reload: Callable[[], object],
) -> Choice:
    """Ask, then act: ``save_again(version)`` to keep mine, ``reload()`` to take theirs. An error
    of either step is shown; the choice is returned."""
    choice = ask_conflict(parent, labels, mine, theirs)
    try:
        if choice is Choice.KEEP_MINE:
            save_again(version)
        elif choice is Choice.TAKE_THEIRS:
            reload()
    except GongkaiError as exc:
        show_error(parent, exc)
    return choice


def stored_version(error: ConflictError) -> int | None:
    """The version number of the record as stored now, when the error carries its snapshot."""
    current = error.current
    if isinstance(current, Mapping) and current.get("version") is not None:
        return int(current["version"])
    return None


def fields_from_snapshot(cls: type[T], snapshot: Mapping[str, Any], **overrides: Any) -> T:
    """A form's dataclass (``RequestInput``, ``DocumentFields`` …) filled from a snapshot's column
    values: ISO dates parsed, enum members looked up by value. ``overrides`` give the fields
    a table stores differently (e.g. channels as a bit mask)."""
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if field.name in overrides:
            values[field.name] = overrides[field.name]
        elif field.name in snapshot:
            values[field.name] = _typed(hints[field.name], snapshot[field.name])
    return cls(**values)


def _typed(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    options = typing.get_args(hint) if union else (hint,)
    for option in options:
        if option is date and isinstance(value, str):
            return date.fromisoformat(value)
        if isinstance(option, type) and issubclass(option, Enum):
            return option(value)
    return value
