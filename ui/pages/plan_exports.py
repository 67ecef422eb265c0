"""The 年度任务 page's files: the year's 任务分解表 (xlsx) and a quarter's 督查通报 (docx), each
written on the worker after the user chose where (and, for the 通报, its dates)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QWidget

from gongkai_desktop.domain.plan import QUARTER_LABELS, quarter_end
from gongkai_desktop.errors import GongkaiError

from ..context import UiContext
from ..dialogs.document_dates import ask_bulletin_dates
from ..files import ask_save_path
from ..messages import show_error, show_info
from ..worker import run_with_progress


def _save_path(parent: QWidget, ctx: UiContext, title: str, name: str, pattern: str) -> Path | None:
    return ask_save_path(parent, ctx.settings, "plan/export_folder", title, name, pattern)


def export_breakdown(parent: QWidget, ctx: UiContext, year: int) -> None:
    """导出任务分解表: every assignment of ``year``, one row each."""
    from gongkai_desktop.reports.plan_tasks import export_tasks_job

    path = _save_path(
        parent, ctx, "导出任务分解表", f"{year}年任务分解表.xlsx", "Excel 工作簿 (*.xlsx)"
    )
    if path is None:
        return
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    db, actor = ctx.db, ctx.actor
    try:
        rows = run_with_progress(
            parent,
            lambda cancel: export_tasks_job(db, actor, path, year, cancel),
            "导出任务分解表",
        )
    except GongkaiError as exc:
        show_error(parent, exc)
        return
    show_info(parent, f"已导出{year}年任务分解表 {rows} 行：\n{path}", "导出完成")


def export_bulletin(
    parent: QWidget, ctx: UiContext, year: int, quarter: int, today: date, due: date | None
) -> None:
    """生成督查通报 of a quarter; its 截至 is offered as the quarter's due date (``due``)."""
    from gongkai_desktop.reports.plan_bulletin import bulletin_job

    path = _save_path(
        parent,
        ctx,
        "生成季度督查通报",
        f"{year}年{QUARTER_LABELS[quarter]}督查通报.docx",
        "Word 文档 (*.docx)",
    )
    if path is None:
        return
    if path.suffix.lower() != ".docx":
        path = path.with_suffix(".docx")
    db, actor = ctx.db, ctx.actor
    dates = ask_bulletin_dates(
        parent,
        "督查通报的日期",
        min(today, due or quarter_end(year, quarter)),
        today,
    )
    if dates is None:
        return
    as_of, issued = dates
    try:
        data = run_with_progress(
            parent,
            lambda cancel: bulletin_job(
                db,
                actor,
                path,
                year,
                quarter,
                as_of=as_of,
                issued=issued,
                today=today,
                cancel=cancel,
            ),
            "生成督查通报",
        )
    except GongkaiError as exc:
        show_error(parent, exc)
        return
    problems = sum(len(d.problems) for d in data.divisions)
    show_info(
        parent,
        f"已生成{year}年{QUARTER_LABELS[quarter]}督查通报（{len(data.divisions)} 个处室，"
        f"问题 {problems} 条）：\n{path}",
        "生成完成",
    )
