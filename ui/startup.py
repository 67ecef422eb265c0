"""Start-up of the desktop application (``ui.app.main`` calls ``run``).

Order of start-up: Qt (Chinese translations of Qt's own dialogs, a CJK font, the style sheet, one
hook for unhandled exceptions), then the data (``open_app``; a damaged database offers the newest
verified backup), the first-run wizard on an empty database, the log-in, the main window; the daily
automatic backup then runs on the worker.

``--smoke`` logs in without a dialog (``--as USER`` and the environment variable
``GONGKAI_PASSWORD``), shows the main window with its first page, prints one line
``ready_ms=<milliseconds since the process started>`` and exits; see ``ui.clock`` for how the
process start is read.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from gongkai_desktop import APP_ID, APP_NAME, __version__, backup
from gongkai_desktop.app import AppContext, DamagedDatabase, auto_backup, is_initialized, open_app
from gongkai_desktop.backup import EarlyQuickCheck
from gongkai_desktop.domain.permissions import Actor
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.paths import resolve_paths, resources_dir
from gongkai_desktop.services.auth import AuthService

from . import clock
from .context import UiContext, ui_settings

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)

ENV_PASSWORD = "GONGKAI_PASSWORD"
ORGANIZATION = "gongkai"
# Preferred CJK families, Simplified Chinese first: without an explicit choice a system whose
# default font lacks Chinese may fall back to a Japanese variant of the same glyphs.
CJK_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Noto Sans SC",
    "SimSun",
)
SMOKE_TIMEOUT_MS = 20_000


# ----- Qt set-up ---------------------------------------------------------------------------------
def create_application(argv: Sequence[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication(list(argv))
    app.setApplicationName(APP_ID)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    install_translations(app)
    apply_font(app)
    apply_style(app)
    return app


def install_translations(app: QApplication) -> bool:
    """Qt's own Chinese (standard buttons, file dialogs, context menus): from the Qt installation,
    else from resources/translations (where a frozen build may carry a copy)."""
    folders = [
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
        str(resources_dir() / "translations"),
    ]
    for folder in folders:
        if not (Path(folder) / "qtbase_zh_CN.qm").is_file():
            continue
        translator = QTranslator(app)
        if translator.load("qtbase_zh_CN", folder):
            app.installTranslator(translator)
            log.debug("Qt translations from %s", folder)
            return True
    log.warning("qtbase_zh_CN.qm not found; Qt's standard dialogs stay in English")
    return False


def apply_font(app: QApplication) -> str:
    """Use a Simplified Chinese UI font when the system has one; return the family chosen."""
    available = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in available:
            font = QFont(app.font())
            font.setFamilies([family, *font.families()])
            if font.pointSizeF() < 10:
                font.setPointSizeF(10)
            app.setFont(font)
            return family
    return app.font().family()


def apply_style(app: QApplication) -> bool:
    path = resources_dir() / "style.qss"
    try:
        app.setStyleSheet(path.read_text(encoding="utf-8"))
    except OSError as exc:
        log.warning("style sheet not loaded: %s", exc)
        return False
    return True


# ----- unhandled exceptions ----------------------------------------------------------------------
_showing_error = False
# False in --smoke: nobody is there to close a message box, so errors go to stderr only.
_show_dialogs = True


def log_file() -> str:
    for handler in logging.getLogger().handlers:
        name = getattr(handler, "baseFilename", None)
        if name:
            return str(name)
    return ""


def handle_exception(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """The one hook for exceptions nobody caught: log the traceback, tell the user in Chinese."""
    global _showing_error
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log.critical("unhandled exception", exc_info=(exc_type, exc, tb))
    if not logging.getLogger().handlers:
        traceback.print_exception(exc_type, exc, tb)
    if not _show_dialogs:
        _eprint(f"程序错误：{exc_type.__name__}：{exc}")
        return
    if _showing_error or QApplication.instance() is None:
        return
    where = log_file()
    text = (
        str(exc)
        if isinstance(exc, GongkaiError)
        else f"程序遇到了意外错误，当前操作可能没有完成（已保存的数据不受影响）。\n\n{exc_type.__name__}：{exc}"
    )
    if where:
        text += f"\n\n详细信息已记录在日志文件中：\n{where}\n如问题反复出现，请把该文件提供给技术支持人员。"
    _showing_error = True
    try:
        QMessageBox.critical(None, "程序错误", text)
    finally:
        _showing_error = False


# False in --smoke: nobody is there to close a message box, so errors go to stderr only.
_show_dialogs = True


def install_excepthook(show_dialogs: bool = True) -> None:
    global _show_dialogs
    _show_dialogs = show_dialogs
    sys.excepthook = handle_exception


# ----- start-up steps ----------------------------------------------------------------------------
def open_data(
    args: argparse.Namespace, interactive: bool, early_check: EarlyQuickCheck | None = None
) -> AppContext | None:
    """``open_app`` with the user's decisions on a damaged database; None when start-up ends.
    ``early_check``: the integrity check begun at the program's start, for the first attempt."""
    while True:
        check, early_check = early_check, None  # a file restored after damage is checked anew
        try:
            return open_app(args.data_dir, args.db, check)
        except DamagedDatabase as exc:
            log.error("damaged database: %s", exc)
            if not interactive or not _recover_damaged(args, exc):
                _fail(interactive, str(exc))
                return None
        except GongkaiError as exc:
            _fail(interactive, f"无法打开数据：{exc}")
            return None


def _recover_damaged(args: argparse.Namespace, exc: DamagedDatabase) -> bool:
    """Offer the newest verified backup; else a fresh database. True when start-up may go on."""
    paths = resolve_paths(args.data_dir)
    newest = exc.newest_backup
    if newest is not None:
        answer = QMessageBox.question(
            None,
            "数据库已损坏",
            f"{exc}\n\n是否从这份备份（{newest.made_at:%Y-%m-%d %H:%M}，{newest.reason_label}）恢复？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            try:
                backup.restore_into(newest.path, paths.db_path)
            except GongkaiError as error:
                QMessageBox.critical(None, "恢复失败", str(error))
                return False
            log.warning("restored %s after damage", newest.path)
            return True
    answer = QMessageBox.question(
        None,
        "数据库已损坏",
        f"{exc}\n\n是否以空的数据重新开始？此前的数据不会出现在新数据库中，"
        f"损坏的文件保留在 {exc.moved_to}。",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    backup.clear_moved_aside(paths.db_path)
    log.warning("starting with empty data; the damaged file stays at %s", exc.moved_to)
    return True


def _eprint(message: str) -> None:
    # A windowed program on Windows has no stderr at all.
    if sys.stderr is not None:
        print(message, file=sys.stderr, flush=True)


def _fail(interactive: bool, message: str) -> None:
    if interactive:
        QMessageBox.critical(None, APP_NAME, message)
    else:
        _eprint(message)


def run_first_time_setup(ctx: AppContext) -> str | None:
    """The first-run wizard; the new admin's user name, or None when it was cancelled."""
    from .dialogs.wizard import FirstRunWizard

    wizard = FirstRunWizard(ctx)
    if wizard.exec() != FirstRunWizard.DialogCode.Accepted:
        return None
    return wizard.admin_username()


def login_with_password(ctx: AppContext, username: str, password: str) -> Actor:
    return AuthService(ctx.db).login(username, password)


def login_interactively(ctx: AppContext, username: str = "", message: str = "") -> Actor | None:
    from .dialogs.login import LoginDialog

    dialog = LoginDialog(ctx.db, ui_settings(ctx), username=username, message=message)
    if dialog.exec() != LoginDialog.DialogCode.Accepted:
        return None
    return dialog.actor


def start_auto_backup(ctx: AppContext) -> None:
    """The daily backup, on the worker; failures are logged, never shown as a start-up error."""
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
    """Holds the main window of the session; logs in again after a restore."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.window: MainWindow | None = None

    def open_main(self, actor: Actor) -> MainWindow:
        from .main_window import MainWindow

        window = MainWindow(UiContext.create(self.ctx, actor))
        window.relogin_requested.connect(self._relogin_soon)
        window.show()
        self.window = window
        return window

    def _relogin_soon(self) -> None:
        # Not from inside the slot that asked for it: that slot's window is about to close.
        QTimer.singleShot(0, self.relogin)

    def relogin(self) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.setQuitOnLastWindowClosed(False)
        old, self.window = self.window, None
        username = old.ctx.actor.username if old is not None else ""
        if old is not None:
            old.close()
            old.deleteLater()
        actor = login_interactively(self.ctx, username)
        app.setQuitOnLastWindowClosed(True)
        if actor is None:
            app.quit()
            return
        self.open_main(actor)


def wait_until_exposed(window: object, timeout_ms: int = SMOKE_TIMEOUT_MS) -> bool:
    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < timeout_ms:
        QApplication.processEvents()
        handle = window.windowHandle()  # type: ignore[attr-defined]
        if window.isVisible() and handle is not None and handle.isExposed():  # type: ignore[attr-defined]
            QApplication.processEvents()
            return True
    return False


def run_smoke(ctx: AppContext, args: argparse.Namespace) -> int:
    if not is_initialized(ctx.db):
        _eprint("数据库尚未初始化：请先运行 gongkai init 或在桌面程序中完成首次使用设置。")
        return 1
    password = os.environ.get(ENV_PASSWORD, "")
    if not args.as_user or not password:
        _eprint("自检需要 --as 用户名和环境变量 GONGKAI_PASSWORD。")
        return 1
    try:
        actor = login_with_password(ctx, args.as_user, password)
    except GongkaiError as exc:
        _eprint(f"登录失败：{exc}")
        return 1
    from .main_window import MainWindow

    window = MainWindow(UiContext.create(ctx, actor))
    window.show()
    if not wait_until_exposed(window):
        _eprint("主窗口未能显示。")
        return 1
    ready_ms = clock.ms_since_process_start()
    if sys.stdout is not None:
        print(f"ready_ms={ready_ms}", flush=True)
    start_auto_backup(ctx)
    window.close()
    return 0


def run(args: argparse.Namespace, early_check: EarlyQuickCheck | None = None) -> int:
    """Start-up after the command line (``ui.app`` parses it, Qt-free, and begins the integrity
    check of the database file before anything heavy is imported)."""
    app = create_application([sys.argv[0] if sys.argv else "gongkai-desktop"])
    interactive = not args.smoke
    install_excepthook(show_dialogs=interactive)
    ctx = open_data(args, interactive, early_check)
    if ctx is None:
        return 1
    try:
        if args.smoke:
            return run_smoke(ctx, args)
        return run_interactive(app, ctx, args)
    finally:
        from .worker import wait_for_jobs

        wait_for_jobs()
        ctx.close()


def run_interactive(app: QApplication, ctx: AppContext, args: argparse.Namespace) -> int:
    for warning in ctx.warnings:
        QMessageBox.warning(None, "数据位置提醒", warning)
    username = args.as_user or ""
    if not is_initialized(ctx.db):
        created = run_first_time_setup(ctx)
        if created is None:
            return 0
        username = created
    actor: Actor | None = None
    message = ""
    password = os.environ.get(ENV_PASSWORD, "")
    if args.as_user and password:
        try:
            actor = login_with_password(ctx, args.as_user, password)
        except GongkaiError as exc:
            message = str(exc)
    if actor is None:
        actor = login_interactively(ctx, username, message)
        if actor is None:
            return 0
    controller = Controller(ctx)
    controller.open_main(actor)
    QTimer.singleShot(0, lambda: start_auto_backup(ctx))
    return app.exec()
