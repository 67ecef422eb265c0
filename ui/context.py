"""What every window and page of a logged-in session shares: the open data, the user, UI state."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

if TYPE_CHECKING:
    from gongkai_desktop.app import AppContext
    from gongkai_desktop.db.engine import Database
    from gongkai_desktop.domain.permissions import Actor

log = logging.getLogger(__name__)


def ui_settings(app: AppContext) -> QSettings:
    """Window layout and similar UI state: an INI file in the data folder (never business data)."""
    return QSettings(str(app.paths.settings_ini), QSettings.Format.IniFormat)


def user_group(username: str) -> str:
    """The settings group of one user's layout (columns, sort, filters, splitters, pages)."""
    return f"users/{username}"


@dataclass
class UiContext:
    """``settings`` is opened inside the user's group, so every key a page writes is that user's
    own; the last user name (``ui.dialogs.login``) is kept outside it."""

    app: AppContext
    actor: Actor
    settings: QSettings

    @property
    def db(self) -> Database:
        return self.app.db

    @classmethod
    def create(cls, app: AppContext, actor: Actor) -> UiContext:
        settings = ui_settings(app)
        settings.beginGroup(user_group(actor.username))
        return cls(app, actor, settings)
