"""附件: the list of files attached to one record, with add / remove / open / save-as."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.attachments import AttachmentInfo, AttachmentService
from gongkai_desktop.errors import GongkaiError

from ..context import UiContext
from ..formatting import file_size
from ..messages import confirm, show_error

log = logging.getLogger(__name__)


class AttachmentPanel(QWidget):
    def __init__(
        self,
        ctx: UiContext,
        entity: str,
        entity_uuid: str,
        division_id: int,
        editable: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entity = entity
        self.entity_uuid = entity_uuid
        self.division_id = division_id
        self.service = AttachmentService(ctx.db, ctx.actor, ctx.app.paths.attachments_dir)
        self.list = QListWidget()
        self.list.setMaximumHeight(110)
        self.add_button = QPushButton("添加附件…")
        self.remove_button = QPushButton("移除")
        self.open_button = QPushButton("打开")
        self.save_button = QPushButton("另存为…")
        buttons = QVBoxLayout()
        for b in (self.add_button, self.open_button, self.save_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.add_button.setEnabled(editable)
        self.remove_button.setEnabled(editable)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.open_button.clicked.connect(self.open_selected)
        self.save_button.clicked.connect(self.save_selected)
        self.list.itemDoubleClicked.connect(lambda _item: self.open_selected())
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for info in self.service.list(self.entity, self.entity_uuid):
            item = QListWidgetItem(f"{info.filename}（{file_size(info.size)}）")
            item.setData(Qt.ItemDataRole.UserRole, info)
            item.setToolTip(f"SHA-256：{info.sha256}")
            self.list.addItem(item)

    def selected(self) -> AttachmentInfo | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def add(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择附件")
        if not path:
            return
        try:
            self.service.attach(self.entity, self.entity_uuid, self.division_id, path)
        except GongkaiError as exc:
            show_error(self, exc)
        self.refresh()

    def remove(self) -> None:
        info = self.selected()
        if info is None or not confirm(self, f"移除附件「{info.filename}」？"):
            return
        try:
            self.service.remove(info.id)
        except GongkaiError as exc:
            show_error(self, exc)
        self.refresh()

    def open_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        try:
            # The store names files by hash; a copy under the original name opens in its program.
            folder = Path(tempfile.mkdtemp(prefix="gongkai-"))
            target = self.service.store.export(info.sha256, folder / info.filename)
        except (GongkaiError, OSError) as exc:
            show_error(self, exc if isinstance(exc, GongkaiError) else GongkaiError(str(exc)))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    def save_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "附件另存为", info.filename)
        if not path:
            return
        try:
            self.service.store.export(info.sha256, path)
        except GongkaiError as exc:
            show_error(self, exc)
