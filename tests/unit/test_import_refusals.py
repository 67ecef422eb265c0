"""Imports that must not silently change data: out-of-range numbers and over-long text are row
errors, a record edited by someone else since the file was created is a conflict row, refused
imports are audited, and exported formula-like text survives a CSV round trip as text."""

from __future__ import annotations

import csv
import time
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from support import ADMIN_PASSWORD, LIAISON_PASSWORD

from gongkai_desktop.db.models import AuditEntry
from gongkai_desktop.db.request_models import DisclosureRequest
from gongkai_desktop.importers.xlsx_safety import parse_int_cell, parse_money_cell
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.requests import RequestService
from tests.unit.test_requests_exchange import REQUEST_HEADERS, request_row, workbook


def _requests(app_ctx) -> int:  # type: ignore[no-untyped-def]
    with app_ctx.db.read() as s:
        return int(s.scalar(select(func.count(DisclosureRequest.id))) or 0)


def _import(run_cli, path: Path, user: str = "admin", password: str = ADMIN_PASSWORD):  # type: ignore[no-untyped-def]
    return run_cli("--as", user, "import", "requests", str(path), password=password)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("收费金额", 1e30, "金额不能超过"),
        ("收费金额", "9" * 5000, "应为金额"),
        ("征求意见工作日数", 10**12, "不能大于 250"),
        ("征求意见工作日数", 1_000_000, "不能大于 250"),
        ("征求意见工作日数", "1" * 5000, "数值过大"),
        ("延期工作日数", 1e300, "不能大于 20"),
        ("申请人", "张" * 201, "不能超过 200 个字符"),
        ("申请内容", "文" * 32_768, "不能超过 32767 个字符"),
    ],
)
def test_out_of_range_cells_are_row_errors(app_ctx, admin, run_cli, tmp_path, column, value, reason):  # type: ignore[no-untyped-def]
    """A number out of its column's range or a text longer than its column is a row error in
    Chinese with exit 1 (never a traceback), and nothing is stored."""
    long_text = isinstance(value, str) and len(value) > 32_767
    path = workbook(
        tmp_path / "r.xlsx",
        REQUEST_HEADERS,
        [
            request_row("A-1", "2025-03-03"),
            request_row("A-2", "2025-03-03", **{column: "PLACEHOLDER" if long_text else value}),
        ],
    )
    if long_text:  # openpyxl itself cuts text at 32 767 characters; Excel files need not
        _replace_shared_string(path, "PLACEHOLDER", str(value))
    code, _, err = _import(run_cli, path)
    assert code == 1 and f"第3行「{column}」" in err and reason in err, err
    assert "Traceback" not in err and _requests(app_ctx) == 0


def _fill_row(wb: openpyxl.Workbook, values: list[object]) -> None:
    """Type one row into a template's first data row, as a user does in Excel."""
    for column, value in enumerate(values, 1):
        wb.worksheets[0].cell(row=2, column=column, value=value)


def _replace_shared_string(path: Path, old: str, new: str) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    for name in members:
        if name.endswith(".xml"):
            members[name] = members[name].replace(old.encode(), new.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_cell_parsers_bound_every_number() -> None:
    """The shared parsers refuse values that would overflow the clock or the database."""
    for value in (10**40, 1e30, "1" * 30, float("inf")):
        with pytest.raises(ValueError):
            parse_int_cell(value)
    for value in (1e30, 10**40, "1E+30", "9" * 100):
        with pytest.raises(ValueError):
            parse_money_cell(value)
    assert parse_int_cell("1,200") == 1200 and str(parse_money_cell("¥30")) == "30.00"


def test_import_over_a_newer_edit_is_a_conflict_row(app_ctx, admin, make_user, run_cli, tmp_path):  # type: ignore[no-untyped-def]
    """A row changing a request that another user edited after the file was created is refused
    as a conflict (not 更新 1) and the other user's edit stays; the importer's own earlier
    import may be corrected and imported again."""
    make_user("lly_kf", "开发指导处")
    template = tmp_path / "template.xlsx"
    assert run_cli("template", "requests", "-o", str(template))[0] == 0
    wb = openpyxl.load_workbook(template)
    _fill_row(wb, request_row("A-1", "2025-03-03", 申请内容="原内容"))
    wb.save(tmp_path / "first.xlsx")
    code, out, err = _import(run_cli, tmp_path / "first.xlsx")
    assert code == 0 and "新增 1" in out, err
    # The importer corrects their own row and imports again: theirs to overwrite.
    wb.worksheets[0]["F2"] = "改正的内容"
    wb.save(tmp_path / "again.xlsx")
    code, out, err = _import(run_cli, tmp_path / "again.xlsx")
    assert code == 0 and "更新 1" in out, err
    # Another user edits the request after the file was made …
    time.sleep(1.1)
    liaison = RequestService(app_ctx.db, make_user("lly_kf2", "开发指导处"))
    row = liaison.list_requests()[0]
    liaison.update_request(row.id, replace(row.data, content="联络员的修改"), row.version)
    # … and the same file, edited once more, would overwrite that edit.
    wb.worksheets[0]["F2"] = "旧文件里的内容"
    wb.save(tmp_path / "stale.xlsx")
    code, out, err = _import(run_cli, tmp_path / "stale.xlsx")
    assert code == 1 and "第2行「登记编号」：冲突" in err and "其他用户修改" in err, err
    assert "更新 1" not in out
    assert RequestService(app_ctx.db, admin).list_requests()[0].data.content == "联络员的修改"
    # A fresh template filled with the current state imports again.
    fresh = tmp_path / "fresh.xlsx"
    assert run_cli("template", "requests", "-o", str(fresh))[0] == 0
    wb = openpyxl.load_workbook(fresh)
    _fill_row(wb, request_row("A-1", "2025-03-03", 申请内容="重新填写"))
    wb.save(fresh)
    code, out, err = _import(run_cli, fresh)
    assert code == 0 and "更新 1" in out, err


def test_liaison_cases_import_of_another_division_is_audited(app_ctx, admin, liaison, run_cli, tmp_path):  # type: ignore[no-untyped-def]
    """A liaison's cases file naming another division's request is refused and audited."""
    path = workbook(
        tmp_path / "r.xlsx", REQUEST_HEADERS, [request_row("B-1", "2025-03-03", 承办处室="社会帮扶处")]
    )
    assert _import(run_cli, path)[0] == 0
    cases = workbook(
        tmp_path / "c.xlsx",
        ["案件编号", "案件类型", "收到日期", "审结日期", "结果", "关联申请编号"],
        [["F-1", "行政复议", "2025-04-01", None, None, "B-1"]],
    )
    code, _, err = run_cli(
        "--as", "lly_kf", "import", "cases", str(cases), password=LIAISON_PASSWORD
    )
    assert code == 1 and "联络员只能导入本处室" in err
    with app_ctx.db.read() as s:
        outcomes = s.scalars(
            select(AuditEntry.outcome).where(AuditEntry.action == "case.import")
        ).all()
    assert outcomes == ["denied"]


def test_documents_import_over_another_divisions_number_is_audited(app_ctx, admin, liaison, run_cli, tmp_path):  # type: ignore[no-untyped-def]
    """A liaison's documents file using a 文号 another division registered is refused, audited."""
    from gongkai_desktop.reports.excel.ledger_documents import DOCUMENT_HEADERS

    row = ["赣乡振规〔2021〕1号", "办法", "社会帮扶处", "2021-01-05", None, "现行有效", None, "否", "否"]
    path = workbook(tmp_path / "d.xlsx", list(DOCUMENT_HEADERS), [row])
    assert run_cli("--as", "admin", "import", "documents", str(path), password=ADMIN_PASSWORD)[0] == 0
    mine = workbook(tmp_path / "m.xlsx", list(DOCUMENT_HEADERS), [[row[0], "改", "开发指导处", *row[3:]]])
    code, _, err = run_cli("--as", "lly_kf", "import", "documents", str(mine), password=LIAISON_PASSWORD)
    assert code == 1 and "该文号已由其他处室登记" in err
    with app_ctx.db.read() as s:
        denied = s.scalars(
            select(AuditEntry.detail).where(
                AuditEntry.action == "document.import", AuditEntry.outcome == "denied"
            )
        ).all()
    assert len(denied) == 1 and row[0] in denied[0]


def test_exported_formula_text_stays_text_through_csv(app_ctx, admin, run_cli, tmp_path):  # type: ignore[no-untyped-def]
    """Text starting with = + - @ is exported behind an apostrophe, so re-saving the export as
    CSV cannot make it a formula; importing such a cell gives the text back unchanged."""
    risky = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)"]
    rows = [request_row(f"X-{i}", "2025-03-03", 申请人=t) for i, t in enumerate(risky)]
    source = openpyxl.Workbook()
    source.active.append(REQUEST_HEADERS)
    for row in rows:
        source.active.append(row)
    for cell in source.active["E"]:
        cell.data_type = "s"  # typed as text in Excel (a leading apostrophe there)
    source.save(tmp_path / "r.xlsx")
    assert _import(run_cli, tmp_path / "r.xlsx")[0] == 0
    stored = sorted(r.data.applicant for r in RequestService(app_ctx.db, admin).list_requests())
    assert stored == sorted(risky)
    export = tmp_path / "export.xlsx"
    assert run_cli("--as", "admin", "export", "requests", "-o", str(export), password=ADMIN_PASSWORD)[0] == 0
    ws = openpyxl.load_workbook(export).worksheets[0]
    column = [c.value for c in ws["E"]][1:]
    assert sorted(column) == sorted("'" + t for t in risky)
    target = tmp_path / "export.csv"
    with target.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([[c.value for c in row] for row in ws.iter_rows()])
    with target.open(encoding="utf-8") as fh:
        cells = [row[4] for row in csv.reader(fh)][1:]
    assert all(cell[0] not in "=+-@" for cell in cells)
    back = openpyxl.Workbook()
    back.active.append(REQUEST_HEADERS)
    for i, text in enumerate(column):
        back.active.append(request_row(f"X-{i}", "2025-03-03", 申请人=text))
    back.save(tmp_path / "back.xlsx")
    assert _import(run_cli, tmp_path / "back.xlsx")[0] == 0
    again = sorted(r.data.applicant for r in RequestService(app_ctx.db, admin).list_requests())
    assert again == sorted(risky)


def test_admin_division_lookup_is_still_available(app_ctx, admin) -> None:
    """The divisions the rows name exist (guards the fixtures the tests above rely on)."""
    assert AdminService(app_ctx.db, admin).division_by_name("社会帮扶处").id > 0
    assert date(2025, 3, 3).year == 2025
