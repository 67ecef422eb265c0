"""年度任务 import: a year's plan, as parsed (``ParsedTask``, possibly edited in the preview),
stored as tasks and assignments; ``PlanService`` carries it.

The parsed tasks are matched to the stored tasks of the year by number, so importing again updates
instead of duplicating. Division names are resolved here: exact division names, group words (各业务处
→ every 业务处, 各处室 → every division) and the user's decisions for unknown names (map to a
division, add it as a new division, or leave it out). An unknown name without a decision stops the
import with the list of such names; nothing is stored. Assignments no longer in the plan and tasks
no longer in it are soft-deleted, so their reports are kept and come back with them. Admins only;
``preview_plan_import`` reads only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.base import utcnow
from ..db.engine import Database
from ..db.models import Division
from ..db.plan_models import PlanAssignment, PlanTask, TaskReport
from ..domain.labels import GROUP_WORDS_BUSINESS, DivisionKind
from ..domain.permissions import Action
from ..domain.plan import AssignmentRole, DivisionRef, expand_group_word
from ..errors import ValidationError
from ..importers.plan import ParsedTask
from .admin import AdminService, insert_division
from .base import Service, changed_fields, snapshot

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


def _empty_group_warning(no: int, word: str) -> str:
    what = "业务处" if word in GROUP_WORDS_BUSINESS else "处室"
    return (
        f"第{no}项任务的“{word}”目前没有对应的{what}：请先在「系统管理 › 处室」中添加{what}，"
        "再重新导入，否则这些处室不会被分配该任务"
    )


# ---- the import, carried by the plan service ---------------------------------------------------


class PlanImport(Service):
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
