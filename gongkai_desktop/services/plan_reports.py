"""年度任务 quarterly reports (季度进展), their evidence files and 综合处's review; ``PlanService``
carries them.

- Reports: one per assignment and quarter; a liaison reports only for their own division (the
  refusal is audited). Editing a reviewed report sends it back for review.
- Review (admins only): 合格 / 需整改 with 督查意见; 需整改 needs the 意见.
- The report deadline: ``quarter_report_due_workdays`` working days after each quarter.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..attachments import AttachmentService
from ..db.base import utcnow
from ..db.ledger_models import Attachment
from ..db.plan_models import PlanAssignment, PlanTask, TaskReport
from ..domain.permissions import Action
from ..domain.plan import (
    DEFAULT_DUE_WORKDAYS,
    MAX_COMMENT_CHARS,
    MAX_PROGRESS_CHARS,
    QUARTER_LABELS,
    ReviewResult,
    TaskStatus,
    check_quarter,
    clean_links,
    is_late,
    quarter_start,
    report_due_date,
)
from ..errors import CalendarMissing, ConflictError, NotFound, ValidationError
from .admin import read_setting
from .base import Service, changed_fields, live_record, snapshot
from .calendar import load_calendar

REPORT_ENTITY = "task_report"
REPORT_MISSING = "季度进展不存在。"


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


# ---- the reports, carried by the plan service --------------------------------------------------


class QuarterlyReports(Service):
    # ----- reading -----------------------------------------------------------------------------
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
