"""The evaluation workbook converts in LibreOffice: every sheet prints, 汇总 on its first page
with the ranked divisions and the chart's title."""

from __future__ import annotations

import subprocess

import evaluation_data as data
import pytest
from test_ledger_libreoffice import convert

from gongkai_desktop.progress import run_job
from gongkai_desktop.reports.excel.evaluation import evaluation_workbook_job
from gongkai_desktop.services.evaluation import EvaluationService

pytestmark = pytest.mark.slow


def test_workbook_converts_to_pdf_with_the_summary_first(app_ctx, admin, tmp_path):
    """LibreOffice turns the workbook into a PDF whose first page is 汇总: the title, the
    divisions in rank order and the chart of totals."""
    data.build(app_ctx.db, admin)
    service = EvaluationService(app_ctx.db, admin)
    result = service.evaluate(data.ANNUAL, data.AS_OF)
    xlsx = run_job(evaluation_workbook_job(service, result, tmp_path / "评议.xlsx"))
    pdf = convert(xlsx, tmp_path / "pdf", "pdf")
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "2025年度政务公开考核评议结果汇总" in first and "各处室总分" in first
    order = [first.index(name) for name in ("综合处", "社会帮扶处", "开发指导处", "机关纪委")]
    assert order == sorted(order)
    pages = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert (
        int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
        >= 11
    )
