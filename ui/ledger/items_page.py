"""公开事项 page: the item list (filters, search, sort and paging done by the database), the
detail form, bulk publication, import/export; with the 转载 and 标准目录 tabs beside it."""

from __future__ import annotations

import logging
import time
from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.disclosure import CHANNELS, DeadlineState, DisclosureAttribute
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.services.ledger import ItemQuery, ItemRow, LedgerService

from ..context import UiContext
from ..dates import accept_when_dates_valid
from ..fit import FitsOnScreen
from ..list_keys import ListKeys
from ..messages import confirm, show_error, show_info
from ..models import ROW_ROLE
from ..widgets import heading, keep_hint_room
from .exchange import ImportDialog, export_ledger, save_template
from .item_form import ItemDialog
from .item_model import ItemPagedModel
from .widgets import DatabaseSortedList, date_edit, paged_table

log = logging.getLogger(__name__)

ALL = "全部"
SEARCH_DELAY_MS = 300
COLUMN_WIDTHS = (340, 90, 80, 90, 90, 90, 90, 90, 80, 170, 150)


def _combo(items: list[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    for text, data in items:
        combo.addItem(text, data)
    return combo


class MarkPublishedDialog(FitsOnScreen, QDialog):
    """批量标记已公开: one date and link for the selected items."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("标记为已公开")
        self.published_on = date_edit(date.today())
        self.link = QLineEdit()
        self.link.setPlaceholderText("公开页面的网址（可留空）")
        self.add_portal = QCheckBox("同时在公开渠道中加入「门户网站」")
        self.add_portal.setChecked(True)
        form = QFormLayout(self)
        form.addRow(QLabel(f"将选中的 {count} 条事项标记为已公开。"))
        form.addRow("公开日期：", self.published_on)
        form.addRow("链接：", self.link)
        form.addRow("", self.add_portal)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(accept_when_dates_valid(self))
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class ItemsList(DatabaseSortedList, QWidget):
    """The 公开事项 list with its filter bar and actions."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = LedgerService(ctx.db, ctx.actor)
        self.sort_key = "formed_on"
        self.descending = True
        self.last_query_ms = 0.0
        self._build_ui()
        self._connect_signals()
        self.service.refresh_deadlines()
        self.refresh()

    # ----- layout ------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        years: list[tuple[str, object]] = [(ALL, None)]
        years += [(f"{y}年", y) for y in self.service.item_years()]
        self.year = _combo(years)
        self.division = _combo([(ALL, None), *((n, i) for i, n in self.service.divisions())])
        self.category = _combo([(ALL, None), *((c, c) for c in self.service.categories())])
        self.attribute = _combo([(ALL, None), *((a.label, a) for a in DisclosureAttribute)])
        self.state = _combo([(ALL, None), *((s.label, s) for s in DeadlineState)])
        self.channel = _combo([(ALL, None), *((c, c) for c in CHANNELS)])
        self.portal_missing = QCheckBox("未列门户网站")
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索标题、文号、备注")
        self.search.setClearButtonEnabled(True)
        self.reset_button = QPushButton("重置")
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.summary_timer = QTimer(self)
        self.summary_timer.setSingleShot(True)
        self.summary_timer.setInterval(0)
        self.total = 0

        filters = QHBoxLayout()
        for label, widget in (
            ("年度", self.year),
            ("处室", self.division),
            ("类别", self.category),
            ("属性", self.attribute),
            ("状态", self.state),
            ("渠道", self.channel),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.portal_missing)
        # The menus give up width to the search box: 类别 shows six characters, the rest four.
        for combo, chars in ((self.category, 6), (self.attribute, 4), (self.state, 4), (self.channel, 4)):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(chars)
        keep_hint_room(self.search)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.reset_button)

        self.model = ItemPagedModel(parent=self)
        self.table = paged_table(self.model, COLUMN_WIDTHS, 4, multi_select=True)

        self.summary = QLabel()
        self.summary.setObjectName("hintLabel")
        self.new_button = QPushButton("新增事项")
        self.open_button = QPushButton("查看/编辑")
        self.delete_button = QPushButton("删除")
        self.publish_button = QPushButton("标记已公开…")
        self.import_button = QPushButton("导入…")
        self.export_button = QPushButton("导出…")
        self.template_button = QPushButton("下载模板…")
        self.category_button = QPushButton("新增类别…")
        self.category_button.setVisible(self.ctx.actor.is_admin)
        can_edit = self.service.editable_division_ids() != []
        for button in (self.new_button, self.import_button, self.publish_button):
            button.setEnabled(can_edit)
        actions = QHBoxLayout()
        for button in (
            self.new_button,
            self.open_button,
            self.delete_button,
            self.publish_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (
            self.category_button,
            self.template_button,
            self.import_button,
            self.export_button,
        ):
            actions.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(actions)

    def _connect_signals(self) -> None:
        for combo in (
            self.year,
            self.division,
            self.category,
            self.attribute,
            self.state,
            self.channel,
        ):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.portal_missing.toggled.connect(lambda _on: self.refresh())
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.search_timer.timeout.connect(self.refresh)
        self.summary_timer.timeout.connect(self.update_summary)
        self.reset_button.clicked.connect(self.reset_filters)
        self.model.sort_requested.connect(self.sort_by)
        self.table.horizontalHeader().sectionClicked.connect(self._header_clicked)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.new_button.clicked.connect(self.new_item)
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.publish_button.clicked.connect(self.mark_published)
        self.import_button.clicked.connect(self.import_items)
        self.export_button.clicked.connect(self.export_items)
        self.template_button.clicked.connect(lambda: save_template(self, self.ctx, "items"))
        self.category_button.clicked.connect(self.add_category)
        self.list_keys = ListKeys.of_page(
            self,
            self.table,
            selection=True,
            needs_selection=(self.publish_button,),
            empty="尚无公开事项。点击「新增事项」或「导入…」。",
            filters=(
                self.year,
                self.division,
                self.category,
                self.attribute,
                self.state,
                self.channel,
                self.portal_missing,
            ),
        )

    # ----- querying ----------------------------------------------------------------------------
    def query(self) -> ItemQuery:
        # Qt hands str-based enums back as plain str: turn them into members again.
        attribute = self.attribute.currentData()
        state = self.state.currentData()
        return ItemQuery(
            year=self.year.currentData(),
            division_id=self.division.currentData(),
            category=self.category.currentData(),
            attribute=DisclosureAttribute(attribute) if attribute else None,
            state=DeadlineState(state) if state else None,
            channel=self.channel.currentData(),
            portal_missing=self.portal_missing.isChecked(),
            text=self.search.text(),
            sort=self.sort_key,
            descending=self.descending,
        )

    def refresh(self) -> None:
        """Run the query and show its first page (more pages load as the view scrolls); the
        counts per state follow right after, so the list itself answers first."""
        started = time.perf_counter()
        query = self.query()
        try:
            calendar = self.service.calendar()
            today = self.service.today(calendar=calendar)
            service = self.service

            def fetch(after: ItemRow | None, limit: int) -> list[ItemRow]:
                return service.list_items(query, after, limit, today, calendar)

            self.model.reset(fetch)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.last_query_ms = (time.perf_counter() - started) * 1000
        self._counted = (query, today)
        self.summary.setText(f"正在统计……（查询用时 {self.last_query_ms:.0f} 毫秒）")
        self.summary_timer.start()
        log.debug("items query %.0f ms", self.last_query_ms)

    def update_summary(self) -> None:
        query, today = self._counted
        try:
            counts = self.service.state_counts(query, today)
        except GongkaiError as exc:
            self.summary.setText(str(exc))
            return
        total = counts.by_state.get(query.state, 0) if query.state else counts.total
        self.total = total
        parts = [f"共 {total} 条"]
        parts += [f"{s.label} {counts.by_state[s]}" for s in DeadlineState if s in counts.by_state]
        if counts.portal_missing:
            parts.append(f"主动公开未列门户网站 {counts.portal_missing}")
        text = "　".join(parts)
        if today.warning:
            text += "　（" + today.warning + "临期状态暂不显示）"
        self.summary.setText(text)

    def reset_filters(self) -> None:
        for combo in (
            self.year,
            self.division,
            self.category,
            self.attribute,
            self.state,
            self.channel,
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.portal_missing.blockSignals(True)
        self.portal_missing.setChecked(False)
        self.portal_missing.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.refresh()

    # ----- actions -----------------------------------------------------------------------------
    def selected_rows(self) -> list[ItemRow]:
        indexes = self.table.selectionModel().selectedRows()
        return [index.data(ROW_ROLE) for index in sorted(indexes, key=lambda i: i.row())]

    def new_item(self) -> None:
        dialog = ItemDialog(self.ctx, self.service, None, self)
        dialog.saved.connect(lambda _row: self.refresh())
        dialog.exec()

    def open_item(self, row: ItemRow) -> ItemDialog:
        dialog = ItemDialog(self.ctx, self.service, row, self)
        dialog.saved.connect(self.model.replace_row)
        return dialog

    def open_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        try:
            row = self.service.get_item(rows[0].id)
        except GongkaiError as exc:
            show_error(self, exc)
            self.refresh()
            return
        self.open_item(row).exec()

    def delete_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        if len(rows) > 1:
            show_info(self, "一次只能删除一条事项。")
            return
        row = rows[0]
        if not confirm(self, f"删除公开事项「{row.title}」？删除后可在审计日志中查到。"):
            return
        try:
            self.service.delete_item(row.id, row.version)
        except GongkaiError as exc:
            show_error(self, exc)
        self.refresh()

    def mark_published(self) -> None:
        rows = self.selected_rows()
        if not rows:
            show_info(self, "请先在列表中选中要标记的事项（可按住 Ctrl 或 Shift 多选）。")
            return
        dialog = MarkPublishedDialog(len(rows), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            count = self.service.mark_published(
                [r.id for r in rows],
                dialog.published_on.value(),
                dialog.link.text(),
                dialog.add_portal.isChecked(),
            )
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.refresh()
        show_info(self, f"已将 {count} 条事项标记为已公开。")

    def import_items(self) -> None:
        dialog = ImportDialog(self.ctx, "items", self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def export_items(self) -> None:
        export_ledger(self, self.ctx, "items", self.year.currentData())

    def add_category(self) -> None:
        label, ok = QInputDialog.getText(self, "新增类别", "类别名称：")
        if not ok or not label.strip():
            return
        try:
            categories = self.service.add_category(label)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(ALL, None)
        for c in categories:
            self.category.addItem(c, c)
        self.category.blockSignals(False)


class ItemsPage(QWidget):
    """公开事项 | 转载 | 标准目录."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from .catalogue import CataloguePanel
        from .reposts import RepostsPanel

        self.ctx = ctx
        self.items = ItemsList(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.items, "公开事项")
        self.reposts = RepostsPanel(ctx)
        self.tabs.addTab(self.reposts, "转载（24小时）")
        self.catalogue = CataloguePanel(ctx)
        self.tabs.addTab(self.catalogue, "标准目录")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("公开事项"))
        layout.addWidget(self.tabs, 1)
