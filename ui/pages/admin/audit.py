"""审计日志: who changed what and when, newest first, filtered in SQL and paged (加载更多), with
the before/after of the selected row and the hash-chain check."""

from __future__ import annotations

import json
import logging
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.audit import ChainReport
from gongkai_desktop.domain.labels import AuditOutcome
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.services.admin import AuditRow

from ...context import UiContext
from ...formatting import local_time
from ...messages import show_error, show_info
from ...models import Column, RowTableModel
from ...widgets import RecordTable
from ...worker import call_job, run_with_progress
from .base import AdminTab, button_row

log = logging.getLogger(__name__)

PAGE_SIZE = 200
ACTION_LABELS = {
    "init": "初始化",
    "login": "登录",
    "division.add": "新增处室",
    "division.update": "修改处室",
    "user.list": "查看用户",
    "user.add": "新增用户",
    "user.update": "修改用户",
    "user.reset_password": "重置密码",
    "user.change_password": "修改本人密码",
    "setting.update": "修改设置",
    "calendar.import_notice": "导入节假日通知",
    "calendar.override": "调整节假日",
    "backup.make": "备份",
    "backup.list": "查看备份",
    "backup.restore": "恢复备份",
    "database.check": "数据库检查",
    "audit.read": "查看审计日志",
    "audit.verify": "校验审计日志",
}
# Prefixes offered in the filter (any other prefix may be typed).
ACTION_PREFIXES = (
    ("", "全部操作"),
    ("login", "登录"),
    ("user.", "用户"),
    ("division.", "处室"),
    ("calendar.", "节假日"),
    ("setting.", "设置"),
    ("backup.", "备份与恢复"),
    ("audit.", "审计日志"),
    ("init", "初始化"),
)
PREFIX_SEPARATOR = " — "
OUTCOME_LABELS = {o.value: o.label for o in AuditOutcome}


def action_text(row: AuditRow) -> str:
    label = ACTION_LABELS.get(row.action)
    return f"{label}（{row.action}）" if label else row.action


def entity_text(row: AuditRow) -> str:
    if row.entity and row.entity_id:
        return f"{row.entity} #{row.entity_id}"
    return row.entity


COLUMNS = (
    Column("时间", lambda r: local_time(r.ts, seconds=True), lambda r: r.id),
    Column("用户", lambda r: r.username),
    Column("操作", action_text),
    Column("对象", entity_text),
    Column("结果", lambda r: OUTCOME_LABELS.get(r.outcome, r.outcome)),
    Column("说明", lambda r: r.detail, tooltip=lambda r: r.detail),
)


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


class AuditTab(AdminTab):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.loaded = False
        self.exhausted = False
        self.last_report: ChainReport | None = None
        self._build_ui()
        self._connect_signals()

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.user = QLineEdit(self)
        self.user.setPlaceholderText("全部用户")
        self.user.setClearButtonEnabled(True)
        self.user.setMaximumWidth(140)
        self.action = QComboBox(self)
        self.action.setEditable(True)
        self.action.setMinimumWidth(170)
        for prefix, label in ACTION_PREFIXES:
            self.action.addItem(f"{prefix}{PREFIX_SEPARATOR}{label}" if prefix else label)
        self.outcome = QComboBox(self)
        self.outcome.addItem("全部结果", "")
        for member in AuditOutcome:
            self.outcome.addItem(member.label, member.value)
        self.use_dates = QCheckBox("日期", self)
        self.since = QDateEdit(self)
        self.until = QDateEdit(self)
        today = QDate.currentDate()
        for edit, value in ((self.since, today.addDays(-30)), (self.until, today)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(value)
            edit.setEnabled(False)
        self.search_button = QPushButton("查询", self)
        self.search_button.setDefault(True)
        filters.addWidget(QLabel("用户：", self))
        filters.addWidget(self.user)
        filters.addWidget(QLabel("操作：", self))
        filters.addWidget(self.action)
        filters.addWidget(QLabel("结果：", self))
        filters.addWidget(self.outcome)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.since)
        filters.addWidget(QLabel("至", self))
        filters.addWidget(self.until)
        filters.addWidget(self.search_button)
        filters.addStretch(1)
        layout.addLayout(filters)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.model = RowTableModel(COLUMNS, parent=self)
        self.table = RecordTable(self.model, splitter)
        self.table.setSortingEnabled(False)  # newest first, as paged from the database
        self.detail = QPlainTextEdit(splitter)
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("选中一条记录查看修改前后的内容。")
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([380, 140])
        layout.addWidget(splitter, 1)

        self.more_button = QPushButton("加载更多", self)
        self.verify_button = QPushButton("校验哈希链", self)
        self.count = QLabel(self)
        row = button_row(self.more_button, self.verify_button, stretch_at_end=False)
        row.addStretch(1)
        row.addWidget(self.count)
        layout.addLayout(row)

    def _connect_signals(self) -> None:
        self.search_button.clicked.connect(self.search)
        self.user.returnPressed.connect(self.search)
        self.action.lineEdit().returnPressed.connect(self.search)
        self.outcome.currentIndexChanged.connect(self.search)
        self.use_dates.toggled.connect(self._dates_toggled)
        self.more_button.clicked.connect(self.load_more)
        self.verify_button.clicked.connect(self.verify)
        self.table.selectionModel().selectionChanged.connect(self._show_detail)

    def tab_shown(self) -> None:
        if not self.loaded:
            self.search()

    def _dates_toggled(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.until.setEnabled(on)
        self.search()

    def action_prefix(self) -> str:
        text = self.action.currentText().strip()
        if text == ACTION_PREFIXES[0][1]:
            return ""
        return text.split(PREFIX_SEPARATOR, 1)[0].strip()

    def _query(self, before_id: int | None) -> list[AuditRow]:
        since: date | None = None
        until: date | None = None
        if self.use_dates.isChecked():
            since = self.since.date().toPython()
            until = self.until.date().toPython()
        return self.admin().audit_log(
            username=self.user.text().strip() or None,
            action=self.action_prefix() or None,
            outcome=self.outcome.currentData() or None,
            since=since,
            until=until,
            limit=PAGE_SIZE,
            before_id=before_id,
        )

    def search(self) -> None:
        self.loaded = True
        try:
            rows = self._query(None)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.model.set_rows(rows)
        self.exhausted = len(rows) < PAGE_SIZE
        self.table.fit_columns({0: 150, 1: 90, 2: 180, 3: 130, 4: 50})
        self._update_count()
        self.detail.clear()

    def load_more(self) -> None:
        if not self.model.rows:
            self.search()
            return
        try:
            rows = self._query(self.model.rows[-1].id)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.model.append_rows(rows)
        self.exhausted = len(rows) < PAGE_SIZE
        self._update_count()

    def _update_count(self) -> None:
        shown = len(self.model.rows)
        self.count.setText(f"已显示 {shown} 条" + ("（已到最早的记录）" if self.exhausted else ""))
        self.more_button.setEnabled(not self.exhausted)

    def _show_detail(self) -> None:
        row: AuditRow | None = self.table.selected()
        if row is None:
            self.detail.clear()
            return
        self.detail.setPlainText(
            f"#{row.id}  {local_time(row.ts, seconds=True)}  {row.username}  {action_text(row)}\n"
            f"说明：{row.detail or '（无）'}\n\n修改前：\n{_pretty(row.before)}\n\n"
            f"修改后：\n{_pretty(row.after)}"
        )

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
