"""The form of one disclosure request (依申请公开) and its timeline, used by the register page."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from gongkai_desktop.domain.request_clock import TimelineEvent
from gongkai_desktop.domain.requests import (
    MAX_EXTENSION_WORKING_DAYS,
    OUTCOME_LABELS,
    RECEIPT_DATE_LAW,
    ApplicantType,
    Channel,
    receipt_date_rule,
)
from gongkai_desktop.errors import ValidationError
from gongkai_desktop.services.requests import RequestInput

from ..conflict import shown
from ..dates import DateEdit, check_dates

log = logging.getLogger(__name__)

# The form's fields in their order, under the names of ``RequestInput``.
FIELD_LABELS = {
    "reg_no": "登记编号",
    "channel": "申请方式",
    "receipt_date": "收到日期",
    "applicant_type": "申请人类型",
    "applicant": "申请人",
    "content": "申请内容",
    "division_id": "承办处室",
    "correction_notice_date": "补正告知日期",
    "correction_due_date": "补正期限",
    "correction_received_date": "补正收到日期",
    "consultation_sent_on": "征求意见发出日期",
    "consultation_answered_on": "征求意见答复日期",
    "consultation_days": "征求意见（未登记日期）",
    "extension_days": "延期",
    "extension_approved_by": "延期审批人",
    "extension_approved_on": "延期审批日期",
    "delay_reason": "延迟答复原因",
    "delay_until": "延迟答复期限",
    "answer_date": "答复日期",
    "outcome": "办理结果",
    "answer_text": "答复内容",
    "fee_cents": "信息处理费（元）",
    "notes": "备注",
}
NOT_CLOSED = "（尚未办结）"


class SwitchableField(QWidget):
    """A value that may be empty: a check box turns the editor on. A required field hides the box
    and stays on; given no value it shows today (or now), ready to be changed."""

    changed = Signal()

    def __init__(self, edit: QWidget, optional: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.optional = optional
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox(self)
        self.edit = edit
        edit.setParent(self)
        self.show_now()
        layout.addWidget(self.enabled)
        layout.addWidget(edit, 1)
        self.enabled.setVisible(optional)
        self.enabled.setChecked(not optional)
        edit.setEnabled(not optional)
        self.enabled.toggled.connect(edit.setEnabled)
        self.enabled.toggled.connect(self.changed)

    def show_now(self) -> None:
        """Put today (or now) in the editor."""
        raise NotImplementedError

    def show_value(self, value: object) -> None:
        raise NotImplementedError

    def set_value(self, value: object) -> None:
        self.enabled.setChecked(value is not None or not self.optional)
        if value is None:
            self.show_now()  # never another record's date left behind
        else:
            self.show_value(value)


class DateField(SwitchableField):
    """A date that may be empty."""

    def __init__(self, optional: bool = True, parent: QWidget | None = None) -> None:
        edit = DateEdit()
        super().__init__(edit, optional, parent)
        edit.dateChanged.connect(self.changed)

    def show_now(self) -> None:
        self.edit.setDate(date.today())  # type: ignore[attr-defined]

    def show_value(self, value: object) -> None:
        self.edit.setDate(value)  # type: ignore[attr-defined, arg-type]

    def value(self) -> date | None:
        return self.edit.value() if self.enabled.isChecked() else None  # type: ignore[attr-defined]


class RequestForm(QWidget):
    """Every field of a request; ``values()`` gives a ``RequestInput`` or raises ValidationError."""

    changed = Signal()

    def __init__(self, divisions: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build_ui(divisions)

    def _build_ui(self, divisions: list[tuple[int, str]]) -> None:
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.reg_no = QLineEdit(self)
        self.receipt = DateField(optional=False, parent=self)
        self.channel = QComboBox(self)
        for c in Channel:
            self.channel.addItem(c.label, c.value)
        self.receipt_rule = QLabel(self)
        self.receipt_rule.setObjectName("hintLabel")
        self.applicant_type = QComboBox(self)
        for t in ApplicantType:
            self.applicant_type.addItem(t.label, t.value)
        self.applicant = QLineEdit(self)
        self.content = QPlainTextEdit(self)
        self.content.setFixedHeight(56)
        self.division = QComboBox(self)
        for division_id, name in divisions:
            self.division.addItem(name, division_id)
        self.notice = DateField(parent=self)
        self.correction_due = DateField(parent=self)
        self.corrected = DateField(parent=self)
        self.consult_sent = DateField(parent=self)
        self.consult_answered = DateField(parent=self)
        self.consult = QSpinBox(self)
        self.consult.setRange(0, 365)
        self.consult.setSuffix(" 个工作日")
        self.consult.setToolTip("只在没有征求意见书发出和答复日期时填写；有日期的，工作日数按日期计算")
        self.delay_reason = QLineEdit(self)
        self.delay_reason.setPlaceholderText("条例第三十五条：申请数量、频次明显超过合理范围的理由")
        self.delay_until = DateField(parent=self)
        self.extension = QSpinBox(self)
        self.extension.setRange(0, MAX_EXTENSION_WORKING_DAYS)
        self.extension.setSuffix(" 个工作日")
        self.approved_by = QLineEdit(self)
        self.approved_by.setPlaceholderText("审批人（政府信息公开工作机构负责人）")
        self.approved_on = DateField(parent=self)
        self.answer = DateField(parent=self)
        self.outcome = QComboBox(self)
        self.outcome.addItem(NOT_CLOSED, None)
        for label in OUTCOME_LABELS:
            self.outcome.addItem(label, label)
        for combo in (self.outcome, self.division, self.channel, self.applicant_type):
            # Long outcome labels must not widen the form beyond the detail pane.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(10)
        self.answer_text = QPlainTextEdit(self)
        self.answer_text.setFixedHeight(56)
        self.answer_text.setPlaceholderText("告知书或答复书的要点（可由右侧「已主动公开的信息」起草）")
        self.fee = QLineEdit(self)
        self.fee.setPlaceholderText("未收费留空")
        self.notes = QLineEdit(self)

        fields: dict[str, QWidget] = {
            "reg_no": self.reg_no,
            "channel": self.channel,
            "receipt_date": self.receipt,
            "applicant_type": self.applicant_type,
            "applicant": self.applicant,
            "content": self.content,
            "division_id": self.division,
            "correction_notice_date": self.notice,
            "correction_due_date": self.correction_due,
            "correction_received_date": self.corrected,
            "consultation_sent_on": self.consult_sent,
            "consultation_answered_on": self.consult_answered,
            "consultation_days": self.consult,
            "extension_days": self.extension,
            "extension_approved_by": self.approved_by,
            "extension_approved_on": self.approved_on,
            "delay_reason": self.delay_reason,
            "delay_until": self.delay_until,
            "answer_date": self.answer,
            "outcome": self.outcome,
            "answer_text": self.answer_text,
            "fee_cents": self.fee,
            "notes": self.notes,
        }
        for key, widget in fields.items():
            form.addRow(f"{FIELD_LABELS[key]}：", widget)
            if key == "receipt_date":
                form.addRow("", self.receipt_rule)
        self.channel.currentIndexChanged.connect(self._update_rule)
        self._update_rule()
        for signal in (
            self.reg_no.textChanged,
            self.applicant.textChanged,
            self.content.textChanged,
            self.answer_text.textChanged,
            self.fee.textChanged,
            self.notes.textChanged,
            self.approved_by.textChanged,
            self.delay_reason.textChanged,
            self.channel.currentIndexChanged,
            self.applicant_type.currentIndexChanged,
            self.division.currentIndexChanged,
            self.outcome.currentIndexChanged,
            self.consult.valueChanged,
            self.extension.valueChanged,
        ):
            signal.connect(self.changed)
        for field in self._date_fields():
            field.changed.connect(self.changed)

    def _date_fields(self) -> tuple[DateField, ...]:
        return (
            self.receipt,
            self.notice,
            self.correction_due,
            self.corrected,
            self.consult_sent,
            self.consult_answered,
            self.approved_on,
            self.delay_until,
            self.answer,
        )

    def _update_rule(self) -> None:
        channel = self.channel.currentData()
        if channel is not None:
            self.receipt_rule.setText(receipt_date_rule(Channel(channel)))
            self.receipt_rule.setWordWrap(True)
            self.receipt_rule.setToolTip(RECEIPT_DATE_LAW)

    def set_editable(self, editable: bool) -> None:
        for child in self.findChildren(QWidget):
            if isinstance(child, (QLineEdit, QPlainTextEdit)):
                child.setReadOnly(not editable)
            elif isinstance(child, (QComboBox, QSpinBox, QCheckBox)):
                child.setEnabled(editable)
        if editable:
            for field in self._date_fields()[1:]:
                field.edit.setEnabled(field.enabled.isChecked())

    def clear(self, division_id: int | None) -> None:
        self.load(
            RequestInput(
                reg_no="",
                receipt_date=date.today(),
                channel=Channel.ONLINE,
                applicant_type=ApplicantType.NATURAL_PERSON,
                division_id=division_id or 0,
            )
        )

    def load(self, data: RequestInput) -> None:
        self.reg_no.setText(data.reg_no)
        self.receipt.set_value(data.receipt_date)
        self.channel.setCurrentIndex(self.channel.findData(data.channel.value))
        self.applicant_type.setCurrentIndex(self.applicant_type.findData(data.applicant_type.value))
        self.applicant.setText(data.applicant)
        self.content.setPlainText(data.content)
        index = self.division.findData(data.division_id)
        self.division.setCurrentIndex(max(index, 0))
        self.notice.set_value(data.correction_notice_date)
        self.correction_due.set_value(data.correction_due_date)
        self.corrected.set_value(data.correction_received_date)
        self.consult_sent.set_value(data.consultation_sent_on)
        self.consult_answered.set_value(data.consultation_answered_on)
        self.consult.setValue(data.consultation_days)
        self.delay_reason.setText(data.delay_reason)
        self.delay_until.set_value(data.delay_until)
        self.extension.setValue(data.extension_days)
        self.approved_by.setText(data.extension_approved_by)
        self.approved_on.set_value(data.extension_approved_on)
        self.answer.set_value(data.answer_date)
        self.outcome.setCurrentIndex(max(self.outcome.findData(data.outcome), 0))
        self.answer_text.setPlainText(data.answer_text)
        self.fee.setText("" if data.fee_cents is None else f"{data.fee_cents / 100:.2f}")
        self.notes.setText(data.notes)

    @staticmethod
    def texts(data: RequestInput, division_names: Mapping[int, str]) -> dict[str, str]:
        """``data`` as the form shows it, field by field (to compare two versions)."""
        return {
            **{key: shown(getattr(data, key)) for key in FIELD_LABELS},
            "channel": data.channel.label,
            "applicant_type": data.applicant_type.label,
            "division_id": division_names.get(data.division_id, "（已停用的处室）"),
            "consultation_days": f"{data.consultation_days} 个工作日",
            "extension_days": f"{data.extension_days} 个工作日",
            "outcome": data.outcome or NOT_CLOSED,
            "fee_cents": "" if data.fee_cents is None else f"{data.fee_cents / 100:.2f}",
        }

    def values(self) -> RequestInput:
        check_dates(self)
        fee_text = self.fee.text().strip().removesuffix("元")
        fee_cents = None
        if fee_text:
            try:
                amount = Decimal(fee_text)
            except InvalidOperation:
                raise ValidationError("信息处理费应为金额，如 20 或 20.50。") from None
            if amount != amount.quantize(Decimal("0.01")):
                raise ValidationError("信息处理费最多两位小数。")
            fee_cents = int(amount * 100)
        receipt = self.receipt.value()
        assert receipt is not None
        return RequestInput(
            reg_no=self.reg_no.text(),
            receipt_date=receipt,
            channel=Channel(self.channel.currentData()),
            applicant_type=ApplicantType(self.applicant_type.currentData()),
            division_id=self.division.currentData(),
            applicant=self.applicant.text(),
            content=self.content.toPlainText(),
            correction_notice_date=self.notice.value(),
            correction_due_date=self.correction_due.value(),
            correction_received_date=self.corrected.value(),
            consultation_sent_on=self.consult_sent.value(),
            consultation_answered_on=self.consult_answered.value(),
            delay_reason=self.delay_reason.text(),
            delay_until=self.delay_until.value(),
            consultation_days=self.consult.value(),
            extension_days=self.extension.value(),
            extension_approved_by=self.approved_by.text(),
            extension_approved_on=self.approved_on.value(),
            answer_date=self.answer.value(),
            outcome=self.outcome.currentData(),
            answer_text=self.answer_text.toPlainText(),
            fee_cents=fee_cents,
            notes=self.notes.text(),
        )


def timeline_html(events: tuple[TimelineEvent, ...] | list[TimelineEvent]) -> str:
    """The timeline as a small HTML list (warnings in red)."""
    rows = []
    for e in events:
        day = e.day.isoformat() if e.day else "—"
        colour = "#c0392b" if e.warning else "#2c3e50"
        detail = f"<br><span style='color:#7f8c8d'>{e.detail}</span>" if e.detail else ""
        rows.append(
            f"<tr><td style='padding:2px 10px 6px 0;white-space:nowrap;color:#555'>{day}</td>"
            f"<td style='padding:2px 0 6px 0;color:{colour}'><b>{e.title}</b>{detail}</td></tr>"
        )
    return "<table>" + "".join(rows) + "</table>"
