"""A record exported as a Word document signed on a 成文日期, alike wherever it is done (the
意见收集和采纳情况说明 of a consultation, a 政策解读): unsaved edits are offered to be saved
first, the file is proposed under a name Windows accepts in the folder last used for it, and the
date beside the export button (``IssueDate``) is the one the document is signed on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from gongkai_desktop.errors import GongkaiError

from ..context import UiContext
from ..files import ask_save_path
from ..messages import show_error
from ..widgets import IssueDate

log = logging.getLogger(__name__)

WORD_FILES = "Word 文档 (*.docx)"
# Characters Windows does not allow in file names (and control characters).
_ILLEGAL_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_file_name(name: str, fallback: str) -> str:
    """``name`` usable as a file name on Windows: each forbidden character becomes "_", the
    trailing dots and spaces Windows would drop are dropped, and it is kept short."""
    cleaned = _ILLEGAL_IN_NAMES.sub("_", " ".join(name.split()))[:100].rstrip(". ")
    return cleaned or fallback


def save_first(
    parent: QWidget, unsaved: bool, title: str, question: str, save: Callable[[], bool]
) -> bool:
    """Whether the export may go on: with ``unsaved`` edits the user is asked whether to save
    them first; False when they chose to and saving failed (the form then says why)."""
    if not unsaved:
        return True
    answer = QMessageBox.question(parent, title, question)
    return answer != QMessageBox.StandardButton.Yes or save()


def export_word(
    parent: QWidget,
    ctx: UiContext,
    folder_key: str,
    caption: str,
    file_name: str,
    issue_date: IssueDate,
    write: Callable[[Path, date], Path],
) -> Path | None:
    """Ask where to save (``file_name`` proposed in the folder last used under ``folder_key``),
    then ``write(path, 成文日期)``; the file written, or None when the user cancelled or the
    export failed (a message said why)."""
    path = ask_save_path(parent, ctx.settings, folder_key, caption, file_name, WORD_FILES, ".docx")
    if path is None:
        return None
    try:
        return write(path, issue_date.value())
    except GongkaiError as exc:
        show_error(parent, exc)
        return None
