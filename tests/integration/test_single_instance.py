"""One program per SQLite file, tested with real processes; a removable drive is refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import hold_data_folder

from gongkai_desktop import instance, paths
from gongkai_desktop.app import open_app
from gongkai_desktop.errors import UnsafeLocation

ROOT = Path(__file__).resolve().parents[2]


def _holder(data: Path) -> subprocess.Popen[str]:
    return hold_data_folder(data, ROOT)


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gongkai_desktop", "--data-dir", str(data), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_second_program_is_refused_and_a_killed_holder_releases(tmp_path: Path) -> None:
    """While one process holds the file the CLI is refused naming it; SIGKILL frees the lock."""
    data = tmp_path / "data"
    open_app(data).close()
    holder = _holder(data)
    try:
        refused = _cli(data, "audit", "verify")
        assert refused.returncode == 1
        assert "正由另一个程序使用" in refused.stderr
        assert f"进程 {holder.pid}" in refused.stderr
        with pytest.raises(instance.DatabaseInUse):
            open_app(data)
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.communicate(timeout=30)
    assert instance.lock_path(data / "gongkai.db").exists()  # left behind by the dead process
    again = _cli(data, "audit", "verify")
    assert again.returncode == 0, again.stderr


def test_one_process_may_open_its_file_twice_and_releases_on_close(tmp_path: Path) -> None:
    """Within one program the lock is counted; after the last close another program gets it."""
    data = tmp_path / "data"
    first = open_app(data)
    second = open_app(data)
    second.close()
    assert instance.held_here(data / "gongkai.db")
    first.close()
    assert not instance.held_here(data / "gongkai.db")
    start = time.monotonic()
    holder = _holder(data)
    os.kill(holder.pid, signal.SIGKILL)
    holder.communicate(timeout=30)
    assert time.monotonic() - start < 60


def test_desktop_start_shows_who_holds_the_file(tmp_path: Path) -> None:
    """The desktop program started on a held file exits 1 with the same message."""
    data = tmp_path / "data"
    open_app(data).close()
    holder = _holder(data)
    try:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        result = subprocess.run(
            [sys.executable, "-m", "ui.app", "--data-dir", str(data), "--smoke"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.communicate(timeout=30)
    assert result.returncode == 1
    assert "正由另一个程序使用" in result.stderr


def test_removable_drive_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database on a removable drive (a /media mount) is refused with a Chinese reason."""
    monkeypatch.setattr(paths, "_mount_fstype", lambda _p: ("/media/usb0", "vfat"))
    with pytest.raises(UnsafeLocation, match="可移动磁盘"):
        paths.check_db_location(tmp_path / "gongkai.db")
    with pytest.raises(UnsafeLocation):
        open_app(tmp_path / "data")


def test_network_share_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database on an SMB or NFS mount is refused."""
    monkeypatch.setattr(paths, "_mount_fstype", lambda _p: ("/srv/share", "cifs"))
    with pytest.raises(UnsafeLocation, match="网络"):
        paths.check_db_location(tmp_path / "gongkai.db")
