"""修改密码: every user changes their own password (the old one is required)."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.services.admin import AdminService

from ..context import UiContext
from ..messages import show_info
from ..widgets import FormDialog, PasswordPair

log = logging.getLogger(__name__)


class ChangePasswordDialog(FormDialog):
    closing_errors = ()  # a wrong old password is corrected in place

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._build_ui()

    def _build_ui(self) -> None:
        self.setWindowTitle("修改密码")
        self.setMinimumWidth(400)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.old = QLineEdit(self)
        self.old.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("原密码：", self.old)
        self.passwords = PasswordPair(form, "新密码：")
        layout.addLayout(form)
        self.add_footer(layout)

    def submit(self) -> None:
        password = self.passwords.checked()
        AdminService(self.ctx.db, self.ctx.actor).change_own_password(self.old.text(), password)
        show_info(self, "密码已修改，下次登录请使用新密码。")
