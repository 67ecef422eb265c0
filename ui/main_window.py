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
from .pages import PAGES, PageSpec, page_by_key
from .pages.info import AdminOnlyPage, InfoPage

log = logging.getLogger(__name__)

DEFAULT_SIZE = QSize(1240, 680)  # inside a 1366×768 screen with its task bar and window frame
MINIMUM_SIZE = QSize(720, 480)
NAV_WIDTH = 176
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
SETTINGS_GROUP = "main_window"


class MainWindow(QMainWindow):
    page_changed = Signal(str)
    relogin_requested = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.specs: list[PageSpec] = list(PAGES)
        self.pages: dict[str, QWidget] = {}
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
            if number <= 9:
                item.setToolTip(f"{spec.title}（Ctrl+{number}）")
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
        file_menu.addSeparator()
        self.quit_action = QAction("退出(&X)", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        file_menu.addAction(self.quit_action)

        help_menu = self.menuBar().addMenu("帮助(&H)")
        self.about_action = QAction("关于(&A)", self)
        help_menu.addAction(self.about_action)

        self.page_actions: list[QAction] = []
        for number, spec in enumerate(self.specs[:9], start=1):
            action = QAction(spec.title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, key=spec.key: self.show_page(key))
            self.addAction(action)
            self.page_actions.append(action)

    def _connect_signals(self) -> None:
        self.nav.currentRowChanged.connect(self._on_nav_row)
        self.quit_action.triggered.connect(self.close)
        self.about_action.triggered.connect(self.show_about)
        self.password_action.triggered.connect(self.change_password)

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
