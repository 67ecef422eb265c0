"""Opening the data behind the log-in dialog: a thread imports the core (SQLAlchemy, the
services), checks and opens the database, and imports the main window and its first page while
the user types their password.

The dialog is shown first and the thread starts once it is painted, so the two never compete for
the interpreter: what the thread does in Python holds the GIL, but SQLite's integrity check and
its queries, file reads and Argon2 release it. Nothing here creates a widget (that is the GUI
thread's work); the thread only imports modules and opens the database.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import threading
import time
from typing import TYPE_CHECKING

from . import clock

if TYPE_CHECKING:
    from gongkai_desktop.app import AppContext

log = logging.getLogger(__name__)

# Imported on the thread: what the log-in and the main window with its first page need.
WARM_MODULES = (
    "gongkai_desktop.services.auth",
    "gongkai_desktop.services.admin",
    "gongkai_desktop.services.calendar",
    "gongkai_desktop.services.maintenance",
    "ui.worker",
    "ui.main_window",
)


class BackgroundLoad:
    """Open the data of ``args`` on a thread. After ``join``: ``ctx`` (None when opening failed),
    ``error`` (the exception, e.g. ``DamagedDatabase``), ``initialized``, ``unit`` (the unit's
    name for the dialog) and ``elapsed_ms`` (how long the thread worked)."""

    def __init__(self, args: argparse.Namespace, first_page: str = "home") -> None:
        self.args = args
        self.first_page = first_page
        self.ctx: AppContext | None = None
        self.error: BaseException | None = None
        self.initialized = False
        self.unit = ""
        self.elapsed_ms = 0.0
        self.done_at_ms = 0
        self._thread = threading.Thread(target=self._run, name="open-data", daemon=True)

    def start(self) -> None:
        if not self._thread.is_alive() and self.done_at_ms == 0:
            self._thread.start()

    @property
    def started(self) -> bool:
        return self._thread.ident is not None

    def done(self) -> bool:
        return self.started and not self._thread.is_alive()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread (starting it if nobody did); True when it has finished."""
        if not self.started:
            self.start()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        began = time.perf_counter()
        try:
            from .app import begin_integrity_check

            early = begin_integrity_check(self.args)
            from gongkai_desktop.app import is_initialized, open_app

            self.ctx = open_app(self.args.data_dir, self.args.db, early)
            self.initialized = is_initialized(self.ctx.db)
            if self.initialized:
                from .dialogs.login import unit_name

                self.unit = unit_name(self.ctx.db)
            for name in (*WARM_MODULES, *self._page_modules()):
                importlib.import_module(name)
        except BaseException as exc:  # handed to the GUI thread, which decides what to say
            self.error = exc
        finally:
            self.elapsed_ms = (time.perf_counter() - began) * 1000
            self.done_at_ms = clock.ms_since_process_start()
            log.info("data opened on a thread in %.0f ms", self.elapsed_ms)

    def _page_modules(self) -> list[str]:
        from .pages import page_by_key

        spec = page_by_key(self.first_page)
        if spec is None or not isinstance(spec.factory, str):
            return []
        return [spec.factory.partition(":")[0]]
