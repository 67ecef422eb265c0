"""Start-up time of the desktop app against a bare PySide6 window on the same machine (SPEC §17).

Creates a temporary data folder, fills it with ``gongkai demo`` (``--items`` is passed on as
``--scale``), then starts ``gongkai-desktop --smoke`` ``--runs`` times and a bare
QApplication + QMainWindow script as many times, both as fresh Python processes with
QT_QPA_PLATFORM=offscreen. One unmeasured run of each warms the file cache first. Measured
separately, as medians:

- ``login_ms``: process start → the log-in dialog painted (``ui.clock``, the process's own start
  time), and ``ratio=<login/bare window>``; the target is ``ratio <= 1.3``;
- ``main_ms``: 登录 pressed → the main window with its first page shown. ``--smoke`` presses 登录
  once the data is open, as a user who types their password does;
- ``open_ms``: the thread's time to open the data behind the dialog, and ``stall_ms``: the
  longest turn of the GUI thread's event loop meanwhile (how long a key press could wait while the
  thread holds the interpreter);
- ``ready_ms``: the whole path, process start → main window (the data opening included).

Where the time goes (this machine): before the dialog only Python, PySide6, the font, the style
sheet and the dialog itself (Qt's own namespace, whose first use costs ~20 ms, is left for later).
After it is painted a thread imports SQLAlchemy and the services, checks and opens the database and
imports the main window and its first page while the user types; 登录 then costs the Argon2
verification, building the main window and the first page's queries.

Measured on this machine (2 cores, quiet moments; medians): bare window 96–102 ms, log-in dialog
120–124 ms (ratio 1.22–1.25, at 200 and at 100 000 items); the thread opens the data in 340–360
ms, the event loop's longest turn meanwhile 15–27 ms; 登录 → 首页 80 ms (its figures follow on the
worker), → 公开事项 250–330 ms at 100 000 items. Before, the whole path took 489 ms at 200 items
and the first window appeared only with the main window (ratio 4.6).

    .venv/bin/python bench/startup.py [--runs N] [--items N] [--page KEY] [--keep]
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURE_RE = re.compile(r"^(\w+_ms)=(\d+)$", re.MULTILINE)

BARE_WINDOW = """
from PySide6.QtCore import QElapsedTimer
from PySide6.QtWidgets import QApplication, QMainWindow
from ui.clock import ms_since_process_start

app = QApplication([])
window = QMainWindow()
window.resize(1240, 680)
window.show()
timer = QElapsedTimer()
timer.start()
while timer.elapsed() < 20000:
    app.processEvents()
    handle = window.windowHandle()
    if handle is not None and handle.isExposed():
        app.processEvents()
        break
print(f"ready_ms={ms_since_process_start()}", flush=True)
"""


def script(name: str) -> list[str] | None:
    """The installed console script beside this interpreter, if there is one."""
    path = Path(sys.executable).with_name(name)
    return [str(path)] if path.is_file() else None


def run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:3])}… failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def figures(command: list[str], env: dict[str, str]) -> dict[str, int]:
    """The ``name_ms=N`` lines a run prints; it must print ``ready_ms``."""
    output = run(command, env)
    found = {name: int(value) for name, value in FIGURE_RE.findall(output)}
    if "ready_ms" not in found:
        sys.exit(f"no ready_ms line in the output of {command[0]}:\n{output}")
    return found


def remember_page(data: Path, username: str, page: str) -> None:
    """Leave ``page`` as the page ``username`` had open last, as the app itself keeps it."""
    from PySide6.QtCore import QSettings

    from ui.context import user_group
    from ui.dialogs.login import LAST_USER_KEY

    settings = QSettings(str(data / "ui-state.ini"), QSettings.Format.IniFormat)
    settings.setValue(LAST_USER_KEY, username)
    settings.setValue(f"{user_group(username)}/main_window/page", page)
    settings.sync()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each side")
    parser.add_argument(
        "--items", type=int, default=200, help="demo data scale (gongkai demo --scale)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    parser.add_argument(
        "--page", default="home", help="the page the admin left open last time (首页: home)"
    )
    args = parser.parse_args(argv)

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_LOGGING_RULES="qt.qpa.*=false")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.pop("GONGKAI_DATA_DIR", None)
    # An installed program starts from compiled modules (pip and PyInstaller write them). A shell
    # with PYTHONDONTWRITEBYTECODE set would make every run compile the app's own modules again,
    # so they are compiled once here, as an installation would.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(ROOT / "gongkai_desktop", quiet=1)
    compileall.compile_dir(ROOT / "ui", quiet=1)

    from gongkai_desktop.demo import DEMO_PASSWORD

    data = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    try:
        cli = script("gongkai") or [sys.executable, "-m", "gongkai_desktop.cli"]
        run([*cli, "--data-dir", str(data), "demo", "--scale", str(args.items)], env)
        remember_page(data, "admin", args.page)
        app_env = dict(env, GONGKAI_PASSWORD=DEMO_PASSWORD)
        desktop = script("gongkai-desktop") or [sys.executable, "-m", "ui.app"]
        app_command = [*desktop, "--data-dir", str(data), "--as", "admin", "--smoke"]
        bare_command = [sys.executable, "-c", BARE_WINDOW]

        figures(app_command, app_env)  # warm-up: file cache, the daily automatic backup
        figures(bare_command, env)
        app_runs, bare_times = [], []
        for _ in range(args.runs):  # alternate, so a slow moment of the machine hits both sides
            app_runs.append(figures(app_command, app_env))
            bare_times.append(figures(bare_command, env)["ready_ms"])
    finally:
        if args.keep:
            print(f"data folder kept: {data}")
        else:
            shutil.rmtree(data, ignore_errors=True)

    bare_median = statistics.median(bare_times)
    print(f"items={args.items} runs={args.runs} first page={args.page}")
    print(f"bare_ready_ms={bare_median:.0f} (runs: {', '.join(map(str, bare_times))})")
    medians = {}
    for name in ("login_ms", "open_ms", "stall_ms", "main_ms", "ready_ms"):
        times = [run_figures[name] for run_figures in app_runs]
        medians[name] = statistics.median(times)
        print(f"{name}={medians[name]:.0f} (runs: {', '.join(map(str, times))})")
    # Each app run is paired with the bare run right after it, so a busy moment of a shared
    # machine weighs on both sides of a pair: the median of the pairs' ratios.
    pairs = [app["login_ms"] / bare for app, bare in zip(app_runs, bare_times, strict=True)]
    print(f"ratio={statistics.median(pairs):.2f}  (log-in dialog / bare window, median of pairs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
