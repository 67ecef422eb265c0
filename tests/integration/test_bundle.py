"""The PyInstaller one-folder build: the bundled CLI and GUI start and find their resources."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build dist/gongkai with build.spec into a temporary folder (minutes; CI runs it)."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", f"{ROOT}[dist]"],
                       check=True)
    work = tmp_path_factory.mktemp("pyi")
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"),
         str(ROOT / "build.spec")],
        cwd=ROOT, check=True, timeout=1200,
    )
    return work / "dist" / "gongkai"


@pytest.mark.slow
def test_bundled_cli_reports_its_version_and_works_on_a_database(bundle, tmp_path):
    """The frozen gongkai prints its version and runs init + a working-day computation."""
    exe = bundle / "gongkai"
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    from gongkai_desktop import __version__

    assert __version__ in out.stdout
    env = {**os.environ, "GONGKAI_PASSWORD": "admin-pass-1"}
    data = tmp_path / "data"
    subprocess.run([exe, "--data-dir", data, "init", "--unit", "测试局", "--admin", "admin"],
                   env=env, check=True, capture_output=True)
    got = subprocess.run([exe, "--data-dir", data, "calendar", "workday-after", "2021-09-24", "1"],
                         env=env, capture_output=True, text=True, check=True)
    assert got.stdout.strip() == "2021-09-26"


@pytest.mark.slow
def test_bundled_gui_smoke_start_offscreen(bundle, tmp_path):
    """The frozen gongkai-desktop logs in, shows its main window and prints ready_ms."""
    env = {**os.environ, "GONGKAI_PASSWORD": "admin-pass-1", "QT_QPA_PLATFORM": "offscreen"}
    data = tmp_path / "data"
    subprocess.run([bundle / "gongkai", "--data-dir", data, "init", "--unit", "测试局", "--admin",
                    "admin"], env=env, check=True, capture_output=True)
    got = subprocess.run([bundle / "gongkai-desktop", "--data-dir", data, "--as", "admin",
                          "--smoke"], env=env, capture_output=True, text=True, timeout=120)
    assert got.returncode == 0, got.stderr
    lines = [line for line in got.stdout.splitlines() if line.startswith("ready_ms=")]
    assert len(lines) == 1 and int(lines[0].split("=", 1)[1]) > 0
    assert (bundle / "_internal" / "resources").is_dir() or any(bundle.rglob("style.qss"))

