"""The import templates carry SPEC §16's first row exactly; a requests file may add the further
clock columns after 备注, and a column it leaves out keeps what an updated request records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from gongkai_desktop.demo import DEMO_PASSWORD, demo_job
from gongkai_desktop.errors import ValidationError
from gongkai_desktop.exchange import kinds
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.requests import RequestService
from tests.conftest import ADMIN_PASSWORD

# SPEC §16, copied word for word.
SPEC_HEADERS = {
    "items": ["标题", "类别", "公开属性", "不公开依据", "责任处室", "形成日期", "公开日期",
              "公开渠道", "链接", "文号", "备注"],
    "documents": ["文号", "标题", "制发处室", "成文日期", "公开日期", "状态", "状态变更日期",
                  "是否征求意见", "是否解读"],
    "requests": ["登记编号", "收到日期", "申请方式", "申请人类型", "申请人", "申请内容", "承办处室",
                 "补正告知日期", "补正收到日期", "征求意见工作日数", "延期工作日数", "答复日期",
                 "办理结果", "收费金额", "备注"],
    "cases": ["案件编号", "案件类型", "收到日期", "审结日期", "结果", "关联申请编号"],
}  # fmt: skip
OPTIONAL = ["补正期限", "征求意见发出日期", "征求意见答复日期", "延期审批人", "延期审批日期",
            "延迟答复原因", "延迟答复期限"]  # fmt: skip
SPEC = SPEC_HEADERS["requests"]


def first_row(path: Path) -> list[object]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]


@pytest.mark.parametrize("kind", sorted(SPEC_HEADERS))
def test_template_first_row_is_specs_exactly(admin, run_cli, tmp_path, kind: str) -> None:  # type: ignore[no-untyped-def]
    """`gongkai template KIND`: the first row is SPEC §16's list, nothing before, after or between."""
    path = tmp_path / f"{kind}.xlsx"
    code, _, err = run_cli("template", kind, "-o", str(path))
    assert code == 0, err
    assert first_row(path) == SPEC_HEADERS[kind]


def test_gui_template_writer_has_specs_headers_and_explains_the_added_columns(
    app_ctx, admin, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The writer the GUI calls: SPEC's 15 headers with date formats and drop-downs as before;
    the instructions name the 7 further columns exactly, with 条例第三十条's approval."""
    from gongkai_desktop.exchange import template_lists

    path = tmp_path / "r.xlsx"
    kinds()["requests"].write_template(path, template_lists(app_ctx.db))
    wb = openpyxl.load_workbook(path)
    data = wb.worksheets[0]
    assert [c.value for c in data[1]] == SPEC
    letter = {h: openpyxl.utils.get_column_letter(i) for i, h in enumerate(SPEC, 1)}
    assert data[f"{letter['答复日期']}2"].number_format == "yyyy-mm-dd"
    assert data[f"{letter['补正收到日期']}2"].number_format == "yyyy-mm-dd"
    validated = {str(dv.sqref)[0] for dv in data.data_validations.dataValidation}
    for header in ("申请方式", "申请人类型", "承办处室", "办理结果", "延期工作日数"):
        assert letter[header] in validated, header
    text = "\n".join(
        str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value is not None
    )
    for header in OPTIONAL:
        assert f"「{header}」" in text, header
    assert "条例第三十条" in text and "「备注」" in text and "保留系统中已登记" in text
    assert "请勿修改、删除、增加列" not in text  # adding the columns above is allowed
    rows = {r[0]: r for r in wb["填写说明"].iter_rows(values_only=True) if r[0]}
    assert all(rows[h][1] == "可加列" for h in OPTIONAL)
    assert rows["延期审批人"][3] and "负责人" in rows["延期审批人"][3]


def spec_file(path: Path, rows: list[dict[str, object]], headers: list[str] = SPEC) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for values in rows:
        base = {"申请方式": "网络", "申请人类型": "自然人", "申请人": "张三", "申请内容": "某文件",
                "承办处室": "开发指导处", **values}  # fmt: skip
        ws.append([base.get(h) for h in headers])
    wb.save(path)
    return path


def test_spec_layout_imports_through_the_command_line(app_ctx, admin, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A file with exactly SPEC's 15 headers imports; the columns it lacks are empty."""
    path = spec_file(
        tmp_path / "spec.xlsx",
        [
            {"登记编号": "S-1", "收到日期": date(2021, 3, 1)},
            {"登记编号": "S-2", "收到日期": "2021-03-01", "延期工作日数": 10,
             "答复日期": date(2021, 4, 9), "办理结果": "予以公开"},
        ],
    )  # fmt: skip
    code, out, err = run_cli(
        "--as", "admin", "import", "requests", str(path), password=ADMIN_PASSWORD
    )
    assert code == 0, err
    assert "新增 2" in out and "已忽略" not in out
    rows = {r.reg_no: r for r in RequestService(app_ctx.db, admin).list_requests()}
    assert rows["S-1"].data.correction_due_date is None
    assert rows["S-1"].data.extension_approved_by == ""
    # No approval recorded: the extension does not move the deadline (条例第三十条).
    assert rows["S-2"].deadline == date(2021, 3, 29)
    assert rows["S-2"].state.label == "逾期办结"


def stored_with_approval(app_ctx, admin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """U-1 with its 补正期限 and an approved extension, through the full layout."""
    path = spec_file(
        tmp_path / "full.xlsx",
        [{"登记编号": "U-1", "收到日期": date(2021, 3, 1), "补正告知日期": date(2021, 3, 3),
          "补正期限": date(2021, 3, 17), "补正收到日期": date(2021, 3, 10), "延期工作日数": 10,
          "延期审批人": "李处长", "延期审批日期": date(2021, 3, 30)}],
        [*SPEC, *OPTIONAL],
    )  # fmt: skip
    result = run_job(kinds()["requests"].import_job(app_ctx.db, admin, path, False, None))
    assert result.created == 1


def test_update_through_spec_layout_keeps_columns_it_lacks(app_ctx, admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The service's import of a 15-column update keeps 延期审批人, 延期审批日期 and 补正期限."""
    stored_with_approval(app_ctx, admin, tmp_path)
    update = spec_file(
        tmp_path / "update.xlsx",
        [{"登记编号": "U-1", "收到日期": date(2021, 3, 1), "申请人": "王五",
          "补正告知日期": date(2021, 3, 3), "补正收到日期": date(2021, 3, 10),
          "延期工作日数": 10}],
    )  # fmt: skip
    result = run_job(kinds()["requests"].import_job(app_ctx.db, admin, update, False, None))
    assert (result.created, result.updated) == (0, 1)
    [row] = RequestService(app_ctx.db, admin).list_requests()
    assert row.data.applicant == "王五"
    assert row.data.extension_approved_by == "李处长"
    assert row.data.extension_approved_on == date(2021, 3, 30)
    assert row.data.correction_due_date == date(2021, 3, 17)
    # 3月10日 + 20 working days = 4月8日 (清明 4月3–5日 off); the kept approval adds 10.
    assert row.deadline == date(2021, 4, 22)


def test_present_but_empty_added_column_clears(app_ctx, admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With the 延期审批人 and 延期审批日期 columns there but empty, the approval is cleared."""
    stored_with_approval(app_ctx, admin, tmp_path)
    update = spec_file(
        tmp_path / "clear.xlsx",
        [{"登记编号": "U-1", "收到日期": date(2021, 3, 1), "补正告知日期": date(2021, 3, 3),
          "补正收到日期": date(2021, 3, 10), "延期工作日数": 10}],
        [*SPEC, "延期审批人", "延期审批日期"],
    )  # fmt: skip
    run_job(kinds()["requests"].import_job(app_ctx.db, admin, update, False, None))
    [row] = RequestService(app_ctx.db, admin).list_requests()
    assert row.data.extension_approved_by == "" and row.data.extension_approved_on is None
    assert row.data.correction_due_date == date(2021, 3, 17)  # no column: kept


def test_update_that_contradicts_a_kept_value_is_refused(app_ctx, admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A 15-column update dropping the extension while the kept approval stays would leave an
    approval without days: the row is refused, saying why, and nothing changes."""
    stored_with_approval(app_ctx, admin, tmp_path)
    update = spec_file(
        tmp_path / "bad.xlsx",
        [{"登记编号": "U-1", "收到日期": date(2021, 3, 1), "补正告知日期": date(2021, 3, 3),
          "补正收到日期": date(2021, 3, 10)}],
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        run_job(kinds()["requests"].import_job(app_ctx.db, admin, update, False, None))
    problems = "\n".join(refused.value.problems)
    assert "第2行「延期工作日数」：填写了延期审批，却没有延期工作日数" in problems
    assert "系统中已登记" in problems
    [row] = RequestService(app_ctx.db, admin).list_requests()
    assert row.data.extension_days == 10


def test_added_column_named_twice_is_refused(admin, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = spec_file(
        tmp_path / "twice.xlsx",
        [{"登记编号": "T-1", "收到日期": date(2021, 3, 1)}],
        [*SPEC, "补正期限", "补正期限"],
    )
    code, _, err = run_cli(
        "--as", "admin", "import", "requests", str(path), password=ADMIN_PASSWORD
    )
    assert code == 1 and "列名重复：「补正期限」" in err


def test_missing_spec_column_is_refused_without_calling_added_columns_extra(
    admin, run_cli, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    path = spec_file(
        tmp_path / "short.xlsx",
        [{"登记编号": "T-1", "收到日期": date(2021, 3, 1)}],
        [h for h in SPEC if h != "备注"] + ["补正期限"],
    )
    code, _, err = run_cli(
        "--as", "admin", "import", "requests", str(path), password=ADMIN_PASSWORD
    )
    assert code == 1 and "缺少列：「备注」" in err
    assert "多出列" not in err and "补正期限" in err  # named among the columns one may add


def test_exported_ledger_has_all_columns_and_reimports_unchanged(app_ctx, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`export requests` writes SPEC's 15, the 7 added columns, then 答复期限 and 办理状态; the
    file imports back with no error and changes no request."""
    run_job(demo_job(app_ctx, None, 2025, 200))
    out = tmp_path / "requests.xlsx"
    args = ("--as", "admin")
    code, _, err = run_cli(*args, "export", "requests", "-o", str(out), password=DEMO_PASSWORD)
    assert code == 0, err
    assert first_row(out) == [*SPEC, *OPTIONAL, "答复期限", "办理状态"]
    from gongkai_desktop.services.auth import AuthService

    admin = AuthService(app_ctx.db).login("admin", DEMO_PASSWORD)
    before = {r.reg_no: r.data for r in RequestService(app_ctx.db, admin).list_requests()}
    assert any(d.extension_approved_by for d in before.values())
    code, stdout, err = run_cli(*args, "import", "requests", str(out), password=DEMO_PASSWORD)
    assert code == 0, err
    assert f"更新 {len(before)}" in stdout
    after = {r.reg_no: r.data for r in RequestService(app_ctx.db, admin).list_requests()}
    assert after == before
