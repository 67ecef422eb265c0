"""Excel exchange of the ledgers in the GUI: the import dialog with its preview, export and
template saving. The work runs on the job worker with a progress dialog; nothing here touches
the database directly."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.errors import Cancelled, GongkaiError
from gongkai_desktop.exchange import ImportResult, kinds, template_lists
from gongkai_desktop.importers.ledger_xlsx import ImportPreview, preview_job

from ..context import UiContext
from ..files import ask_open_path, ask_save_path
from ..fit import FitsOnScreen
from ..messages import show_error, show_info
from ..worker import run_with_progress

log = logging.getLogger(__name__)

PREVIEW_ROWS = 2000
_ERROR = QBrush(QColor("#c0392b"))
EXCEL_FILES = "Excel 工作簿 (*.xlsx)"


FOLDER_KEY = "ledger/last_folder"


class ImportDialog(FitsOnScreen, QDialog):
    """Choose a file, see the rows that would be imported and every problem, then import."""

    def __init__(self, ctx: UiContext, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kinds()[kind]
        self.preview: ImportPreview | None = None
        self.result: ImportResult | None = None
        self.path: Path | None = None
        self.setWindowTitle(f"导入{self.kind.label}")
        self._build_ui()
        self.resize(1000, 620)

    def _build_ui(self) -> None:
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("请选择按模板填写的 Excel 文件（.xlsx）")
        browse = QPushButton("选择文件…")
        browse.clicked.connect(self.choose_file)
        top = QHBoxLayout()
        top.addWidget(QLabel("文件："))
        top.addWidget(self.file_edit, 1)
        top.addWidget(browse)
        self.summary = QLabel("尚未选择文件。")
        self.summary.setWordWrap(True)
        self.rows_table = QTableWidget(0, 0)
        self.rows_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.rows_table.verticalHeader().setVisible(False)
        self.errors_list = QListWidget()
        rows_box = QWidget()
        rows_layout = QVBoxLayout(rows_box)
        rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_label = QLabel("可导入的行")
        rows_layout.addWidget(self.rows_label)
        rows_layout.addWidget(self.rows_table)
        errors_box = QWidget()
        errors_layout = QVBoxLayout(errors_box)
        errors_layout.setContentsMargins(0, 0, 0, 0)
        self.errors_label = QLabel("错误")
        errors_layout.addWidget(self.errors_label)
        errors_layout.addWidget(self.errors_list)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(rows_box)
        splitter.addWidget(errors_box)
        splitter.setSizes([360, 200])
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.run_import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)

    def choose_file(self) -> None:
        path = ask_open_path(
            self, self.ctx.settings, FOLDER_KEY, f"选择{self.kind.label}文件", EXCEL_FILES
        )
        if path is not None:
            self.load_file(path)

    def load_file(self, path: Path) -> None:
        """Check the file (on the worker) and show what would be imported."""
        self.path = path
        self.file_edit.setText(str(path))
        db, actor, key = self.ctx.db, self.ctx.actor, self.kind.key
        try:
            preview = run_with_progress(
                self,
                lambda cancel: preview_job(key, db, actor, path, cancel),
                "检查导入文件",
                "正在检查……",
            )
        except Cancelled:
            return
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.show_preview(preview)

    def show_preview(self, preview: ImportPreview) -> None:
        self.preview = preview
        headers = ["行号", *preview.headers]
        shown = preview.rows[:PREVIEW_ROWS]
        self.rows_table.clear()
        self.rows_table.setColumnCount(len(headers))
        self.rows_table.setHorizontalHeaderLabels(headers)
        self.rows_table.setRowCount(len(shown))
        for r, (number, values) in enumerate(shown):
            self.rows_table.setItem(r, 0, QTableWidgetItem(str(number)))
            for c, value in enumerate(values, 1):
                self.rows_table.setItem(r, c, QTableWidgetItem(value))
        self.rows_table.resizeColumnsToContents()
        self.errors_list.clear()
        messages = list(preview.errors)
        if preview.file_error:
            messages.insert(0, preview.file_error)
        for message in messages:
            item = QListWidgetItem(message)
            item.setForeground(_ERROR)
            self.errors_list.addItem(item)
        more = f"（只显示前 {PREVIEW_ROWS} 行）" if len(preview.rows) > PREVIEW_ROWS else ""
        self.rows_label.setText(f"可导入的行：{len(preview.rows)} 行{more}")
        self.errors_label.setText(f"错误：{len(preview.errors)} 处")
        if preview.file_error:
            text = "文件无法导入：" + preview.file_error
        elif preview.errors:
            text = (
                f"共读到 {preview.read} 行，其中有 {len(preview.errors)} 处错误。"
                "导入要求全部正确：请在 Excel 中改正下列错误后重新选择文件，本次不会导入任何数据。"
            )
        elif not preview.rows:
            text = "文件中没有数据行。"
        else:
            text = f"全部 {len(preview.rows)} 行检查通过，可以导入。"
        self.summary.setText(text)
        self.import_button.setEnabled(preview.importable)

    def run_import(self) -> None:
        if self.path is None or self.preview is None or not self.preview.importable:
            return
        job, db, actor, path = self.kind.import_job, self.ctx.db, self.ctx.actor, self.path
        assert job is not None
        try:
            self.result = run_with_progress(
                self,
                lambda cancel: job(db, actor, path, False, cancel),
                f"导入{self.kind.label}",
                "正在导入……",
            )
        except Cancelled:
            return
        except GongkaiError as exc:
            show_error(self, exc)
            return
        assert self.result is not None
        show_info(self, "\n".join([self.result.summary(), *self.result.notes]), "导入完成")
        self.accept()


def export_ledger(
    parent: QWidget, ctx: UiContext, key: str, year: int | None, folder_key: str = FOLDER_KEY
) -> Path | None:
    """Ask for a file name and export the ledger there with a progress dialog."""
    kind = kinds()[key]
    name = f"{kind.label}{year}年.xlsx" if year else f"{kind.label}.xlsx"
    target = ask_save_path(
        parent, ctx.settings, folder_key, f"导出{kind.label}", name, EXCEL_FILES, ".xlsx"
    )
    if target is None:
        return None
    job, db, actor = kind.export_job, ctx.db, ctx.actor
    assert job is not None
    try:
        rows = run_with_progress(
            parent,
            lambda cancel: job(db, actor, target, year, cancel),
            f"导出{kind.label}",
            "正在导出……",
        )
    except Cancelled:
        return None
    except GongkaiError as exc:
        show_error(parent, exc)
        return None
    show_info(parent, f"已导出 {rows} 行到：\n{target}", "导出完成")
    return target


def save_template(
    parent: QWidget, ctx: UiContext, key: str, folder_key: str = FOLDER_KEY
) -> Path | None:
    """Ask for a file name and write the blank import template of the ledger there."""
    kind = kinds()[key]
    path = ask_save_path(
        parent,
        ctx.settings,
        folder_key,
        f"保存{kind.label}导入模板",
        f"{kind.label}导入模板.xlsx",
        EXCEL_FILES,
        ".xlsx",
    )
    if path is None:
        return None
    assert kind.template is not None
    try:
        kind.write_template(path, template_lists(ctx.db))
    except GongkaiError as exc:
        show_error(parent, exc)
        return None
    show_info(parent, f"模板已保存：\n{path}")
    return path
