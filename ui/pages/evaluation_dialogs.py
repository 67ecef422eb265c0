"""The admin's dialogs of 考核评议: 扣分/调整 of a period, and the indicator table of a year
(edited in place, or loaded from and saved to Excel)."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.evaluation import (
    DEFAULT_INDICATORS,
    METHODS,
    METHODS_BY_KEY,
    Grades,
    Indicator,
    Period,
    check_indicators,
    parse_points,
    shown,
)
from gongkai_desktop.errors import GongkaiError, ValidationError
from gongkai_desktop.services.evaluation import EvaluationService

from ..files import ask_open_path, ask_save_path
from ..fit import FitsOnScreen
from ..messages import confirm, show_error, show_info
from ..models import Column, RowTableModel
from ..widgets import RecordTable

log = logging.getLogger(__name__)

FOLDER_KEY = "evaluation/last_folder"

ADJUSTMENT_COLUMNS = (
    Column("处室", lambda a: a.division_name),
    Column("类别", lambda a: a.kind_label),
    Column("分值", lambda a: f"{shown(a.points)}", lambda a: a.points, Qt.AlignmentFlag.AlignRight),
    Column("录入", lambda a: f"{a.created_by} {a.created_at}"),
    Column("理由", lambda a: a.reason, tooltip=lambda a: a.reason),
)


class AdjustmentsDialog(FitsOnScreen, QDialog):
    """Enter a 扣分 (points taken) or 调整 (± points) with its reason; withdraw one."""

    def __init__(
        self,
        service: EvaluationService,
        period: Period,
        division_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.period = period
        self.changed = False
        self.setWindowTitle(f"{period.title}扣分和调整")
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.division = QComboBox(self)
        for d_id, name in service.writable_divisions():
            self.division.addItem(name, d_id)
        if division_id is not None:
            self.division.setCurrentIndex(max(0, self.division.findData(division_id)))
        self.kind = QComboBox(self)
        self.kind.addItem("扣分（如通报批评、不应公开而公开）", "deduction")
        self.kind.addItem("调整（加分或减分）", "adjustment")
        self.points = QDoubleSpinBox(self)
        self.points.setDecimals(2)
        self.points.setRange(-100, 100)
        self.points.setSingleStep(0.5)
        self.points.setValue(1)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("必填：扣分或调整的理由")
        self.reason.setMaxLength(500)
        form.addRow("处室：", self.division)
        form.addRow("类别：", self.kind)
        form.addRow("分值：", self.points)
        form.addRow("理由：", self.reason)
        layout.addLayout(form)
        self.add_button = QPushButton("录入", self)
        self.add_button.setDefault(True)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        layout.addWidget(QLabel("本期已录入（录入和撤销都记入审计日志）：", self))
        self.model = RowTableModel(ADJUSTMENT_COLUMNS)
        self.table = RecordTable(self.model, self)
        layout.addWidget(self.table, 1)
        self.remove_button = QPushButton("撤销选中的一条", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        bottom = QHBoxLayout()
        bottom.addWidget(self.remove_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.add_button.clicked.connect(self.add)
        self.reason.returnPressed.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        buttons.rejected.connect(self.reject)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.load()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.table.selected() is not None)

    def load(self) -> None:
        self.model.set_rows(self.service.list_adjustments(self.period))
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def add(self) -> None:
        try:
            points = parse_points(f"{self.points.value():.2f}")
            self.service.add_adjustment(
                self.period,
                self.division.currentData(),
                self.kind.currentData(),
                points,
                self.reason.text(),
            )
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.changed = True
        self.reason.clear()
        self.load()

    def remove(self) -> None:
        a = self.table.selected()
        if a is None or not confirm(
            self, f"撤销{a.division_name}的这条{a.kind_label}（{shown(a.points)} 分）？"
        ):
            return
        try:
            self.service.delete_adjustment(a.id)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.changed = True
        self.load()


INDICATOR_HEADERS = ("代码", "指标", "权重", "计算方法", "计量对象", "达标标准")


class IndicatorsDialog(FitsOnScreen, QDialog):
    """The indicator table of one year: edit in place, restore the default, load from or save to
    Excel. 保存 checks the whole table first and stores it in one step."""

    def __init__(
        self,
        service: EvaluationService,
        year: int,
        settings: QSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.year = year
        self.settings = settings
        self.setWindowTitle(f"{year}年考核指标")
        self.resize(1000, 560)
        layout = QVBoxLayout(self)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.table = QTableWidget(0, len(INDICATOR_HEADERS), self)
        self.table.setHorizontalHeaderLabels(list(INDICATOR_HEADERS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((60, 150, 60, 90, 330)):
            self.table.setColumnWidth(col, width)
        layout.addWidget(self.table, 1)
        self.total = QLabel(self)
        layout.addWidget(self.total)
        params = QHBoxLayout()
        penalty, grades = service.parameters()
        self.penalty = self._points_box(penalty, 0, 100)
        params.addWidget(QLabel("依申请公开每件被纠正的复议、诉讼案件扣", self))
        params.addWidget(self.penalty)
        params.addWidget(QLabel("分；等次分数线：", self))
        self.grade_boxes: list[tuple[QDoubleSpinBox, str]] = []
        for lowest, label in grades.bands:
            box = self._points_box(lowest, 0, 100)
            params.addWidget(QLabel(f"{label} ≥", self))
            params.addWidget(box)
            self.grade_boxes.append((box, label))
        params.addWidget(QLabel(f"，低于最后一档为{grades.below}（各年度通用）", self))
        params.addStretch(1)
        layout.addLayout(params)
        row = QHBoxLayout()
        self.add_button = QPushButton("添加一行", self)
        self.remove_button = QPushButton("删除选中行", self)
        self.default_button = QPushButton("恢复默认指标", self)
        self.load_button = QPushButton("从 Excel 导入…", self)
        self.save_file_button = QPushButton("导出 Excel…", self)
        for b in (
            self.add_button,
            self.remove_button,
            self.default_button,
            self.load_button,
            self.save_file_button,
        ):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self.add_button.clicked.connect(
            lambda: self._append(Indicator("", "", Decimal(5), METHODS[0].key))
        )
        self.remove_button.clicked.connect(self._remove)
        self.default_button.clicked.connect(lambda: self.fill(DEFAULT_INDICATORS))
        self.load_button.clicked.connect(self.load_file)
        self.save_file_button.clicked.connect(self.save_file)
        self.table.itemChanged.connect(lambda *_: self._update_total())
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        own = service.has_own_indicators(year)
        self.note.setText(
            f"{year}年{'已设置本年度指标' if own else '尚未设置本年度指标，以下为默认指标'}。"
            "计算方法决定按哪一类记录计分；某项指标本期无可计量记录时该项不适用，其权重按比例分摊。"
        )
        self.fill(service.indicators(year))

    def _points_box(self, value: Decimal, low: int, high: int) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setDecimals(2)
        box.setRange(low, high)
        box.setValue(float(value))
        return box

    def _append(self, i: Indicator) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        for col, text in enumerate((i.code, i.name, f"{i.weight.normalize():f}")):
            self.table.setItem(r, col, QTableWidgetItem(text))
        method = QComboBox(self.table)
        for m in METHODS:
            method.addItem(m.key, m.key)
        method.setCurrentIndex(max(0, method.findData(i.method)))
        self.table.setCellWidget(r, 3, method)
        self.table.setItem(r, 4, QTableWidgetItem(i.measured))
        self.table.setItem(r, 5, QTableWidgetItem(i.met))
        self._update_total()

    def _remove(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for r in rows:
            self.table.removeRow(r)
        self._update_total()

    def fill(self, indicators: Any) -> None:
        self.table.setRowCount(0)
        for i in indicators:
            self._append(i)

    def _text(self, r: int, c: int) -> str:
        item = self.table.item(r, c)
        return item.text().strip() if item is not None else ""

    def indicators(self) -> tuple[Indicator, ...]:
        """The table as entered; ValidationError naming the row of a weight that is no number."""
        out: list[Indicator] = []
        for r in range(self.table.rowCount()):
            combo = self.table.cellWidget(r, 3)
            method = combo.currentData() if isinstance(combo, QComboBox) else ""
            try:
                weight = parse_points(self._text(r, 2) or "0", f"第{r + 1}行的权重")
            except ValidationError:
                raise
            m = METHODS_BY_KEY.get(method)
            out.append(
                Indicator(
                    self._text(r, 0),
                    self._text(r, 1),
                    weight,
                    method,
                    self._text(r, 4) or (m.measured if m else ""),
                    self._text(r, 5) or (m.met if m else ""),
                    m.rule_id if m else None,
                )
            )
        return tuple(out)

    def _update_total(self) -> None:
        try:
            total = sum((i.weight for i in self.indicators()), Decimal(0))
        except ValidationError:
            self.total.setText("权重合计：有权重不是数字")
            return
        warn = "" if total == 100 else "（一般应为 100）"
        self.total.setText(f"共 {self.table.rowCount()} 项，权重合计 {shown(total)}{warn}")

    def save(self) -> None:
        try:
            indicators = self.indicators()
            problems = check_indicators(indicators)
            if problems:
                raise ValidationError("指标表有误，未保存。", problems=problems)
            bands = tuple(
                (parse_points(f"{b.value():.2f}"), label) for b, label in self.grade_boxes
            )
            self.service.set_parameters(parse_points(f"{self.penalty.value():.2f}"), Grades(bands))
            self.service.save_indicators(self.year, indicators)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.accept()

    def load_file(self) -> None:
        from gongkai_desktop.importers.indicators_xlsx import load_indicators_xlsx

        path = ask_open_path(
            self, self.settings, FOLDER_KEY, "导入考核指标", "Excel 工作簿 (*.xlsx)"
        )
        if path is None:
            return
        try:
            self.fill(load_indicators_xlsx(path))
        except GongkaiError as exc:
            show_error(self, exc)
            return
        show_info(self, "已读入指标表，核对后点击「保存」生效。")

    def save_file(self) -> None:
        from gongkai_desktop.importers.indicators_xlsx import save_indicators_xlsx

        path = ask_save_path(
            self,
            self.settings,
            FOLDER_KEY,
            "导出考核指标",
            f"{self.year}年考核指标.xlsx",
            "Excel 工作簿 (*.xlsx)",
            ".xlsx",
        )
        if path is None:
            return
        try:
            save_indicators_xlsx(path, self.year, self.indicators())
        except GongkaiError as exc:
            show_error(self, exc)
            return
        show_info(self, f"已导出：{path}")
