"""帮助 (ui.help_window): F1 opens the Chinese guide on the page on screen, every page has its
topic with a picture, and the pictures are made from the app itself."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QApplication

from ui.help_window import GUIDE, SHOT_WIDTH, TOPICS, help_dir, topic_path, write_screenshots
from ui.pages import PAGES

# Words the guide may write in Latin letters: keys, file kinds, program names.
ALLOWED = {"Ctrl", "Shift", "Enter", "Delete", "F1", "Excel", "Word", "pdf", "docx", "txt",
           "N", "S", "F", "Q"}  # fmt: skip


def test_every_page_has_a_chinese_topic_with_its_picture() -> None:
    """Each page of the navigation has a guide page whose pictures exist, written in Chinese."""
    assert {key for key, _ in TOPICS} == {GUIDE, *(spec.key for spec in PAGES)}
    for key, title in TOPICS:
        text = topic_path(key).read_text(encoding="utf-8")
        assert f"<h1>{title}</h1>" in text
        for src in re.findall(r'src="([^"]+)"', text):
            assert (help_dir() / src).is_file(), src
            assert QImage(str(help_dir() / src)).width() == SHOT_WIDTH
        body = re.sub(r"<[^>]+>", " ", text)
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", body))
        assert words <= ALLOWED, (key, words - ALLOWED)
        if key != GUIDE:
            assert re.search(r'<img src="images/[a-z]+\.jpg"', text), key


def test_f1_opens_the_guide_on_the_page_on_screen(qtbot, main_window, admin) -> None:  # type: ignore[no-untyped-def]
    """F1 on 公开事项 opens 帮助 there, its picture loaded; F1 on 依申请公开 turns the page;
    choosing 使用指南 in the contents shows the general guide."""
    window = main_window(admin)
    window.show_page("items")
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    help_window = window.help_window
    assert help_window is not None and help_window.isVisible()
    qtbot.addWidget(help_window)
    assert help_window.current_topic() == "items"
    document = help_window.browser.document()
    assert document.toPlainText().startswith("公开事项")
    image = document.resource(QTextDocument.ResourceType.ImageResource, QUrl("images/items.jpg"))
    assert image is not None and not image.isNull() and image.width() == SHOT_WIDTH

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.show_page("requests")
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert help_window.current_topic() == "requests"
    assert "答复期限" in help_window.browser.toPlainText()

    contents = help_window.contents
    rect = contents.visualItemRect(contents.item(0))
    qtbot.mouseClick(contents.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert help_window.current_topic() == GUIDE
    assert "Ctrl+N" in help_window.browser.toPlainText()


def test_the_pictures_are_made_from_every_page(qtbot, main_window, admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """write_screenshots pictures each page of the window at 1366×768, scaled to the guide's width."""
    window = main_window(admin)
    written = write_screenshots(window, tmp_path)
    assert [p.name for p in written] == [f"{spec.key}.jpg" for spec in PAGES]
    for path in written:
        image = QImage(str(path))
        assert image.width() == SHOT_WIDTH
        assert abs(image.height() - round(768 * SHOT_WIDTH / 1366)) <= 1
