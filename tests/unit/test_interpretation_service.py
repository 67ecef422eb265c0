"""政策解读 service on a real SQLite file: records, rules, permissions, drafts, documents."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from gongkai_desktop.attachments import AttachmentService
from gongkai_desktop.db.interpretation_models import Interpretation
from gongkai_desktop.db.interpretation_models import (
    InterpretationDraft as InterpretationDraftRecord,
)
from gongkai_desktop.db.models import AuditEntry
from gongkai_desktop.demo import DemoContext, foundation_step
from gongkai_desktop.demo.interpretations import interpretations_step
from gongkai_desktop.demo.ledger import documents_step
from gongkai_desktop.domain.disclosure import DocumentFields
from gongkai_desktop.domain.interpretation import (
    InterpretationFields,
    InterpretationForm,
    InterpretationStatus,
    InterpreterRole,
)
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.errors import (
    ConflictError,
    GongkaiError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from gongkai_desktop.progress import CancelToken, run_job
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.interpretations import (
    InterpretationQuery,
    InterpretationService,
)
from gongkai_desktop.services.ledger_documents import DocumentService

NUMBER = "赣乡振规〔2021〕3号"
POLICY = """防止返贫动态监测和帮扶管理办法
赣乡振规〔2021〕3号
第一条 本办法所称「防止返贫监测对象」，是指脱贫不稳定户、边缘易致贫户和突发严重困难户。
第二条 落实“两不愁三保障”要求，对「防止返贫监测对象」及时落实帮扶措施。
"""


def fields(**kw) -> InterpretationFields:  # type: ignore[no-untyped-def]
    base = {
        "title": "《防止返贫动态监测和帮扶管理办法》政策解读",
        "document_title": "防止返贫动态监测和帮扶管理办法",
        "document_number": NUMBER,
    }
    base.update(kw)
    return InterpretationFields(**base)


@pytest.fixture
def kf(app_ctx, admin) -> int:  # type: ignore[no-untyped-def]
    return AdminService(app_ctx.db, admin).division_by_name("开发指导处").id


@pytest.fixture
def sb(app_ctx, admin) -> int:  # type: ignore[no-untyped-def]
    return AdminService(app_ctx.db, admin).division_by_name("社会帮扶处").id


@pytest.fixture
def service(app_ctx, admin) -> InterpretationService:  # type: ignore[no-untyped-def]
    return InterpretationService(app_ctx.db, admin, app_ctx.paths.attachments_dir)


def audit_actions(app_ctx, outcome: str = "ok") -> list[str]:  # type: ignore[no-untyped-def]
    with app_ctx.db.read() as session:
        return list(
            session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.outcome == outcome)
                .order_by(AuditEntry.id)
            )
        )


def policy_file(tmp_path: Path, name: str = "管理办法.txt", text: str = POLICY) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- records ---------------------------------------------------------------------------------


def test_create_update_delete_round_trip(app_ctx, service, kf):
    """A record is stored as entered (forms in the list's order, blank sections dropped), its
    year follows the document's approval, each change bumps the version and is audited."""
    created = service.create(
        kf,
        fields(
            forms=("expert", "text"),
            interpreter_role="division_head",
            interpreter="开发指导处处长 王建华",
            sections={"background": "　　为贯彻落实……", "goals": "  "},
            document_approved_on=date(2021, 3, 1),
        ),
    )
    row = created.row
    assert (row.division_name, row.version, row.status) == (
        "开发指导处",
        1,
        InterpretationStatus.DRAFT,
    )
    assert row.forms == (InterpretationForm.TEXT, InterpretationForm.EXPERT)
    assert row.interpreter_role is InterpreterRole.DIVISION_HEAD
    assert created.fields.sections == {"background": "　　为贯彻落实……"}
    assert row.editable and not row.has_document and row.normative_document_id is None
    assert service.years() == [2021]
    updated = service.update(
        row.id,
        row.version,
        replace(
            created.fields, title="新标题", document_approved_on=None, sections={"tasks": "一是……"}
        ),
    )
    assert (updated.row.title, updated.row.version) == ("新标题", 2)
    assert updated.fields.sections == {"tasks": "一是……"}
    assert service.years() == [date.today().year]  # no approval date: the year it was created
    service.delete(row.id, updated.row.version)
    with pytest.raises(NotFound):
        service.get(row.id)
    assert service.list_interpretations(InterpretationQuery()) == []
    assert audit_actions(app_ctx)[-3:] == [
        "interpretation.create",
        "interpretation.update",
        "interpretation.delete",
    ]


def test_none_division_means_the_actors_own(app_ctx, liaison, kf):
    """A liaison creating without naming a division creates in their own."""
    detail = InterpretationService(app_ctx.db, liaison).create(None, fields())
    assert detail.row.division_id == kf


def test_problems_are_listed_in_chinese_and_nothing_is_stored(app_ctx, service, kf):
    """Each problem names its field by its Chinese label; a failed save stores nothing."""
    bad = fields(title="", forms=(), published_on=date(2021, 3, 5))
    with pytest.raises(ValidationError) as caught:
        service.create(kf, bad)
    assert caught.value.message == "政策解读填写有误，未保存："
    assert caught.value.problems == [
        "「解读标题」：必须填写",
        "「解读形式」：至少选择一种解读形式",
        "「解读审签日期」：解读发布前须先审签：请填写解读审签日期",
    ]
    with pytest.raises(ValidationError, match="「起草处室」：请选择起草处室"):
        service.create(99999, fields())
    with pytest.raises(ValidationError, match="「解读内容」"):
        service.create(kf, fields(sections={"summary": "x"}))
    assert service.list_interpretations() == []


def test_stale_version_is_a_conflict(app_ctx, service, liaison, kf):
    """Saving or deleting over a version someone else already changed is refused."""
    row = service.create(kf, fields()).row
    service.update(row.id, row.version, fields(title="管理员改过"))
    mine = InterpretationService(app_ctx.db, liaison)
    with pytest.raises(ConflictError, match="已被其他用户修改"):
        mine.update(row.id, row.version, fields(title="联络员的修改"))
    with pytest.raises(ConflictError):
        mine.delete(row.id, row.version)
    assert service.get(row.id).row.title == "管理员改过"


# --- permissions -----------------------------------------------------------------------------


def test_liaison_of_another_division_is_refused_and_audited(app_ctx, service, make_user, sb):
    """A 开发指导处 liaison can neither create, change, delete nor autosave 社会帮扶处's
    interpretations; each refusal is audited and nothing changes."""
    row = service.create(sb, fields()).row
    other = InterpretationService(app_ctx.db, make_user("lly_kf", "开发指导处"))
    assert not other.get(row.id).row.editable
    with pytest.raises(PermissionDenied, match="社会帮扶处"):
        other.create(sb, fields())
    with pytest.raises(PermissionDenied):
        other.update(row.id, row.version, fields(title="改"))
    with pytest.raises(PermissionDenied):
        other.delete(row.id, row.version)
    with pytest.raises(PermissionDenied):
        other.save_draft(row.id, row.version, fields(sections={"background": "x"}))
    assert audit_actions(app_ctx, "denied") == [
        "interpretation.create",
        "interpretation.update",
        "interpretation.delete",
        "interpretation.save_draft",
    ]
    assert service.get(row.id).row.version == 1 and len(service.list_interpretations()) == 1


def test_leader_reads_everything_and_changes_nothing(app_ctx, service, make_user, kf):
    """A leader lists and opens records (none editable), may pick no division, and is refused
    every change."""
    row = service.create(kf, fields()).row
    leader = InterpretationService(app_ctx.db, make_user("ld", "综合处", Role.LEADER))
    [listed] = leader.list_interpretations()
    assert listed.id == row.id and not listed.editable
    assert leader.divisions() == []
    for attempt in (
        lambda: leader.create(kf, fields()),
        lambda: leader.update(row.id, row.version, fields()),
        lambda: leader.set_sync_tolerance(1),
    ):
        with pytest.raises(PermissionDenied, match="领导账号只能查看"):
            attempt()
    assert len(audit_actions(app_ctx, "denied")) == 3


def test_divisions_offered_follow_the_role(app_ctx, service, liaison, kf):
    """An admin picks any active division, a liaison only their own."""
    names = [name for _, name in service.divisions()]
    assert "综合处" in names and "社会帮扶处" in names
    assert InterpretationService(app_ctx.db, liaison).divisions() == [(kf, "开发指导处")]


# --- the sync rule ---------------------------------------------------------------------------


def test_rows_flag_approval_on_another_day(service, kf):
    """The row carries the breach of 同步审签 in Chinese."""
    row = service.create(
        kf, fields(document_approved_on=date(2021, 3, 1), approved_on=date(2021, 3, 3))
    ).row
    assert row.status is InterpretationStatus.APPROVED
    assert row.sync_problems == ("解读审签日期（2021-03-03）与文件审签日期（2021-03-01）不同步",)


def test_late_publication_depends_on_the_tolerance_in_working_days(app_ctx, service, kf):
    """Document out on 30 Sept 2021; interpretation out on Sat 9 Oct (a make-up working day
    after the National Day holiday): late with tolerance 0, in time with tolerance 2."""
    row = service.create(
        kf,
        fields(
            document_approved_on=date(2021, 9, 28),
            approved_on=date(2021, 9, 28),
            document_published_on=date(2021, 9, 30),
            published_on=date(2021, 10, 9),
        ),
    ).row
    assert service.sync_tolerance() == 0
    assert "未做到与文件同日发布" in row.sync_problems[0]
    assert service.set_sync_tolerance(2) == 2
    assert service.get(row.id).row.sync_problems == ()
    assert service.sync_tolerance() == 2
    assert (
        AdminService(app_ctx.db, service.actor).get_setting("interpretation_tolerance_workdays")
        == 2
    )  # the same setting 系统管理 shows
    later = service.update(
        row.id, row.version, replace(service.get(row.id).fields, published_on=date(2021, 10, 11))
    )
    assert "2 个工作日内" in later.row.sync_problems[0]


def test_tolerance_is_bounded_admin_only_and_audited(app_ctx, service, liaison):
    """Only 0..30 working days are accepted, only from an admin; the change is audited."""
    for bad in (-1, 31, 1.5, True):
        with pytest.raises(ValidationError, match="0 到 30"):
            service.set_sync_tolerance(bad)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        InterpretationService(app_ctx.db, liaison).set_sync_tolerance(3)
    service.set_sync_tolerance(3)
    assert audit_actions(app_ctx)[-1] == "setting.update"
    assert audit_actions(app_ctx, "denied") == ["setting.update"]


def test_unpublished_interpretation_after_the_document_is_flagged(service, kf):
    """Once the document is out (today after it), a missing interpretation is late."""
    row = service.create(kf, fields(document_published_on=date(2021, 3, 5))).row
    assert row.sync_problems == ("文件已于 2021-03-05 发布，解读尚未发布",)
    assert service.get(row.id, today=date(2021, 3, 5)).row.sync_problems == ()


# --- drafts ----------------------------------------------------------------------------------


def test_draft_lifecycle(app_ctx, service, liaison, kf):
    """Autosave keeps the whole form and its base version, unaudited; saving drops it."""
    mine = InterpretationService(app_ctx.db, liaison)
    row = mine.create(None, fields()).row
    audited = len(audit_actions(app_ctx))
    assert mine.draft(row.id) is None
    mine.save_draft(row.id, row.version, fields(sections={"background": "第一稿"}))
    typed = fields(
        title="《管理办法》政策解读（修改稿）",
        forms=("expert", "text"),
        interpreter_role="expert",
        interpreter="罗教授",
        document_approved_on=date(2021, 3, 1),
        approved_on=date(2021, 3, 1),
        link="https://xczx.jiangxi.gov.cn/jd/1.html",
        notes="待处长审核",
        sections={"background": "第二稿", "goals": "到2025年……"},
    )
    mine.save_draft(row.id, row.version, typed)
    draft = mine.draft(row.id)
    assert draft is not None and draft.fields == typed and draft.base_version == row.version
    assert mine.get(row.id).row.version == 1 and len(audit_actions(app_ctx)) == audited
    saved = mine.update(row.id, draft.base_version, draft.fields)
    assert mine.draft(row.id) is None
    assert saved.fields.sections == typed.sections and saved.row.interpreter == "罗教授"


def test_draft_of_other_fields_only_is_kept(app_ctx, liaison, kf):
    """A draft that changed only particulars (no section) is offered too."""
    mine = InterpretationService(app_ctx.db, liaison)
    row = mine.create(None, fields()).row
    mine.save_draft(row.id, row.version, fields(document_published_on=date(2021, 3, 5)))
    draft = mine.draft(row.id)
    assert draft is not None and draft.fields.document_published_on == date(2021, 3, 5)


def test_draft_equal_to_the_record_is_not_offered(app_ctx, liaison, kf):
    """A draft equal to the stored record (spaces, form order aside) is not offered."""
    mine = InterpretationService(app_ctx.db, liaison)
    row = mine.create(None, fields(forms=("text", "expert"))).row
    mine.save_draft(
        row.id, row.version, fields(title=" " + fields().title, forms=("expert", "text"))
    )
    assert mine.draft(row.id) is None


def test_drafts_are_per_user_and_outlive_a_later_save_by_someone_else(
    app_ctx, service, liaison, kf
):
    """Drafts are per user and survive another's later save, whatever the clocks say."""
    mine = InterpretationService(app_ctx.db, liaison)
    row = mine.create(None, fields()).row
    mine.save_draft(row.id, row.version, fields(sections={"background": "联络员的草稿"}))
    assert service.draft(row.id) is None  # the admin has none
    service.save_draft(row.id, row.version, fields(sections={"background": "管理员的草稿"}))
    saved = service.update(row.id, row.version, fields(title="管理员保存"))
    assert service.draft(row.id) is None
    draft = mine.draft(row.id)
    assert draft is not None and draft.fields.sections == {"background": "联络员的草稿"}
    assert (draft.base_version, saved.row.version) == (1, 2)
    # Saved on a PC whose clock was years behind the record's: still offered.
    with app_ctx.db.write() as session:
        session.execute(update(InterpretationDraftRecord).values(saved_at=datetime(2000, 1, 1)))
    assert mine.draft(row.id) is not None
    mine.discard_draft(row.id)
    assert mine.draft(row.id) is None


def test_draft_of_unknown_section_or_deleted_record_is_refused(service, kf):
    """Autosave checks the section keys and that the record still exists."""
    row = service.create(kf, fields()).row
    with pytest.raises(ValidationError, match="「summary」不是解读的组成部分"):
        service.save_draft(row.id, row.version, fields(sections={"summary": "x"}))
    service.save_draft(row.id, row.version, fields(sections={"background": "x"}))
    service.delete(row.id, row.version)
    with pytest.raises(NotFound):
        service.save_draft(row.id, row.version, fields(sections={"background": "y"}))
    assert service.draft(row.id) is None


def test_deleting_keeps_every_users_draft(app_ctx, service, liaison, kf):
    """Deleting a record keeps its users' drafts stored; they are just not offered."""
    mine = InterpretationService(app_ctx.db, liaison)
    row = mine.create(None, fields()).row
    mine.save_draft(row.id, row.version, fields(sections={"background": "联络员的草稿"}))
    service.delete(row.id, row.version)
    with app_ctx.db.read() as session:
        kept = session.scalars(select(InterpretationDraftRecord.fields)).all()
    assert len(kept) == 1 and "联络员的草稿" in kept[0]
    assert mine.draft(row.id) is None


def test_deletion_audit_leaves_out_the_policy_text(app_ctx, service, kf, tmp_path):
    """The audit row of a deletion names the document file but does not copy its text."""
    row = service.create(kf, fields()).row
    detail = service.attach_policy_document(row.id, row.version, policy_file(tmp_path))
    service.delete(row.id, detail.row.version)
    with app_ctx.db.read() as session:
        before = session.scalars(
            select(AuditEntry.before).where(AuditEntry.action == "interpretation.delete")
        ).one()
    assert "管理办法.txt" in before and "防止返贫监测对象" not in before


# --- the policy document ---------------------------------------------------------------------


def test_attach_policy_document_reads_text_and_keeps_the_file(app_ctx, service, kf, tmp_path):
    """A .txt policy is read into paragraphs with its quoted terms, the file is kept in the
    attachment store under its SHA-256, and the change is versioned and audited."""
    row = service.create(kf, fields()).row
    path = policy_file(tmp_path)
    detail = service.attach_policy_document(row.id, row.version, path)
    assert detail.row.has_document and detail.row.version == 2
    assert detail.document_file == "管理办法.txt"
    assert detail.document_text[0] == "防止返贫动态监测和帮扶管理办法"
    assert len(detail.document_text) == 4
    assert detail.terms == ("防止返贫监测对象", "两不愁三保障")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    [attachment] = AttachmentService(app_ctx.db, service.actor, app_ctx.paths.attachments_dir).list(
        "interpretation", row.uuid
    )
    assert (attachment.filename, attachment.sha256, attachment.size) == (
        "管理办法.txt",
        sha,
        path.stat().st_size,
    )
    assert (app_ctx.paths.attachments_dir / sha[:2] / sha).read_bytes() == path.read_bytes()
    assert audit_actions(app_ctx)[-2:] == ["attachment.add", "interpretation.attach_document"]
    old = policy_file(tmp_path, "旧办法.txt", POLICY.replace("及时", "按月"))
    detail = service.attach_policy_document(row.id, detail.row.version, old, previous=True)
    assert detail.previous_file == "旧办法.txt" and "按月" in detail.previous_text[3]
    assert detail.document_file == "管理办法.txt"


def test_attach_unsupported_or_stale_changes_nothing(app_ctx, service, kf, tmp_path):
    """No attachment store, an unsupported file or a stale version: record and attachments
    stay as they were."""
    row = service.create(kf, fields()).row
    bad = tmp_path / "scan.xyz"
    bad.write_bytes(b"\x00\x01")
    without_store = InterpretationService(app_ctx.db, service.actor)
    with pytest.raises(GongkaiError, match="附件存放位置"):
        without_store.attach_policy_document(row.id, row.version, policy_file(tmp_path))
    with pytest.raises(ValidationError):
        service.attach_policy_document(row.id, row.version, bad)
    service.update(row.id, row.version, fields(title="已改"))
    with pytest.raises(ConflictError):
        service.attach_policy_document(row.id, row.version, policy_file(tmp_path))
    detail = service.get(row.id)
    assert not detail.row.has_document and detail.document_text == ()
    store = AttachmentService(app_ctx.db, service.actor, app_ctx.paths.attachments_dir)
    assert store.list("interpretation", row.uuid) == []


def test_a_file_changed_while_being_read_is_refused(app_ctx, service, kf, tmp_path, monkeypatch):
    """A file changed between reading and storing is refused and nothing is attached."""
    from gongkai_desktop.importers import policy_document

    row = service.create(kf, fields()).row
    path = policy_file(tmp_path)
    read = policy_document.read_policy_document

    def read_then_change(file, cancel=None):  # type: ignore[no-untyped-def]
        text = read(file, cancel)
        file.write_text(POLICY + "第三条 另一个版本。\n", encoding="utf-8")
        return text

    monkeypatch.setattr(policy_document, "read_policy_document", read_then_change)
    with pytest.raises(ValidationError, match="在读取期间被修改"):
        service.attach_policy_document(row.id, row.version, path)
    detail = service.get(row.id)
    assert not detail.row.has_document and detail.row.version == row.version
    store = AttachmentService(app_ctx.db, service.actor, app_ctx.paths.attachments_dir)
    assert store.list("interpretation", row.uuid) == []


def test_attach_job_cancelled_after_reading_stores_nothing(app_ctx, service, kf, tmp_path):
    """The attach job reports its steps; cancelled once the file is read, it writes nothing."""
    row = service.create(kf, fields()).row
    cancel = CancelToken()
    job = service.attach_policy_document_job(
        row.id, row.version, policy_file(tmp_path), cancel=cancel
    )
    first = next(job)
    assert "管理办法.txt" in first.message
    next(job)  # the file has been read
    cancel.cancel()
    job.close()  # what the worker does with a cancelled job
    assert not service.get(row.id).row.has_document
    store = AttachmentService(app_ctx.db, service.actor, app_ctx.paths.attachments_dir)
    assert store.list("interpretation", row.uuid) == []


# --- link to the 规范性文件 registry ------------------------------------------------------------


def interpreted(app_ctx, admin, document_id: int) -> bool:  # type: ignore[no-untyped-def]
    return DocumentService(app_ctx.db, admin).get_document(document_id).row.interpreted


def register(app_ctx, admin, division_id: int, number: str = NUMBER) -> int:  # type: ignore[no-untyped-def]
    documents = DocumentService(app_ctx.db, admin)
    return documents.create_document(
        division_id,
        DocumentFields(number, "防止返贫动态监测和帮扶管理办法", "normative", date(2021, 3, 1)),
    ).id


def published(**kw) -> InterpretationFields:  # type: ignore[no-untyped-def]
    return fields(approved_on=date(2021, 3, 1), published_on=date(2021, 3, 5), **kw)


def test_publication_marks_the_registered_document_interpreted(app_ctx, service, kf):
    """Saving with a publication date sets 是否解读 of the document with the same 文号, in the
    same transaction with its own audit row; a draft does not."""
    doc_id = register(app_ctx, service.actor, kf)
    row = service.create(kf, fields(approved_on=date(2021, 3, 1))).row
    assert row.normative_document_id == doc_id
    assert not interpreted(app_ctx, service.actor, doc_id)
    service.update(row.id, row.version, published())
    assert interpreted(app_ctx, service.actor, doc_id)
    assert audit_actions(app_ctx)[-2:] == ["document.update", "interpretation.update"]
    assert service.division_documents(kf) == [(doc_id, NUMBER, "防止返贫动态监测和帮扶管理办法")]
    assert service.division_documents(None) == service.division_documents(kf)


def test_marking_by_number_stays_within_the_division(app_ctx, service, kf, sb):
    """Only the drafting division's interpretations link to and mark its document."""
    doc_id = register(app_ctx, service.actor, sb)
    other = service.create(kf, published()).row
    assert other.normative_document_id is None
    assert not interpreted(app_ctx, service.actor, doc_id)
    own = service.create(sb, published()).row
    assert own.normative_document_id == doc_id
    assert interpreted(app_ctx, service.actor, doc_id)
    service.delete(other.id, other.version)
    assert interpreted(app_ctx, service.actor, doc_id)
    service.delete(own.id, own.version)
    assert not interpreted(app_ctx, service.actor, doc_id)


def test_flag_follows_number_publication_and_deletion(app_ctx, service, kf):
    """是否解读 follows 文号, publication and deletion, one audit row per document."""
    first = register(app_ctx, service.actor, kf)
    second = register(app_ctx, service.actor, kf, "赣乡振规〔2021〕4号")
    a = service.create(kf, published()).row
    assert interpreted(app_ctx, service.actor, first)
    before = len(audit_actions(app_ctx))
    a2 = service.update(a.id, a.version, published(document_number="赣乡振规〔2021〕4号")).row
    assert not interpreted(app_ctx, service.actor, first)
    assert interpreted(app_ctx, service.actor, second)
    assert audit_actions(app_ctx)[before:] == [
        "document.update",
        "document.update",
        "interpretation.update",
    ]
    a3 = service.update(a.id, a2.version, fields(document_number="赣乡振规〔2021〕4号")).row
    assert not interpreted(app_ctx, service.actor, second)
    b = service.create(kf, published(title="第二篇解读")).row
    service.update(a.id, a3.version, published())
    assert interpreted(app_ctx, service.actor, first)
    service.delete(b.id, b.version)
    assert interpreted(app_ctx, service.actor, first)  # the first one is still published
    service.delete(a.id, a3.version + 1)
    assert not interpreted(app_ctx, service.actor, first)
    with app_ctx.db.read() as session:
        details = session.scalars(
            select(AuditEntry.detail)
            .where(AuditEntry.action == "document.update")
            .order_by(AuditEntry.id.desc())
        ).all()
    assert "已删除" in details[0] and "取消已解读" in details[0]


def test_saving_other_fields_leaves_a_hand_set_flag_alone(app_ctx, service, kf):
    """Saving without a 文号 or publication change leaves a hand-set flag alone."""
    doc_id = register(app_ctx, service.actor, kf)
    documents = DocumentService(app_ctx.db, service.actor)
    current = documents.get_document(doc_id).row
    documents.update_document(
        doc_id, current.version, kf, replace(current.fields(), interpreted=True)
    )
    row = service.create(kf, fields()).row
    service.update(row.id, row.version, fields(notes="补充说明"))
    assert interpreted(app_ctx, service.actor, doc_id)


# --- the list --------------------------------------------------------------------------------


def test_list_filters_and_order(app_ctx, service, kf, sb):
    """Year, division, status, out-of-sync and text (wildcards taken literally) filter the list,
    most recently changed first."""
    a = service.create(kf, fields(title="甲 100%_完成", document_approved_on=date(2021, 3, 1))).row
    b = service.create(
        sb,
        fields(
            title="乙",
            document_number="赣乡振规〔2022〕1号",
            document_approved_on=date(2022, 5, 1),
            approved_on=date(2022, 5, 2),
            published_on=date(2022, 5, 6),
        ),
    ).row
    c = service.create(
        sb, fields(title="丙", document_approved_on=date(2022, 6, 1), approved_on=date(2022, 6, 1))
    ).row

    def titles(**kw) -> list[str]:  # type: ignore[no-untyped-def]
        return [r.title for r in service.list_interpretations(InterpretationQuery(**kw))]

    assert titles() == ["丙", "乙", "甲 100%_完成"]
    service.update(
        a.id,
        a.version,
        fields(title="甲 100%_完成", document_approved_on=date(2021, 3, 1), notes="改"),
    )
    assert titles()[0] == "甲 100%_完成"
    assert titles(year=2022) == ["丙", "乙"] and service.years() == [2022, 2021]
    assert titles(division_id=kf) == ["甲 100%_完成"]
    assert titles(status=InterpretationStatus.PUBLISHED) == ["乙"]
    assert titles(status=InterpretationStatus.APPROVED) == ["丙"]
    assert titles(status=InterpretationStatus.DRAFT) == ["甲 100%_完成"]
    assert titles(out_of_sync=True) == ["乙"]
    assert titles(text="%_") == ["甲 100%_完成"]
    assert titles(text="2022") == ["乙"]
    assert titles(text="管理办法 丙") == ["丙"]
    assert titles(text="不存在") == []
    assert {r.id for r in service.list_interpretations()} == {a.id, b.id, c.id}


# --- demo data -------------------------------------------------------------------------------


def test_demo_step_interprets_the_business_divisions_documents(app_ctx, admin):
    """The demo writes interpretations of business divisions' documents over three years, some
    in sync, some flagged, some drafts, with texts and terms; a second run adds nothing."""
    year = date.today().year
    ctx = DemoContext(app_ctx, admin, year, 50, random.Random(7), CancelToken())
    run_job(foundation_step(ctx))
    run_job(documents_step(ctx))
    [line] = run_job(interpretations_step(ctx))
    assert line.startswith("政策解读：")
    service = InterpretationService(app_ctx.db, admin)
    rows = service.list_interpretations()
    assert len(rows) >= 6
    assert set(service.years()) <= {year, year - 1, year - 2}
    assert all(r.normative_document_id is not None and r.has_document for r in rows)
    assert {r.status for r in rows} >= {InterpretationStatus.PUBLISHED, InterpretationStatus.DRAFT}
    assert any(r.sync_problems for r in rows) and any(not r.sync_problems for r in rows)
    detail = service.get(rows[-1].id)
    assert detail.terms and detail.fields.sections and detail.row.title.endswith("》政策解读")
    documents = DocumentService(app_ctx.db, admin)
    published = [r for r in rows if r.status is InterpretationStatus.PUBLISHED]
    interpreted = [documents.get_document(r.normative_document_id or 0).row for r in published]
    assert interpreted and all(d.interpreted for d in interpreted)
    assert "未再生成" in run_job(interpretations_step(ctx))[0]
    with app_ctx.db.read() as session:
        assert session.scalar(select(func.count(Interpretation.id))) == len(rows)
