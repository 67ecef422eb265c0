"""Tests of the start-up (ui.app): --smoke as a process, the exception hook, translations, a
damaged database and the non-interactive log-in."""

from __future__ import annotations

import argparse
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from support import ADMIN_PASSWORD

from gongkai_desktop import backup
from gongkai_desktop.app import open_app
from gongkai_desktop.errors import ValidationError
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.setup import initialize
from ui import app as ui_entry
from ui import session as ui_session
from ui import startup as ui_startup
from ui.clock import ms_since_process_start

ROOT = Path(__file__).resolve().parents[2]


def run_app(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("GONGKAI_PASSWORD", None)
    if password is not None:
        env["GONGKAI_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "ui.app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def initialised_dir(tmp_path: Path) -> Path:
    """A data folder holding an initialised database (admin / ADMIN_PASSWORD)."""
    data = tmp_path / "data"
    ctx = open_app(data)
    try:
        initialize(ctx.db, "测试局", "admin", ADMIN_PASSWORD)
    finally:
        ctx.close()
    return data


def test_smoke_prints_the_three_times_and_exits_0(initialised_dir: Path) -> None:
    """--smoke paints the log-in dialog, presses 登录, shows the main window and prints
    login_ms, open_ms, stall_ms, main_ms and ready_ms, in that order, each plausible."""
    result = run_app(
        "--data-dir", str(initialised_dir), "--as", "admin", "--smoke", password=ADMIN_PASSWORD
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    names = [line.split("=")[0] for line in lines]
    assert names == ["login_ms", "open_ms", "stall_ms", "main_ms", "ready_ms"], result.stdout
    assert all(re.fullmatch(r"\w+_ms=\d+", line) for line in lines)
    login, opened, stall, main, ready = (int(line.split("=")[1]) for line in lines)
    assert 0 < login < ready < 60_000 and 0 < main < ready and 0 < opened < ready
    assert 0 <= stall < opened
    assert (initialised_dir / "ui-state.ini").is_file()


def test_log_in_dialog_shows_before_the_core_is_imported(initialised_dir: Path) -> None:
    """The log-in dialog is painted before SQLAlchemy or any service is imported: a child
    process records sys.modules at the moment the dialog is first painted."""
    probe = (
        "import sys\n"
        "from ui.dialogs import login\n"
        "seen = []\n"
        "original = login.LoginDialog.paintEvent\n"
        "def paint(self, event):\n"
        "    if not seen:\n"
        "        seen.append(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', "
        "'gongkai_desktop.services', 'gongkai_desktop.db', 'ui.main_window'))))\n"
        "        print('loaded_at_paint=' + ','.join(seen[0]), flush=True)\n"
        "    original(self, event)\n"
        "login.LoginDialog.paintEvent = paint\n"
        "from ui.app import main\n"
        f"sys.exit(main(['--data-dir', {str(initialised_dir)!r}, '--as', 'admin', '--smoke']))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", GONGKAI_PASSWORD=ADMIN_PASSWORD)
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("loaded_at_paint="))
    assert line == "loaded_at_paint=", line
    assert "ready_ms=" in result.stdout


def test_smoke_refuses_wrong_password(initialised_dir: Path) -> None:
    """A failed log-in ends --smoke with status 1 and the core's Chinese message on stderr."""
    result = run_app(
        "--data-dir", str(initialised_dir), "--as", "admin", "--smoke", password="wrong-pass-1"
    )
    assert result.returncode == 1
    # the dialog and the data's opening, no main window
    assert re.fullmatch(r"login_ms=\d+\nopen_ms=\d+\nstall_ms=\d+\n", result.stdout), result.stdout
    assert "登录失败：用户名或密码错误" in result.stderr


def test_smoke_refuses_uninitialised_database(tmp_path: Path) -> None:
    """On a new database --smoke says it is not initialised and exits 1."""
    result = run_app("--data-dir", str(tmp_path / "new"), "--as", "admin", "--smoke", password="x")
    assert result.returncode == 1
    assert "数据库尚未初始化" in result.stderr


def test_usage_error_exits_2(tmp_path: Path) -> None:
    """Unknown arguments are a usage error in Chinese (status 2)."""
    result = run_app("--no-such-option")
    assert result.returncode == 2
    assert "命令行参数错误" in result.stderr


def test_clock_counts_from_process_start() -> None:
    """The start-up clock is positive and grows (the test process started before this test)."""
    first = ms_since_process_start()
    assert first > 0
    assert ms_since_process_start() >= first


def test_exception_hook_logs_and_shows_chinese_message(qapp, message_boxes, caplog) -> None:  # type: ignore[no-untyped-def]
    """An uncaught exception is logged with its traceback and explained in Chinese."""
    try:
        raise KeyError("boom")
    except KeyError as exc:
        with caplog.at_level(logging.CRITICAL, logger="ui.startup"):
            ui_startup.handle_exception(KeyError, exc, exc.__traceback__)
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)
    kind, title, text = message_boxes.last()
    assert (kind, title) == ("critical", "程序错误")
    assert "程序遇到了意外错误" in text and "KeyError" in text


def test_exception_hook_shows_core_errors_as_they_are(qapp, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """An uncaught core error is shown with its own Chinese message."""
    error = ValidationError("单位名称不能为空。")
    ui_startup.handle_exception(ValidationError, error, None)
    assert message_boxes.last()[2].startswith("单位名称不能为空。")


def test_qt_chinese_translation_is_available(qapp) -> None:  # type: ignore[no-untyped-def]
    """Qt's own qtbase_zh_CN.qm is found, so standard buttons and dialogs speak Chinese."""
    assert ui_startup.install_translations(qapp)
    assert QApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_damaged_database_is_restored_from_newest_backup(
    tmp_path: Path, qapp, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    """A database that fails its check is moved aside and, when the user agrees, the newest
    verified backup is restored before the app goes on."""
    data = tmp_path / "data"
    ctx = open_app(data)
    actor = initialize(ctx.db, "测试局", "admin", ADMIN_PASSWORD)
    backup.make_backup(ctx.paths.db_path, ctx.paths.backups_dir, reason="manual")
    ctx.close()
    db_path = data / "gongkai.db"
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    db_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8192)

    args = argparse.Namespace(data_dir=str(data), db=None)
    message_boxes.answer = QMessageBox.StandardButton.Yes
    # The check begun at the program's start finds the damage; the restored file is checked anew.
    early = ui_entry.begin_integrity_check(args)
    assert early is not None and early.path == db_path
    reopened = ui_startup.open_data(args, interactive=True, early_check=early)
    assert reopened is not None
    try:
        assert message_boxes.calls[0][1] == "数据库已损坏"
        assert AdminService(reopened.db, actor).get_setting("unit_name") == "测试局"
        assert list(data.glob("gongkai.db.damaged-*"))
    finally:
        reopened.close()


def test_main_with_as_user_opens_main_window(
    initialised_dir: Path, qapp, monkeypatch, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    """--as with GONGKAI_PASSWORD skips the log-in dialog and opens the main window."""
    from ui.main_window import MainWindow

    seen: list[str] = []

    def fake_exec() -> int:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        seen.extend(w.ctx.actor.username for w in windows if w.isVisible())
        for w in windows:
            w.close()
        return 0

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(qapp, "exec", fake_exec)
    monkeypatch.setenv("GONGKAI_PASSWORD", ADMIN_PASSWORD)
    assert ui_entry.main(["--data-dir", str(initialised_dir), "--as", "admin"]) == 0
    assert seen == ["admin"]
    qapp.setStyleSheet("")


def test_relogin_after_restore_replaces_the_window(qtbot, app_ctx, admin, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """After a restore asks for a new log-in, the old window closes and a new one opens for the
    user who logged in again."""
    controller = ui_session.Controller(app_ctx)
    first = controller.open_main(admin)
    monkeypatch.setattr(ui_session, "login_interactively", lambda ctx, username="": admin)
    with qtbot.waitSignal(first.destroyed):  # closed and deleted by the controller
        first.relogin_requested.emit()
    second = controller.window
    assert second is not None
    qtbot.addWidget(second)
    assert second.isVisible() and second.ctx.actor.username == "admin"
    assert QApplication.quitOnLastWindowClosed()


def test_qt_file_dialog_speaks_chinese(qapp) -> None:  # type: ignore[no-untyped-def]
    """Qt's own file dialog (drawn by Qt on 统信UOS and 麒麟) has no English label or button left:
    「&Look in:」 and 「Files of &type:」 read 查找范围/文件类型."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel

    assert ui_startup.install_translations(qapp)
    dialog = QFileDialog()
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setNameFilters(["Excel 文件 (*.xlsx)"])
    dialog.show()
    texts = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)]
    texts += [a.text() for a in dialog.findChildren(QAction)]
    assert "查找范围(&L)：" in texts and "文件类型(&T)：" in texts
    english = [t for t in texts if re.search(r"[A-Za-z]", re.sub(r"\(&\w\)|\t.*", "", t))]
    assert not english, english
    dialog.close()


def test_the_extra_qt_translation_is_compiled_from_its_source(tmp_path: Path) -> None:
    """resources/translations/gongkai_qt_zh_CN.qm is what pyside6-lrelease makes of the .ts."""
    folder = Path(ui_startup.resources_dir()) / "translations"
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    if not lrelease.exists():
        pytest.skip("pyside6-lrelease is not installed")
    target = tmp_path / "out.qm"
    subprocess.run(
        [str(lrelease), str(folder / "gongkai_qt_zh_CN.ts"), "-qm", str(target)],
        check=True,
        capture_output=True,
    )
    assert target.read_bytes() == (folder / "gongkai_qt_zh_CN.qm").read_bytes()
