"""The form of any 新闻发布与回应 record, built from its kind's description
(``domain.engagement_fields.KindSpec``): one editor per field type, in the description's order,
under its Chinese label; ``values()`` gives the field values as the service takes them."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.engagement_choices import SpeakerRole
from gongkai_desktop.domain.engagement_fields import (
    DIVISION_FIELD,
    FieldSpec,
    FieldType,
    KindSpec,
    Speaker,
    blank_values,
    display,
)

from ..dates import DateTimeEdit, check_dates
from .requests_form import DateField, SwitchableField

log = logging.getLogger(__name__)

LONG_TEXT_HEIGHT = 52
LIST_HEIGHT = 78


class DateTimeField(SwitchableField):
    """A date and clock time (to the minute) that may be empty."""

    def __init__(self, optional: bool = True, parent: QWidget | None = None) -> None:
        edit = DateTimeEdit()
        super().__init__(edit, optional, parent)
        edit.dateTimeChanged.connect(self.changed)

    def show_now(self) -> None:
        self.edit.setDateTime(datetime.now())  # type: ignore[attr-defined]

    def show_value(self, value: object) -> None:
        assert isinstance(value, datetime)
        self.edit.setDateTime(value)  # type: ignore[attr-defined]

    def value(self) -> datetime | None:
        if not self.enabled.isChecked():
            return None
        return self.edit.value()  # type: ignore[attr-defined, no-any-return]


class SpeakersEdit(QWidget):
    """The people on the platform: a list, and a role, a name and 添加 / 移除 below it. Enter in
    the name field adds the person too."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.list = QListWidget(self)
        self.list.setFixedHeight(LIST_HEIGHT)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.role = QComboBox(self)
        for role in SpeakerRole:
            self.role.addItem(role.label, role.value)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("姓名")
        self.add_button = QPushButton("添加", self)
        self.remove_button = QPushButton("移除", self)
        row.addWidget(self.role)
        row.addWidget(self.name, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.add_current)
        self.name.returnPressed.connect(self.add_current)
        self.remove_button.clicked.connect(self.remove_selected)
        self._speakers: list[Speaker] = []

    def add_current(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.name.setFocus()
            return
        self._speakers.append(Speaker(SpeakerRole(self.role.currentData()), name))
        self._fill()
        self.name.clear()
        self.changed.emit()

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._speakers):
            del self._speakers[row]
            self._fill()
            self.changed.emit()

    def _fill(self) -> None:
        self.list.clear()
        for speaker in self._speakers:
            self.list.addItem(speaker.text())

    def value(self) -> tuple[Speaker, ...]:
        return tuple(self._speakers)

    def set_value(self, speakers: tuple[Speaker, ...] | list[Speaker]) -> None:
        self._speakers = list(speakers)
        self._fill()

    def set_editable(self, editable: bool) -> None:
        for widget in (self.role, self.name, self.add_button, self.remove_button):
            widget.setVisible(editable)


class DivisionsEdit(QListWidget):
    """Divisions to tick (space toggles the current one)."""

    changed = Signal()

    def __init__(self, divisions: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedHeight(LIST_HEIGHT)
        for division_id, name in divisions:
            item = QListWidgetItem(name, self)
            item.setData(Qt.ItemDataRole.UserRole, division_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.itemChanged.connect(lambda _item: self.changed.emit())

    def value(self) -> tuple[int, ...]:
        return tuple(
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        )

    def set_value(self, ids: tuple[int, ...] | list[int]) -> None:
        wanted = set(ids)
        first: QListWidgetItem | None = None
        self.blockSignals(True)
        for i in range(self.count()):
            item = self.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            if checked and first is None:
                first = item
        self.blockSignals(False)
        # The ticked divisions are what matters: bring the first into view.
        target = first or (self.item(0) if self.count() else None)
        if target is not None:
            self.scrollToItem(target, QListWidget.ScrollHint.PositionAtTop)

    def set_editable(self, editable: bool) -> None:
        # Changing an item's flags emits itemChanged, which is not a change of the value.
        self.blockSignals(True)
        try:
            for i in range(self.count()):
                item = self.item(i)
                flags = item.flags()
                if editable:
                    item.setFlags(flags | Qt.ItemFlag.ItemIsUserCheckable)
                else:
                    item.setFlags(flags & ~Qt.ItemFlag.ItemIsUserCheckable)
        finally:
            self.blockSignals(False)


class EngagementForm(QWidget):
    """Every field of one kind, and the owning division (first, under the kind's own name)."""

    changed = Signal()

    def __init__(
        self, spec: KindSpec, divisions: list[tuple[int, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.spec = spec
        self.divisions = divisions
        self.widgets: dict[str, QWidget] = {}
        self._build_ui()

    def _build_ui(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)  # spare height below the fields, not between them
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.division = QComboBox(self)
        for division_id, name in self.divisions:
            self.division.addItem(name, division_id)
        self.division.currentIndexChanged.connect(self.changed)
        form.addRow(f"{self.spec.division_label}：", self.division)
        for f in self.spec.fields:
            widget = self._editor(f)
            widget.setObjectName(f"field_{f.name}")
            if f.hint and not isinstance(widget, QLineEdit):
                widget.setToolTip(f.hint)
            self.widgets[f.name] = widget
            label = f"{f.label}：" if not f.required else f"{f.label}＊："
            form.addRow(label, widget)

    def _editor(self, f: FieldSpec) -> QWidget:
        if f.type is FieldType.TEXT:
            edit = QLineEdit(self)
            if f.max_length:
                edit.setMaxLength(f.max_length)
            edit.setPlaceholderText(f.hint)
            edit.textChanged.connect(self.changed)
            return edit
        if f.type is FieldType.LONG_TEXT:
            text = QPlainTextEdit(self)
            text.setFixedHeight(LONG_TEXT_HEIGHT)
            text.setTabChangesFocus(True)
            text.textChanged.connect(self.changed)
            return text
        if f.type is FieldType.DATE:
            date_field = DateField(optional=not f.required, parent=self)
            date_field.changed.connect(self.changed)
            return date_field
        if f.type is FieldType.DATETIME:
            moment = DateTimeField(optional=not f.required, parent=self)
            moment.changed.connect(self.changed)
            return moment
        if f.type is FieldType.CHOICE:
            assert f.choices is not None
            combo = QComboBox(self)
            if not f.required:
                combo.addItem("（未选择）", None)
            for member in f.choices:
                combo.addItem(member.label, member.value)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
            combo.currentIndexChanged.connect(self.changed)
            return combo
        if f.type is FieldType.BOOL:
            box = QCheckBox("是", self)
            box.toggled.connect(self.changed)
            return box
        if f.type is FieldType.SPEAKERS:
            speakers = SpeakersEdit(self)
            speakers.changed.connect(self.changed)
            return speakers
        if f.type is FieldType.DIVISIONS:
            ticks = DivisionsEdit(self.divisions, self)
            ticks.changed.connect(self.changed)
            return ticks
        raise ValueError(f.type)

    # --- values in and out ---
    def clear(self, division_id: int | None) -> None:
        self.load(blank_values(self.spec), division_id)

    def load(
        self, values: Mapping[str, Any], division_id: int | None, division_name: str = ""
    ) -> None:
        index = self.division.findData(division_id)
        if index < 0 and division_id is not None:
            # A record of a division deactivated since: shown under its name, not another's.
            self.division.addItem(division_name or "（已停用的处室）", division_id)
            index = self.division.count() - 1
        self.division.setCurrentIndex(max(index, 0) if self.division.count() else -1)
        for f in self.spec.fields:
            widget = self.widgets[f.name]
            value = values.get(f.name)
            if isinstance(widget, QLineEdit):
                widget.setText(value or "")
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value or "")
            elif isinstance(widget, (DateField, DateTimeField)):
                widget.set_value(value)
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, (SpeakersEdit, DivisionsEdit)):
                widget.set_value(value or ())

    def values(self) -> dict[str, Any]:
        """The field values; ValidationError when a date field holds text that is not a date."""
        check_dates(self)
        out: dict[str, Any] = {}
        for f in self.spec.fields:
            widget = self.widgets[f.name]
            if isinstance(widget, QLineEdit):
                out[f.name] = widget.text()
            elif isinstance(widget, QPlainTextEdit):
                out[f.name] = widget.toPlainText()
            elif isinstance(widget, (DateField, DateTimeField, SpeakersEdit, DivisionsEdit)):
                out[f.name] = widget.value()
            elif isinstance(widget, QComboBox):
                out[f.name] = widget.currentData()
            elif isinstance(widget, QCheckBox):
                out[f.name] = widget.isChecked()
        return out

    def division_id(self) -> int | None:
        data = self.division.currentData()
        return int(data) if data is not None else None

    def set_editable(self, editable: bool, can_move: bool = True) -> None:
        """Read-only for someone who may not change the record; ``can_move`` lets the owning
        division be changed (the admin's choice, a liaison records for their own)."""
        self.division.setEnabled(editable and can_move)
        for widget in self.widgets.values():
            if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.setReadOnly(not editable)
            elif isinstance(widget, (QComboBox, QCheckBox)):
                widget.setEnabled(editable)
            elif isinstance(widget, (DateField, DateTimeField)):
                widget.enabled.setEnabled(editable)
                widget.edit.setEnabled(editable and widget.enabled.isChecked())
            elif isinstance(widget, (SpeakersEdit, DivisionsEdit)):
                widget.set_editable(editable)

    @staticmethod
    def texts(
        spec: KindSpec,
        values: Mapping[str, Any],
        division_id: int | None,
        names: Mapping[int, str],
    ) -> dict[str, str]:
        """The values as the form shows them, under ``spec.labels``' keys (to compare two
        versions in the conflict dialog)."""
        out = {DIVISION_FIELD: names.get(division_id, "") if division_id is not None else ""}
        for f in spec.fields:
            out[f.name] = display(f, values.get(f.name), names)
        return out
