"""登录: user name and password; the core's own Chinese message on failure (wrong password, the
attempts left, the lock-out); the last user name is remembered in the UI settings."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop import APP_NAME
from gongkai_desktop.db.engine import Database
from gongkai_desktop.domain.permissions import SYSTEM_ACTOR, Actor
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.auth import AuthService

from ..widgets import ErrorLabel

log = logging.getLogger(__name__)

LAST_USER_KEY = "login/last_user"


def unit_name(db: Database) -> str:
    """The unit name shown before anyone logs in (reading a setting needs no permission)."""
    try:
        return str(AdminService(db, SYSTEM_ACTOR).get_setting("unit_name") or "")
    except GongkaiError:
        return ""


class LoginDialog(QDialog):
    def __init__(
        self,
        db: Database,
        settings: QSettings,
        username: str = "",
        message: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.settings = settings
        self.actor: Actor | None = None
        self._build_ui()
        self._connect_signals()
        remembered = username or str(settings.value(LAST_USER_KEY, "") or "")
        self.username.setText(remembered)
        (self.password if remembered else self.username).setFocus()
        if message:
            self.error.show_message(message)

    def _build_ui(self) -> None:
        self.setWindowTitle(f"登录 — {APP_NAME}")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        title = QLabel(APP_NAME, self)
        title.setObjectName("loginTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        unit = unit_name(self.db)
        self.unit = QLabel(unit, self)
        self.unit.setObjectName("loginUnit")
        self.unit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unit.setVisible(bool(unit))
        layout.addWidget(self.unit)

        form = QFormLayout()
        form.setHorizontalSpacing(12)
        self.username = QLineEdit(self)
        self.username.setPlaceholderText("用户名")
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("密码")
        form.addRow("用户名：", self.username)
        form.addRow("密码：", self.password)
        layout.addLayout(form)

        self.error = ErrorLabel(self)
        layout.addWidget(self.error)

        self.buttons = QDialogButtonBox(self)
        self.login_button = self.buttons.addButton("登录", QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = self.buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        self.login_button.setDefault(True)
        self.login_button.setAutoDefault(True)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        # Enter in either field reaches the dialog's default button (登录) and nothing else: a
        # field's returnPressed connected too would make one press two attempts.
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def submit(self) -> None:
        """Check the password with the core; stay open with its message when it fails. Without a
        password nothing is tried: the cursor goes to the password field."""
        username = self.username.text().strip()
        if not username:
            self.error.show_message("请输入用户名。")
            self.username.setFocus()
            return
        if not self.password.text():
            self.error.show_message("请输入密码。" if not self.username.hasFocus() else "")
            self.password.setFocus()
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.actor = AuthService(self.db).login(username, self.password.text())
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            self.password.selectAll()
            self.password.setFocus()
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.settings.setValue(LAST_USER_KEY, username)
        self.settings.sync()
        log.info("user %s logged in", username)
        self.accept()
