"""Attachments: stored once by SHA-256, linked to records, guarded by the record's division."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select

from gongkai_desktop.attachments import AttachmentService
from gongkai_desktop.db.models import AuditEntry
from gongkai_desktop.domain.requests import ApplicantType, Channel
from gongkai_desktop.errors import GongkaiError, NotFound, PermissionDenied, ValidationError
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.requests import RequestInput, RequestService

ENTITY = "disclosure_request"


def record(app_ctx, admin, division: str = "开发指导处", reg_no: str = "R-1") -> str:  # type: ignore[no-untyped-def]
    """The uuid of a new request of ``division`` (any record of a division takes attachments)."""
    division_id = AdminService(app_ctx.db, admin).division_by_name(division).id
    row = RequestService(app_ctx.db, admin).create_request(
        RequestInput(
            reg_no=reg_no,
            receipt_date=date(2021, 3, 1),
            channel=Channel.ONLINE,
            applicant_type=ApplicantType.NATURAL_PERSON,
            division_id=division_id,
        )
    )
    return row.uuid


def test_files_are_stored_by_hash_and_deduplicated(app_ctx, admin, tmp_path):
    """Two records attaching the same bytes share one stored file named by its SHA-256."""
    service = AttachmentService(app_ctx.db, admin, app_ctx.paths.attachments_dir)
    source = tmp_path / "通知.pdf"
    source.write_bytes(b"%PDF-1.4 demo" * 100)
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    u1, u2 = record(app_ctx, admin, reg_no="R-1"), record(app_ctx, admin, reg_no="R-2")
    first = service.attach(ENTITY, u1, None, source)
    second = service.attach(ENTITY, u2, None, source)
    assert first.sha256 == second.sha256 == sha and first.filename == "通知.pdf"
    stored = app_ctx.paths.attachments_dir / sha[:2] / sha
    assert stored.read_bytes() == source.read_bytes()
    assert [p.name for p in stored.parent.iterdir()] == [sha]
    assert [a.id for a in service.list(ENTITY, u1)] == [first.id]
    service.remove(first.id)
    assert service.list(ENTITY, u1) == [] and stored.exists()


def test_a_damaged_file_is_reported_not_served(app_ctx, admin, tmp_path):
    """A stored file whose bytes no longer match its hash is refused with a Chinese message."""
    service = AttachmentService(app_ctx.db, admin, app_ctx.paths.attachments_dir)
    source = tmp_path / "a.txt"
    source.write_text("原文", encoding="utf-8")
    info = service.attach(ENTITY, record(app_ctx, admin), None, source)
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
    own = record(app_ctx, admin, reg_no="R-1")
    other = record(app_ctx, admin, "社会帮扶处", reg_no="R-2")
    service.attach(ENTITY, own, liaison.division_id, source)
    with pytest.raises(PermissionDenied):
        service.attach(ENTITY, other, sb, source)
    assert service.list(ENTITY, other) == []


def test_the_records_own_division_decides_not_the_callers(app_ctx, admin, liaison, tmp_path):
    """Claiming one's own division for another division's record is refused and audited."""
    source = tmp_path / "a.txt"
    source.write_text("x", encoding="utf-8")
    other = record(app_ctx, admin, "社会帮扶处")
    service = AttachmentService(app_ctx.db, liaison, app_ctx.paths.attachments_dir)
    with pytest.raises(PermissionDenied):
        service.attach(ENTITY, other, liaison.division_id, source)
    assert service.list(ENTITY, other) == []
    with app_ctx.db.read() as session:
        outcomes = session.scalars(
            select(AuditEntry.outcome).where(AuditEntry.action == "attachment.add")
        ).all()
    assert outcomes == ["denied"]


def test_unknown_records_and_record_types_are_refused(app_ctx, admin, tmp_path):
    """A uuid no live record has, or a table that holds no division records, is refused."""
    source = tmp_path / "a.txt"
    source.write_text("x", encoding="utf-8")
    service = AttachmentService(app_ctx.db, admin, app_ctx.paths.attachments_dir)
    with pytest.raises(NotFound, match="不存在"):
        service.attach(ENTITY, "no-such-uuid", 1, source)
    with pytest.raises(ValidationError, match="不能为"):
        service.attach("app_user", "x", 1, source)
    assert service.list(ENTITY, "no-such-uuid") == []


def test_removal_is_checked_against_the_records_division(app_ctx, admin, liaison, tmp_path):
    """A liaison cannot unlink a file from another division's record."""
    source = tmp_path / "a.txt"
    source.write_text("x", encoding="utf-8")
    other = record(app_ctx, admin, "社会帮扶处")
    info = AttachmentService(app_ctx.db, admin, app_ctx.paths.attachments_dir).attach(
        ENTITY, other, None, source
    )
    service = AttachmentService(app_ctx.db, liaison, app_ctx.paths.attachments_dir)
    with pytest.raises(PermissionDenied):
        service.remove(info.id)
    assert [a.id for a in service.list(ENTITY, other)] == [info.id]
