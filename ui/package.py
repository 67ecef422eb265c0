"""报送包 in the GUI: 导出 for a liaison (their division; an admin chooses one), 导入 for 综合处
with a preview of what the package would change and a decision for every conflict.

The checks, comparison and merge run on the job worker with a progress dialog; nothing here
touches the database directly.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.errors import Cancelled, GongkaiError
from gongkai_desktop.package.merge import KEEP_OURS, TAKE_THEIRS, Decision, RecordChange
from gongkai_desktop.services.package import PackagePreview, PackageService

from .context import UiContext
from .fit import FitsOnScreen
from .formatting import local_time
from .messages import show_error
from .worker import call_job, run_with_progress

log = logging.getLogger(__name__)

PACKAGE_FILES = "报送包 (*.gkpkg)"
FOLDER_KEY = "package/last_folder"
_WARN = QBrush(QColor("#c0392b"))
_CONFLICT = QBrush(QColor("#fdebd0"))
FIELD_LABELS = {
    "title": "标题",
    "notes": "备注",
    "category": "类别",
    "attribute": "公开属性",
    "formed_on": "形成日期",
    "published_on": "公开日期",
    "channels": "公开渠道",
    "link": "链接",
    "doc_number": "文号",
    "division_id": "处室",
    "deleted_at": "删除时间",
    "subject": "事由",
    "content": "内容",
    "answer_date": "答复日期",
    "outcome": "办理结果",
    "progress": "进展",
    "status": "状态",
}
SIDE_LABELS = {KEEP_OURS: "保留本方", TAKE_THEIRS: "采用报送方"}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class PackagePreviewDialog(FitsOnScreen, QDialog):
    """What a package holds against this database; conflicts are decided here, one by one."""

    def __init__(self, preview: PackagePreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.decisions: dict[tuple[str, str], Decision] = {}
        self.conflicts: list[RecordChange] = preview.conflicts
        self._build_ui()
        self._connect_signals()
        if self.conflicts:
            self.conflict_list.selectRow(0)
        self._update_buttons()

    # ----- building ---------------------------------------------------------------------------
    def _build_ui(self) -> None:
        p = self.preview
        c = p.comparison
        self.setWindowTitle("导入报送包 — 预览")
        self.resize(1100, 640)
        layout = QVBoxLayout(self)
        period = p.manifest.get("period") or {}
        head = QLabel(
            f"<b>{p.division}</b>　{period.get('label', '')}　制作于 {local_time(str(p.manifest.get('created_at', '')))}"
            f"　程序版本 {p.manifest.get('app_version', '')}　格式版本 {p.manifest.get('format_version')}"
            f"<br>SHA-256：{p.sha256}"
        )
        head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(head)
        self.chain_label = QLabel(("⚠ " if c.chain.flagged else "") + "审计链：" + c.chain.message)
        self.chain_label.setWordWrap(True)
        if c.chain.flagged:
            self.chain_label.setStyleSheet("color: #c0392b; font-weight: bold;")
        layout.addWidget(self.chain_label)
        if c.already_merged:
            layout.addWidget(QLabel("此报送包以前已导入过；再次导入只处理尚未决定的冲突。"))

        split = QSplitter(Qt.Orientation.Vertical, self)
        top = QSplitter(Qt.Orientation.Horizontal, split)
        self.counts = QTableWidget(0, 5, top)
        self.counts.setHorizontalHeaderLabels(["记录类型", "新增", "已修改", "冲突", "无变化"])
        for k in c.counts():
            row = self.counts.rowCount()
            self.counts.insertRow(row)
            for col, value in enumerate((k.label, k.new, k.changed, k.conflict, k.unchanged)):
                item = QTableWidgetItem(str(value))
                if col == 3 and k.conflict:
                    item.setForeground(_WARN)
                self.counts.setItem(row, col, item)
        self._fit(self.counts)
        self.changes = QTableWidget(0, 4, top)
        self.changes.setHorizontalHeaderLabels(["类型", "比对", "记录", "不同的字段"])
        for change in c.changes:
            if change.ref or change.status == "unchanged":
                continue
            row = self.changes.rowCount()
            self.changes.insertRow(row)
            for col, value in enumerate(
                (
                    change.label,
                    change.status_label,
                    change.title or change.key,
                    "、".join(FIELD_LABELS.get(f, f) for f in change.fields),
                )
            ):
                item = QTableWidgetItem(value)
                if change.status == "conflict":
                    item.setBackground(_CONFLICT)
                self.changes.setItem(row, col, item)
        self._fit(self.changes)
        top.setSizes([420, 680])

        bottom = QWidget(split)
        column = QVBoxLayout(bottom)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel(f"冲突（两边都改过，共 {len(self.conflicts)} 条，逐条决定）："))
        pair = QHBoxLayout()
        self.conflict_list = QTableWidget(0, 3, bottom)
        self.conflict_list.setHorizontalHeaderLabels(["类型", "记录", "决定"])
        self.conflict_list.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.conflict_list.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        for change in self.conflicts:
            row = self.conflict_list.rowCount()
            self.conflict_list.insertRow(row)
            self.conflict_list.setItem(row, 0, QTableWidgetItem(change.label))
            self.conflict_list.setItem(row, 1, QTableWidgetItem(change.title or change.key))
            self.conflict_list.setItem(row, 2, QTableWidgetItem("未决定"))
        self._fit(self.conflict_list)
        pair.addWidget(self.conflict_list, 2)
        fields_box = QVBoxLayout()
        self.fields = QTableWidget(0, 4, bottom)
        self.fields.setHorizontalHeaderLabels(["字段", "本方（中心）", "报送方", "采用"])
        self._fit(self.fields)
        fields_box.addWidget(self.fields)
        buttons = QHBoxLayout()
        self.keep_ours = QPushButton("保留本方(&O)")
        self.take_theirs = QPushButton("采用报送方(&T)")
        self.by_field = QPushButton("按字段采用(&F)")
        for b in (self.keep_ours, self.take_theirs, self.by_field):
            buttons.addWidget(b)
        buttons.addStretch(1)
        fields_box.addLayout(buttons)
        pair.addLayout(fields_box, 3)
        column.addLayout(pair)
        bottom.setVisible(bool(self.conflicts))
        split.setSizes([300, 300])
        layout.addWidget(split, 1)

        self.buttons = QDialogButtonBox(self)
        self.merge_button = self.buttons.addButton(
            "合并(&M)", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.pending_label = QLabel()
        layout.addWidget(self.pending_label)
        layout.addWidget(self.buttons)

    @staticmethod
    def _fit(table: QTableWidget) -> None:
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.conflict_list.itemSelectionChanged.connect(self._show_conflict)
        self.keep_ours.clicked.connect(lambda: self.decide(KEEP_OURS))
        self.take_theirs.clicked.connect(lambda: self.decide(TAKE_THEIRS))
        self.by_field.clicked.connect(self.decide_by_field)

    # ----- conflicts ----------------------------------------------------------------------------
    def current_conflict(self) -> RecordChange | None:
        rows = self.conflict_list.selectionModel().selectedRows()
        return self.conflicts[rows[0].row()] if rows else None

    def _show_conflict(self) -> None:
        change = self.current_conflict()
        self.fields.setRowCount(0)
        if change is None:
            return
        decided = self.decisions.get((change.kind, change.key))
        ours = change.ours or {}
        for name in change.fields:
            row = self.fields.rowCount()
            self.fields.insertRow(row)
            self.fields.setItem(row, 0, QTableWidgetItem(FIELD_LABELS.get(name, name)))
            self.fields.setItem(row, 1, QTableWidgetItem(_text(ours.get(name))))
            self.fields.setItem(row, 2, QTableWidgetItem(_text(change.theirs.get(name))))
            side = QComboBox()
            side.addItem(SIDE_LABELS[KEEP_OURS], KEEP_OURS)
            side.addItem(SIDE_LABELS[TAKE_THEIRS], TAKE_THEIRS)
            chosen = decided.get(name) if isinstance(decided, Mapping) else decided
            if chosen == TAKE_THEIRS:
                side.setCurrentIndex(1)
            self.fields.setCellWidget(row, 3, side)

    def decide(self, side: str) -> None:
        change = self.current_conflict()
        if change is None:
            return
        self.decisions[(change.kind, change.key)] = side
        self._mark(SIDE_LABELS[side])

    def decide_by_field(self) -> None:
        change = self.current_conflict()
        if change is None:
            return
        choice: dict[str, str] = {}
        for row, name in enumerate(change.fields):
            box = self.fields.cellWidget(row, 3)
            assert isinstance(box, QComboBox)
            choice[name] = str(box.currentData())
        self.decisions[(change.kind, change.key)] = choice
        taken = sum(1 for v in choice.values() if v == TAKE_THEIRS)
        self._mark(f"按字段（采用报送方 {taken} 项）")

    def _mark(self, text: str) -> None:
        row = self.conflict_list.currentRow()
        self.conflict_list.setItem(row, 2, QTableWidgetItem(text))
        if row + 1 < self.conflict_list.rowCount():
            self.conflict_list.selectRow(row + 1)
        else:
            self._show_conflict()
        self._update_buttons()

    def _update_buttons(self) -> None:
        pending = len(self.conflicts) - len(self.decisions)
        self.pending_label.setText(
            f"尚有 {pending} 条冲突未决定：合并时这些记录保持本方不变，下次导入同一报送包时仍会列出。"
            if pending
            else ""
        )
        has_conflict = bool(self.conflicts)
        for b in (self.keep_ours, self.take_theirs, self.by_field):
            b.setEnabled(has_conflict)


# ----- actions --------------------------------------------------------------------------------


def _service(ctx: UiContext) -> PackageService:
    return PackageService(ctx.db, ctx.actor, ctx.app.paths.attachments_dir)


def _folder(ctx: UiContext) -> str:
    return str(ctx.settings.value(FOLDER_KEY, str(Path.home())))


def export_package(parent: QWidget, ctx: UiContext) -> Path | None:
    """Ask for the division (an admin) and the file, then write the package on the worker."""
    service = _service(ctx)
    names = [name for _i, name in service.writable_divisions()]
    if not names:
        show_error(parent, "当前账号不能导出报送包（只有联络员和管理员可以）。")
        return None
    division = names[0]
    if len(names) > 1:
        division, ok = QInputDialog.getItem(parent, "导出报送包", "处室：", names, 0, False)
        if not ok:
            return None
    window = service.default_window(division)
    suggested = str(Path(_folder(ctx)) / f"{division}-报送包.gkpkg")
    target, _ = QFileDialog.getSaveFileName(parent, "导出报送包", suggested, PACKAGE_FILES)
    if not target:
        return None
    path = Path(target)
    if path.suffix != ".gkpkg":
        path = path.with_suffix(".gkpkg")
    ctx.settings.setValue(FOLDER_KEY, str(path.parent))
    try:
        result = run_with_progress(
            parent,
            lambda cancel: service.export_job(division, path, window, cancel),
            "导出报送包",
            "正在导出……",
        )
    except Cancelled:
        return None
    except GongkaiError as exc:
        show_error(parent, exc)
        return None
    QMessageBox.information(
        parent,
        "导出报送包",
        f"已导出 {result.records} 条记录（{result.window.label}）到\n{result.path}\n\n"
        f"SHA-256：{result.sha256}",
    )
    return result.path


def import_package(parent: QWidget, ctx: UiContext, path: Path | None = None) -> Any:
    """Pick a package, check and preview it on the worker, decide conflicts, then merge."""
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(parent, "导入报送包", _folder(ctx), PACKAGE_FILES)
        if not chosen:
            return None
        path = Path(chosen)
    ctx.settings.setValue(FOLDER_KEY, str(path.parent))
    service = _service(ctx)
    try:
        preview = run_with_progress(
            parent,
            call_job(lambda: service.preview(path), "校验报送包"),
            "导入报送包",
            "正在校验……",
        )
    except Cancelled:
        return None
    except GongkaiError as exc:
        show_error(parent, exc, "报送包已拒绝")
        return None
    if preview.comparison.problems:
        show_error(
            parent, "报送包无法合并，未做任何改动：\n" + "\n".join(preview.comparison.problems[:20])
        )
        return None
    dialog = PackagePreviewDialog(preview, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    try:
        result = run_with_progress(
            parent,
            lambda cancel: service.import_job(path, dialog.decisions, cancel),
            "导入报送包",
            "正在合并……",
        )
    except Cancelled:
        return None
    except GongkaiError as exc:
        show_error(parent, exc)
        return None
    a = result.applied
    text = (
        f"已合并：新增 {a['new']}，修改 {a['changed']}，已决定的冲突 {a['conflict']}。"
        if result.wrote
        else "此报送包已导入过，没有需要合并的内容，未做任何改动。"
    )
    if result.pending:
        text += f"\n尚有 {result.pending} 条冲突未决定，保持本方不变。"
    QMessageBox.information(parent, "导入报送包", text)
    return result
