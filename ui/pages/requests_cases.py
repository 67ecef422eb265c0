"""行政复议、行政诉讼: the cases about requests, and what the two tabs of 依申请公开 share (the
division list, the ledger import with its preview)."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from gongkai_desktop.db.models import Division
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.domain.requests import (
    CaseResult,
    CaseType,
)
from gongkai_desktop.errors import ConflictError, GongkaiError
from gongkai_desktop.exchange import ImportResult, kinds
from gongkai_desktop.services.requests import (
    CaseInput,
    CaseRow,
    RequestService,
)

from ..conflict import fields_from_snapshot, resolve_conflict, shown, stored_version
from ..context import UiContext
from ..dates import check_dates
from ..files import ask_open_path
from ..ledger.exchange import EXCEL_FILES, export_ledger, save_template
from ..list_keys import ListKeys
from ..messages import confirm, show_error, show_info
from ..models import Column, RowTableModel
from ..widgets import ErrorLabel, RecordTable
from ..worker import run_with_progress
from .requests_form import DateField

log = logging.getLogger(__name__)

ALL = "全部"
FOLDER_KEY = "requests/last_dir"


def date_text(value: date | None) -> str:
    return value.isoformat() if value else ""


CASE_COLUMNS = (
    Column("案件编号", lambda c: c.case_no),
    Column("案件类型", lambda c: c.data.case_type.label),
    Column(
        "收到日期", lambda c: date_text(c.data.received_date), sort=lambda c: c.data.received_date
    ),
    Column(
        "审结日期",
        lambda c: date_text(c.data.closed_date),
        sort=lambda c: c.data.closed_date or date.max,
    ),
    Column("结果", lambda c: c.data.result.label if c.data.result else "尚未审结"),
    Column("关联申请", lambda c: c.request_reg_no),
    Column("承办处室", lambda c: c.division_name),
)

# The case form's fields in their order, under the names of ``CaseInput``.
CASE_LABELS = {
    "case_no": "案件编号",
    "case_type": "案件类型",
    "received_date": "收到日期",
    "closed_date": "审结日期",
    "result": "结果",
    "request_id": "关联申请",
    "notes": "备注",
}
NOT_DECIDED = "（尚未审结）"


def active_divisions(ctx: UiContext) -> list[tuple[int, str]]:
    with ctx.db.read() as session:
        rows = session.execute(
            select(Division.id, Division.name)
            .where(Division.active.is_(True))
            .order_by(Division.sort_order, Division.id)
        )
        return [(i, name) for i, name in rows]


def import_ledger(parent: QWidget, ctx: UiContext, key: str) -> None:
    """Check the chosen file (nothing stored), say what it would do, import after 确定."""
    kind = kinds()[key]
    path = ask_open_path(parent, ctx.settings, FOLDER_KEY, f"导入{kind.label}", EXCEL_FILES)
    if path is None:
        return
    assert kind.import_job is not None
    job = kind.import_job

    def run(dry_run: bool, title: str) -> ImportResult:
        return run_with_progress(
            parent, lambda cancel: job(ctx.db, ctx.actor, path, dry_run, cancel), title
        )

    try:
        preview = run(True, f"检查{kind.label}")
        if not confirm(parent, f"{preview.summary()}。\n确定导入吗？"):
            return
        result = run(False, f"导入{kind.label}")
    except GongkaiError as exc:
        show_error(parent, exc, f"{kind.label}未导入")
        return
    notes = "\n".join(result.notes[:20])
    show_info(parent, f"{kind.label}：{result.summary()}" + (f"\n\n{notes}" if notes else ""))


class CasesTab(QWidget):
    """行政复议、行政诉讼: the list and a small form; a case links to a request by 登记编号."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = RequestService(ctx.db, ctx.actor)
        self.current: CaseRow | None = None
        self._build_ui()
        self.refresh()

    def _build_ui(self) -> None:
        outer = QVBoxLayout(self)
        layout = QHBoxLayout()
        left = QVBoxLayout()
        bar = QHBoxLayout()
        self.new_button = QPushButton("新增案件", self)
        self.import_button = QPushButton("导入…", self)
        self.export_button = QPushButton("导出…", self)
        self.template_button = QPushButton("下载模板…", self)
        bar.addStretch(1)
        for b in (self.new_button, self.import_button, self.export_button, self.template_button):
            bar.addWidget(b)
        outer.addLayout(bar)
        outer.addLayout(layout, 1)
        self.model = RowTableModel(CASE_COLUMNS, parent=self)
        self.table = RecordTable(self.model, self)
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        left.addWidget(self.table, 1)
        layout.addLayout(left, 3)

        box = QGroupBox("案件", self)
        form = QFormLayout(box)
        self.case_no = QLineEdit(box)
        self.case_type = QComboBox(box)
        for t in CaseType:
            self.case_type.addItem(t.label, t.value)
        self.received = DateField(optional=False, parent=box)
        self.closed = DateField(parent=box)
        self.result = QComboBox(box)
        self.result.addItem(NOT_DECIDED, None)
        for r in CaseResult:
            self.result.addItem(r.label, r.value)
        self.request_no = QLineEdit(box)
        self.request_no.setPlaceholderText("依申请公开登记编号")
        self.notes = QLineEdit(box)
        for key, widget in (
            ("case_no", self.case_no),
            ("case_type", self.case_type),
            ("received_date", self.received),
            ("closed_date", self.closed),
            ("result", self.result),
            ("request_id", self.request_no),
            ("notes", self.notes),
        ):
            form.addRow(f"{CASE_LABELS[key]}：", widget)
        self.error = ErrorLabel(box)
        form.addRow(self.error)
        buttons = QHBoxLayout()
        self.delete_button = QPushButton("删除", box)
        self.save_button = QPushButton("保存", box)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        layout.addWidget(box, 2)
        can_edit = self.ctx.actor.role is not Role.LEADER
        for w in (self.new_button, self.import_button, self.save_button, self.delete_button):
            w.setVisible(can_edit)

        self.table.selectionModel().selectionChanged.connect(self._on_select)
        self.new_button.clicked.connect(self.new_case)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.import_button.clicked.connect(
            lambda: (import_ledger(self, self.ctx, "cases"), self.refresh())
        )
        self.export_button.clicked.connect(
            lambda: export_ledger(self, self.ctx, "cases", None, FOLDER_KEY)
        )
        self.template_button.clicked.connect(
            lambda: save_template(self, self.ctx, "cases", FOLDER_KEY)
        )
        self.list_keys = ListKeys.of_page(
            self,
            self.table,
            empty="尚无行政复议、行政诉讼案件。点击「新增案件」或「导入…」。",
        )
        self.delete_button.setEnabled(False)  # until a record is in the form

    def refresh(self) -> None:
        keep = self.current.id if self.current else None
        self.model.set_rows(self.service.list_cases())
        self.table.fit_columns()
        if keep is None or not self.table.select_where(lambda c: c.id == keep):
            self.new_case()

    def _on_select(self) -> None:
        case = self.table.selected()
        if case is None:
            return
        self.current = case
        self.delete_button.setEnabled(True)  # 删除 acts on the case in the form
        d = case.data
        self.case_no.setText(d.case_no)
        self.case_type.setCurrentIndex(self.case_type.findData(d.case_type.value))
        self.received.set_value(d.received_date)
        self.closed.set_value(d.closed_date)
        self.result.setCurrentIndex(
            max(self.result.findData(d.result.value if d.result else None), 0)
        )
        self.request_no.setText(case.request_reg_no)
        self.notes.setText(d.notes)
        self.error.clear_message()

    def new_case(self) -> None:
        self.current = None
        self.delete_button.setEnabled(False)
        self.table.clearSelection()
        self.case_no.clear()
        self.received.set_value(date.today())
        self.closed.set_value(None)
        self.result.setCurrentIndex(0)
        self.request_no.clear()
        self.notes.clear()
        self.error.clear_message()

    def save(self) -> None:
        reg_no = self.request_no.text().strip()
        request_id = self.service.find_request_id(reg_no) if reg_no else None
        if reg_no and request_id is None:
            self.error.show_message(f"没有登记编号为「{reg_no}」的申请。")
            return
        try:
            check_dates(self)
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return
        received = self.received.value()
        assert received is not None
        data = CaseInput(
            case_no=self.case_no.text(),
            case_type=CaseType(self.case_type.currentData()),
            received_date=received,
            closed_date=self.closed.value(),
            result=CaseResult(self.result.currentData()) if self.result.currentData() else None,
            request_id=request_id,
            notes=self.notes.text(),
        )
        self._store(data, self.current.version if self.current is not None else None)

    def _store(self, data: CaseInput, version: int | None) -> None:
        try:
            if self.current is None:
                self.current = self.service.create_case(data)
            else:
                self.current = self.service.update_case(self.current.id, data, version)
        except ConflictError as exc:
            self._resolve_conflict(exc, data)
            return
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return
        self.refresh()

    def _resolve_conflict(self, exc: ConflictError, mine: CaseInput) -> None:
        """Show the user's version beside the stored one; save again or reload, as chosen."""
        version = stored_version(exc)
        if version is None:  # the error came without the stored values
            show_error(self, exc)
            self.refresh()
            return
        theirs = fields_from_snapshot(CaseInput, exc.current)
        resolve_conflict(
            self,
            version,
            CASE_LABELS,
            self._texts(mine),
            self._texts(theirs),
            lambda stored: self._store(mine, stored),
            self.refresh,
        )

    def _texts(self, data: CaseInput) -> dict[str, str]:
        reg_no = ""
        if data.request_id is not None:
            try:
                reg_no = self.service.get_request(data.request_id).row.reg_no
            except GongkaiError:
                reg_no = "（已删除的申请）"
        return {
            "case_no": data.case_no,
            "case_type": data.case_type.label,
            "received_date": shown(data.received_date),
            "closed_date": shown(data.closed_date),
            "result": data.result.label if data.result else NOT_DECIDED,
            "request_id": reg_no,
            "notes": data.notes,
        }

    def delete(self) -> None:
        if self.current is None or not confirm(self, f"确定删除案件「{self.current.case_no}」吗？"):
            return
        try:
            self.service.delete_case(self.current.id, self.current.version)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.current = None
        self.refresh()
