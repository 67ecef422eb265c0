"""新闻发布与回应: one tab per kind of record (新闻发布会, 政务舆情回应, 互动交流, 建议提案办理,
会议与培训, 督查审计整改), each the same list and form configured by the kind's description, with
the bureau's rule results of the year above the tabs (「第三季度尚未举行新闻发布会」,
「分管领导张某某本半年尚未出席新闻发布会」 …).

Everything goes through ``EngagementService``, which enforces the permissions (liaisons change
their own division's records, the admin all, leaders read) and the optimistic version check; the
page only hides what cannot work. Keys: Ctrl+N 新增, Ctrl+S 保存, Delete 删除 (in the list),
Ctrl+F 搜索.

A form with unsaved edits is never replaced silently: choosing another record, 新增, a filter, a
tab, coming back to the page or closing the main window first asks 保存 / 放弃 / 取消, and 取消
leaves the user where they were.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.compliance import Verdict
from gongkai_desktop.domain.engagement import KINDS
from gongkai_desktop.domain.engagement_fields import FieldSpec, FieldType, KindSpec, display
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.errors import ConflictError, GongkaiError
from gongkai_desktop.services.engagement import EngagementService
from gongkai_desktop.services.engagement_records import (
    EngagementQuery,
    EngagementRecord,
    values_from_snapshot,
)
from gongkai_desktop.services.engagement_rules import EngagementEvaluation

from ..conflict import resolve_conflict, stored_version
from ..context import UiContext
from ..list_keys import ListKeys
from ..messages import ask_save_changes, confirm, show_error
from ..models import Column, RowTableModel
from ..widgets import ErrorLabel, FormDialog, RecordTable, hint
from .engagement_form import EngagementForm

log = logging.getLogger(__name__)

ALL_DIVISIONS = "全部处室"
ALL_YEARS = "全部年度"
RED, AMBER, GREEN = "#c0392b", "#a86200", "#2e7d32"
_RED_BG, _AMBER_BG = QBrush(QColor("#c0392b")), QBrush(QColor("#f8d98b"))
_WHITE, _DARK_AMBER = QBrush(QColor("#ffffff")), QBrush(QColor("#5a3b00"))
_RED_TEXT = QBrush(QColor(RED))
STATE_TITLE = "状态与问题"


def state_text(record: EngagementRecord) -> str:
    """The state, then what breaks a rule (or is still owed)."""
    notes = record.problems or record.pending
    if not notes:
        return record.state
    return f"{record.state}：{'；'.join(notes)}" if record.state else "；".join(notes)


def _cell(f: FieldSpec, value: Any, names: dict[int, str]) -> str:
    return " ".join(display(f, value, names).split())


def _sort_value(f: FieldSpec, value: Any, names: dict[int, str]) -> Any:
    if f.type in (FieldType.DATE, FieldType.DATETIME):
        return value
    return _cell(f, value, names)


def columns_for(spec: KindSpec, names: dict[int, str]) -> list[Column]:
    """The list's columns: the kind's listed fields, its division, and the state."""
    columns = [
        Column(
            f.label,
            lambda r, f=f: _cell(f, r[f.name], names),
            sort=lambda r, f=f: _sort_value(f, r[f.name], names),
            tooltip=(lambda r, f=f: display(f, r[f.name], names))
            if f.type in (FieldType.TEXT, FieldType.LONG_TEXT, FieldType.SPEAKERS)
            else None,
        )
        for f in spec.fields
        if f.listed
    ]
    # The state right after the fields that identify a record, so that a broken rule is in
    # sight without scrolling; the division last.
    columns.insert(
        min(3, len(columns)),
        Column(
            STATE_TITLE,
            state_text,
            sort=lambda r: (not r.problems, not r.pending, r.state),
            tooltip=lambda r: "\n".join((*r.problems, *r.pending)) or r.state,
        ),
    )
    columns.append(Column(spec.division_label, lambda r: r.division_name))
    return columns


class RecordModel(RowTableModel):
    """Records of one kind; a broken rule makes the state cell red (and the row's text red), a
    limit still running makes it amber."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if index.isValid() and role in (
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.BackgroundRole,
        ):
            row: EngagementRecord = self.rows[index.row()]
            is_state = self.columns[index.column()].title == STATE_TITLE
            if row.problems:
                if is_state:
                    return _WHITE if role == Qt.ItemDataRole.ForegroundRole else _RED_BG
                if role == Qt.ItemDataRole.ForegroundRole:
                    return _RED_TEXT
            elif row.pending and is_state:
                return _DARK_AMBER if role == Qt.ItemDataRole.ForegroundRole else _AMBER_BG
        return super().data(index, role)


class KindTab(QWidget):
    """The list of one kind and the selected record's form, both configured by its ``KindSpec``."""

    saved = Signal()

    def __init__(
        self,
        ctx: UiContext,
        service: EngagementService,
        spec: KindSpec,
        divisions: list[tuple[int, str]],
        names: dict[int, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.spec = spec
        self.names = names
        self.current: EngagementRecord | None = None
        self.query = EngagementQuery(spec.kind)
        self.stale = True  # the query changed since the list was read
        self.dirty = False  # the form holds edits not yet saved
        self._quiet = 0
        self.can_edit = ctx.actor.role is not Role.LEADER
        self._build_ui(divisions)
        self._connect_signals()

    def _build_ui(self, divisions: list[tuple[int, str]]) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        top = QHBoxLayout()
        self.summary = hint("", self)
        top.addWidget(self.summary, 1)
        self.new_button = QPushButton(f"新增{self.spec.label}", self)
        self.new_button.setToolTip("Ctrl+N")
        top.addWidget(self.new_button)
        layout.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.model = RecordModel(columns_for(self.spec, self.names), parent=self)
        self.table = RecordTable(self.model, splitter)
        self.table.proxy.sort(-1)  # the service's order: the most recent first
        self.table.setObjectName(f"table_{self.spec.kind.value}")

        detail = QWidget(splitter)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(6, 0, 0, 0)
        self.title = QLabel(detail)
        self.title.setObjectName("boxTitle")
        self.title.setWordWrap(True)
        detail_layout.addWidget(self.title)
        scroll = QScrollArea(detail)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form = EngagementForm(self.spec, divisions, scroll)
        scroll.setWidget(self.form)
        detail_layout.addWidget(scroll, 1)
        self.error = ErrorLabel(detail)
        detail_layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.read_only = hint("", detail)
        buttons.addWidget(self.read_only, 1)
        self.delete_button = QPushButton("删除", detail)
        self.save_button = QPushButton("保存", detail)
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.setDefault(True)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        detail_layout.addLayout(buttons)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 460])
        self.splitter = splitter
        layout.addWidget(splitter, 1)
        for widget in (self.new_button, self.save_button, self.delete_button):
            widget.setVisible(self.can_edit)

    def _connect_signals(self) -> None:
        self.new_button.clicked.connect(self.new_record)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.table.selectionModel().selectionChanged.connect(self._on_select)
        self.form.changed.connect(self._on_changed)
        self.list_keys = ListKeys.of_page(
            self,
            self.table,
            empty=f"尚无{self.spec.label}记录。点击「新增{self.spec.label}」，在右侧填写后保存。",
        )
        self.delete_button.setEnabled(False)  # until a record is in the form

    # --- data ---
    def set_query(self, query: EngagementQuery) -> None:
        self.query = query
        self.stale = True

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Selection and form changes made by the program itself, not the user."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _on_changed(self) -> None:
        if not self._quiet and self.can_edit and self.save_button.isEnabled():
            self.dirty = True

    def confirm_leave(self) -> bool:
        """Before the form is replaced: True when it holds no unsaved edits or the user saved
        (successfully) or discarded them; False when they chose 取消 or saving failed."""
        if not self.dirty:
            return True
        answer = ask_save_changes(self, "尚未保存", self.spec.label)
        if answer == QMessageBox.StandardButton.Save:
            return self._save()
        if answer == QMessageBox.StandardButton.Discard:
            self._revert()
            return True
        return False

    def _revert(self) -> None:
        """Put the stored values back into the form."""
        if self.current is not None:
            self.show_record(self.current)
        else:
            self._show_blank()

    def _restore_selection(self) -> None:
        """Select again the row being edited (none for a new record)."""
        with self._quietly():
            if self.current is None or not self.select_record(self.current.id):
                self.table.clearSelection()

    def refresh(self) -> None:
        keep = self.current.id if self.current is not None else None
        try:
            rows = self.service.list_records(self.query)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.stale = False
        with self._quietly():
            self.model.set_rows(rows)
        broken = sum(1 for r in rows if r.problems)
        owed = sum(1 for r in rows if r.pending and not r.problems)
        text = f"共 {len(rows)} 条"
        if broken:
            text += f"，不符合规则 {broken} 条（红色）"
        if owed:
            text += f"，期限未到、尚待办理 {owed} 条（黄色）"
        self.summary.setText(text)
        self.table.fit_columns(self._widths())
        with self._quietly():
            if keep is None or not self.table.select_where(lambda r: r.id == keep):
                self.table.select_first()
        row = self.table.selected()
        if row is not None:
            self.show_record(row)
        else:
            self._show_blank()

    def _widths(self) -> dict[int, int]:
        widths: dict[int, int] = {}
        for i, column in enumerate(self.model.columns):
            if column.title == STATE_TITLE:
                widths[i] = 230
            elif column.title in ("发布主题", "舆情事项", "主题或内容", "标题", "主题", "发现问题"):
                widths[i] = 220
            elif column.title in ("发布人", "参加人员", "参与处室"):
                widths[i] = 170
        return widths

    def _on_select(self) -> None:
        if self._quiet:
            return
        row = self.table.selected()
        if row is None:
            return
        if self.current is not None and row.id == self.current.id and self.dirty:
            return
        if not self.confirm_leave():
            self._restore_selection()
            return
        shown = self.table.selected()
        if shown is None or shown.id != row.id:  # saving re-read the list
            with self._quietly():
                self.select_record(row.id)
            shown = self.table.selected()
        self.show_record(shown if shown is not None and shown.id == row.id else row)

    def show_record(self, record: EngagementRecord) -> None:
        self.current = record
        with self._quietly():
            self.form.load(record.values, record.division_id, record.division_name)
            self.form.set_editable(record.editable, self.ctx.actor.is_admin)
        self.dirty = False
        self.title.setText(f"{self.spec.label}：{record.title}")
        self.error.clear_message()
        self.save_button.setEnabled(record.editable)
        self.delete_button.setEnabled(record.editable)
        if self.ctx.actor.role is Role.LEADER:
            self.read_only.setText("领导账号只能查看。")
        elif not record.editable:
            self.read_only.setText(f"{record.division_name}的记录，只能查看。")
        else:
            self.read_only.setText("")

    def new_record(self) -> None:
        if not self.confirm_leave():
            self._restore_selection()
            return
        self._show_blank()

    def _show_blank(self) -> None:
        self.current = None
        with self._quietly():
            self.table.clearSelection()
            self.form.clear(self.ctx.actor.division_id)
            self.form.set_editable(self.can_edit, self.ctx.actor.is_admin)
        self.dirty = False
        self.title.setText(f"新{self.spec.label}")
        self.error.clear_message()
        self.read_only.setText("领导账号只能查看。" if not self.can_edit else "")
        self.save_button.setEnabled(self.can_edit)
        self.delete_button.setEnabled(False)

    def select_record(self, record_id: int) -> bool:
        return self.table.select_where(lambda r: r.id == record_id)

    def save(self) -> None:
        self._save()

    def _save(self) -> bool:
        """Store the form; True when it was stored."""
        if not self.can_edit or not self.save_button.isEnabled():
            return False
        version = self.current.version if self.current is not None else None
        try:
            values = self.form.values()
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return False
        return self._store(values, self.form.division_id(), version)

    def _store(self, values: dict[str, Any], division_id: int | None, version: int | None) -> bool:
        kind = self.spec.kind
        try:
            if self.current is None:
                record = self.service.create(kind, values, division_id)
            else:
                record = self.service.update(kind, self.current.id, version, values, division_id)
        except ConflictError as exc:
            self._resolve_conflict(exc, values, division_id)
            return not self.dirty
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return False
        self.current = record
        self.dirty = False
        self.refresh()
        shown = self.table.selected()
        if shown is None or shown.id != record.id:
            # Saved outside the filters (another year, say): keep it in the form all the same.
            with self._quietly():
                self.table.clearSelection()
            self.show_record(record)
        self.saved.emit()
        return True

    def _resolve_conflict(
        self, exc: ConflictError, mine: dict[str, Any], division_id: int | None
    ) -> None:
        """Show the user's version beside the stored one; save again or reload, as chosen."""
        assert self.current is not None
        record_id = self.current.id
        version = stored_version(exc)
        if version is None:  # the error came without the stored values
            show_error(self, exc)
            self._reload(record_id)
            return
        theirs = values_from_snapshot(self.spec.kind, exc.current)
        theirs_division = exc.current.get("division_id")
        resolve_conflict(
            self,
            version,
            self.spec.labels,
            EngagementForm.texts(self.spec, mine, division_id, self.names),
            EngagementForm.texts(self.spec, theirs, theirs_division, self.names),
            lambda stored: self._store(mine, division_id, stored),
            lambda: self._reload(record_id),
        )

    def _reload(self, record_id: int) -> None:
        self.refresh()
        if not self.select_record(record_id):
            try:
                self.show_record(self.service.get(self.spec.kind, record_id))
            except GongkaiError as exc:
                show_error(self, exc)

    def delete(self) -> None:
        record = self.current
        if record is None or not record.editable:
            return
        if not confirm(
            self, f"确定删除{self.spec.label}「{record.title}」吗？删除会记入审计日志。"
        ):
            return
        try:
            self.service.delete(self.spec.kind, record.id, record.version)
        except GongkaiError as exc:
            show_error(self, exc)
            self.refresh()
            return
        self.current = None
        self.dirty = False
        self.refresh()
        self.saved.emit()


class RosterDialog(FormDialog):
    """The bureau's 分管领导, one name a line (whose half-yearly attendance is checked)."""

    def __init__(self, service: EngagementService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle("分管领导名单")
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint(
                "每行一位分管领导的姓名。检查“每位分管领导每半年至少出席 1 次新闻发布会”时，"
                "按此名单逐人统计；发布会登记分管领导时请填写同样的姓名。",
                self,
            )
        )
        self.names = QPlainTextEdit(self)
        self.names.setPlainText("\n".join(service.deputy_roster()))
        layout.addWidget(self.names)
        self.add_footer(layout)

    def submit(self) -> None:
        self.service.set_deputy_roster(self.names.toPlainText().splitlines())


class RuleSummary(QFrame):
    """The bureau's rules of the year in sentences: what is missed (red) or not yet done (amber)
    first, then how many are met (every result in the tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("infoBox")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text, 1)
        self.roster_button = QPushButton("分管领导名单…", self)
        layout.addWidget(self.roster_button, 0, Qt.AlignmentFlag.AlignTop)
        self.lines: list[tuple[Verdict, str]] = []

    def show_evaluation(self, ev: EngagementEvaluation) -> None:
        findings = list(ev.findings)
        self.lines = [(f.verdict, f.text) for f in findings if f.verdict is not Verdict.MET]
        met = [f.text for f in findings if f.verdict is Verdict.MET]
        opinions = [c for o in ev.opinions for c in o.checks]
        late = sum(1 for c in opinions if c.verdict is Verdict.MISSED)
        owed = sum(1 for c in opinions if c.verdict is Verdict.AT_RISK)
        if late:
            self.lines.append((Verdict.MISSED, f"政务舆情回应超时 {late} 项"))
        if owed:
            self.lines.append((Verdict.AT_RISK, f"政务舆情时限未到、尚待办理 {owed} 项"))
        parts = []
        for verdict, colour in ((Verdict.MISSED, RED), (Verdict.AT_RISK, AMBER)):
            texts = [html.escape(text) for v, text in self.lines if v is verdict]
            if texts:
                parts.append(
                    f"<span style='color:{colour}'><b>{verdict.label}：</b>{'；'.join(texts)}</span>"
                )
        if met:
            parts.append(f"<span style='color:{GREEN}'><b>达标：</b>{len(met)} 项</span>")
        if not ev.roster:
            parts.append(
                "<span style='color:#5f6670'>（未设置分管领导名单，按发布会登记的分管领导统计）</span>"
            )
        head = f"<b>{ev.year}年规则检查</b>（截至 {ev.today:%Y-%m-%d}）<br>"
        self.text.setText(head + "　　".join(parts or ["尚无可检查的内容"]))
        self.setToolTip("\n".join(f.text for f in findings))


class EngagementPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = EngagementService(ctx.db, ctx.actor)
        self.divisions = self.service.divisions()
        self.names = self.service.division_names()
        self._build_ui()
        self._connect_signals()
        self._tab_index = self.tabs.currentIndex()
        self._filters = self._filter_state()
        self._refresh()

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        bar = QHBoxLayout()
        self.year = QComboBox(self)
        for year in self.service.years():
            self.year.addItem(f"{year}年", year)
        self.year.addItem(ALL_YEARS, None)
        self.year.setCurrentIndex(max(self.year.findData(date.today().year), 0))
        self.division = QComboBox(self)
        self.division.addItem(ALL_DIVISIONS, None)
        for division_id, name in self.divisions:
            self.division.addItem(name, division_id)
        self.problems_only = QCheckBox("只看不符合规则的", self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("搜索主题、事项、发布人、备注（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        for label, widget in (("年度：", self.year), ("处室：", self.division)):
            bar.addWidget(QLabel(label, self))
            bar.addWidget(widget)
        bar.addWidget(self.problems_only)
        bar.addWidget(self.search, 1)
        layout.addLayout(bar)

        self.rules = RuleSummary(self)
        self.rules.roster_button.setVisible(self.ctx.actor.is_admin)
        layout.addWidget(self.rules)

        self.tabs = QTabWidget(self)
        self.kind_tabs: list[KindTab] = []
        for spec in KINDS.values():
            tab = KindTab(self.ctx, self.service, spec, self.divisions, self.names, self.tabs)
            self.tabs.addTab(tab, spec.label)
            self.kind_tabs.append(tab)
        layout.addWidget(self.tabs, 1)

    def _connect_signals(self) -> None:
        self.year.currentIndexChanged.connect(self.refresh)
        self.division.currentIndexChanged.connect(self.refresh)
        self.problems_only.toggled.connect(self.refresh)
        self.search.returnPressed.connect(self.refresh)
        self.search.textChanged.connect(lambda text: text or self.refresh())
        self.tabs.currentChanged.connect(self._on_tab)
        self.rules.roster_button.clicked.connect(self.edit_roster)
        for tab in self.kind_tabs:
            tab.saved.connect(self.refresh_rules)
        for tab in self.kind_tabs:  # one search box above the tabs serves them all
            tab.list_keys.set_search(self.search, (self.year, self.division, self.problems_only))

    def current_tab(self) -> KindTab:
        return self.kind_tabs[self.tabs.currentIndex()]

    def tab_of(self, kind: Any) -> KindTab:
        return next(t for t in self.kind_tabs if t.spec.kind == kind)

    def page_shown(self) -> None:
        self.refresh()

    def _filter_state(self) -> tuple[int, int, bool, str]:
        return (
            self.year.currentIndex(),
            self.division.currentIndex(),
            self.problems_only.isChecked(),
            self.search.text(),
        )

    def _restore_filters(self) -> None:
        year, division, problems_only, text = self._filters
        widgets = (self.year, self.division, self.problems_only, self.search)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.year.setCurrentIndex(year)
            self.division.setCurrentIndex(division)
            self.problems_only.setChecked(problems_only)
            self.search.setText(text)
        finally:
            for widget in widgets:
                widget.blockSignals(False)

    def confirm_leave(self) -> bool:
        """Ask about the unsaved edits of any tab; False when the user stays."""
        return all(tab.confirm_leave() for tab in self.kind_tabs if tab.dirty)

    def close_windows(self) -> bool:
        """Called before the main window closes: False keeps it open."""
        return self.confirm_leave()

    def refresh(self) -> None:
        """Read the lists again under the filters, once unsaved edits are saved or discarded."""
        if not self.confirm_leave():
            self._restore_filters()
            return
        self._refresh()

    def _refresh(self) -> None:
        self._filters = self._filter_state()
        for tab in self.kind_tabs:
            tab.set_query(
                EngagementQuery(
                    tab.spec.kind,
                    year=self.year.currentData(),
                    division_id=self.division.currentData(),
                    text=self.search.text().strip(),
                    problems_only=self.problems_only.isChecked(),
                )
            )
        self.current_tab().refresh()
        self.refresh_rules()

    def refresh_rules(self) -> None:
        year = self.year.currentData() or date.today().year
        try:
            evaluation = self.service.evaluate(
                year, self.division.currentData(), now=datetime.now()
            )
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.rules.show_evaluation(evaluation)

    def _on_tab(self, index: int) -> None:
        previous = (
            self.kind_tabs[self._tab_index] if 0 <= self._tab_index < len(self.kind_tabs) else None
        )
        if previous is not None and previous is not self.kind_tabs[index]:
            if not previous.confirm_leave():
                self.tabs.blockSignals(True)
                self.tabs.setCurrentIndex(self._tab_index)
                self.tabs.blockSignals(False)
                return
        self._tab_index = index
        tab = self.kind_tabs[index]
        if tab.stale:
            tab.refresh()

    def edit_roster(self) -> None:
        dialog = RosterDialog(self.service, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh_rules()
