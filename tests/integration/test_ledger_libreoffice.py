"""A template filled in and saved by LibreOffice Calc imports; our exports open in LibreOffice."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from support import convert_with_libreoffice

from gongkai_desktop.importers.ledger_xlsx import import_items_job
from gongkai_desktop.progress import run_job
from gongkai_desktop.reports.excel.ledger_items import export_items_job, write_items_template
from gongkai_desktop.services.ledger import ItemQuery, LedgerService

pytestmark = pytest.mark.slow



def convert(source: Path, target_dir: Path, fmt: str) -> Path:
    return convert_with_libreoffice(source, target_dir, fmt, timeout=180)


def test_libreoffice_saved_template_imports_and_export_opens(app_ctx, admin, tmp_path):
    """Dates typed as real dates survive a LibreOffice round trip; the export converts to PDF."""
    template = tmp_path / "template.xlsx"
    write_items_template(template)
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    rows = [
        ["关于印发2021年政务公开工作要点的通知", "决策公开", "主动公开", None, "开发指导处",
         datetime(2021, 3, 1), datetime(2021, 3, 10), "门户网站、政府公报", None, "赣乡振发〔2021〕1号", None],
        ["监测对象个人信息台账", "管理公开", "不予公开", "第十五条-个人隐私", "社会帮扶处",
         "2021年4月2日", None, None, None, None, None],
    ]  # fmt: skip
    for r, row in enumerate(rows, 2):
        for c, value in enumerate(row, 1):
            ws.cell(row=r, column=c, value=value)
    wb.save(tmp_path / "filled.xlsx")
    saved = convert(tmp_path / "filled.xlsx", tmp_path / "lo", "xlsx:Calc MS Excel 2007 XML")
    result = run_job(import_items_job(app_ctx.db, admin, saved))
    assert (result.rows, result.created) == (2, 2)
    by_title = {r.title: r for r in LedgerService(app_ctx.db, admin).list_items(ItemQuery())}
    assert by_title[rows[0][0]].published_on.isoformat() == "2021-03-10"
    export = tmp_path / "export.xlsx"
    assert run_job(export_items_job(app_ctx.db, admin, export, None, None)) == 2
    pdf = convert(export, tmp_path / "pdf", "pdf")
    assert pdf.stat().st_size > 1000
