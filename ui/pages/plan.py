"""年度任务: the year's plan tasks grouped by section, each division's quarterly reports, the 督查.

Left: the tasks under their section headings, filtered by year, division (a liaison starts on
我的任务, their division's assignments), role (牵头 / 责任), quarter and state; the last column
shows the chosen quarter (one division's cell, or a count over every division). Right: the task's
full text and a grid of every assigned division × quarter; choosing a cell shows that report with
its evidence and 督查意见, and offers 填报进展 (own division; admins any) and 督查审核 (admins).
Overdue and 需整改 reports of the division in view are listed above the tasks.

The page reads through ``PlanService`` and writes through the dialogs. The cell texts, colours and
report view are in ``plan_states``; the exports, run on the worker, in ``plan_exports``.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
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
from ..list_keys import ListKeys
from ..messages import show_error, show_info
from ..widgets import hint
from . import plan_exports
from .plan_states import attention_text, cell_text, due_text, paint, quarter_summary, report_html

log = logging.getLogger(__name__)

TASK_ROLE = Qt.ItemDataRole.UserRole + 1
CELL_ROLE = Qt.ItemDataRole.UserRole + 2
SCOPE_MINE, SCOPE_ALL = "mine", "all"
TREE_HEADERS = ("编号", "任务", "牵头处室", "责任处室", "本季度")
GRID_HEADERS = ("处室", "分工", *(QUARTER_SHORT[q] for q in QUARTERS))


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
                paint(item, mine.state(quarter), 4)
            elif any(a.state(quarter) is ReportState.OVERDUE for a in task.assignments):
                paint(item, ReportState.OVERDUE, 4)
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
        self.due_hint.setText(due_text(overview, self.selected_quarter()))
        text = attention_text(
            overview, division_id, self.division.currentText(), self.ctx.actor.is_admin
        )
        if text:
            self.attention.setText(text)
            self.attention.show()
        else:
            self.attention.hide()

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
                paint(item, a.state(q))
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
        self.report_view.setHtml(report_html(a, quarter, due, started))

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

    def export_breakdown(self) -> None:
        plan_exports.export_breakdown(self, self.ctx, self.selected_year())

    def export_bulletin(self) -> None:
        quarter = self.selected_quarter()
        due = self.overview.due_dates.get(quarter) if self.overview is not None else None
        plan_exports.export_bulletin(self, self.ctx, self.selected_year(), quarter, self.today, due)
