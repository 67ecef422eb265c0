"""年度任务: import a year's plan, each division's quarterly reports and 综合处's review.

- Import (admins only): the parsed tasks (``ParsedTask``, possibly edited in the preview) are
  matched to the stored tasks of the year by number, so importing again updates instead of
  duplicating. Division names are resolved here: exact division names, group words (各业务处 →
  every 业务处, 各处室 → every division) and the user's decisions for unknown names (map to a
  division, add it as a new division, or leave it out). An unknown name without a decision stops
  the import with the list of such names; nothing is stored. Assignments no longer in the plan and
  tasks no longer in it are soft-deleted, so their reports are kept and come back with them.
- Reports: one per assignment and quarter; a liaison reports only for their own division (the
  refusal is audited). Editing a reviewed report sends it back for review.
- Review (admins only): 合格 / 需整改 with 督查意见; 需整改 needs the 意见.
- Reading: ``overview`` gives every task of a year with its assignments, reports and the state of
  each (assignment, quarter) on a day; ``filter_tasks`` applies the page's filters.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..attachments import AttachmentService
from ..db.base import utcnow
from ..db.engine import Database
from ..db.ledger_models import Attachment
from ..db.models import Division
from ..db.plan_models import PlanAssignment, PlanTask, TaskReport
from ..domain.labels import GROUP_WORDS_BUSINESS, DivisionKind
from ..domain.permissions import Action
from ..domain.plan import (
    DEFAULT_DUE_WORKDAYS,
    MAX_COMMENT_CHARS,
    MAX_PROGRESS_CHARS,
    QUARTER_LABELS,
    QUARTERS,
    AssignmentRole,
    DivisionRef,
    ReportState,
    ReviewResult,
    TaskStatus,
    check_quarter,
    clean_links,
    expand_group_word,
    is_late,
    quarter_start,
    report_due_date,
    report_state,
)
from ..errors import CalendarMissing, ConflictError, NotFound, ValidationError
from ..importers.plan import ParsedTask
from .admin import AdminService, insert_division, read_setting
from .base import Service, changed_fields, live_record, snapshot
from .calendar import load_calendar

log = logging.getLogger(__name__)

REPORT_ENTITY = "task_report"
REPORT_MISSING = "季度进展不存在。"
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_TITLE_CHARS = 500
MAX_SECTION_CHARS = 200


# ---- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameDecisions:
    """What to do with division names of the document that are not divisions.

    ``mapping``: name as written → name of an existing division. ``add``: names to create as new
    divisions, with their kind. ``ignore``: names deliberately left out.
    """

    mapping: Mapping[str, str] = field(default_factory=dict)
    add: Mapping[str, DivisionKind] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()

    def decided(self, name: str) -> bool:
        return name in self.mapping or name in self.add or name in self.ignore


@dataclass(frozen=True)
class PreviewTask:
    """One task as it would be stored: the parsed task and its divisions after resolution."""

    task: ParsedTask
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    unknown: tuple[str, ...]
    exists: bool


@dataclass(frozen=True)
class ImportPreview:
    year: int
    tasks: tuple[PreviewTask, ...]
    unknown: dict[str, tuple[int, ...]]  # unknown name → numbers of the tasks that use it
    warnings: tuple[str, ...]
    new_numbers: tuple[int, ...]
    updated_numbers: tuple[int, ...]
    removed_numbers: tuple[int, ...]

    @property
    def blocked(self) -> bool:
        return bool(self.unknown)


@dataclass(frozen=True)
class PlanImportResult:
    year: int
    tasks: int
    created: int
    updated: int
    unchanged: int
    removed: int
    assignments_added: int
    assignments_removed: int
    divisions_added: tuple[str, ...]
    warnings: tuple[str, ...]

    def summary(self) -> str:
        text = (
            f"{self.year}年工作要点：共 {self.tasks} 项任务（新增 {self.created}，更新 {self.updated}，"
            f"未变 {self.unchanged}，移除 {self.removed}）；分工新增 {self.assignments_added}，"
            f"撤销 {self.assignments_removed}"
        )
        if self.divisions_added:
            text += "；新增处室：" + "、".join(self.divisions_added)
        return text


@dataclass(frozen=True)
class EvidenceFile:
    id: int
    filename: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ReportInfo:
    id: int
    uuid: str
    assignment_id: int
    division_id: int
    quarter: int
    progress: str
    status: TaskStatus
    links: tuple[str, ...]
    submitted_on: date
    late: bool
    review: ReviewResult | None
    review_comment: str
    version: int
    files: tuple[EvidenceFile, ...] = ()


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


# ---- name resolution ---------------------------------------------------------------------------


def _division_refs(session: Session) -> list[DivisionRef]:
    rows = session.scalars(select(Division).order_by(Division.sort_order, Division.id))
    return [DivisionRef(d.id, d.name, DivisionKind(d.kind), d.active) for d in rows]


@dataclass
class _Resolved:
    divisions: list[DivisionRef]  # in order, without repeats
    written: dict[int, list[str]]  # division id → names as written that brought it in
    unknown: list[str]
    empty_groups: list[str]


def _resolve(
    names: Sequence[str], divisions: Sequence[DivisionRef], decisions: NameDecisions
) -> _Resolved:
    by_name = {d.name: d for d in divisions}
    out = _Resolved([], {}, [], [])

    def take(d: DivisionRef, written: str) -> None:
        if d.id not in out.written:
            out.divisions.append(d)
            out.written[d.id] = []
        if written not in out.written[d.id]:
            out.written[d.id].append(written)

    for name in names:
        group = expand_group_word(name, divisions)
        if group is not None:
            if not group:
                out.empty_groups.append(name)
            for d in group:
                take(d, name)
            continue
        if name in decisions.ignore:
            continue
        target = decisions.mapping.get(name, name)
        found = by_name.get(target)
        if found is not None and found.active:
            take(found, name)
        else:
            out.unknown.append(name)
    return out


def _clean_draft(task: ParsedTask) -> ParsedTask:
    return replace(
        task,
        section=(task.section or "").strip(),
        title=(task.title or "").strip(),
        text=(task.text or "").strip(),
        lead=tuple(dict.fromkeys(n.strip() for n in task.lead if n and n.strip())),
        responsible=tuple(dict.fromkeys(n.strip() for n in task.responsible if n and n.strip())),
    )


def _check_drafts(year: int, tasks: Sequence[ParsedTask]) -> list[ParsedTask]:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(f"年度应在 {MIN_YEAR} 至 {MAX_YEAR} 之间，不能是 {year}。")
    cleaned = [_clean_draft(t) for t in tasks]
    if not cleaned:
        raise ValidationError("没有可导入的任务。")
    problems: list[str] = []
    seen: dict[int, int] = {}
    for index, t in enumerate(cleaned, start=1):
        where = f"第{index}行（编号 {t.no}）"
        if t.no < 1 or t.no > 999:
            problems.append(f"{where}：任务编号应为 1 至 999 的整数")
        if t.no in seen:
            problems.append(f"{where}：任务编号 {t.no} 与第{seen[t.no]}行重复")
        else:
            seen[t.no] = index
        if not t.title:
            problems.append(f"{where}：任务名称不能为空")
        elif len(t.title) > MAX_TITLE_CHARS:
            problems.append(f"{where}：任务名称不能超过 {MAX_TITLE_CHARS} 个字")
        if len(t.section) > MAX_SECTION_CHARS:
            problems.append(f"{where}：所属部分不能超过 {MAX_SECTION_CHARS} 个字")
    if problems:
        raise ValidationError("任务表有误，未导入：", problems)
    return cleaned


def _check_decisions(decisions: NameDecisions, divisions: Sequence[DivisionRef]) -> None:
    by_name = {d.name: d for d in divisions}
    problems = []
    for written, target in decisions.mapping.items():
        d = by_name.get(target.strip())
        if d is None:
            problems.append(f"“{written}”对应的处室“{target}”不存在")
        elif not d.active:
            problems.append(f"“{written}”对应的处室“{target}”已停用")
    for name, kind in decisions.add.items():
        if name in by_name:
            problems.append(f"处室“{name}”已存在，不能重复新增")
        if not name.strip() or len(name.strip()) > 64:
            problems.append(f"新增处室名称“{name}”应为 1 至 64 个字")
        if kind is DivisionKind.OPENNESS_OFFICE:
            problems.append(f"“{name}”不能新增为综合处（综合处只能有一个）")
    if problems:
        raise ValidationError("处室对应关系有误，未导入：", problems)


def preview_plan_import(
    db: Database, year: int, tasks: Sequence[ParsedTask], decisions: NameDecisions | None = None
) -> ImportPreview:
    """What an import would store: resolved divisions, unknown names, new/updated/removed tasks.

    Reads only (no login needed): the CLI's ``--dry-run`` and the GUI's preview use it.
    """
    decisions = decisions or NameDecisions()
    cleaned = [_clean_draft(t) for t in tasks]
    with db.read() as session:
        divisions = _division_refs(session)
        stored = {
            t.no: t
            for t in session.scalars(
                select(PlanTask).where(PlanTask.year == year, PlanTask.deleted_at.is_(None))
            )
        }
    divisions = divisions + [
        DivisionRef(-(i + 1), name, kind) for i, (name, kind) in enumerate(decisions.add.items())
    ]
    out: list[PreviewTask] = []
    unknown: dict[str, list[int]] = {}
    warnings: list[str] = []
    for t in cleaned:
        lead = _resolve(t.lead, divisions, decisions)
        resp = _resolve(t.responsible, divisions, decisions)
        lead_ids = {d.id for d in lead.divisions}
        for name in lead.unknown + resp.unknown:
            numbers = unknown.setdefault(name, [])
            if t.no not in numbers:
                numbers.append(t.no)
        for word in dict.fromkeys(lead.empty_groups + resp.empty_groups):
            warnings.append(_empty_group_warning(t.no, word))
        if not t.lead and not t.responsible:
            warnings.append(f"第{t.no}项任务“{t.title}”没有牵头处室或责任处室")
        out.append(
            PreviewTask(
                t,
                tuple(d.name for d in lead.divisions),
                tuple(d.name for d in resp.divisions if d.id not in lead_ids),
                tuple(dict.fromkeys(lead.unknown + resp.unknown)),
                t.no in stored,
            )
        )
    numbers = [t.no for t in cleaned]
    return ImportPreview(
        year,
        tuple(out),
        {name: tuple(nos) for name, nos in unknown.items()},
        tuple(warnings),
        tuple(n for n in numbers if n not in stored),
        tuple(n for n in numbers if n in stored),
        tuple(sorted(n for n in stored if n not in numbers)),
    )


# ---- the service -------------------------------------------------------------------------------


class PlanService(Service):
    # ----- import ------------------------------------------------------------------------------
    def preview_import(
        self, year: int, tasks: Sequence[ParsedTask], decisions: NameDecisions | None = None
    ) -> ImportPreview:
        """What an import would store; reads only, so anyone may look."""
        return preview_plan_import(self.db, year, tasks, decisions)

    def import_plan(
        self,
        year: int,
        tasks: Sequence[ParsedTask],
        decisions: NameDecisions | None = None,
    ) -> PlanImportResult:
        """Store a year's tasks and assignments in one transaction (admins only)."""
        self.require(Action.MANAGE_SYSTEM, what="plan.import", entity="plan_task", entity_id=year)
        decisions = decisions or NameDecisions()
        cleaned = _check_drafts(year, tasks)
        warnings: list[str] = []
        with self.db.write() as session:
            divisions = _division_refs(session)
            _check_decisions(decisions, divisions)
            added = self._add_divisions(session, decisions.add)
            divisions = _division_refs(session)
            resolved: list[tuple[ParsedTask, _Resolved, _Resolved]] = []
            unknown: dict[str, list[int]] = {}
            for t in cleaned:
                lead = _resolve(t.lead, divisions, decisions)
                resp = _resolve(t.responsible, divisions, decisions)
                for name in lead.unknown + resp.unknown:
                    unknown.setdefault(name, []).append(t.no)
                for word in dict.fromkeys(lead.empty_groups + resp.empty_groups):
                    warnings.append(_empty_group_warning(t.no, word))
                resolved.append((t, lead, resp))
            if unknown:
                raise ValidationError(
                    "以下名称不是本单位的处室，请为每个名称指定对应的处室、新增为处室或确认忽略，"
                    "未导入任何内容：",
                    [
                        f"“{name}”（第{'、'.join(str(n) for n in dict.fromkeys(nos))}项任务）"
                        for name, nos in unknown.items()
                    ],
                    unknown=sorted(unknown),
                )
            office = session.scalars(
                select(Division).where(Division.kind == DivisionKind.OPENNESS_OFFICE.value)
            ).first()
            if office is None:
                raise ValidationError("没有综合处（政务公开办公室），请先在系统管理中设置。")
            result = self._store(session, year, resolved, office.id, warnings)
            self.audit(
                session,
                "plan.import",
                entity="plan_task",
                entity_id=year,
                division_id=office.id,
                after={
                    "year": year,
                    "tasks": result["tasks"],
                    "created": result["created"],
                    "updated": result["updated"],
                    "removed": result["removed"],
                    "assignments_added": result["assignments_added"],
                    "assignments_removed": result["assignments_removed"],
                    "divisions_added": added,
                    "mapping": dict(decisions.mapping),
                    "ignored": sorted(decisions.ignore),
                },
            )
        return PlanImportResult(
            year=year,
            tasks=result["tasks"],
            created=result["created"],
            updated=result["updated"],
            unchanged=result["unchanged"],
            removed=result["removed"],
            assignments_added=result["assignments_added"],
            assignments_removed=result["assignments_removed"],
            divisions_added=tuple(added),
            warnings=tuple(warnings),
        )

    def _add_divisions(self, session: Session, add: Mapping[str, DivisionKind]) -> list[str]:
        added = []
        for name, kind in add.items():
            code = AdminService._free_code(session)
            d = insert_division(self, session, name.strip(), kind, code, "导入年度工作要点时新增")
            added.append(d.name)
        return added

    def _store(
        self,
        session: Session,
        year: int,
        resolved: Sequence[tuple[ParsedTask, _Resolved, _Resolved]],
        office_id: int,
        warnings: list[str],
    ) -> dict[str, int]:
        counts = dict.fromkeys(("tasks", "created", "updated", "unchanged", "removed"), 0) | {
            "assignments_added": 0,
            "assignments_removed": 0,
        }
        stored = {t.no: t for t in session.scalars(select(PlanTask).where(PlanTask.year == year))}
        now = utcnow()
        kept_numbers = set()
        for order, (draft, lead, resp) in enumerate(resolved, start=1):
            kept_numbers.add(draft.no)
            counts["tasks"] += 1
            task = stored.get(draft.no)
            values = {
                "section": draft.section,
                "title": draft.title,
                "text": draft.text,
                "sort_order": order,
            }
            if task is None:
                task = PlanTask(
                    year=year,
                    no=draft.no,
                    division_id=office_id,
                    created_by=self.actor.user_id,
                    updated_by=self.actor.user_id,
                    **values,
                )
                session.add(task)
                session.flush()
                counts["created"] += 1
                self.audit(
                    session,
                    "plan.task.create",
                    entity="plan_task",
                    entity_id=task.id,
                    division_id=office_id,
                    after=snapshot(task),
                )
                before = None
            else:
                before = snapshot(task)
                for key, value in values.items():
                    if getattr(task, key) != value:
                        setattr(task, key, value)
                if task.deleted_at is not None:
                    task.deleted_at = None
            assign_changed = self._store_assignments(session, task, lead, resp, counts)
            if before is not None:
                session.flush()
                after = changed_fields(before, snapshot(task))
                after.pop("sort_order", None)
                if after or assign_changed:
                    task.updated_by = self.actor.user_id
                    counts["updated"] += 1
                    self.audit(
                        session,
                        "plan.task.update",
                        entity="plan_task",
                        entity_id=task.id,
                        division_id=office_id,
                        before=before,
                        after={**after, "assignments": assign_changed} if assign_changed else after,
                    )
                else:
                    counts["unchanged"] += 1
        for no, task in stored.items():
            if no in kept_numbers or task.deleted_at is not None:
                continue
            before = snapshot(task)
            task.deleted_at = now
            task.updated_by = self.actor.user_id
            counts["removed"] += 1
            reports = session.scalar(
                select(func.count(TaskReport.id))
                .join(PlanAssignment, TaskReport.assignment_id == PlanAssignment.id)
                .where(PlanAssignment.task_id == task.id, TaskReport.deleted_at.is_(None))
            )
            if reports:
                warnings.append(
                    f"第{no}项任务“{task.title}”不在新的工作要点中，已移除；"
                    f"其 {reports} 条季度进展保留在数据库中，重新加入该编号的任务后恢复显示"
                )
            self.audit(
                session,
                "plan.task.remove",
                entity="plan_task",
                entity_id=task.id,
                division_id=office_id,
                before=before,
            )
        session.flush()
        return counts

    def _store_assignments(
        self,
        session: Session,
        task: PlanTask,
        lead: _Resolved,
        resp: _Resolved,
        counts: dict[str, int],
    ) -> list[str]:
        """Bring a task's assignments in line with the plan; returns what changed, in words."""
        wanted: dict[int, tuple[AssignmentRole, str]] = {}
        for d in lead.divisions:
            wanted[d.id] = (AssignmentRole.LEAD, "、".join(lead.written[d.id]))
        for d in resp.divisions:
            if d.id not in wanted:
                wanted[d.id] = (AssignmentRole.RESPONSIBLE, "、".join(resp.written[d.id]))
        names = {d.id: d.name for d in lead.divisions + resp.divisions}
        existing = {
            a.division_id: a
            for a in session.scalars(
                select(PlanAssignment).where(PlanAssignment.task_id == task.id)
            )
        }
        changes: list[str] = []
        for division_id, (role, written) in wanted.items():
            a = existing.get(division_id)
            if a is None:
                a = PlanAssignment(
                    task_id=task.id,
                    division_id=division_id,
                    role=role.value,
                    written_as=written,
                    created_by=self.actor.user_id,
                    updated_by=self.actor.user_id,
                )
                session.add(a)
                counts["assignments_added"] += 1
                changes.append(f"新增{role.label}：{names[division_id]}")
                continue
            if a.deleted_at is not None:
                a.deleted_at = None
                counts["assignments_added"] += 1
                changes.append(f"恢复{role.label}：{names[division_id]}")
            elif a.role != role.value:
                changes.append(
                    f"{names[division_id]}由{AssignmentRole(a.role).label}改为{role.label}"
                )
            if a.role != role.value or a.written_as != written:
                a.role = role.value
                a.written_as = written
                a.updated_by = self.actor.user_id
        now = utcnow()
        for division_id, a in existing.items():
            if division_id in wanted or a.deleted_at is not None:
                continue
            a.deleted_at = now
            a.updated_by = self.actor.user_id
            counts["assignments_removed"] += 1
            division = session.get(Division, division_id)
            changes.append(f"撤销：{division.name if division else division_id}")
        session.flush()
        return changes

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

    def report(self, report_id: int) -> ReportInfo:
        with self.db.read() as session:
            r = live_record(session, TaskReport, report_id, REPORT_MISSING)
            a = session.get(PlanAssignment, r.assignment_id)
            task = session.get(PlanTask, a.task_id) if a else None
            assert task is not None
            due = _due_date_or_none(session, task.year, r.quarter)
            files = _evidence_files(session, [r.uuid])
            return _report_info(r, due, files.get(r.uuid, ()))

    # ----- reports -----------------------------------------------------------------------------
    def save_report(
        self,
        assignment_id: int,
        quarter: int,
        *,
        progress: str,
        status: TaskStatus,
        links: Sequence[str] = (),
        expected_version: int | None = None,
        today: date | None = None,
        replace_reviewed: bool = False,
    ) -> ReportInfo:
        """Create or update a division's report for a quarter (own division for a liaison).

        ``today`` is the day of the report (the submission day of a first report). Changing a
        reviewed report clears the review result, so 综合处 reviews the new text; a caller that
        did not open the report (no ``expected_version``) must say ``replace_reviewed`` for that,
        otherwise the change is refused with a ``ConflictError`` and nothing is stored.
        """
        today = today or date.today()
        check_quarter(quarter)
        with self.db.read() as session:
            a = session.get(PlanAssignment, assignment_id)
            task = session.get(PlanTask, a.task_id) if a is not None else None
            if a is None or task is None or a.deleted_at is not None or task.deleted_at is not None:
                raise NotFound("任务分工不存在或已撤销。")
            division_id, year, no = a.division_id, task.year, task.no
        self.require(
            Action.EDIT_RECORD,
            division_id=division_id,
            what="plan.report",
            entity=REPORT_ENTITY,
            entity_id=f"{year}-{no}-Q{quarter}",
        )
        progress = (progress or "").strip()
        problems = []
        if not progress:
            problems.append("请填写进展情况")
        elif len(progress) > MAX_PROGRESS_CHARS:
            problems.append(f"进展情况不能超过 {MAX_PROGRESS_CHARS} 个字")
        if not isinstance(status, TaskStatus):
            problems.append("请选择进展状态（未启动 / 推进中 / 已完成）")
        if today < quarter_start(year, quarter):
            problems.append(f"{year}年{QUARTER_LABELS[quarter]}尚未开始，不能报送该季度进展")
        if problems:
            raise ValidationError("季度进展未保存：", problems)
        cleaned_links = clean_links(links)
        try:
            with self.db.write() as session:
                r = session.scalars(
                    select(TaskReport).where(
                        TaskReport.assignment_id == assignment_id, TaskReport.quarter == quarter
                    )
                ).first()
                links_json = json.dumps(list(cleaned_links), ensure_ascii=False)
                if r is None:
                    r = TaskReport(
                        assignment_id=assignment_id,
                        division_id=division_id,
                        quarter=quarter,
                        progress=progress,
                        status=status.value,
                        links=links_json,
                        submitted_on=today,
                        created_by=self.actor.user_id,
                        updated_by=self.actor.user_id,
                    )
                    session.add(r)
                    session.flush()
                    self.audit(
                        session,
                        "plan.report.create",
                        entity=REPORT_ENTITY,
                        entity_id=r.id,
                        division_id=division_id,
                        after=snapshot(r),
                    )
                else:
                    self.check_version(r, expected_version, "该季度进展")
                    before = snapshot(r)
                    if r.deleted_at is not None:
                        r.deleted_at = None
                        r.submitted_on = today
                    r.progress = progress
                    r.status = status.value
                    r.links = links_json
                    changed = (r.progress, r.status, r.links) != (
                        before["progress"],
                        before["status"],
                        before["links"],
                    )
                    if changed and r.review_result is not None:
                        if expected_version is None and not replace_reviewed:
                            raise ConflictError(
                                f"该季度进展已审核（结论：{ReviewResult(r.review_result).label}），"
                                "修改后需重新审核，未保存；确需修改请先查看审核意见，"
                                "再明确要求覆盖已审核的进展",
                                review=r.review_result,
                            )
                        r.review_result = None  # the new text needs a new review
                    r.updated_by = self.actor.user_id
                    session.flush()
                    self.audit(
                        session,
                        "plan.report.update",
                        entity=REPORT_ENTITY,
                        entity_id=r.id,
                        division_id=division_id,
                        before=before,
                        after=changed_fields(before, snapshot(r)),
                    )
                report_id = r.id
        except StaleDataError as exc:
            raise ConflictError("该季度进展已被其他用户修改，请刷新后再保存。") from exc
        return self.report(report_id)

    def review_report(
        self,
        report_id: int,
        result: ReviewResult,
        comment: str = "",
        *,
        expected_version: int | None = None,
    ) -> ReportInfo:
        """综合处's 督查意见 on a report: 合格 or 需整改 (which needs the 意见)."""
        with self.db.read() as session:
            r = live_record(session, TaskReport, report_id, REPORT_MISSING)
            division_id = r.division_id
        self.require(
            Action.REVIEW,
            division_id=division_id,
            what="plan.review",
            entity=REPORT_ENTITY,
            entity_id=report_id,
        )
        comment = (comment or "").strip()
        if not isinstance(result, ReviewResult):
            raise ValidationError("请选择督查结论（合格 / 需整改）。")
        if result is ReviewResult.RECTIFY and not comment:
            raise ValidationError("结论为“需整改”时，请填写督查意见，说明需要整改的内容。")
        if len(comment) > MAX_COMMENT_CHARS:
            raise ValidationError(f"督查意见不能超过 {MAX_COMMENT_CHARS} 个字。")
        try:
            with self.db.write() as session:
                r = session.get(TaskReport, report_id)
                assert r is not None
                self.check_version(r, expected_version, "该季度进展")
                before = snapshot(r)
                r.review_result = result.value
                r.review_comment = comment
                r.reviewed_at = utcnow()
                r.reviewed_by = self.actor.user_id
                session.flush()
                self.audit(
                    session,
                    "plan.review",
                    entity=REPORT_ENTITY,
                    entity_id=r.id,
                    division_id=division_id,
                    before=before,
                    after=changed_fields(before, snapshot(r)),
                )
        except StaleDataError as exc:
            raise ConflictError("该季度进展已被其他用户修改，请刷新后再审核。") from exc
        return self.report(report_id)

    # ----- evidence files ----------------------------------------------------------------------
    def add_evidence_file(
        self, report_id: int, source: str | Path, attachments_dir: str | Path
    ) -> ReportInfo:
        """Attach a file to a saved report through the attachment store (SHA-256 kept).

        The store checks that the actor may change the report's division and audits a refusal.
        """
        with self.db.read() as session:
            r = live_record(
                session, TaskReport, report_id, "季度进展不存在，请先保存进展再添加佐证材料。"
            )
            division_id, uuid = r.division_id, r.uuid
        AttachmentService(self.db, self.actor, attachments_dir).attach(
            REPORT_ENTITY, uuid, division_id, source
        )
        return self.report(report_id)

    def remove_evidence_file(
        self, report_id: int, attachment_id: int, attachments_dir: str | Path
    ) -> ReportInfo:
        """Unlink an evidence file from a report (the stored bytes stay for backups)."""
        with self.db.read() as session:
            r = session.get(TaskReport, report_id)
            f = session.get(Attachment, attachment_id)
            if r is None or f is None or f.entity != REPORT_ENTITY or f.entity_uuid != r.uuid:
                raise NotFound("佐证材料不存在。")
        AttachmentService(self.db, self.actor, attachments_dir).remove(attachment_id)
        return self.report(report_id)


# ---- helpers -----------------------------------------------------------------------------------


def _empty_group_warning(no: int, word: str) -> str:
    what = "业务处" if word in GROUP_WORDS_BUSINESS else "处室"
    return (
        f"第{no}项任务的“{word}”目前没有对应的{what}：请先在「系统管理 › 处室」中添加{what}，"
        "再重新导入，否则这些处室不会被分配该任务"
    )


def _due_workdays(session: Session) -> int:
    value = read_setting(session, "quarter_report_due_workdays")
    try:
        n = int(value)
    except (TypeError, ValueError):
        return DEFAULT_DUE_WORKDAYS
    return n if n >= 0 else DEFAULT_DUE_WORKDAYS


def _due_date_or_none(session: Session, year: int, quarter: int) -> date | None:
    try:
        return report_due_date(load_calendar(session), year, quarter, _due_workdays(session))
    except CalendarMissing:
        return None


def _evidence_files(session: Session, uuids: Sequence[str]) -> dict[str, tuple[EvidenceFile, ...]]:
    if not uuids:
        return {}
    out: dict[str, list[EvidenceFile]] = {}
    rows = session.scalars(
        select(Attachment)
        .where(
            Attachment.entity == REPORT_ENTITY,
            Attachment.entity_uuid.in_(list(uuids)),
            Attachment.deleted_at.is_(None),
        )
        .order_by(Attachment.id)
    )
    for f in rows:
        out.setdefault(f.entity_uuid, []).append(EvidenceFile(f.id, f.filename, f.sha256, f.size))
    return {k: tuple(v) for k, v in out.items()}


def _report_info(r: TaskReport, due: date | None, files: Sequence[EvidenceFile]) -> ReportInfo:
    try:
        links = tuple(str(x) for x in json.loads(r.links or "[]"))
    except (ValueError, TypeError):
        links = ()
    return ReportInfo(
        r.id,
        r.uuid,
        r.assignment_id,
        r.division_id,
        r.quarter,
        r.progress,
        TaskStatus(r.status),
        links,
        r.submitted_on,
        is_late(r.submitted_on, due),
        ReviewResult(r.review_result) if r.review_result else None,
        r.review_comment,
        r.version,
        tuple(files),
    )
