"""Templates, imports and exports of the request and case ledgers, through ``gongkai``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from gongkai_desktop.domain.requests import OUTCOME_LABELS
from gongkai_desktop.services.requests import RequestService
from tests.conftest import ADMIN_PASSWORD, LIAISON_PASSWORD

# SPEC §16's template columns.
SPEC_REQUEST_HEADERS = [
    "登记编号",
    "收到日期",
    "申请方式",
    "申请人类型",
    "申请人",
    "申请内容",
    "承办处室",
    "补正告知日期",
    "补正收到日期",
    "征求意见工作日数",
    "延期工作日数",
    "答复日期",
    "办理结果",
    "收费金额",
    "备注",
]
# A file with every clock column, the further ones among SPEC's (as earlier exports wrote them).
REQUEST_HEADERS = [
    "登记编号",
    "收到日期",
    "申请方式",
    "申请人类型",
    "申请人",
    "申请内容",
    "承办处室",
    "补正告知日期",
    "补正期限",
    "补正收到日期",
    "征求意见发出日期",
    "征求意见答复日期",
    "征求意见工作日数",
    "延期工作日数",
    "延期审批人",
    "延期审批日期",
    "延迟答复原因",
    "延迟答复期限",
    "答复日期",
    "办理结果",
    "收费金额",
    "备注",
]
CASE_HEADERS = ["案件编号", "案件类型", "收到日期", "审结日期", "结果", "关联申请编号"]


def workbook(path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def request_row(reg_no: str, receipt: object, **kw: object) -> list[object]:
    values: dict[str, object] = {h: None for h in REQUEST_HEADERS}
    values.update(
        {
            "登记编号": reg_no,
            "收到日期": receipt,
            "申请方式": "网络",
            "申请人类型": "自然人",
            "申请人": "张三",
            "申请内容": "某文件",
            "承办处室": "开发指导处",
        }
    )
    values.update(kw)
    return [values[h] for h in REQUEST_HEADERS]


def test_templates_have_exact_headers_and_dropdowns(admin, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Both templates carry SPEC §16's headers exactly, the outcome and type lists as drop-downs."""
    req, cases = tmp_path / "r.xlsx", tmp_path / "c.xlsx"
    assert run_cli("template", "requests", "-o", str(req))[0] == 0
    assert run_cli("template", "cases", "-o", str(cases))[0] == 0
    ws = openpyxl.load_workbook(req).worksheets[0]
    assert [c.value for c in ws[1]] == SPEC_REQUEST_HEADERS
    assert ws.max_row >= 2 and all(c.value is None for c in ws[2])
    values = dropdown_values(req)
    assert set(OUTCOME_LABELS) <= values
    assert {"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"} <= values
    assert {"当面", "邮寄", "网络", "传真"} <= values
    ws = openpyxl.load_workbook(cases).worksheets[0]
    assert [c.value for c in ws[1]] == CASE_HEADERS
    assert {
        "行政复议",
        "行政诉讼（未经复议直接起诉）",
        "行政诉讼（复议后起诉）",
        "维持",
        "纠正",
    } <= dropdown_values(cases)


def dropdown_values(path: Path) -> set[str]:
    """Every value offered by the data sheet's list validations (inline or on a lists sheet)."""
    wb = openpyxl.load_workbook(path)
    values: set[str] = set()
    for dv in wb.worksheets[0].data_validations.dataValidation:
        if dv.type != "list":
            continue
        formula = dv.formula1 or ""
        if formula.startswith('"'):
            values.update(formula.strip('"').split(","))
        else:
            sheet, _, ref = formula.lstrip("=").rpartition("!")
            ws = wb[sheet.strip("'")]
            values.update(str(c.value) for row in ws[ref.replace("$", "")] for c in row if c.value)
    return values


def test_import_stores_all_rows_then_updates_by_number(app_ctx, admin, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A clean file is stored whole; importing it again with a change updates, never duplicates."""
    path = workbook(
        tmp_path / "in.xlsx",
        REQUEST_HEADERS,
        [
            request_row("A-1", date(2021, 2, 8)),
            request_row(
                "A-2",
                "2021年9月1日",
                补正告知日期="2021-09-03",
                补正收到日期=date(2021, 9, 24),
                征求意见工作日数=5,
                延期工作日数=10,
                延期审批人="王主任",
                延期审批日期="2021-10-20",
                答复日期=date(2021, 11, 10),
                办理结果="部分公开",
                收费金额=12.5,
            ),
        ],
    )
    code, out, err = run_cli(
        "--as", "admin", "import", "requests", str(path), password=ADMIN_PASSWORD
    )
    assert code == 0, err
    assert "新增 2" in out
    rows = {r.reg_no: r for r in RequestService(app_ctx.db, admin).list_requests()}
    assert rows["A-2"].deadline == date(2021, 11, 17)
    assert rows["A-2"].data.fee_cents == 1250
    assert rows["A-2"].data.correction_notice_date == date(2021, 9, 3)
    workbook(path, REQUEST_HEADERS, [request_row("A-1", date(2021, 2, 8), 申请人="王五")])
    code, out, _ = run_cli(
        "--as", "admin", "import", "requests", str(path), password=ADMIN_PASSWORD
    )
    assert code == 0 and "更新 1" in out
    rows = {r.reg_no: r for r in RequestService(app_ctx.db, admin).list_requests()}
    assert len(rows) == 2 and rows["A-1"].data.applicant == "王五"


def test_import_that_cannot_balance_is_refused_naming_each_row(
    app_ctx, admin, run_cli, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Answer before receipt, 补正 order, extension > 20, outcome off the list: all rows named, none stored."""
    path = workbook(
        tmp_path / "bad.xlsx",
        REQUEST_HEADERS,
        [
            request_row("OK-1", date(2021, 3, 1)),
            request_row("B-1", date(2021, 3, 1), 答复日期=date(2021, 2, 25), 办理结果="予以公开"),
            request_row(
                "B-2",
                date(2021, 3, 1),
                补正告知日期=date(2021, 3, 5),
                补正收到日期=date(2021, 3, 4),
            ),
            request_row("B-3", date(2021, 3, 1), 延期工作日数=25),
            request_row("B-4", date(2021, 3, 1), 答复日期=date(2021, 3, 9), 办理结果="同意公开"),
            request_row("B-5", date(2021, 3, 1), 承办处室="不存在处"),
            request_row("OK-1", date(2021, 3, 2)),
        ],
    )
    code, _, err = run_cli(
        "--as", "admin", "import", "requests", str(path), password=ADMIN_PASSWORD
    )
    assert code == 1
    assert "第3行「答复日期」：答复日期早于收到日期" in err
    assert "第4行「补正收到日期」：补正收到日期早于补正告知日期" in err
    assert "第5行「延期工作日数」" in err
    assert "第6行「办理结果」" in err and "同意公开" in err
    assert "第7行「承办处室」" in err
    assert "第8行「登记编号」：与第2行重复" in err
    assert RequestService(app_ctx.db, admin).list_requests() == []


def test_liaison_import_of_other_division_is_refused(app_ctx, liaison, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A liaison's file with a row of another division is refused whole, naming that row."""
    path = workbook(
        tmp_path / "l.xlsx",
        REQUEST_HEADERS,
        [
            request_row("L-1", date(2021, 3, 1)),
            request_row("L-2", date(2021, 3, 1), 承办处室="社会帮扶处"),
        ],
    )
    code, _, err = run_cli(
        "--as", "lly_kf", "import", "requests", str(path), password=LIAISON_PASSWORD
    )
    assert code == 1 and "第3行「承办处室」" in err
    assert RequestService(app_ctx.db, liaison).list_requests() == []


def test_dry_run_stores_nothing(app_ctx, admin, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """--dry-run checks the file and reports what it would do without storing."""
    path = workbook(tmp_path / "d.xlsx", REQUEST_HEADERS, [request_row("D-1", date(2021, 3, 1))])
    code, out, _ = run_cli(
        "--as", "admin", "import", "requests", str(path), "--dry-run", password=ADMIN_PASSWORD
    )
    assert code == 0 and "试运行" in out
    assert RequestService(app_ctx.db, admin).list_requests() == []


def test_wrong_headers_are_refused(admin, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A file whose first row is not the template's is refused."""
    path = workbook(tmp_path / "h.xlsx", ["编号", "日期"], [["X", date(2021, 3, 1)]])
    code, _, err = run_cli(
        "--as", "admin", "import", "requests", str(path), password=ADMIN_PASSWORD
    )
    assert code == 1 and "表头" in err


def test_cases_import_links_requests_and_refuses_unknown(app_ctx, admin, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Cases name their request by 登记编号; an unknown number or a result without date is refused."""
    workbook(
        tmp_path / "r.xlsx",
        REQUEST_HEADERS,
        [
            request_row(
                "R-1",
                date(2021, 3, 1),
                答复日期=date(2021, 3, 20),
                办理结果="不予公开-属于国家秘密",
            )
        ],
    )
    assert (
        run_cli(
            "--as", "admin", "import", "requests", str(tmp_path / "r.xlsx"), password=ADMIN_PASSWORD
        )[0]
        == 0
    )
    bad = workbook(
        tmp_path / "cb.xlsx",
        CASE_HEADERS,
        [
            ["C-1", "行政复议", date(2021, 4, 1), None, None, "R-9"],
            ["C-2", "行政诉讼（复议后起诉）", date(2021, 4, 1), None, "维持", "R-1"],
            ["C-3", "行政诉讼", date(2021, 4, 1), None, None, ""],
        ],
    )
    code, _, err = run_cli("--as", "admin", "import", "cases", str(bad), password=ADMIN_PASSWORD)
    assert code == 1
    assert (
        "第2行「关联申请编号」" in err and "第3行「审结日期」" in err and "第4行「案件类型」" in err
    )
    good = workbook(
        tmp_path / "cg.xlsx",
        CASE_HEADERS,
        [["C-1", "行政复议", date(2021, 4, 1), date(2021, 6, 1), "纠正", "R-1"]],
    )
    code, _, err = run_cli("--as", "admin", "import", "cases", str(good), password=ADMIN_PASSWORD)
    assert code == 0, err
    [case] = RequestService(app_ctx.db, admin).list_cases()
    assert case.request_reg_no == "R-1" and case.division_name == "开发指导处"


def test_export_has_computed_deadline_and_state(app_ctx, admin, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`export requests --year` writes the template columns, the further clock columns, then
    答复期限 and 办理状态."""
    path = workbook(
        tmp_path / "in.xlsx",
        REQUEST_HEADERS,
        [
            request_row("E-1", date(2021, 9, 24), 答复日期=date(2021, 10, 28), 办理结果="予以公开"),
            request_row("E-2", date(2021, 2, 8), 答复日期=date(2021, 3, 1), 办理结果="部分公开"),
            request_row("E-0", date(2019, 2, 8), 答复日期=date(2019, 3, 1), 办理结果="部分公开"),
        ],
    )
    assert (
        run_cli("--as", "admin", "import", "requests", str(path), password=ADMIN_PASSWORD)[0] == 0
    )
    out = tmp_path / "out.xlsx"
    code, _, err = run_cli(
        "--as",
        "admin",
        "export",
        "requests",
        "-o",
        str(out),
        "--year",
        "2021",
        password=ADMIN_PASSWORD,
    )
    assert code == 0, err
    ws = openpyxl.load_workbook(out).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    further = [h for h in REQUEST_HEADERS if h not in SPEC_REQUEST_HEADERS]
    assert list(rows[0]) == [*SPEC_REQUEST_HEADERS, *further, "答复期限", "办理状态"]
    body = {r[0]: r for r in rows[1:]}
    assert set(body) == {"E-1", "E-2"}
    n = len(REQUEST_HEADERS)
    assert body["E-1"][n].date() == date(2021, 10, 27) and body["E-1"][n + 1] == "逾期办结"
    assert body["E-2"][n].date() == date(2021, 3, 12) and body["E-2"][n + 1] == "按期办结"
    assert body["E-1"][2] == "网络" and body["E-1"][6] == "开发指导处"


@pytest.mark.parametrize("kind", ["requests", "cases"])
def test_leader_cannot_import(app_ctx, admin, make_user, run_cli, tmp_path, kind: str) -> None:  # type: ignore[no-untyped-def]
    """A leader's import is refused before the file is read."""
    from gongkai_desktop.domain.labels import Role

    make_user("boss", "综合处", Role.LEADER)
    path = workbook(tmp_path / "x.xlsx", REQUEST_HEADERS, [request_row("X", date(2021, 3, 1))])
    code, _, err = run_cli("--as", "boss", "import", kind, str(path), password=LIAISON_PASSWORD)
    assert code == 1 and "领导" in err


def test_import_without_extension_approval_does_not_move_the_deadline(
    app_ctx, admin, run_cli, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """An imported extension moves the deadline only with 延期审批人 and 延期审批日期 in time;
    the annual report's on-time rate follows (50%, not 75%)."""
    from gongkai_desktop.services.annual_report import AnnualReportService

    approved = dict(延期工作日数=10, 延期审批人="李处长", 延期审批日期=date(2021, 3, 20))
    # 2021-03-01 + 20 working days = 2021-03-29; + 10 approved (清明 4月3日至5日 off) = 2021-04-13.
    path = workbook(
        tmp_path / "e.xlsx",
        REQUEST_HEADERS,
        [
            request_row("E-1", date(2021, 3, 1), 答复日期=date(2021, 4, 9), 办理结果="予以公开",
                        **approved),
            request_row("E-2", date(2021, 3, 1), 答复日期=date(2021, 4, 9), 办理结果="予以公开",
                        延期工作日数=10),
            request_row("E-3", date(2021, 3, 1), 答复日期=date(2021, 4, 9), 办理结果="予以公开",
                        **{**approved, "延期审批日期": date(2021, 3, 30)}),
            request_row("E-4", date(2021, 3, 1), 答复日期=date(2021, 3, 20), 办理结果="予以公开"),
        ],
    )
    code, out, err = run_cli(
        "--as", "admin", "import", "requests", str(path), password=ADMIN_PASSWORD
    )
    assert code == 0, err
    rows = {r.reg_no: r for r in RequestService(app_ctx.db, admin).list_requests()}
    assert rows["E-1"].deadline == date(2021, 4, 13) and rows["E-1"].state.label == "按期办结"
    assert rows["E-2"].deadline == date(2021, 3, 29) and rows["E-2"].state.label == "逾期办结"
    assert "延期未登记审批，按原期限计算" in rows["E-2"].status.flags
    assert rows["E-3"].deadline == date(2021, 3, 29) and rows["E-3"].state.label == "逾期办结"
    assert any("晚于原答复期限" in f for f in rows["E-3"].status.flags)
    stats = AnnualReportService(app_ctx.db, admin).report(2021).stats
    assert (stats.answered, stats.answered_on_time) == (4, 2)


def test_template_fields_match_the_template_columns() -> None:
    """Every column of the requests template maps to exactly one field an import replaces."""
    from gongkai_desktop.importers.requests_xlsx import TEMPLATE_FIELDS

    assert len(TEMPLATE_FIELDS) == len(set(TEMPLATE_FIELDS)) == len(REQUEST_HEADERS)


def test_import_refuses_answer_after_correction_notice_without_corrected_date(
    app_ctx, admin, run_cli, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """A row answered after a 补正 notice with no 补正收到日期 is refused (row and column named)
    unless its outcome is 逾期不补正."""
    from gongkai_desktop.domain.requests import OUTCOME_NO_CORRECTION

    noticed = dict(补正告知日期=date(2021, 3, 3), 补正期限=date(2021, 3, 17), 答复日期=date(2021, 4, 1))
    path = workbook(
        tmp_path / "c.xlsx",
        REQUEST_HEADERS,
        [
            request_row("C-1", date(2021, 3, 1), 办理结果=OUTCOME_NO_CORRECTION, **noticed),
            request_row("C-2", date(2021, 3, 1), 办理结果="予以公开", **noticed),
        ],
    )
    code, _, err = run_cli(
        "--as", "admin", "import", "requests", str(path), password=ADMIN_PASSWORD
    )
    assert code == 1
    assert "第3行「补正收到日期」" in err and "第2行" not in err
    assert RequestService(app_ctx.db, admin).list_requests() == []
