"""What every window and page of a logged-in session shares: the open data, the user, UI state."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QSettings

from gongkai_desktop.app import AppContext
from gongkai_desktop.db.engine import Database
from gongkai_desktop.domain.permissions import Actor

log = logging.getLogger(__name__)


def ui_settings(app: AppContext) -> QSettings:
    """Window layout and similar UI state: an INI file in the data folder (never business data)."""
    return QSettings(str(app.paths.settings_ini), QSettings.Format.IniFormat)


@dataclass
class UiContext:
    app: AppContext
    actor: Actor
    settings: QSettings

    @property
    def db(self) -> Database:
        return self.app.db

    @classmethod
    def create(cls, app: AppContext, actor: Actor) -> UiContext:
        return cls(app, actor, ui_settings(app))
