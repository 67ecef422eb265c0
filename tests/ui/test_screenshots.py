"""Every screen renders at 1366×768: not blank, laid out within the screen, Chinese in a font that
has the glyphs. The PNGs go to $GONGKAI_SHOTS_DIR when set (for looking at them), else tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontMetrics, QImage
from PySide6.QtWidgets import QWidget

from gongkai_desktop.progress import run_job
from ui.context import ui_settings
from ui.dialogs.login import LoginDialog
from ui.dialogs.wizard import FirstRunWizard
from ui.main_window import MainWindow
from ui.pages.admin import TABS, AdminPage

SCREEN_W, SCREEN_H = 1366, 768


@pytest.fixture
def shots_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GONGKAI_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(widget: QWidget, folder: Path, name: str) -> QImage:
    image = widget.grab().toImage()
    image.save(str(folder / f"{name}.png"))
    return image


def assert_not_blank(image: QImage, name: str) -> None:
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 8, f"{name} looks blank ({len(colours)} colours)"


def assert_fits(widget: QWidget, name: str) -> None:
    hint = widget.minimumSizeHint()
    assert hint.width() <= SCREEN_W and hint.height() <= SCREEN_H, f"{name} needs {hint}"


def test_chinese_has_a_font_with_glyphs(cjk_font) -> None:  # type: ignore[no-untyped-def]
    """The UI font covers the Chinese of the labels (no empty boxes)."""
    metrics = QFontMetrics(QFont(cjk_font))
    for ch in "政务公开工作台系统管理审计日志节假日（）：、。":
        assert metrics.inFontUcs4(ord(ch)), f"{cjk_font} lacks {ch!r}"


def test_wizard_pages_render(qtbot, app_ctx, cjk_font, shots_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """Each wizard page renders and fits the screen."""
    wizard = FirstRunWizard(app_ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.unit_page.name.setText("江西省乡村振兴局")
    for number in range(1, 5):
        if number == 3:
            wizard.admin_page.username.setText("admin")
            wizard.admin_page.passwords.first.setText("kaifang-2026")
            wizard.admin_page.passwords.second.setText("kaifang-2026")
        image = shoot(wizard, shots_dir, f"wizard-{number}")
        assert_not_blank(image, f"wizard page {number}")
        assert_fits(wizard, f"wizard page {number}")
        wizard.next()
    assert wizard.currentPage() is wizard.finish_page


def test_login_dialog_renders(qtbot, app_ctx, admin, cjk_font, shots_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The log-in dialog with an error message renders and fits."""
    dialog = LoginDialog(
        app_ctx.db, ui_settings(app_ctx), "admin", "用户名或密码错误，还可尝试 4 次。"
    )
    qtbot.addWidget(dialog)
    dialog.show()
    image = shoot(dialog, shots_dir, "login")
    assert_not_blank(image, "login")
    assert image.width() < 700


def test_main_window_pages_render_at_1366x768(  # type: ignore[no-untyped-def]
    qtbot, app_ctx, admin, ui_ctx, cjk_font, shots_dir: Path
) -> None:
    """首页, a coming module and every 系统管理 tab render at 1366×768 and fit it."""
    from gongkai_desktop.demo import demo_job

    run_job(demo_job(app_ctx, admin, scale=10))
    window = MainWindow(ui_ctx(admin))
    qtbot.addWidget(window)
    window.show()
    window.resize(SCREEN_W, SCREEN_H)  # as large as the screen, as a maximised window
    assert_fits(window, "main window")
    assert_not_blank(shoot(window, shots_dir, "main-home"), "首页")
    window.show_page("items")
    assert_not_blank(shoot(window, shots_dir, "main-coming"), "公开事项")
    window.show_page("admin")
    page = window.page("admin")
    assert isinstance(page, AdminPage)
    for key, title, _cls in TABS:
        page.show_tab(key)
        image = shoot(window, shots_dir, f"admin-{key}")
        assert (image.width(), image.height()) == (SCREEN_W, SCREEN_H)
        assert_not_blank(image, title)
        assert_fits(window, f"系统管理 › {title}")


def test_notice_import_dialog_renders(qtbot, ui_ctx, admin, cjk_font, shots_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The notice import dialog with a parsed preview renders and fits."""
    from test_admin_holidays import NOTICE_2027

    from ui.pages.admin.holidays import NoticeImportDialog

    ctx = ui_ctx(admin)
    dialog = NoticeImportDialog(ctx, 2027, ctx.settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.text.setPlainText(NOTICE_2027)
    dialog.parse_button.click()
    assert dialog.preview.rowCount() == 3
    assert_not_blank(shoot(dialog, shots_dir, "notice-import"), "导入通知")
    assert_fits(dialog, "导入通知")


SIZES = ((1366, 768), (1920, 1080))


@pytest.mark.parametrize("role", ["admin", "liaison"])
def test_every_page_at_1366x768_and_1920x1080(  # type: ignore[no-untyped-def]
    qtbot, app_ctx, admin, liaison, ui_ctx, cjk_font, shots_dir: Path, role: str
) -> None:
    """Every page the user can reach, with demo data, at both screen sizes: written to
    ``page-<role>-<page>-<width>.png``, not blank, and as wide and tall as the window."""
    from gongkai_desktop.demo import demo_job
    from ui.pages import PAGES

    run_job(demo_job(app_ctx, admin, scale=10))
    actor = admin if role == "admin" else liaison
    window = MainWindow(ui_ctx(actor))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    keys = [spec.key for spec in PAGES if not (spec.admin_only and role != "admin")]
    for width, height in SIZES:
        window.resize(width, height)
        nav_widths = set()
        for key in keys:
            window.show_page(key)
            page = window.page(key)
            if hasattr(page, "dashboard"):  # 首页 computes on the worker
                qtbot.waitUntil(lambda page=page: page.dashboard is not None, timeout=10000)
            qtbot.wait(30)  # let a page's first query and layout land
            image = shoot(window, shots_dir, f"page-{role}-{key}-{width}")
            assert (image.width(), image.height()) == (width, height)
            assert_not_blank(image, f"{key} at {width}")
            nav_widths.add(window.nav.width())
        assert nav_widths == {176}, f"the navigation column changes width: {nav_widths}"
