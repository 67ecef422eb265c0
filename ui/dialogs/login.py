"""登录: user name and password; the core's own Chinese message on failure (wrong password, the
attempts left, the lock-out); the last user name is remembered in the UI settings.

The dialog is the first window of a start: it imports Qt only and may open before the database
(``db=None``). ``attach`` hands it the database once the start-up has opened it; a 登录 pressed
before that is remembered and carried out then. ``painted`` is emitted after the first paint."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QPaintEvent
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
from gongkai_desktop.errors import GongkaiError

from ..error_label import ErrorLabel
from ..fit import FitsOnScreen

if TYPE_CHECKING:
    from gongkai_desktop.db.engine import Database
    from gongkai_desktop.domain.permissions import Actor

log = logging.getLogger(__name__)

LAST_USER_KEY = "login/last_user"


def unit_name(db: Database) -> str:
    """The unit name shown before anyone logs in (reading a setting needs no permission)."""
    from gongkai_desktop.domain.permissions import SYSTEM_ACTOR
    from gongkai_desktop.services.admin import AdminService

    try:
        if db.on_gate:
            from gongkai_desktop.server_login import gate_info

            with db.read() as session:
                return gate_info(session)[1]
        return str(AdminService(db, SYSTEM_ACTOR).get_setting("unit_name") or "")
    except GongkaiError:
        return ""


WAITING_MESSAGE = "正在打开数据库，请稍候……"


class LoginDialog(FitsOnScreen, QDialog):
    painted = Signal()

    def __init__(
        self,
        db: Database | None,
        settings: QSettings,
        username: str = "",
        message: str = "",
        parent: QWidget | None = None,
        *,
        offer_last_user: bool = True,
    ) -> None:
        """``username`` is offered, else (with ``offer_last_user``) the last one who logged in."""
        super().__init__(parent)
        self.db = db
        self.settings = settings
        self.actor: Actor | None = None
        self._submit_pending = False
        self._painted = False
        self._build_ui()
        self._connect_signals()
        remembered = username or (
            str(settings.value(LAST_USER_KEY, "") or "") if offer_last_user else ""
        )
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
        layout.addWidget(title)
        self.unit = QLabel(self)
        self.unit.setObjectName("loginUnit")
        # Its line is kept while the name is not known yet, so the dialog does not grow later.
        self.unit.setMinimumHeight(self.unit.fontMetrics().height())
        layout.addWidget(self.unit)
        self._show_unit(unit_name(self.db) if self.db is not None else "")

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
        self.waiting = QLabel(WAITING_MESSAGE, self)
        self.waiting.setObjectName("hintLabel")
        self.waiting.hide()
        layout.addWidget(self.waiting)

        # No parent here (the layout adopts it): the constructor with one would load Qt's enums.
        self.buttons = QDialogButtonBox()
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

    def _show_unit(self, unit: str) -> None:
        self.unit.setText(unit)

    def attach(self, db: Database, unit: str | None = None) -> None:
        """The database is open: show the unit's name and carry out a 登录 pressed meanwhile."""
        self.db = db
        self._show_unit(unit_name(db) if unit is None else unit)
        self.login_button.setEnabled(True)
        if self._submit_pending:
            self._submit_pending = False
            self.waiting.hide()
            self.submit()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.painted.emit()

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
        if self.db is None:
            self._submit_pending = True
            self.login_button.setEnabled(False)
            self.error.clear_message()
            self.waiting.show()
            return
        from PySide6.QtCore import Qt  # not before the dialog is shown: see ``ui.startup``

        from gongkai_desktop.services.auth import AuthService

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
