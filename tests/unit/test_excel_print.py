"""Every ledger, the 标准目录 and the templates print: A4 landscape fitted to the page width,
header rows repeated, 第 N 页 / 共 M 页 in the footer, wrapped cells tall enough for all lines."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from support import convert_with_libreoffice, pdf_text_lines

from gongkai_desktop.demo import DEMO_PASSWORD, demo_job
from gongkai_desktop.progress import run_job
from gongkai_desktop.reports.excel.styles import ROW_LINE_HEIGHT, wrapped_lines

LEDGERS = ("items", "documents", "requests", "cases", "tasks", "catalogue")
TEMPLATES = ("items", "documents", "requests", "cases")


@pytest.fixture
def demo(app_ctx):  # type: ignore[no-untyped-def]
    run_job(demo_job(app_ctx, None, 2025, 200))
    return app_ctx


def _export(run_cli, kind: str, out: Path) -> openpyxl.Workbook:  # type: ignore[no-untyped-def]
    args = ["--as", "admin", "export", kind, "-o", str(out)]
    if kind != "catalogue":
        args += ["--year", "2025"]
    code, _, stderr = run_cli(*args, password=DEMO_PASSWORD)
    assert code == 0, stderr
    return openpyxl.load_workbook(out)


def _assert_prints(ws, title_rows: str = "$1:$1", landscape: bool = True) -> None:  # type: ignore[no-untyped-def]
    assert ws.page_setup.orientation == ("landscape" if landscape else "portrait"), ws.title
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    if title_rows:
        assert ws.print_title_rows == title_rows
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text


@pytest.mark.parametrize("kind", LEDGERS)
def test_every_ledger_prints_a4_landscape_with_page_numbers(demo, run_cli, tmp_path, kind):  # type: ignore[no-untyped-def]
    """The exported ledger's sheet carries the page set-up."""
    wb = _export(run_cli, kind, tmp_path / f"{kind}.xlsx")
    _assert_prints(wb.worksheets[0], "$2:$3" if kind == "catalogue" else "$1:$1")


def test_wrapped_cells_get_the_height_of_their_lines(demo, run_cli, tmp_path):  # type: ignore[no-untyped-def]
    """In the 任务分解表 and the 标准目录 every wrapped cell fits the height of its row."""
    for kind, first in (("tasks", 2), ("catalogue", 4)):
        ws = _export(run_cli, kind, tmp_path / f"{kind}.xlsx").worksheets[0]
        tall = 0
        for row in ws.iter_rows(min_row=first):
            for cell in row:
                if cell.value is None or not cell.alignment.wrap_text:
                    continue
                width = ws.column_dimensions[cell.column_letter].width
                lines = wrapped_lines(str(cell.value), width)
                height = ws.row_dimensions[cell.row].height or ROW_LINE_HEIGHT
                assert height >= lines * ROW_LINE_HEIGHT, (kind, cell.coordinate, cell.value)
                tall += lines > 1
        assert tall, f"{kind}: the demo data should hold wrapped cells of several lines"


@pytest.mark.parametrize("kind", TEMPLATES)
def test_templates_print_and_say_how_to_fill_in(run_cli, tmp_path, kind):  # type: ignore[no-untyped-def]
    """Template: data sheet prints like a ledger; 填写说明 fits a portrait page with wrapped,
    merged lines; drop-down columns read 下拉选择; date columns carry a date validation."""
    out = tmp_path / f"{kind}.xlsx"
    assert run_cli("template", kind, "-o", str(out))[0] == 0
    wb = openpyxl.load_workbook(out)
    data, notes = wb.worksheets[0], wb["填写说明"]
    _assert_prints(data)
    _assert_prints(notes, title_rows="", landscape=False)
    merged = {str(r) for r in notes.merged_cells.ranges}
    assert "A3:D3" in merged
    assert notes.row_dimensions[3].height >= ROW_LINE_HEIGHT
    kinds = {
        row[0].value: row[2].value
        for row in notes.iter_rows(min_row=1)
        if row[0].value and row[2].value
    }
    validations = data.data_validations.dataValidation
    date_columns = {c for dv in validations if dv.type == "date" for c in str(dv.sqref).split(":")[0]}
    headers = [c.value for c in data[1]]
    for col, header in enumerate(headers, 1):
        letter = openpyxl.utils.get_column_letter(col)
        listed = any(dv.type == "list" and str(dv.sqref).startswith(letter + "2") for dv in validations)
        if listed:
            assert kinds[header] == "下拉选择", header
        if header.endswith("日期"):
            assert letter in date_columns, header


@pytest.mark.slow
def test_task_breakdown_printed_by_libreoffice_shows_every_comment(demo, run_cli, tmp_path):  # type: ignore[no-untyped-def]
    """Converted to PDF, the 任务分解表 shows each 督查意见 line, the second ones included."""
    ws = _export(run_cli, "tasks", tmp_path / "tasks.xlsx").worksheets[0]
    comments = [
        line
        for row in ws.iter_rows(min_row=2)
        if row[-1].value and "\n" in str(row[-1].value)
        for line in str(row[-1].value).split("\n")
    ]
    assert comments, "the demo data should hold a task with two 督查意见"
    pdf = convert_with_libreoffice(tmp_path / "tasks.xlsx", tmp_path / "pdf")
    text = "".join(line.replace(" ", "") for line in pdf_text_lines(pdf))
    for line in comments[:4]:
        assert line.replace(" ", "")[:8] in text, line
