"""A full disk: the database file cannot grow (SQLite's max_page_count), or the folder a backup,
package or export goes to is too small (a 256 KB tmpfs when the tests may mount one, otherwise
ENOSPC injected where the file is flushed). Each time: a clear Chinese error, no file under the
final name, no partial file left, the database unchanged."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import event
from support import table_digest

from gongkai_desktop.errors import DatabaseError, GongkaiError
from gongkai_desktop.exchange import kinds
from gongkai_desktop.progress import run_job
from gongkai_desktop.reports.excel.ledger_items import ITEM_HEADERS, export_items_job
from gongkai_desktop.services.maintenance import MaintenanceService
from gongkai_desktop.services.package import PackageService, Window

pytestmark = pytest.mark.slow
COUNTS: dict[str, int] = {}


def _items(path: Path, rows: int) -> Path:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(list(ITEM_HEADERS))
    for i in range(rows):
        ws.append([f"满盘测试事项{i}" + "说明" * 40, "部门预算", "主动公开", None, "开发指导处",
                   "2021-02-05", "2021-02-20", "门户网站", None, None, os.urandom(300).hex()])  # fmt: skip
    wb.save(path)
    return path


def test_database_that_cannot_grow_refuses_the_import_whole(app_ctx, admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An import that fills the database file is undone whole, with a Chinese message."""
    with app_ctx.db.read() as session:
        pages = session.connection().exec_driver_sql("PRAGMA page_count").scalar()
    app_ctx.db.engine.dispose()

    def cap(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.execute(f"PRAGMA max_page_count = {int(pages) + 20}")

    event.listen(app_ctx.db.engine, "connect", cap)
    before = table_digest(app_ctx.db)
    source = _items(tmp_path / "big.xlsx", 2000)
    job = kinds()["items"].import_job
    assert job is not None
    with pytest.raises(DatabaseError, match="磁盘空间不足"):
        run_job(job(app_ctx.db, admin, source, False, None))
    assert table_digest(app_ctx.db) == before
    COUNTS["max_page_count"] = 1


@pytest.fixture(params=["tmpfs", "ENOSPC"])
def tiny_folder(request, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, str]]:  # type: ignore[no-untyped-def]
    """A full folder: a real 256 KB tmpfs (needs the right to mount), and a folder whose file
    flushes fail with ENOSPC (the error a full disk gives), for where mounting is not allowed."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = False
    if request.param == "tmpfs":
        if not (hasattr(os, "geteuid") and os.geteuid() == 0):
            pytest.skip("mounting a tmpfs needs root; the ENOSPC variant covers this case")
        mounted = (
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
                capture_output=True,
            ).returncode
            == 0
        )
        if not mounted:
            pytest.skip("tmpfs could not be mounted here; the ENOSPC variant covers this case")
    else:
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            if os.path.realpath(f"/proc/self/fd/{fd}").startswith(str(folder)):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync)
    try:
        yield folder, "tmpfs" if mounted else "ENOSPC"
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=False)


def _filled(app_ctx, admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Enough records that a backup, package or export needs more than 256 KB."""
    job = kinds()["items"].import_job
    assert job is not None
    run_job(job(app_ctx.db, admin, _items(tmp_path / "fill.xlsx", 1500), False, None))


def _nothing_left(folder: Path, name: str) -> None:
    assert not (folder / name).exists()
    assert [p.name for p in folder.iterdir()] == []


def _backup(ctx, admin, target: Path) -> None:  # type: ignore[no-untyped-def]
    MaintenanceService(ctx.db, admin, ctx.paths).backup(target)


def _package(ctx, admin, target: Path) -> None:  # type: ignore[no-untyped-def]
    service = PackageService(ctx.db, admin, ctx.paths.attachments_dir)
    run_job(service.export_job("开发指导处", target, Window(None, None, "全部记录")))


def _export(ctx, admin, target: Path) -> None:  # type: ignore[no-untyped-def]
    run_job(export_items_job(ctx.db, admin, target, None, None))


WRITERS = {"backup": (_backup, "备份.db"), "package": (_package, "包.gkpkg"),
           "export": (_export, "事项.xlsx")}  # fmt: skip


@pytest.mark.parametrize("what", sorted(WRITERS))
def test_file_into_a_full_folder(app_ctx, admin, tmp_path, tiny_folder, what) -> None:  # type: ignore[no-untyped-def]
    """A backup, 报送包 or Excel export that does not fit: a Chinese error, no file under the
    final name, nothing partial left, the database unchanged (nothing recorded as done)."""
    folder, how = tiny_folder
    write, name = WRITERS[what]
    _filled(app_ctx, admin, tmp_path)
    write(app_ctx, admin, tmp_path / name)  # it works where there is room (and settles caches)
    before = table_digest(app_ctx.db)
    with pytest.raises(GongkaiError, match="写入文件失败"):
        write(app_ctx, admin, folder / name)
    _nothing_left(folder, name)
    assert table_digest(app_ctx.db) == before
    COUNTS[f"{what} ({how})"] = 1
    print(f"\n磁盘已满的情形：{len(COUNTS)} 种（{'、'.join(sorted(COUNTS))}），均报错且未留下文件")
