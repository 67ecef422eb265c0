"""修改密码: every user changes their own password (the old one is required)."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.services.admin import AdminService

from ..context import UiContext
from ..messages import show_info
from ..widgets import ErrorLabel, PasswordPair

log = logging.getLogger(__name__)


class ChangePasswordDialog(QDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._build_ui()
        self._connect_signals()

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
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def accept(self) -> None:
        problem = self.passwords.problem()
        if problem:
            self.error.show_message(problem)
            return
        try:
            AdminService(self.ctx.db, self.ctx.actor).change_own_password(
                self.old.text(), self.passwords.text()
            )
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return
        show_info(self, "密码已修改，下次登录请使用新密码。")
        super().accept()
