"""Attachments: stored once by SHA-256, linked to records, guarded by the record's division."""

from __future__ import annotations

import hashlib

import pytest

from gongkai_desktop.attachments import AttachmentService
from gongkai_desktop.errors import GongkaiError, PermissionDenied
from gongkai_desktop.services.admin import AdminService


def test_files_are_stored_by_hash_and_deduplicated(app_ctx, admin, tmp_path):
    """Two records attaching the same bytes share one stored file named by its SHA-256."""
    service = AttachmentService(app_ctx.db, admin, app_ctx.paths.attachments_dir)
    source = tmp_path / "通知.pdf"
    source.write_bytes(b"%PDF-1.4 demo" * 100)
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    first = service.attach("disclosure_item", "u-1", 1, source)
    second = service.attach("disclosure_item", "u-2", 1, source)
    assert first.sha256 == second.sha256 == sha and first.filename == "通知.pdf"
    stored = app_ctx.paths.attachments_dir / sha[:2] / sha
    assert stored.read_bytes() == source.read_bytes()
    assert [p.name for p in stored.parent.iterdir()] == [sha]
    assert [a.id for a in service.list("disclosure_item", "u-1")] == [first.id]
    service.remove(first.id)
    assert service.list("disclosure_item", "u-1") == [] and stored.exists()


def test_a_damaged_file_is_reported_not_served(app_ctx, admin, tmp_path):
    """A stored file whose bytes no longer match its hash is refused with a Chinese message."""
    service = AttachmentService(app_ctx.db, admin, app_ctx.paths.attachments_dir)
    source = tmp_path / "a.txt"
    source.write_text("原文", encoding="utf-8")
    info = service.attach("disclosure_item", "u-1", 1, source)
    assert service.path(info.id).read_text(encoding="utf-8") == "原文"
    service.store.path_of(info.sha256).write_text("被改动", encoding="utf-8")
    with pytest.raises(GongkaiError, match="SHA-256"):
        service.path(info.id)


def test_liaison_attaches_only_to_their_division(app_ctx, admin, liaison, tmp_path):
    """Attaching to another division's record is refused (and nothing is linked)."""
    source = tmp_path / "a.txt"
    source.write_text("x", encoding="utf-8")
    sb = AdminService(app_ctx.db, admin).division_by_name("社会帮扶处").id
    service = AttachmentService(app_ctx.db, liaison, app_ctx.paths.attachments_dir)
    service.attach("disclosure_item", "own", liaison.division_id, source)
    with pytest.raises(PermissionDenied):
        service.attach("disclosure_item", "other", sb, source)
    assert service.list("disclosure_item", "other") == []
