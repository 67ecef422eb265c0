"""Where the data lives: resolved once from --data-dir, GONGKAI_DATA_DIR, a portable data/ folder
next to the program, or the user data directory (platformdirs), in that order.

The live SQLite file must not sit on a network share (SQLite's locking is unreliable there) or a
removable drive (pulled out while writing, the file is damaged): both are refused.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from . import APP_ID
from .errors import UnsafeLocation

ENV_DATA_DIR = "GONGKAI_DATA_DIR"
DB_FILENAME = "gongkai.db"
NETWORK_FS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb",
    "smb2",
    "smb3",
    "smbfs",
    "sshfs",
    "fuse.sshfs",
    "afs",
    "ncpfs",
    "9p",
    "davfs",
    "fuse.davfs2",
    "glusterfs",
    "ceph",
    "fuse.rclone",
}


def program_dir() -> Path:
    """The folder of the program: the bundle's folder when frozen, else the source checkout."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", program_dir())) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    portable: bool = False

    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_FILENAME

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def settings_ini(self) -> Path:
        return self.data_dir / "ui-state.ini"

    def ensure(self) -> AppPaths:
        for folder in (self.data_dir, self.backups_dir, self.attachments_dir, self.logs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    if data_dir:
        return AppPaths(Path(data_dir).expanduser().resolve())
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return AppPaths(Path(env).expanduser().resolve())
    portable = program_dir() / "data"
    if portable.is_dir():
        return AppPaths(portable, portable=True)
    import platformdirs  # only here: importing it costs start-up time when a folder is given

    return AppPaths(Path(platformdirs.user_data_dir(APP_ID, appauthor=False)))


def _mount_fstype(path: Path) -> tuple[str, str]:
    """Return (mount point, filesystem type) of the mount holding path, from /proc/mounts."""
    best = ("", "")
    try:
        with open("/proc/mounts", encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) < 3:
                    continue
                mount = parts[1].replace("\\040", " ")
                if (str(path) == mount or str(path).startswith(mount.rstrip("/") + "/")) and len(
                    mount
                ) > len(best[0]):
                    best = (mount, parts[2])
    except OSError:
        pass
    return best


def _windows_drive_type(path: Path) -> int | None:
    if os.name != "nt":
        return None
    import ctypes

    root = os.path.splitdrive(str(path))[0] + "\\"
    return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]


DRIVE_REMOVABLE, DRIVE_REMOTE = 2, 4
REMOVABLE_MOUNTS = ("/media/", "/run/media/", "/mnt/usb")
REMOVABLE_REFUSAL = (
    "数据库文件不能放在可移动磁盘上（{where}）：拔出磁盘或断电时正在写入的数据会损坏。"
    "请放在本机磁盘上；要在电脑之间传递数据，请用 报送包 或 备份文件。"
)


def _is_removable_block(mount: str) -> bool:
    """Linux: the block device under a mount point says it is removable (a USB stick)."""
    if not mount or os.name == "nt":
        return False
    try:
        device = os.stat(mount).st_dev
        flag = Path(f"/sys/dev/block/{os.major(device)}:{os.minor(device)}/removable")
        if not flag.exists():
            flag = Path(f"/sys/dev/block/{os.major(device)}:{os.minor(device)}/../removable")
        return flag.read_text(encoding="ascii").strip() == "1"
    except (OSError, ValueError):
        return False


def check_db_location(path: str | os.PathLike[str]) -> list[str]:
    """Refuse a network location for the live database; return warnings (e.g. removable drive)."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        raise UnsafeLocation(
            f"数据库文件不能放在网络共享位置（{text}）：多台电脑通过共享文件夹同时使用 SQLite 文件会损坏数据。"
            "请放在本机磁盘上，或在设置中改用共享服务器（PostgreSQL）模式。",
            path=text,
        )
    resolved = Path(text).expanduser().resolve()
    probe = resolved
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    drive = _windows_drive_type(probe)
    if drive == DRIVE_REMOTE:
        raise UnsafeLocation(
            f"数据库文件不能放在网络驱动器上（{text}）。请放在本机磁盘上，或改用共享服务器模式。",
            path=text,
        )
    warnings: list[str] = []
    if drive == DRIVE_REMOVABLE:
        raise UnsafeLocation(REMOVABLE_REFUSAL.format(where=text), path=text)
    mount, fstype = _mount_fstype(probe)
    if fstype.lower() in NETWORK_FS:
        raise UnsafeLocation(
            f"数据库文件不能放在网络文件系统上（{text}，{fstype}）。请放在本机磁盘上，或改用共享服务器模式。",
            path=text,
        )
    if mount.startswith(REMOVABLE_MOUNTS) or _is_removable_block(mount):
        raise UnsafeLocation(REMOVABLE_REFUSAL.format(where=f"{text}，{mount}"), path=text)
    return warnings
