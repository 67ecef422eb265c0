"""The main window: navigation on the left, the pages of ``ui.pages.PAGES`` on the right (each
created the first time it is opened), who is logged in and which database in the status bar.

Layout (geometry, splitter, the page last open) is kept in the data folder's ``ui-state.ini``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop import APP_NAME, __version__

from .context import UiContext
from .fit import FitsOnScreen
from .list_keys import COMMANDS, LIST_ONLY, ListKeys, list_keys_of
from .package import export_package, import_package
from .pages import PAGES, PageSpec, page_by_key
from .pages.info import AdminOnlyPage, InfoPage

log = logging.getLogger(__name__)

DEFAULT_SIZE = QSize(1240, 680)  # inside a 1366×768 screen with its task bar and window frame
MINIMUM_SIZE = QSize(720, 480)
NAV_WIDTH = 176
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
SETTINGS_GROUP = "main_window"


def page_key(number: int) -> QKeySequence:
    """The key of the ``number``-th page: Ctrl+1 … Ctrl+9, Ctrl+0, then Ctrl+Shift+1 …"""
    if number <= 9:
        return QKeySequence(f"Ctrl+{number}")
    if number == 10:
        return QKeySequence("Ctrl+0")
    return QKeySequence(f"Ctrl+Shift+{number - 10}")


class MainWindow(FitsOnScreen, QMainWindow):
    page_changed = Signal(str)
    relogin_requested = Signal()
    logout_requested = Signal(bool)  # True: 切换用户 (the log-in asks for a user name)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.specs: list[PageSpec] = list(PAGES)
        self.pages: dict[str, QWidget] = {}
        self.help_window: QWidget | None = None
        self._build_ui()
        self._build_menus()
        self._connect_signals()
        self._restore_state()

    # ----- building ------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.setWindowTitle(
            f"{APP_NAME} — {self.ctx.actor.display_name or self.ctx.actor.username}"
        )
        self.setMinimumSize(MINIMUM_SIZE)
        self.resize(DEFAULT_SIZE)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)

        self.nav = QListWidget(self.splitter)
        self.nav.setObjectName("navigation")
        # Never narrower than it opens: a page that needs more room does not squeeze the
        # navigation (it would jump from 176 to 140 pixels as pages are changed).
        self.nav.setMinimumWidth(NAV_WIDTH)
        self.nav.setUniformItemSizes(True)
        for number, spec in enumerate(self.specs, start=1):
            item = QListWidgetItem(spec.title)
            item.setData(KEY_ROLE, spec.key)
            item.setToolTip(f"{spec.title}（{page_key(number).toString()}）")
            self.nav.addItem(item)

        content = QWidget(self.splitter)
        content.setObjectName("content")
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.title = QLabel(content)
        self.title.setObjectName("pageTitle")
        column.addWidget(self.title)
        self.stack = QStackedWidget(content)
        column.addWidget(self.stack, 1)

        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(content)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([NAV_WIDTH, DEFAULT_SIZE.width() - NAV_WIDTH])
        self.setCentralWidget(self.splitter)

        actor = self.ctx.actor
        status = self.statusBar()
        self.user_label = QLabel(
            f"用户：{actor.display_name or actor.username}（{actor.role.label}）"
        )
        self.division_label = QLabel(f"处室：{actor.division_name or '—'}")
        where = self.ctx.db.describe()
        # A deep data folder must not widen the window: the middle of the path gives way.
        shown = QFontMetrics(self.font()).elidedText(where, Qt.TextElideMode.ElideMiddle, 420)
        self.db_label = QLabel(f"数据库：{shown}")
        self.db_label.setToolTip(where)
        for label in (self.user_label, self.division_label, self.db_label):
            label.setObjectName("statusField")
            status.addPermanentWidget(label)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        self.password_action = QAction("修改密码(&P)…", self)
        file_menu.addAction(self.password_action)
        self.switch_user_action = QAction("切换用户(&U)…", self)
        self.logout_action = QAction("注销(&L)", self)
        file_menu.addAction(self.switch_user_action)
        file_menu.addAction(self.logout_action)
        file_menu.addSeparator()
        self.quit_action = QAction("退出(&X)", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        file_menu.addAction(self.quit_action)

        # 编辑: the list commands of the page on screen (``ui.list_keys``). Ctrl+N/S/F are this
        # menu's; Delete and Enter are the list's own, so the menu only names them.
        edit_menu = self.menuBar().addMenu("编辑(&E)")
        self.command_actions: dict[str, QAction] = {}
        for command in COMMANDS:
            if command.name in LIST_ONLY:
                action = QAction(f"{command.label}\t{command.shown_key}", self)
            else:
                action = QAction(command.label, self)
                action.setShortcut(QKeySequence(command.keys[0]))
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, n=command.name: self.run_command(n))
            edit_menu.addAction(action)
            self.command_actions[command.name] = action
        edit_menu.aboutToShow.connect(self._update_commands)
        # Enabled again once the menu closes: the shortcuts must work on the next page too.
        edit_menu.aboutToHide.connect(
            lambda: [a.setEnabled(True) for a in self.command_actions.values()]
        )

        package_menu = self.menuBar().addMenu("报送包(&B)")
        self.package_export_action = QAction("导出报送包(&E)…", self)
        self.package_import_action = QAction("导入报送包(&I)…", self)
        # Importing merges other divisions' records: 综合处's admin only (the service refuses too).
        self.package_import_action.setEnabled(self.ctx.actor.is_admin)
        package_menu.addAction(self.package_export_action)
        package_menu.addAction(self.package_import_action)

        pages_menu = self.menuBar().addMenu("页面(&V)")
        self.page_actions: list[QAction] = []
        for number, spec in enumerate(self.specs, start=1):
            action = QAction(spec.title, self)
            action.setShortcut(page_key(number))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, key=spec.key: self.show_page(key))
            pages_menu.addAction(action)
            self.page_actions.append(action)

        help_menu = self.menuBar().addMenu("帮助(&H)")
        self.help_action = QAction("使用指南(&G)", self)
        self.help_action.setShortcut(QKeySequence("F1"))
        self.help_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.help_action.triggered.connect(lambda: self.show_help(self.current_key()))
        help_menu.addAction(self.help_action)
        self.about_action = QAction("关于(&A)", self)
        help_menu.addAction(self.about_action)

    def _connect_signals(self) -> None:
        self.nav.currentRowChanged.connect(self._on_nav_row)
        self.quit_action.triggered.connect(self.close)
        self.about_action.triggered.connect(self.show_about)
        self.password_action.triggered.connect(self.change_password)
        self.logout_action.triggered.connect(lambda: self.logout_requested.emit(False))
        self.switch_user_action.triggered.connect(lambda: self.logout_requested.emit(True))
        self.package_export_action.triggered.connect(lambda: export_package(self, self.ctx))
        self.package_import_action.triggered.connect(lambda: import_package(self, self.ctx))

    # ----- pages ---------------------------------------------------------------------------
    def show_page(self, key: str) -> None:
        """Select a page by its registry key (creating it the first time)."""
        for row in range(self.nav.count()):
            if self.nav.item(row).data(KEY_ROLE) == key:
                self.nav.setCurrentRow(row)
                return
        raise KeyError(key)

    def current_key(self) -> str:
        item = self.nav.currentItem()
        return str(item.data(KEY_ROLE)) if item else ""

    def page(self, key: str) -> QWidget | None:
        """The page widget if it was created already."""
        return self.pages.get(key)

    def _on_nav_row(self, row: int) -> None:
        if row < 0:
            return
        spec = self.specs[row]
        widget = self.pages.get(spec.key)
        if widget is None:
            widget = self._create_page(spec)
            relogin = getattr(widget, "relogin_requested", None)
            if relogin is not None:
                relogin.connect(self.relogin_requested)
            open_page = getattr(widget, "open_page", None)  # e.g. 首页's to-do list
            if open_page is not None:
                open_page.connect(self.show_page)
            self.pages[spec.key] = widget
            self.stack.addWidget(widget)
        self.stack.setCurrentWidget(widget)
        self.title.setText(spec.title)
        shown = getattr(widget, "page_shown", None)
        if callable(shown):
            shown()
        self.page_changed.emit(spec.key)

    def _create_page(self, spec: PageSpec) -> QWidget:
        if spec.admin_only and not self.ctx.actor.is_admin:
            return AdminOnlyPage(self.ctx, spec.title)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return spec.build(self.ctx)
        except Exception as exc:  # a faulty page must not take the window down
            log.exception("page %s could not be built", spec.key)
            return InfoPage(
                f"「{spec.title}」页面无法打开。",
                [f"错误：{exc}", "详细信息已记录在数据文件夹的 logs/gongkai.log 中。"],
            )
        finally:
            QApplication.restoreOverrideCursor()

    # ----- list commands -------------------------------------------------------------------
    def current_list_keys(self) -> ListKeys | None:
        return list_keys_of(self.stack.currentWidget())

    def run_command(self, name: str) -> bool:
        """新增/保存/搜索/删除/打开 on the page on screen; False (said in the status bar) when the
        page has no such command or it cannot be used now."""
        keys = self.current_list_keys()
        if keys is not None and keys.trigger(name):
            return True
        label = next(c.label for c in COMMANDS if c.name == name)
        self.statusBar().showMessage(f"本页现在不能「{label}」。", 4000)
        return False

    def _update_commands(self) -> None:
        keys = self.current_list_keys()
        for name, action in self.command_actions.items():
            action.setEnabled(keys is not None and keys.available(name))

    # ----- menu actions --------------------------------------------------------------------
    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"关于{APP_NAME}",
            f"<b>{APP_NAME}</b> {__version__}<br>"
            "省直机关政务公开年度工作的桌面应用：年度任务、公开事项、政策解读、依申请公开、"
            "考核评议与年度报告。<br><br>"
            f"数据库：{self.ctx.db.describe()}<br>"
            f"数据文件夹：{self.ctx.app.paths.data_dir}",
        )

    def show_help(self, page_key: str = "") -> QWidget:
        """帮助 on the guide's page about ``page_key`` (F1: the page on screen)."""
        from .help_window import HelpWindow

        if self.help_window is None:
            self.help_window = HelpWindow(self)
        self.help_window.show_topic(page_key)
        return self.help_window

    def change_password(self) -> None:
        from .dialogs.password import ChangePasswordDialog

        ChangePasswordDialog(self.ctx, self).exec()

    # ----- state ---------------------------------------------------------------------------
    def _restore_state(self) -> None:
        settings = self.ctx.settings
        settings.beginGroup(SETTINGS_GROUP)
        try:
            geometry = settings.value("geometry")
            if isinstance(geometry, QByteArray) and not geometry.isEmpty():
                self.restoreGeometry(geometry)
            state = settings.value("state")
            if isinstance(state, QByteArray) and not state.isEmpty():
                self.restoreState(state)
            splitter = settings.value("splitter")
            if isinstance(splitter, QByteArray) and not splitter.isEmpty():
                self.splitter.restoreState(splitter)
            key = str(settings.value("page", "home") or "home")
        finally:
            settings.endGroup()
        spec = page_by_key(key) or self.specs[0]
        self.show_page(spec.key)

    def save_state(self) -> None:
        for page in self.pages.values():  # each list's columns, sort, filters and splitters
            for keys in page.findChildren(ListKeys):
                keys.save()
        settings = self.ctx.settings
        settings.beginGroup(SETTINGS_GROUP)
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("state", self.saveState())
        settings.setValue("splitter", self.splitter.saveState())
        settings.setValue("page", self.current_key())
        settings.endGroup()
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        # A page with windows of its own (the interpretation workbench) may hold unsaved work:
        # its ``close_windows()`` asks the user and says whether the main window may close.
        for page in self.pages.values():
            close_windows = getattr(page, "close_windows", None)
            if callable(close_windows) and not close_windows():
                event.ignore()
                return
        self.save_state()
        super().closeEvent(event)
