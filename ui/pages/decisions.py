"""决策与征求意见: the list of decisions with what the rules find, the editor of one decision (its
five statutory steps and its public consultations) and the dialog of one consultation (SPEC §8).

A liaison records the decisions of their own division; the admin all; leaders read. The services
enforce it; the page only hides what cannot work. The rules run live while a form is edited, with
the calendar and the business settings the service uses, so the user sees a breach before saving.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.calendar import WorkingCalendar
from gongkai_desktop.domain.decisions import (
    CONSULTATION_FIELD_LABELS,
    DECISION_FIELD_LABELS,
    MAX_OPINIONS,
    ConsultationChannel,
    ConsultationFields,
    ConsultationRules,
    DecisionFields,
    DecisionStep,
    DecisionType,
    Findings,
    StepEntry,
    channel_labels,
    consultation_findings,
    decision_findings,
    minimum_period,
    period_length,
)
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.errors import ConflictError, GongkaiError, PermissionDenied
from gongkai_desktop.services.calendar import calendar_of
from gongkai_desktop.services.decisions import (
    ConsultationRow,
    DecisionDetail,
    DecisionQuery,
    DecisionRow,
    DecisionService,
)

from ..conflict import resolve_conflict, stored_version
from ..context import UiContext
from ..dates import check_dates
from ..files import ask_save_path
from ..fit import FitsOnScreen
from ..list_keys import ListKeys
from ..messages import ask_save_changes, confirm, show_error, show_info
from ..models import Column, RowTableModel
from ..widgets import (
    ErrorLabel,
    FormDialog,
    IssueDate,
    RecordTable,
    button_row,
    fill_year_and_division,
    filter_bar,
    hint,
    open_on_activation,
    selected_row_line,
)
from .requests_form import DateField

log = logging.getLogger(__name__)

ALL = "全部"
FOLDER_KEY = "decisions/last_dir"
RED = "#b03a2e"
AMBER = "#8a5300"
GREEN = "#1e7b34"
_RED = QBrush(QColor(RED))
_AMBER = QBrush(QColor(AMBER))
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\r\n\t]')


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def findings_text(problems: tuple[str, ...], warnings: tuple[str, ...]) -> str:
    """The check column: breaches first (⚠), things at risk (△), else 符合要求."""
    if problems:
        return "⚠ " + "；".join(problems + warnings)
    if warnings:
        return "△ " + "；".join(warnings)
    return "符合要求"


def check_text(row: DecisionRow | ConsultationRow) -> str:
    return findings_text(row.problems, row.warnings)


def _type_text(row: DecisionRow) -> str:
    extra = [
        word for flag, word in ((row.rule_level, "规章"), (row.market_related, "涉企")) if flag
    ]
    return row.decision_type.label + (f"（{'、'.join(extra)}）" if extra else "")


def _consultations_text(row: DecisionRow) -> str:
    if not row.consultation_count:
        return "未征求"
    _start, end = row.latest_consultation or (None, None)
    latest = f"，截至 {_d(end)}" if end else ""
    return f"{row.consultation_count} 次{latest}"


def _consultations_tooltip(row: DecisionRow) -> str:
    start, end = row.latest_consultation or (None, None)
    if not start or not end:
        return ""
    return f"最近一次征求意见：{_d(start)}至{_d(end)}；{row.minimum_period or '无期限要求'}"


def _results_text(row: DecisionRow) -> str:
    if not row.consultation_count:
        return ""
    return f"{row.results_published}/{row.consultation_count}"


COLUMNS = (
    Column("决策事项", lambda r: r.title),
    Column("类型", _type_text),
    Column("文号", lambda r: r.document_number),
    Column("处室", lambda r: r.division_name),
    Column("集体讨论决定", lambda r: _d(r.collective_on), lambda r: r.collective_on),
    Column(
        "征求意见",
        _consultations_text,
        lambda r: r.latest_consultation,
        tooltip=_consultations_tooltip,
    ),
    Column(
        "采纳情况公开",
        _results_text,
        lambda r: (r.results_published, r.consultation_count),
        Qt.AlignmentFlag.AlignCenter,
    ),
    Column("合规检查", check_text, tooltip=check_text),
)
CHECK_COLUMN = 7
# Widths that leave the check column (stretched to the rest) readable at 1366×768.
LIST_WIDTHS = {0: 230, 1: 100, 2: 140, 3: 84, 4: 96, 5: 160, 6: 90, CHECK_COLUMN: 240}


def _period_text(row: ConsultationRow) -> str:
    working = "" if row.period_workdays is None else f"（{row.period_workdays} 个工作日）"
    return f"{row.period_days} 日{working}"


def _count(name: str) -> Column:
    return Column(
        CONSULTATION_FIELD_LABELS[name],
        lambda r: str(getattr(r.fields, name)),
        lambda r: getattr(r.fields, name),
        Qt.AlignmentFlag.AlignRight,
    )


CONSULTATION_COLUMNS = (
    Column("征求意见稿", lambda r: r.fields.subject),
    Column("方式", lambda r: "、".join(c.label for c in r.channels)),
    Column(
        "起止日期",
        lambda r: f"{_d(r.fields.started_on)}至{_d(r.fields.ended_on)}",
        lambda r: (r.fields.started_on, r.fields.ended_on),
    ),
    Column("期限", _period_text, lambda r: r.period_days),
    _count("received"),
    _count("adopted"),
    _count("partly_adopted"),
    _count("not_adopted"),
    Column(
        "采纳情况公开",
        lambda r: _d(r.fields.result_published_on) or "未公开",
        lambda r: r.fields.result_published_on,
    ),
    Column("检查", check_text, tooltip=check_text),
)
CONSULTATION_CHECK_COLUMN = 9
CONSULTATION_WIDTHS = {
    0: 190,
    1: 120,
    2: 170,
    3: 150,
    4: 70,
    5: 56,
    6: 70,
    7: 60,
    8: 100,
    CONSULTATION_CHECK_COLUMN: 160,
}


class FindingsTableModel(RowTableModel):
    """Rows with ``problems`` and ``warnings``: breaches red, things at risk amber (in the check
    column and the first)."""

    check_column = CHECK_COLUMN

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if (
            index.isValid()
            and role == Qt.ItemDataRole.ForegroundRole
            and index.column() in (self.check_column, 0)
        ):
            row = self.rows[index.row()]
            if row.problems:
                return _RED
            if row.warnings:
                return _AMBER
        return super().data(index, role)


class ConsultationTableModel(FindingsTableModel):
    check_column = CONSULTATION_CHECK_COLUMN


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


def safe_file_name(text: str) -> str:
    return _UNSAFE_NAME.sub("_", text).strip() or "说明"


# --- one consultation ------------------------------------------------------------------------


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
        self.setWindowTitle("征求意见" if row is None else "征求意见：" + _period(row.fields))
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


def _period(fields: ConsultationFields) -> str:
    return f"{_d(fields.started_on)}至{_d(fields.ended_on)}"


def consultation_texts(fields: ConsultationFields) -> dict[str, str]:
    """A consultation as the conflict dialog shows it, one text per field."""
    return {
        "subject": fields.subject,
        "channels": "、".join(channel_labels(fields.channels)),
        "started_on": _d(fields.started_on),
        "ended_on": _d(fields.ended_on),
        "link": fields.link,
        "received": str(fields.received),
        "adopted": str(fields.adopted),
        "partly_adopted": str(fields.partly_adopted),
        "not_adopted": str(fields.not_adopted),
        "reasons": fields.reasons,
        "result_published_on": _d(fields.result_published_on),
        "result_link": fields.result_link,
    }


def decision_texts(fields: DecisionFields) -> dict[str, str]:
    """A decision as the conflict dialog shows it, one text per field."""
    kind = fields.kind()
    texts = {
        "title": fields.title,
        "decision_type": kind.label if kind else fields.decision_type,
        "document_number": fields.document_number,
        "rule_level": "是" if fields.rule_level else "否",
        "market_related": "是" if fields.market_related else "否",
        "predisclosed_on": _d(fields.predisclosed_on),
        "notes": fields.notes,
    }
    for step in DecisionStep:
        entry = fields.step(step)
        texts[f"{step.value}_on"] = _d(entry.on)
        texts[f"{step.value}_note"] = entry.note
    return texts


# --- one decision ----------------------------------------------------------------------------


class DecisionDialog(FitsOnScreen, QDialog):
    """A decision with its five statutory steps and its consultations.

    ``decision_id`` None starts a new decision; once saved the dialog goes on editing it (its
    consultations can then be added). 保存 keeps the dialog open; 关闭 asks about unsaved work.
    """

    saved = Signal(int)  # decision id, after each save or change of a consultation

    def __init__(
        self,
        ctx: UiContext,
        service: DecisionService,
        decision_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.detail: DecisionDetail | None = (
            service.get(decision_id) if decision_id is not None else None
        )
        self.version: int | None = self.detail.row.version if self.detail else None
        self.calendar = calendar_of(ctx.db)
        self.rules = service.rules()
        self.divisions = service.divisions()
        self.editable = self.detail.row.editable if self.detail else bool(self.divisions)
        self.dirty = False
        self._loading = False
        self._build_ui()
        self._connect_signals()
        if self.detail is not None:
            self._load(self.detail)
        else:
            self._show_title()
            self._show_consultations()
            self.update_check()
        self._apply_read_only()

    # -- layout -----------------------------------------------------------------------------
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        self.banner = QLabel(self)
        self.banner.setObjectName("hintLabel")
        self.banner.setWordWrap(True)
        layout.addWidget(self.banner)
        top = QHBoxLayout()
        top.addWidget(self._build_basic(), 1)
        top.addWidget(self._build_steps(), 1)
        layout.addLayout(top)
        layout.addWidget(self._build_consultations(), 1)
        self.check = QLabel(self)
        self.check.setWordWrap(True)
        layout.addWidget(self.check)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        bottom = QHBoxLayout()
        self.rule_hint = QLabel(self)
        self.rule_hint.setObjectName("hintLabel")
        self.rule_hint.setWordWrap(True)
        bottom.addWidget(self.rule_hint, 1)
        self.save_button = QPushButton("保存", self)
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.save_button.setDefault(True)
        self.close_button = QPushButton("关闭", self)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        self.resize(1280, 700)

    def _build_basic(self) -> QGroupBox:
        box = QGroupBox("基本信息", self)
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        labels = DECISION_FIELD_LABELS
        self.division = QComboBox(box)
        if self.detail is not None:
            self.division.addItem(self.detail.row.division_name, self.detail.row.division_id)
        else:
            for division_id, name in self.divisions:
                self.division.addItem(name, division_id)
            index = self.division.findData(self.ctx.actor.division_id)
            self.division.setCurrentIndex(max(index, 0))
        self.title = QLineEdit(box)
        self.title.setMaxLength(300)
        self.title.setPlaceholderText("如：江西省巩固拓展脱贫攻坚成果实施方案")
        self.decision_type = QComboBox(box)
        for kind in DecisionType:
            self.decision_type.addItem(kind.label, kind.value)
        number = QHBoxLayout()
        self.document_number = QLineEdit(box)
        self.document_number.setMaxLength(64)
        self.document_number.setPlaceholderText("印发后的文号（可后补）")
        self.registry = QComboBox(box)
        self.registry.setToolTip("从规范性文件登记簿选择，填入文号（及空白的决策事项名称）")
        self.registry.setMaximumWidth(200)
        number.addWidget(self.document_number, 1)
        number.addWidget(self.registry)
        flags = QHBoxLayout()
        self.rule_level = QCheckBox("规章层级", box)
        self.market_related = QCheckBox("涉及市场主体", box)
        self.market_related.setToolTip("与市场主体生产经营活动密切相关的规范性文件")
        flags.addWidget(self.rule_level)
        flags.addWidget(self.market_related)
        flags.addStretch(1)
        self.predisclosed_on = DateField(parent=box)
        self.predisclosed_on.setMaximumWidth(200)
        self.notes = QPlainTextEdit(box)
        self.notes.setMaximumHeight(54)
        form.addRow("责任处室：", self.division)
        form.addRow(f"{labels['title']}：", self.title)
        form.addRow(f"{labels['decision_type']}：", self.decision_type)
        form.addRow(f"{labels['document_number']}：", number)
        form.addRow("", flags)
        form.addRow(f"{labels['predisclosed_on']}：", self.predisclosed_on)
        form.addRow(f"{labels['notes']}：", self.notes)
        self._fill_registry()
        return box

    def _build_steps(self) -> QGroupBox:
        box = QGroupBox("法定程序（重大行政决策须在集体讨论决定前依次完成）", self)
        grid = QGridLayout(box)
        grid.setColumnStretch(2, 1)
        grid.setVerticalSpacing(6)
        self.step_dates: dict[str, DateField] = {}
        self.step_notes: dict[str, QLineEdit] = {}
        for row, step in enumerate(DecisionStep):
            date_field = DateField(parent=box)
            date_field.setToolTip(f"{step.label}的日期（未完成则不勾选）")
            note = QLineEdit(box)
            note.setMaxLength(1000)
            note.setPlaceholderText(f"{step.label}情况")
            self.step_dates[step.value] = date_field
            self.step_notes[step.value] = note
            grid.addWidget(QLabel(f"{step.label}：", box), row, 0, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(date_field, row, 1)
            grid.addWidget(note, row, 2)
        return box

    def _build_consultations(self) -> QGroupBox:
        box = QGroupBox("公开征求意见", self)
        inner = QVBoxLayout(box)
        self.consultation_model = ConsultationTableModel(CONSULTATION_COLUMNS, parent=self)
        self.consultation_table = RecordTable(self.consultation_model, box)
        self.consultation_table.proxy.sort(-1)  # the service's order: oldest first
        self.consultation_table.setMinimumHeight(110)
        inner.addWidget(self.consultation_table, 1)
        row = QHBoxLayout()
        self.consultation_hint = QLabel(box)
        self.consultation_hint.setObjectName("hintLabel")
        self.consultation_hint.setWordWrap(True)
        row.addWidget(self.consultation_hint, 1)
        self.add_button = QPushButton("新增征求意见…", box)
        self.edit_button = QPushButton("编辑…", box)
        self.delete_button = QPushButton("删除", box)
        self.export_button = QPushButton("导出说明（Word）…", box)
        self.export_button.setToolTip("导出所选征求意见的《意见收集和采纳情况说明》")
        self.issue_date = IssueDate(box)
        for button in (self.add_button, self.edit_button, self.delete_button):
            row.addWidget(button)
        row.addWidget(self.issue_date)
        row.addWidget(self.export_button)
        inner.addLayout(row)
        return box

    def _connect_signals(self) -> None:
        for line in (self.title, self.document_number):
            line.textEdited.connect(self._on_edited)
        self.notes.textChanged.connect(self._on_edited)
        self.decision_type.currentIndexChanged.connect(self._on_edited)
        for check in (self.rule_level, self.market_related):
            check.toggled.connect(self._on_edited)
        self.predisclosed_on.changed.connect(self._on_edited)
        for field in self.step_dates.values():
            field.changed.connect(self._on_edited)
        for note in self.step_notes.values():
            note.textEdited.connect(self._on_edited)
        self.division.currentIndexChanged.connect(self._on_division)
        self.registry.activated.connect(self._pick_document)
        self.consultation_table.selectionModel().selectionChanged.connect(self._on_select)
        self.consultation_table.activated.connect(lambda _index: self.edit_consultation())
        self.add_button.clicked.connect(self.add_consultation)
        self.edit_button.clicked.connect(self.edit_consultation)
        self.delete_button.clicked.connect(self.delete_consultation)
        self.export_button.clicked.connect(self.export_explanation)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

    def _apply_read_only(self) -> None:
        read_only = not self.editable
        for line in (self.title, self.document_number, *self.step_notes.values()):
            line.setReadOnly(read_only)
        self.notes.setReadOnly(read_only)
        for widget in (
            self.decision_type,
            self.registry,
            self.rule_level,
            self.market_related,
            self.predisclosed_on,
            *self.step_dates.values(),
        ):
            widget.setEnabled(not read_only)
        self.division.setEnabled(not read_only and self.detail is None and len(self.divisions) > 1)
        for button in (self.save_button, self.add_button, self.delete_button):
            button.setVisible(not read_only)
        self.registry.setVisible(not read_only)
        if read_only and self.detail is not None:
            owner = self.detail.row.division_name
            self.banner.setText(f"只读：本决策由{owner}负责，您只能查看。")
        elif read_only:
            self.banner.setText("只读：您的账号不能新建决策。")
        self.banner.setVisible(read_only)
        self.edit_button.setText("查看…" if read_only else "编辑…")
        self._on_select()

    # -- loading ----------------------------------------------------------------------------
    def _fill_registry(self) -> None:
        self.registry.clear()
        self.registry.addItem("从登记簿选择…", None)
        try:
            documents = self.service.division_documents(self.division.currentData())
        except GongkaiError as exc:
            log.warning("documents not listed: %s", exc)
            documents = []
        for _id, number, title in documents:
            self.registry.addItem(f"{number}　{title}", (number, title))
            self.registry.setItemData(self.registry.count() - 1, title, Qt.ItemDataRole.ToolTipRole)

    def _on_division(self) -> None:
        self._fill_registry()
        self._on_edited()

    def _pick_document(self, index: int) -> None:
        picked = self.registry.itemData(index)
        self.registry.setCurrentIndex(0)
        if not picked:
            return
        number, title = picked
        self.document_number.setText(number)
        if not self.title.text().strip():
            self.title.setText(title)
        if self.decision_type.currentData() != DecisionType.NORMATIVE.value:
            self.decision_type.setCurrentIndex(self.decision_type.findData("normative"))
        self._on_edited()

    def _load(self, detail: DecisionDetail) -> None:
        """Show a decision as stored (the form and its consultations)."""
        self.detail = detail
        self.version = detail.row.version
        fields = detail.fields
        self._loading = True
        try:
            self.title.setText(fields.title)
            self.title.setCursorPosition(0)
            self.decision_type.setCurrentIndex(
                max(self.decision_type.findData(fields.decision_type), 0)
            )
            self.document_number.setText(fields.document_number)
            self.rule_level.setChecked(fields.rule_level)
            self.market_related.setChecked(fields.market_related)
            self.predisclosed_on.set_value(fields.predisclosed_on)
            self.notes.setPlainText(fields.notes)
            for step in DecisionStep:
                entry = fields.step(step)
                self.step_dates[step.value].set_value(entry.on)
                self.step_notes[step.value].setText(entry.note)
                # Show the beginning of a long note, not its tail.
                self.step_notes[step.value].setCursorPosition(0)
        finally:
            self._loading = False
        self.dirty = False
        self._show_title()
        self._show_consultations()
        self.update_check()

    def _reload_consultations(self) -> None:
        """Show the consultations as stored; the form keeps what the user typed (and the version
        it was loaded at, so a change someone else made to the decision is still caught)."""
        if self.detail is None:
            return
        try:
            self.detail = self.service.get(self.detail.row.id)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self._show_consultations()
        self.update_check()
        self.saved.emit(self.detail.row.id)

    def _show_title(self) -> None:
        if self.detail is None:
            self.setWindowTitle("新建决策")
        else:
            self.setWindowTitle(f"决策：{self.detail.row.title}")

    def _show_consultations(self) -> None:
        selected = self.consultation_table.selected()
        rows = list(self.detail.consultations) if self.detail else []
        self.consultation_model.set_rows(rows)
        self.consultation_table.fit_columns(CONSULTATION_WIDTHS)
        if selected is not None:
            self.consultation_table.select_where(lambda r: r.id == selected.id)
        elif rows:
            self.consultation_table.select_first()
        if self.detail is None:
            self.consultation_hint.setText("保存决策后即可登记征求意见。")
        elif not rows:
            self.consultation_hint.setText("尚未登记征求意见。")
        else:
            published = sum(1 for r in rows if r.fields.result_published_on is not None)
            self.consultation_hint.setText(f"共 {len(rows)} 次，采纳情况已公开 {published} 次。")
        self._on_select()

    def _on_select(self) -> None:
        row = self.consultation_table.selected()
        stored = self.detail is not None
        self.add_button.setEnabled(stored and self.editable)
        self.edit_button.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None and self.editable)
        self.export_button.setEnabled(row is not None)

    # -- editing ----------------------------------------------------------------------------
    def _on_edited(self, *_args: object) -> None:
        if self._loading:
            return
        self.dirty = True
        self.update_check()

    def fields(self) -> DecisionFields:
        steps = {}
        for step in DecisionStep:
            on = self.step_dates[step.value].value()
            note = self.step_notes[step.value].text().strip()
            if on is not None or note:
                steps[step.value] = StepEntry(on, note)
        return DecisionFields(
            title=self.title.text().strip(),
            decision_type=str(self.decision_type.currentData()),
            document_number=self.document_number.text().strip(),
            rule_level=self.rule_level.isChecked(),
            market_related=self.market_related.isChecked(),
            predisclosed_on=self.predisclosed_on.value(),
            steps=steps,
            notes=self.notes.toPlainText().strip(),
        )

    def update_check(self) -> None:
        """The rules on the form as it is now, with the stored consultations."""
        fields = self.fields()
        is_normative = fields.decision_type == DecisionType.NORMATIVE.value
        self.market_related.setEnabled(self.editable and is_normative)
        consultations = [c.fields for c in self.detail.consultations] if self.detail else []
        found = decision_findings(fields, consultations, self.calendar, self.rules, date.today())
        show_findings(
            self.check, found, "合规检查：法定程序、征求意见期限和采纳情况公开均未见问题。"
        )
        minimum = minimum_period(fields, self.rules)
        rule = (
            f"{minimum.reason}公开征求意见{minimum.text()}"
            if minimum
            else "本类决策对征求意见期限无统一要求"
        )
        self.rule_hint.setText(
            f"规则：{rule}；采纳情况在征求意见截止后 {self.rules.result_workdays} 个工作日内公开。"
        )

    # -- storing ----------------------------------------------------------------------------
    def save(self) -> bool:
        """Store the decision; True when it was stored (the dialog stays open)."""
        if not self.editable:
            return False
        return self._store(self.fields(), self.version)

    def _store(self, fields: DecisionFields, version: int | None) -> bool:
        try:
            check_dates(self)
            if self.detail is None:
                detail = self.service.create(self.division.currentData(), fields)
            else:
                detail = self.service.update(self.detail.row.id, version, fields)
        except ConflictError as exc:
            self._resolve_conflict(exc, fields)
            return False
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return False
        self.error.clear_message()
        self._load(detail)
        self._apply_read_only()
        self.saved.emit(detail.row.id)
        return True

    def _resolve_conflict(self, exc: ConflictError, mine: DecisionFields) -> None:
        version = stored_version(exc)
        detail = self.detail
        try:
            theirs = self.service.get(detail.row.id).fields if detail else None
        except GongkaiError:
            theirs = None
        if version is None or theirs is None or detail is None:
            show_error(self, exc)
            return
        resolve_conflict(
            self,
            version,
            DECISION_FIELD_LABELS,
            decision_texts(mine),
            decision_texts(theirs),
            lambda stored: self._store(mine, stored),
            lambda: self._load(self.service.get(detail.row.id)),
        )

    # -- consultations ----------------------------------------------------------------------
    def _consultation_dialog(self, row: ConsultationRow | None) -> ConsultationDialog | None:
        if self.detail is None:
            return None
        editable = self.editable and (row.editable if row is not None else True)
        return ConsultationDialog(
            self.service,
            self.detail.row.id,
            self.fields(),
            row,
            self.calendar,
            self.rules,
            editable,
            self,
        )

    def add_consultation(self) -> None:
        dialog = self._consultation_dialog(None)
        if dialog is None:
            return
        if self.detail is not None and dialog.subject.text() == "":
            dialog.subject.setText(f"{self.fields().title or self.detail.row.title}（征求意见稿）")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._reload_consultations()
            if dialog.saved_row is not None:
                saved_id = dialog.saved_row.id
                self.consultation_table.select_where(lambda r: r.id == saved_id)

    def edit_consultation(self) -> None:
        row = self.consultation_table.selected()
        if row is None:
            return
        dialog = self._consultation_dialog(row)
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self._reload_consultations()

    def delete_consultation(self) -> None:
        row = self.consultation_table.selected()
        if row is None or not self.editable:
            return
        if not confirm(
            self, f"确定删除 {_period(row.fields)} 的征求意见记录吗？删除会记入审计日志。"
        ):
            return
        try:
            self.service.delete_consultation(row.id, row.version)
        except GongkaiError as exc:
            show_error(self, exc)
        self._reload_consultations()

    def export_explanation(self) -> None:
        row = self.consultation_table.selected()
        if row is None or self.detail is None:
            return
        if self.dirty and self.editable:
            answer = QMessageBox.question(
                self,
                "导出说明",
                "决策信息有尚未保存的修改。先保存再导出吗？（选择“否”将按已保存的内容导出）",
            )
            if answer == QMessageBox.StandardButton.Yes and not self.save():
                return
        subject = (row.fields.subject or self.detail.row.title).strip("《》")
        path = ask_save_path(
            self,
            self.ctx.settings,
            FOLDER_KEY,
            "导出意见收集和采纳情况说明",
            safe_file_name(f"{subject}意见收集和采纳情况说明") + ".docx",
            "Word 文档 (*.docx)",
            ".docx",
        )
        if path is None:
            return
        try:
            written = self.service.export_explanation(
                self.detail.row.id, row.id, path, issued=self.issue_date.value()
            )
        except GongkaiError as exc:
            show_error(self, exc)
            return
        show_info(self, f"已导出：{written}")

    # -- closing ----------------------------------------------------------------------------
    def reject(self) -> None:
        if self.editable and self.dirty:
            answer = ask_save_changes(self, "关闭决策", "决策信息")
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save and not self.save():
                return
        self.ctx.settings.setValue("decisions/dialog_geometry", self.saveGeometry())
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # The window's close button goes through the same question as 关闭.
        event.ignore()
        self.reject()

    def restore_geometry(self) -> None:
        geometry = self.ctx.settings.value("decisions/dialog_geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[arg-type]


# --- the page --------------------------------------------------------------------------------


class DecisionsPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = DecisionService(ctx.db, ctx.actor)
        self._build_ui()
        self._connect_signals()
        self.refresh()

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.year = QComboBox(self)
        self.division = QComboBox(self)
        self.decision_type = QComboBox(self)
        self.decision_type.addItem(ALL, None)
        for kind in DecisionType:
            self.decision_type.addItem(kind.label, kind.value)
        self.with_problems = QCheckBox("只看有问题", self)
        self.with_problems.setToolTip("违反规则或采纳情况待公开的决策")
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("搜索决策事项、文号、备注")
        self.search.setClearButtonEnabled(True)
        filters = (("年度：", self.year), ("处室：", self.division), ("类型：", self.decision_type))
        layout.addLayout(filter_bar(self, filters, (self.with_problems,), self.search))
        self._fill_filters()

        self.model = FindingsTableModel(COLUMNS, parent=self)
        self.table = RecordTable(self.model, self)
        self.table.proxy.sort(-1)  # the service's order: most recently changed first
        layout.addWidget(self.table, 1)
        self.check_line = selected_row_line(
            self.table, lambda r: f"{r.title}：{check_text(r)}", self
        )
        layout.addWidget(self.check_line)

        self.summary = hint("", self)
        self.new_button = QPushButton("新建决策…", self)
        self.open_button = QPushButton("打开", self)
        self.delete_button = QPushButton("删除", self)
        buttons = (self.delete_button, self.open_button, self.new_button)
        layout.addLayout(button_row(self.summary, buttons))
        leader = self.ctx.actor.role is Role.LEADER
        self.new_button.setVisible(not leader)
        self.delete_button.setVisible(not leader)

    def _fill_filters(self) -> None:
        fill_year_and_division(self.ctx, self.year, self.division, self.service.years)

    def _connect_signals(self) -> None:
        for combo in (self.year, self.division, self.decision_type):
            combo.currentIndexChanged.connect(self.refresh)
        self.with_problems.toggled.connect(self.refresh)
        self.search.returnPressed.connect(self.refresh)
        self.search.textChanged.connect(lambda text: text or self.refresh())
        open_on_activation(self.table, self.open_selected)
        self.table.selectionModel().selectionChanged.connect(self._on_select)
        self.new_button.clicked.connect(self.new_decision)
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.list_keys = ListKeys.of_page(
            self,
            self.table,
            empty="尚无决策记录。点击「新建决策…」登记一项重大行政决策。",
            filters=(self.year, self.division, self.decision_type, self.with_problems),
        )
        self._on_select()

    def page_shown(self) -> None:
        self._fill_filters()
        self.refresh()

    def query(self) -> DecisionQuery:
        kind = self.decision_type.currentData()
        return DecisionQuery(
            year=self.year.currentData(),
            division_id=self.division.currentData(),
            decision_type=DecisionType(kind) if kind else None,
            with_problems=self.with_problems.isChecked(),
            text=self.search.text().strip(),
        )

    def refresh(self) -> None:
        selected = self.table.selected()
        try:
            rows = self.service.list_decisions(self.query())
            rules = self.service.rules()
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.model.set_rows(rows)
        problems = sum(1 for r in rows if r.problems)
        due = sum(1 for r in rows if r.warnings and not r.problems)
        self.summary.setText(
            f"共 {len(rows)} 项，违反规则 {problems} 项，采纳情况待公开 {due} 项"
            f"（重大行政决策和规章征求意见不少于 {rules.major_days} 日，规范性文件不少于 "
            f"{rules.normative_workdays} 个工作日、涉及市场主体的不少于 {rules.market_days} 日；"
            f"采纳情况在截止后 {rules.result_workdays} 个工作日内公开）"
        )
        self.table.fit_columns(LIST_WIDTHS)
        if selected is not None:
            self.table.select_where(lambda r: r.id == selected.id)
        self._on_select()

    def _on_select(self) -> None:
        row = self.table.selected()
        self.open_button.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None and row.editable)

    # -- actions ----------------------------------------------------------------------------
    def _open_dialog(self, decision_id: int | None) -> DecisionDialog | None:
        try:
            dialog = DecisionDialog(self.ctx, self.service, decision_id, self)
        except GongkaiError as exc:
            show_error(self, exc)
            self.refresh()
            return None
        dialog.restore_geometry()
        dialog.exec()
        self.refresh()
        if dialog.detail is not None:
            decision_id = dialog.detail.row.id
            self.table.select_where(lambda r: r.id == decision_id)
        return dialog

    def new_decision(self) -> None:
        if self.ctx.actor.role is Role.LEADER:
            return
        self._open_dialog(None)

    def open_selected(self) -> None:
        row = self.table.selected()
        if row is not None:
            self._open_dialog(row.id)

    def delete_selected(self) -> None:
        row = self.table.selected()
        if row is None or not row.editable:
            return
        extra = f"及其 {row.consultation_count} 次征求意见记录" if row.consultation_count else ""
        if not confirm(self, f"确定删除决策「{row.title}」{extra}吗？删除会记入审计日志。"):
            return
        try:
            self.service.delete(row.id, row.version)
        except GongkaiError as exc:
            show_error(self, exc)
        self.refresh()
