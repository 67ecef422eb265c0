"""任务分解表 (Excel): one row per task × assigned division, with each quarter's status and review.

Sheets:
- 任务分解表: 序号, 任务编号, 所属部分, 任务名称, 处室, 分工, 文件表述, then per quarter 进展状态 and
  督查结论, and the 督查意见 of all quarters. A quarter without a report shows where it stands
  (待报送 / 逾期未报 / 未到报送期); a late report says 逾期报送. Problem cells are coloured.
- 任务清单: one row per task with its lead and responsible divisions and its full text.
- 说明: the year, the day the states refer to and each quarter's due date.

``write_task_breakdown`` writes a ``PlanOverview`` (the service's read model) and knows nothing of
the database; ``export_tasks_job`` is the ``gongkai export tasks`` job.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from .. import APP_NAME
from ..db.engine import Database
from ..domain.permissions import Actor
from ..domain.plan import QUARTER_LABELS, QUARTER_SHORT, QUARTERS, ReportState, ReviewResult
from ..errors import ValidationError
from ..exchange import LedgerKind, register
from ..progress import CancelToken, Progress
from ..services.plan import AssignmentInfo, PlanOverview, PlanService
from .excel import Column, set_column_widths, style_header_row, write_sheet
from .excel.saving import save_workbook
from .excel.styles import fit_row_heights

log = logging.getLogger(__name__)

SHEET_BREAKDOWN = "任务分解表"
SHEET_TASKS = "任务清单"
SHEET_NOTES = "说明"

BREAKDOWN_COLUMNS: tuple[Column, ...] = (
    Column("序号", 6, "int"),
    Column("任务编号", 8, "int"),
    Column("所属部分", 16),
    Column("任务名称", 30),
    Column("处室", 14),
    Column("分工", 8),
    Column("文件表述", 14),
    *(
        column
        for q in QUARTERS
        for column in (
            Column(f"{QUARTER_SHORT[q]}进展状态", 13),
            Column(f"{QUARTER_SHORT[q]}督查结论", 11),
        )
    ),
    Column("督查意见", 40),
)
TASK_COLUMNS: tuple[Column, ...] = (
    Column("任务编号", 8, "int"),
    Column("所属部分", 16),
    Column("任务名称", 30),
    Column("牵头处室", 18),
    Column("责任处室", 30),
    Column("任务内容", 80),
)

_RED = PatternFill("solid", fgColor="FFC7CE")
_ORANGE = PatternFill("solid", fgColor="FFE0B2")
_GREEN = PatternFill("solid", fgColor="C6EFCE")
_WRAP = Alignment(wrap_text=True, vertical="top")
_FIRST_QUARTER_COLUMN = 8  # 1-based column of 一季度进展状态


def status_text(a: AssignmentInfo, quarter: int) -> str:
    """进展状态 cell: the reported status (and 逾期报送), or where a missing report stands."""
    report = a.report(quarter)
    if report is None:
        return a.state(quarter).label
    return report.status.label + ("（逾期报送）" if report.late else "")


def review_text(a: AssignmentInfo, quarter: int) -> str:
    report = a.report(quarter)
    if report is None:
        return ""
    return report.review.label if report.review else "待审核"


def comments_text(a: AssignmentInfo) -> str:
    return "\n".join(
        f"{QUARTER_SHORT[r.quarter]}：{r.review_comment}" for r in a.reports if r.review_comment
    )


def breakdown_rows(overview: PlanOverview) -> list[list[object]]:
    rows: list[list[object]] = []
    for task in overview.tasks:
        for a in task.assignments:
            row: list[object] = [
                len(rows) + 1,
                task.no,
                task.section,
                task.title,
                a.division_name,
                a.role.label,
                a.written_as,
            ]
            for q in QUARTERS:
                row += [status_text(a, q), review_text(a, q)]
            row.append(comments_text(a))
            rows.append(row)
    return rows


def write_task_breakdown(overview: PlanOverview, path: str | os.PathLike[str]) -> int:
    """Write the workbook atomically; returns the number of task × division rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_BREAKDOWN
    rows = breakdown_rows(overview)
    write_sheet(ws, BREAKDOWN_COLUMNS, rows)
    assignments = [a for t in overview.tasks for a in t.assignments]
    for r, assignment in enumerate(assignments, start=2):
        for q in QUARTERS:
            status_cell = ws.cell(row=r, column=_FIRST_QUARTER_COLUMN + 2 * (q - 1))
            review_cell = ws.cell(row=r, column=_FIRST_QUARTER_COLUMN + 2 * (q - 1) + 1)
            state = assignment.state(q)
            report = assignment.report(q)
            if state is ReportState.OVERDUE or (report is not None and report.late):
                status_cell.fill = _RED
            if report is not None and report.review is ReviewResult.RECTIFY:
                review_cell.fill = _ORANGE
            elif report is not None and report.review is ReviewResult.PASS:
                review_cell.fill = _GREEN
        ws.cell(row=r, column=len(BREAKDOWN_COLUMNS)).alignment = _WRAP
        ws.cell(row=r, column=4).alignment = _WRAP
    fit_row_heights(ws)

    tasks_ws = wb.create_sheet(SHEET_TASKS)
    write_sheet(
        tasks_ws,
        TASK_COLUMNS,
        [
            [
                t.no,
                t.section,
                t.title,
                "、".join(t.lead_names),
                "、".join(t.responsible_names),
                t.text,
            ]
            for t in overview.tasks
        ],
    )
    for r in range(2, len(overview.tasks) + 2):
        for c in (3, 5, 6):
            tasks_ws.cell(row=r, column=c).alignment = _WRAP
    fit_row_heights(tasks_ws)

    notes = wb.create_sheet(SHEET_NOTES)
    _write_notes(notes, overview, len(rows))

    wb.active = ws
    wb.properties.creator = APP_NAME
    wb.properties.title = f"{overview.year}年政务公开工作要点任务分解表"
    target = Path(path)
    save_workbook(wb, target)
    log.info("wrote task breakdown %s (%d rows)", target, len(rows))
    return len(rows)


def _write_notes(ws: Any, overview: PlanOverview, rows: int) -> None:
    ws.cell(row=1, column=1, value=f"{overview.year}年政务公开工作要点任务分解表")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    lines: list[tuple[str, object]] = [
        ("任务数", len(overview.tasks)),
        ("分工条数（任务 × 处室）", rows),
        ("状态截至", overview.today),
        ("报送期限", f"季度结束后第 {overview.due_workdays} 个工作日"),
    ]
    for q in QUARTERS:
        due = overview.due_dates.get(q)
        lines.append((f"{QUARTER_LABELS[q]}报送截止", due if due else "无法计算（缺少节假日安排）"))
    header_row = 3
    ws.cell(row=header_row, column=1, value="项目")
    ws.cell(row=header_row, column=2, value="内容")
    style_header_row(ws, header_row, 2)
    for offset, (label, value) in enumerate(lines, start=1):
        ws.cell(row=header_row + offset, column=1, value=label)
        cell = ws.cell(row=header_row + offset, column=2, value=value)
        if hasattr(value, "isoformat"):
            cell.number_format = "yyyy-mm-dd"
    explain = (
        "进展状态：未启动 / 推进中 / 已完成为处室报送的状态；未报送的显示待报送、逾期未报或未到报送期，"
        "晚于报送截止日首次报送的标注“逾期报送”。督查结论：合格 / 需整改 / 待审核。"
    )
    ws.cell(row=header_row + len(lines) + 2, column=1, value=explain)
    set_column_widths(ws, (26, 40))


def export_tasks_job(
    db: Database,
    actor: Actor,
    path: Path,
    year: int | None,
    cancel: CancelToken | None = None,
) -> Generator[Progress, None, int]:
    """``gongkai export tasks``: the newest year's breakdown unless ``year`` is given."""
    service = PlanService(db, actor)
    yield Progress(0, 2, "正在读取年度任务")
    if year is None:
        years = service.years()
        if not years:
            raise ValidationError("还没有导入任何年度的工作要点，没有可导出的任务。")
        year = years[0]
    overview = service.overview(year)
    if not overview.tasks:
        raise ValidationError(f"{year}年还没有导入工作要点，没有可导出的任务。")
    if cancel is not None:
        cancel.check()
    yield Progress(1, 2, "正在写入任务分解表")
    rows = write_task_breakdown(overview, path)
    yield Progress(2, 2, "已完成")
    return rows


TASKS_KIND = register(LedgerKind("tasks", "任务分解表", export_job=export_tasks_job))
