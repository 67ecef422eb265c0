"""Restores that verify what they trust, start-up after damage, and unfinished temporary files."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path

import pytest
from support import ADMIN_PASSWORD

from gongkai_desktop import backup
from gongkai_desktop.app import DamagedDatabase, open_app
from gongkai_desktop.errors import ValidationError
from gongkai_desktop.fileio import atomic_path
from gongkai_desktop.restore_check import expected_triggers, verify_restorable


@pytest.fixture
def good_backup(app_ctx, admin) -> Path:  # type: ignore[no-untyped-def]
    """A backup of an initialised unit (its audit log holds the set-up's rows)."""
    return backup.make_backup(app_ctx.paths.db_path, app_ctx.paths.backups_dir, "manual").path


def _edit(path: Path, *statements: str) -> Path:
    """Change a copy of ``path`` with raw SQL, as someone with the file could."""
    target = path.with_name("edited-" + path.name)
    target.write_bytes(path.read_bytes())
    with contextlib.closing(sqlite3.connect(target)) as con:
        for sql in statements:
            con.execute(sql)
        con.commit()
    return target


def _restore(run_cli, path: Path):  # type: ignore[no-untyped-def]
    return run_cli("--as", "admin", "restore", str(path), password=ADMIN_PASSWORD)


def _units(app_ctx) -> list[str]:  # type: ignore[no-untyped-def]
    with contextlib.closing(sqlite3.connect(app_ctx.paths.db_path)) as con:
        return [r[0] for r in con.execute("SELECT value FROM setting WHERE key='unit_name'")]


def test_a_good_backup_passes_every_check(good_backup) -> None:  # type: ignore[no-untyped-def]
    """The app's own backup is restorable: intact, known revision, its triggers, its chain."""
    revision = verify_restorable(good_backup)
    with contextlib.closing(sqlite3.connect(good_backup)) as con:
        stored = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert stored and set(expected_triggers(revision)) == stored


def _rewrite_audit_row(path: Path) -> Path:
    """Edit an audit row the way a tamperer must: drop the append-only triggers, edit, put the
    triggers back (so the trigger check passes and only the chain can tell)."""
    target = path.with_name("edited-" + path.name)
    target.write_bytes(path.read_bytes())
    with contextlib.closing(sqlite3.connect(target)) as con:
        triggers = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log'"
        ).fetchall()
        for name, _ in triggers:
            con.execute(f'DROP TRIGGER "{name}"')
        con.execute("UPDATE audit_log SET detail='改过' WHERE id=(SELECT min(id) FROM audit_log)")
        for _, sql in triggers:
            con.execute(sql)
        con.commit()
    return target


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda p: _edit(p, "CREATE TRIGGER planted AFTER INSERT ON disclosure_item BEGIN "
                            "UPDATE setting SET value='x'; END"), "多出的触发器：planted"),
        (lambda p: _edit(p, "UPDATE alembic_version SET version_num='9999'"), "比本程序新或无法识别"),
        (_rewrite_audit_row, "哈希链"),
    ],
)  # fmt: skip
def test_a_tampered_backup_is_refused_and_the_live_database_untouched(
    app_ctx, admin, run_cli, good_backup, tamper, reason
) -> None:  # type: ignore[no-untyped-def]
    """A planted trigger, a newer schema revision or a broken audit chain is refused with its
    reason and exit 1; the live database stays as it was and the refusal is audited."""
    bad = tamper(good_backup)
    from gongkai_desktop.services.admin import AdminService

    AdminService(app_ctx.db, admin).set_setting("unit_name", "现在的单位")
    code, _, err = _restore(run_cli, bad)
    assert code == 1 and reason in err and "未恢复" in err, err
    assert "现在的单位" in _units(app_ctx)[0]
    assert not list(app_ctx.paths.backups_dir.glob("*before-restore*"))
    with contextlib.closing(sqlite3.connect(app_ctx.paths.db_path)) as con:
        refused = con.execute(
            "SELECT count(*) FROM audit_log WHERE action='backup.restore' AND outcome='refused'"
        ).fetchone()[0]
    assert refused == 1


def test_an_altered_trigger_is_refused(good_backup) -> None:  # type: ignore[no-untyped-def]
    """A trigger of the right name whose body was replaced is refused as altered."""
    with contextlib.closing(sqlite3.connect(good_backup)) as con:
        name, table = con.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type='trigger' LIMIT 1"
        ).fetchone()
    bad = _edit(
        good_backup,
        f'DROP TRIGGER "{name}"',
        f'CREATE TRIGGER "{name}" BEFORE DELETE ON "{table}" BEGIN SELECT 1; END',
    )
    with pytest.raises(ValidationError, match=f"被改动的触发器：{name}"):
        verify_restorable(bad)


def _wreck(db_path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    db_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8192)


def test_after_damage_the_app_never_starts_silently_empty(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Once a damaged file was moved aside, every later start says so (where the file is, that
    the data is empty, which verified backup there is) until a backup is restored or the user
    chooses empty data; a tampered backup is not offered."""
    from gongkai_desktop.services.setup import initialize

    data = tmp_path / "data"
    ctx = open_app(data)
    initialize(ctx.db, "测试局", "admin", ADMIN_PASSWORD)
    good = backup.make_backup(ctx.paths.db_path, ctx.paths.backups_dir, "manual")
    ctx.close()
    # A newer backup with a planted trigger must not be the one offered.
    time.sleep(1.1)
    planted = backup.make_backup(ctx.paths.db_path, ctx.paths.backups_dir, "manual").path
    with contextlib.closing(sqlite3.connect(planted)) as con:
        con.execute("CREATE TRIGGER planted AFTER INSERT ON division BEGIN SELECT 1; END")
        con.commit()
    _wreck(ctx.paths.db_path)
    with pytest.raises(DamagedDatabase) as first:
        open_app(data)
    assert first.value.newest_backup is not None and first.value.newest_backup.path == good.path
    for _ in range(2):  # the next starts do not create an empty database as if nothing happened
        with pytest.raises(DamagedDatabase) as again:
            open_app(data)
        assert str(first.value.moved_to) in str(again.value) and "当前没有数据" in str(again.value)
        assert not ctx.paths.db_path.exists()
    backup.restore_into(good.path, ctx.paths.db_path)
    reopened = open_app(data)
    reopened.close()


def test_choosing_empty_data_is_remembered(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Without any backup the message says plainly that the data is empty; once the user chose
    to start again, the app opens a new database."""
    data = tmp_path / "data"
    open_app(data).close()
    _wreck(data / "gongkai.db")
    with pytest.raises(DamagedDatabase, match="没有找到可以恢复的有效备份：如果重新开始，数据将是空的"):
        open_app(data)
    backup.clear_moved_aside(data / "gongkai.db")
    open_app(data).close()
    assert (data / "gongkai.db").exists()


def test_unfinished_temporary_files_are_removed_at_start_and_in_rotation(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A .part left by a killed backup or export is removed at the next start and by rotation;
    one still being written (touched within the last minute) is left alone."""
    data = tmp_path / "data"
    open_app(data).close()
    stale = [data / ".gongkai.db.x1.part", data / "backups" / ".gongkai-1.db.x2.part"]
    fresh = data / "backups" / ".gongkai-2.db.x3.part"
    for path in [*stale, fresh]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    old = time.time() - 3600
    for path in stale:
        os.utime(path, (old, old))
    open_app(data).close()
    assert not any(p.exists() for p in stale) and fresh.exists()
    os.utime(fresh, (old, old))
    backup.rotate(data / "backups")
    assert not fresh.exists()


def test_a_killed_write_leaves_only_a_part_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An interrupted write leaves nothing under the final name (the part goes at next start)."""
    target = tmp_path / "导出.xlsx"
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as tmp:
        tmp.write_bytes(b"partial")
        raise KeyboardInterrupt
    assert not target.exists() and not list(tmp_path.glob(".*.part"))
