"""Milliseconds since the process started, for the start-up measurement (``--smoke``, bench/).

The operating system's own start time of the process is used where it can be read, so the figure
includes the interpreter's start and every import. On Linux that is the ``starttime`` field of
``/proc/self/stat`` (clock ticks since boot, the same clock as ``CLOCK_BOOTTIME``); on Windows it is
``GetProcessTimes``. Elsewhere the fallback is the moment the ``ui`` package was first imported
(``ui.IMPORTED_AT``), so only the interpreter's own start is missed there.

Qt-free on purpose: the bare-window baseline of ``bench/startup.py`` uses the same function.
"""

from __future__ import annotations

import logging
import os
import sys
import time

from . import IMPORTED_AT

log = logging.getLogger(__name__)


def _linux_elapsed_s() -> float | None:
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            stat = fh.read()
        # The command name (field 2) may contain spaces and parentheses: split after the last ')'.
        fields = stat[stat.rindex(")") + 2 :].split()
        start_ticks = int(fields[19])  # field 22 of the whole line
        ticks = os.sysconf("SC_CLK_TCK")
        now = time.clock_gettime(time.CLOCK_BOOTTIME)
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return now - start_ticks / ticks


def _windows_elapsed_s() -> float | None:
    try:
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        creation, exited, kernel, user = (wintypes.FILETIME() for _ in range(4))
        handle = kernel32.GetCurrentProcess()
        if not kernel32.GetProcessTimes(
            handle,
            ctypes.byref(creation),
            ctypes.byref(exited),
            ctypes.byref(kernel),
            ctypes.byref(user),
        ):
            return None
        now = wintypes.FILETIME()
        kernel32.GetSystemTimePreciseAsFileTime(ctypes.byref(now))
    except (OSError, AttributeError):
        return None

    def value(ft: wintypes.FILETIME) -> int:
        return (ft.dwHighDateTime << 32) | ft.dwLowDateTime

    return (value(now) - value(creation)) / 10_000_000  # FILETIME counts 100 ns steps


def ms_since_process_start() -> int:
    """Whole milliseconds since the process started (or since this module's import, see above)."""
    elapsed: float | None = None
    if sys.platform.startswith("linux"):
        elapsed = _linux_elapsed_s()
    elif sys.platform == "win32":
        elapsed = _windows_elapsed_s()
    if elapsed is None or elapsed < 0:
        elapsed = time.perf_counter() - IMPORTED_AT
    return round(elapsed * 1000)
