"""A program killed while it writes an export leaves its temporary file in the folder the user
chose; the next start removes it (and only such files), as it does in the data folder."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

from gongkai_desktop import fileio
from gongkai_desktop.app import UNFINISHED_WRITES, open_app


def test_a_killed_export_leaves_nothing_after_the_next_start(tmp_path) -> None:
    data, exports = tmp_path / "data", tmp_path / "桌面"
    exports.mkdir()
    keep = exports / ".别人的文件.part"  # not ours: never listed, never removed
    keep.write_text("x", encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import os
        from gongkai_desktop.app import open_app
        from gongkai_desktop import fileio
        ctx = open_app({str(data)!r})
        with fileio.atomic_path({str(exports / "年报.docx")!r}) as tmp:
            tmp.write_bytes(b"half a document")
            os._exit(9)  # killed mid-write: no clean-up runs
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=os.getcwd(), timeout=120)
    assert done.returncode == 9
    left = [p for p in exports.iterdir() if p != keep]
    assert len(left) == 1 and left[0].name.endswith(".part")
    old = time.time() - 3600
    os.utime(left[0], (old, old))
    ctx = open_app(data)
    ctx.close()
    assert sorted(p.name for p in exports.iterdir()) == [keep.name]
    assert fileio._read_journal(data / UNFINISHED_WRITES) == []


def test_a_write_in_progress_elsewhere_is_left_alone(tmp_path) -> None:
    journal = tmp_path / UNFINISHED_WRITES
    fileio.keep_journal(journal)
    try:
        with fileio.atomic_path(tmp_path / "out" / "表.xlsx") as tmp:
            tmp.write_bytes(b"being written")
            assert fileio._read_journal(journal) == [str(tmp)]
            assert fileio.clean_unfinished(journal, stale_seconds=60) == []
            assert tmp.exists()
        assert fileio._read_journal(journal) == []
        assert (tmp_path / "out" / "表.xlsx").read_bytes() == b"being written"
    finally:
        fileio.keep_journal(None)
