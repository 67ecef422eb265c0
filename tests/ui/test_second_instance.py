"""The desktop program started on a database another program holds says who holds it."""

from __future__ import annotations

import argparse
import os
import signal
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from support import hold_data_folder

from gongkai_desktop import APP_NAME
from gongkai_desktop.app import open_app
from ui import startup

ROOT = Path(__file__).resolve().parents[2]


def test_second_instance_message(qtbot, tmp_path, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """open_data refuses with a message naming the other process; the box is screenshotted."""
    data = tmp_path / "data"
    open_app(data).close()
    holder = hold_data_folder(data, ROOT)
    try:
        args = argparse.Namespace(data_dir=str(data), db=None)
        assert startup.open_data(args, interactive=True) is None
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.communicate(timeout=30)
    kind, _title, text = message_boxes.last()
    assert kind == "critical"
    assert "正由另一个程序使用" in text and f"进程 {holder.pid}" in text
    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, text)
    qtbot.addWidget(box)
    box.show()
    folder = Path(os.environ.get("GONGKAI_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    assert box.grab().save(str(folder / "second-instance.png"))
