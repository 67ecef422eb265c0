"""From the log-in dialog to the main window, and back: ``Start`` runs a start (the dialog at
once, the data opened behind it by ``ui.loader``), ``Controller`` holds the main window of the
session and logs in again after 注销, 切换用户 or a restore, without restarting the program.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.paths import resolve_paths

from . import clock
from .dialogs.login import LoginDialog
from .loader import BackgroundLoad
from .startup import ENV_PASSWORD, _eprint, _fail, open_data, wait_until_exposed

if TYPE_CHECKING:
    from gongkai_desktop.app import AppContext
    from gongkai_desktop.domain.permissions import Actor

    from .main_window import MainWindow

log = logging.getLogger(__name__)

POLL_MS = 25
START_ANYWAY_MS = 1000
IDLE_S = 0.005  # --smoke: the event loop's idle time between two turns while the data opens
# The log-in dialog's result when the opened database turns out to have no users yet.
WIZARD_NEEDED = 2


def run_first_time_setup(ctx: AppContext) -> Actor | None:
    """The first-run wizard; the new admin (logged in), or None when it was cancelled."""
    from .dialogs.wizard import FirstRunWizard

    wizard = FirstRunWizard(ctx)
    if wizard.exec() != FirstRunWizard.DialogCode.Accepted:
        return None
    return wizard.actor


def login_with_password(ctx: AppContext, username: str, password: str) -> Actor:
    from gongkai_desktop.services.auth import AuthService

    return AuthService(ctx.db).login(username, password)


def login_interactively(
    ctx: AppContext, username: str = "", message: str = "", offer_last_user: bool = True
) -> Actor | None:
    from .context import ui_settings

    dialog = LoginDialog(
        ctx.db,
        ui_settings(ctx),
        username=username,
        message=message,
        offer_last_user=offer_last_user,
    )
    if dialog.exec() != LoginDialog.DialogCode.Accepted:
        return None
    return dialog.actor


def start_auto_backup(ctx: AppContext) -> None:
    """The daily backup, on the worker; failures are logged, never shown as a start-up error."""
    from gongkai_desktop.app import auto_backup

    from .worker import Worker

    def job(_cancel: object):  # type: ignore[no-untyped-def]
        yield from ()
        return auto_backup(ctx)

    worker = Worker(job)
    worker.signals.finished.connect(
        lambda info: log.info("automatic backup %s", info.path if info else "not needed")
    )
    worker.signals.failed.connect(lambda exc: log.warning("automatic backup failed: %s", exc))
    worker.start()


class Controller(QObject):
    """Holds the main window of the session; logs in again after 注销, 切换用户 or a restore."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.window: MainWindow | None = None

    def open_main(self, actor: Actor) -> MainWindow:
        from .context import UiContext
        from .main_window import MainWindow

        window = MainWindow(UiContext.create(self.ctx, actor))
        window.relogin_requested.connect(self._relogin_soon)
        window.logout_requested.connect(self._logout_soon)
        window.show()
        self.window = window
        return window

    def _relogin_soon(self) -> None:
        # Not from inside the slot that asked for it: that slot's window is about to close.
        QTimer.singleShot(0, self.relogin)

    def _logout_soon(self, switching: bool) -> None:
        QTimer.singleShot(0, lambda: self.logout(switching))

    def logout(self, switching: bool = False) -> None:
        """注销 (the log-in dialog offers the same user again) or 切换用户 (an empty user name):
        the main window closes, if its pages let it, and the log-in dialog takes its place."""
        from gongkai_desktop.services.auth import AuthService

        window = self.window
        if window is None:
            return
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.setQuitOnLastWindowClosed(False)  # the log-in dialog is about to follow
        if not window.close():
            app.setQuitOnLastWindowClosed(True)
            return
        actor = window.ctx.actor
        try:
            AuthService(self.ctx.db).logout(actor, switching)
        except GongkaiError as exc:
            log.warning("logout not audited: %s", exc)
        self.relogin(closed=window, username="" if switching else actor.username)

    def relogin(self, closed: MainWindow | None = None, username: str | None = None) -> None:
        """The log-in dialog in place of the main window (``closed`` if it is closed already),
        offering ``username`` (None: the window's user; empty: nobody, for 切换用户)."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.setQuitOnLastWindowClosed(False)
        old, self.window = self.window, None
        if username is None:
            username = old.ctx.actor.username if old is not None else ""
        if old is not None:
            if old is not closed:
                old.close()
            old.deleteLater()
        if username:
            actor = login_interactively(self.ctx, username)
        else:
            actor = login_interactively(self.ctx, offer_last_user=False)
        app.setQuitOnLastWindowClosed(True)
        if actor is None:
            app.quit()
            return
        self.open_main(actor)


class Start:
    """One start of the program: the log-in dialog first, the data opened behind it."""

    def __init__(self, app: QApplication, args: argparse.Namespace) -> None:
        self.app = app
        self.args = args
        self.paths = resolve_paths(args.data_dir)
        self.settings = QSettings(str(self.paths.settings_ini), QSettings.Format.IniFormat)
        self.ctx: AppContext | None = None
        self.loader = BackgroundLoad(args, self._remembered_page())
        self.controller: Controller | None = None

    def _remembered_page(self) -> str:
        from .context import user_group
        from .dialogs.login import LAST_USER_KEY

        user = str(self.settings.value(LAST_USER_KEY, "") or "")
        key = f"{user_group(user)}/main_window/page" if user else ""
        return str(self.settings.value(key, "home") or "home") if key else "home"

    def close(self) -> None:
        if self.loader.started:
            self.loader.join()
            if self.ctx is None and self.loader.ctx is not None:
                self.ctx = self.loader.ctx
        if "ui.worker" in sys.modules:
            from .worker import wait_for_jobs

            wait_for_jobs()
        if self.ctx is not None:
            self.ctx.close()

    # ----- the data ------------------------------------------------------------------------
    def _take_loaded(self, interactive: bool) -> AppContext | None:
        """The context the thread opened, after the user's decisions on a damaged database."""
        from gongkai_desktop.app import DamagedDatabase
        from gongkai_desktop.deployment import PasswordNeeded

        self.loader.join()
        error = self.loader.error
        if error is None:
            self.ctx = self.loader.ctx
        elif isinstance(error, DamagedDatabase):
            self.ctx = open_data(self.args, interactive, damaged=error)
        elif isinstance(error, PasswordNeeded):
            # Server mode with no stored password: open_data asks for it, then connects here.
            self.ctx = open_data(self.args, interactive)
        elif isinstance(error, GongkaiError):
            _fail(interactive, f"无法打开数据：{error}")
            return None
        else:
            raise error
        if self.ctx is not None and interactive:
            for warning in self.ctx.warnings:
                QMessageBox.warning(None, "数据位置提醒", warning)
        return self.ctx

    def _initialized(self, ctx: AppContext) -> bool:
        from gongkai_desktop.app import is_initialized

        if ctx is self.loader.ctx:
            return self.loader.initialized
        return is_initialized(ctx.db)

    # ----- interactive ---------------------------------------------------------------------
    def interactive(self) -> int:
        from .fonts import warn_if_no_chinese_font

        warn_if_no_chinese_font()
        args = self.args
        if not args.db and not self.paths.db_path.is_file():
            # A new data folder: the wizard comes first and needs the database at once.
            self.ctx = open_data(args, True)
            return self._first_run() if self.ctx is not None else 1
        password = os.environ.get(ENV_PASSWORD, "")
        message = ""
        if args.as_user and password:
            ctx = self._take_loaded(True)
            if ctx is None:
                return 1
            if not self._initialized(ctx):
                return self._first_run()
            try:
                return self._main(login_with_password(ctx, args.as_user, password))
            except GongkaiError as exc:
                message = str(exc)
        return self._log_in(args.as_user or "", message)

    def _log_in(self, username: str, message: str) -> int:
        dialog = LoginDialog(
            self.loader.ctx.db if self.loader.done() and self.loader.ctx else None,
            self.settings,
            username=username,
            message=message,
        )
        if not self.loader.started:
            dialog.painted.connect(lambda: QTimer.singleShot(0, self.loader.start))
            # A dialog that is not painted soon (a locked screen, say) must not hold the data.
            QTimer.singleShot(START_ANYWAY_MS, dialog, self.loader.start)
        poll = QTimer(dialog)
        poll.setInterval(POLL_MS)
        failed: list[bool] = []

        def check() -> None:
            if not self.loader.done():
                return
            poll.stop()
            ctx = self._take_loaded(True)
            if ctx is None:
                failed.append(True)
                dialog.reject()
            elif not self._initialized(ctx):
                dialog.done(WIZARD_NEEDED)
            else:
                dialog.attach(ctx.db, self.loader.unit if ctx is self.loader.ctx else None)

        poll.timeout.connect(check)
        if dialog.db is None:
            poll.start()
        result = dialog.exec()
        if result == WIZARD_NEEDED:
            return self._first_run()
        if result != LoginDialog.DialogCode.Accepted or dialog.actor is None:
            return 1 if failed else 0
        return self._main(dialog.actor)

    def _first_run(self) -> int:
        assert self.ctx is not None
        actor = run_first_time_setup(self.ctx)
        if actor is None:
            return 0
        return self._main(actor)

    def _main(self, actor: Actor) -> int:
        assert self.ctx is not None
        self.controller = Controller(self.ctx)
        self.controller.open_main(actor)
        ctx = self.ctx
        QTimer.singleShot(0, lambda: start_auto_backup(ctx))
        return self.app.exec()

    # ----- --smoke -------------------------------------------------------------------------
    def smoke(self) -> int:
        """The whole path without a person; see ``ui.startup``."""
        from .fonts import warn_if_no_chinese_font

        warn_if_no_chinese_font(show_dialog=False)
        args = self.args
        password = os.environ.get(ENV_PASSWORD, "")
        dialog = LoginDialog(None, self.settings, username=args.as_user or "")
        dialog.show()
        if not wait_until_exposed(dialog):
            _eprint("登录窗口未能显示。")
            return 1
        login_ms = clock.ms_since_process_start()
        print(f"login_ms={login_ms}", flush=True)
        self.loader.start()
        # The GUI thread meanwhile turns its event loop as for a user typing, and measures the
        # longest turn: how long a key press could wait while the thread holds the interpreter.
        longest = 0.0
        last = time.perf_counter()
        while not self.loader.done():
            QApplication.processEvents()
            time.sleep(IDLE_S)
            now = time.perf_counter()
            longest = max(longest, now - last - IDLE_S)
            last = now
        print(f"open_ms={self.loader.elapsed_ms:.0f}\nstall_ms={longest * 1000:.0f}", flush=True)
        ctx = self._take_loaded(False)
        if ctx is None:
            return 1
        if not self._initialized(ctx):
            _eprint("数据库尚未初始化：请先运行 gongkai init 或在桌面程序中完成首次使用设置。")
            return 1
        if not args.as_user or not password:
            _eprint("自检需要 --as 用户名和环境变量 GONGKAI_PASSWORD。")
            return 1
        dialog.attach(ctx.db, self.loader.unit)
        dialog.username.setText(args.as_user)
        dialog.password.setText(password)
        pressed = QElapsedTimer()
        pressed.start()
        dialog.login_button.click()
        if dialog.actor is None:
            _eprint(f"登录失败：{dialog.error.text()}")
            return 1
        from .context import UiContext
        from .main_window import MainWindow

        window = MainWindow(UiContext.create(ctx, dialog.actor))
        window.show()
        if not wait_until_exposed(window):
            _eprint("主窗口未能显示。")
            return 1
        main_ms = pressed.elapsed()
        ready_ms = clock.ms_since_process_start()
        print(f"main_ms={main_ms}\nready_ms={ready_ms}", flush=True)
        start_auto_backup(ctx)
        window.close()
        return 0
