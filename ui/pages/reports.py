"""报表: the statutory annual report of a year — its inputs, the narrative sections (drafted from the
data, edited here, kept per year), the three tables as they will print, the balance checks, and
the Word export.

The tables are never typed: they come from the registers. A year whose numbers break a balance
rule shows the rule and cannot be exported until the data is put right.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain import annual_report as ar
from gongkai_desktop.domain.permissions import Action, allowed
from gongkai_desktop.errors import ConflictError, GongkaiError, ValidationError
from gongkai_desktop.reports.annual_report import (
    table2_rows,
    table3_header,
    table3_rows,
    table4_header,
    table4_row,
)
from gongkai_desktop.reports.word.table import CellLike, layout_grid
from gongkai_desktop.services.annual_report import AnnualReportData, AnnualReportService

from ..context import UiContext
from ..files import ask_save_path
from ..formatting import local_time
from ..messages import confirm, show_error, show_info
from ..widgets import ErrorLabel, IssueDate, heading, hint
from ..worker import run_with_progress
from .requests_form import DateField

log = logging.getLogger(__name__)


def fill_table(
    widget: QTableWidget,
    header_rows: list[list[CellLike]],
    rows: list[list[CellLike]],
) -> None:
    """Show a report table with its merged cells, header rows shaded, as it will print."""
    n_cols, grid = layout_grid(header_rows, rows)
    widget.clear()
    widget.clearSpans()
    widget.setRowCount(len(header_rows) + len(rows))
    widget.setColumnCount(n_cols)
    shade = QColor("#eef1f5")
    seen: set[int] = set()
    for line in grid:
        for placed in line:
            if id(placed) in seen:
                continue
            seen.add(id(placed))
            cell = placed.cell
            item = QTableWidgetItem("" if cell.text is None else str(cell.text))
            numeric = isinstance(cell.text, (int, Decimal)) or (
                isinstance(cell.text, str) and cell.text.replace(".", "", 1).isdigit()
            )
            if placed.header or cell.align == "center" or numeric:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if placed.header:
                item.setBackground(shade)
            if cell.bold:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            widget.setItem(placed.row, placed.col, item)
            if cell.rowspan > 1 or cell.colspan > 1:
                widget.setSpan(placed.row, placed.col, cell.rowspan, cell.colspan)
    widget.resizeRowsToContents()


def _report_table(parent: QWidget) -> QTableWidget:
    table = QTableWidget(parent)
    table.horizontalHeader().setVisible(False)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


class ReportsPage(QWidget):
    """The annual report editor of one year."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = AnnualReportService(ctx.db, ctx.actor)
        self.can_edit = allowed(ctx.actor, Action.REPORT)
        self.data: AnnualReportData | None = None
        self.texts: dict[str, str] = {}
        self.current_key: str | None = None
        self._build_ui()
        self._connect_signals()
        self.load()

    # -- layout -----------------------------------------------------------------------------
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        # The title row carries the export and its 成文日期; the bar below the year's controls.
        top = QHBoxLayout()
        top.addWidget(heading("政府信息公开工作年度报告", self))
        top.addStretch(1)
        self.issue_date = IssueDate(self)
        self.export_button = QPushButton("导出 Word…", self)
        self.export_button.setDefault(True)
        top.addWidget(self.issue_date)
        top.addWidget(self.export_button)
        layout.addLayout(top)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("年度：", self))
        self.year = QSpinBox(self)
        self.year.setRange(2008, 2100)
        today = date.today()
        # The report of year Y is written in January of Y+1 (due by 31 January).
        self.year.setValue(today.year - 1 if today.month <= 6 else today.year)
        self.year.setSuffix(" 年")
        bar.addWidget(self.year)
        self.reload_button = QPushButton("重新统计", self)
        self.save_button = QPushButton("保存", self)
        bar.addWidget(self.reload_button)
        bar.addStretch(1)
        self.status = QLabel(self)
        self.status.setObjectName("hintLabel")
        bar.addWidget(self.status)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)
        published = QHBoxLayout()
        published.addWidget(QLabel("报告公开日期：", self))
        self.published_on = DateField(parent=self)
        self.published_on.setToolTip("报告首次在门户网站等公开之日；1月31日的期限以此日为准")
        published.addWidget(self.published_on)
        self.publish_button = QPushButton("登记公开日期", self)
        published.addWidget(self.publish_button)
        self.published_hint = QLabel(self)
        self.published_hint.setObjectName("hintLabel")
        self.published_hint.setWordWrap(True)
        published.addWidget(self.published_hint, 1)
        layout.addLayout(published)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        inputs = QGroupBox("表二 本年度数据（默认 0）", left)
        form = QFormLayout(inputs)
        self.licences = QSpinBox(inputs)
        self.penalties = QSpinBox(inputs)
        self.enforcement = QSpinBox(inputs)
        for spin in (self.licences, self.penalties, self.enforcement):
            spin.setRange(0, 9_999_999)
            spin.setSuffix(" 件")
        self.fees = QDoubleSpinBox(inputs)
        self.fees.setRange(0, 999_999)
        self.fees.setDecimals(4)
        self.fees.setSuffix(" 万元")
        form.addRow("行政许可决定：", self.licences)
        form.addRow("行政处罚决定：", self.penalties)
        form.addRow("行政强制决定：", self.enforcement)
        form.addRow("行政事业性收费：", self.fees)
        left_layout.addWidget(inputs)
        self.checks = QLabel(left)
        self.checks.setWordWrap(True)
        self.checks.setObjectName("checksLabel")
        left_layout.addWidget(self.checks)
        self.warnings = QLabel(left)
        self.warnings.setWordWrap(True)
        self.warnings.setObjectName("warningsLabel")
        self.warnings.setStyleSheet("color:#b35900")
        left_layout.addWidget(self.warnings)
        self.tables = QTabWidget(left)
        self.table2 = _report_table(self.tables)
        self.table3 = _report_table(self.tables)
        self.table4 = _report_table(self.tables)
        self.tables.addTab(self.table3, "表三 申请情况")
        self.tables.addTab(self.table2, "表二 主动公开")
        self.tables.addTab(self.table4, "表四 复议诉讼")
        left_layout.addWidget(self.tables, 1)

        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(
            hint("各部分文字已根据本年度数据起草，可直接修改；保存后按年度保留。", right)
        )
        editor = QHBoxLayout()
        self.sections = QListWidget(right)
        for _key, title in ar.SECTION_KEYS:
            self.sections.addItem(title)
        self.sections.setMinimumWidth(110)
        self.sections.setMaximumWidth(230)
        editor.addWidget(self.sections)
        text_box = QVBoxLayout()
        self.section_state = QLabel(right)
        self.section_state.setObjectName("hintLabel")
        text_box.addWidget(self.section_state)
        self.text = QPlainTextEdit(right)
        text_box.addWidget(self.text, 1)
        restore_bar = QHBoxLayout()
        restore_bar.addStretch(1)
        self.restore_button = QPushButton("恢复为数据草稿", right)
        restore_bar.addWidget(self.restore_button)
        text_box.addLayout(restore_bar)
        editor.addLayout(text_box, 1)
        right_layout.addLayout(editor, 1)
        self.error = ErrorLabel(right)
        right_layout.addWidget(self.error)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([700, 640])
        layout.addWidget(splitter, 1)

        for w in (self.save_button, self.export_button, self.restore_button, self.publish_button):
            w.setVisible(self.can_edit)
        self.published_on.setEnabled(self.can_edit)
        for w in (self.licences, self.penalties, self.enforcement, self.fees):
            w.setEnabled(self.can_edit)
        self.text.setReadOnly(not self.can_edit)

    def _connect_signals(self) -> None:
        self.year.valueChanged.connect(self.load)
        self.reload_button.clicked.connect(self.load)
        self.sections.currentRowChanged.connect(self._on_section)
        self.text.textChanged.connect(self._on_text)
        self.restore_button.clicked.connect(self.restore_draft)
        self.save_button.clicked.connect(self.save)
        self.export_button.clicked.connect(self.export)
        self.publish_button.clicked.connect(self.record_publication)

    # -- data -------------------------------------------------------------------------------
    def load(self) -> None:
        try:
            data = self.service.report(self.year.value())
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self._show(data)

    def _show(self, data: AnnualReportData) -> None:
        self.data = data
        self.texts = {key: data.section(key) for key, _ in ar.SECTION_KEYS}
        self.licences.setValue(data.inputs.licences)
        self.penalties.setValue(data.inputs.penalties)
        self.enforcement.setValue(data.inputs.enforcement)
        self.fees.setValue(float(data.inputs.fees_wan))
        table2 = table2_rows(data.table2)
        fill_table(self.table2, table2[:2], table2[2:])
        self.table2.setColumnWidth(0, 160)
        for c in range(1, 4):
            self.table2.setColumnWidth(c, 130)
        fill_table(self.table3, table3_header(), table3_rows(data.table3))
        for c, width in enumerate((56, 104, 210, *([52] * 7))):
            self.table3.setColumnWidth(c, width)
        self.table3.resizeRowsToContents()
        fill_table(self.table4, table4_header(), [table4_row(data.table4)])
        for c in range(15):
            self.table4.setColumnWidth(c, 44)
        self.table4.resizeRowsToContents()
        if data.problems:
            self.checks.setStyleSheet("color:#c0392b")
            self.checks.setText("数据不符合勾稽关系，不能导出：\n" + "\n".join(data.problems))
        else:
            self.checks.setStyleSheet("color:#1e7e34")
            t3 = data.table3
            self.checks.setText(
                f"勾稽关系校验通过：本年新收 {t3['本年新收'][-1]} + 上年结转 {t3['上年结转'][-1]}"
                f" = 办理结果总计 {t3['总计'][-1]} + 结转下年度 {t3['结转下年度'][-1]}。"
                + ("" if not data.notes else "\n" + "；".join(data.notes))
            )
        self.warnings.setText("导出前请处理：\n" + "\n".join(data.warnings))
        self.warnings.setVisible(bool(data.warnings))
        exported = (
            f"上次导出：{local_time(data.exported_at)}"
            if data.exported_at
            else "尚未导出"
        )
        self.status.setText(exported)
        self.published_on.set_value(data.published_on)
        due = date(data.year + 1, 1, 31)
        if data.published_on is None:
            self.published_hint.setText(
                f"尚未登记。条例第四十九条：应于{due:%Y年%m月%d日}前公布；导出文件不等于公开。"
            )
        else:
            late = "，已超过" if data.published_on > due else "，在"
            self.published_hint.setText(
                f"已登记：{data.published_on:%Y-%m-%d}{late}{due:%Y年%m月%d日}的期限"
                + ("" if data.published_on > due else "内")
                + "。"
            )
        self.current_key = None
        row = max(self.sections.currentRow(), 0)
        self.sections.setCurrentRow(-1)
        self.sections.setCurrentRow(row)
        self.error.clear_message()

    def _on_section(self, row: int) -> None:
        if row < 0:
            return
        key = ar.SECTION_KEYS[row][0]
        self.current_key = None  # no write-back while the editor is being filled
        self.text.setPlainText(self.texts.get(key, ""))
        self.current_key = key
        self._update_state()

    def _on_text(self) -> None:
        if self.current_key is not None:
            self.texts[self.current_key] = self.text.toPlainText()
            self._update_state()

    def _update_state(self) -> None:
        if self.data is None or self.current_key is None:
            return
        draft = self.data.drafts[self.current_key]
        edited = self.texts[self.current_key].strip() != draft.strip()
        optional = (
            "（表格前的说明，可留空）"
            if self.current_key in ("section2", "section3", "section4")
            else ""
        )
        self.section_state.setText(("已修改" if edited else "根据数据起草") + optional)

    def restore_draft(self) -> None:
        if self.data is None or self.current_key is None:
            return
        self.text.setPlainText(self.data.drafts[self.current_key])

    def _inputs(self) -> ar.YearInputs:
        return ar.YearInputs(
            self.licences.value(),
            self.penalties.value(),
            self.enforcement.value(),
            Decimal(str(round(self.fees.value(), 4))).normalize(),
        )

    def save(self) -> bool:
        if self.data is None:
            return False
        try:
            data = self.service.save(
                self.year.value(),
                sections=self.texts,
                inputs=self._inputs(),
                expected_version=self.data.version,
            )
        except ConflictError as exc:
            show_error(self, exc)
            self.load()
            return False
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return False
        self._show(data)
        return True

    def record_publication(self) -> None:
        """Store the day the report was first made public (or clear it)."""
        try:
            data = self.service.record_publication(self.year.value(), self.published_on.value())
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return
        self._show(data)

    def export(self) -> None:
        if not self.save():
            return
        assert self.data is not None
        year = self.year.value()
        if self.data.problems:
            show_error(
                self,
                ValidationError(
                    f"{year}年度报告的数据不符合勾稽关系，不能导出。",
                    problems=list(self.data.problems),
                ),
            )
            return
        warnings = self.data.warnings
        if warnings and not confirm(
            self,
            "以下内容缺少数据，报告中不会写入（或该部分为空）：\n\n"
            + "\n".join(warnings)
            + "\n\n仍要导出吗？",
            "年度报告缺少数据",
        ):
            return
        path = ask_save_path(
            self,
            self.ctx.settings,
            "reports/last_dir",
            "导出年度报告",
            f"{self.data.unit}{year}年政府信息公开工作年度报告.docx",
            "Word 文档 (*.docx)",
        )
        if path is None:
            return
        try:
            issued = self.issue_date.value()
            run_with_progress(
                self,
                lambda cancel: self.service.export_job(year, path, cancel, issued=issued),
                "导出年度报告",
            )
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.load()
        show_info(self, f"已导出{year}年政府信息公开工作年度报告：{path}")
