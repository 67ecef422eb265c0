"""季度进展 dialogs: a division reports a task's quarter (填报进展), 综合处 reviews it (督查审核).

Both call the plan service on 保存; the service decides who may (a liaison only for their own
division, the review only for admins), so a refusal shows its Chinese reason here and changes
nothing. Evidence files chosen in the report dialog are attached after the report is saved.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.plan import QUARTER_LABELS, ReviewResult, TaskStatus
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.services.plan import AssignmentInfo, PlanService, TaskInfo
from gongkai_desktop.services.plan_reports import ReportInfo

from ..context import UiContext
from ..fit import FitsOnScreen
from ..formatting import file_size
from ..widgets import ErrorLabel, hint

log = logging.getLogger(__name__)

# An item of the file list holds an attached file's id, or the path of a file still to attach.
FILE_ROLE = Qt.ItemDataRole.UserRole + 11


def _chinese_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "无法计算（缺少节假日安排）"


def report_heading(task: TaskInfo, assignment: AssignmentInfo, quarter: int) -> str:
    return (
        f"第{task.no}项　{task.title}\n{assignment.division_name}（{assignment.role.label}）　"
        f"{task.year}年{QUARTER_LABELS[quarter]}"
    )


class ReportDialog(FitsOnScreen, QDialog):
    """Create or edit one division's report for one quarter."""

    def __init__(
        self,
        ctx: UiContext,
        task: TaskInfo,
        assignment: AssignmentInfo,
        quarter: int,
        due: date | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.task = task
        self.assignment = assignment
        self.quarter = quarter
        self.due = due
        self.report = assignment.report(quarter)
        self.saved: ReportInfo | None = None
        self._build_ui()
        self._connect_signals()

    def _build_ui(self) -> None:
        self.setWindowTitle("填报季度进展" if self.report is None else "修改季度进展")
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        heading = QLabel(report_heading(self.task, self.assignment, self.quarter), self)
        heading.setObjectName("boxTitle")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(hint(f"报送截止：{_chinese_date(self.due)}", self))
        if self.report is not None and self.report.review is ReviewResult.RECTIFY:
            warning = QLabel(f"督查结论：需整改。督查意见：{self.report.review_comment}", self)
            warning.setObjectName("warningLabel")
            warning.setWordWrap(True)
            layout.addWidget(warning)

        form = QFormLayout()
        self.status = QComboBox(self)
        for member in TaskStatus:
            self.status.addItem(member.label, member.value)
        self.progress = QPlainTextEdit(self)
        self.progress.setPlaceholderText("本季度做了什么、取得什么进展、下一步打算")
        self.progress.setMinimumHeight(140)
        self.links = QPlainTextEdit(self)
        self.links.setPlaceholderText("每行一个网址，如门户网站上发布的页面")
        self.links.setFixedHeight(70)
        self.files = QListWidget(self)
        self.files.setFixedHeight(80)
        file_buttons = QHBoxLayout()
        self.add_file = QPushButton("添加文件…", self)
        self.remove_file = QPushButton("移除", self)
        file_buttons.addWidget(self.add_file)
        file_buttons.addWidget(self.remove_file)
        file_buttons.addStretch(1)
        files_box = QVBoxLayout()
        files_box.addWidget(self.files)
        files_box.addLayout(file_buttons)
        form.addRow("进展状态：", self.status)
        form.addRow("进展情况：", self.progress)
        form.addRow("佐证链接：", self.links)
        form.addRow("佐证文件：", files_box)
        layout.addLayout(form)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        layout.addWidget(self.buttons)

        self.removed_files: list[int] = []
        if self.report is not None:
            self.status.setCurrentIndex(list(TaskStatus).index(self.report.status))
            self.progress.setPlainText(self.report.progress)
            self.links.setPlainText("\n".join(self.report.links))
            for f in self.report.files:
                item = QListWidgetItem(f"{f.filename}（{file_size(f.size)}）")
                item.setData(FILE_ROLE, f.id)
                item.setToolTip(f"SHA-256：{f.sha256}")
                self.files.addItem(item)
        else:
            self.status.setCurrentIndex(list(TaskStatus).index(TaskStatus.IN_PROGRESS))

    def _connect_signals(self) -> None:
        self.add_file.clicked.connect(self.choose_file)
        self.remove_file.clicked.connect(self.remove_selected_file)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "选择佐证文件", "", "所有文件 (*)")
        if name:
            self.queue_file(Path(name))

    def queue_file(self, path: Path) -> None:
        item = QListWidgetItem(f"{path.name}（待上传）")
        item.setData(FILE_ROLE, str(path))
        self.files.addItem(item)

    def remove_selected_file(self) -> None:
        item = self.files.currentItem()
        if item is None:
            return
        value = item.data(FILE_ROLE)
        if isinstance(value, int):
            self.removed_files.append(value)
        self.files.takeItem(self.files.row(item))

    def save(self) -> None:
        self.error.clear_message()
        service = PlanService(self.ctx.db, self.ctx.actor)
        status = TaskStatus(self.status.currentData())
        links = self.links.toPlainText().splitlines()
        try:
            saved = service.save_report(
                self.assignment.id,
                self.quarter,
                progress=self.progress.toPlainText(),
                status=status,
                links=links,
                expected_version=self.report.version if self.report else None,
            )
            attachments = self.ctx.app.paths.attachments_dir
            for attachment_id in self.removed_files:
                saved = service.remove_evidence_file(saved.id, attachment_id, attachments)
            for row in range(self.files.count()):
                value = self.files.item(row).data(FILE_ROLE)
                if isinstance(value, str):
                    saved = service.add_evidence_file(saved.id, Path(value), attachments)
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return
        self.saved = saved
        self.accept()


class ReviewDialog(FitsOnScreen, QDialog):
    """综合处's 督查意见 on one report: 合格 or 需整改 (which needs the 意见)."""

    def __init__(
        self,
        ctx: UiContext,
        task: TaskInfo,
        assignment: AssignmentInfo,
        quarter: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        report = assignment.report(quarter)
        assert report is not None
        self.report = report
        self.saved: ReportInfo | None = None
        self._build_ui(report_heading(task, assignment, quarter))
        self._connect_signals()

    def _build_ui(self, heading_text: str) -> None:
        self.setWindowTitle("督查审核")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        heading = QLabel(heading_text, self)
        heading.setObjectName("boxTitle")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        r = self.report
        late = "（逾期报送）" if r.late else ""
        shown = QPlainTextEdit(self)
        shown.setReadOnly(True)
        shown.setPlainText(
            f"进展状态：{r.status.label}　报送日期：{r.submitted_on:%Y-%m-%d}{late}\n\n{r.progress}"
            + ("\n\n佐证链接：\n" + "\n".join(r.links) if r.links else "")
            + ("\n\n佐证文件：" + "、".join(f.filename for f in r.files) if r.files else "")
        )
        shown.setMinimumHeight(150)
        layout.addWidget(shown)
        row = QHBoxLayout()
        row.addWidget(QLabel("督查结论：", self))
        self.passed = QRadioButton(ReviewResult.PASS.label, self)
        self.rectify = QRadioButton(ReviewResult.RECTIFY.label, self)
        self.group = QButtonGroup(self)
        self.group.addButton(self.passed)
        self.group.addButton(self.rectify)
        row.addWidget(self.passed)
        row.addWidget(self.rectify)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(QLabel("督查意见（结论为需整改时必填）：", self))
        self.comment = QPlainTextEdit(self)
        self.comment.setFixedHeight(90)
        layout.addWidget(self.comment)
        if r.review is ReviewResult.RECTIFY:
            self.rectify.setChecked(True)
        else:
            self.passed.setChecked(True)
        self.comment.setPlainText(r.review_comment)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def save(self) -> None:
        self.error.clear_message()
        result = ReviewResult.RECTIFY if self.rectify.isChecked() else ReviewResult.PASS
        try:
            self.saved = PlanService(self.ctx.db, self.ctx.actor).review_report(
                self.report.id,
                result,
                self.comment.toPlainText(),
                expected_version=self.report.version,
            )
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return
        self.accept()
