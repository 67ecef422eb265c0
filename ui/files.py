"""Choosing a file to open or a name to save under, starting in the folder last used for the same
purpose (kept in the UI settings under ``key``, e.g. ``"ledger/last_folder"``)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

log = logging.getLogger(__name__)


def last_folder(settings: QSettings, key: str) -> str:
    """The folder last used under ``key``; the home folder the first time."""
    return str(settings.value(key, "") or "") or str(Path.home())


def remember_folder(settings: QSettings, key: str, path: Path) -> None:
    settings.setValue(key, str(path.parent))


def ask_open_path(
    parent: QWidget | None, settings: QSettings, key: str, caption: str, filters: str
) -> Path | None:
    """The file the user picked (its folder remembered), or None when cancelled."""
    name, _filter = QFileDialog.getOpenFileName(parent, caption, last_folder(settings, key), filters)
    if not name:
        return None
    path = Path(name)
    remember_folder(settings, key, path)
    return path


def ask_save_path(
    parent: QWidget | None,
    settings: QSettings,
    key: str,
    caption: str,
    file_name: str,
    filters: str,
    suffix: str = "",
) -> Path | None:
    """Where to save, proposing ``file_name`` in the remembered folder; ``suffix`` (".xlsx") is
    added when the user typed a name without it. None when cancelled."""
    default = str(Path(last_folder(settings, key)) / file_name)
    name, _filter = QFileDialog.getSaveFileName(parent, caption, default, filters)
    if not name:
        return None
    if suffix and not name.lower().endswith(suffix):
        name += suffix
    path = Path(name)
    remember_folder(settings, key, path)
    return path
