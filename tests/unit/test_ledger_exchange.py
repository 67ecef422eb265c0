"""Templates, imports and exports of 公开事项 and 规范性文件 through the CLI, on real files."""

from __future__ import annotations

import json
import time
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from support import ADMIN_PASSWORD, LIAISON_PASSWORD

from gongkai_desktop.db.ledger_models import (
    DisclosureItem,
    NormativeDocument,
    NormativeDocumentStatus,
)
from gongkai_desktop.db.models import AuditEntry, Division
from gongkai_desktop.domain import checks
from gongkai_desktop.exchange import template_division_names
from gongkai_desktop.importers.ledger_xlsx import preview_job
from gongkai_desktop.progress import run_job
from gongkai_desktop.reports.excel.ledger_documents import DOCUMENT_HEADERS
from gongkai_desktop.reports.excel.ledger_items import ITEM_HEADERS


def fill(template: Path, target: Path, rows: list[list[object]]) -> Path:
    """Fill a generated template the way a user does in Excel: from row 2 on."""
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    for r, row in enumerate(rows, 2):
        for c, value in enumerate(row, 1):
            ws.cell(row=r, column=c, value=value)
    wb.save(target)
    return target


def count(app_ctx, model) -> int:  # type: ignore[no-untyped-def]
    with app_ctx.db.read() as s:
        return int(s.scalar(select(func.count(model.id))) or 0)


@pytest.fixture
def cli(run_cli, admin):  # type: ignore[no-untyped-def]
    """``gongkai --as admin …`` on an initialised database."""

    def run(*args: str):  # type: ignore[no-untyped-def]
        return run_cli("--as", "admin", *args, password=ADMIN_PASSWORD)

    return run


@pytest.fixture
def items_template(cli, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "items-template.xlsx"
    code, out, _ = cli("template", "items", "-o", str(path))
    assert code == 0 and "公开事项" in out
    return path


GOOD_ITEMS = [
    ["江西省乡村振兴局2021年部门预算", "部门预算", "主动公开", None, "开发指导处",
     datetime(2021, 2, 5), "2021-02-20", "门户网站、政府公报", "http://x/1", None, None],
    ["于都县以工代赈项目验收结果公示", "结果公开", "主动公开", None, "社会帮扶处",
     "2021年9月28日", None, "微博", None, "赣乡振发〔2021〕9号", "备注"],
    ["监测对象个人信息台账", "管理公开", "不予公开", "第十五条-个人隐私", "开发指导处",
     "2021-03-01", None, None, None, None, None],
]  # fmt: skip


def test_items_template_has_exact_headers_dropdowns_and_instructions(items_template):
    """Row 1 is the spec's headers; closed lists reject other values; dates are formatted."""
    wb = openpyxl.load_workbook(items_template)
    ws = wb.worksheets[0]
    assert tuple(c.value for c in ws[1]) == ITEM_HEADERS == (
        "标题", "类别", "公开属性", "不公开依据", "责任处室", "形成日期", "公开日期",
        "公开渠道", "链接", "文号", "备注",
    )  # fmt: skip
    validations = {str(dv.sqref)[0]: dv for dv in ws.data_validations.dataValidation}
    assert set(validations) == {"B", "C", "D", "E", "F", "G"}
    lists = {k: dv for k, dv in validations.items() if dv.type == "list"}
    assert set(lists) == {"B", "C", "D", "E"}
    assert all(dv.showErrorMessage and dv.errorStyle == "stop" for dv in lists.values())
    assert {validations[k].type for k in "FG"} == {"date"}
    assert validations["C"].formula1 == '"主动公开,依申请公开,不予公开"'
    assert ws["F2"].number_format == "yyyy-mm-dd" and ws["A2"].value is None
    assert "填写说明" in wb.sheetnames


def test_filled_template_imports_and_exports_with_computed_columns(cli, app_ctx, items_template, tmp_path):
    """Excel dates and text dates import; the export adds 公开期限 and 状态, re-read by openpyxl."""
    source = fill(items_template, tmp_path / "items.xlsx", GOOD_ITEMS)
    code, out, err = cli("import", "items", str(source))
    assert (code, err) == (0, "") and "新增 3" in out and "没有门户网站" in out
    assert count(app_ctx, DisclosureItem) == 3
    export = tmp_path / "out.xlsx"
    code, out, _ = cli("export", "items", "-o", str(export), "--year", "2021")
    assert code == 0 and "3 行" in out
    ws = openpyxl.load_workbook(export).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (*ITEM_HEADERS, "公开期限", "状态")
    by_title = {r[0]: r for r in rows[1:]}
    budget = by_title["江西省乡村振兴局2021年部门预算"]
    assert budget[5] == datetime(2021, 2, 5) and budget[11] == datetime(2021, 2, 25)
    assert budget[12] == "按时公开" and budget[7] == "门户网站、政府公报"
    assert by_title["于都县以工代赈项目验收结果公示"][11] == datetime(2021, 11, 1)
    withheld = by_title["监测对象个人信息台账"]
    assert withheld[3] == "第十五条-个人隐私" and withheld[11] is None and withheld[12] is None


def test_bad_rows_are_all_reported_and_nothing_is_stored(cli, app_ctx, items_template, tmp_path):
    """A bad date, an unknown division, 不予公开 without ground, an invalid attribute: exit 1,
    each named as 第N行「列」, and not even the good row is stored."""
    rows = [
        GOOD_ITEMS[0],
        ["坏日期", "执行公开", "主动公开", None, "开发指导处", "2021-02-30", None, "门户网站", None, None, None],
        ["坏处室", "执行公开", "主动公开", None, "不存在处", "2021-03-01", None, "门户网站", None, None, None],
        ["无依据", "执行公开", "不予公开", None, "开发指导处", "2021-03-01", None, None, None, None, None],
        ["坏属性", "执行公开", "半公开", None, "开发指导处", "2021-03-01", None, None, None, None, None],
    ]  # fmt: skip
    source = fill(items_template, tmp_path / "bad.xlsx", rows)
    code, out, err = cli("import", "items", str(source))
    assert code == 1 and out == ""
    assert "第3行「形成日期」：日期「2021-02-30」不存在" in err
    assert "第4行「责任处室」：处室「不存在处」不存在" in err
    assert "第5行「不公开依据」：不予公开的事项必须选择不公开依据" in err
    assert "第6行「公开属性」：「半公开」不是可选值" in err
    assert "第2行" not in err and "未导入任何数据" in err
    assert count(app_ctx, DisclosureItem) == 0


def test_wrong_headers_are_refused(cli, app_ctx, tmp_path):
    """A sheet whose first row is not the template's is refused, listing what differs."""
    wb = openpyxl.Workbook()
    wb.active.append(["标题", "类别", "属性"])
    wb.active.append(["x", "决策公开", "主动公开"])
    wb.save(tmp_path / "headers.xlsx")
    code, _, err = cli("import", "items", str(tmp_path / "headers.xlsx"))
    assert code == 1 and "表头与模板不一致" in err and "缺少列" in err and "「属性」" in err
    assert count(app_ctx, DisclosureItem) == 0


def test_zip_bomb_is_refused_in_seconds(cli, tmp_path):
    """An .xlsx whose sheet inflates 1000:1 is refused before parsing."""
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b"<row/>" * (1 << 17)
            for _ in range(40):
                member.write(block)
    started = time.monotonic()
    code, _, err = cli("import", "items", str(bomb))
    assert code == 1 and "压缩炸弹" in err
    assert time.monotonic() - started < 5


def test_reimport_updates_and_dry_run_stores_nothing(cli, app_ctx, items_template, tmp_path):
    """The same file twice adds nothing; --dry-run only checks; a change updates in place."""
    source = fill(items_template, tmp_path / "items.xlsx", GOOD_ITEMS)
    code, out, _ = cli("import", "items", str(source), "--dry-run")
    assert code == 0 and "试运行" in out and count(app_ctx, DisclosureItem) == 0
    assert cli("import", "items", str(source))[0] == 0
    code, out, _ = cli("import", "items", str(source))
    assert code == 0 and "新增 0，更新 0" in out and count(app_ctx, DisclosureItem) == 3
    changed = [list(r) for r in GOOD_ITEMS]
    changed[1][6] = "2021-10-20"
    fill(items_template, source, changed)
    code, out, _ = cli("import", "items", str(source))
    assert "更新 1" in out
    with app_ctx.db.read() as s:
        published = s.scalar(
            select(DisclosureItem.published_on).where(DisclosureItem.title == GOOD_ITEMS[1][0])
        )
    assert published == date(2021, 10, 20)


def test_liaison_cannot_import_another_divisions_rows(run_cli, app_ctx, liaison, items_template, tmp_path):
    """A liaison's file with a row of another division is refused whole, and audited."""
    source = fill(items_template, tmp_path / "items.xlsx", GOOD_ITEMS)
    code, _, err = run_cli("--as", "lly_kf", "import", "items", str(source), password=LIAISON_PASSWORD)
    assert code == 1 and "第3行「责任处室」：联络员只能导入本处室（开发指导处）的记录" in err
    assert count(app_ctx, DisclosureItem) == 0
    with app_ctx.db.read() as s:
        outcome = s.scalar(select(AuditEntry.outcome).where(AuditEntry.action == "item.import"))
    assert outcome == "denied"


def test_preview_lists_valid_rows_and_errors_without_storing(app_ctx, admin, items_template, tmp_path):
    """The GUI's preview returns the good rows as read and every problem, storing nothing."""
    rows = [GOOD_ITEMS[0], ["", "决策公开", "主动公开", None, "开发指导处", "2021-01-01"] + [None] * 5]
    source = fill(items_template, tmp_path / "p.xlsx", rows)
    preview = run_job(preview_job("items", app_ctx.db, admin, source))
    assert [n for n, _ in preview.rows] == [2] and preview.rows[0][1][5] == "2021-02-05"
    assert preview.errors == ("第3行「标题」：必填，不能为空",) and not preview.importable
    assert count(app_ctx, DisclosureItem) == 0


def test_documents_import_records_status_history_and_exports_level(cli, app_ctx, tmp_path):
    """规范性文件 import by 文号: status changes join the history; the export adds 层级."""
    template = tmp_path / "docs-template.xlsx"
    assert cli("template", "documents", "-o", str(template))[0] == 0
    header = tuple(c.value for c in openpyxl.load_workbook(template).worksheets[0][1])
    assert header == DOCUMENT_HEADERS == (
        "文号", "标题", "制发处室", "成文日期", "公开日期", "状态", "状态变更日期", "是否征求意见", "是否解读",
    )  # fmt: skip
    rows = [
        ["赣乡振规〔2021〕1号", "衔接资金管理办法", "开发指导处", "2021-03-01", "2021-03-05", "现行有效", None, "是", "否"],
        ["江西省人民政府令第250号", "江西省乡村振兴促进办法", "社会帮扶处", "2021-06-01", None, "现行有效", None, None, None],
    ]  # fmt: skip
    source = fill(template, tmp_path / "docs.xlsx", rows)
    code, out, err = cli("import", "documents", str(source))
    assert code == 0 and "新增 2" in out, err
    rows[0][5], rows[0][6] = "已废止", "2022-12-20"
    fill(template, source, rows)
    code, out, _ = cli("import", "documents", str(source))
    assert code == 0 and "更新 1" in out
    with app_ctx.db.read() as s:
        history = list(
            s.scalars(select(NormativeDocumentStatus.status).order_by(NormativeDocumentStatus.id))
        )
    assert history == ["valid", "valid", "repealed"]
    export = tmp_path / "docs-out.xlsx"
    assert cli("export", "documents", "-o", str(export))[0] == 0
    out_rows = list(openpyxl.load_workbook(export).worksheets[0].iter_rows(values_only=True))
    assert out_rows[0][-3:] == ("层级", "链接", "备注")
    levels = {r[0]: (r[5], r[9]) for r in out_rows[1:]}
    assert levels == {
        "赣乡振规〔2021〕1号": ("已废止", "行政规范性文件"),
        "江西省人民政府令第250号": ("现行有效", "规章"),
    }


def test_document_without_status_date_is_refused(cli, app_ctx, tmp_path):
    """状态 已废止 without 状态变更日期 is a row error; nothing is stored."""
    template = tmp_path / "t.xlsx"
    cli("template", "documents", "-o", str(template))
    rows = [["赣乡振规〔2021〕2号", "办法", "开发指导处", "2021-03-01", None, "已废止", None, "否", "是"]]
    code, _, err = cli("import", "documents", str(fill(template, tmp_path / "d.xlsx", rows)))
    assert code == 1 and "第2行「状态变更日期」：状态为「已废止」时必须填写状态变更日期" in err
    assert count(app_ctx, NormativeDocument) == 0


def test_item_whose_deadline_needs_an_unknown_year_imports_without_deadline(cli, app_ctx, items_template, tmp_path, monkeypatch):
    """A row formed 2026-12-04 while 2027 has no holiday data is imported with no deadline and a
    note naming 2027; its export shows 无法计算."""
    monkeypatch.setattr(checks, "today", lambda: date(2026, 12, 10))
    row = ["跨年事项", "决策公开", "主动公开", None, "开发指导处", "2026-12-04", None, "门户网站", None, None, None]
    code, out, err = cli("import", "items", str(fill(items_template, tmp_path / "y.xlsx", [row])))
    assert (code, err) == (0, "") and "新增 1" in out and "2027年" in out
    with app_ctx.db.read() as s:
        assert s.scalar(select(DisclosureItem.deadline)) is None
    export = tmp_path / "y-out.xlsx"
    assert cli("export", "items", "-o", str(export), "--year", "2026")[0] == 0
    exported = list(openpyxl.load_workbook(export).worksheets[0].iter_rows(values_only=True))
    assert exported[1][11] is None and exported[1][12] == "无法计算"


def test_reimport_audits_each_updated_record_with_before_and_after(cli, app_ctx, items_template, tmp_path):
    """Every item or document a re-import changes gets its own audit row with before and the
    changed fields; created records are listed in the file's summary row."""
    source = fill(items_template, tmp_path / "items.xlsx", GOOD_ITEMS)
    assert cli("import", "items", str(source))[0] == 0
    changed = [list(r) for r in GOOD_ITEMS]
    changed[0][8] = "http://x/new"
    changed[1][6] = "2021-10-20"
    fill(items_template, source, changed)
    code, out, _ = cli("import", "items", str(source))
    assert code == 0 and "更新 2" in out
    with app_ctx.db.read() as s:
        uuids = dict(s.execute(select(DisclosureItem.title, DisclosureItem.uuid)).all())
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    summaries = [e for e in entries if e.action == "item.import"]
    assert len(summaries) == 2 and all(u in (summaries[0].after or "") for u in uuids.values())
    updates = {e.entity_id: e for e in entries if e.action == "item.update"}
    assert set(updates) == {uuids[GOOD_ITEMS[0][0]], uuids[GOOD_ITEMS[1][0]]}
    first = updates[uuids[GOOD_ITEMS[0][0]]]
    assert '"http://x/1"' in (first.before or "") and json.loads(first.after or "{}") == {"link": "http://x/new"}
    second = json.loads(updates[uuids[GOOD_ITEMS[1][0]]].after or "{}")
    assert second == {"published_on": "2021-10-20"}

    template = tmp_path / "docs-template.xlsx"
    assert cli("template", "documents", "-o", str(template))[0] == 0
    rows = [["赣乡振规〔2021〕1号", "衔接资金管理办法", "开发指导处", "2021-03-01", None, "现行有效", None, "否", "否"]]
    docs = fill(template, tmp_path / "docs.xlsx", rows)
    assert cli("import", "documents", str(docs))[0] == 0
    rows[0][1] = "衔接资金管理办法（修订）"
    fill(template, docs, rows)
    assert cli("import", "documents", str(docs))[0] == 0
    with app_ctx.db.read() as s:
        doc_uuid = s.scalar(select(NormativeDocument.uuid))
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "document.update"))
    assert entry is not None and entry.entity_id == doc_uuid
    assert '"衔接资金管理办法"' in (entry.before or "")
    assert json.loads(entry.after or "{}") == {"title": "衔接资金管理办法（修订）"}


def list_values(path: Path, column: str) -> list[str]:
    """The values a template's list validation on ``column`` offers (inline or on a lists sheet)."""
    wb = openpyxl.load_workbook(path)
    dv = next(d for d in wb.worksheets[0].data_validations.dataValidation if str(d.sqref)[0] == column)
    assert dv.type == "list" and dv.showErrorMessage and dv.errorStyle == "stop"
    formula = dv.formula1 or ""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, _, ref = formula.lstrip("=").rpartition("!")
    return [str(c.value) for row in wb[sheet.strip("'")][ref.replace("$", "")] for c in row]


def test_division_columns_offer_the_databases_active_divisions(cli, app_ctx, admin, run_cli, tmp_path):
    """责任处室, 制发处室 and 承办处室 are drop-downs of the active divisions, read from the
    database without a login; a deactivated division is not offered."""
    from gongkai_desktop.services.admin import AdminService

    service = AdminService(app_ctx.db, admin)
    with app_ctx.db.write() as s:
        s.get(Division, service.division_by_name("社会帮扶处").id).active = False
    names = template_division_names(app_ctx.db)
    assert "开发指导处" in names and "社会帮扶处" not in names
    paths = {kind: tmp_path / f"{kind}.xlsx" for kind in ("items", "documents", "requests")}
    for kind, path in paths.items():
        code, _, err = run_cli("template", kind, "-o", str(path))
        assert code == 0, err
    assert list_values(paths["items"], "E") == names
    assert list_values(paths["documents"], "C") == names
    assert list_values(paths["requests"], "G") == names


def test_requests_template_limits_extension_to_twenty_working_days(run_cli, admin, tmp_path):
    """延期工作日数 accepts only whole numbers from 0 to 20."""
    path = tmp_path / "r.xlsx"
    assert run_cli("template", "requests", "-o", str(path))[0] == 0
    ws = openpyxl.load_workbook(path).worksheets[0]
    column = [c.value for c in ws[1]].index("延期工作日数") + 1
    letter = openpyxl.utils.get_column_letter(column)
    dv = next(d for d in ws.data_validations.dataValidation if str(d.sqref).startswith(letter))
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", "0", "20")


def test_items_template_offers_categories_the_admin_added(app_ctx, admin, run_cli, tmp_path):
    """类别 lists the built-in categories and those the admin added, so Excel accepts them."""
    from gongkai_desktop.services.ledger import LedgerService

    LedgerService(app_ctx.db, admin).add_category("驻村帮扶")
    path = tmp_path / "items.xlsx"
    assert run_cli("template", "items", "-o", str(path))[0] == 0
    offered = list_values(path, "B")
    assert "驻村帮扶" in offered and "决策公开" in offered and offered[-1] == "驻村帮扶"


def test_import_refuses_bad_links_numbers_and_dates(cli, app_ctx, items_template, tmp_path):
    """A link that is no web address, a 文号 「？？？」, a formation date after today and a
    publication before formation are row errors; nothing is stored."""
    tomorrow = date.today() + timedelta(days=1)
    rows = [
        ["甲", "决策公开", "主动公开", None, "开发指导处", "2021-03-01", None, "门户网站", "www.gov.cn", None, None],
        ["乙", "决策公开", "主动公开", None, "开发指导处", "2021-03-01", None, "门户网站", None, "？？？", None],
        ["丙", "决策公开", "主动公开", None, "开发指导处", tomorrow.isoformat(), None, "门户网站", None, None, None],
        ["丁", "决策公开", "主动公开", None, "开发指导处", "2021-03-10", "2021-03-01", "门户网站", None, None, None],
    ]  # fmt: skip
    code, _, err = cli("import", "items", str(fill(items_template, tmp_path / "bad.xlsx", rows)))
    assert code == 1
    assert "第2行「链接」：「www.gov.cn」不是网址" in err
    assert "第3行「文号」：文号「？？？」不符合" in err
    assert f"第4行「形成日期」：形成日期（{tomorrow.isoformat()}）晚于今天" in err
    assert "第5行「公开日期」：公开日期不能早于形成日期" in err
    assert count(app_ctx, DisclosureItem) == 0
