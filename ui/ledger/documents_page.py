"""规范性文件 page: the registry (filters, search, sort and paging done by the database), its
form, import/export, and 清理."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.disclosure import CleanupDecisionKind, DocumentLevel, DocumentStatus
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.services.ledger import LedgerService
from gongkai_desktop.services.ledger_documents import (
    CampaignRow,
    DocumentQuery,
    DocumentRow,
    DocumentService,
)

from ..context import UiContext
from ..dates import accept_when_dates_valid
from ..fit import FitsOnScreen
from ..list_keys import ListKeys
from ..messages import confirm, show_error, show_info
from ..models import ROW_ROLE, Column, RowTableModel
from ..widgets import RecordTable, heading, keep_hint_room
from .document_form import DocumentDialog
from .exchange import ImportDialog, export_ledger, save_template
from .paged_model import PagedColumn, PagedTableModel
from .widgets import DatabaseSortedList, date_edit, paged_table

log = logging.getLogger(__name__)

ALL = "全部"
SEARCH_DELAY_MS = 300
COLUMN_WIDTHS = (190, 320, 110, 100, 90, 90, 70, 100, 70)
_MUTED = QBrush(QColor("#8a8f98"))


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


DOCUMENT_COLUMNS: tuple[PagedColumn, ...] = (
    ("文号", lambda r: r.doc_number, "doc_number"),
    ("标题", lambda r: r.title, "title"),
    ("层级", lambda r: r.level.label, "level"),
    ("制发处室", lambda r: r.division_name, "division"),
    ("成文日期", lambda r: _d(r.written_on), "written_on"),
    ("公开日期", lambda r: _d(r.published_on), "published_on"),
    ("状态", lambda r: r.status.label, "status"),
    ("状态变更日期", lambda r: _d(r.status_changed_on), "status_changed_on"),
    ("征求意见", lambda r: "是" if r.consulted else "否", "consulted"),
    ("解读", lambda r: "是" if r.interpreted else "否", "interpreted"),
)
WRITTEN_ON_COLUMN = 4


class DocumentPagedModel(PagedTableModel):
    """Pages of 规范性文件; documents no longer in force are grey."""

    def __init__(self, page_size: int = 200, parent: Any = None) -> None:
        super().__init__(DOCUMENT_COLUMNS, page_size, parent)

    def style(self, row: DocumentRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return row.title
        if role == Qt.ItemDataRole.ForegroundRole and row.status is not DocumentStatus.VALID:
            return _MUTED
        return None


def _combo(items: list[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    for text, data in items:
        combo.addItem(text, data)
    return combo


class DocumentsList(DatabaseSortedList, QWidget):
    """The registry with its filter bar and actions; filters, search, sort and paging in SQL."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = DocumentService(ctx.db, ctx.actor)
        self.ledger = LedgerService(ctx.db, ctx.actor)
        self.sort_key = "written_on"
        self.descending = True
        self.total = 0
        self._build_ui()
        self._connect_signals()
        self.refresh()

    # ----- layout ------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        this_year = date.today().year
        self.year = _combo(
            [(ALL, None), *((f"{y}年", y) for y in range(this_year, this_year - 15, -1))]
        )
        self.division = _combo([(ALL, None), *((n, i) for i, n in self.ledger.divisions())])
        self.level = _combo([(ALL, None), *((lv.label, lv) for lv in DocumentLevel)])
        self.status = _combo([(ALL, None), *((s.label, s) for s in DocumentStatus)])
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索文号、标题、备注")
        self.search.setClearButtonEnabled(True)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        filters = QHBoxLayout()
        for label, widget in (
            ("成文年度", self.year),
            ("制发处室", self.division),
            ("层级", self.level),
            ("状态", self.status),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        keep_hint_room(self.search)
        filters.addWidget(self.search, 1)

        self.model = DocumentPagedModel(parent=self)
        self.table = paged_table(self.model, COLUMN_WIDTHS, WRITTEN_ON_COLUMN, row_height=28)

        self.summary = QLabel()
        self.summary.setObjectName("hintLabel")
        self.new_button = QPushButton("登记文件")
        self.open_button = QPushButton("查看/编辑")
        self.delete_button = QPushButton("删除")
        self.import_button = QPushButton("导入…")
        self.export_button = QPushButton("导出…")
        self.template_button = QPushButton("下载模板…")
        can_edit = self.ledger.editable_division_ids() != []
        self.new_button.setEnabled(can_edit)
        self.import_button.setEnabled(can_edit)
        actions = QHBoxLayout()
        for b in (self.new_button, self.open_button, self.delete_button):
            actions.addWidget(b)
        actions.addStretch(1)
        for b in (self.template_button, self.import_button, self.export_button):
            actions.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(actions)

    def _connect_signals(self) -> None:
        for combo in (self.year, self.division, self.level, self.status):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.timer.timeout.connect(self.refresh)
        self.model.sort_requested.connect(self.sort_by)
        self.table.horizontalHeader().sectionClicked.connect(self._header_clicked)
        self.new_button.clicked.connect(self.new_document)
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.list_keys = ListKeys.of_page(
            self,
            self.table,
            selection=True,
            empty="尚无规范性文件。点击「登记文件」或「导入…」。",
            filters=(self.year, self.division, self.level, self.status),
        )
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.import_button.clicked.connect(self.import_documents)
        self.export_button.clicked.connect(
            lambda: export_ledger(self, self.ctx, "documents", self.year.currentData())
        )
        self.template_button.clicked.connect(lambda: save_template(self, self.ctx, "documents"))

    # ----- querying ----------------------------------------------------------------------------
    def query(self) -> DocumentQuery:
        level = self.level.currentData()
        status = self.status.currentData()
        return DocumentQuery(
            year=self.year.currentData(),
            division_id=self.division.currentData(),
            level=DocumentLevel(level) if level else None,
            status=DocumentStatus(status) if status else None,
            text=self.search.text(),
            sort=self.sort_key,
            descending=self.descending,
        )

    def refresh(self) -> None:
        """Run the query and show its first page (more pages load as the view scrolls)."""
        query = self.query()
        service = self.service

        def fetch(after: DocumentRow | None, limit: int) -> list[DocumentRow]:
            return service.list_documents(query, after, limit)

        try:
            self.model.reset(fetch)
            counts = service.status_counts(query)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.total = sum(counts.values())
        valid = counts.get(DocumentStatus.VALID, 0)
        self.summary.setText(f"共 {self.total} 件，其中现行有效 {valid} 件")

    # ----- actions -----------------------------------------------------------------------------
    def selected(self) -> DocumentRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return indexes[0].data(ROW_ROLE) if indexes else None

    def new_document(self) -> None:
        if DocumentDialog(self.ctx, self.service, None, self).exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            detail = self.service.get_document(row.id)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        if (
            DocumentDialog(self.ctx, self.service, detail, self).exec()
            == QDialog.DialogCode.Accepted
        ):
            self.refresh()

    def delete_selected(self) -> None:
        row = self.selected()
        if row is None or not confirm(self, f"删除规范性文件「{row.doc_number}」的登记？"):
            return
        try:
            self.service.delete_document(row.id, row.version)
        except GongkaiError as exc:
            show_error(self, exc)
        self.refresh()

    def import_documents(self) -> None:
        if ImportDialog(self.ctx, "documents", self).exec() == QDialog.DialogCode.Accepted:
            self.refresh()


class NewCampaignDialog(FitsOnScreen, QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新建清理工作")
        self.name = QLineEdit(f"{date.today().year}年规范性文件清理")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.started_on = date_edit()
        form = QFormLayout(self)
        form.addRow("名称：", self.name)
        form.addRow("年度：", self.year)
        form.addRow("开始日期：", self.started_on)
        form.addRow(QLabel("清理范围：开始日期前成文、目前现行有效的全部文件。"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(accept_when_dates_valid(self))
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class CleanupPanel(QWidget):
    """清理: campaigns on the left, the documents and their 保留/修订/废止 on the right."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = DocumentService(ctx.db, ctx.actor)
        self.campaigns_model = RowTableModel(
            (
                Column("清理工作", lambda c: c.name),
                Column("开始", lambda c: _d(c.started_on)),
                Column("结果公布", lambda c: _d(c.published_on) or "未公布"),
                Column("已有结论", lambda c: str(c.decisions)),
            )
        )
        self.campaigns = RecordTable(self.campaigns_model)
        self.decisions = QTableWidget(0, 5)
        self.decisions.setHorizontalHeaderLabels(["文号", "标题", "制发处室", "状态", "清理结论"])
        self.decisions.verticalHeader().setVisible(False)
        self.decisions.horizontalHeader().setStretchLastSection(True)
        self.decisions.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.status = QLabel()
        self.status.setObjectName("hintLabel")
        self.new_button = QPushButton("新建清理…")
        self.publish_button = QPushButton("公布清理结果…")
        for b in (self.new_button, self.publish_button):
            b.setEnabled(ctx.actor.is_admin)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.campaigns, 1)
        left_layout.addWidget(self.new_button)
        left_layout.addWidget(self.publish_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.decisions, 1)
        right_layout.addWidget(self.status)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([320, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.campaigns.selectionModel().selectionChanged.connect(lambda *_: self.show_campaign())
        self.new_button.clicked.connect(self.new_campaign)
        self.publish_button.clicked.connect(self.publish)
        self.refresh()

    def refresh(self) -> None:
        self.campaigns_model.set_rows(self.service.list_campaigns())
        self.campaigns.fit_columns()
        self.campaigns.select_first()
        self.show_campaign()

    def campaign(self) -> CampaignRow | None:
        return self.campaigns.selected()

    def show_campaign(self) -> None:
        campaign = self.campaign()
        self.decisions.setRowCount(0)
        if campaign is None:
            self.status.setText("还没有清理工作。")
            return
        rows = self.service.campaign_documents(campaign.id)
        self.decisions.setRowCount(len(rows))
        published = campaign.published_on is not None
        editable = LedgerService(self.ctx.db, self.ctx.actor).editable_division_ids()
        for r, row in enumerate(rows):
            values = (row.doc_number, row.title, row.division_name, row.status.label)
            for c, value in enumerate(values):
                self.decisions.setItem(r, c, QTableWidgetItem(value))
            combo = QComboBox()
            combo.addItem("（未定）", None)
            for kind in CleanupDecisionKind:
                combo.addItem(kind.label, kind.value)
            if row.decision is not None:
                combo.setCurrentIndex(combo.findData(row.decision.value))
            own = editable is None or row.division_id in editable
            combo.setEnabled(not published and own)
            combo.currentIndexChanged.connect(
                lambda _i, doc=row.document_id, box=combo: self.decide(
                    doc, CleanupDecisionKind(box.currentData()) if box.currentData() else None
                )
            )
            self.decisions.setCellWidget(r, 4, combo)
        self.decisions.resizeColumnsToContents()
        decided = sum(1 for r in rows if r.decision is not None)
        text = f"共 {len(rows)} 件，已有结论 {decided} 件"
        if published:
            text += f"；结果已于 {campaign.published_on} 公布"
            if campaign.link:
                text += f"（{campaign.link}）"
        self.status.setText(text)

    def decide(self, document_id: int, decision: CleanupDecisionKind | None) -> None:
        campaign = self.campaign()
        if campaign is None:
            return
        try:
            self.service.set_decision(campaign.id, document_id, decision)
        except GongkaiError as exc:
            show_error(self, exc)
            self.show_campaign()

    def new_campaign(self) -> None:
        dialog = NewCampaignDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.service.create_campaign(
                dialog.name.text(), dialog.year.value(), dialog.started_on.value()
            )
        except GongkaiError as exc:
            show_error(self, exc)
        self.refresh()

    def publish(self) -> None:
        campaign = self.campaign()
        if campaign is None:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle("公布清理结果")
        published_on = date_edit()
        link = QLineEdit()
        form = QFormLayout(dialog)
        form.addRow("公布日期：", published_on)
        form.addRow("公布链接：", link)
        form.addRow(QLabel("公布后，结论为「废止」的文件状态改为已废止，清理结论不能再修改。"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(accept_when_dates_valid(dialog))
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            changed = self.service.publish_campaign(
                campaign.id, published_on.value(), link.text()
            )
        except GongkaiError as exc:
            show_error(self, exc)
            return
        show_info(self, f"清理结果已公布，{changed} 件文件改为已废止。")
        self.refresh()


class DocumentsPage(QWidget):
    """文件登记 | 清理."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.documents = DocumentsList(ctx)
        self.cleanup = CleanupPanel(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.documents, "文件登记")
        self.tabs.addTab(self.cleanup, "清理")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("规范性文件"))
        layout.addWidget(self.tabs, 1)
