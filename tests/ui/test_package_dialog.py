"""报送包 in the GUI: a liaison exports from the menu; 综合处 previews, decides a conflict, merges."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from gongkai_desktop.app import open_app
from gongkai_desktop.db.ledger_models import DisclosureItem
from gongkai_desktop.demo import DEMO_BUSINESS_DIVISIONS, DEMO_PASSWORD, demo_job
from gongkai_desktop.domain.labels import DivisionKind
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.ledger import LedgerService
from gongkai_desktop.services.package import PackageService
from ui.package import PackagePreviewDialog, import_package

KF = "开发指导处"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GONGKAI_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def sender(tmp_path):  # type: ignore[no-untyped-def]
    """A liaison PC with demo data."""
    ctx = open_app(tmp_path / "liaison")
    run_job(demo_job(ctx, None, 2026, 10))
    yield ctx
    ctx.close()


def _retitle(ctx, actor, title: str, new: str) -> None:  # type: ignore[no-untyped-def]
    service = LedgerService(ctx.db, actor)
    with ctx.db.read() as session:
        item_id = session.scalar(select(DisclosureItem.id).where(DisclosureItem.title == title))
    row = service.get_item(item_id)
    service.update_item(item_id, row.version, row.division_id, replace(row.fields(), title=new))


def test_preview_lists_the_conflict_and_take_theirs_merges(  # type: ignore[no-untyped-def]
    qtbot, sender, app_ctx, admin, ui_ctx, main_window, drive_modal, message_boxes, tmp_path, shots
) -> None:
    """The preview shows counts and the conflict; 采用报送方 then 合并 changes only that record."""
    service = AdminService(app_ctx.db, admin)
    for name, code in DEMO_BUSINESS_DIVISIONS[2:]:
        service.add_division(name, DivisionKind.BUSINESS, code)
    liaison = AuthService(sender.db).login("lly_kf", DEMO_PASSWORD)
    exporter = PackageService(sender.db, liaison, sender.paths.attachments_dir)
    first = tmp_path / "kf1.gkpkg"
    run_job(exporter.export_job(KF, first))
    centre = PackageService(app_ctx.db, admin, app_ctx.paths.attachments_dir)
    run_job(centre.import_job(first))
    with sender.db.read() as session:
        title = session.scalar(
            select(DisclosureItem.title)
            .where(DisclosureItem.division_id == liaison.division_id)
            .order_by(DisclosureItem.id)
        )
    _retitle(sender, liaison, title, title + "（处室修改）")
    _retitle(app_ctx, admin, title, title + "（综合处修改）")
    second = tmp_path / "kf2.gkpkg"
    run_job(exporter.export_job(KF, second))

    window = main_window(admin)
    seen: dict[str, object] = {}

    def decide(dialog: PackagePreviewDialog) -> None:
        dialog.resize(1340, 700)
        from PySide6.QtWidgets import QLabel

        from ui.formatting import local_time

        head = next(label.text() for label in dialog.findChildren(QLabel) if "制作于" in label.text())
        made = local_time(str(dialog.preview.manifest["created_at"]))
        assert "UTC" not in head and f"制作于 {made}" in head  # the PC's own time
        assert dialog.conflict_list.rowCount() == 1
        assert "标题" in dialog.fields.item(0, 0).text()
        dialog.take_theirs.click()
        seen["decision"] = dict(dialog.decisions)
        dialog.grab().save(str(shots / "package-preview-conflict.png"))
        dialog.merge_button.click()

    drive_modal(PackagePreviewDialog, decide)
    result = import_package(window, window.ctx, second)
    assert result is not None and result.pending == 0
    assert list(seen["decision"].values()) == ["theirs"]  # type: ignore[attr-defined]
    with app_ctx.db.read() as session:
        assert session.scalar(
            select(DisclosureItem.id).where(DisclosureItem.title == title + "（处室修改）")
        )
    assert "已合并" in message_boxes.texts("information")[-1]


def test_liaison_exports_from_the_menu(  # type: ignore[no-untyped-def]
    qtbot, app_ctx, liaison, main_window, message_boxes, monkeypatch, tmp_path
) -> None:
    """报送包 › 导出 writes the liaison's division's package where they chose; 导入 is disabled."""
    target = tmp_path / "out" / "kf"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window = main_window(liaison)
    assert not window.package_import_action.isEnabled()
    window.package_export_action.trigger()
    written = target.with_suffix(".gkpkg")
    assert written.is_file()
    assert "已导出" in message_boxes.texts("information")[-1]
