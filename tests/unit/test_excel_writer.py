"""Excel writers: templates, normal sheets, streaming ledgers and report helpers, re-read with openpyxl."""

from __future__ import annotations

import datetime as dt
import enum
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from gongkai_desktop.errors import Cancelled, ValidationError
from gongkai_desktop.progress import CancelToken, Progress
from gongkai_desktop.reports.excel import (
    DATE_FORMAT,
    LISTS_SHEET,
    MONEY_FORMAT,
    Column,
    add_bar_chart,
    add_cell_rule,
    add_color_scale,
    autosize_columns,
    display_width,
    ledger,
    safe_sheet_title,
    style_header_row,
    write_ledger,
    write_ledger_job,
    write_sheet,
    write_template,
)

CATEGORIES = ("政策文件", "规划计划", "财政信息")
ATTRIBUTES = ("主动公开", "依申请公开", "不予公开")
COLUMNS = (
    Column("标题", 40, required=True),
    Column("类别", 12, choices=CATEGORIES, required=True),
    Column("公开属性", 12, choices=ATTRIBUTES),
    Column("公开日期", 12, "date", required=True),
    Column("延期工作日数", 10, "int"),
    Column("收费金额", 10, "money"),
    Column("备注", 20),
)
HEADERS = [c.header for c in COLUMNS]


def leftovers(folder: Path) -> list[str]:
    """Temporary files the atomic writer could have left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def validations_by_column(ws: object) -> dict[str, object]:
    found = {}
    for dv in ws.data_validations.dataValidation:  # type: ignore[attr-defined]
        for rng in dv.sqref.ranges:
            found[get_column_letter(rng.min_col)] = dv
    return found


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return write_template(
        tmp_path / "公开事项模板.xlsx", "公开事项", COLUMNS, ["每个事项填写一行。"], empty_rows=500
    )


def test_template_has_exact_headers_and_no_example_rows(template: Path) -> None:
    """The data sheet opens first, row 1 holds exactly the headers and every later row is empty."""
    wb = load_workbook(template)
    ws = wb.active
    assert ws.title == "公开事项"
    assert wb.sheetnames[0] == "公开事项"
    assert [c.value for c in ws[1]] == HEADERS
    assert all(v is None for row in ws.iter_rows(min_row=2, values_only=True) for v in row)
    assert not leftovers(template.parent)


def test_template_header_is_styled_frozen_and_filtered(template: Path) -> None:
    """Headers are bold, filled and bordered; row 1 is frozen; widths and auto-filter are set."""
    ws = load_workbook(template)["公开事项"]
    for cell in ws[1]:
        assert cell.font.b
        assert cell.fill.fill_type == "solid"
        assert cell.border.bottom.style == "thin"
    assert ws["A1"].fill.fgColor.rgb != ws["C1"].fill.fgColor.rgb  # required vs optional
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:G1"
    assert ws.column_dimensions["A"].width == 40
    assert ws.column_dimensions["D"].width == 12


def test_template_choice_columns_have_rejecting_dropdowns(template: Path) -> None:
    """Each closed list is a list validation with the values, a stop-style error and 500 rows."""
    found = validations_by_column(load_workbook(template)["公开事项"])
    cat, attr = found["B"], found["C"]
    assert cat.type == "list"
    assert cat.formula1 == '"政策文件,规划计划,财政信息"'
    assert attr.formula1 == '"主动公开,依申请公开,不予公开"'
    for dv in (cat, attr):
        assert dv.showErrorMessage is True
        assert dv.errorStyle == "stop"
        assert dv.errorTitle == "输入值无效"
        assert "只能从下拉列表中选择" in dv.error
        assert dv.allow_blank is True
    assert str(cat.sqref) == "B2:B501"
    assert "「类别」" in cat.error


def test_template_number_columns_reject_text_and_negatives(template: Path) -> None:
    """Whole-number and amount columns carry stop-style validations from 0 upwards; a date
    column warns on a value that is not a date (text dates stay importable)."""
    found = validations_by_column(load_workbook(template)["公开事项"])
    assert found["E"].type == "whole"
    assert found["F"].type == "decimal"
    for dv in (found["E"], found["F"]):
        assert dv.operator == "greaterThanOrEqual"
        assert dv.formula1 == "0"
        assert dv.showErrorMessage is True
    assert "A" not in found
    assert found["D"].type == "date" and found["D"].errorStyle == "warning"


def test_template_columns_are_formatted_by_kind(template: Path) -> None:
    """Empty rows carry yyyy-mm-dd in date columns, text format in text columns, money format."""
    ws = load_workbook(template)["公开事项"]
    for row in (2, 250, 501):
        assert ws.cell(row=row, column=4).number_format == DATE_FORMAT
        assert ws.cell(row=row, column=1).number_format == "@"
        assert ws.cell(row=row, column=6).number_format == MONEY_FORMAT
    assert ws.column_dimensions["D"].number_format == DATE_FORMAT


def test_template_has_instructions_sheet(template: Path) -> None:
    """Sheet 填写说明 holds the caller's lines, the standard rules and one row per column."""
    wb = load_workbook(template)
    assert "填写说明" in wb.sheetnames
    texts = [v for row in wb["填写说明"].iter_rows(values_only=True) for v in row if v]
    assert "1. 每个事项填写一行。" in texts
    assert any("2021年3月15日" in t for t in texts)
    assert any("必填项" in t for t in texts)
    for header in HEADERS:
        assert header in texts
    assert "可选：政策文件、规划计划、财政信息" in texts
    assert LISTS_SHEET not in wb.sheetnames  # short lists need no hidden sheet


def test_long_choice_list_goes_to_hidden_sheet(tmp_path: Path) -> None:
    """A list over 255 characters is stored on hidden sheet _lists and referenced by range."""
    long_list = tuple(f"第{i:02d}个很长的处室名称（内设机构）" for i in range(40))
    other = tuple(f"渠道{i}" for i in range(60))
    columns = (
        Column("承办处室", 20, choices=long_list),
        Column("配合处室", 20, choices=long_list),
        Column("公开渠道", 20, choices=other),
    )
    path = write_template(tmp_path / "t.xlsx", "依申请公开", columns, [], empty_rows=50)
    wb = load_workbook(path)
    lists = wb[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    assert wb.active.title == "依申请公开"
    found = validations_by_column(wb["依申请公开"])
    assert found["A"].formula1 == f"'{LISTS_SHEET}'!$A$1:$A$40"
    assert found["B"].formula1 == found["A"].formula1  # the same list is stored once
    assert found["C"].formula1 == f"'{LISTS_SHEET}'!$B$1:$B$60"
    stored = [[v for v in col if v is not None] for col in lists.iter_cols(values_only=True)]
    assert stored == [list(long_list), list(other)]
    assert found["A"].showErrorMessage is True and found["A"].errorStyle == "stop"


def test_choices_with_commas_go_to_hidden_sheet(tmp_path: Path) -> None:
    """A value containing a comma cannot sit in a literal list, so it is stored on _lists."""
    wb = Workbook()
    write_sheet(
        wb.active, [Column("结果", choices=("予以公开", "部分公开,部分不公开"))], empty_rows=5
    )
    dv = wb.active.data_validations.dataValidation[0]
    assert dv.formula1 == f"'{LISTS_SHEET}'!$A$1:$A$2"


def test_write_sheet_writes_values_with_formats(tmp_path: Path) -> None:
    """Data rows keep their values; dates, ints and amounts get their formats; filter spans data."""
    wb = Workbook()
    rows = [
        ("关于甲的通知", "政策文件", "主动公开", dt.date(2021, 3, 15), 3, Decimal("12.50"), None),
        ('=HYPERLINK("http://x")', "规划计划", None, dt.datetime(2021, 4, 1, 9, 30), 0, 0, "#N/A"),
    ]
    count = write_sheet(wb.active, COLUMNS, rows, empty_rows=10)
    assert count == 2
    path = tmp_path / "s.xlsx"
    wb.save(path)
    ws = load_workbook(path).active
    assert ws["A2"].value == "关于甲的通知"
    assert ws["D2"].value == dt.datetime(2021, 3, 15) and ws["D2"].number_format == DATE_FORMAT
    assert ws["D3"].number_format == DATE_FORMAT
    assert ws["E2"].value == 3 and ws["E2"].number_format == "0"
    assert ws["F2"].value == 12.5 and ws["F2"].number_format == MONEY_FORMAT
    assert ws["A3"].data_type == "s" and ws["A3"].value == "'=HYPERLINK(\"http://x\")"
    assert ws["G3"].data_type == "s" and ws["G3"].value == "#N/A"
    assert ws.auto_filter.ref == "A1:G3"
    assert str(validations_by_column(ws)["B"].sqref) == "B2:B13"
    assert ws["D13"].number_format == DATE_FORMAT


def test_write_sheet_without_validations() -> None:
    """Report sheets can opt out of drop-downs and number checks but keep their formats."""
    wb = Workbook()
    write_sheet(wb.active, COLUMNS, [], empty_rows=3, validations=False)
    assert not wb.active.data_validations.dataValidation
    assert wb.active["D4"].number_format == DATE_FORMAT


def test_write_sheet_rejects_wrong_row_length() -> None:
    """A row with the wrong number of values is a programming error, reported at once."""
    with pytest.raises(ValueError, match="7 columns"):
        write_sheet(Workbook().active, COLUMNS, [("只有一列",)])


def test_template_failure_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If saving fails midway, neither the target nor a temporary file remains."""

    from openpyxl.writer.excel import ExcelWriter

    def broken_write(self: ExcelWriter) -> None:
        self._archive.writestr("partial", b"PK partial")
        raise RuntimeError("disk gone")

    monkeypatch.setattr(ExcelWriter, "write_data", broken_write)
    target = tmp_path / "t.xlsx"
    with pytest.raises(RuntimeError):
        write_template(target, "公开事项", COLUMNS, [])
    assert not target.exists()
    assert not leftovers(tmp_path)


def ledger_rows(n: int) -> list[tuple[object, ...]]:
    return [
        (
            f"事项{i}",
            CATEGORIES[i % 3],
            ATTRIBUTES[i % 3],
            dt.date(2021, 1, 1) + dt.timedelta(days=i % 365),
            i,
            None,
            "" if i % 2 else "备注",
        )
        for i in range(n)
    ]


def test_ledger_content_and_layout(tmp_path: Path) -> None:
    """A streamed ledger re-opens with styled frozen header, widths, filter, values and dates."""
    path = tmp_path / "台账.xlsx"
    rows = ledger_rows(2500)
    assert write_ledger(path, "公开事项台账", COLUMNS, rows) == 2500
    wb = load_workbook(path)
    ws = wb.active
    assert ws.title == "公开事项台账"
    assert [c.value for c in ws[1]] == HEADERS
    assert all(c.font.b and c.fill.fill_type == "solid" for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:G2501"
    assert ws.column_dimensions["A"].width == 40
    assert ws.max_row == 2501
    for i in (0, 1, 1234, 2499):
        got = [c.value for c in ws[i + 2]]
        want = list(rows[i])
        want[3] = dt.datetime.combine(want[3], dt.time())  # openpyxl reads dates as datetimes
        want[6] = want[6] or None
        assert got == want
        assert ws.cell(row=i + 2, column=4).number_format == DATE_FORMAT
    assert not leftovers(tmp_path)


def test_ledger_job_reports_progress(tmp_path: Path) -> None:
    """The job yields Progress at the start, every N rows and before saving, with the total."""
    steps = list(
        write_ledger_job(tmp_path / "a.xlsx", "台账", COLUMNS, ledger_rows(2500), every=1000)
    )
    assert all(isinstance(s, Progress) for s in steps)
    assert [s.done for s in steps] == [0, 1000, 2000, 2500]
    assert {s.total for s in steps} == {2500}
    assert steps[-1].message == "正在保存文件"


def test_ledger_from_generator_has_unknown_total(tmp_path: Path) -> None:
    """Rows from a generator give total 0 (unknown) unless the caller passes one."""
    gen = (r for r in ledger_rows(30))
    steps = list(write_ledger_job(tmp_path / "a.xlsx", "台账", COLUMNS, gen, every=10))
    assert {s.total for s in steps} == {0}
    assert steps[-1].done == 30


def test_ledger_cancel_leaves_no_file(tmp_path: Path) -> None:
    """Cancelling mid-export raises Cancelled and leaves no file, temporary or final."""
    from openpyxl.worksheet import _writer

    before = set(_writer.ALL_TEMP_FILES)
    token = CancelToken()
    path = tmp_path / "台账.xlsx"
    job = write_ledger_job(path, "台账", COLUMNS, ledger_rows(5000), cancel=token, every=1000)
    assert next(job).done == 0
    assert next(job).done == 1000
    token.cancel()
    with pytest.raises(Cancelled):
        next(job)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []
    for name in set(_writer.ALL_TEMP_FILES) - before:
        assert not Path(name).exists()


def test_ledger_cancel_keeps_previous_file(tmp_path: Path) -> None:
    """A cancelled re-export leaves the earlier file under the target name untouched."""
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"earlier export")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        write_ledger(path, "台账", COLUMNS, ledger_rows(10), cancel=token)
    assert path.read_bytes() == b"earlier export"
    assert not leftovers(tmp_path)


def test_ledger_closed_early_leaves_no_file(tmp_path: Path) -> None:
    """Closing the job generator before it finishes writes nothing."""
    path = tmp_path / "台账.xlsx"
    job = write_ledger_job(path, "台账", COLUMNS, ledger_rows(3000), every=1000)
    next(job)
    next(job)
    job.close()
    assert list(tmp_path.iterdir()) == []


class Kind(str, enum.Enum):
    POLICY = "policy"

    def __str__(self) -> str:
        return "政策文件"


def test_ledger_writes_risky_text_as_text(tmp_path: Path) -> None:
    """Formula-like text stays text behind an apostrophe, control characters are dropped, enums
    show their label."""
    path = tmp_path / "a.xlsx"
    rows = [
        (
            "=cmd|' /C calc'!A0",
            Kind.POLICY,
            None,
            dt.datetime(2021, 5, 6, 14, 0),
            1,
            12.5,
            "a\x07b",
        ),
        ("#DIV/0!", "规划计划", None, None, None, Decimal("3"), "两行\n文字"),
    ]
    write_ledger(path, "台账", COLUMNS, rows)
    ws = load_workbook(path).active
    assert ws["A2"].data_type == "s" and ws["A2"].value == "'=cmd|' /C calc'!A0"
    assert ws["A3"].data_type == "s" and ws["A3"].value == "#DIV/0!"
    assert ws["B2"].value == "政策文件"
    assert ws["G2"].value == "ab"
    assert ws["G3"].value == "两行\n文字"
    assert ws["D2"].number_format == DATE_FORMAT
    assert ws["F2"].value == 12.5 and ws["F2"].number_format == MONEY_FORMAT
    assert ws["F3"].value == 3 and ws["F3"].number_format == MONEY_FORMAT


def test_ledger_rejects_wrong_row_length(tmp_path: Path) -> None:
    """A short row stops the export with ValueError and leaves no file."""
    with pytest.raises(ValueError, match="7 columns"):
        write_ledger(tmp_path / "a.xlsx", "台账", COLUMNS, [("太短",)])
    assert list(tmp_path.iterdir()) == []


def test_ledger_refuses_more_rows_than_a_sheet_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past Excel's row limit the export stops with a Chinese message and writes nothing."""
    monkeypatch.setattr(ledger, "MAX_DATA_ROWS", 5)
    with pytest.raises(ValidationError, match="上限（5 行）"):
        write_ledger(tmp_path / "a.xlsx", "台账", COLUMNS, ledger_rows(6))
    assert list(tmp_path.iterdir()) == []
    assert write_ledger(tmp_path / "a.xlsx", "台账", COLUMNS, ledger_rows(5)) == 5


def test_report_helpers(tmp_path: Path) -> None:
    """Header styling, autosize, colour scale, cell rule and bar chart survive a save and reload."""
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["排名", "处室", "总分"])
    for rank, (name, score) in enumerate([("办公室", 95.5), ("政策法规处", 82), ("财务处", 58)], 1):
        ws.append([rank, name, score])
    style_header_row(ws, 1, required={2})
    widths = autosize_columns(ws, min_width=6)
    add_color_scale(ws, "C2:C4")
    add_cell_rule(ws, "C2:C4", "lessThan", [60])
    chart = add_bar_chart(
        ws,
        anchor="E2",
        title="各处室总分",
        category_col=2,
        value_cols=[3],
        header_row=1,
        last_row=4,
    )
    assert chart.legend is None
    path = tmp_path / "r.xlsx"
    wb.save(path)

    assert widths["B"] == display_width("政策法规处") + 2 == 12
    back = load_workbook(path)["汇总"]
    assert back["A1"].font.b and back["B1"].fill.fgColor.rgb == "00FCE4D6"
    assert back.column_dimensions["B"].width == 12
    rules = [r for cf in back.conditional_formatting for r in cf.rules]
    assert {r.type for r in rules} == {"colorScale", "cellIs"}
    cell_is = next(r for r in rules if r.type == "cellIs")
    assert cell_is.operator == "lessThan" and cell_is.formula == ["60"]
    with zipfile.ZipFile(path) as zf:
        chart_xml = zf.read("xl/charts/chart1.xml").decode()
    assert "'汇总'!$C$2:$C$4" in chart_xml and "'汇总'!$B$2:$B$4" in chart_xml


def test_safe_sheet_title() -> None:
    """Sheet titles lose forbidden characters, fit 31 characters and stay unique."""
    assert safe_sheet_title("政策/法规[处]") == "政策_法规_处_"
    assert len(safe_sheet_title("处" * 40)) == 31
    assert safe_sheet_title("办公室", ["办公室"]) == "办公室(2)"
    assert safe_sheet_title("办公室", ["办公室", "办公室(2)"]) == "办公室(3)"
    long = safe_sheet_title("处" * 40, ["处" * 31])
    assert len(long) == 31 and long.endswith("(2)")
    assert safe_sheet_title("'") == "Sheet"


def test_column_rejects_bad_definitions() -> None:
    """Unknown kinds, empty or duplicate choices and untrimmed headers are refused."""
    with pytest.raises(ValueError):
        Column("日期", kind="datetime")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Column("类别", choices=())
    with pytest.raises(ValueError):
        Column("类别", choices=("甲", "甲"))
    with pytest.raises(ValueError):
        Column(" 类别")
    assert Column("类别", choices=["甲", "乙"]).choices == ("甲", "乙")  # type: ignore[arg-type]
