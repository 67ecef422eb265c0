"""The records behind one division's number on one indicator (the click-through of the
考核评议 page, the division sheets of the workbook and the 督查通报).

Each record comes with its outcome under the indicator, judged by the same rules as
``services.measures`` counts them: 达标, 未达标, or 未计量 (its deadline is still ahead).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, literal, or_, select
from sqlalchemy.orm import Session

from ..db.decision_models import Consultation, Decision
from ..db.engagement_models import PressConference, PublicInteraction, PublicOpinion, WorkMeeting
from ..db.interpretation_models import Interpretation
from ..db.ledger_models import DisclosureItem, NormativeDocument
from ..db.plan_models import PlanAssignment, PlanTask, TaskReport
from ..db.request_models import DisclosureRequest
from ..domain.disclosure import PORTAL_BIT, DisclosureAttribute
from ..domain.interpretation import InterpretationFields
from ..domain.plan import QUARTER_LABELS, ReviewResult
from ..domain.request_clock import RequestClock, request_status
from ..domain.requests import RequestState
from ..errors import CalendarMissing
from .measures import (
    CLOCK_COLUMNS,
    MeasureContext,
    consultation_judge,
    consultations_stmt,
    document_outcomes,
    sync_outcome,
)
from .measures_engagement import (
    _division_ids,
    conferences_held,
    response_check,
    took_part,
    trainings_stmt,
)
from .measures_plan import report_due_dates

RECORD_LIMIT = 500  # rows per indicator in a detail view
OUTCOME_LABELS = {"met": "达标", "missed": "未达标", "pending": "未计量"}


@dataclass(frozen=True)
class RecordRef:
    """One record behind a number: where it is kept (a page key), what, when, and its outcome."""

    page: str
    record_id: int | None
    title: str
    dated: date | None
    outcome: str  # met / missed / pending
    note: str = ""
    done: bool = True  # False: still to be done (a pending one is then at risk)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


def _day(value: datetime | date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _items(session: Session, ctx: MeasureContext, division_id: int, method: str) -> list[RecordRef]:
    """A division may have thousands of items a year: SQL puts the missed ones first, then the
    pending ones, and reads no more than the limit."""
    i = DisclosureItem
    if method == "ZD1":
        passed = and_(i.deadline.is_not(None), i.deadline < ctx.as_of)
        missed = and_(passed, or_(i.published_on.is_(None), i.published_on > i.deadline))
        rank = case((missed, 0), (passed, 2), else_=1)
        where = [literal(True)]
    else:
        rank = case((i.channels.op("&")(PORTAL_BIT) == 0, 0), else_=2)
        where = [i.published_on.is_not(None), i.deadline.is_not(None)]
    stmt = (
        select(i.id, i.title, i.formed_on, i.deadline, i.published_on, i.channels)
        .where(
            i.deleted_at.is_(None),
            i.division_id == division_id,
            i.attribute == DisclosureAttribute.PROACTIVE.value,
            ctx.within(i.formed_on),
            *where,
        )
        .order_by(rank, i.formed_on, i.id)
        .limit(RECORD_LIMIT)
    )
    out: list[RecordRef] = []
    for item_id, title, formed, deadline, published, channels in session.execute(stmt):
        if method == "ZD1":
            if deadline is None:
                outcome, note = "pending", "期限无法计算"
            elif deadline >= ctx.as_of:
                when = f"，{published:%Y-%m-%d} 公开" if published else "，尚未公开"
                outcome, note = "pending", f"期限 {deadline:%Y-%m-%d} 未到{when}"
            elif published is not None and published <= deadline:
                outcome, note = "met", f"期限 {deadline:%Y-%m-%d}，{published:%Y-%m-%d} 公开"
            else:
                when = f"{published:%Y-%m-%d} 逾期公开" if published else "逾期未公开"
                outcome, note = "missed", f"期限 {deadline:%Y-%m-%d}，{when}"
        else:
            if published is None or deadline is None:
                continue
            portal = bool(channels & PORTAL_BIT)
            outcome, note = (
                ("met", "已在门户网站公开") if portal else ("missed", "公开渠道未列门户网站")
            )
        done = published is not None
        out.append(RecordRef("items", item_id, title, formed, outcome, note, done))
    return out


def _documents(
    session: Session, ctx: MeasureContext, division_id: int, method: str
) -> list[RecordRef]:
    d = NormativeDocument
    stmt = (
        select(d.id, d.doc_number, d.title, d.written_on, d.published_on, d.interpreted)
        .where(
            d.deleted_at.is_(None),
            d.division_id == division_id,
            ctx.within(d.written_on),
            d.written_on <= ctx.as_of,
        )
        .order_by(d.written_on, d.id)
    )
    out: list[RecordRef] = []
    for doc_id, number, title, written, published, interpreted in session.execute(stmt):
        is_published = published is not None and published <= ctx.as_of
        zd3, jd1 = document_outcomes(ctx, written, is_published, bool(interpreted))
        outcome, note = zd3 if method == "ZD3" else jd1
        if is_published:
            note = f"{published:%Y-%m-%d} 公开；{note}"
        name = f"{number} {title}".strip()
        out.append(RecordRef("documents", doc_id, name, written, outcome, note, is_published))
    return out


def _interpretations(
    session: Session, ctx: MeasureContext, division_id: int, method: str
) -> list[RecordRef]:
    from .measures import diverse_forms, interpretation_period

    i = Interpretation
    stmt = (
        select(
            i.id,
            i.title,
            i.forms,
            i.document_approved_on,
            i.approved_on,
            i.document_published_on,
            i.published_on,
        )
        .where(i.deleted_at.is_(None), i.division_id == division_id, interpretation_period(ctx))
        .order_by(i.id)
    )
    out: list[RecordRef] = []
    for rid, title, forms, doc_approved, approved, doc_published, published in session.execute(
        stmt
    ):
        if method == "JD2":
            fields = InterpretationFields(
                "",
                "",
                document_approved_on=doc_approved,
                approved_on=approved,
                document_published_on=doc_published,
                published_on=published,
            )
            outcome = sync_outcome(fields, ctx)
            note = {"met": "同步", "missed": "不同步", "pending": "尚未发布"}[outcome]
        else:
            met = diverse_forms(forms)
            outcome, note = ("met", "多种形式") if met else ("missed", "仅文字解读")
        done = published is not None and published <= ctx.as_of
        dated = doc_published or published
        out.append(RecordRef("interpretations", rid, title, dated, outcome, note, done))
    return out


def _responses(
    session: Session, ctx: MeasureContext, division_id: int, method: str
) -> list[RecordRef]:
    o = PublicOpinion
    start, end = (
        datetime.combine(ctx.period.start, datetime.min.time()),
        datetime.combine(ctx.period.end, datetime.max.time()),
    )
    out: list[RecordRef] = []
    for rid, subject, seen, responded in session.execute(
        select(o.id, o.subject, o.first_seen_at, o.responded_at)
        .where(
            o.deleted_at.is_(None),
            o.division_id == division_id,
            o.first_seen_at >= start,
            o.first_seen_at <= end,
        )
        .order_by(o.first_seen_at)
    ):
        outcome, check = response_check(seen, responded, ctx)
        out.append(
            RecordRef(
                "engagement",
                rid,
                f"舆情：{subject}",
                _day(seen),
                outcome,
                check.message,
                not check.is_open,
            )
        )
    m = PublicInteraction
    period_over = ctx.period.end < ctx.as_of
    for rid, subject, received, answered in session.execute(
        select(m.id, m.subject, m.received_on, m.answered_on)
        .where(
            m.deleted_at.is_(None),
            m.division_id == division_id,
            m.form == "message",
            ctx.within(m.received_on),
            m.received_on <= ctx.as_of,
        )
        .order_by(m.received_on)
    ):
        if answered is not None and answered <= ctx.as_of:
            outcome, note = "met", f"{answered:%Y-%m-%d} 答复"
        else:
            outcome, note = ("missed" if period_over else "pending"), "未答复"
        title = f"留言：{subject}"
        out.append(RecordRef("engagement", rid, title, received, outcome, note, outcome == "met"))
    return out


def _requests(
    session: Session, ctx: MeasureContext, division_id: int, method: str
) -> list[RecordRef]:
    r = DisclosureRequest
    out: list[RecordRef] = []
    for rid, reg_no, content, *clock in session.execute(
        select(
            r.id,
            r.reg_no,
            r.content,
            *CLOCK_COLUMNS,
        )
        .where(
            r.deleted_at.is_(None),
            r.division_id == division_id,
            ctx.within(r.receipt_date),
            r.receipt_date <= ctx.as_of,
        )
        .order_by(r.receipt_date, r.id)
    ):
        c = RequestClock(*clock)
        try:
            status = request_status(ctx.calendar, c, ctx.as_of)
        except CalendarMissing as exc:
            out.append(
                RecordRef(
                    "requests",
                    rid,
                    f"{reg_no} {content}".strip()[:80],
                    c.receipt_date,
                    "pending",
                    str(exc),
                    c.answer_date is not None,
                )
            )
            continue
        if status.deadline is None or status.deadline >= ctx.as_of:
            outcome = "pending"
        else:
            outcome = "met" if status.state is RequestState.CLOSED_ON_TIME else "missed"
        due = f"期限 {status.deadline:%Y-%m-%d}，" if status.deadline else ""
        out.append(
            RecordRef(
                "requests",
                rid,
                f"{reg_no} {content}".strip()[:80],
                c.receipt_date,
                outcome,
                due + status.state.label,
                c.answer_date is not None,
            )
        )
    return out


def _consultations(
    session: Session, ctx: MeasureContext, division_id: int, method: str
) -> list[RecordRef]:
    from .decision_rows import consultation_fields, decision_fields

    judge = consultation_judge(session, ctx)
    out: list[RecordRef] = []
    stmt = consultations_stmt(ctx).where(Decision.division_id == division_id)
    for decision, consultation in session.execute(stmt.order_by(Consultation.ended_on)):
        outcome, period, result = judge(
            decision_fields(decision), consultation_fields(consultation)
        )
        note = f"征求期限：{period.label}；采纳情况公开：{result.label}"
        done = consultation.result_published_on is not None
        out.append(
            RecordRef(
                "decisions", decision.id, decision.title, consultation.ended_on, outcome, note, done
            )
        )
    return out


def _conferences(
    session: Session, ctx: MeasureContext, division_id: int, method: str
) -> list[RecordRef]:
    p = PressConference
    out: list[RecordRef] = []
    for rid, topic, held, organiser, involved in session.execute(
        select(p.id, p.topic, p.held_on, p.division_id, p.involved_divisions)
        .where(conferences_held(ctx))
        .order_by(p.held_on)
    ):
        took_part = division_id == organiser or division_id in _division_ids(involved)
        out.append(
            RecordRef(
                "engagement",
                rid,
                f"新闻发布会：{topic}",
                held,
                "met" if took_part else "missed",
                "本处室参与" if took_part else "本处室未参与",
            )
        )
    return out


def _training(
    session: Session, ctx: MeasureContext, division_id: int, method: str
) -> list[RecordRef]:
    from ..db.models import Division

    division = session.get(Division, division_id)
    assert division is not None
    out: list[RecordRef] = []
    for rid, subject, held, organiser, participants in session.execute(
        trainings_stmt(ctx).order_by(WorkMeeting.held_on)
    ):
        met = took_part(division, organiser, participants)
        note = "本处室参加" if met else "本处室未参加"
        out.append(
            RecordRef("engagement", rid, f"培训：{subject}", held, "met" if met else "missed", note)
        )
    return out


def _reports(
    session: Session, ctx: MeasureContext, division_id: int, method: str
) -> list[RecordRef]:
    a, t, r = PlanAssignment, PlanTask, TaskReport
    due_dates = report_due_dates(ctx)
    rows = session.execute(
        select(a.id, t.no, t.title)
        .join(t, t.id == a.task_id)
        .where(
            a.deleted_at.is_(None),
            t.deleted_at.is_(None),
            t.year == ctx.period.year,
            a.division_id == division_id,
        )
        .order_by(t.no)
    ).all()
    reports: dict[tuple[int, int], Any] = {
        (x.assignment_id, x.quarter): x
        for x in session.scalars(
            select(r).where(
                r.deleted_at.is_(None),
                r.submitted_on <= ctx.as_of,  # as counted: sent by the evaluation day
                r.assignment_id.in_([row[0] for row in rows]),
            )
        )
    }
    out: list[RecordRef] = []
    for assignment_id, no, title in rows:
        for q, due in due_dates.items():
            report = reports.get((assignment_id, q))
            name = f"第{no}项 {title}（{QUARTER_LABELS[q]}）"
            if method == "RW1":
                if due >= ctx.as_of:
                    sent = f"，{report.submitted_on:%Y-%m-%d} 已报送" if report else "，尚未报送"
                    outcome, note = "pending", f"报送期限 {due:%Y-%m-%d} 未到{sent}"
                elif report is not None and report.submitted_on <= due:
                    outcome, note = "met", f"{report.submitted_on:%Y-%m-%d} 报送"
                else:
                    late = f"{report.submitted_on:%Y-%m-%d} 逾期报送" if report else "逾期未报"
                    outcome, note = "missed", f"期限 {due:%Y-%m-%d}，{late}"
            else:
                if report is None or report.review_result is None:
                    continue
                passed = report.review_result == ReviewResult.PASS.value
                outcome, note = ("met", "审核合格") if passed else ("missed", "需整改")
            out.append(RecordRef("tasks", None, name, due, outcome, note, report is not None))
    return out


_READERS = {
    "RW1": _reports,
    "RW2": _reports,
    "ZD1": _items,
    "ZD2": _items,
    "ZD3": _documents,
    "JD1": _documents,
    "JD2": _interpretations,
    "JD3": _interpretations,
    "HY1": _responses,
    "YSQ1": _requests,
    "JC1": _consultations,
    "FB1": _conferences,
    "PX1": _training,
}


def records_of(
    session: Session, ctx: MeasureContext, division_id: int, method: str
) -> list[RecordRef]:
    """The records behind ``method``'s numbers for the division (at most RECORD_LIMIT, the
    missed ones first)."""
    rows = _READERS[method](session, ctx, division_id, method)
    order = {"missed": 0, "pending": 1, "met": 2}
    rows.sort(key=lambda r: order[r.outcome])
    return rows[:RECORD_LIMIT]
