"""The audit chain anchored outside the database: cuts, deletes, rewrites and appends are named."""

from __future__ import annotations

import json
import sqlite3

import keyring
import pytest
from keyring.backend import KeyringBackend
from support import rewrite_audit_row

from gongkai_desktop import anchor, audit
from gongkai_desktop.audit import HASHED_FIELDS, _row_hash
from gongkai_desktop.domain.labels import DivisionKind
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.maintenance import MaintenanceService


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in memory, standing in for the OS keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def busy(app_ctx, admin):  # type: ignore[no-untyped-def]
    """A database with some audited changes and a manual backup (a checkpoint)."""
    service = AdminService(app_ctx.db, admin)
    for i in range(5):
        service.add_division(f"测试处{i}", DivisionKind.OTHER, f"T{i}")
    MaintenanceService(app_ctx.db, admin, app_ctx.paths).backup()
    service.add_division("之后的处", DivisionKind.OTHER, "AFTER")
    return app_ctx


def _sql(ctx, *statements: str) -> None:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(ctx.paths.db_path)
    con.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()


def _chain_alone_ok(ctx) -> bool:  # type: ignore[no-untyped-def]
    with ctx.db.read() as session:
        return audit.verify_chain(session).ok


def test_untouched_chain_matches_its_checkpoint(busy) -> None:  # type: ignore[no-untyped-def]
    """A chain nobody touched agrees with the newest checkpoint."""
    report = anchor.verify(busy.db)
    assert report.ok and "一致" in report.note
    points = busy.db.anchor.checkpoints()
    assert any("gongkai-" in p.reason for p in points)  # the backup's checkpoint names the file


def test_tail_cut_is_named(busy) -> None:  # type: ignore[no-untyped-def]
    """Deleting the last rows passes the chain check but not the checkpoint."""
    _sql(busy, "DELETE FROM audit_log WHERE id > (SELECT MAX(id) - 3 FROM audit_log)")
    assert _chain_alone_ok(busy)
    report = anchor.verify(busy.db)
    assert not report.ok and "末尾被删除" in report.reason


def test_full_delete_is_named(busy) -> None:  # type: ignore[no-untyped-def]
    """Deleting every row is reported as a full delete."""
    _sql(busy, "DELETE FROM audit_log")
    assert _chain_alone_ok(busy)
    report = anchor.verify(busy.db)
    assert not report.ok and "全部删除" in report.reason


def test_full_delete_then_new_work_still_named(busy, admin) -> None:  # type: ignore[no-untyped-def]
    """After the log was emptied, the app's next change does not hide the loss."""
    _sql(busy, "DELETE FROM audit_log")
    AdminService(busy.db, admin).add_division("又一处", DivisionKind.OTHER, "AGAIN")
    report = anchor.verify(busy.db)
    assert not report.ok
    assert "末尾被删除" in report.reason or "改写" in report.reason


def test_recomputed_rewrite_is_named(busy) -> None:  # type: ignore[no-untyped-def]
    """A row changed with every later hash recomputed is found at the checkpoint's row."""
    rewrite_audit_row(busy.paths.db_path, 2, "改写后的说明")
    assert _chain_alone_ok(busy)
    report = anchor.verify(busy.db)
    assert not report.ok and "改写" in report.reason


def test_forged_append_is_named(busy) -> None:  # type: ignore[no-untyped-def]
    """A row appended with a correct hash, but not by the app, is counted as unanchored."""
    con = sqlite3.connect(busy.paths.db_path)
    con.row_factory = sqlite3.Row
    last = con.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    row = {f: last[f] for f in HASHED_FIELDS}
    row.update(ts="2026-01-01T00:00:00.000000Z", action="division.add", detail="伪造")
    new_hash = _row_hash(last["hash"], [row[f] for f in HASHED_FIELDS])
    con.execute(
        "INSERT INTO audit_log (" + ", ".join([*HASHED_FIELDS, "prev_hash", "hash"]) + ") VALUES ("
        + ", ".join("?" * (len(HASHED_FIELDS) + 2)) + ")",
        [*(row[f] for f in HASHED_FIELDS), last["hash"], new_hash],
    )
    con.commit()
    con.close()
    assert _chain_alone_ok(busy)
    report = anchor.verify(busy.db)
    assert not report.ok and "多出 1 条" in report.reason


def test_cli_audit_verify_exits_1_on_a_cut(busy, run_cli) -> None:  # type: ignore[no-untyped-def]
    """`gongkai audit verify` names the truncation and exits 1."""
    busy.close()
    _sql(busy, "DELETE FROM audit_log WHERE id > (SELECT MAX(id) - 2 FROM audit_log)")
    code, _out, err = run_cli("audit", "verify")
    assert code == 1 and "末尾被删除" in err


def test_keyring_copy_catches_a_cut_when_the_file_is_removed(app_ctx, admin, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With an OS keyring, deleting the anchor file as well does not hide a cut."""
    ring = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    try:
        service = AdminService(app_ctx.db, admin)
        for i in range(3):
            service.add_division(f"钥匙处{i}", DivisionKind.OTHER, f"K{i}")
        point = app_ctx.db.anchor.checkpoint(app_ctx.db, "测试检查点")
        assert json.loads(next(iter(ring.store.values())))["head"] == point.head
        _sql(app_ctx, "DELETE FROM audit_log WHERE id > (SELECT MAX(id) - 2 FROM audit_log)")
        app_ctx.db.anchor.path.unlink()
        report = anchor.verify(app_ctx.db)
        assert not report.ok and "末尾被删除" in report.reason
    finally:
        keyring.set_keyring(previous)


def test_restore_starts_a_new_record(busy, admin) -> None:  # type: ignore[no-untyped-def]
    """Restoring an older backup is not reported as a cut."""
    older = MaintenanceService(busy.db, admin, busy.paths).list_backups()[-1]
    MaintenanceService(busy.db, admin, busy.paths).restore(older.path)
    assert anchor.verify(busy.db).ok


def test_genesis_only_database_has_no_checkpoint(app_ctx) -> None:  # type: ignore[no-untyped-def]
    """An empty, migrated database verifies and says there is no checkpoint yet."""
    report = anchor.verify(app_ctx.db)
    assert report.ok and report.note == "尚无检查点"
