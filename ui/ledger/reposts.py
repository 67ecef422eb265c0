"""转载: central and provincial policy documents reposted on the portal, flagged beyond 24 hours."""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.disclosure import RepostSource, RepostState
from gongkai_desktop.errors import GongkaiError, ValidationError
from gongkai_desktop.services.ledger import LedgerService
from gongkai_desktop.services.ledger_catalogue import RepostFields, RepostRow, RepostService

from ..context import UiContext
from ..dates import DateTimeEdit, date_problems
from ..fit import FitsOnScreen
from ..list_keys import ListKeys
from ..messages import confirm, show_error
from ..models import Column, RowTableModel
from ..widgets import ErrorLabel, RecordTable

log = logging.getLogger(__name__)


def _dt(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


REPOST_COLUMNS = (
    Column("标题", lambda r: r.title),
    Column("发文机关", lambda r: r.issuer),
    Column("来源", lambda r: r.source_level.label),
    Column("文号", lambda r: r.doc_number),
    Column("发布时间", lambda r: _dt(r.released_at), sort=lambda r: r.released_at),
    Column("转载时间", lambda r: _dt(r.reposted_at), sort=lambda r: r.reposted_at or datetime.max),
    Column(
        "间隔（小时）",
        lambda r: "" if r.hours is None else f"{r.hours:.1f}",
        sort=lambda r: r.hours if r.hours is not None else 1e9,
        align=Qt.AlignmentFlag.AlignRight,
    ),
    Column("状态", lambda r: r.state.label),
)


class RepostModel(RowTableModel):
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole:
            row: RepostRow = self.rows[index.row()]
            if row.flagged and index.column() in (6, 7):
                return QBrush(QColor("#c0392b"))
            if row.state is RepostState.PENDING and index.column() == 7:
                return QBrush(QColor("#7a5200"))
        return super().data(index, role)


class RepostDialog(FitsOnScreen, QDialog):
    def __init__(
        self,
        service: RepostService,
        divisions: list[tuple[int, str]],
        row: RepostRow | None,
        default_division: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.row = row
        self.setWindowTitle("转载记录")
        self.title = QLineEdit(row.title if row else "")
        self.issuer = QLineEdit(row.issuer if row else "")
        self.source = QComboBox()
        for s in RepostSource:
            self.source.addItem(s.label, s.value)
        self.doc_number = QLineEdit(row.doc_number if row else "")
        self.division = QComboBox()
        for division_id, name in divisions:
            self.division.addItem(name, division_id)
        wanted = row.division_id if row else default_division
        self.division.setCurrentIndex(max(self.division.findData(wanted), 0))
        self.released = DateTimeEdit(row.released_at if row else None)
        self.reposted_check = QCheckBox("已转载，转载时间：")
        self.reposted = DateTimeEdit(row.reposted_at if row else None)
        self.reposted_check.setChecked(bool(row and row.reposted_at))
        self.reposted.setEnabled(self.reposted_check.isChecked())
        self.reposted_check.toggled.connect(self.reposted.setEnabled)
        self.link = QLineEdit(row.link if row else "")
        self.errors = ErrorLabel()
        if row:
            self.source.setCurrentIndex(self.source.findData(row.source_level.value))
        reposted_row = QHBoxLayout()
        reposted_row.addWidget(self.reposted_check)
        reposted_row.addWidget(self.reposted, 1)
        form = QFormLayout(self)
        form.addRow("标题：", self.title)
        form.addRow("发文机关：", self.issuer)
        form.addRow("来源：", self.source)
        form.addRow("文号：", self.doc_number)
        form.addRow("负责处室：", self.division)
        form.addRow("发布时间：", self.released)
        form.addRow("转载：", reposted_row)
        form.addRow("转载链接：", self.link)
        form.addRow(QLabel("上级政策文件应在发布后 24 小时内转载到门户网站。"))
        form.addRow(self.errors)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, 380)

    def save(self) -> None:
        problems = date_problems(self)
        if problems:
            self.errors.show_message("\n".join(problems))
            return
        data = RepostFields(
            title=self.title.text(),
            issuer=self.issuer.text(),
            source_level=str(self.source.currentData()),
            released_at=self.released.value(),
            reposted_at=self.reposted.value() if self.reposted_check.isChecked() else None,
            doc_number=self.doc_number.text(),
            link=self.link.text(),
        )
        try:
            self.service.save_repost(
                self.row.id if self.row else None,
                int(self.division.currentData()),
                data,
                self.row.version if self.row else None,
            )
        except ValidationError as exc:
            self.errors.show_message("\n".join(exc.problems) or exc.message)
            return
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.accept()


class RepostsPanel(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = RepostService(ctx.db, ctx.actor)
        self.ledger = LedgerService(ctx.db, ctx.actor)
        self.model = RepostModel(REPOST_COLUMNS)
        self.table = RecordTable(self.model)
        self.summary = QLabel()
        self.summary.setObjectName("hintLabel")
        new = QPushButton("新增转载")
        edit = QPushButton("查看/编辑")
        delete = QPushButton("删除")
        new.setEnabled(self.ledger.editable_division_ids() != [])
        buttons = QHBoxLayout()
        for b in (new, edit, delete):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        new.clicked.connect(lambda: self.edit(None))
        edit.clicked.connect(lambda: self.edit(self.table.selected()))
        delete.clicked.connect(self.delete)
        self.table.doubleClicked.connect(lambda _i: self.edit(self.table.selected()))
        self.list_keys = ListKeys(
            self,
            self.table,
            new=new,
            delete=delete,
            open=edit,
            needs_selection=(edit, delete),
            empty="尚无转载记录。点击「新增转载」登记转载上级文件的情况。",
        )
        self.refresh()

    def refresh(self) -> None:
        rows = self.service.list_reposts()
        self.model.set_rows(rows)
        self.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        self.table.fit_columns({0: 360})
        flagged = sum(1 for r in rows if r.flagged)
        self.summary.setText(f"共 {len(rows)} 条，超过 24 小时 {flagged} 条")

    def edit(self, row: RepostRow | None) -> None:
        if row is not None and not row.editable:
            show_error(self, f"这条转载记录属于{row.division_name}，您只能查看。", "只读")
            return
        dialog = RepostDialog(
            self.service, self.ledger.divisions(), row, self.ctx.actor.division_id, self
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def delete(self) -> None:
        row = self.table.selected()
        if row is None or not confirm(self, f"删除转载记录「{row.title}」？"):
            return
        try:
            self.service.delete_repost(row.id)
        except GongkaiError as exc:
            show_error(self, exc)
        self.refresh()
