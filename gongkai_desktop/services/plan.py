"""年度任务: a year's plan, each division's quarterly reports and 综合处's review.

``PlanService`` carries the import (``services.plan_import``) and the reports with their review
(``services.plan_reports``); this module reads them together.

- Reading: ``overview`` gives every task of a year with its assignments, reports and the state of
  each (assignment, quarter) on a day; ``attention`` what a division has to act on;
  ``filter_tasks`` applies the page's filters.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..db.models import Division
from ..db.plan_models import PlanAssignment, PlanTask, TaskReport
from ..domain.plan import (
    QUARTER_LABELS,
    QUARTERS,
    AssignmentRole,
    ReportState,
    TaskStatus,
    report_due_date,
    report_state,
)
from ..errors import CalendarMissing, NotFound, ValidationError
from .base import live_record
from .calendar import load_calendar
from .plan_import import PlanImport
from .plan_reports import QuarterlyReports, ReportInfo, _due_workdays, _evidence_files, _report_info

log = logging.getLogger(__name__)


# ---- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentInfo:
    id: int
    task_id: int
    division_id: int
    division_name: str
    role: AssignmentRole
    written_as: str
    reports: tuple[ReportInfo, ...]
    states: tuple[ReportState, ...]  # one per quarter, index 0 = 第一季度

    def report(self, quarter: int) -> ReportInfo | None:
        return next((r for r in self.reports if r.quarter == quarter), None)

    def state(self, quarter: int) -> ReportState:
        return self.states[quarter - 1]


@dataclass(frozen=True)
class TaskInfo:
    id: int
    uuid: str
    year: int
    no: int
    section: str
    title: str
    text: str
    version: int
    assignments: tuple[AssignmentInfo, ...]

    def names(self, role: AssignmentRole) -> tuple[str, ...]:
        return tuple(a.division_name for a in self.assignments if a.role is role)

    @property
    def lead_names(self) -> tuple[str, ...]:
        return self.names(AssignmentRole.LEAD)

    @property
    def responsible_names(self) -> tuple[str, ...]:
        return self.names(AssignmentRole.RESPONSIBLE)

    def assignment_of(self, division_id: int) -> AssignmentInfo | None:
        return next((a for a in self.assignments if a.division_id == division_id), None)


@dataclass(frozen=True)
class PlanOverview:
    """Every task of a year with its assignments and reports, and the states on ``today``."""

    year: int
    today: date
    due_workdays: int
    due_dates: dict[int, date | None]
    calendar_problem: str
    tasks: tuple[TaskInfo, ...]

    def task(self, task_id: int) -> TaskInfo | None:
        return next((t for t in self.tasks if t.id == task_id), None)


@dataclass(frozen=True)
class AttentionItem:
    """Something a division has to act on: a report overdue, or one to rectify."""

    task_no: int
    task_title: str
    quarter: int
    state: ReportState
    comment: str = ""


# ---- filters -----------------------------------------------------------------------------------

# The status filter of the page: each choice tests one (assignment, quarter) cell.
STATE_FILTERS: dict[str, Callable[[AssignmentInfo, int], bool]] = {
    "未报送": lambda a, q: (
        a.report(q) is None and a.state(q) in (ReportState.PENDING, ReportState.OVERDUE)
    ),
    "逾期未报": lambda a, q: a.state(q) is ReportState.OVERDUE,
    "逾期报送": lambda a, q: (r := a.report(q)) is not None and r.late,
    "待审核": lambda a, q: a.state(q) is ReportState.SUBMITTED,
    "合格": lambda a, q: a.state(q) is ReportState.PASSED,
    "需整改": lambda a, q: a.state(q) is ReportState.RECTIFY,
    "未启动": lambda a, q: (r := a.report(q)) is not None and r.status is TaskStatus.NOT_STARTED,
    "推进中": lambda a, q: (r := a.report(q)) is not None and r.status is TaskStatus.IN_PROGRESS,
    "已完成": lambda a, q: (r := a.report(q)) is not None and r.status is TaskStatus.DONE,
}


def filter_tasks(
    tasks: Iterable[TaskInfo],
    *,
    division_id: int | None = None,
    role: AssignmentRole | None = None,
    quarter: int | None = None,
    state: str | None = None,
) -> list[TaskInfo]:
    """Tasks with at least one assignment matching every given filter.

    ``state`` is a key of ``STATE_FILTERS``, tested on ``quarter`` (every quarter when None).
    """
    if state is not None and state not in STATE_FILTERS:
        raise ValidationError(f"未知的状态筛选：{state}")
    test = STATE_FILTERS.get(state) if state else None
    quarters = (quarter,) if quarter else QUARTERS
    out = []
    for task in tasks:
        for a in task.assignments:
            if division_id is not None and a.division_id != division_id:
                continue
            if role is not None and a.role is not role:
                continue
            if test is not None and not any(test(a, q) for q in quarters):
                continue
            out.append(task)
            break
    return out


# ---- the service -------------------------------------------------------------------------------


class PlanService(PlanImport, QuarterlyReports):
    # ----- reading -----------------------------------------------------------------------------
    def years(self) -> list[int]:
        """Years that have tasks, newest first."""
        with self.db.read() as session:
            return list(
                session.scalars(
                    select(PlanTask.year)
                    .where(PlanTask.deleted_at.is_(None))
                    .distinct()
                    .order_by(PlanTask.year.desc())
                )
            )

    def due_workdays(self) -> int:
        with self.db.read() as session:
            return _due_workdays(session)

    def overview(self, year: int, today: date | None = None) -> PlanOverview:
        """Every task of ``year``, its assignments, reports and their states on ``today``."""
        today = today or date.today()
        with self.db.read() as session:
            workdays = _due_workdays(session)
            calendar = load_calendar(session)
            due_dates: dict[int, date | None] = {}
            problems: list[str] = []
            for q in QUARTERS:
                try:
                    due_dates[q] = report_due_date(calendar, year, q, workdays)
                except CalendarMissing as exc:
                    due_dates[q] = None
                    problems.append(f"{QUARTER_LABELS[q]}报送期限无法计算：{exc}")
            tasks = list(
                session.scalars(
                    select(PlanTask)
                    .where(PlanTask.year == year, PlanTask.deleted_at.is_(None))
                    .order_by(PlanTask.sort_order, PlanTask.no)
                )
            )
            task_ids = [t.id for t in tasks]
            divisions = {d.id: d for d in session.scalars(select(Division))}
            assignments = list(
                session.scalars(
                    select(PlanAssignment).where(
                        PlanAssignment.task_id.in_(task_ids), PlanAssignment.deleted_at.is_(None)
                    )
                )
            )
            reports = list(
                session.scalars(
                    select(TaskReport).where(
                        TaskReport.assignment_id.in_([a.id for a in assignments]),
                        TaskReport.deleted_at.is_(None),
                    )
                )
            )
            files = _evidence_files(session, [r.uuid for r in reports])
        by_assignment: dict[int, list[ReportInfo]] = {}
        for r in reports:
            by_assignment.setdefault(r.assignment_id, []).append(
                _report_info(r, due_dates.get(r.quarter), files.get(r.uuid, ()))
            )
        by_task: dict[int, list[AssignmentInfo]] = {}
        for a in assignments:
            own = tuple(sorted(by_assignment.get(a.id, []), key=lambda r: r.quarter))
            states = tuple(
                report_state(
                    has_report=any(r.quarter == q for r in own),
                    review=next((r.review for r in own if r.quarter == q), None),
                    year=year,
                    quarter=q,
                    due=due_dates[q],
                    today=today,
                )
                for q in QUARTERS
            )
            d = divisions.get(a.division_id)
            by_task.setdefault(a.task_id, []).append(
                AssignmentInfo(
                    a.id,
                    a.task_id,
                    a.division_id,
                    d.name if d else str(a.division_id),
                    AssignmentRole(a.role),
                    a.written_as,
                    own,
                    states,
                )
            )
        order = {d.id: (d.sort_order, d.id) for d in divisions.values()}
        infos = tuple(
            TaskInfo(
                t.id,
                t.uuid,
                t.year,
                t.no,
                t.section,
                t.title,
                t.text,
                t.version,
                tuple(
                    sorted(
                        by_task.get(t.id, []),
                        key=lambda a: (a.role is not AssignmentRole.LEAD, order[a.division_id]),
                    )
                ),
            )
            for t in tasks
        )
        return PlanOverview(year, today, workdays, due_dates, "\n".join(problems), infos)

    def attention(
        self, division_id: int, year: int, today: date | None = None
    ) -> list[AttentionItem]:
        """A division's overdue reports and reports to rectify, in task order."""
        overview = self.overview(year, today)
        out = []
        for task in overview.tasks:
            a = task.assignment_of(division_id)
            if a is None:
                continue
            for q in QUARTERS:
                state = a.state(q)
                if state is ReportState.OVERDUE:
                    out.append(AttentionItem(task.no, task.title, q, state))
                elif state is ReportState.RECTIFY:
                    report = a.report(q)
                    comment = report.review_comment if report else ""
                    out.append(AttentionItem(task.no, task.title, q, state, comment))
        return out

    def find_assignment(self, year: int, task_no: int, division_name: str) -> AssignmentInfo:
        """The live assignment of a division to task ``task_no`` of ``year``."""
        with self.db.read() as session:
            row = session.execute(
                select(PlanAssignment.id)
                .join(PlanTask, PlanAssignment.task_id == PlanTask.id)
                .join(Division, PlanAssignment.division_id == Division.id)
                .where(
                    PlanTask.year == year,
                    PlanTask.no == task_no,
                    PlanTask.deleted_at.is_(None),
                    PlanAssignment.deleted_at.is_(None),
                    Division.name == division_name.strip(),
                )
            ).first()
            task_exists = session.scalar(
                select(func.count(PlanTask.id)).where(
                    PlanTask.year == year, PlanTask.no == task_no, PlanTask.deleted_at.is_(None)
                )
            )
        if not task_exists:
            raise NotFound(f"{year}年工作要点中没有第{task_no}项任务。")
        if row is None:
            raise NotFound(f"{year}年第{task_no}项任务没有分配给{division_name}。")
        return self.assignment(row[0])

    def assignment(self, assignment_id: int, today: date | None = None) -> AssignmentInfo:
        with self.db.read() as session:
            a = live_record(session, PlanAssignment, assignment_id, "任务分工不存在或已撤销。")
            task = session.get(PlanTask, a.task_id)
            assert task is not None
            year = task.year
        overview = self.overview(year, today)
        info = overview.task(task.id)
        found = info.assignment_of(a.division_id) if info else None
        if found is None:
            raise NotFound("任务分工不存在或已撤销。")
        return found
