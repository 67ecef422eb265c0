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

import logging
from datetime import date, datetime
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.engagement import KINDS
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.services.engagement import EngagementService
from gongkai_desktop.services.engagement_records import EngagementQuery

from ..context import UiContext
from ..messages import show_error
from .engagement_rules import RosterDialog, RuleSummary
from .engagement_tab import KindTab

log = logging.getLogger(__name__)

ALL_DIVISIONS = "全部处室"
ALL_YEARS = "全部年度"


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
