"""One public consultation (公开征求意见) of a decision, in its own dialog: the channels, the
period with the minimum the rules ask for the decision, the opinions received and adopted, and the
publication of the adoption (SPEC §8). The rules run live while the form is edited.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.calendar import WorkingCalendar
from gongkai_desktop.domain.decisions import (
    CONSULTATION_FIELD_LABELS,
    MAX_OPINIONS,
    ConsultationChannel,
    ConsultationFields,
    ConsultationRules,
    DecisionFields,
    Findings,
    channel_labels,
    consultation_findings,
    minimum_period,
    period_length,
)
from gongkai_desktop.errors import ConflictError, GongkaiError, PermissionDenied
from gongkai_desktop.services.decisions import ConsultationRow, DecisionService

from ..conflict import resolve_conflict, stored_version
from ..dates import check_dates
from ..formatting import short_date
from ..messages import ask_save_changes, show_error
from ..widgets import FormDialog
from .checked_records import show_findings
from .requests_form import DateField

log = logging.getLogger(__name__)


class ConsultationDialog(FormDialog):
    """Add (``row`` None) or edit one consultation of a decision; read-only when not editable."""

    closing_errors = (PermissionDenied,)

    def __init__(
        self,
        service: DecisionService,
        decision_id: int,
        decision: DecisionFields,
        row: ConsultationRow | None,
        calendar: WorkingCalendar,
        rules: ConsultationRules,
        editable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.decision_id = decision_id
        self.decision = decision
        self.row = row
        self.calendar = calendar
        self.rules = rules
        self.editable = editable
        self.saved_row: ConsultationRow | None = None
        self.dirty = False
        self.setWindowTitle(
            "征求意见" if row is None else "征求意见：" + consultation_period(row.fields)
        )
        self._build_ui()
        if row is not None:
            self.load(row.fields)
        self._connect_signals()
        self.update_check()
        self.set_read_only(not editable)

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        labels = CONSULTATION_FIELD_LABELS
        self.subject = QLineEdit(self)
        self.subject.setMaxLength(300)
        self.subject.setPlaceholderText(f"默认：{self.decision.title}（征求意见稿）")
        channels = QWidget(self)
        grid = QGridLayout(channels)
        grid.setContentsMargins(0, 0, 0, 0)
        self.channel_checks: dict[str, QCheckBox] = {}
        for i, channel in enumerate(ConsultationChannel):
            check = QCheckBox(channel.label, channels)
            self.channel_checks[channel.value] = check
            grid.addWidget(check, i // 3, i % 3)
        self.channel_checks[ConsultationChannel.ONLINE.value].setChecked(True)
        dates = QHBoxLayout()
        self.started_on = DateField(optional=False, parent=self)
        self.ended_on = DateField(optional=False, parent=self)
        dates.addWidget(self.started_on)
        dates.addWidget(QLabel("至", self))
        dates.addWidget(self.ended_on)
        dates.addStretch(1)
        self.started_on.setAccessibleName("开始日期")
        self.ended_on.setAccessibleName("截止日期")
        for field in (self.started_on, self.ended_on):
            field.setMinimumWidth(150)
        self.period = QLabel(self)
        self.period.setObjectName("hintLabel")
        self.period.setWordWrap(True)
        self.link = QLineEdit(self)
        self.link.setPlaceholderText("征求意见稿在门户网站公布的网址")
        counts = QHBoxLayout()
        self.counts: dict[str, QSpinBox] = {}
        for name in ("received", "adopted", "partly_adopted", "not_adopted"):
            spin = QSpinBox(self)
            spin.setRange(0, MAX_OPINIONS)
            spin.setSuffix(" 条")
            spin.setAccessibleName(labels[name])
            self.counts[name] = spin
            if counts.count():
                counts.addSpacing(10)
            counts.addWidget(QLabel(f"{labels[name]}：", self))
            counts.addWidget(spin)
        counts.addStretch(1)
        self.reasons = QPlainTextEdit(self)
        self.reasons.setPlaceholderText(
            "逐条或分类说明不予采纳的理由（写入意见收集和采纳情况说明）"
        )
        self.reasons.setMinimumHeight(90)
        self.result_published_on = DateField(parent=self)
        self.result_published_on.setMaximumWidth(200)
        self.result_link = QLineEdit(self)
        form.addRow(f"{labels['subject']}：", self.subject)
        form.addRow(f"{labels['channels']}：", channels)
        form.addRow("起止日期：", dates)
        form.addRow("", self.period)
        form.addRow(f"{labels['link']}：", self.link)
        form.addRow("意见数量：", counts)
        form.addRow(f"{labels['reasons']}：", self.reasons)
        form.addRow(f"{labels['result_published_on']}：", self.result_published_on)
        form.addRow(f"{labels['result_link']}：", self.result_link)
        layout.addLayout(form)
        self.check = QLabel(self)
        self.check.setWordWrap(True)
        layout.addWidget(self.check)
        self.add_footer(layout)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("关闭")
        self.resize(780, 580)

    def _connect_signals(self) -> None:
        for check in self.channel_checks.values():
            check.toggled.connect(self.update_check)
        for field in (self.started_on, self.ended_on, self.result_published_on):
            field.changed.connect(self.update_check)
        for spin in self.counts.values():
            spin.valueChanged.connect(self.update_check)
        self.reasons.textChanged.connect(self.update_check)
        for check in self.channel_checks.values():
            check.toggled.connect(self._on_edited)
        for field in (self.started_on, self.ended_on, self.result_published_on):
            field.changed.connect(self._on_edited)
        for spin in self.counts.values():
            spin.valueChanged.connect(self._on_edited)
        for line in (self.subject, self.link, self.result_link):
            line.textEdited.connect(self._on_edited)
        self.reasons.textChanged.connect(self._on_edited)

    def _on_edited(self, *_args: object) -> None:
        self.dirty = True

    def set_read_only(self, read_only: bool) -> None:
        for line in (self.subject, self.link, self.result_link):
            line.setReadOnly(read_only)
        self.reasons.setReadOnly(read_only)
        for widget in (
            *self.channel_checks.values(),
            *self.counts.values(),
            self.started_on,
            self.ended_on,
            self.result_published_on,
        ):
            widget.setEnabled(not read_only)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setVisible(not read_only)

    def load(self, fields: ConsultationFields) -> None:
        self.subject.setText(fields.subject)
        for value, check in self.channel_checks.items():
            check.setChecked(value in fields.channels)
        self.started_on.set_value(fields.started_on)
        self.ended_on.set_value(fields.ended_on)
        self.link.setText(fields.link)
        for name, spin in self.counts.items():
            spin.setValue(int(getattr(fields, name)))
        self.reasons.setPlainText(fields.reasons)
        self.result_published_on.set_value(fields.result_published_on)
        self.result_link.setText(fields.result_link)

    def fields(self) -> ConsultationFields:
        return ConsultationFields(
            started_on=self.started_on.value(),
            ended_on=self.ended_on.value(),
            channels=tuple(v for v, check in self.channel_checks.items() if check.isChecked()),
            subject=self.subject.text().strip(),
            link=self.link.text().strip(),
            received=self.counts["received"].value(),
            adopted=self.counts["adopted"].value(),
            partly_adopted=self.counts["partly_adopted"].value(),
            not_adopted=self.counts["not_adopted"].value(),
            reasons=self.reasons.toPlainText().strip(),
            result_published_on=self.result_published_on.value(),
            result_link=self.result_link.text().strip(),
        )

    def update_check(self) -> None:
        fields = self.fields()
        minimum = minimum_period(self.decision, self.rules)
        days = period_length(fields, self.calendar, working=False)
        working = period_length(fields, self.calendar, working=True)
        parts = []
        if days is not None and days >= 0:
            parts.append(
                f"共 {days} 日" + (f"（{working} 个工作日）" if working is not None else "")
            )
        if minimum is not None:
            parts.append(f"{minimum.reason}公开征求意见{minimum.text()}（开始当日不计入）")
        self.period.setText("；".join(parts))
        if (
            fields.started_on is None
            or fields.ended_on is None
            or fields.ended_on < fields.started_on
        ):
            show_findings(self.check, Findings(problems=("截止日期不能早于开始日期",)), "")
            return
        found = consultation_findings(
            self.decision, fields, self.calendar, self.rules, date.today()
        )
        show_findings(self.check, found, "检查：期限、意见数量和采纳情况公开均未见问题。")

    def submit(self) -> None:
        self._save(self.row.version if self.row is not None else None)

    def _save(self, version: int | None) -> None:
        check_dates(self)
        fields = self.fields()
        if self.row is None:
            self.saved_row = self.service.create_consultation(self.decision_id, fields)
        else:
            self.saved_row = self.service.update_consultation(self.row.id, version, fields)

    def accept(self) -> None:
        if not self.editable:
            return
        try:
            self.submit()
        except ConflictError as exc:
            self._resolve_conflict(exc)
            return
        except self.closing_errors as exc:
            show_error(self, exc)
            self.dirty = False
            self.reject()
            return
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return
        self.dirty = False
        QDialog.accept(self)

    def reject(self) -> None:
        # Esc, 关闭 and the window's close button all come here.
        if self.editable and self.dirty:
            answer = ask_save_changes(self, "关闭征求意见", "征求意见记录")
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save:
                # Saved, the dialog closes as accepted; a problem keeps it open to correct.
                self.accept()
                return
        QDialog.reject(self)

    def _resolve_conflict(self, exc: ConflictError) -> None:
        version = stored_version(exc)
        row = self.row
        if version is None or row is None:
            show_error(self, exc)
            return
        try:
            theirs = self.service.get_consultation(row.id).fields
        except GongkaiError as error:
            show_error(self, error)
            return
        mine = self.fields()

        def keep_mine(stored: int) -> None:
            self._save(stored)
            self.dirty = False
            QDialog.accept(self)

        def take_theirs() -> None:
            self.row = self.service.get_consultation(row.id)
            self.load(self.row.fields)
            self.update_check()
            self.dirty = False

        resolve_conflict(
            self,
            version,
            CONSULTATION_FIELD_LABELS,
            consultation_texts(mine),
            consultation_texts(theirs),
            keep_mine,
            take_theirs,
        )


def consultation_period(fields: ConsultationFields) -> str:
    """The period of a consultation as the user reads it: 开始日期至截止日期."""
    return f"{short_date(fields.started_on)}至{short_date(fields.ended_on)}"


def consultation_texts(fields: ConsultationFields) -> dict[str, str]:
    """A consultation as the conflict dialog shows it, one text per field."""
    return {
        "subject": fields.subject,
        "channels": "、".join(channel_labels(fields.channels)),
        "started_on": short_date(fields.started_on),
        "ended_on": short_date(fields.ended_on),
        "link": fields.link,
        "received": str(fields.received),
        "adopted": str(fields.adopted),
        "partly_adopted": str(fields.partly_adopted),
        "not_adopted": str(fields.not_adopted),
        "reasons": fields.reasons,
        "result_published_on": short_date(fields.result_published_on),
        "result_link": fields.result_link,
    }
