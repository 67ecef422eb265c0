"""The package of everything restores every row under its source id: the audit log's plain
``user_id`` and ``division_id`` (part of each row's hash) keep naming the same people and
divisions even when the source's ids have gaps; a package without ids, or a database that is not
empty, is refused rather than misattributed."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from gapped_ids import (
    assert_audit_names_the_same,
    assert_new_rows_follow,
    assert_same_rows_by_id,
    fill_with_gaps,
    rows_by_id,
)
from sqlalchemy import func, select

from gongkai_desktop.app import AppContext, open_app
from gongkai_desktop.db.models import AuditEntry, Division, User
from gongkai_desktop.demo import DEMO_PASSWORD
from gongkai_desktop.errors import ValidationError
from gongkai_desktop.package.container import MANIFEST, records_member
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.package import PackageService, restore_everything_job


@pytest.fixture(scope="module")
def gapped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppContext, Path, dict]]:
    """A source with gaps in its ids, its rows by id, and its package of everything (read only
    by the tests)."""
    tmp_path = tmp_path_factory.mktemp("gapped")
    ctx = open_app(tmp_path / "source")
    fill_with_gaps(ctx)
    admin = AuthService(ctx.db).login("admin", DEMO_PASSWORD)
    before = rows_by_id(ctx.db)
    target = tmp_path / "全部数据.gkpkg"
    run_job(PackageService(ctx.db, admin, ctx.paths.attachments_dir).export_everything_job(target))
    yield ctx, target, before
    ctx.close()


def test_restore_keeps_every_id_so_the_audit_log_names_the_same_people(
    gapped: tuple[AppContext, Path, dict], tmp_path: Path
) -> None:
    source, package, before = gapped
    restored = open_app(tmp_path / "restored")
    try:
        run_job(restore_everything_job(restored.db, package, restored.paths.attachments_dir))
        assert_audit_names_the_same(source.db, restored.db)
        assert_same_rows_by_id(before, restored.db)
        assert_new_rows_follow(restored.db)
    finally:
        restored.close()


def test_a_database_with_data_refuses_the_restore(
    gapped: tuple[AppContext, Path, dict], tmp_path: Path
) -> None:
    """A division but no audit row yet (ids taken) is 'data' too: refused, nothing written."""
    _source, package, _before = gapped
    other = open_app(tmp_path / "other")
    try:
        with other.db.write() as session:
            session.add(Division(name="已有处", code="Y1", kind="office"))
        with pytest.raises(ValidationError, match="空数据库"):
            run_job(restore_everything_job(other.db, package, other.paths.attachments_dir))
        with other.db.read() as session:
            assert session.scalar(select(func.count(Division.id))) == 1
            assert session.scalar(select(func.count(AuditEntry.id))) == 0
    finally:
        other.close()


def _without_ids(records: list[dict]) -> None:
    for record in records:
        record.pop("id", None)


def _same_id_twice(records: list[dict]) -> None:
    records[1]["id"] = records[0]["id"]


def _id_too_large(records: list[dict]) -> None:
    records[0]["id"] = 2**40


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_without_ids, "没有记载各条记录的编号"),
        (_same_id_twice, "编号都是"),
        (_id_too_large, "编号 1099511627776 不合法"),
    ],
)
def test_a_package_of_everything_without_usable_ids_is_refused(
    gapped: tuple[AppContext, Path, dict], tmp_path: Path, change, reason: str
) -> None:  # type: ignore[no-untyped-def]
    """Written without the rows' ids (an earlier version), or with ids that cannot all be kept,
    the restore would renumber users under the audit log: refused with the reason, nothing
    written."""
    _source, package, _before = gapped
    altered = tmp_path / "改动.gkpkg"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(altered, "w") as out:
        manifest = json.loads(src.read(MANIFEST))
        for info in src.infolist():
            data = src.read(info)
            if info.filename == records_member("app_user"):
                part = json.loads(data)
                change(part["records"])
                data = json.dumps(part, ensure_ascii=False).encode("utf-8")
                manifest["members"][info.filename] = {
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                }
            if info.filename != MANIFEST:
                out.writestr(info, data)
        out.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False))
    restored = open_app(tmp_path / "restored")
    try:
        with pytest.raises(ValidationError, match=reason):
            run_job(restore_everything_job(restored.db, altered, restored.paths.attachments_dir))
        with restored.db.read() as session:
            assert session.scalar(select(func.count(User.id))) == 0
            assert session.scalar(select(func.count(AuditEntry.id))) == 0
    finally:
        restored.close()
