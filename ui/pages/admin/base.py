"""What the tabs of 系统管理 share: the context, the admin service, a row of buttons."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from gongkai_desktop.services.admin import AdminService

from ...context import UiContext

log = logging.getLogger(__name__)


class AdminTab(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def admin(self) -> AdminService:
        return AdminService(self.ctx.db, self.ctx.actor)

    def tab_shown(self) -> None:
        """Called whenever the tab becomes visible; tabs reload what others may have changed."""


def button_row(*buttons: QPushButton, stretch_at_end: bool = True) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(8)
    for button in buttons:
        button.setAutoDefault(False)
        row.addWidget(button)
    if stretch_at_end:
        row.addStretch(1)
    return row
