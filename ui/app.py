"""``gongkai-desktop``: the desktop application's entry point.

``main`` parses ``--data-dir DIR``, ``--db URL``, ``--as USER`` and ``--smoke`` and runs the start-up
of ``ui.startup``: Qt set-up, the data, the first-run wizard, the log-in and the main window.
``--smoke`` logs in with ``--as`` and ``GONGKAI_PASSWORD``, shows the main window, prints
``ready_ms=<milliseconds since the process started>`` (see ``ui.clock``) and exits.

The core is imported here before anything imports Qt, on purpose: once PySide6 is loaded, its
import hook reads the source of every module imported after it (for its ``__feature__`` switch),
which adds tens of milliseconds to the start for the database layer alone.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

import gongkai_desktop.app  # noqa: F401 - before Qt, see above
import gongkai_desktop.services.admin  # noqa: F401
import gongkai_desktop.services.auth  # noqa: F401
import gongkai_desktop.services.calendar  # noqa: F401
import gongkai_desktop.services.maintenance  # noqa: F401

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop application; returns the process exit status."""
    from .startup import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
