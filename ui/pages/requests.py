"""依申请公开: the request register (overdue and due-soon on top), each request's form and timeline,
and the page holding it beside the review and litigation cases (``requests_cases``).

Everything goes through ``RequestService``, which enforces the permissions (liaisons edit their
own division's requests, the admin all, leaders read) and the optimistic version check.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.labels import Role
from gongkai_desktop.domain.permissions import Action, allowed
from gongkai_desktop.domain.requests import (
    OUTCOME_NO_CORRECTION,
    RequestState,
)
from gongkai_desktop.errors import ConflictError, GongkaiError
from gongkai_desktop.services.published_matches import (
    OUTCOME_ALREADY_PUBLISHED,
    PublishedMatch,
    answer_draft,
)
from gongkai_desktop.services.requests import (
    RequestInput,
    RequestRow,
    RequestService,
)

from ..conflict import fields_from_snapshot, resolve_conflict, stored_version
from ..context import UiContext
from ..ledger.exchange import export_ledger, save_template
from ..list_keys import ListKeys
from ..messages import confirm, show_error
from ..models import Column, RowTableModel
from ..widgets import ErrorLabel, RecordTable, heading, keep_hint_room
from .requests_cases import ALL, FOLDER_KEY, CasesTab, active_divisions, date_text, import_ledger
from .requests_form import FIELD_LABELS, RequestForm, timeline_html
from .requests_matches import PublishedMatchesPanel

log = logging.getLogger(__name__)

STATE_COLOURS = {
    RequestState.OVERDUE: ("#ffffff", "#c0392b"),
    RequestState.DUE_SOON: ("#5a3b00", "#f8d98b"),
    RequestState.CORRECTION_OVERDUE: ("#5a3b00", "#f8d98b"),
    RequestState.CLOSED_LATE: ("#8e2b20", None),
    RequestState.UNKNOWN: ("#8e2b20", None),
}


class RequestTableModel(RowTableModel):
    """Requests with their state coloured: 逾期 red, 临期 amber."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if index.isValid() and role in (
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.BackgroundRole,
        ):
            row: RequestRow = self.rows[index.row()]
            colours = STATE_COLOURS.get(row.state)
            if colours and self.columns[index.column()].title == "状态":
                fg, bg = colours
                if role == Qt.ItemDataRole.ForegroundRole:
                    return QBrush(QColor(fg))
                return QBrush(QColor(bg)) if bg else None
            if colours and role == Qt.ItemDataRole.ForegroundRole and row.state.is_open:
                return QBrush(QColor("#c0392b" if row.state is RequestState.OVERDUE else "#7a5200"))
        return super().data(index, role)


def _days_left(row: RequestRow) -> str:
    left = row.status.days_left
    if left is None:
        return ""
    return f"超期 {-left} 天" if left < 0 else f"{left}"


REQUEST_COLUMNS = (
    Column("登记编号", lambda r: r.reg_no),
    Column(
        "收到日期", lambda r: date_text(r.data.receipt_date), sort=lambda r: r.data.receipt_date
    ),
    Column("申请人类型", lambda r: r.data.applicant_type.label),
    Column("申请人", lambda r: r.data.applicant),
    Column("承办处室", lambda r: r.division_name),
    Column(
        "答复期限",
        lambda r: date_text(r.deadline),
        sort=lambda r: r.deadline or date.max,
    ),
    Column(
        "剩余工作日",
        _days_left,
        sort=lambda r: r.status.days_left if r.status.days_left is not None else 10**6,
        align=Qt.AlignmentFlag.AlignRight,
    ),
    Column(
        "状态",
        lambda r: r.state.label,
        sort=lambda r: (r.state.is_open is False, r.deadline or date.max),
        tooltip=lambda r: "；".join(r.status.flags),
    ),
    Column("办理结果", lambda r: r.data.outcome or ""),
    Column("提示", lambda r: "；".join(r.status.flags)),
)

STATE_FILTERS: tuple[tuple[str, tuple[RequestState, ...] | None], ...] = (
    (ALL, None),
    (
        "需关注（逾期、临期、逾期未补正）",
        (RequestState.OVERDUE, RequestState.DUE_SOON, RequestState.CORRECTION_OVERDUE),
    ),
    ("办理中（全部未办结）", tuple(s for s in RequestState if s.is_open)),
    *((s.label, (s,)) for s in RequestState if s is not RequestState.UNKNOWN),
)


class RequestsTab(QWidget):
    """The register: filters, the list, and the selected request's form and timeline."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = RequestService(ctx.db, ctx.actor)
        self.current: RequestRow | None = None
        self.divisions = active_divisions(ctx)
        if ctx.actor.role is Role.LIAISON:
            editable = [(i, n) for i, n in self.divisions if i == ctx.actor.division_id]
        else:
            editable = self.divisions
        self._build_ui(editable)
        self._connect_signals()
        self.refresh()

    # -- layout -----------------------------------------------------------------------------
    def _build_ui(self, editable: list[tuple[int, str]]) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.year = QComboBox(self)
        self.year.addItem(ALL, None)
        this_year = date.today().year
        for y in range(this_year, this_year - 8, -1):
            self.year.addItem(f"{y}年", y)
        self.state = QComboBox(self)
        for label, states in STATE_FILTERS:
            self.state.addItem(label, states)
        self.division = QComboBox(self)
        self.division.addItem(ALL, None)
        for i, name in self.divisions:
            self.division.addItem(name, i)
        self.division.setVisible(self.ctx.actor.role is not Role.LIAISON)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("搜索编号、申请人、内容、结果")
        self.search.setClearButtonEnabled(True)
        self.new_button = QPushButton("新增申请", self)
        self.import_button = QPushButton("导入…", self)
        self.export_button = QPushButton("导出…", self)
        self.template_button = QPushButton("下载模板…", self)
        for label, widget in (("年度：", self.year), ("状态：", self.state)):
            bar.addWidget(QLabel(label, self))
            bar.addWidget(widget)
        bar.addWidget(self.division)
        keep_hint_room(self.search)
        bar.addWidget(self.search, 1)
        layout.addLayout(bar)
        for combo in (self.year, self.state, self.division):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
        second = QHBoxLayout()
        self.summary = QLabel(self)
        self.summary.setObjectName("hintLabel")
        self.summary.setWordWrap(True)
        second.addWidget(self.summary, 1)
        for b in (self.new_button, self.import_button, self.export_button, self.template_button):
            second.addWidget(b)
        layout.addLayout(second)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.model = RequestTableModel(REQUEST_COLUMNS, parent=self)
        self.table = RecordTable(self.model, splitter)
        # The service's order (overdue and due soon on top) until the user clicks a header.
        self.table.proxy.sort(-1)

        detail = QWidget(splitter)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(6, 0, 0, 0)
        self.title = QLabel("新申请", detail)
        self.title.setObjectName("sectionTitle")
        self.title.setWordWrap(True)
        detail_layout.addWidget(self.title)
        tabs = QTabWidget(detail)
        scroll = QScrollArea(tabs)
        scroll.setWidgetResizable(True)
        self.form = RequestForm(editable, scroll)
        scroll.setWidget(self.form)
        tabs.addTab(scroll, "登记信息")
        self.timeline = QTextBrowser(tabs)
        tabs.addTab(self.timeline, "办理时间线")
        self.detail_tabs = tabs
        detail_layout.addWidget(tabs, 1)
        self.matches = PublishedMatchesPanel(self.ctx, detail)
        detail_layout.addWidget(self.matches)
        self.error = ErrorLabel(detail)
        detail_layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存", detail)
        self.save_button.setDefault(True)
        self.delete_button = QPushButton("删除", detail)
        self.no_correction_button = QPushButton("按逾期不补正办结", detail)
        self.no_correction_button.setToolTip(
            "补正期限已过、申请人未补正：办理结果填为「"
            + OUTCOME_NO_CORRECTION
            + "」，答复日期为今天"
        )
        self.no_correction_button.setVisible(False)
        buttons.addWidget(self.no_correction_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        detail_layout.addLayout(buttons)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setSizes([820, 520])
        layout.addWidget(splitter, 1)

        can_edit = self.ctx.actor.role is not Role.LEADER
        for w in (self.new_button, self.import_button, self.save_button, self.delete_button):
            w.setVisible(can_edit)
        self.form.set_editable(can_edit)

    def _connect_signals(self) -> None:
        self.year.currentIndexChanged.connect(self.refresh)
        self.state.currentIndexChanged.connect(self.refresh)
        self.division.currentIndexChanged.connect(self.refresh)
        self.search.returnPressed.connect(self.refresh)
        self.search.textChanged.connect(lambda text: text or self.refresh())
        self.table.selectionModel().selectionChanged.connect(self._on_select)
        self.new_button.clicked.connect(self.new_request)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.no_correction_button.clicked.connect(self.close_as_not_corrected)
        self.form.content.textChanged.connect(self._content_changed)
        self.matches.chosen.connect(self.draft_from)
        self.import_button.clicked.connect(lambda: self._import("requests"))
        self.export_button.clicked.connect(lambda: self._export("requests"))
        self.template_button.clicked.connect(lambda: self._template("requests"))
        self.list_keys = ListKeys.of_page(
            self,
            self.table,
            empty="尚无依申请公开登记。点击「新增申请」或「导入…」。",
            filters=(self.year, self.state, self.division),
        )

    # -- data -------------------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            rows = self.service.list_requests(
                year=self.year.currentData(),
                division_id=self.division.currentData(),
                states=[RequestState(s) for s in self.state.currentData() or ()] or None,
                search=self.search.text(),
            )
        except GongkaiError as exc:
            show_error(self, exc)
            return
        keep = self.current.id if self.current else None
        self.model.set_rows(rows)
        overdue = sum(1 for r in rows if r.state is RequestState.OVERDUE)
        soon = sum(1 for r in rows if r.state is RequestState.DUE_SOON)
        open_ = sum(1 for r in rows if r.state.is_open)
        self.summary.setText(
            f"共 {len(rows)} 件，未办结 {open_} 件，其中逾期 {overdue} 件、临期 {soon} 件"
            "（临期：剩余不超过3个工作日）"
        )
        self.table.fit_columns({3: 120, 8: 220})
        if keep is None or not self.table.select_where(lambda r: r.id == keep):
            if rows:
                self.table.select_first()
            else:
                self.new_request()

    def _on_select(self) -> None:
        row = self.table.selected()
        if row is not None:
            self.show_request(row.id)

    def show_request(self, request_id: int) -> None:
        try:
            detail = self.service.get_request(request_id)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.current = detail.row
        self.form.load(detail.row.data)
        self.title.setText(
            f"{detail.row.reg_no}　{detail.row.state.label}"
            + (f"　答复期限 {detail.row.deadline}" if detail.row.deadline else "")
        )
        self.timeline.setHtml(timeline_html(detail.timeline))
        self.error.clear_message()
        can = allowed(self.ctx.actor, Action.EDIT_RECORD, detail.row.data.division_id)
        self.form.set_editable(can)
        self.save_button.setEnabled(can)
        self.delete_button.setEnabled(can)
        self.no_correction_button.setVisible(
            can and detail.row.state is RequestState.CORRECTION_OVERDUE
        )
        if self._open_for_matching():
            self.matches.search_now(detail.row.data.content)
        else:
            self.matches.clear()

    def _open_for_matching(self) -> bool:
        """Matches help while a request is being registered or handled, not once it is closed."""
        return self.current is None or self.current.state.is_open

    def _content_changed(self) -> None:
        if self._open_for_matching():
            self.matches.search_later(self.form.content.toPlainText())

    def draft_from(self, match: PublishedMatch) -> None:
        """The 告知 of an already published record: 予以公开, answered today, the draft text."""
        self.form.outcome.setCurrentIndex(self.form.outcome.findData(OUTCOME_ALREADY_PUBLISHED))
        self.form.answer.set_value(date.today())
        self.form.answer_text.setPlainText(answer_draft(match))
        self.detail_tabs.setCurrentIndex(0)
        self.error.show_message("已起草告知（予以公开），请核对答复日期和内容后点击「保存」。")

    def close_as_not_corrected(self) -> None:
        """Fill in the outcome the law offers once the 补正期限 has passed; 保存 stores it."""
        self.form.outcome.setCurrentIndex(self.form.outcome.findData(OUTCOME_NO_CORRECTION))
        self.form.answer.set_value(date.today())
        self.detail_tabs.setCurrentIndex(0)
        self.error.show_message("已填入办理结果和答复日期，请核对后点击「保存」。")

    def new_request(self) -> None:
        self.no_correction_button.setVisible(False)
        self.current = None
        self.matches.clear()
        self.table.clearSelection()
        self.form.clear(self.ctx.actor.division_id)
        self.form.set_editable(self.ctx.actor.role is not Role.LEADER)
        self.title.setText("新申请")
        self.timeline.setHtml("<p style='color:#7f8c8d'>保存后显示办理时间线。</p>")
        self.error.clear_message()
        self.save_button.setEnabled(True)
        self.delete_button.setEnabled(False)
        self.detail_tabs.setCurrentIndex(0)

    def save(self) -> None:
        try:
            data = self.form.values()
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return
        self._store(data, self.current.version if self.current is not None else None)

    def _store(self, data: RequestInput, version: int | None) -> None:
        try:
            if self.current is None:
                row = self.service.create_request(data)
            else:
                row = self.service.update_request(self.current.id, data, version)
        except ConflictError as exc:
            self._resolve_conflict(exc, data)
            return
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return
        self.current = row
        self.refresh()
        self.show_request(row.id)

    def _resolve_conflict(self, exc: ConflictError, mine: RequestInput) -> None:
        """Show the user's version beside the stored one; save again or reload, as chosen."""
        assert self.current is not None
        request_id = self.current.id
        version = stored_version(exc)
        if version is None:  # the error came without the stored values
            show_error(self, exc)
            self._reload(request_id)
            return
        theirs = fields_from_snapshot(RequestInput, exc.current)
        names = dict(self.divisions)
        resolve_conflict(
            self,
            version,
            FIELD_LABELS,
            RequestForm.texts(mine, names),
            RequestForm.texts(theirs, names),
            lambda stored: self._store(mine, stored),
            lambda: self._reload(request_id),
        )

    def _reload(self, request_id: int) -> None:
        self.refresh()
        self.show_request(request_id)

    def delete(self) -> None:
        if self.current is None:
            return
        if not confirm(self, f"确定删除申请「{self.current.reg_no}」吗？删除会记入审计日志。"):
            return
        try:
            self.service.delete_request(self.current.id, self.current.version)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.current = None
        self.refresh()

    # -- exchange ---------------------------------------------------------------------------
    def _import(self, key: str) -> None:
        import_ledger(self, self.ctx, key)
        self.refresh()

    def _export(self, key: str) -> None:
        export_ledger(self, self.ctx, key, self.year.currentData(), FOLDER_KEY)

    def _template(self, key: str) -> None:
        save_template(self, self.ctx, key, FOLDER_KEY)


class RequestsPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading("依申请公开", self))
        self.tabs = QTabWidget(self)
        self.requests = RequestsTab(ctx, self.tabs)
        self.cases = CasesTab(ctx, self.tabs)
        self.tabs.addTab(self.requests, "申请登记")
        self.tabs.addTab(self.cases, "行政复议、行政诉讼")
        self.tabs.currentChanged.connect(self._on_tab)
        layout.addWidget(self.tabs, 1)

    def _on_tab(self, index: int) -> None:
        (self.requests if index == 0 else self.cases).refresh()
