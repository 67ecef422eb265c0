"""The package of everything (server mode's logical backup, the copy up to a server): every table
of the schema comes back whole into an empty database."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from everything_data import ATTACHED, KF, fill_every_table
from support import assert_restored, database_contents

from gongkai_desktop.app import AppContext, open_app
from gongkai_desktop.db.schema import metadata
from gongkai_desktop.demo import DEMO_PASSWORD
from gongkai_desktop.package.records import CARRIED_APART, KINDS, NOT_CARRIED
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.calendar import calendar_fingerprint
from gongkai_desktop.services.package import PackageService, restore_everything_job


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[AppContext]:
    """A database where every table of the schema holds at least one row."""
    ctx = open_app(tmp_path / "source")
    fill_every_table(ctx, tmp_path)
    yield ctx
    ctx.close()


def test_every_table_is_carried_by_the_package_of_everything() -> None:
    """A table added to the schema must join the package of everything or say why not."""
    assert set(metadata.tables) - set(KINDS) - set(CARRIED_APART) == set()
    assert all(KINDS[t].foundation for t in NOT_CARRIED if t in KINDS)


def test_restore_into_an_empty_database_gives_every_table_back(filled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Written by the admin and loaded into an empty database, every table holds what it held."""
    admin = AuthService(filled.db).login("admin", DEMO_PASSWORD)
    before = database_contents(filled.db)
    empty = [t for t, rows in before.items() if not rows]
    assert empty == [], f"the filled database leaves tables empty: {empty}"
    with filled.db.read() as session:
        fingerprint = calendar_fingerprint(session)
    target = tmp_path / "全部数据.gkpkg"
    service = PackageService(filled.db, admin, filled.paths.attachments_dir)
    result = run_job(service.export_everything_job(target))
    restored = open_app(tmp_path / "restored")
    try:
        run_job(restore_everything_job(restored.db, target, restored.paths.attachments_dir))
        assert_restored(before, database_contents(restored.db), result.sha256)
        with restored.db.read() as session:
            # Later amendments still win over earlier notices: the same working days.
            assert calendar_fingerprint(session) == fingerprint
        files = list(Path(restored.paths.attachments_dir).rglob("*"))
        digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file()}
        assert hashlib.sha256(ATTACHED).hexdigest() in digests
        # The division's next package is checked against the chain of its last one, as before.
        liaison = AuthService(filled.db).login("lly_kf", DEMO_PASSWORD)
        nxt = tmp_path / "下一次.gkpkg"
        run_job(
            PackageService(filled.db, liaison, filled.paths.attachments_dir).export_job(KF, nxt)
        )
        centre = AuthService(restored.db).login("admin", DEMO_PASSWORD)
        preview = PackageService(restored.db, centre, restored.paths.attachments_dir).preview(nxt)
        assert preview.comparison.chain.status == "continues", preview.comparison.chain.message
    finally:
        restored.close()
