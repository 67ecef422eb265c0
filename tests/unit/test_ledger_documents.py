"""规范性文件 registry, 清理 campaigns, 转载 and the 标准目录 on a real SQLite file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import openpyxl
import pytest

from gongkai_desktop.domain.disclosure import (
    CleanupDecisionKind,
    DocumentFields,
    DocumentLevel,
    DocumentStatus,
    RepostState,
)
from gongkai_desktop.errors import ConflictError, PermissionDenied, ValidationError
from gongkai_desktop.reports.excel.ledger_documents import write_catalogue
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.ledger_catalogue import (
    CatalogueRow,
    CatalogueService,
    RepostFields,
    RepostService,
)
from gongkai_desktop.services.ledger_documents import DocumentQuery, DocumentService


def doc(number: str, written: date, level: str = "normative", **kw) -> DocumentFields:  # type: ignore[no-untyped-def]
    return DocumentFields(number, f"{number}的标题", level, written, **kw)


@pytest.fixture
def kf(app_ctx, admin) -> int:  # type: ignore[no-untyped-def]
    return AdminService(app_ctx.db, admin).division_by_name("开发指导处").id


def test_status_changes_are_kept_as_history(app_ctx, admin, kf):
    """Registering and each status change append to the history, oldest first."""
    service = DocumentService(app_ctx.db, admin)
    row = service.create_document(kf, doc("赣乡振规〔2021〕1号", date(2021, 3, 1)))
    row = service.change_status(row.id, row.version, DocumentStatus.REVISED, date(2022, 5, 1), "出台修订版")
    detail = service.get_document(row.id)
    assert [(h.status, h.changed_on, h.reason) for h in detail.history] == [
        (DocumentStatus.VALID, date(2021, 3, 1), "登记"),
        (DocumentStatus.REVISED, date(2022, 5, 1), "出台修订版"),
    ]
    with pytest.raises(ConflictError):
        service.change_status(row.id, 1, DocumentStatus.EXPIRED, date(2023, 1, 1))


def test_duplicate_number_and_missing_status_date_are_refused(app_ctx, admin, kf):
    """文号 is unique among live documents; a status other than 现行有效 needs its date."""
    service = DocumentService(app_ctx.db, admin)
    service.create_document(kf, doc("赣乡振规〔2021〕1号", date(2021, 3, 1)))
    with pytest.raises(ValidationError, match="已登记过"):
        service.create_document(kf, doc("赣乡振规〔2021〕1号", date(2021, 4, 1)))
    with pytest.raises(ValidationError, match="状态变更日期"):
        service.create_document(kf, doc("赣乡振规〔2021〕2号", date(2021, 4, 1), status="expired"))


def test_liaison_edits_only_documents_of_their_division(app_ctx, admin, liaison, kf):
    """A liaison registers their division's documents and is refused another's."""
    own = DocumentService(app_ctx.db, liaison).create_document(kf, doc("A〔2021〕1号", date(2021, 1, 5)))
    sb = AdminService(app_ctx.db, admin).division_by_name("社会帮扶处").id
    other = DocumentService(app_ctx.db, admin).create_document(sb, doc("B〔2021〕1号", date(2021, 1, 5)))
    service = DocumentService(app_ctx.db, liaison)
    assert own.editable and not service.get_document(other.id).row.editable
    with pytest.raises(PermissionDenied):
        service.update_document(other.id, other.version, sb, replace(other.fields(), title="改"))


def test_list_filters_and_yearly_counts_for_table_two(app_ctx, admin, kf):
    """Filters by year, level, status, text; table 二 counts issued, abolished and valid."""
    service = DocumentService(app_ctx.db, admin)
    service.create_document(kf, doc("令第250号", date(2021, 6, 1), "rule"))
    a = service.create_document(kf, doc("赣乡振规〔2020〕3号", date(2020, 5, 1)))
    service.change_status(a.id, a.version, DocumentStatus.REPEALED, date(2021, 12, 1))
    service.create_document(kf, doc("赣乡振规〔2021〕4号", date(2021, 8, 1)))
    b = service.create_document(kf, doc("赣乡振规〔2019〕1号", date(2019, 2, 1)))
    service.change_status(b.id, b.version, DocumentStatus.EXPIRED, date(2022, 2, 1))

    def numbers(**kw):  # type: ignore[no-untyped-def]
        return sorted(r.doc_number for r in service.list_documents(DocumentQuery(**kw)))

    assert numbers(year=2021) == ["令第250号", "赣乡振规〔2021〕4号"]
    assert numbers(level=DocumentLevel.RULE) == ["令第250号"]
    assert numbers(status=DocumentStatus.REPEALED) == ["赣乡振规〔2020〕3号"]
    assert numbers(text="2019") == ["赣乡振规〔2019〕1号"]
    assert service.status_counts(DocumentQuery(year=2021)) == {DocumentStatus.VALID: 2}
    assert service.status_counts(DocumentQuery(text="赣乡振规")) == {
        DocumentStatus.VALID: 1,
        DocumentStatus.REPEALED: 1,
        DocumentStatus.EXPIRED: 1,
    }
    by_change = service.list_documents(DocumentQuery(sort="status_changed_on", descending=True))
    assert [r.doc_number for r in by_change][:2] == ["赣乡振规〔2019〕1号", "赣乡振规〔2020〕3号"]
    by_number = DocumentQuery(sort="doc_number", descending=False)
    first = service.list_documents(by_number, None, 2)
    second = service.list_documents(by_number, first[-1], 2)
    assert [r.doc_number for r in first + second] == sorted(numbers())
    with pytest.raises(ValidationError, match="排序"):
        service.list_documents(DocumentQuery(sort="link"))
    c = service.create_document(kf, doc("赣乡振规〔2020〕7号", date(2020, 7, 1)))
    service.change_status(c.id, c.version, DocumentStatus.REVISED, date(2021, 10, 1))
    counts = service.yearly_counts(2021)
    assert counts[DocumentLevel.RULE] == (1, 0, 1)
    # 2021〔4〕, 2019〔1〕 (expired only in 2022) and the amended 2020〔7〕 are valid at 31 Dec,
    # as the annual report's table 二 counts them.
    assert counts[DocumentLevel.NORMATIVE] == (1, 1, 3)


def test_cleanup_campaign_publishes_and_repeals(app_ctx, admin, liaison, kf):
    """Every document needs a conclusion before publication; 废止 ones become 已废止."""
    admin_docs = DocumentService(app_ctx.db, admin)
    keep = admin_docs.create_document(kf, doc("赣乡振规〔2019〕1号", date(2019, 3, 1)))
    drop = admin_docs.create_document(kf, doc("赣乡振规〔2019〕2号", date(2019, 4, 1)))
    admin_docs.create_document(kf, doc("赣乡振规〔2021〕9号", date(2021, 10, 1)))  # after start
    admin_docs.create_document(kf, doc("令第1号", date(2019, 1, 1), "rule"))  # not cleaned here
    with pytest.raises(PermissionDenied):
        DocumentService(app_ctx.db, liaison).create_campaign("清理", 2021, date(2021, 9, 1))
    campaign = admin_docs.create_campaign("2021年集中清理", 2021, date(2021, 9, 1))
    assert [r.doc_number for r in admin_docs.campaign_documents(campaign)] == [
        "赣乡振规〔2019〕1号",
        "赣乡振规〔2019〕2号",
    ]
    liaison_docs = DocumentService(app_ctx.db, liaison)
    liaison_docs.set_decision(campaign, keep.id, CleanupDecisionKind.KEEP)
    with pytest.raises(ValidationError, match="还有 1 件"):
        admin_docs.publish_campaign(campaign, date(2021, 12, 20))
    liaison_docs.set_decision(campaign, drop.id, CleanupDecisionKind.REPEAL, "与上位法不一致")
    assert admin_docs.publish_campaign(campaign, date(2021, 12, 20), "http://x/ql") == 1
    dropped = admin_docs.get_document(drop.id)
    assert dropped.row.status is DocumentStatus.REPEALED
    assert dropped.row.status_changed_on == date(2021, 12, 20)
    assert dropped.history[-1].campaign_name == "2021年集中清理"
    assert admin_docs.get_document(keep.id).row.status is DocumentStatus.VALID
    with pytest.raises(ValidationError, match="已公布"):
        liaison_docs.set_decision(campaign, keep.id, CleanupDecisionKind.REVISE)
    assert admin_docs.list_campaigns()[0].published_on == date(2021, 12, 20)


def test_reposts_are_flagged_after_24_hours(app_ctx, admin, kf):
    """A repost 25 hours after release is 超时转载; one within 24 hours is on time."""
    service = RepostService(app_ctx.db, admin)
    released = datetime(2021, 5, 10, 9, 0)
    service.save_repost(
        None, kf, RepostFields("国务院办公厅关于X的通知", "国务院办公厅", "central", released, released.replace(hour=20))
    )
    service.save_repost(
        None, kf, RepostFields("省政府办公厅关于Y的意见", "省政府办公厅", "provincial", released, datetime(2021, 5, 11, 10, 0))
    )
    rows = {r.title[:3]: r for r in service.list_reposts(2021, now=datetime(2021, 6, 1))}
    assert rows["国务院"].state is RepostState.ON_TIME and rows["国务院"].hours == 11.0
    assert rows["省政府"].state is RepostState.LATE and rows["省政府"].flagged
    with pytest.raises(ValidationError, match="不能早于发布时间"):
        service.save_repost(None, kf, RepostFields("Z", "", "central", released, datetime(2021, 5, 9)))


def test_taking_another_divisions_repost_is_refused_before_any_write(
    app_ctx, admin, liaison, kf, monkeypatch
):
    """Moving another division's repost to one's own is refused outside a write transaction,
    audited as denied, and changes nothing."""
    from sqlalchemy import select

    from gongkai_desktop.db.models import AuditEntry

    sb = AdminService(app_ctx.db, admin).division_by_name("社会帮扶处").id
    released = datetime(2021, 5, 10, 9, 0)
    fields = RepostFields("国务院办公厅关于X的通知", "国务院办公厅", "central", released, released)
    repost_id = RepostService(app_ctx.db, admin).save_repost(None, sb, fields)
    service = RepostService(app_ctx.db, liaison)
    refused_in_write: list[bool] = []
    require = service.require

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            require(*args, **kwargs)
        except PermissionDenied:
            refused_in_write.append(app_ctx.db.in_write)
            raise

    monkeypatch.setattr(service, "require", watched)
    with pytest.raises(PermissionDenied):
        service.save_repost(repost_id, kf, replace(fields, title="改为本处室"))
    assert refused_in_write == [False]
    with app_ctx.db.read() as session:
        denied = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "repost.save", AuditEntry.outcome == "denied"
            )
        ).all()
        assert [e.division_id for e in denied] == [sb]
    [row] = RepostService(app_ctx.db, admin).list_reposts(2021, now=datetime(2021, 6, 1))
    assert row.title == "国务院办公厅关于X的通知"


def test_catalogue_is_saved_as_a_whole_and_exported(app_ctx, admin, liaison, tmp_path):
    """Admins save the 标准目录 in order; the export has the standard two-row header."""
    row = CatalogueRow(None, 0, "资金管理", "资金分配", "分配方案", "办法", "20个工作日内", "计财处", "门户网站", "全社会", "主动", "省级")
    service = CatalogueService(app_ctx.db, admin)
    assert service.save_all([row, replace(row, level1="项目管理", mode="依申请")]) == 2
    with pytest.raises(PermissionDenied):
        CatalogueService(app_ctx.db, liaison).save_all([row])
    with pytest.raises(ValidationError, match="公开对象"):
        service.save_all([replace(row, audience="部分群体")])
    saved = service.entries()
    assert [e.level1 for e in saved] == ["资金管理", "项目管理"]
    assert service.save_all([saved[1]]) == 1 and service.entries()[0].id == saved[1].id
    target = tmp_path / "catalogue.xlsx"
    assert write_catalogue(app_ctx.db, admin, target) == 1
    ws = openpyxl.load_workbook(target).worksheets[0]
    top = [c.value for c in ws[2]]
    sub = [c.value for c in ws[3]]
    assert top[:2] == ["序号", "公开事项"] and top[3:8] == [
        "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
    ]  # fmt: skip
    assert top[8] == "公开对象" and top[10] == "公开方式" and top[12] == "公开层级"
    assert sub[1:3] == ["一级事项", "二级事项"] and sub[8:12] == ["全社会", "特定群体", "主动", "依申请"]
    assert [c.value for c in ws[4]][:3] == [1, "项目管理", "资金分配"]
    assert [c.value for c in ws[4]][10:12] == [None, "√"]
