"""The 公开事项 detail form: register or edit one item, with its deadline shown as it is typed.

Validation is the core's (``validate_item``), shown in Chinese under the form with the wrong fields
outlined; the service checks again when saving. A liaison sees other divisions' items read-only.
When someone else saved the item meanwhile, both versions are shown and the user chooses.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
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
from gongkai_desktop.errors import CalendarMissing, ConflictError, GongkaiError, ValidationError
from gongkai_desktop.services.ledger import ItemRow, LedgerService, Today

from ..context import UiContext
from ..messages import show_error
from ..widgets import ErrorLabel
from .attachments import AttachmentPanel
from .widgets import (
    INVALID_STYLE,
    ChannelPicker,
    ConflictDialog,
    OptionalDate,
    date_edit,
    differences,
    from_qdate,
    to_qdate,
)

log = logging.getLogger(__name__)

CHOOSE = "（请选择）"


class ItemDialog(QDialog):
    """Create (``item`` None) or edit an item; ``saved`` carries the stored row."""

    saved = Signal(object)

    def __init__(
        self,
        ctx: UiContext,
        service: LedgerService,
        item: ItemRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
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
        self.banner = QLabel()
        self.banner.setObjectName("hintLabel")
        self.banner.setWordWrap(True)
        self.title = QLineEdit()
        self.title.setPlaceholderText("如：关于印发《……实施方案》的通知")
        self.category = QComboBox()
        self.category.addItems([CHOOSE, *self.service.categories()])
        self.attribute = QComboBox()
        self.attribute.addItems([CHOOSE, *DisclosureAttribute.labels()])
        self.ground = QComboBox()
        self.ground.addItems(["", *WITHHOLD_GROUNDS])
        self.division = QComboBox()
        editable_ids = self.service.editable_division_ids()
        for division_id, name in self.service.divisions():
            if editable_ids is None or division_id in editable_ids or self.item is not None:
                self.division.addItem(name, division_id)
        if self.item is None and self.ctx.actor.division_id is not None:
            index = self.division.findData(self.ctx.actor.division_id)
            self.division.setCurrentIndex(max(index, 0))
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
        self.errors = ErrorLabel()

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
        self.widgets: dict[str, QWidget] = {
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
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("关闭")
        layout.addWidget(self.buttons)
        self._set_read_only(self.read_only)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.attribute.currentIndexChanged.connect(lambda _i: self._update_computed())
        self.category.currentIndexChanged.connect(lambda _i: self._update_computed())
        self.formed_on.dateChanged.connect(lambda _d: self._update_computed())
        self.published_on.changed.connect(self._update_computed)
        self.channels.changed.connect(self._update_computed)

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
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setVisible(not read_only)

    # ----- values ------------------------------------------------------------------------------
    def load(self, item: ItemRow) -> None:
        self.item = item
        self.title.setText(item.title)
        if self.category.findText(item.category) < 0:
            self.category.addItem(item.category)
        self.category.setCurrentText(item.category)
        self.attribute.setCurrentText(item.attribute.label)
        self.ground.setCurrentText(item.ground or "")
        index = self.division.findData(item.division_id)
        if index < 0:
            self.division.addItem(item.division_name, item.division_id)
            index = self.division.count() - 1
        self.division.setCurrentIndex(index)
        self.formed_on.setDate(to_qdate(item.formed_on))
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
            formed_on=from_qdate(self.formed_on.date()),
            published_on=self.published_on.value(),
            channels=self.channels.value(),
            link=self.link.text().strip(),
            doc_number=self.doc_number.text().strip(),
            notes=self.notes.toPlainText().strip(),
        )

    def division_id(self) -> int | None:
        value = self.division.currentData()
        return int(value) if value is not None else None

    def _update_computed(self) -> None:
        f = self.fields()
        withheld = f.attribute == DisclosureAttribute.WITHHELD.value
        self.ground.setEnabled(withheld and not self.read_only)
        if not withheld and self.ground.currentIndex() != 0:
            self.ground.setCurrentIndex(0)
        warnings = item_warnings(f.attribute, f.channels)
        self.warning.setText("⚠ " + "；".join(warnings) if warnings else "")
        self.warning.setVisible(bool(warnings))
        if f.attribute != DisclosureAttribute.PROACTIVE.value or f.formed_on is None:
            self.computed.setText("只有主动公开事项有公开期限。")
            return
        try:
            deadline = compute_deadline(self.calendar, f.attribute, f.category, f.formed_on)
        except CalendarMissing as exc:
            self.computed.setText(str(exc))
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
    def show_problems(self, messages: list[str], fields: list[str]) -> None:
        for key, widget in self.widgets.items():
            widget.setStyleSheet(INVALID_STYLE if key in fields else "")
        self.errors.show_message("未保存，请改正：\n" + "\n".join(f"· {m}" for m in messages))

    def validate(self) -> bool:
        f = self.fields()
        problems = validate_item(f, self.service.categories())
        if self.division_id() is None:
            problems.insert(0, Problem("division", "请选择责任处室"))
        if problems:
            self.show_problems(
                [f"「{FIELD_LABELS[p.field]}」：{p.message}" for p in problems],
                [p.field for p in problems],
            )
            return False
        self.show_problems([], [])
        self.errors.clear_message()
        return True

    def save(self, expected_version: int | None = None) -> None:
        if not self.validate():
            return
        fields = self.fields()
        try:
            if self.item is None:
                row = self.service.create_item(self.division_id(), fields)
            else:
                version = expected_version if expected_version is not None else self.item.version
                row = self.service.update_item(self.item.id, version, self.division_id(), fields)
        except ValidationError as exc:
            self.show_problems(exc.problems or [exc.message], list(exc.params.get("fields", [])))
            return
        except ConflictError as exc:
            self.resolve_conflict(exc)
            return
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.item = row
        self.saved.emit(row)
        self.accept()

    def resolve_conflict(self, exc: ConflictError) -> None:
        theirs: dict[str, Any] = dict(exc.current or {})
        divisions = dict(self.service.divisions())
        shown_theirs = {
            "title": theirs.get("title", ""),
            "category": theirs.get("category", ""),
            "attribute": _attribute_label(theirs.get("attribute")),
            "ground": theirs.get("ground") or "",
            "division": divisions.get(theirs.get("division_id"), ""),
            "formed_on": theirs.get("formed_on") or "",
            "published_on": theirs.get("published_on") or "",
            "channels": join_channels(mask_to_channels(int(theirs.get("channels") or 0))),
            "link": theirs.get("link", ""),
            "doc_number": theirs.get("doc_number", ""),
            "notes": theirs.get("notes", ""),
        }
        f = self.fields()
        mine = {
            "title": f.title,
            "category": f.category,
            "attribute": _attribute_label(f.attribute),
            "ground": f.ground or "",
            "division": self.division.currentText(),
            "formed_on": f.formed_on.isoformat() if f.formed_on else "",
            "published_on": f.published_on.isoformat() if f.published_on else "",
            "channels": join_channels(f.channels),
            "link": f.link,
            "doc_number": f.doc_number,
            "notes": f.notes,
        }
        dialog = ConflictDialog(differences(FIELD_LABELS, mine, shown_theirs), parent=self)
        self.conflict_dialog = dialog  # tests reach the open dialog through here
        dialog.exec()
        if dialog.choice == "mine":
            self.save(expected_version=int(theirs.get("version") or 0))
        elif dialog.choice == "theirs" and self.item is not None:
            try:
                self.load(self.service.get_item(self.item.id))
            except GongkaiError as error:
                show_error(self, error)


def _attribute_label(value: object) -> str:
    try:
        return DisclosureAttribute(str(value)).label
    except ValueError:
        return ""
