"""The audit log in 综合处's words (gongkai_desktop.services.audit_log): Chinese actions and record
titles, newest first, the filters, the xlsx export and the refusal to non-admins."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from support import ADMIN_PASSWORD

from gongkai_desktop.db.models import AuditEntry
from gongkai_desktop.errors import PermissionDenied
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.audit_log import AuditLogService, AuditQuery
from gongkai_desktop.services.ledger import ItemFields, LedgerService


def fields(title: str) -> ItemFields:
    return ItemFields(
        title=title,
        category="决策公开",
        attribute="proactive",
        ground=None,
        formed_on=date(2021, 2, 5),
        channels=("门户网站",),
    )


@pytest.fixture
def log(app_ctx, admin) -> AuditLogService:  # type: ignore[no-untyped-def]
    return AuditLogService(app_ctx.db, admin)


def kf(app_ctx, admin) -> int:  # type: ignore[no-untyped-def]
    return AdminService(app_ctx.db, admin).division_by_name("开发指导处").id


def test_import_reads_as_a_count_of_items_with_its_file(
    app_ctx, admin, log, run_cli, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """An import of 3 items from a workbook reads 「导入公开事项 3 条」 with the file as its record."""
    template = tmp_path / "t.xlsx"
    assert run_cli("template", "items", "-o", str(template))[0] == 0
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    for r, title in enumerate(("甲事项", "乙事项", "丙事项"), 2):
        row = [title, "部门预算", "主动公开", None, "开发指导处", "2021-02-05", None, "门户网站"]
        for c, value in enumerate(row, 1):
            ws.cell(row=r, column=c, value=value)
    source = tmp_path / "公开事项.xlsx"
    wb.save(source)
    code, _out, err = run_cli(
        "--as", "admin", "import", "items", str(source), password=ADMIN_PASSWORD
    )
    assert code == 0, err
    line = log.search(AuditQuery(action="导入"))[0]
    assert (line.action, line.record, line.kind) == (
        "导入公开事项 3 条",
        "文件「公开事项.xlsx」",
        "公开事项",
    )


def test_changes_name_the_record_newest_first(app_ctx, admin, log) -> None:  # type: ignore[no-untyped-def]
    """新增/修改/删除 of an item read in Chinese with the item's title, the newest row first,
    and the division is named."""
    ledger = LedgerService(app_ctx.db, admin)
    row = ledger.create_item(kf(app_ctx, admin), fields("2021年部门预算"))
    ledger.delete_item(row.id, None)
    lines = log.search(AuditQuery(entity="disclosure_item"))
    assert [(x.action, x.record, x.division) for x in lines] == [
        ("删除公开事项", "2021年部门预算", "开发指导处"),
        ("新增公开事项", "2021年部门预算", "开发指导处"),
    ]
    everything = log.search(AuditQuery())
    assert [x.id for x in everything] == sorted((x.id for x in everything), reverse=True)


def test_filters_by_user_division_kind_action_result_and_date(app_ctx, admin, liaison, log) -> None:  # type: ignore[no-untyped-def]
    """Each filter narrows the rows to exactly those it names."""
    ledger = LedgerService(app_ctx.db, liaison)
    ledger.create_item(kf(app_ctx, admin), fields("联络员的事项"))
    with pytest.raises(PermissionDenied):
        AdminService(app_ctx.db, liaison).list_users()
    by_user = log.search(AuditQuery(username="lly_kf"))
    assert {x.username for x in by_user} == {"lly_kf"}
    assert {x.action for x in by_user} >= {"登录", "新增公开事项", "查看用户列表"}
    assert {x.division for x in log.search(AuditQuery(division_id=kf(app_ctx, admin)))} == {
        "开发指导处"
    }
    assert [x.record for x in log.search(AuditQuery(entity="disclosure_item"))] == ["联络员的事项"]
    assert {x.action for x in log.search(AuditQuery(action="新增"))} >= {"新增公开事项", "新增处室"}
    refused = log.search(AuditQuery(outcome="denied"))
    assert [(x.username, x.outcome) for x in refused] == [("lly_kf", "拒绝")]
    today = date.today()
    assert log.search(AuditQuery(since=today, until=today))
    assert log.search(AuditQuery(until=today - timedelta(days=2))) == []
    assert "lly_kf" in log.usernames()


def test_login_names_the_user(app_ctx, admin, log) -> None:  # type: ignore[no-untyped-def]
    """A log-in row, which holds only the user's id, names the user from the account."""
    from gongkai_desktop.services.auth import AuthService

    AuthService(app_ctx.db).login("admin", ADMIN_PASSWORD)
    line = log.search(AuditQuery(action="登录与注销"))[0]
    assert (line.action, line.record, line.kind) == ("登录", "admin", "用户")


def test_export_writes_the_filtered_rows_to_xlsx_and_is_audited(
    app_ctx, admin, log, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """导出 writes every row the query selects (over several pages) with Chinese headers and
    words, leaves no temporary file, and audits itself."""
    ledger = LedgerService(app_ctx.db, admin)
    division = kf(app_ctx, admin)
    for n in range(5):
        ledger.create_item(division, fields(f"事项{n}"))
    target = tmp_path / "审计日志.xlsx"
    query = AuditQuery(entity="disclosure_item")
    import gongkai_desktop.services.audit_log as module

    module.EXPORT_PAGE, saved = 2, module.EXPORT_PAGE
    try:
        count = run_job(log.export_job(target, query))
    finally:
        module.EXPORT_PAGE = saved
    assert count == 5
    ws = openpyxl.load_workbook(target).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("时间", "用户", "处室", "记录类别", "操作", "记录", "结果", "说明")
    assert [r[5] for r in rows[1:]] == [f"事项{n}" for n in range(4, -1, -1)]
    assert {r[4] for r in rows[1:]} == {"新增公开事项"} and {r[6] for r in rows[1:]} == {"成功"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "审计日志.xlsx"]
    with app_ctx.db.read() as session:
        detail = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "audit.export")
        ).one()
    assert detail == "导出审计日志 5 条到「审计日志.xlsx」"


def test_a_liaison_may_not_read_or_export(app_ctx, liaison, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Reading and exporting the log are refused to a liaison, no file is written, and the
    refusal is audited."""
    service = AuditLogService(app_ctx.db, liaison)
    with pytest.raises(PermissionDenied):
        service.search(AuditQuery())
    with pytest.raises(PermissionDenied):
        run_job(service.export_job(tmp_path / "x.xlsx", AuditQuery()))
    assert not (tmp_path / "x.xlsx").exists()
    with app_ctx.db.read() as session:
        denied = session.scalars(
            select(AuditEntry.action).where(AuditEntry.outcome == "denied")
        ).all()
    assert denied == ["audit.read", "audit.export"]


def test_cli_lists_and_exports_in_chinese(app_ctx, admin, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``gongkai audit list --action 新增`` prints the Chinese phrases; ``audit export`` writes
    the same rows to an xlsx file."""
    ledger = LedgerService(app_ctx.db, admin)
    ledger.create_item(kf(app_ctx, admin), fields("命令行的事项"))
    code, out, _err = run_cli(
        "--as", "admin", "audit", "list", "--kind", "disclosure_item", password=ADMIN_PASSWORD
    )
    assert code == 0 and "新增公开事项「命令行的事项」  成功" in out
    target = tmp_path / "日志.xlsx"
    code, out, _err = run_cli(
        "--as", "admin", "audit", "export", "-o", str(target), "--action", "新增",
        password=ADMIN_PASSWORD,
    )  # fmt: skip
    assert code == 0 and "已导出" in out
    rows = list(openpyxl.load_workbook(target).worksheets[0].iter_rows(values_only=True))
    assert ("新增公开事项", "命令行的事项") in {(r[4], r[5]) for r in rows[1:]}
