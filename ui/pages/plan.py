"""年度任务: the year's plan tasks grouped by section, each division's quarterly reports, the 督查.

Left: the tasks under their section headings, filtered by year, division (a liaison starts on
我的任务, their division's assignments), role (牵头 / 责任), quarter and state; the last column
shows the chosen quarter (one division's cell, or a count over every division). Right: the task's
full text and a grid of every assigned division × quarter; choosing a cell shows that report with
its evidence and 督查意见, and offers 填报进展 (own division; admins any) and 督查审核 (admins).
Overdue and 需整改 reports of the division in view are listed above the tasks.

The page reads through ``PlanService`` and writes through the dialogs; exports run on the worker.
"""

from __future__ import annotations

import logging
from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.labels import Role
from gongkai_desktop.domain.permissions import Action, allowed
from gongkai_desktop.domain.plan import (
    QUARTER_LABELS,
    QUARTER_SHORT,
    QUARTERS,
    AssignmentRole,
    ReportState,
    quarter_end,
    quarter_of,
    quarter_start,
)
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.plan import (
    STATE_FILTERS,
    AssignmentInfo,
    PlanOverview,
    PlanService,
    TaskInfo,
    filter_tasks,
)

from ..context import UiContext
from ..dialogs.document_dates import ask_bulletin_dates
from ..files import ask_save_path
from ..list_keys import ListKeys
from ..messages import show_error, show_info
from ..widgets import hint
from ..worker import run_with_progress

log = logging.getLogger(__name__)

TASK_ROLE = Qt.ItemDataRole.UserRole + 1
CELL_ROLE = Qt.ItemDataRole.UserRole + 2
SCOPE_MINE, SCOPE_ALL = "mine", "all"
TREE_HEADERS = ("编号", "任务", "牵头处室", "责任处室", "本季度")
GRID_HEADERS = ("处室", "分工", *(QUARTER_SHORT[q] for q in QUARTERS))

STATE_COLORS: dict[ReportState, tuple[str | None, str | None]] = {
    ReportState.OVERDUE: ("#fde2e0", "#b3261e"),
    ReportState.RECTIFY: ("#ffe6c2", "#8a4b00"),
    ReportState.PASSED: ("#e6f4ea", "#1e6b34"),
    ReportState.SUBMITTED: ("#e8f0fe", "#16407a"),
    ReportState.PENDING: (None, None),
    ReportState.NOT_DUE: (None, "#8a8f98"),
}


def cell_text(a: AssignmentInfo, quarter: int, separator: str = "·") -> str:
    """One division's quarter in a few characters: 推进中·合格, 已完成·逾期报送·待审核, 逾期未报."""
    report = a.report(quarter)
    if report is None:
        return a.state(quarter).label
    parts = [report.status.label]
    if report.late:
        parts.append("逾期报送")
    parts.append(report.review.label if report.review else "待审核")
    return separator.join(parts)


def quarter_summary(task: TaskInfo, quarter: int) -> str:
    """Over every division of a task: how many reported, and what is overdue or to rectify."""
    total = len(task.assignments)
    if not total:
        return "未分配处室"
    reported = sum(1 for a in task.assignments if a.report(quarter) is not None)
    overdue = sum(1 for a in task.assignments if a.state(quarter) is ReportState.OVERDUE)
    rectify = sum(1 for a in task.assignments if a.state(quarter) is ReportState.RECTIFY)
    text = f"已报 {reported}/{total}"
    if overdue:
        text += f"，逾期未报 {overdue}"
    if rectify:
        text += f"，需整改 {rectify}"
    return text


def _listed(items: list[str], limit: int = 8) -> str:
    """A list for one line of text: the first few, then 等."""
    shown = "、".join(items[:limit])
    return shown + ("等" if len(items) > limit else "")


def _paint(item: QTableWidgetItem | QTreeWidgetItem, state: ReportState, column: int = 0) -> None:
    background, foreground = STATE_COLORS[state]
    if isinstance(item, QTreeWidgetItem):
        if background:
            item.setBackground(column, QBrush(QColor(background)))
        if foreground:
            item.setForeground(column, QBrush(QColor(foreground)))
        return
    if background:
        item.setBackground(QBrush(QColor(background)))
    if foreground:
        item.setForeground(QBrush(QColor(foreground)))


class PlanPage(QWidget):
    """年度任务 page; ``today`` fixes the day the states refer to (tests, screenshots)."""

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._today = today
        self.overview: PlanOverview | None = None
        self.shown_tasks: list[TaskInfo] = []
        self._loading = False
        self._keep_cell: tuple[int, int] | None = None
        self._build_ui()
        self._connect_signals()
        self._load_choices()
        self.refresh()

    # ----- building ----------------------------------------------------------------------------
    @property
    def today(self) -> date:
        return self._today or date.today()

    @property
    def service(self) -> PlanService:
        return PlanService(self.ctx.db, self.ctx.actor)

    def _build_ui(self) -> None:
        actor = self.ctx.actor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(8)

        filters = QHBoxLayout()
        self.year = QComboBox(self)
        self.scope = QComboBox(self)
        self.scope.addItem(f"我的任务（{actor.division_name or '本处室'}）", SCOPE_MINE)
        self.scope.addItem("全部任务", SCOPE_ALL)
        self.division = QComboBox(self)
        self.role = QComboBox(self)
        self.role.addItem("全部分工", None)
        for member in AssignmentRole:
            self.role.addItem(member.label, member.value)
        self.quarter = QComboBox(self)
        for q in QUARTERS:
            self.quarter.addItem(QUARTER_LABELS[q], q)
        self.state = QComboBox(self)
        self.state.addItem("全部状态", None)
        for key in STATE_FILTERS:
            self.state.addItem(key, key)
        for label, widget in (
            ("年度：", self.year),
            ("范围：", self.scope),
            ("处室：", self.division),
            ("分工：", self.role),
            ("季度：", self.quarter),
            ("状态：", self.state),
        ):
            filters.addWidget(QLabel(label, self))
            filters.addWidget(widget)
            filters.addSpacing(6)
        filters.addStretch(1)
        layout.addLayout(filters)

        actions = QHBoxLayout()
        self.import_button = QPushButton("导入工作要点…", self)
        self.export_button = QPushButton("导出任务分解表…", self)
        self.bulletin_button = QPushButton("生成督查通报…", self)
        self.refresh_button = QPushButton("刷新", self)
        for button in (self.import_button, self.export_button, self.bulletin_button):
            actions.addWidget(button)
        self.import_button.setVisible(actor.is_admin)
        self.bulletin_button.setVisible(actor.is_admin)
        self.due_hint = hint("", self)
        actions.addWidget(self.due_hint, 1)
        actions.addWidget(self.refresh_button)
        layout.addLayout(actions)

        self.attention = QLabel(self)
        self.attention.setObjectName("warningLabel")
        self.attention.setWordWrap(True)
        self.attention.hide()
        layout.addWidget(self.attention)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.tree = QTreeWidget(self.splitter)
        self.tree.setObjectName("planTasks")
        self.tree.setColumnCount(len(TREE_HEADERS))
        self.tree.setHeaderLabels(TREE_HEADERS)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((62, 230, 100, 130)):
            self.tree.setColumnWidth(column, width)

        detail = QWidget(self.splitter)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(8, 0, 0, 0)
        self.task_title = QLabel(detail)
        self.task_title.setObjectName("boxTitle")
        self.task_title.setWordWrap(True)
        self.task_meta = QLabel(detail)
        self.task_meta.setObjectName("hintLabel")
        self.task_meta.setWordWrap(True)
        self.task_text = QTextBrowser(detail)
        self.task_text.setObjectName("planTaskText")
        self.task_text.setMaximumHeight(110)
        self.grid = QTableWidget(0, len(GRID_HEADERS), detail)
        self.grid.setObjectName("planReportGrid")
        self.grid.setHorizontalHeaderLabels(GRID_HEADERS)
        self.grid.verticalHeader().setVisible(False)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.grid.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.grid.setColumnWidth(0, 96)
        self.grid.setColumnWidth(1, 44)
        self.report_view = QTextBrowser(detail)
        self.report_view.setObjectName("planReport")
        self.report_view.setOpenExternalLinks(True)
        buttons = QHBoxLayout()
        self.report_button = QPushButton("填报进展…", detail)
        self.review_button = QPushButton("督查审核…", detail)
        self.review_button.setVisible(actor.is_admin)
        buttons.addWidget(self.report_button)
        buttons.addWidget(self.review_button)
        buttons.addStretch(1)
        for widget in (self.task_title, self.task_meta, self.task_text):
            detail_layout.addWidget(widget)
        detail_layout.addWidget(QLabel("各处室季度进展（选择单元格查看报送内容）：", detail))
        detail_layout.addWidget(self.grid, 3)
        detail_layout.addWidget(self.report_view, 2)
        detail_layout.addLayout(buttons)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([620, 540])
        layout.addWidget(self.splitter, 1)

    def _connect_signals(self) -> None:
        for combo in (self.year, self.scope, self.division, self.role, self.quarter, self.state):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.tree.currentItemChanged.connect(self._on_task_changed)
        self.grid.currentCellChanged.connect(self._on_cell_changed)
        self.grid.cellDoubleClicked.connect(self._on_cell_double_clicked)
        self.report_button.clicked.connect(self.open_report)
        self.review_button.clicked.connect(self.open_review)
        self.import_button.clicked.connect(self.open_import)
        self.export_button.clicked.connect(self.export_breakdown)
        self.bulletin_button.clicked.connect(self.export_bulletin)
        self.refresh_button.clicked.connect(self.refresh)
        self.list_keys = ListKeys(
            self,
            self.tree,
            open=self.report_button,
            empty="尚无本年度的任务。管理员点击「导入工作要点…」，把年度工作要点分解为任务。",
        )

    def _load_choices(self, year: int | None = None) -> None:
        self._loading = True
        try:
            years = self.service.years()
            current = year or (years[0] if years else self.today.year)
            choices = sorted(set(years) | {current, self.today.year}, reverse=True)
            self.year.clear()
            for y in choices:
                self.year.addItem(f"{y}年", y)
            self.year.setCurrentIndex(choices.index(current))
            self.division.clear()
            self.division.addItem("全部处室", None)
            for d in AdminService(self.ctx.db, self.ctx.actor).list_divisions():
                self.division.addItem(d.name, d.id)
            mine = self.ctx.actor.role is Role.LIAISON and self.ctx.actor.division_id is not None
            self.scope.setCurrentIndex(0 if mine else 1)
            self.scope.setEnabled(self.ctx.actor.division_id is not None)
            quarter = quarter_of(self.today) if current == self.today.year else 4
            self.quarter.setCurrentIndex(quarter - 1)
        finally:
            self._loading = False

    # ----- state -------------------------------------------------------------------------------
    def page_shown(self) -> None:
        self.refresh()

    def selected_year(self) -> int:
        return int(self.year.currentData() or self.today.year)

    def selected_quarter(self) -> int:
        return int(self.quarter.currentData() or 1)

    def division_filter(self) -> int | None:
        if self.scope.currentData() == SCOPE_MINE:
            return self.ctx.actor.division_id
        value = self.division.currentData()
        return int(value) if value is not None else None

    def _on_filter_changed(self) -> None:
        if self._loading:
            return
        self.division.setEnabled(self.scope.currentData() != SCOPE_MINE)
        sender = self.sender()
        if sender is self.year:
            self.refresh()
        else:
            self._show_tasks()

    def refresh(self) -> None:
        """Read the year again and redraw, keeping the selected task."""
        self.division.setEnabled(self.scope.currentData() != SCOPE_MINE)
        try:
            self.overview = self.service.overview(self.selected_year(), self.today)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self._show_tasks()

    def _show_tasks(self) -> None:
        overview = self.overview
        if overview is None:
            return
        keep = self.current_task()
        keep_id = keep.id if keep else None
        cell = self.current_cell()
        self._keep_cell = (cell[1].id, cell[2]) if cell is not None else None
        division_id = self.division_filter()
        role_value = self.role.currentData()
        role = AssignmentRole(role_value) if role_value else None
        quarter = self.selected_quarter()
        self.shown_tasks = filter_tasks(
            overview.tasks,
            division_id=division_id,
            role=role,
            quarter=quarter,
            state=self.state.currentData(),
        )
        self.tree.blockSignals(True)
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        sections: dict[str, QTreeWidgetItem] = {}
        select: QTreeWidgetItem | None = None
        self.tree.headerItem().setText(4, QUARTER_LABELS[quarter])
        for task in self.shown_tasks:
            section = sections.get(task.section)
            if section is None:
                section = QTreeWidgetItem(self.tree, [task.section or "（未分部分）"])
                section.setFirstColumnSpanned(True)
                section.setFont(0, bold)
                section.setFlags(section.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                sections[task.section] = section
            values = [
                str(task.no),
                task.title,
                "、".join(task.lead_names),
                "、".join(task.responsible_names),
            ]
            mine = task.assignment_of(division_id) if division_id is not None else None
            values.append(cell_text(mine, quarter) if mine else quarter_summary(task, quarter))
            item = QTreeWidgetItem(section, values)
            item.setData(0, TASK_ROLE, task.id)
            for column in (1, 2, 3):
                item.setToolTip(column, values[column])
            item.setTextAlignment(0, Qt.AlignmentFlag.AlignCenter)
            if mine is not None:
                _paint(item, mine.state(quarter), 4)
            elif any(a.state(quarter) is ReportState.OVERDUE for a in task.assignments):
                _paint(item, ReportState.OVERDUE, 4)
            if task.id == keep_id:
                select = item
        self.tree.expandAll()
        self.tree.blockSignals(False)
        if select is None and self.shown_tasks:
            select = self._first_task_item()
        if select is not None:
            self.tree.setCurrentItem(select)
        else:
            self._show_task(None)
        self._keep_cell = None
        self._show_due_and_attention(division_id)

    def _first_task_item(self) -> QTreeWidgetItem | None:
        top = self.tree.topLevelItem(0)
        return top.child(0) if top is not None and top.childCount() else None

    def _show_due_and_attention(self, division_id: int | None) -> None:
        overview = self.overview
        assert overview is not None
        quarter = self.selected_quarter()
        due = overview.due_dates.get(quarter)
        due_text = (
            f"{QUARTER_LABELS[quarter]}进展报送截止：{due.year}年{due.month}月{due.day}日"
            if due
            else f"{QUARTER_LABELS[quarter]}报送截止日无法计算（缺少节假日安排）"
        )
        self.due_hint.setText(f"{due_text}（季度结束后第 {overview.due_workdays} 个工作日）")
        if not overview.tasks:
            text = f"{overview.year}年还没有导入工作要点。"
            if self.ctx.actor.is_admin:
                text += "请点击「导入工作要点…」选择本局年度政务公开工作要点文件。"
            self.attention.setText(text)
            self.attention.show()
            return
        if division_id is None:
            self.attention.hide()
            return
        name = next(
            (a.division_name for t in overview.tasks for a in t.assignments
             if a.division_id == division_id),
            self.division.currentText(),
        )  # fmt: skip
        overdue: list[str] = []
        rectify: list[str] = []
        for task in overview.tasks:
            a = task.assignment_of(division_id)
            if a is None:
                continue
            for q in QUARTERS:
                state = a.state(q)
                if state is ReportState.OVERDUE:
                    overdue.append(f"第{task.no}项{QUARTER_SHORT[q]}")
                elif state is ReportState.RECTIFY:
                    rectify.append(f"第{task.no}项{QUARTER_SHORT[q]}")
        if not overdue and not rectify:
            assigned = sum(1 for t in overview.tasks if t.assignment_of(division_id))
            self.attention.setText(
                f"{name}：{overview.year}年承担 {assigned} 项任务，没有逾期未报或需整改的季度进展。"
                if assigned
                else f"{name}在{overview.year}年工作要点中没有分配任务。"
            )
        else:
            parts = []
            if overdue:
                parts.append(f"逾期未报 {len(overdue)} 项（{_listed(overdue)}）")
            if rectify:
                parts.append(f"需整改 {len(rectify)} 项（{_listed(rectify)}）")
            self.attention.setText(f"{name}需要处理：" + "；".join(parts) + "。")
        self.attention.show()

    # ----- the selected task -------------------------------------------------------------------
    def current_task(self) -> TaskInfo | None:
        item = self.tree.currentItem()
        if item is None or self.overview is None:
            return None
        task_id = item.data(0, TASK_ROLE)
        return self.overview.task(int(task_id)) if task_id is not None else None

    def _on_task_changed(self, *_args: object) -> None:
        self._show_task(self.current_task())

    def _show_task(self, task: TaskInfo | None) -> None:
        self.grid.blockSignals(True)
        self.grid.setRowCount(0)
        if task is None:
            self.task_title.setText("（没有符合条件的任务）" if self.overview else "")
            self.task_meta.setText("")
            self.task_text.setPlainText("")
            self.grid.blockSignals(False)
            self._show_cell()
            return
        self.task_title.setText(f"第{task.no}项　{task.title}")
        self.task_meta.setText(
            f"{task.section}　牵头：{'、'.join(task.lead_names) or '—'}　"
            f"责任：{'、'.join(task.responsible_names) or '—'}"
        )
        self.task_text.setPlainText(task.text)
        self.grid.setRowCount(len(task.assignments))
        focus_row, focus_column = 0, 1 + self.selected_quarter()
        own = self.division_filter() or self.ctx.actor.division_id
        keep = self._keep_cell
        for row, a in enumerate(task.assignments):
            name = QTableWidgetItem(a.division_name)
            name.setToolTip(f"文件表述：{a.written_as}" if a.written_as else "")
            self.grid.setItem(row, 0, name)
            self.grid.setItem(row, 1, QTableWidgetItem(a.role.label))
            for q in QUARTERS:
                item = QTableWidgetItem(cell_text(a, q, "\n"))
                item.setData(CELL_ROLE, (a.id, q))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                _paint(item, a.state(q))
                self.grid.setItem(row, 1 + q, item)
            if keep is not None and keep[0] == a.id:
                focus_row, focus_column = row, 1 + keep[1]
                own = None  # the cell the user had chosen wins
            elif a.division_id == own:
                focus_row = row
        self.grid.resizeRowsToContents()
        self.grid.blockSignals(False)
        if task.assignments:
            self.grid.setCurrentCell(focus_row, focus_column)
        self._show_cell()

    def current_cell(self) -> tuple[TaskInfo, AssignmentInfo, int] | None:
        task = self.current_task()
        item = self.grid.currentItem()
        if task is None or item is None:
            return None
        value = item.data(CELL_ROLE)
        if value is None:
            row = self.grid.currentRow()
            if row < 0 or row >= len(task.assignments):
                return None
            return task, task.assignments[row], self.selected_quarter()
        assignment_id, quarter = value
        a = next((x for x in task.assignments if x.id == assignment_id), None)
        return (task, a, int(quarter)) if a is not None else None

    def _on_cell_changed(self, *_args: object) -> None:
        self._show_cell()

    def _on_cell_double_clicked(self, row: int, column: int) -> None:
        if column < 2:
            return
        cell = self.current_cell()
        if cell is None:
            return
        if self.report_button.isEnabled():
            self.open_report()
        elif self.review_button.isEnabled():
            self.open_review()

    def _show_cell(self) -> None:
        cell = self.current_cell()
        self.report_button.setEnabled(False)
        self.review_button.setEnabled(False)
        if cell is None or self.overview is None:
            self.report_view.setHtml("")
            return
        task, a, quarter = cell
        report = a.report(quarter)
        due = self.overview.due_dates.get(quarter)
        may_report = allowed(self.ctx.actor, Action.EDIT_RECORD, a.division_id)
        started = self.today >= quarter_start(task.year, quarter)
        self.report_button.setEnabled(may_report and started)
        self.report_button.setText("填报进展…" if report is None else "修改进展…")
        self.review_button.setEnabled(self.ctx.actor.is_admin and report is not None)
        heading = f"<b>{escape(a.division_name)}（{a.role.label}）{QUARTER_LABELS[quarter]}</b>"
        due_text = f"{due:%Y-%m-%d}" if due else "无法计算"
        if report is None:
            state = a.state(quarter)
            self.report_view.setHtml(
                f"{heading}<p>状态：<b>{state.label}</b>　报送截止：{due_text}</p>"
                + ("<p>尚未到该季度，不能报送。</p>" if not started else "")
            )
            return
        late = "（<span style='color:#b3261e'>逾期报送</span>）" if report.late else ""
        html = [
            heading,
            f"<p>进展状态：<b>{report.status.label}</b>　报送日期：{report.submitted_on:%Y-%m-%d}"
            f"{late}　截止：{due_text}</p>",
            "<p>" + escape(report.progress).replace("\n", "<br>") + "</p>",
        ]
        if report.links:
            html.append(
                "<p>佐证链接：<br>"
                + "<br>".join(f"<a href='{escape(x)}'>{escape(x)}</a>" for x in report.links)
                + "</p>"
            )
        if report.files:
            html.append(
                "<p>佐证文件：" + "、".join(escape(f.filename) for f in report.files) + "</p>"
            )
        if report.review is None:
            html.append("<p>督查结论：<b>待审核</b>")
            if report.review_comment:
                html.append(f"（上次督查意见：{escape(report.review_comment)}）")
            html.append("</p>")
        else:
            color = "#b3261e" if report.review.value == "rectify" else "#1e6b34"
            html.append(
                f"<p>督查结论：<b style='color:{color}'>{report.review.label}</b>"
                + (
                    f"<br>督查意见：{escape(report.review_comment)}"
                    if report.review_comment
                    else ""
                )
                + "</p>"
            )
        self.report_view.setHtml("".join(html))

    # ----- actions -----------------------------------------------------------------------------
    def open_report(self) -> None:
        from ..dialogs.plan_report import ReportDialog

        cell = self.current_cell()
        if cell is None or self.overview is None:
            return
        task, a, quarter = cell
        dialog = ReportDialog(
            self.ctx, task, a, quarter, self.overview.due_dates.get(quarter), self
        )
        if dialog.exec():
            self.refresh()

    def open_review(self) -> None:
        from ..dialogs.plan_report import ReviewDialog

        cell = self.current_cell()
        if cell is None:
            return
        task, a, quarter = cell
        if a.report(quarter) is None:
            return
        dialog = ReviewDialog(self.ctx, task, a, quarter, self)
        if dialog.exec():
            self.refresh()

    def open_import(self) -> None:
        from ..dialogs.plan_import import PlanImportDialog

        dialog = PlanImportDialog(self.ctx, self, self.selected_year())
        if not dialog.exec() or dialog.result is None:
            return
        result = dialog.result
        self._load_choices(result.year)
        self.refresh()
        text = result.summary() + "。"
        if result.warnings:
            text += "\n\n" + "\n".join(result.warnings)
        show_info(self, text, "导入完成")

    def _save_path(self, title: str, name: str, pattern: str) -> Path | None:
        return ask_save_path(self, self.ctx.settings, "plan/export_folder", title, name, pattern)

    def export_breakdown(self) -> None:
        from gongkai_desktop.reports.plan_tasks import export_tasks_job

        year = self.selected_year()
        path = self._save_path(
            "导出任务分解表", f"{year}年任务分解表.xlsx", "Excel 工作簿 (*.xlsx)"
        )
        if path is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        db, actor = self.ctx.db, self.ctx.actor
        try:
            rows = run_with_progress(
                self,
                lambda cancel: export_tasks_job(db, actor, path, year, cancel),
                "导出任务分解表",
            )
        except GongkaiError as exc:
            show_error(self, exc)
            return
        show_info(self, f"已导出{year}年任务分解表 {rows} 行：\n{path}", "导出完成")

    def export_bulletin(self) -> None:
        from gongkai_desktop.reports.plan_bulletin import bulletin_job

        year, quarter = self.selected_year(), self.selected_quarter()
        path = self._save_path(
            "生成季度督查通报",
            f"{year}年{QUARTER_LABELS[quarter]}督查通报.docx",
            "Word 文档 (*.docx)",
        )
        if path is None:
            return
        if path.suffix.lower() != ".docx":
            path = path.with_suffix(".docx")
        db, actor, today = self.ctx.db, self.ctx.actor, self.today
        due = self.overview.due_dates.get(quarter) if self.overview is not None else None
        dates = ask_bulletin_dates(
            self,
            "督查通报的日期",
            min(today, due or quarter_end(year, quarter)),
            today,
        )
        if dates is None:
            return
        as_of, issued = dates
        try:
            data = run_with_progress(
                self,
                lambda cancel: bulletin_job(
                    db,
                    actor,
                    path,
                    year,
                    quarter,
                    as_of=as_of,
                    issued=issued,
                    today=today,
                    cancel=cancel,
                ),
                "生成督查通报",
            )
        except GongkaiError as exc:
            show_error(self, exc)
            return
        problems = sum(len(d.problems) for d in data.divisions)
        show_info(
            self,
            f"已生成{year}年{QUARTER_LABELS[quarter]}督查通报（{len(data.divisions)} 个处室，"
            f"问题 {problems} 条）：\n{path}",
            "生成完成",
        )
