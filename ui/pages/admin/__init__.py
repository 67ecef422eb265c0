"""系统管理: divisions, users, the holiday calendar, the audit log, 回收站, backups and settings.

Admins only: the main window shows other users an explanation instead (``PageSpec.admin_only``),
and every action goes through the services, which refuse non-admins anyway.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ...context import UiContext
from .audit import AuditTab
from .backups import BackupsTab
from .divisions import DivisionsTab
from .holidays import HolidaysTab
from .recycle import RecycleBinTab
from .settings import SettingsTab
from .users import UsersTab

log = logging.getLogger(__name__)

TABS = (
    ("divisions", "处室", DivisionsTab),
    ("users", "用户", UsersTab),
    ("holidays", "节假日", HolidaysTab),
    ("audit", "审计日志", AuditTab),
    ("recycle", "回收站", RecycleBinTab),
    ("backups", "备份与恢复", BackupsTab),
    ("settings", "设置", SettingsTab),
)
SETTINGS_KEY = "admin/tab"


class AdminPage(QWidget):
    relogin_requested = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs_by_key: dict[str, QWidget] = {}
        self._build_ui()
        remembered = str(ctx.settings.value(SETTINGS_KEY, "divisions") or "divisions")
        self.show_tab(remembered if remembered in self.tabs_by_key else "divisions")
        self._connect_signals()
        self._tab_changed(self.tabs.currentIndex())

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        for key, title, cls in TABS:
            tab = cls(self.ctx, self.tabs)
            tab.setObjectName(f"{key}Tab")
            self.tabs_by_key[key] = tab
            self.tabs.addTab(tab, title)
        layout.addWidget(self.tabs)

    def _connect_signals(self) -> None:
        self.tabs.currentChanged.connect(self._tab_changed)
        backups = self.tabs_by_key["backups"]
        assert isinstance(backups, BackupsTab)
        backups.relogin_requested.connect(self.relogin_requested)

    def tab(self, key: str) -> QWidget:
        return self.tabs_by_key[key]

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentWidget(self.tabs_by_key[key])

    def page_shown(self) -> None:
        self._tab_changed(self.tabs.currentIndex())

    def _tab_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        for key, tab in self.tabs_by_key.items():
            if tab is widget:
                self.ctx.settings.setValue(SETTINGS_KEY, key)
        shown = getattr(widget, "tab_shown", None)
        if callable(shown):
            shown()
