"""「公开征求意见」 in the dialog of one decision: its consultations with what the rules find in each,
added, edited and deleted through ``ConsultationDialog`` (SPEC §8).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from gongkai_desktop.calendar import WorkingCalendar
from gongkai_desktop.domain.decisions import (
    CONSULTATION_FIELD_LABELS,
    ConsultationRules,
    DecisionFields,
)
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.services.decisions import ConsultationRow, DecisionDetail, DecisionService

from ..formatting import short_date
from ..messages import confirm, show_error
from ..models import Column
from ..widgets import IssueDate, RecordTable
from .checked_records import FindingsTableModel, check_text
from .consultation_dialog import ConsultationDialog, consultation_period

log = logging.getLogger(__name__)


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
        lambda r: consultation_period(r.fields),
        lambda r: (r.fields.started_on, r.fields.ended_on),
    ),
    Column("期限", _period_text, lambda r: r.period_days),
    _count("received"),
    _count("adopted"),
    _count("partly_adopted"),
    _count("not_adopted"),
    Column(
        "采纳情况公开",
        lambda r: short_date(r.fields.result_published_on) or "未公开",
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


class ConsultationTableModel(FindingsTableModel):
    check_column = CONSULTATION_CHECK_COLUMN


class ConsultationsPanel(QGroupBox):
    """The consultations of the decision the dialog shows (:meth:`show_decision`), with 新增, 编辑
    (查看 when read-only) and 删除, and beside them 导出说明 with its 成文日期.

    ``decision_fields`` gives the decision as it is typed now: a consultation is checked against
    it. ``changed`` says a consultation was stored or deleted; the dialog then reads the decision
    again and shows it here. 导出说明 is the dialog's to do, since it may save the decision first.
    """

    changed = Signal()

    def __init__(
        self,
        service: DecisionService,
        calendar: WorkingCalendar,
        rules: ConsultationRules,
        decision_fields: Callable[[], DecisionFields],
        parent: QDialog,
    ) -> None:
        super().__init__("公开征求意见", parent)
        self.service = service
        self.calendar = calendar
        self.rules = rules
        self.decision_fields = decision_fields
        self.decision: DecisionDetail | None = None
        self.editable = True
        self._build_ui()
        self._connect_signals()

    def _build_ui(self) -> None:
        inner = QVBoxLayout(self)
        self.model = ConsultationTableModel(CONSULTATION_COLUMNS, parent=self)
        self.table = RecordTable(self.model, self)
        self.table.proxy.sort(-1)  # the service's order: oldest first
        self.table.setMinimumHeight(110)
        inner.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.hint = QLabel(self)
        self.hint.setObjectName("hintLabel")
        self.hint.setWordWrap(True)
        row.addWidget(self.hint, 1)
        self.add_button = QPushButton("新增征求意见…", self)
        self.edit_button = QPushButton("编辑…", self)
        self.delete_button = QPushButton("删除", self)
        self.export_button = QPushButton("导出说明（Word）…", self)
        self.export_button.setToolTip("导出所选征求意见的《意见收集和采纳情况说明》")
        self.issue_date = IssueDate(self)
        for button in (self.add_button, self.edit_button, self.delete_button):
            row.addWidget(button)
        row.addWidget(self.issue_date)
        row.addWidget(self.export_button)
        inner.addLayout(row)

    def _connect_signals(self) -> None:
        self.table.selectionModel().selectionChanged.connect(self._on_select)
        self.table.activated.connect(lambda _index: self.edit())
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        for button in (self.add_button, self.delete_button):
            button.setVisible(editable)
        self.edit_button.setText("编辑…" if editable else "查看…")
        self._on_select()

    def selected(self) -> ConsultationRow | None:
        return self.table.selected()

    def show_decision(self, decision: DecisionDetail | None) -> None:
        """The consultations of ``decision`` as stored (none before its first save)."""
        self.decision = decision
        selected = self.table.selected()
        rows = list(decision.consultations) if decision else []
        self.model.set_rows(rows)
        self.table.fit_columns(CONSULTATION_WIDTHS)
        if selected is not None:
            self.table.select_where(lambda r: r.id == selected.id)
        elif rows:
            self.table.select_first()
        if decision is None:
            self.hint.setText("保存决策后即可登记征求意见。")
        elif not rows:
            self.hint.setText("尚未登记征求意见。")
        else:
            published = sum(1 for r in rows if r.fields.result_published_on is not None)
            self.hint.setText(f"共 {len(rows)} 次，采纳情况已公开 {published} 次。")
        self._on_select()

    def _on_select(self) -> None:
        row = self.table.selected()
        stored = self.decision is not None
        self.add_button.setEnabled(stored and self.editable)
        self.edit_button.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None and self.editable)
        self.export_button.setEnabled(row is not None)

    # -- actions ----------------------------------------------------------------------------
    def _dialog(self, row: ConsultationRow | None) -> ConsultationDialog | None:
        if self.decision is None:
            return None
        editable = self.editable and (row.editable if row is not None else True)
        return ConsultationDialog(
            self.service,
            self.decision.row.id,
            self.decision_fields(),
            row,
            self.calendar,
            self.rules,
            editable,
            self.window(),
        )

    def add(self) -> None:
        dialog = self._dialog(None)
        if dialog is None:
            return
        if self.decision is not None and dialog.subject.text() == "":
            title = self.decision_fields().title or self.decision.row.title
            dialog.subject.setText(f"{title}（征求意见稿）")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.changed.emit()
            if dialog.saved_row is not None:
                saved_id = dialog.saved_row.id
                self.table.select_where(lambda r: r.id == saved_id)

    def edit(self) -> None:
        row = self.table.selected()
        if row is None:
            return
        dialog = self._dialog(row)
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self.changed.emit()

    def delete(self) -> None:
        row = self.table.selected()
        if row is None or not self.editable:
            return
        parent = self.window()
        question = (
            f"确定删除 {consultation_period(row.fields)} 的征求意见记录吗？删除会记入审计日志。"
        )
        if not confirm(parent, question):
            return
        try:
            self.service.delete_consultation(row.id, row.version)
        except GongkaiError as exc:
            show_error(parent, exc)
        self.changed.emit()
