"""帮助: the short Chinese user guide inside the app (``resources/help``, one page per page of the
main window plus 使用指南), in a window of its own with the topics on the left. F1 in the main
window opens it on the page on screen.

The pictures are screenshots of the app at 1366×768 with demo data, made by this module:

    .venv/bin/python -m ui.help_window --shots resources/help/images --data-dir DIR

(``DIR`` holds a database filled by ``gongkai demo``; the pictures show the admin's view.)
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QWidget,
)

from gongkai_desktop import APP_NAME
from gongkai_desktop.paths import resources_dir

from .fit import FitsOnScreen
from .pages import PAGES

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)

GUIDE = "guide"
TOPICS: tuple[tuple[str, str], ...] = (
    (GUIDE, "使用指南"),
    *((spec.key, spec.title) for spec in PAGES),
)
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
SHOT_SIZE = QSize(1366, 768)
SHOT_WIDTH = 960  # the pictures are scaled down to this width (the guide shows them at 640)
SHOT_QUALITY = 80  # JPEG: a tenth of a PNG's size for these pictures, the text still sharp


def help_dir() -> Path:
    return resources_dir() / "help"


def topic_path(key: str) -> Path:
    return help_dir() / f"{key}.html"


def topic_for(page_key: str) -> str:
    """The guide's topic of a page; the general guide for a page that has none."""
    return page_key if topic_path(page_key).is_file() else GUIDE


class HelpWindow(FitsOnScreen, QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(f"帮助 — {APP_NAME}")
        self.resize(1000, 640)
        self.contents = QListWidget(self)
        self.contents.setObjectName("helpContents")
        self.contents.setFixedWidth(170)
        for key, title in TOPICS:
            if topic_path(key).is_file():
                item = QListWidgetItem(title)
                item.setData(KEY_ROLE, key)
                self.contents.addItem(item)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("helpText")
        self.browser.setSearchPaths([str(help_dir())])
        self.browser.setOpenExternalLinks(False)
        layout = QHBoxLayout(self)
        layout.addWidget(self.contents)
        layout.addWidget(self.browser, 1)
        self.contents.currentRowChanged.connect(self._row_changed)

    def show_topic(self, key: str) -> None:
        """Show ``key``'s page of the guide (the general guide for an unknown one)."""
        key = topic_for(key)
        for row in range(self.contents.count()):
            if self.contents.item(row).data(KEY_ROLE) == key:
                self.contents.setCurrentRow(row)
                break
        self.show()
        self.raise_()
        self.activateWindow()

    def current_topic(self) -> str:
        item = self.contents.currentItem()
        return str(item.data(KEY_ROLE)) if item else ""

    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        key = self.contents.item(row).data(KEY_ROLE)
        self.browser.setSource(QUrl.fromLocalFile(str(topic_path(key))))


# ----- the pictures ------------------------------------------------------------------------------
def write_screenshots(window: MainWindow, folder: Path) -> list[Path]:
    """A picture of every page of ``window`` (shown at 1366×768) in ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    window.resize(SHOT_SIZE)
    written = []
    for spec in PAGES:
        window.show_page(spec.key)
        for _ in range(20):
            QApplication.processEvents()
        picture = window.grab().scaledToWidth(
            SHOT_WIDTH, Qt.TransformationMode.SmoothTransformation
        )
        path = folder / f"{spec.key}.jpg"
        if not picture.save(str(path), "JPG", SHOT_QUALITY):
            raise OSError(f"无法保存截图：{path}")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成帮助中的截图")
    parser.add_argument("--shots", required=True, type=Path, help="截图保存到的文件夹")
    parser.add_argument("--data-dir", required=True, help="含演示数据的数据文件夹")
    parser.add_argument("--as", dest="user", default="admin")
    args = parser.parse_args(argv)
    from gongkai_desktop.app import open_app
    from gongkai_desktop.demo import DEMO_PASSWORD
    from gongkai_desktop.services.auth import AuthService

    from .context import UiContext
    from .main_window import MainWindow
    from .startup import create_application
    from .worker import wait_for_jobs

    create_application(["gongkai-help"])
    ctx = open_app(args.data_dir)
    try:
        actor = AuthService(ctx.db).login(args.user, DEMO_PASSWORD)
        window = MainWindow(UiContext.create(ctx, actor))
        window.show()
        for path in write_screenshots(window, args.shots):
            print(path)
        window.close()
        wait_for_jobs()
    finally:
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
