"""考核评议: the year-end evaluation and the quarterly inspection (SPEC §13).

The 汇总 table (rank, division, each indicator's score, 扣分, 调整, 总分, 等次) with a bar chart of
the totals; below it the chosen division's indicators with their measured values, and the records
behind the chosen indicator (double-click opens the page that keeps them). 扣分/调整 and 指标 are
the admin's; 导出 Excel and 导出督查通报 write the workbook and the Word bulletin. Computing and
exporting run on the worker with a progress dialog; a liaison sees their own division only.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.evaluation import (
    NOT_APPLICABLE,
    DivisionScore,
    EvaluationResult,
    IndicatorScore,
    Period,
    shown,
)
from gongkai_desktop.domain.plan import QUARTER_LABELS
from gongkai_desktop.errors import Cancelled, GongkaiError
from gongkai_desktop.services.evaluation import EvaluationService
from gongkai_desktop.services.measure_records import RecordRef

from ..files import ask_save_path
from ..messages import show_error, show_info
from ..models import Column, RowTableModel
from ..widgets import RecordTable
from ..worker import Worker, run_with_progress

if TYPE_CHECKING:
    from ..context import UiContext

log = logging.getLogger(__name__)

FOLDER_KEY = "evaluation/last_folder"
GRADE_COLOURS = {"优秀": "#2e7d32", "良好": "#558b2f", "合格": "#f9a825", "不合格": "#c62828"}


def _score_text(value: Any) -> str:
    return NOT_APPLICABLE if value is None else f"{shown(value)}"


def _score_sort(value: Any) -> Any:
    return None if value is None else -value


class TotalsChart(QWidget):
    """A bar chart of the divisions' totals (QPainter: Qt Charts is not in PySide6-Essentials)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[tuple[str, float, str]] = []
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(420, 240)

    def set_divisions(self, divisions: tuple[DivisionScore, ...]) -> None:
        self.bars = [
            (d.division_name, float(shown(d.total)), GRADE_COLOURS.get(d.grade, "#607d8b"))
            for d in divisions
            if d.total is not None
        ]
        self.update()

    def paintEvent(self, _event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        """Horizontal bars, best first: the names stay readable in a narrow pane."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        names = max((metrics.horizontalAdvance(n) for n, _v, _c in self.bars), default=40)
        left = min(names + 10, self.width() // 3)
        rect = QRectF(self.rect()).adjusted(left, 8, -54, -20)
        painter.setPen(QColor("#c8ccd2"))
        for value in (0, 20, 40, 60, 80, 100):
            x = rect.left() + rect.width() * value / 100
            painter.drawLine(int(x), int(rect.top()), int(x), int(rect.bottom()))
            painter.drawText(
                QRectF(x - 15, rect.bottom() + 2, 30, 16),
                int(Qt.AlignmentFlag.AlignCenter),
                str(value),
            )
        if not self.bars:
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), "没有可计分的处室")
            return
        slot = rect.height() / len(self.bars)
        height = max(3.0, min(22.0, slot * 0.7))
        for n, (name, value, colour) in enumerate(self.bars):
            y = rect.top() + slot * n + (slot - height) / 2
            width = rect.width() * min(value, 100) / 100
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawRect(QRectF(rect.left(), y, width, height))
            painter.setPen(QColor("#1f1f1f"))
            text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, left - 8)
            label = QRectF(0, y - 4, left - 6, height + 8)
            painter.drawText(
                label, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text
            )
            value_box = QRectF(rect.left() + width + 4, y - 4, 60, height + 8)
            painter.drawText(
                value_box,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                f"{value:.2f}",
            )


DETAIL_COLUMNS = (
    Column("代码", lambda s: s.indicator.code),
    Column("指标", lambda s: s.indicator.name),
    Column(
        "权重",
        lambda s: f"{shown(s.indicator.weight)}",
        lambda s: s.indicator.weight,
        Qt.AlignmentFlag.AlignRight,
    ),
    Column("计量情况", lambda s: s.measured_text),
    Column(
        "得分",
        lambda s: _score_text(s.score),
        lambda s: _score_sort(s.score),
        Qt.AlignmentFlag.AlignRight,
    ),
    Column(
        "说明",
        lambda s: f"复议诉讼纠正扣 {shown(s.case_deduction)} 分" if s.case_deduction else "",
        tooltip=lambda s: s.indicator.description,
    ),
)

RECORD_COLUMNS = (
    Column("结果", lambda r: r.outcome_label),
    Column("记录", lambda r: r.title, tooltip=lambda r: r.title),
    Column("日期", lambda r: r.dated.isoformat() if r.dated else "", lambda r: r.dated),
    Column("说明", lambda r: r.note, tooltip=lambda r: r.note),
)


def summary_columns(result: EvaluationResult) -> list[Column]:
    """The 汇总's columns. 总分 and 等次 come right after the division so they stay in view at
    1366×768; an indicator that does not apply shows 「—」 (its tooltip says 不适用)."""
    right, centre = Qt.AlignmentFlag.AlignRight, Qt.AlignmentFlag.AlignCenter
    columns = [
        Column("排名", lambda d: "—" if d.rank is None else str(d.rank), lambda d: d.rank, centre),
        Column("处室", lambda d: d.division_name),
        Column("总分", lambda d: _score_text(d.total), lambda d: _score_sort(d.total), right),
        Column("等次", lambda d: d.grade, align=centre),
        Column("扣分", lambda d: f"{shown(d.deductions)}", lambda d: d.deductions, right),
        Column("调整", lambda d: f"{shown(d.adjustments)}", lambda d: d.adjustments, right),
    ]
    for i in result.indicators:
        columns.append(
            Column(
                i.code,
                lambda d, code=i.code: _cell_text(d.score_of(code).score),
                lambda d, code=i.code: _score_sort(d.score_of(code).score),
                right,
                tooltip=lambda d, i=i: (
                    f"{i.name}（权重 {shown(i.weight)}）：{d.score_of(i.code).measured_text}"
                ),
            )
        )
    return columns


def _cell_text(value: Any) -> str:
    return "—" if value is None else f"{shown(value)}"


class EvaluationPage(QWidget):
    open_page = Signal(str)  # a page key: the main window shows that page

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = EvaluationService(ctx.db, ctx.actor)
        self.result: EvaluationResult | None = None
        self._worker: Worker | None = None
        self._generation = 0
        self._build_ui()
        self._connect_signals()
        self.refresh()

    # -- layout -----------------------------------------------------------------------------
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 10, 18, 10)
        layout.setSpacing(8)
        bar = QHBoxLayout()
        self.year = QSpinBox(self)
        self.year.setRange(2008, 2100)
        self.year.setValue(date.today().year if date.today().month > 1 else date.today().year - 1)
        self.year.setSuffix(" 年")
        self.period = QComboBox(self)
        self.period.addItem("年度", None)
        for q, label in QUARTER_LABELS.items():
            self.period.addItem(label, q)
        self.refresh_button = QPushButton("计算(F5)", self)
        self.adjust_button = QPushButton("扣分/调整…", self)
        self.indicators_button = QPushButton("指标…", self)
        self.export_button = QPushButton("导出 Excel…", self)
        self.bulletin_button = QPushButton("导出督查通报…", self)
        for w in (
            QLabel("年度：", self),
            self.year,
            QLabel("期间：", self),
            self.period,
            self.refresh_button,
        ):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (
            self.adjust_button,
            self.indicators_button,
            self.export_button,
            self.bulletin_button,
        ):
            bar.addWidget(w)
        admin = self.ctx.actor.is_admin
        self.adjust_button.setVisible(admin)
        self.indicators_button.setVisible(admin)
        self.bulletin_button.setVisible(admin)  # the 督查通报 is 综合处's document
        layout.addLayout(bar)
        self.status = QLabel(self)
        self.status.setObjectName("hintLabel")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        split = QSplitter(Qt.Orientation.Vertical, self)
        top = QSplitter(Qt.Orientation.Horizontal, split)
        self.summary_model = RowTableModel([])
        self.summary = RecordTable(self.summary_model, top)
        self.summary.setObjectName("evaluationSummary")
        self.chart = TotalsChart(top)
        top.addWidget(self.summary)
        top.addWidget(self.chart)
        top.setStretchFactor(0, 5)
        top.setStretchFactor(1, 2)
        top.setSizes([820, 330])
        bottom = QFrame(split)
        inner = QHBoxLayout(bottom)
        inner.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        self.detail_title = QLabel("处室明细", bottom)
        self.detail_title.setObjectName("boxTitle")
        left.addWidget(self.detail_title)
        self.detail_model = RowTableModel(DETAIL_COLUMNS)
        self.detail = RecordTable(self.detail_model, bottom)
        self.detail.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        left.addWidget(self.detail)
        right = QVBoxLayout()
        self.records_title = QLabel("计量记录（双击打开所在页面）", bottom)
        self.records_title.setObjectName("boxTitle")
        right.addWidget(self.records_title)
        self.records_model = RowTableModel(RECORD_COLUMNS)
        self.records = RecordTable(self.records_model, bottom)
        self.records.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        right.addWidget(self.records)
        inner.addLayout(left, 1)
        inner.addLayout(right, 1)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)

    def _connect_signals(self) -> None:
        self.refresh_button.clicked.connect(self.refresh)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh)
        self.year.editingFinished.connect(self._year_changed)
        self.period.currentIndexChanged.connect(self.refresh)
        self.summary.selectionModel().selectionChanged.connect(lambda *_: self.show_division())
        self.detail.selectionModel().selectionChanged.connect(lambda *_: self.show_records())
        self.records.doubleClicked.connect(self.open_record)
        self.records.activated.connect(self.open_record)
        self.adjust_button.clicked.connect(self.edit_adjustments)
        self.indicators_button.clicked.connect(self.edit_indicators)
        self.export_button.clicked.connect(self.export_workbook)
        self.bulletin_button.clicked.connect(self.export_bulletin)

    # -- data -------------------------------------------------------------------------------
    def chosen_period(self) -> Period:
        return Period(self.year.value(), self.period.currentData())

    def _year_changed(self) -> None:
        """Leaving the year field recomputes only when the year differs from what is shown."""
        if self.result is None or self.result.period != self.chosen_period():
            self.refresh()

    def refresh(self) -> None:
        """Compute the chosen period's scores on the worker; the status line shows the steps.
        A newer request supersedes one still running (its result is dropped)."""
        period = self.chosen_period()
        if self._worker is not None:
            self._worker.cancel.cancel()
        self._generation += 1
        generation = self._generation
        worker = Worker(lambda cancel: self.service.evaluate_job(period, cancel=cancel))
        worker.signals.progress.connect(lambda _d, _t, message: self.status.setText(message + "……"))
        worker.signals.finished.connect(lambda result: self._computed(generation, result))
        worker.signals.failed.connect(lambda error: self._failed(generation, error))
        self._worker = worker
        worker.start()

    def _computed(self, generation: int, result: EvaluationResult) -> None:
        if generation != self._generation:
            return
        self._worker = None
        self.show_result(result)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation or isinstance(error, Cancelled):
            return
        self._worker = None
        self.status.setText("计算失败。")
        show_error(self, error)

    def show_result(self, result: EvaluationResult) -> None:
        current = self.selected_division()
        self.result = result
        self.summary_model.columns = summary_columns(result)
        self.summary_model.set_rows(list(result.divisions))
        self.summary.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.summary.resizeColumnsToContents()
        self.chart.set_divisions(result.divisions)
        scored = sum(1 for d in result.divisions if d.total is not None)
        notes = [
            f"{result.period.title}，计分截至 {result.as_of:%Y-%m-%d}；{scored} 个处室计分，"
            f"{len(result.divisions) - scored} 个处室无可计量记录（不适用）。不适用的指标按权重比例分摊。"
        ]
        notes += list(result.problems)
        self.status.setText("\n".join(notes))
        row = next(
            (
                n
                for n, d in enumerate(result.divisions)
                if current and d.division_id == current.division_id
            ),
            0,
        )
        if result.divisions:
            self.summary.selectRow(row)
        self.show_division()

    def selected_division(self) -> DivisionScore | None:
        return self.summary.selected()  # type: ignore[no-any-return]

    def show_division(self) -> None:
        d = self.selected_division()
        if d is None:
            self.detail_model.set_rows([])
            self.records_model.set_rows([])
            self.detail_title.setText("处室明细")
            return
        total = (
            NOT_APPLICABLE if d.total is None else f"{shown(d.total)} 分，{d.grade}，第 {d.rank} 名"
        )
        self.detail_title.setText(
            f"{d.division_name}：{total}（扣分 {shown(d.deductions)}，调整 {shown(d.adjustments)}）"
        )
        self.detail_model.set_rows(list(d.scores))
        self.detail.resizeColumnsToContents()
        first = next((n for n, s in enumerate(d.scores) if s.applicable), 0)
        self.detail.selectRow(first)
        self.show_records()

    def show_records(self) -> None:
        d, s = self.selected_division(), self.detail.selected()
        if d is None or not isinstance(s, IndicatorScore) or self.result is None:
            self.records_model.set_rows([])
            return
        try:
            rows = self.service.division_records(
                self.result.period, d.division_id, s.indicator.code, self.result.as_of
            )
        except GongkaiError as exc:
            show_error(self, exc)
            rows = []
        self.records_model.set_rows(rows)
        self.records.resizeColumnToContents(0)
        self.records.setColumnWidth(1, 240)
        self.records_title.setText(
            f"{s.indicator.code} {s.indicator.name}的计量记录 {len(rows)} 条（双击打开所在页面）"
        )

    def open_record(self, index: Any = None) -> None:
        ref = self.records.selected()
        if isinstance(ref, RecordRef):
            self.open_page.emit(ref.page)

    # -- actions ----------------------------------------------------------------------------
    def edit_adjustments(self) -> None:
        from .evaluation_dialogs import AdjustmentsDialog

        d = self.selected_division()
        dialog = AdjustmentsDialog(
            self.service, self.chosen_period(), d.division_id if d else None, self
        )
        dialog.exec()
        if dialog.changed:
            self.refresh()

    def edit_indicators(self) -> None:
        from .evaluation_dialogs import IndicatorsDialog

        dialog = IndicatorsDialog(self.service, self.year.value(), self.ctx.settings, self)
        if dialog.exec():
            self.refresh()

    def _export(self, title: str, file_name: str, kind: str, make_job: Any) -> None:
        """Ask where to save, then run ``make_job(path)(cancel)`` on the worker with progress."""
        filters, suffix = {
            "xlsx": ("Excel 工作簿 (*.xlsx)", ".xlsx"),
            "docx": ("Word 文档 (*.docx)", ".docx"),
        }[kind]
        path = ask_save_path(self, self.ctx.settings, FOLDER_KEY, title, file_name, filters, suffix)
        if path is None:
            return
        try:
            run_with_progress(self, make_job(path), title, "正在生成……")
        except Cancelled:
            return
        except GongkaiError as exc:
            show_error(self, exc)
            return
        show_info(self, f"已导出：{path}")

    def export_workbook(self) -> None:
        from gongkai_desktop.reports.excel.evaluation import evaluation_workbook_job

        if self.result is None:
            return
        result = self.result
        self._export(
            "导出考核结果",
            f"{result.period.title}考核评议结果.xlsx",
            "xlsx",
            lambda path: lambda cancel: evaluation_workbook_job(self.service, result, path, cancel),
        )

    def export_bulletin(self) -> None:
        from gongkai_desktop.reports.inspection import inspection_job

        period = self.chosen_period()
        if period.quarter is None:
            show_info(self, "督查通报按季度生成：请先在「期间」中选择一个季度。")
            return
        db, actor = self.ctx.db, self.ctx.actor
        self._export(
            "导出督查通报",
            f"{period.title}政务公开督查通报.docx",
            "docx",
            lambda path: (
                lambda cancel: inspection_job(db, actor, period, date.today(), path, cancel)
            ),
        )
