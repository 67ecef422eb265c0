"""回收站: the deleted records of every kind, the latest deletion first, filtered by kind; 恢复
brings the selected one back (the service puts back what its deletion changed and audits it)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.record_kinds import RESTORABLE
from gongkai_desktop.services.recycle_bin import DeletedRecord, RecycleBinService

from ...context import UiContext
from ...formatting import local_time
from ...list_keys import ListKeys
from ...messages import confirm, show_error, show_info
from ...models import Column, RowTableModel
from ...widgets import RecordTable
from .base import AdminTab, button_row

log = logging.getLogger(__name__)

COLUMNS = (
    Column("删除时间", lambda r: local_time(r.deleted_at), lambda r: r.deleted_at),
    Column("类别", lambda r: r.kind),
    Column("记录", lambda r: r.title, tooltip=lambda r: r.title),
    Column("处室", lambda r: r.division),
    Column("删除人", lambda r: r.deleted_by),
)
EMPTY = "回收站是空的。在各页面删除的记录会出现在这里，管理员可以把它恢复。"


class RecycleBinTab(AdminTab):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._build_ui()
        self.restore_button.clicked.connect(self.restore_selected)
        self.refresh_button.clicked.connect(self.refresh)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())

    def service(self) -> RecycleBinService:
        return RecycleBinService(self.ctx.db, self.ctx.actor)

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.kind = QComboBox(self)
        self.kind.addItem("全部类别", None)
        for kind in RESTORABLE:
            self.kind.addItem(kind.label, kind.entity)
        bar.addWidget(QLabel("类别：", self))
        bar.addWidget(self.kind)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.model = RowTableModel(COLUMNS, parent=self)
        self.table = RecordTable(self.model, self)
        self.table.setObjectName("recycleTable")
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        layout.addWidget(self.table, 1)
        self.count = QLabel(self)
        self.count.setObjectName("hintLabel")
        self.restore_button = QPushButton("恢复", self)
        self.refresh_button = QPushButton("刷新", self)
        row = button_row(self.restore_button, self.refresh_button, stretch_at_end=False)
        row.addStretch(1)
        row.addWidget(self.count)
        layout.addLayout(row)
        self.list_keys = ListKeys(
            self,
            self.table,
            open=self.restore_button,
            needs_selection=(self.restore_button,),
            empty=EMPTY,
            filters=(self.kind,),
        )
        self.restore_button.setToolTip("恢复选中的记录（Enter）")

    def tab_shown(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        try:
            rows = self.service().deleted(self.kind.currentData())
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.model.set_rows(rows)
        self.table.fit_columns({2: 360})
        self.count.setText(f"共 {len(rows)} 条已删除的记录")

    def restore_selected(self) -> None:
        row: DeletedRecord | None = self.table.selected()
        if row is None:
            return
        if not confirm(self, f"恢复{row.kind}「{row.title}」？恢复后它回到原来的页面中。"):
            return
        try:
            title = self.service().restore(row.entity, row.id, row.version)
        except GongkaiError as exc:
            show_error(self, exc)
            self.refresh()
            return
        self.refresh()
        show_info(self, f"已恢复{row.kind}「{title}」。", "已恢复")
