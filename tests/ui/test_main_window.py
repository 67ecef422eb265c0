"""Tests of the main window (ui.main_window) and its page registry (ui.pages)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from ui.context import UiContext
from ui.main_window import MainWindow
from ui.pages import PAGES, PageSpec, coming
from ui.pages.admin import AdminPage
from ui.pages.home import HomePage
from ui.pages.info import AdminOnlyPage, ComingPage, InfoPage

MODULES = [
    "首页",
    "年度任务",
    "公开事项",
    "规范性文件",
    "政策解读",
    "决策与征求意见",
    "新闻发布与回应",
    "依申请公开",
    "考核评议",
    "报表",
    "系统管理",
]


def nav_titles(window: MainWindow) -> list[str]:
    return [window.nav.item(row).text() for row in range(window.nav.count())]


def test_navigation_lists_every_module(main_window, admin) -> None:  # type: ignore[no-untyped-def]
    """The navigation shows every module of the product, in order, and starts on 首页."""
    window = main_window(admin)
    assert nav_titles(window) == MODULES
    assert [spec.title for spec in PAGES] == MODULES
    assert window.current_key() == "home"
    assert isinstance(window.page("home"), HomePage)
    assert window.title.text() == "首页"


def test_pages_are_created_when_first_opened(main_window, admin) -> None:  # type: ignore[no-untyped-def]
    """Only the visible page exists at start; the others are built on first visit."""
    window = main_window(admin)
    assert set(window.pages) == {"home"}
    window.nav.setCurrentRow(2)
    assert window.current_key() == "items"
    assert set(window.pages) == {"home", "items"}
    assert window.stack.currentWidget() is window.page("items")
    assert window.title.text() == "公开事项"


def test_coming_page_explains_the_module(qtbot, ui_ctx, admin) -> None:  # type: ignore[no-untyped-def]
    """A module not built yet gets a page saying what it will do, not a broken page."""
    spec = PageSpec("later", "以后的模块", coming("将登记某某事项。", "将导出某某报表。"))
    page = spec.build(ui_ctx(admin))
    qtbot.addWidget(page)
    assert isinstance(page, ComingPage)
    assert (
        page.text()
        == "本模块正在建设中，建成后将提供以下功能：\n将登记某某事项。\n将导出某某报表。"
    )


def test_every_registered_page_opens(main_window, admin, liaison) -> None:  # type: ignore[no-untyped-def]
    """Every page of the registry opens for an admin and for a liaison without an error page."""
    for actor in (admin, liaison):
        window = main_window(actor)
        for spec in PAGES:
            window.show_page(spec.key)
            page = window.page(spec.key)
            assert page is not None
            text = page.text() if isinstance(page, InfoPage) else ""
            assert "页面无法打开" not in text, f"{spec.title}: {text}"
        window.close()


def test_keyboard_switches_pages(qtbot, main_window, admin) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+1..9 select the first nine modules."""
    window = main_window(admin)
    with qtbot.waitActive(window):
        window.activateWindow()
    with qtbot.waitSignal(window.page_changed) as blocker:
        qtbot.keyClick(window, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == ["requests"]
    assert window.title.text() == "依申请公开"
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "home"


def test_admin_sees_the_admin_page(main_window, admin) -> None:  # type: ignore[no-untyped-def]
    """For an admin, 系统管理 is the real page with its seven tabs."""
    window = main_window(admin)
    window.show_page("admin")
    page = window.page("admin")
    assert isinstance(page, AdminPage)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles == ["处室", "用户", "节假日", "审计日志", "回收站", "备份与恢复", "设置"]


def test_liaison_sees_an_explanation_instead_of_admin_page(main_window, liaison) -> None:  # type: ignore[no-untyped-def]
    """A liaison's 系统管理 explains who may use it and offers no admin buttons."""
    window = main_window(liaison)
    window.show_page("admin")
    page = window.page("admin")
    assert isinstance(page, AdminOnlyPage)
    assert "只有管理员可以使用" in page.text()
    assert "联络员" in page.text()
    assert page.findChildren(QPushButton) == []


def test_status_bar_shows_user_division_and_database(main_window, admin, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """The status bar names the user with role, the division and the database."""
    window = main_window(admin)
    assert window.user_label.text() == "用户：admin（管理员）"
    assert window.division_label.text() == "处室：综合处"
    assert window.db_label.text().startswith("数据库：")
    assert window.db_label.toolTip() == app_ctx.db.describe()
    assert window.db_label.text().endswith("gongkai.db")


def test_layout_is_saved_and_restored(qtbot, main_window, admin) -> None:  # type: ignore[no-untyped-def]
    """Size, splitter position and the open page come back in the next window."""
    window = main_window(admin)
    window.resize(1100, 700)
    window.splitter.setSizes([230, 870])
    window.show_page("reports")
    window.close()

    again = main_window(admin)
    assert (again.width(), again.height()) == (1100, 700)
    assert again.splitter.sizes()[0] == 230
    assert again.current_key() == "reports"
    assert set(again.pages) == {"reports"}


def test_quit_shortcut_closes_window(qtbot, main_window, admin) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Q closes the main window (and with it the application)."""
    window = main_window(admin)
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    window.quit_action.trigger()
    assert not window.isVisible()


def test_about_dialog(main_window, admin, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """帮助 › 关于 names the program, its version and the database."""
    window = main_window(admin)
    window.about_action.trigger()
    kind, title, text = message_boxes.last()
    assert kind == "about" and title == "关于政务公开工作台"
    assert "0.1.0" in text or "政务公开工作台" in text


def test_a_broken_page_does_not_take_the_window_down(main_window, admin, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A page whose factory fails shows a Chinese explanation instead of crashing."""

    def broken(ctx: UiContext) -> None:
        raise RuntimeError("boom")

    specs = list(PAGES)
    specs[1] = PageSpec("tasks", "年度任务", broken)
    monkeypatch.setattr("ui.main_window.PAGES", specs)
    window = main_window(admin)
    window.show_page("tasks")
    assert "「年度任务」页面无法打开" in window.page("tasks").text()


def test_home_page_tells_working_day(main_window, admin) -> None:  # type: ignore[no-untyped-def]
    """首页 shows the unit, the user and whether a given day is a working day."""
    from datetime import date

    window = main_window(admin)
    page = window.page("home")
    assert isinstance(page, HomePage)
    assert page.unit.text() == "测试局"
    page.refresh(date(2025, 10, 1))
    assert page.today.text() == "2025年10月1日 星期三"
    assert page.workday.text().startswith("今天不是工作日")
    page.refresh(date(2025, 9, 28))  # a Sunday that was a make-up working day
    assert page.workday.text() == "今天是工作日"
    assert page.deadline_labels[2].text() == "2025年10月31日（星期五）"  # after 国庆
