"""Start-up of the desktop application (``ui.app.main`` calls ``run``).

Order of start-up: Qt (Chinese translations of Qt's own dialogs, a CJK font, the style sheet, one
hook for unhandled exceptions) and at once the log-in dialog; once it is painted, a thread
(``ui.loader``) imports the core, checks and opens the data and imports the main window while the
user types. A damaged database then offers the newest verified backup; an empty data folder opens
the first-run wizard instead of the log-in (and its admin is logged in when it finishes). After
the log-in the main window opens (``ui.session``); the daily automatic backup runs on the worker.

This module imports Qt and the standard library only: SQLAlchemy and the services come later, on
the thread or inside the functions that need them.

``--smoke`` takes the whole path without a person: the log-in dialog is shown and
``login_ms=<milliseconds since the process started>`` printed once it is painted; while the data
opens the event loop keeps turning, and ``open_ms`` (the thread's time) and ``stall_ms`` (the
longest turn of the event loop meanwhile) are printed; then ``--as USER`` and ``GONGKAI_PASSWORD``
are typed in and 登录 pressed; the main window with its first page is shown and
``main_ms=<milliseconds from 登录 to the first page>`` and
``ready_ms=<milliseconds since the process started>`` are printed; see ``ui.clock``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

from gongkai_desktop import APP_ID, APP_NAME, __version__
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.paths import resolve_paths, resources_dir

if TYPE_CHECKING:
    from gongkai_desktop.app import AppContext, DamagedDatabase
    from gongkai_desktop.backup import EarlyQuickCheck
    from gongkai_desktop.deployment import PasswordNeeded

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
    """Qt's own Chinese (standard buttons, file dialogs, context menus): qtbase_zh_CN.qm from the
    Qt installation, else from resources/translations (where a frozen build may carry a copy);
    then the program's gongkai_qt_zh_CN.qm for the few strings of this Qt that the former leaves
    in English (the file dialog's 「&Look in:」 and 「Files of &type:」)."""
    ours = str(resources_dir() / "translations")
    found = False
    for folder in (QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath), ours):
        if (Path(folder) / "qtbase_zh_CN.qm").is_file() and _install(app, "qtbase_zh_CN", folder):
            found = True
            break
    if not found:
        log.warning("qtbase_zh_CN.qm not found; Qt's standard dialogs stay in English")
    if not _install(app, "gongkai_qt_zh_CN", ours):
        log.warning("gongkai_qt_zh_CN.qm not found in %s", ours)
    return found


def _install(app: QApplication, name: str, folder: str) -> bool:
    translator = QTranslator(app)
    if not translator.load(name, folder):
        return False
    app.installTranslator(translator)
    log.debug("translations %s from %s", name, folder)
    return True


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
        import traceback

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


def install_excepthook(show_dialogs: bool = True) -> None:
    global _show_dialogs
    _show_dialogs = show_dialogs
    sys.excepthook = handle_exception


# ----- start-up steps ----------------------------------------------------------------------------
def open_data(
    args: argparse.Namespace,
    interactive: bool,
    early_check: EarlyQuickCheck | None = None,
    damaged: DamagedDatabase | None = None,
) -> AppContext | None:
    """``open_app`` with the user's decisions on a damaged database; None when start-up ends.
    ``early_check``: the integrity check begun at the program's start, for the first attempt;
    ``damaged``: the damage the first attempt (on the start-up thread) already found."""
    from gongkai_desktop.app import DamagedDatabase, open_app
    from gongkai_desktop.deployment import PasswordNeeded

    while True:
        if damaged is None:
            check, early_check = early_check, None  # a file restored after damage is checked anew
            try:
                return open_app(args.data_dir, args.db, check)
            except DamagedDatabase as exc:
                damaged = exc
            except PasswordNeeded as exc:
                password = _ask_server_password(exc) if interactive else None
                if password is None:
                    _fail(interactive, f"无法打开数据：{exc}")
                    return None
                args.db = exc.server.url(password)
                continue
            except GongkaiError as exc:
                _fail(interactive, f"无法打开数据：{exc}")
                return None
        log.error("damaged database: %s", damaged)
        if not interactive or not _recover_damaged(args, damaged):
            _fail(interactive, str(damaged))
            return None
        damaged = None


def _ask_server_password(exc: PasswordNeeded) -> str | None:
    """Server mode without a stored password (no keyring here): ask for it at every start."""
    password, ok = QInputDialog.getText(
        None, "连接共享服务器", str(exc), QLineEdit.EchoMode.Password
    )
    return password if ok else None


def _recover_damaged(args: argparse.Namespace, exc: DamagedDatabase) -> bool:
    """Offer the newest verified backup; else a fresh database. True when start-up may go on."""
    from gongkai_desktop import backup

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
                from gongkai_desktop.anchor import Anchor

                Anchor(paths.db_path).mark_restored()
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


def run(args: argparse.Namespace) -> int:
    """Start-up after the command line (``ui.app`` parses it before Qt is imported)."""
    app = create_application([sys.argv[0] if sys.argv else "gongkai-desktop"])
    install_excepthook(show_dialogs=not args.smoke)
    from .session import Start

    start = Start(app, args)
    try:
        return start.smoke() if args.smoke else start.interactive()
    finally:
        start.close()
