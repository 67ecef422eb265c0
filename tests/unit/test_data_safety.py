"""Engine pragmas, the audit chain, backups and their rotation, unsafe database locations."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from gongkai_desktop import backup
from gongkai_desktop.app import DamagedDatabase, auto_backup, open_app
from gongkai_desktop.errors import GongkaiError, UnsafeLocation
from gongkai_desktop.fileio import atomic_path
from gongkai_desktop.paths import check_db_location, resolve_paths


def test_every_sqlite_connection_has_the_safety_pragmas(app_ctx):
    """WAL, synchronous=FULL, foreign keys and busy timeout are on for each connection."""
    with app_ctx.db.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_audit_rows_cannot_be_updated_or_deleted(app_ctx, admin):
    """The append-only triggers refuse UPDATE and DELETE on the audit log."""
    for sql in ("UPDATE audit_log SET detail='x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="只允许追加"), app_ctx.db.write() as s:
            s.execute(text(sql))


def test_deleting_a_middle_audit_row_breaks_the_chain_there(app_ctx, admin):
    """Removing row 2 (triggers dropped) is reported at row 3, whose link no longer matches."""
    from gongkai_desktop.audit import verify_chain
    from gongkai_desktop.services.admin import AdminService

    AdminService(app_ctx.db, admin).add_division("项目管理处")
    con = sqlite3.connect(app_ctx.paths.db_path)
    con.execute("DROP TRIGGER audit_log_no_delete")
    con.execute("DELETE FROM audit_log WHERE id=2")
    con.commit()
    con.close()
    with app_ctx.db.read() as s:
        report = verify_chain(s)
    assert not report.ok and report.broken_id == 3


def test_backup_is_verified_and_rotation_keeps_daily_weekly_monthly(tmp_path, app_ctx, admin):
    """Backups open and pass integrity; rotation keeps 7 daily, 4 weekly, 12 monthly, all manual."""
    folder = tmp_path / "rot"
    folder.mkdir()
    base = datetime(2026, 11, 26, 12, 0, 0)
    src = backup.make_backup(app_ctx.paths.db_path, folder, "manual", now=base)
    backup.verify_backup(src.path)
    for days in range(1, 400):
        name = backup.backup_name("auto", base - timedelta(days=days))
        (folder / name).write_bytes(src.path.read_bytes())
    backup.rotate(folder)
    left = backup.list_backups(folder)
    autos = [b for b in left if b.reason == "auto"]
    assert any(b.reason == "manual" for b in left)
    assert len(autos) <= 7 + 4 + 12
    newest_days = sorted({b.made_at.date() for b in autos}, reverse=True)[:6]
    assert newest_days[0] == (base - timedelta(days=1)).date()
    assert len({(b.made_at.year, b.made_at.month) for b in autos}) >= 12


def test_a_corrupt_file_is_never_taken_as_a_backup(tmp_path):
    """verify_backup refuses random bytes and a foreign SQLite database."""
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(GongkaiError):
        backup.verify_backup(junk)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.commit()
    with pytest.raises(GongkaiError, match="不是政务公开工作台"):
        backup.verify_backup(other)


def test_damaged_database_is_moved_aside_and_newest_backup_offered(tmp_path):
    """A file failing the integrity check at start is kept under another name, with a backup."""
    ctx = open_app(tmp_path / "data")
    from gongkai_desktop.services.setup import initialize

    initialize(ctx.db, "测试局", "admin", "admin-pass-1")
    backup.make_backup(ctx.paths.db_path, ctx.paths.backups_dir, "manual")
    ctx.close()
    db_path = ctx.paths.db_path
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    raw = bytearray(db_path.read_bytes())
    raw[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page
    raw[4096 * 2 : 4096 * 3] = b"\x00\x13" * 2048
    db_path.write_bytes(bytes(raw))
    early = backup.EarlyQuickCheck(db_path)  # as the desktop program begins it at its start
    with pytest.raises(DamagedDatabase) as damaged:
        open_app(tmp_path / "data", early_check=early)
    assert early.result() != "ok"
    assert damaged.value.moved_to.exists() and not db_path.exists()
    assert damaged.value.newest_backup is not None


def test_early_check_of_another_file_is_not_taken_for_this_one(tmp_path):
    """``open_app`` uses an early check only when it checked the file being opened."""
    ctx = open_app(tmp_path / "data")
    ctx.close()
    wrecked = tmp_path / "other.db"
    wrecked.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8192)
    early = backup.EarlyQuickCheck(wrecked)
    assert early.result() != "ok"
    open_app(tmp_path / "data", early_check=early).close()


def test_auto_backup_runs_once_a_day_and_only_after_changes(app_ctx, admin):
    """The daily backup is made when the audit head moved, and not twice the same day."""
    from datetime import date

    first = auto_backup(app_ctx, today=date(2026, 11, 26))
    assert first is not None
    assert auto_backup(app_ctx, today=date(2026, 11, 26)) is None
    assert auto_backup(app_ctx, today=date(2026, 11, 27)) is None  # nothing changed
    from gongkai_desktop.services.admin import AdminService

    AdminService(app_ctx.db, admin).add_division("项目管理处")
    assert auto_backup(app_ctx, today=date(2026, 11, 27)) is not None


def test_network_share_paths_are_refused():
    """UNC paths and network mounts are refused for the live database."""
    for path in (r"\\server\share\gongkai.db", "//server/share/gongkai.db"):
        with pytest.raises(UnsafeLocation):
            check_db_location(path)


def test_network_filesystem_mount_is_refused(monkeypatch, tmp_path):
    """A folder on an NFS/CIFS mount (from /proc/mounts) is refused."""
    from gongkai_desktop import paths

    monkeypatch.setattr(paths, "_mount_fstype", lambda p: (str(tmp_path), "cifs"))
    with pytest.raises(UnsafeLocation, match="网络文件系统"):
        check_db_location(tmp_path / "gongkai.db")


def test_data_dir_resolution_order(monkeypatch, tmp_path):
    """--data-dir beats GONGKAI_DATA_DIR, which beats the user data directory."""
    monkeypatch.setenv("GONGKAI_DATA_DIR", str(tmp_path / "env"))
    assert resolve_paths(tmp_path / "arg").data_dir == (tmp_path / "arg").resolve()
    assert resolve_paths().data_dir == (tmp_path / "env").resolve()


def test_atomic_write_leaves_no_partial_file(tmp_path):
    """A failure while writing leaves neither the target nor a temporary file behind."""
    target = tmp_path / "out.xlsx"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"partial")
        raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []


def test_a_new_backup_survives_rotation_in_the_same_second(tmp_path, app_ctx, admin):
    """Two backups made in one second: rotation never removes the one just written."""
    folder = tmp_path / "same"
    now = datetime(2026, 11, 26, 9, 0, 0)
    first = backup.make_backup(app_ctx.paths.db_path, folder, "auto", now=now)
    second = backup.make_backup(app_ctx.paths.db_path, folder, "auto", now=now)
    assert second.path.exists() and second.path != first.path


def test_audit_filter_dates_are_local_days(app_ctx, admin, monkeypatch):
    """The date filter turns a local day into its UTC bounds (Beijing is UTC+8)."""
    import time as time_mod
    from datetime import date

    from gongkai_desktop.services.admin import local_midnight_utc

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time_mod.tzset()
    try:
        assert local_midnight_utc(date(2026, 11, 26)) == "2026-11-25T16:00:00"
    finally:
        monkeypatch.delenv("TZ")
        time_mod.tzset()


def test_head_revision_read_from_files_matches_alembic():
    """The fast head lookup used at every start agrees with Alembic's own script directory."""
    from alembic.script import ScriptDirectory

    from gongkai_desktop.db.migrate import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
