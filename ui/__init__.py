"""The PySide6 front end of 政务公开工作台 (``gongkai-desktop``); the core is ``gongkai_desktop``."""

import time as _time

# The first import of anything in ``ui`` (the entry point imports ``ui.app``): the fallback start
# time of ``ui.clock`` where the operating system's own process start time cannot be read.
IMPORTED_AT = _time.perf_counter()
