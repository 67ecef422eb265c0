"""Message boxes in one place, so every error reaches the user in the same Chinese words.

The core's errors carry their Chinese message (``str(error)``); an unexpected error is logged with
its traceback and shown as a short apology pointing at the log file. Only ``QMessageBox``'s static
functions are used, which tests replace.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from gongkai_desktop.errors import (
    Cancelled,
    ConflictError,
    GongkaiError,
    PermissionDenied,
    ValidationError,
)

log = logging.getLogger(__name__)


def error_title(error: BaseException) -> str:
    if isinstance(error, PermissionDenied):
        return "无权操作"
    if isinstance(error, ConflictError):
        return "数据已被他人修改"
    if isinstance(error, ValidationError):
        return "输入有误"
    if isinstance(error, Cancelled):
        return "已取消"
    if isinstance(error, GongkaiError):
        return "操作未完成"
    return "程序错误"


def error_text(error: BaseException) -> str:
    if isinstance(error, GongkaiError):
        return str(error)
    return (
        f"发生了意外错误，操作没有完成：{error}\n详细信息已记录在数据文件夹的 logs/gongkai.log 中。"
    )


def show_error(parent: QWidget | None, error: BaseException | str, title: str = "") -> None:
    """Tell the user why something did not happen; unexpected errors are logged first."""
    if isinstance(error, str):
        QMessageBox.warning(parent, title or "操作未完成", error)
        return
    if isinstance(error, Cancelled):
        QMessageBox.information(parent, title or "已取消", str(error))
        return
    if isinstance(error, GongkaiError):
        QMessageBox.warning(parent, title or error_title(error), error_text(error))
        return
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    QMessageBox.critical(parent, title or error_title(error), error_text(error))


def show_info(parent: QWidget | None, text: str, title: str = "提示") -> None:
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, text: str, title: str = "请确认") -> bool:
    """Ask a yes/no question; the safe answer (否) is the default."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_save_changes(parent: QWidget | None, title: str, what: str) -> QMessageBox.StandardButton:
    """"{what}有尚未保存的修改。是否保存？" with 保存 (the default), 放弃 and 取消; the button chosen."""
    return QMessageBox.question(
        parent,
        title,
        f"{what}有尚未保存的修改。是否保存？",
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save,
    )
