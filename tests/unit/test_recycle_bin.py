"""回收站 (gongkai_desktop.services.recycle_bin): deleted records of every kind listed for the
admin, restored with what their deletion changed elsewhere, audited; refusals change nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from gongkai_desktop.db.decision_models import Consultation
from gongkai_desktop.db.models import AuditEntry
from gongkai_desktop.domain.decisions import ConsultationFields, DecisionFields, DecisionType
from gongkai_desktop.domain.requests import ApplicantType, Channel
from gongkai_desktop.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from gongkai_desktop.record_kinds import RESTORABLE
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.audit_log import AuditLogService, AuditQuery
from gongkai_desktop.services.decisions import DecisionService
from gongkai_desktop.services.ledger import ItemFields, LedgerService
from gongkai_desktop.services.recycle_bin import RecycleBinService
from gongkai_desktop.services.requests import RequestInput, RequestService


def kf(app_ctx, admin) -> int:  # type: ignore[no-untyped-def]
    return AdminService(app_ctx.db, admin).division_by_name("开发指导处").id


def item(title: str) -> ItemFields:
    return ItemFields(
        title=title,
        category="决策公开",
        attribute="proactive",
        ground=None,
        formed_on=date(2021, 2, 5),
        channels=("门户网站",),
    )


def request(division: int, reg_no: str) -> RequestInput:
    return RequestInput(
        reg_no=reg_no,
        receipt_date=date(2021, 9, 24),
        channel=Channel.ONLINE,
        applicant_type=ApplicantType.NATURAL_PERSON,
        division_id=division,
        applicant="张三",
        content="某项目批复文件",
    )


@pytest.fixture
def bin_(app_ctx, admin) -> RecycleBinService:  # type: ignore[no-untyped-def]
    return RecycleBinService(app_ctx.db, admin)


def test_every_soft_deletable_kind_is_offered() -> None:
    """The bin covers the business records users delete, each with its Chinese name."""
    assert {k.entity for k in RESTORABLE} >= {
        "disclosure_item",
        "normative_document",
        "repost",
        "interpretation",
        "decision",
        "consultation",
        "press_conference",
        "public_opinion",
        "public_interaction",
        "proposal",
        "work_meeting",
        "rectification",
        "disclosure_request",
        "disclosure_case",
    }
    for kind in RESTORABLE:
        assert kind.model().__tablename__ == kind.entity
        assert all(hasattr(kind.model(), f) for f in kind.title_fields)


def test_a_deleted_item_is_listed_and_restored_with_an_audit_row(app_ctx, admin, bin_) -> None:  # type: ignore[no-untyped-def]
    """A deleted item shows its title, division and who deleted it; 恢复 makes it live again
    and the audit log reads 「恢复公开事项」 with its title."""
    ledger = LedgerService(app_ctx.db, admin)
    row = ledger.create_item(kf(app_ctx, admin), item("2021年部门预算"))
    ledger.delete_item(row.id, None)
    listed = bin_.deleted()
    assert [(r.kind, r.title, r.division, r.deleted_by) for r in listed] == [
        ("公开事项", "2021年部门预算", "开发指导处", "admin")
    ]
    with pytest.raises(ConflictError):
        bin_.restore("disclosure_item", row.id, listed[0].version - 1)
    assert bin_.restore("disclosure_item", row.id, listed[0].version) == "2021年部门预算"
    assert ledger.get_item(row.id).title == "2021年部门预算"
    assert bin_.deleted() == []
    with pytest.raises(NotFound):
        bin_.restore("disclosure_item", row.id, None)
    line = AuditLogService(app_ctx.db, admin).search(AuditQuery(action="恢复（回收站）"))[0]
    assert (line.action, line.record) == ("恢复公开事项", "2021年部门预算")


def test_a_request_takes_its_number_back_unless_it_was_reused(app_ctx, admin, bin_) -> None:  # type: ignore[no-untyped-def]
    """A deleted request gets its 登记编号 again; when a newer request took the number, the
    restoration is refused with the number named and nothing changes."""
    service = RequestService(app_ctx.db, admin)
    division = kf(app_ctx, admin)
    first = service.create_request(request(division, "YSQ-1"))
    service.delete_request(first.id, None)
    assert bin_.deleted()[0].title == "YSQ-1"  # shown without the deletion mark
    bin_.restore("disclosure_request", first.id, None)
    assert service.get_request(first.id).row.data.reg_no == "YSQ-1"

    service.delete_request(first.id, None)
    service.create_request(request(division, "YSQ-1"))
    before = bin_.deleted()
    with pytest.raises(ValidationError, match="编号「YSQ-1」已被另一件申请使用"):
        bin_.restore("disclosure_request", first.id, None)
    assert bin_.deleted() == before


def test_a_decision_comes_back_with_its_consultations(app_ctx, admin, bin_) -> None:  # type: ignore[no-untyped-def]
    """Restoring a deleted decision restores the consultations deleted with it; a
    consultation alone cannot come back under a deleted decision."""
    service = DecisionService(app_ctx.db, admin)
    decision = service.create(
        kf(app_ctx, admin),
        DecisionFields(title="乡村振兴促进办法", decision_type=DecisionType.MAJOR.value),
    ).row
    service.create_consultation(
        decision.id, ConsultationFields(date(2021, 6, 1), date(2021, 6, 20))
    )
    service.delete(decision.id, None)
    listed = {(r.kind, r.entity) for r in bin_.deleted()}
    assert listed == {("决策", "decision"), ("征求意见", "consultation")}
    with app_ctx.db.read() as session:
        consultation_id = session.scalars(select(Consultation.id)).one()
    with pytest.raises(ValidationError, match="请先恢复该决策"):
        bin_.restore("consultation", consultation_id, None)
    bin_.restore("decision", decision.id, None)
    detail = service.get(decision.id)
    assert [c.id for c in detail.consultations] == [consultation_id]
    assert bin_.deleted() == []


def test_only_the_admin_may_see_or_restore_and_refusals_are_audited(
    app_ctx, admin, liaison
) -> None:  # type: ignore[no-untyped-def]
    """A liaison is refused both, the record stays deleted, and each refusal is audited."""
    ledger = LedgerService(app_ctx.db, admin)
    row = ledger.create_item(kf(app_ctx, admin), item("已删除的事项"))
    ledger.delete_item(row.id, None)
    service = RecycleBinService(app_ctx.db, liaison)
    with pytest.raises(PermissionDenied):
        service.deleted()
    with pytest.raises(PermissionDenied):
        service.restore("disclosure_item", row.id, None)
    assert len(RecycleBinService(app_ctx.db, admin).deleted()) == 1
    with app_ctx.db.read() as session:
        denied = session.scalars(
            select(AuditEntry.action).where(AuditEntry.outcome == "denied")
        ).all()
    assert denied == ["recycle_bin.read", "disclosure_item.restore"]


def test_restoring_a_normative_decision_marks_its_document_consulted_again(
    app_ctx, admin, bin_
) -> None:  # type: ignore[no-untyped-def]
    """The 已征求意见 mark its deletion took from the registered document comes back with it."""
    from gongkai_desktop.domain.disclosure import DocumentFields
    from gongkai_desktop.services.ledger_documents import DocumentService

    number = "赣乡振规〔2021〕3号"
    division = kf(app_ctx, admin)
    documents = DocumentService(app_ctx.db, admin)
    doc = documents.create_document(
        division,
        DocumentFields(number, "防止返贫动态监测和帮扶管理办法", "normative", date(2021, 5, 6)),
    )
    service = DecisionService(app_ctx.db, admin)
    decision = service.create(
        division,
        DecisionFields(
            title="防止返贫动态监测和帮扶管理办法",
            decision_type=DecisionType.NORMATIVE.value,
            document_number=number,
        ),
    ).row
    service.create_consultation(
        decision.id, ConsultationFields(date(2021, 3, 1), date(2021, 3, 31))
    )
    assert documents.get_document(doc.id).row.consulted
    service.delete(decision.id, None)
    assert not documents.get_document(doc.id).row.consulted
    bin_.restore("decision", decision.id, None)
    assert documents.get_document(doc.id).row.consulted


def test_cli_lists_and_restores_and_refuses_a_liaison(app_ctx, admin, liaison, run_cli) -> None:  # type: ignore[no-untyped-def]
    """``gongkai recycle list`` names the deleted item, ``restore`` brings it back (exit 0), and
    a liaison is refused with exit 1 and the Chinese reason."""
    from support import ADMIN_PASSWORD, LIAISON_PASSWORD

    ledger = LedgerService(app_ctx.db, admin)
    row = ledger.create_item(kf(app_ctx, admin), item("命令行删除的事项"))
    ledger.delete_item(row.id, None)
    code, out, _err = run_cli("--as", "admin", "recycle", "list", password=ADMIN_PASSWORD)
    assert code == 0 and f"disclosure_item {row.id}  公开事项「命令行删除的事项」" in out
    code, _out, err = run_cli(
        "--as", "lly_kf", "recycle", "restore", "disclosure_item", str(row.id),
        password=LIAISON_PASSWORD,
    )  # fmt: skip
    assert code == 1 and "只有管理员" in err
    code, out, _err = run_cli(
        "--as", "admin", "recycle", "restore", "disclosure_item", str(row.id),
        password=ADMIN_PASSWORD,
    )  # fmt: skip
    assert code == 0 and out.strip() == "已恢复：「命令行删除的事项」"
    assert ledger.get_item(row.id).title == "命令行删除的事项"


def test_every_kind_round_trips_through_the_bin(app_ctx, run_cli) -> None:  # type: ignore[no-untyped-def]
    """On a year of demo data, a record of each kind, once deleted, is listed with its title and
    comes back live when restored."""
    from gongkai_desktop.db.base import utcnow
    from gongkai_desktop.demo import DEMO_PASSWORD
    from gongkai_desktop.services.auth import AuthService

    code, _out, err = run_cli("demo", "--scale", "30")
    assert code == 0, err
    admin = AuthService(app_ctx.db).login("admin", DEMO_PASSWORD)
    service = RecycleBinService(app_ctx.db, admin)
    for kind in RESTORABLE:
        model = kind.model()
        with app_ctx.db.write() as session:
            record = session.scalars(
                select(model).where(model.deleted_at.is_(None)).order_by(model.id).limit(1)
            ).first()
            assert record is not None, kind.entity
            record.deleted_at = utcnow()
            record_id = record.id
        listed = [r for r in service.deleted(kind.entity) if r.id == record_id]
        assert len(listed) == 1 and listed[0].title and listed[0].kind == kind.label, kind.entity
        service.restore(kind.entity, record_id, listed[0].version)
        with app_ctx.db.read() as session:
            assert session.get(model, record_id).deleted_at is None, kind.entity


def test_restoring_a_published_interpretation_marks_its_document_interpreted_again(
    app_ctx, admin, bin_
) -> None:  # type: ignore[no-untyped-def]
    """The 已解读 mark its deletion took from the registered document comes back with it."""
    from gongkai_desktop.domain.disclosure import DocumentFields
    from gongkai_desktop.domain.interpretation import InterpretationFields
    from gongkai_desktop.services.interpretations import InterpretationService
    from gongkai_desktop.services.ledger_documents import DocumentService

    number = "赣乡振规〔2021〕3号"
    division = kf(app_ctx, admin)
    documents = DocumentService(app_ctx.db, admin)
    doc = documents.create_document(
        division,
        DocumentFields(number, "防止返贫动态监测和帮扶管理办法", "normative", date(2021, 3, 1)),
    )
    service = InterpretationService(app_ctx.db, admin, app_ctx.paths.attachments_dir)
    row = service.create(
        division,
        InterpretationFields(
            title="《防止返贫动态监测和帮扶管理办法》政策解读",
            document_title="防止返贫动态监测和帮扶管理办法",
            document_number=number,
            approved_on=date(2021, 3, 1),
            published_on=date(2021, 3, 5),
        ),
    ).row

    def interpreted() -> bool:
        return documents.get_document(doc.id).row.interpreted

    assert interpreted()
    service.delete(row.id, row.version)
    assert not interpreted()
    assert bin_.deleted()[0].title == "《防止返贫动态监测和帮扶管理办法》政策解读"
    bin_.restore("interpretation", row.id, None)
    assert interpreted()
