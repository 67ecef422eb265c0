"""The dialog of one decision (决策): its particulars, its five statutory steps and its public
consultations, with what the rules find while the form is edited (SPEC §8).

The rules run with the calendar and the business settings the service uses, so the user sees a
breach before saving.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.decisions import (
    DECISION_FIELD_LABELS,
    DecisionFields,
    DecisionStep,
    DecisionType,
    StepEntry,
    decision_findings,
    minimum_period,
)
from gongkai_desktop.errors import ConflictError, GongkaiError
from gongkai_desktop.services.calendar import calendar_of
from gongkai_desktop.services.decisions import DecisionDetail, DecisionService

from ..conflict import resolve_conflict, stored_version
from ..context import UiContext
from ..dates import check_dates
from ..fit import FitsOnScreen
from ..formatting import short_date
from ..messages import ask_save_changes, show_error, show_info
from ..widgets import ErrorLabel, fill_registry_menu
from .checked_records import show_findings
from .decision_consultations import ConsultationsPanel
from .requests_form import DateField
from .word_export import export_word, safe_file_name, save_first

log = logging.getLogger(__name__)

FOLDER_KEY = "decisions/last_dir"


def decision_texts(fields: DecisionFields) -> dict[str, str]:
    """A decision as the conflict dialog shows it, one text per field."""
    kind = fields.kind()
    texts = {
        "title": fields.title,
        "decision_type": kind.label if kind else fields.decision_type,
        "document_number": fields.document_number,
        "rule_level": "是" if fields.rule_level else "否",
        "market_related": "是" if fields.market_related else "否",
        "predisclosed_on": short_date(fields.predisclosed_on),
        "notes": fields.notes,
    }
    for step in DecisionStep:
        entry = fields.step(step)
        texts[f"{step.value}_on"] = short_date(entry.on)
        texts[f"{step.value}_note"] = entry.note
    return texts


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
            self.consultations.show_decision(None)
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
        self.consultations = ConsultationsPanel(
            self.service, self.calendar, self.rules, self.fields, self
        )
        layout.addWidget(self.consultations, 1)
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
        self.consultations.changed.connect(self._reload_consultations)
        self.consultations.export_button.clicked.connect(self.export_explanation)
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
        self.save_button.setVisible(not read_only)
        self.registry.setVisible(not read_only)
        if read_only and self.detail is not None:
            owner = self.detail.row.division_name
            self.banner.setText(f"只读：本决策由{owner}负责，您只能查看。")
        elif read_only:
            self.banner.setText("只读：您的账号不能新建决策。")
        self.banner.setVisible(read_only)
        self.consultations.set_editable(not read_only)

    # -- loading ----------------------------------------------------------------------------
    def _fill_registry(self) -> None:
        division_id = self.division.currentData()
        fill_registry_menu(
            self.registry, "从登记簿选择…", lambda: self.service.division_documents(division_id)
        )

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
        self.consultations.show_decision(detail)
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
        self.consultations.show_decision(self.detail)
        self.update_check()
        self.saved.emit(self.detail.row.id)

    def _show_title(self) -> None:
        if self.detail is None:
            self.setWindowTitle("新建决策")
        else:
            self.setWindowTitle(f"决策：{self.detail.row.title}")

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

    # -- exporting ------------------------------------------------------------------------
    def export_explanation(self) -> None:
        """The 意见收集和采纳情况说明 of the selected consultation, as a Word document."""
        row = self.consultations.selected()
        if row is None or self.detail is None:
            return
        unsaved = self.dirty and self.editable
        question = "决策信息有尚未保存的修改。先保存再导出吗？（选择“否”将按已保存的内容导出）"
        if not save_first(self, unsaved, "导出说明", question, self.save):
            return
        subject = (row.fields.subject or self.detail.row.title).strip("《》")
        decision_id = self.detail.row.id
        written = export_word(
            self,
            self.ctx,
            FOLDER_KEY,
            "导出意见收集和采纳情况说明",
            safe_file_name(subject, "") + "意见收集和采纳情况说明.docx",
            self.consultations.issue_date,
            lambda path, issued: self.service.export_explanation(
                decision_id, row.id, path, issued=issued
            ),
        )
        if written is None:
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
