"""Demo step of the annual plan: the sample 工作要点 for the demo year, and quarterly reports.

The sample is the bureau's real 2021 plan (``resources/samples/plan-2021.txt``) with its year
replaced by the demo year. For every quarter already over and reported by today (for a past year
all four, the fourth reported in January), each assigned division's liaison reports — most
on time, some late, a few never — and 综合处 reviews most reports (合格, some 需整改, some left
for review), so every state of the 年度任务 page and the 督查通报 shows up.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Generator
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..db.models import User
from ..domain.labels import DivisionKind, Role
from ..domain.permissions import Actor
from ..domain.plan import (
    QUARTER_LABELS,
    QUARTERS,
    ReviewResult,
    TaskStatus,
    quarter_end,
    report_due_date,
)
from ..errors import CalendarMissing
from ..importers.plan import parse_plan_text
from ..paths import resources_dir
from ..progress import Progress
from ..services.auth import actor_of
from ..services.calendar import calendar_of
from ..services.plan import PlanService
from ..services.plan_import import NameDecisions

if TYPE_CHECKING:
    from . import DemoContext

log = logging.getLogger(__name__)

SAMPLE_YEAR = "2021"

PROGRESS_TEXTS = {
    TaskStatus.NOT_STARTED: (
        "本季度已研究制定“{title}”工作方案，明确责任人和时间节点，计划下季度启动实施。",
        "已梳理“{title}”相关工作底数，待局党组审议后部署推进。",
    ),
    TaskStatus.IN_PROGRESS: (
        "围绕“{title}”，本季度已完成阶段性工作：梳理公开事项清单，按要求在门户网站发布相关信息，"
        "下一步将继续完善并做好动态更新。",
        "已按照工作要点分工推进“{title}”，召开专题会议研究部署，相关信息已同步在政务公开专区发布。",
        "“{title}”按计划推进中，本季度组织处室业务骨干开展自查，发现的问题已建立台账逐项整改。",
    ),
    TaskStatus.DONE: (
        "“{title}”各项任务已全部完成，相关材料已归档，公开信息已在门户网站和政务公开专区同步发布。",
        "已完成“{title}”年度目标任务，形成工作总结，并将经验做法纳入处室工作制度。",
    ),
}
RECTIFY_COMMENTS = (
    "进展情况过于笼统，请补充本季度具体工作内容、公开信息条数和网站链接。",
    "未提供佐证材料，请补充会议纪要或网站发布截图。",
    "进展状态与实际不符：相关信息尚未在门户网站公开，请核实后重新报送。",
)
PASS_COMMENTS = ("", "", "进展扎实，佐证材料齐全。", "请继续保持，按时报送下季度进展。")


def demo_today(year: int, today: date | None = None) -> date:
    """The demo year's "today": the real day in the current year, else its last or first day."""
    today = today or date.today()
    if year == today.year:
        return today
    return date(year, 12, 31) if year < today.year else date(year, 1, 1)


def _status(rng: random.Random, quarter: int) -> TaskStatus:
    # Later in the year more tasks are done and fewer not yet started.
    weights = {1: (25, 70, 5), 2: (8, 77, 15), 3: (3, 62, 35), 4: (0, 35, 65)}[quarter]
    return rng.choices(list(TaskStatus), weights=weights)[0]


def plan_step(ctx: DemoContext) -> Generator[Progress, None, list[str]]:
    """Import the sample plan for the demo year, then report and review the past quarters."""
    rng = ctx.rng
    year = ctx.year
    text = (resources_dir() / "samples" / "plan-2021.txt").read_text(encoding="utf-8")
    parsed = parse_plan_text(text.replace(SAMPLE_YEAR, str(year)))
    service = PlanService(ctx.app.db, ctx.actor)
    preview = service.preview_import(year, parsed.tasks)
    result = service.import_plan(
        year,
        parsed.tasks,
        NameDecisions(add=dict.fromkeys(preview.unknown, DivisionKind.BUSINESS)),
    )
    yield Progress(1, 3, "年度任务")

    # A past year is over: its fourth quarter is reported in January and reviewed after it, so
    # its reports stand as they would when the annual report is written (today).
    today = date.today() if year < date.today().year else demo_today(year)
    calendar = calendar_of(ctx.app.db)
    workdays = service.due_workdays()
    with ctx.app.db.read() as session:
        liaisons: dict[int, Actor] = {}
        for user in session.scalars(
            select(User).where(User.role == Role.LIAISON.value, User.active.is_(True))
        ):
            liaisons.setdefault(user.division_id, actor_of(user))
    overview = service.overview(year, today)
    reported = reviewed = 0
    for q in QUARTERS:
        if quarter_end(year, q) >= today:
            break
        try:
            due = report_due_date(calendar, year, q, workdays)
        except CalendarMissing as exc:
            log.warning("demo plan: %s", exc)
            break
        end = quarter_end(year, q)
        for task in overview.tasks:
            for a in task.assignments:
                ctx.cancel.check()
                if a.report(q) is not None:
                    continue
                draw = rng.random()
                if draw < 0.08:
                    continue  # never reported: overdue
                if draw < 0.20:
                    submitted = due + timedelta(days=rng.randint(1, 12))
                else:
                    submitted = (
                        end
                        - timedelta(days=rng.randint(0, 6))
                        + timedelta(days=rng.randint(0, max((due - end).days, 0)))
                    )
                if submitted > today:
                    submitted = today
                status = _status(rng, q)
                progress = rng.choice(PROGRESS_TEXTS[status]).format(title=task.title)
                links = (
                    [f"https://www.example.org/zwgk/{year}/q{q}/{task.no:02d}-{a.division_id}.html"]
                    if rng.random() < 0.5
                    else []
                )
                reporter = liaisons.get(a.division_id, ctx.actor)
                report = PlanService(ctx.app.db, reporter).save_report(
                    a.id, q, progress=progress, status=status, links=links, today=submitted
                )
                reported += 1
                if today <= due:
                    continue  # 综合处 reviews after the due date
                draw = rng.random()
                if draw < 0.12:
                    continue  # left for review
                if draw < 0.30:
                    service.review_report(
                        report.id, ReviewResult.RECTIFY, rng.choice(RECTIFY_COMMENTS)
                    )
                else:
                    service.review_report(report.id, ReviewResult.PASS, rng.choice(PASS_COMMENTS))
                reviewed += 1
        yield Progress(2, 3, f"{QUARTER_LABELS[q]}进展")
    yield Progress(3, 3, "年度任务")
    lines = [result.summary(), f"季度进展：报送 {reported} 条，已督查审核 {reviewed} 条"]
    if result.divisions_added:
        lines.append("为工作要点新增处室：" + "、".join(result.divisions_added))
    return lines
