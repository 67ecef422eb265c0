"""备份与恢复: the backups in the data folder, 立即备份, restoring one (after confirmation, and
after the live data was itself backed up), and the database check. Work runs on the worker."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QPushButton, QVBoxLayout, QWidget

from gongkai_desktop.backup import BackupInfo
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.services.maintenance import CheckReport, MaintenanceService

from ...context import UiContext
from ...formatting import file_size
from ...messages import confirm, show_error, show_info
from ...models import Column, RowTableModel
from ...widgets import RecordTable, hint
from ...worker import call_job, run_with_progress
from .base import AdminTab, button_row

log = logging.getLogger(__name__)

COLUMNS = (
    Column(
        "备份时间",
        lambda b: b.made_at.strftime("%Y-%m-%d %H:%M:%S"),
        lambda b: b.made_at.isoformat(),
    ),
    Column("类型", lambda b: b.reason_label),
    Column("大小", lambda b: file_size(b.size), lambda b: b.size),
    Column("文件名", lambda b: b.path.name, tooltip=lambda b: str(b.path)),
)


class BackupsTab(AdminTab):
    relogin_requested = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._build_ui()
        self._connect_signals()

    def service(self) -> MaintenanceService:
        return MaintenanceService(self.ctx.db, self.ctx.actor, self.ctx.app.paths)

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.backup_button = QPushButton("立即备份", self)
        self.restore_button = QPushButton("从备份恢复…", self)
        self.restore_file_button = QPushButton("从文件恢复…", self)
        self.folder_button = QPushButton("打开备份文件夹", self)
        self.check_button = QPushButton("数据库检查", self)
        layout.addLayout(
            button_row(
                self.backup_button,
                self.restore_button,
                self.restore_file_button,
                self.folder_button,
                self.check_button,
            )
        )
        self.model = RowTableModel(COLUMNS, parent=self)
        self.table = RecordTable(self.model, self)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        layout.addWidget(self.table, 1)
        if self.ctx.app.is_sqlite:
            text = (
                f"备份保存在 {self.ctx.app.paths.backups_dir}。每天首次登录且数据有变化时自动备份，"
                "升级和恢复之前也会自动备份；自动备份保留最近 7 天、4 周和 12 个月各一份，手动备份一直保留。"
                "恢复前会先把当前数据备份一份，恢复后需要重新登录。"
            )
        else:
            text = (
                "当前使用共享服务器（PostgreSQL）模式，数据库的备份由服务器负责（例如 pg_dump），"
                "本程序只备份本机的数据库文件。"
            )
        layout.addWidget(hint(text, self))
        self._update_buttons()

    def _connect_signals(self) -> None:
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        self.folder_button.clicked.connect(self.open_folder)
        self.check_button.clicked.connect(self.check)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())

    def tab_shown(self) -> None:
        self.reload()

    def reload(self) -> None:
        try:
            rows = self.service().list_backups()
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.model.set_rows(rows)
        self.table.fit_columns({0: 160, 1: 80, 2: 90})
        self._update_buttons()

    def _update_buttons(self) -> None:
        local = self.ctx.app.is_sqlite
        for button in (self.backup_button, self.restore_file_button, self.folder_button):
            button.setEnabled(local)
        self.restore_button.setEnabled(local and self.table.selected() is not None)

    def backup_now(self) -> None:
        service = self.service()
        try:
            info: BackupInfo = run_with_progress(
                self, call_job(service.backup, "正在备份数据库……"), "立即备份", cancellable=False
            )
        except Exception as exc:  # the job's error; an unexpected one is logged too
            show_error(self, exc)
            return
        self.reload()
        self.table.select_where(lambda b: b.path == info.path)
        show_info(self, f"已备份到：\n{info.path}（{file_size(info.size)}）", "备份完成")

    def restore_selected(self) -> None:
        current: BackupInfo | None = self.table.selected()
        if current is None:
            return
        self._restore(
            current.path,
            f"{current.made_at:%Y-%m-%d %H:%M:%S} 的{current.reason_label}备份",
        )

    def restore_from_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            "选择备份文件",
            str(self.ctx.app.paths.backups_dir),
            "数据库备份 (*.db);;所有文件 (*)",
        )
        if name:
            self._restore(Path(name), f"备份文件 {Path(name).name}")

    def _restore(self, path: Path, what: str) -> None:
        if not confirm(
            self,
            f"用{what}替换当前的全部数据？\n\n恢复前会先把当前数据自动备份一份（类型为「恢复前」），"
            "之后可以再恢复回来。恢复完成后需要重新登录。",
            "从备份恢复",
        ):
            return
        service = self.service()
        try:
            saved: BackupInfo = run_with_progress(
                self,
                call_job(lambda: service.restore(path), "正在恢复数据……"),
                "从备份恢复",
                cancellable=False,
            )
        except Exception as exc:  # the job's error; an unexpected one is logged too
            show_error(self, exc)
            self.reload()
            return
        log.info("restored %s; previous data saved as %s", path, saved.path)
        show_info(
            self,
            f"已从{what}恢复。\n恢复前的数据已备份为 {saved.path.name}。\n请重新登录。",
            "恢复完成",
        )
        self.relogin_requested.emit()

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.app.paths.backups_dir)))

    def check(self) -> None:
        service = self.service()
        try:
            report: CheckReport = run_with_progress(
                self, call_job(service.check, "正在检查数据库……"), "数据库检查"
            )
        except Exception as exc:  # the job's error; an unexpected one is logged too
            show_error(self, exc)
            return
        text = "\n".join(report.lines())
        if report.ok:
            show_info(self, text, "检查通过")
        else:
            show_error(self, text, "检查发现问题")
