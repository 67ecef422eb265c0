"""审计日志: who did what to which record and when, in Chinese words (「导入公开事项 205 条」, the
record's title), newest first, filtered in SQL by user, division, record kind, action, result and
date, paged (加载更多); the before/after of the selected row, the hash-chain check and 导出 Excel
of everything the filters select."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.audit import ChainReport
from gongkai_desktop.domain.labels import AuditOutcome
from gongkai_desktop.errors import Cancelled, GongkaiError
from gongkai_desktop.services.audit_log import (
    ACTION_FILTERS,
    AuditLine,
    AuditLogService,
    AuditQuery,
)

from ...context import UiContext
from ...dates import DateEdit
from ...files import ask_save_path
from ...formatting import local_time
from ...list_keys import ListKeys
from ...messages import show_error, show_info
from ...models import Column, RowTableModel
from ...widgets import RecordTable
from ...worker import call_job, run_with_progress
from .base import AdminTab, button_row

log = logging.getLogger(__name__)

PAGE_SIZE = 200
FOLDER_KEY = "audit/last_folder"
EXCEL_FILES = "Excel 工作簿 (*.xlsx)"

COLUMNS = (
    Column("时间", lambda r: local_time(r.ts, seconds=True), lambda r: r.id),
    Column("用户", lambda r: r.username),
    Column("处室", lambda r: r.division),
    Column("记录类别", lambda r: r.kind),
    Column("操作", lambda r: r.action, tooltip=lambda r: r.code),
    Column("记录", lambda r: r.record, tooltip=lambda r: r.record),
    Column("结果", lambda r: r.outcome),
    Column("说明", lambda r: r.detail, tooltip=lambda r: r.detail),
)
WIDTHS = {0: 150, 1: 80, 2: 96, 3: 96, 4: 160, 5: 240, 6: 44}


def _pretty(text: str | None) -> str:
    if not text:
        return "（无）"
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True)
    except ValueError:
        return text


def describe_chain(report: ChainReport) -> str:
    if report.ok:
        note = f"{report.note}。" if report.note else ""
        return f"审计日志共 {report.rows} 条，哈希链完整，没有发现被改动、插入或删除的记录。{note}"
    if report.note:  # the chain holds together but not with its checkpoint outside the database
        return (
            f"审计日志与数据库之外保存的检查点不符：{report.reason}。"
            "请保留数据文件和检查点文件（数据库旁的 .anchor 文件）并联系技术人员核查。"
        )
    return (
        f"审计日志哈希链在第 {report.broken_id} 条记录处断开：{report.reason}。"
        "该记录及其后的记录不能作为可信的操作记录，请保留数据文件并联系技术人员核查。"
    )


def combo(parent: QWidget, everything: str, entries: list[tuple[str, object]]) -> QComboBox:
    box = QComboBox(parent)
    box.addItem(everything, None)
    for text, data in entries:
        box.addItem(text, data)
    return box


class AuditTab(AdminTab):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.loaded = False
        self.exhausted = False
        self.last_report: ChainReport | None = None
        self._build_ui()
        self._connect_signals()

    def service(self) -> AuditLogService:
        return AuditLogService(self.ctx.db, self.ctx.actor)

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.user = combo(self, "全部用户", [])
        self.user.setMinimumWidth(96)
        self.division = combo(self, "全部处室", [])
        self.kind = combo(self, "全部类别", [(label, e) for e, label in AuditLogService.kinds()])
        self.action = combo(self, "全部操作", [(f.label, f.label) for f in ACTION_FILTERS])
        self.outcome = combo(self, "全部结果", [(o.label, o.value) for o in AuditOutcome])
        self.use_dates = QCheckBox("日期", self)
        today = date.today()
        # The one date field of every form: a typed year is kept, an impossible date is marked.
        self.since = DateEdit(today - timedelta(days=30), self)
        self.until = DateEdit(today, self)
        for edit in (self.since, self.until):
            edit.setEnabled(False)
        self.search_button = QPushButton("查询", self)
        self.search_button.setDefault(True)
        for label, widget in (
            ("用户：", self.user),
            ("处室：", self.division),
            ("类别：", self.kind),
            ("操作：", self.action),
            ("结果：", self.outcome),
        ):
            filters.addWidget(QLabel(label, self))
            filters.addWidget(widget)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.since)
        filters.addWidget(QLabel("至", self))
        filters.addWidget(self.until)
        filters.addWidget(self.search_button)
        filters.addStretch(1)
        layout.addLayout(filters)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("auditSplitter")
        self.model = RowTableModel(COLUMNS, parent=self)
        self.table = RecordTable(self.model, self.splitter)
        self.table.setObjectName("auditTable")
        self.table.setSortingEnabled(False)  # newest first, as paged from the database
        self.detail = QPlainTextEdit(self.splitter)
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("选中一条记录查看修改前后的内容。")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setSizes([380, 140])
        layout.addWidget(self.splitter, 1)

        self.more_button = QPushButton("加载更多", self)
        self.export_button = QPushButton("导出 Excel…", self)
        self.export_button.setToolTip("把当前筛选条件下的全部记录导出为 Excel 工作簿")
        self.verify_button = QPushButton("校验哈希链", self)
        self.count = QLabel(self)
        row = button_row(
            self.more_button, self.export_button, self.verify_button, stretch_at_end=False
        )
        row.addStretch(1)
        row.addWidget(self.count)
        layout.addLayout(row)
        self.list_keys = ListKeys(
            self,
            self.table,
            empty="没有符合条件的记录：请放宽筛选条件。",
            filters=(self.user, self.division, self.kind, self.action, self.outcome),
        )

    def _connect_signals(self) -> None:
        self.search_button.clicked.connect(self.search)
        for box in (self.user, self.division, self.kind, self.action, self.outcome):
            box.currentIndexChanged.connect(self.search)
        self.use_dates.toggled.connect(self._dates_toggled)
        self.since.dateChanged.connect(self._dates_changed)
        self.until.dateChanged.connect(self._dates_changed)
        self.more_button.clicked.connect(self.load_more)
        self.export_button.clicked.connect(self.export)
        self.verify_button.clicked.connect(self.verify)
        self.table.selectionModel().selectionChanged.connect(self._show_detail)

    def tab_shown(self) -> None:
        self._refill_choices()
        if not self.loaded:
            self.list_keys.restore()  # the user's filters, once the menus hold their choices
            self.search()

    def _refill_choices(self) -> None:
        """The users the log names and the divisions, keeping what is chosen."""
        try:
            service = self.service()
            users = [(name, name) for name in service.usernames()]
            divisions = [(name, i) for i, name in service.divisions()]
        except GongkaiError as exc:
            log.warning("audit filters not refreshed: %s", exc)
            return
        for box, everything, entries in (
            (self.user, "全部用户", users),
            (self.division, "全部处室", divisions),
        ):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(everything, None)
            for text, data in entries:
                box.addItem(text, data)
            box.setCurrentIndex(max(box.findData(chosen), 0))
            box.blockSignals(False)

    def _dates_toggled(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.until.setEnabled(on)
        self.search()

    def _dates_changed(self) -> None:
        if self.use_dates.isChecked():
            self.search()

    def query(self) -> AuditQuery:
        """What the filters select."""
        since: date | None = None
        until: date | None = None
        if self.use_dates.isChecked():
            since = self.since.date().toPython()
            until = self.until.date().toPython()
        return AuditQuery(
            username=self.user.currentData(),
            division_id=self.division.currentData(),
            entity=self.kind.currentData(),
            action=self.action.currentData(),
            outcome=self.outcome.currentData(),
            since=since,
            until=until,
        )

    def search(self) -> None:
        self.loaded = True
        try:
            rows = self.service().search(self.query(), limit=PAGE_SIZE)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.model.set_rows(rows)
        self.exhausted = len(rows) < PAGE_SIZE
        self.table.fit_columns(WIDTHS)
        self._update_count()
        self.detail.clear()

    def load_more(self) -> None:
        if not self.model.rows:
            self.search()
            return
        try:
            rows = self.service().search(
                self.query(), limit=PAGE_SIZE, before_id=self.model.rows[-1].id
            )
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.model.append_rows(rows)
        self.exhausted = len(rows) < PAGE_SIZE
        self._update_count()

    def _update_count(self) -> None:
        shown = len(self.model.rows)
        if not shown:
            self.count.setText("没有符合条件的记录：请放宽筛选条件。")
        else:
            self.count.setText(
                f"已显示 {shown} 条" + ("（已到最早的记录）" if self.exhausted else "")
            )
        self.more_button.setEnabled(not self.exhausted)
        self.export_button.setEnabled(bool(shown))

    def _show_detail(self) -> None:
        row: AuditLine | None = self.table.selected()
        if row is None:
            self.detail.clear()
            return
        self.detail.setPlainText(
            f"#{row.id}  {local_time(row.ts, seconds=True)}  {row.username}  {row.action}"
            f"（{row.code}）\n记录：{row.record or '（无）'}\n说明：{row.detail or '（无）'}\n\n"
            f"修改前：\n{_pretty(row.before)}\n\n修改后：\n{_pretty(row.after)}"
        )

    def export(self) -> None:
        """导出 Excel: every row the filters select, newest first, with a progress dialog."""
        target = ask_save_path(
            self,
            self.ctx.settings,
            FOLDER_KEY,
            "导出审计日志",
            f"审计日志{date.today():%Y%m%d}.xlsx",
            EXCEL_FILES,
            ".xlsx",
        )
        if target is None:
            return
        service, query = self.service(), self.query()
        try:
            rows = run_with_progress(
                self,
                lambda cancel: service.export_job(target, query, cancel),
                "导出审计日志",
                "正在导出……",
            )
        except Cancelled:
            return
        except Exception as exc:  # the job's error; an unexpected one is logged too
            show_error(self, exc)
            return
        show_info(self, f"已导出 {rows} 条记录到：\n{target}", "导出完成")

    def verify(self) -> None:
        service = self.admin()
        try:
            report: ChainReport = run_with_progress(
                self, call_job(service.verify_audit, "正在校验审计日志……"), "校验哈希链"
            )
        except Exception as exc:  # the job's error; an unexpected one is logged too
            show_error(self, exc)
            return
        self.last_report = report
        if report.ok:
            show_info(self, describe_chain(report), "哈希链完整")
        else:
            show_error(self, describe_chain(report), "哈希链断开")
