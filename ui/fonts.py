"""Whether the PC can draw Chinese: without a Chinese font Qt draws every character as a box.

The program says so once per start, in the log and in a dialog naming what to install, instead
of opening windows nobody can read.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)

MISSING_FONT_TITLE = "缺少中文字体"
MISSING_FONT_MESSAGE = (
    "本机没有安装中文字体，界面中的汉字会显示为方框。\n\n"
    "请安装一种中文字体后重新启动本程序：Windows 自带的微软雅黑、宋体均可；"
    "Debian/Ubuntu 请安装 fonts-noto-cjk 软件包（sudo apt install fonts-noto-cjk）。"
)
_warned = False


def chinese_font_families() -> list[str]:
    """The installed font families that cover Simplified Chinese."""
    return list(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def warn_if_no_chinese_font(parent: QWidget | None = None, *, show_dialog: bool = True) -> bool:
    """True when a Chinese font is installed; otherwise log it and (once per start) show the
    dialog that says what to install."""
    global _warned
    if chinese_font_families():
        return True
    if not _warned:
        _warned = True
        log.warning("no font covering Simplified Chinese is installed; text will show as boxes")
        if show_dialog:
            QMessageBox.warning(parent, MISSING_FONT_TITLE, MISSING_FONT_MESSAGE)
    return False
