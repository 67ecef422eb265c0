"""标准目录 editor: the standard columns in a grid; admins edit and save, everyone exports."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.disclosure import CATALOGUE_AUDIENCES, CATALOGUE_MODES
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.reports.excel.ledger_documents import write_catalogue
from gongkai_desktop.services.ledger_catalogue import (
    CATALOGUE_FIELDS,
    CatalogueRow,
    CatalogueService,
)

from ..context import UiContext
from ..messages import show_error, show_info
from ..widgets import ErrorLabel

log = logging.getLogger(__name__)

# Column headers of the grid, after 序号 (which is the row order).
HEADERS = (
    "一级事项",
    "二级事项",
    "公开内容（要素）",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "公开对象",
    "公开方式",
    "公开层级",
)
FIELDS = CATALOGUE_FIELDS[1:]
CHOICES = {"audience": CATALOGUE_AUDIENCES, "mode": CATALOGUE_MODES}
WIDTHS = (110, 120, 260, 200, 160, 110, 140, 90, 80, 90)


class CataloguePanel(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = CatalogueService(ctx.db, ctx.actor)
        self.editable = ctx.actor.is_admin
        self.ids: list[int | None] = []
        self.grid = QTableWidget(0, len(HEADERS))
        self.grid.setHorizontalHeaderLabels(list(HEADERS))
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate(WIDTHS):
            self.grid.setColumnWidth(column, width)
        if not self.editable:
            self.grid.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.errors = ErrorLabel()
        note = QLabel(
            "序号按行的先后自动编排。" + ("" if self.editable else "只有管理员可以修改标准目录。")
        )
        note.setObjectName("hintLabel")
        self.add_button = QPushButton("添加行")
        self.remove_button = QPushButton("删除行")
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        self.save_button = QPushButton("保存")
        self.export_button = QPushButton("导出 Excel…")
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            b.setEnabled(self.editable)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.save_button.setEnabled(self.editable)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.errors)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(lambda: self.add_row(None))
        self.remove_button.clicked.connect(self.remove_row)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.save_button.clicked.connect(self.save)
        self.export_button.clicked.connect(self.export)
        self.load()

    def load(self) -> None:
        self.grid.setRowCount(0)
        self.ids = []
        for entry in self.service.entries():
            self.add_row(entry)

    def add_row(self, entry: CatalogueRow | None) -> None:
        row = self.grid.rowCount()
        self.grid.insertRow(row)
        self.ids.append(entry.id if entry else None)
        for column, name in enumerate(FIELDS):
            value = getattr(entry, name) if entry else ""
            if name in CHOICES:
                combo = QComboBox()
                combo.addItems(list(CHOICES[name]))
                combo.setCurrentText(value or CHOICES[name][0])
                combo.setEnabled(self.editable)
                self.grid.setCellWidget(row, column, combo)
            else:
                self.grid.setItem(row, column, QTableWidgetItem(value))

    def _row_values(self, row: int) -> dict[str, str]:
        values: dict[str, str] = {}
        for column, name in enumerate(FIELDS):
            widget = self.grid.cellWidget(row, column)
            if isinstance(widget, QComboBox):
                values[name] = widget.currentText()
            else:
                item = self.grid.item(row, column)
                values[name] = item.text() if item else ""
        return values

    def rows(self) -> list[CatalogueRow]:
        return [
            CatalogueRow(self.ids[r], r + 1, **self._row_values(r))
            for r in range(self.grid.rowCount())
        ]

    def remove_row(self) -> None:
        row = self.grid.currentRow()
        if row >= 0:
            self.grid.removeRow(row)
            del self.ids[row]

    def move(self, step: int) -> None:
        row = self.grid.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.grid.rowCount():
            return
        rows = self.rows()
        rows[row], rows[target] = rows[target], rows[row]
        self.grid.setRowCount(0)
        self.ids = []
        for entry in rows:
            self.add_row(entry)
        self.grid.setCurrentCell(target, 0)

    def save(self) -> None:
        try:
            count = self.service.save_all(self.rows())
        except GongkaiError as exc:
            self.errors.show_message(str(exc))
            return
        self.errors.clear_message()
        self.load()
        show_info(self, f"标准目录已保存，共 {count} 行。")

    def export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "导出标准目录", "政务公开标准目录.xlsx", "Excel 工作簿 (*.xlsx)"
        )
        if not path:
            return
        try:
            count = write_catalogue(self.ctx.db, self.ctx.actor, Path(path))
        except GongkaiError as exc:
            show_error(self, exc)
            return
        show_info(self, f"已导出标准目录 {count} 行：\n{path}")
