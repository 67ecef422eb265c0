"""任务分解表 (xlsx) and 季度督查通报 (docx): re-opened and checked; LibreOffice converts both."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from support import convert_with_libreoffice

from gongkai_desktop.domain.plan import ReviewResult, TaskStatus
from gongkai_desktop.errors import PermissionDenied
from gongkai_desktop.importers.plan import parse_plan_file
from gongkai_desktop.progress import run_job
from gongkai_desktop.reports.plan_bulletin import bulletin_data, bulletin_job, write_bulletin
from gongkai_desktop.reports.plan_tasks import (
    BREAKDOWN_COLUMNS,
    export_tasks_job,
    write_task_breakdown,
)
from gongkai_desktop.services.plan import PlanService

SEED = Path(__file__).resolve().parents[2] / "resources" / "samples" / "plan-2021.txt"
DAY = date(2021, 7, 20)  # Q2 2021 was due on 7 July


@pytest.fixture
def plan(app_ctx, admin, liaison):  # type: ignore[no-untyped-def]
    """The seed imported for 2021; 开发指导处 reported Q2 of tasks 1 (合格), 2 (需整改, late)
    and 5 (not reviewed); every other Q2 report is missing."""
    PlanService(app_ctx.db, admin).import_plan(2021, parse_plan_file(SEED).tasks)
    mine = PlanService(app_ctx.db, liaison)
    reports = {}
    for no, day in ((1, date(2021, 7, 1)), (2, date(2021, 7, 12)), (5, date(2021, 7, 7))):
        a = mine.find_assignment(2021, no, "开发指导处")
        reports[no] = mine.save_report(
            a.id, 2, progress=f"第{no}项进展", status=TaskStatus.IN_PROGRESS, today=day
        )
    review = PlanService(app_ctx.db, admin)
    review.review_report(reports[1].id, ReviewResult.PASS, "")
    review.review_report(reports[2].id, ReviewResult.RECTIFY, "请补充督查整改公开链接")
    return PlanService(app_ctx.db, admin).overview(2021, DAY)


def _row(ws, task_no: int, division: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[1] == task_no and row[4] == division:
            return dict(zip(headers, row, strict=True))
    raise AssertionError(f"no row for task {task_no} / {division}")


def test_breakdown_has_one_row_per_task_and_division(plan, tmp_path):
    """Every task × division is a row with its role, each quarter's status and review."""
    target = tmp_path / "任务分解表.xlsx"
    rows = write_task_breakdown(plan, target)
    expected = sum(len(t.assignments) for t in plan.tasks)
    assert rows == expected
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["任务分解表", "任务清单", "说明"]
    ws = wb["任务分解表"]
    assert [c.value for c in ws[1]] == [c.header for c in BREAKDOWN_COLUMNS]
    assert ws.max_row == expected + 1 and ws.freeze_panes == "A2"
    first = _row(ws, 1, "开发指导处")
    assert (first["分工"], first["文件表述"], first["任务名称"]) == (
        "责任",
        "各业务处",
        "加大决策公开",
    )
    assert (first["一季度进展状态"], first["一季度督查结论"]) == ("逾期未报", None)
    assert (first["二季度进展状态"], first["二季度督查结论"]) == ("推进中", "合格")
    assert (first["三季度进展状态"], first["四季度进展状态"]) == ("待报送", "未到报送期")
    second = _row(ws, 2, "开发指导处")
    assert second["二季度进展状态"] == "推进中（逾期报送）"
    assert second["二季度督查结论"] == "需整改"
    assert second["督查意见"] == "二季度：请补充督查整改公开链接"
    assert _row(ws, 5, "开发指导处")["二季度督查结论"] == "待审核"
    lead = _row(ws, 2, "稽查处")
    assert lead["分工"] == "牵头" and lead["二季度进展状态"] == "逾期未报"
    status_col = [c.header for c in BREAKDOWN_COLUMNS].index("二季度进展状态") + 1
    row_no = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == 2
                  and ws.cell(r, 5).value == "开发指导处")  # fmt: skip
    assert ws.cell(row_no, status_col).fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(row_no, status_col + 1).fill.fgColor.rgb.endswith("FFE0B2")
    tasks = wb["任务清单"]
    assert tasks.max_row == 18
    assert tasks.cell(2, 4).value == "政法处" and tasks.cell(2, 5).value == "开发指导处、社会帮扶处"
    assert "重大行政决策" in tasks.cell(2, 6).value
    notes = {r[0]: r[1] for r in wb["说明"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert notes["第二季度报送截止"].date() == date(2021, 7, 7)


def test_export_job_uses_the_newest_year_by_default(app_ctx, plan, admin, tmp_path):
    """Without a year the export takes the newest imported year."""
    target = tmp_path / "t.xlsx"
    rows = run_job(export_tasks_job(app_ctx.db, admin, target, None))
    assert rows == sum(len(t.assignments) for t in plan.tasks)


def test_bulletin_lists_per_division_what_is_missing_late_or_to_rectify(plan, tmp_path):
    """The 通报 counts each division's quarter and names each problem task with the 意见."""
    data = bulletin_data(plan, 2, ["综合处", "政法处", "计财处", "人事处", "稽查处", "机关纪委",
                                   "开发指导处", "社会帮扶处"], unit="测试局")  # fmt: skip
    kf = next(d for d in data.divisions if d.division == "开发指导处")
    assert (kf.expected, kf.on_time, kf.late, kf.missing) == (7, 2, 1, 4)
    assert (kf.passed, kf.rectify, kf.pending_review) == (1, 1, 1)
    assert (
        kf.problems[0]
        == "第2项“加大执行公开”（责任）：逾期报送（2021年7月12日报送，截止日为2021年7月7日）；督查结论为需整改，督查意见：请补充督查整改公开链接。"
    )
    assert "第6项“加强政策解读和发布”（责任）：逾期未报送第二季度进展。" in kf.problems
    assert [d.division for d in data.divisions][:2] == ["综合处", "政法处"]
    target = write_bulletin(data, tmp_path / "通报.docx")
    document = docx.Document(str(target))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == "关于2021年第二季度政务公开\n工作要点落实情况的督查通报"
    assert "一、总体情况" in texts and "二、存在的问题" in texts and "三、工作要求" in texts
    assert "（七）开发指导处" in texts
    assert texts[-1] == "2021年7月20日" and texts[-2] == "综合处"
    summary = next(t for t in texts if t.startswith("2021年工作要点共17项任务"))
    assert "第二季度应报送任务进展" in summary and "逾期未报送" in summary
    (table,) = document.tables
    header = [c.text for c in table.rows[0].cells]
    assert header == ["序号", "处室", "应报送", "按时报送", "逾期报送", "未报送", "合格", "需整改"]
    kf_row = next(r for r in table.rows if r.cells[1].text == "开发指导处")
    assert [c.text for c in kf_row.cells[2:]] == ["7", "2", "1", "4", "1", "1"]
    total = [c.text for c in table.rows[-1].cells]
    assert total[0] == "合计" and total[2] == str(data.total("expected"))
    fonts = document.paragraphs[0].runs[0]._r.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体"


def test_bulletin_without_problems_says_so(app_ctx, admin, tmp_path):
    """A quarter where every report is on time and 合格 gets the 'no problems' sentence."""
    from gongkai_desktop.importers.plan import parse_plan_text

    tasks = parse_plan_text("一、工作\n1.做好培训。（牵头部门：综合处）\n").tasks
    service = PlanService(app_ctx.db, admin)
    service.import_plan(2021, tasks)
    a = service.find_assignment(2021, 1, "综合处")
    report = service.save_report(
        a.id, 1, progress="已培训", status=TaskStatus.DONE, today=date(2021, 3, 30)
    )
    service.review_report(report.id, ReviewResult.PASS)
    data = run_job(
        bulletin_job(app_ctx.db, admin, tmp_path / "b.docx", 2021, 1, today=date(2021, 4, 20))
    )
    assert data.divisions[0].problems == ()
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "b.docx")).paragraphs)
    assert "未发现需要通报的问题" in text and "测试局2021年政务公开工作要点" in text


def test_bulletin_job_is_refused_to_a_liaison(app_ctx, plan, liaison, tmp_path):
    """Only an admin writes the 通报; the refusal leaves no file."""
    with pytest.raises(PermissionDenied):
        run_job(bulletin_job(app_ctx.db, liaison, tmp_path / "b.docx", 2021, 2, today=DAY))
    assert not (tmp_path / "b.docx").exists()


@pytest.mark.slow
def test_libreoffice_converts_breakdown_and_bulletin(app_ctx, plan, admin, tmp_path):
    """LibreOffice opens both exports and converts them to PDF."""
    xlsx = tmp_path / "tasks.xlsx"
    write_task_breakdown(plan, xlsx)
    bulletin = tmp_path / "bulletin.docx"
    run_job(bulletin_job(app_ctx.db, admin, bulletin, 2021, 2, today=DAY))
    for source in (xlsx, bulletin):
        pdf = convert_with_libreoffice(source, tmp_path / "pdf")
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
