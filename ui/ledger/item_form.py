"""The 公开事项 detail form: register or edit one item, with its deadline shown as it is typed.

Validation is the core's (``validate_item``), shown in Chinese under the form with the wrong fields
outlined; the service checks again when saving. A liaison sees other divisions' items read-only.
When someone else saved the item meanwhile, both versions are shown and the user chooses.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.calendar import WorkingCalendar
from gongkai_desktop.domain.disclosure import (
    CHANNELS,
    FIELD_LABELS,
    WITHHOLD_GROUNDS,
    DeadlineState,
    DisclosureAttribute,
    ItemFields,
    Problem,
    compute_deadline,
    deadline_state,
    item_warnings,
    join_channels,
    mask_to_channels,
    validate_item,
)
from gongkai_desktop.errors import CalendarMissing
from gongkai_desktop.services.ledger import ItemRow, LedgerService, Today

from ..conflict import fields_from_snapshot
from ..context import UiContext
from .attachments import AttachmentPanel
from .widgets import (
    ChannelPicker,
    OptionalDate,
    RecordDialog,
    date_edit,
)

log = logging.getLogger(__name__)

CHOOSE = "（请选择）"


class ItemDialog(RecordDialog):
    """Create (``item`` None) or edit an item; ``saved`` carries the stored row."""

    saved = Signal(object)

    def __init__(
        self,
        ctx: UiContext,
        service: LedgerService,
        item: ItemRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.service = service
        self.item = item
        self.calendar: WorkingCalendar = service.calendar()
        self.today: Today = service.today(calendar=self.calendar)
        self.read_only = item is not None and not item.editable
        self.setWindowTitle("公开事项" if item is None else f"公开事项：{item.title[:30]}")
        self._build_ui()
        self._connect_signals()
        if item is not None:
            self.load(item)
        else:
            self._update_computed()
        self.resize(760, 640)

    # ----- layout ------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.title = QLineEdit()
        self.title.setPlaceholderText("如：关于印发《……实施方案》的通知")
        self.category = QComboBox()
        self.category.addItems([CHOOSE, *self.service.categories()])
        self.attribute = QComboBox()
        self.attribute.addItems([CHOOSE, *DisclosureAttribute.labels()])
        self.ground = QComboBox()
        self.ground.addItems(["", *WITHHOLD_GROUNDS])
        self.fill_divisions(self.service, editing=self.item is not None)
        self.formed_on = date_edit()
        self.published_on = OptionalDate("已公开，公开日期：")
        self.channels = ChannelPicker(CHANNELS)
        self.link = QLineEdit()
        self.link.setPlaceholderText("http://…")
        self.doc_number = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(70)
        self.computed = QLabel()
        self.computed.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setStyleSheet("color: #b35c00;")
        self.warning.setWordWrap(True)

        form = QFormLayout()
        form.addRow("标题：", self.title)
        form.addRow("类别：", self.category)
        form.addRow("公开属性：", self.attribute)
        form.addRow("不公开依据：", self.ground)
        form.addRow("责任处室：", self.division)
        form.addRow("形成/变更日期：", self.formed_on)
        form.addRow("公开：", self.published_on)
        form.addRow("公开渠道：", self.channels)
        form.addRow("链接：", self.link)
        form.addRow("文号：", self.doc_number)
        form.addRow("备注：", self.notes)
        form.addRow("公开期限：", self.computed)
        self.widgets = {
            "title": self.title,
            "category": self.category,
            "attribute": self.attribute,
            "ground": self.ground,
            "division": self.division,
            "formed_on": self.formed_on,
            "published_on": self.published_on,
            "channels": self.channels,
            "link": self.link,
            "doc_number": self.doc_number,
            "notes": self.notes,
        }

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        if self.item is not None:
            box = QGroupBox("附件")
            inner = QVBoxLayout(box)
            self.attachments = AttachmentPanel(
                self.ctx,
                "disclosure_item",
                self.item.uuid,
                self.item.division_id,
                not self.read_only,
            )
            inner.addWidget(self.attachments)
            layout.addWidget(box)
        layout.addWidget(self.errors)
        layout.addWidget(self.buttons)
        self._set_read_only(self.read_only)

    def _connect_signals(self) -> None:
        self.attribute.currentIndexChanged.connect(lambda _i: self._update_computed())
        self.category.currentIndexChanged.connect(lambda _i: self._update_computed())
        self.formed_on.dateChanged.connect(lambda _d: self._update_computed())
        self.published_on.changed.connect(self._update_computed)
        self.channels.changed.connect(self._update_computed)
        self.doc_number.textChanged.connect(lambda _t: self._update_computed())
        self.recheck_when_edited()

    def _set_read_only(self, read_only: bool) -> None:
        if read_only and self.item is not None:
            self.banner.setText(
                f"本事项属于{self.item.division_name}，您只能查看，不能修改"
                "（联络员只能编辑本处室的记录）。"
            )
        self.banner.setVisible(read_only)
        for widget in (self.title, self.link, self.doc_number):
            widget.setReadOnly(read_only)
        self.notes.setReadOnly(read_only)
        for combo in (self.category, self.attribute, self.ground, self.division):
            combo.setEnabled(not read_only)
        self.formed_on.setReadOnly(read_only)
        self.published_on.set_read_only(read_only)
        self.channels.set_read_only(read_only)
        self.save_button.setVisible(not read_only)

    # ----- values ------------------------------------------------------------------------------
    def load(self, item: ItemRow) -> None:
        self.item = item
        self.title.setText(item.title)
        if self.category.findText(item.category) < 0:
            self.category.addItem(item.category)
        self.category.setCurrentText(item.category)
        self.attribute.setCurrentText(item.attribute.label)
        self.ground.setCurrentText(item.ground or "")
        self.show_division(item.division_id, item.division_name)
        self.formed_on.setDate(item.formed_on)
        self.published_on.set_value(item.published_on)
        self.channels.set_value(item.channels)
        self.link.setText(item.link)
        self.doc_number.setText(item.doc_number)
        self.notes.setPlainText(item.notes)
        self._update_computed()

    def fields(self) -> ItemFields:
        category = self.category.currentText()
        attribute_label = self.attribute.currentText()
        attribute = ""
        if attribute_label != CHOOSE:
            attribute = DisclosureAttribute.from_label(attribute_label).value
        return ItemFields(
            title=self.title.text().strip(),
            category="" if category == CHOOSE else category,
            attribute=attribute,
            ground=self.ground.currentText() or None,
            formed_on=self.formed_on.value(),
            published_on=self.published_on.value(),
            channels=self.channels.value(),
            link=self.link.text().strip(),
            doc_number=self.doc_number.text().strip(),
            notes=self.notes.toPlainText().strip(),
        )

    def _update_computed(self) -> None:
        f = self.fields()
        withheld = f.attribute == DisclosureAttribute.WITHHELD.value
        self.ground.setEnabled(withheld and not self.read_only)
        if not withheld and self.ground.currentIndex() != 0:
            self.ground.setCurrentIndex(0)
        warnings = item_warnings(f.attribute, f.channels, f.doc_number)
        self.warning.setText("⚠ " + "；".join(warnings) if warnings else "")
        self.warning.setVisible(bool(warnings))
        self.computed.setToolTip("")
        if f.attribute != DisclosureAttribute.PROACTIVE.value or f.formed_on is None:
            self.computed.setText("只有主动公开事项有公开期限。")
            return
        try:
            deadline = compute_deadline(self.calendar, f.attribute, f.category, f.formed_on)
        except CalendarMissing as exc:
            # Saved all the same: the deadline is computed once the year's arrangement is entered.
            self.computed.setText(f"状态：{DeadlineState.UNKNOWN.label}　{exc}")
            self.computed.setToolTip(str(exc))
            return
        assert deadline is not None
        state = deadline_state(
            f.attribute,
            deadline,
            f.published_on,
            self.today.today,
            self.today.soon_before or self.today.today,
        )
        rule = "批复后 20 日" if f.category in ("部门预算", "部门决算") else "形成后 20 个工作日"
        text = f"{deadline.isoformat()}（{rule}）"
        if state is not None:
            text += f"　状态：{state.label}"
            if f.published_on is None:
                try:
                    left = self.calendar.working_days_between(self.today.today, deadline)
                    text += f"，剩余 {left} 个工作日" if left >= 0 else f"，已超期 {-left} 个工作日"
                except CalendarMissing:
                    pass
        self.computed.setText(text)

    # ----- saving ------------------------------------------------------------------------------
    def validate(self) -> bool:
        f = self.fields()
        problems = validate_item(f, self.service.categories())
        if self.division_id() is None:
            problems.insert(0, Problem("division", "请选择责任处室"))
        return not self.refuse(problems, FIELD_LABELS)

    def save(self, expected_version: int | None = None) -> None:
        if not self.validate():
            return
        fields, division_id, item = self.fields(), self.division_id(), self.item
        if item is None:
            row = self.store(lambda: self.service.create_item(division_id, fields))
        else:
            version = item.version if expected_version is None else expected_version
            row = self.store(lambda: self.service.update_item(item.id, version, division_id, fields))
        if row is None:
            return
        self.item = row
        self.saved.emit(row)
        self.accept()

    def reload(self) -> None:
        if self.item is not None:
            self.load(self.service.get_item(self.item.id))

    def versions(
        self, stored: Mapping[str, Any]
    ) -> tuple[Mapping[str, str], dict[str, Any], dict[str, Any]]:
        theirs = fields_from_snapshot(
            ItemFields, stored, channels=mask_to_channels(int(stored.get("channels") or 0))
        )
        their_division = dict(self.service.divisions()).get(stored.get("division_id"), "")
        return (
            FIELD_LABELS,
            _texts(self.fields(), self.division.currentText()),
            _texts(theirs, their_division),
        )


def _texts(fields: ItemFields, division: str) -> dict[str, Any]:
    return {
        **dataclasses.asdict(fields),
        "attribute": _attribute_label(fields.attribute),
        "division": division,
        "channels": join_channels(fields.channels),
    }


def _attribute_label(value: object) -> str:
    try:
        return DisclosureAttribute(str(value)).label
    except ValueError:
        return ""
