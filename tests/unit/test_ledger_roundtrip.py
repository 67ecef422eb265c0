"""An exported ledger imports again: the template's columns are read by name and the columns an
export adds (公开期限, 状态, 答复期限…) are ignored with a note, not refused."""

from __future__ import annotations

import openpyxl
import pytest

from gongkai_desktop.demo import DEMO_PASSWORD, demo_job
from gongkai_desktop.importers.requests_xlsx import CASE_HEADERS
from gongkai_desktop.importers.xlsx_safety import column_positions, ignored_columns_note
from gongkai_desktop.progress import run_job

EXTRA = {
    "items": "「公开期限」、「状态」",
    "documents": "「层级」",
    "requests": "「答复期限」、「办理状态」",
    "cases": "「承办处室」",
}


@pytest.mark.parametrize("kind", sorted(EXTRA))
def test_exported_ledger_reimports_dry_run_without_errors(app_ctx, run_cli, tmp_path, kind):  # type: ignore[no-untyped-def]
    """``export KIND`` then ``import KIND --dry-run``: exit 0, every row importable, the extra
    columns named in a note."""
    run_job(demo_job(app_ctx, None, 2025, 200))
    out = tmp_path / f"{kind}.xlsx"
    code, stdout, stderr = run_cli(
        "--as", "admin", "export", kind, "-o", str(out), "--year", "2025", password=DEMO_PASSWORD
    )
    assert code == 0, stderr
    exported = int(stdout.split("行")[0].split()[-1])
    assert exported > 0
    code, stdout, stderr = run_cli(
        "--as", "admin", "import", kind, str(out), "--dry-run", password=DEMO_PASSWORD
    )
    assert code == 0, stderr
    assert f"可导入 {exported} 行" in stdout
    assert EXTRA[kind] in stdout and "已忽略" in stdout


def test_columns_found_by_name_only_when_each_is_there_once() -> None:
    """Extra columns map by name; a missing or repeated template column still refuses."""
    expected = ("案件编号", "案件类型", "收到日期")
    assert column_positions(expected, expected) == [0, 1, 2]
    assert column_positions(("案件编号", "承办处室", "案件类型", "收到日期"), expected) == [0, 2, 3]
    assert column_positions(("案件编号", "收到日期"), expected) is None
    assert column_positions(("案件编号", "案件类型", "案件类型", "收到日期"), expected) is None


def test_template_has_no_ignored_columns_note(app_ctx, admin, run_cli, tmp_path):  # type: ignore[no-untyped-def]
    """A file with exactly the template's columns gets no 已忽略 note; one more column does."""
    template = tmp_path / "t.xlsx"
    assert run_cli("template", "cases", "-o", str(template))[0] == 0
    assert ignored_columns_note(template, CASE_HEADERS) == ()
    wb = openpyxl.load_workbook(template)
    wb.active.cell(row=1, column=len(CASE_HEADERS) + 1, value="经办人")
    wb.save(template)
    (note,) = ignored_columns_note(template, CASE_HEADERS)
    assert "「经办人」" in note and "已忽略" in note
