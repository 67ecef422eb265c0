"""处室: the list of divisions; add, edit, deactivate and reactivate through ``AdminService``."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.labels import DivisionKind
from gongkai_desktop.errors import ConflictError, GongkaiError, PermissionDenied
from gongkai_desktop.services.admin import AdminService, DivisionInfo

from ...context import UiContext
from ...list_keys import ListKeys
from ...messages import confirm, show_error
from ...models import Column, RowTableModel
from ...widgets import FormDialog, RecordTable, hint
from .base import AdminTab, button_row

log = logging.getLogger(__name__)

COLUMNS = (
    Column("处室名称", lambda d: d.name, lambda d: d.sort_order),
    Column("代码", lambda d: d.code),
    Column("类型", lambda d: d.kind.label),
    Column("状态", lambda d: "启用" if d.active else "已停用"),
)


class DivisionDialog(FormDialog):
    """Add a division (``division`` None) or edit one; the service call happens on 确定."""

    closing_errors = (PermissionDenied, ConflictError)

    def __init__(
        self, ctx: UiContext, division: DivisionInfo | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.division = division
        self.saved: DivisionInfo | None = None
        self._build_ui()

    def _build_ui(self) -> None:
        self.setWindowTitle("新增处室" if self.division is None else "编辑处室")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(self)
        self.name.setMaxLength(64)
        self.code = QLineEdit(self)
        self.code.setMaxLength(16)
        self.kind = QComboBox(self)
        for member in DivisionKind:
            self.kind.addItem(member.label, member.value)
        form.addRow("处室名称：", self.name)
        form.addRow("代码：", self.code)
        form.addRow("类型：", self.kind)
        layout.addLayout(form)
        if self.division is None:
            self.code.setPlaceholderText("留空则自动编号")
            self.kind.setCurrentIndex(list(DivisionKind).index(DivisionKind.BUSINESS))
        else:
            self.name.setText(self.division.name)
            self.code.setText(self.division.code)
            self.kind.setCurrentIndex(list(DivisionKind).index(self.division.kind))
        layout.addWidget(
            hint(
                "综合处（政务公开办公室）只能有一个。业务处会在「各业务处」等词语中自动展开。", self
            )
        )
        self.add_footer(layout)

    def submit(self) -> None:
        service = AdminService(self.ctx.db, self.ctx.actor)
        kind = DivisionKind(self.kind.currentData())
        if self.division is None:
            self.saved = service.add_division(self.name.text(), kind, self.code.text())
        else:
            self.saved = service.update_division(
                self.division.id,
                expected_version=self.division.version,
                name=self.name.text(),
                code=self.code.text(),
                kind=kind if kind is not self.division.kind else None,
            )


class DivisionsTab(AdminTab):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._build_ui()
        self._connect_signals()

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.add_button = QPushButton("新增处室…", self)
        self.edit_button = QPushButton("编辑…", self)
        self.toggle_button = QPushButton("停用", self)
        self.refresh_button = QPushButton("刷新", self)
        self.show_inactive = QCheckBox("显示已停用的处室", self)
        self.show_inactive.setChecked(True)
        row = button_row(self.add_button, self.edit_button, self.toggle_button, self.refresh_button)
        row.addWidget(self.show_inactive)
        layout.addLayout(row)
        self.model = RowTableModel(COLUMNS, muted=lambda d: not d.active, parent=self)
        self.table = RecordTable(self.model, self)
        layout.addWidget(self.table, 1)
        layout.addWidget(
            hint("停用的处室不再出现在新记录的处室选择中，其历史记录保留。综合处不能停用。", self)
        )
        self._update_buttons()

    def _connect_signals(self) -> None:
        self.add_button.clicked.connect(self.add_division)
        self.edit_button.clicked.connect(self.edit_division)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.refresh_button.clicked.connect(self.reload)
        self.show_inactive.toggled.connect(self.reload)
        self.table.doubleClicked.connect(lambda _index: self.edit_division())
        self.list_keys = ListKeys(
            self, self.table, new=self.add_button, open=self.edit_button, empty="尚无处室。"
        )
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

    def tab_shown(self) -> None:
        self.reload()

    def reload(self) -> None:
        selected = self.table.selected()
        try:
            rows = self.admin().list_divisions(include_inactive=self.show_inactive.isChecked())
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.model.set_rows(rows)
        self.table.fit_columns({0: 200})
        if selected is not None:
            self.select_id(selected.id)
        self._update_buttons()

    def select_id(self, division_id: int) -> None:
        self.table.select_where(lambda d: d.id == division_id)

    def _update_buttons(self) -> None:
        current = self.table.selected()
        self.edit_button.setEnabled(current is not None)
        self.toggle_button.setEnabled(current is not None)
        self.toggle_button.setText("启用" if current is not None and not current.active else "停用")

    def add_division(self) -> None:
        dialog = DivisionDialog(self.ctx, None, self)
        dialog.exec()
        self.reload()
        if dialog.saved is not None:
            self.select_id(dialog.saved.id)

    def edit_division(self) -> None:
        current = self.table.selected()
        if current is None:
            return
        dialog = DivisionDialog(self.ctx, current, self)
        dialog.exec()
        self.reload()

    def toggle_active(self) -> None:
        current = self.table.selected()
        if current is None:
            return
        if current.active and not confirm(
            self, f"停用处室「{current.name}」？停用后不能再为它新建记录，已有记录保留。"
        ):
            return
        try:
            self.admin().update_division(
                current.id, expected_version=current.version, active=not current.active
            )
        except GongkaiError as exc:
            show_error(self, exc)
        self.reload()
