"""Tests of the log-in dialog (ui.dialogs.login): the core decides, the dialog shows its words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from support import ADMIN_PASSWORD

from ui.context import ui_settings
from ui.dialogs.login import LAST_USER_KEY, LoginDialog


@pytest.fixture
def login_dialog(qtbot, app_ctx, admin):  # type: ignore[no-untyped-def]
    """Factory: a shown log-in dialog on the initialised test database."""

    def make() -> LoginDialog:
        dialog = LoginDialog(app_ctx.db, ui_settings(app_ctx))
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def test_login_succeeds_with_enter_and_remembers_user(qtbot, login_dialog) -> None:  # type: ignore[no-untyped-def]
    """Enter in the password field logs in; the next dialog offers the same user name."""
    dialog = login_dialog()
    assert dialog.unit.text() == "测试局"
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.username == "admin"
    assert dialog.settings.value(LAST_USER_KEY) == "admin"
    again = login_dialog()
    assert again.username.text() == "admin"
    assert again.focusWidget() is again.password


def test_login_failure_shows_the_core_message(qtbot, login_dialog) -> None:  # type: ignore[no-untyped-def]
    """A wrong password keeps the dialog open with 用户名或密码错误 (the same words as for an
    unknown name, so the dialog does not tell which names exist)."""
    dialog = login_dialog()
    dialog.username.setText("admin")
    dialog.password.setText("wrong-password-1")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.actor is None
    assert dialog.error.isVisible()
    assert dialog.error.text() == "用户名或密码错误。"


def test_login_lock_out_message(qtbot, login_dialog) -> None:  # type: ignore[no-untyped-def]
    """After five failures a wrong password still reads 用户名或密码错误; the right password is
    told of the lock-out."""
    dialog = login_dialog()
    dialog.username.setText("admin")
    for _ in range(5):
        dialog.password.setText("wrong-password-1")
        dialog.submit()
    assert dialog.error.text() == "用户名或密码错误。"
    dialog.password.setText(ADMIN_PASSWORD)
    dialog.submit()
    assert dialog.actor is None
    assert "登录失败次数过多，账号已临时锁定" in dialog.error.text()


def test_login_requires_user_name(login_dialog) -> None:  # type: ignore[no-untyped-def]
    """An empty user name is answered without asking the database."""
    dialog = login_dialog()
    dialog.submit()
    assert dialog.error.text() == "请输入用户名。"


def _failed_logins(app_ctx, admin) -> list[object]:  # type: ignore[no-untyped-def]
    from gongkai_desktop.services.admin import AdminService

    rows = AdminService(app_ctx.db, admin).audit_log(action="login")
    return [r for r in rows if r.outcome != "ok"]


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_one_enter_is_one_attempt(qtbot, login_dialog, app_ctx, admin, key) -> None:  # type: ignore[no-untyped-def]
    """Enter in the password field with a typo counts as one failed attempt in the audit log."""
    before = len(_failed_logins(app_ctx, admin))
    dialog = login_dialog()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, "wrong-password-1")
    qtbot.keyClick(dialog.password, key)
    assert len(_failed_logins(app_ctx, admin)) == before + 1
    assert dialog.error.text() == "用户名或密码错误。"
    qtbot.keyClicks(dialog.password, "wrong-password-2")
    qtbot.keyClick(dialog.password, key)
    assert len(_failed_logins(app_ctx, admin)) == before + 2
    assert dialog.error.text() == "用户名或密码错误。"


def test_enter_in_the_user_name_goes_to_the_password(qtbot, login_dialog, app_ctx, admin) -> None:  # type: ignore[no-untyped-def]
    """Enter after the user name with no password yet asks for it and tries nothing."""
    before = len(_failed_logins(app_ctx, admin))
    dialog = login_dialog()
    dialog.username.clear()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.username.setFocus()
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    assert dialog.password.hasFocus()
    assert len(_failed_logins(app_ctx, admin)) == before
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
