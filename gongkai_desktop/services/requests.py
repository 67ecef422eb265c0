"""依申请公开登记: requests, their clocks, and the review and litigation cases about them.

Liaisons create and edit the requests their division handles (承办处室); the admin edits all;
leaders read. Liaisons see only their own division's requests (they hold applicants' personal
data). Every change is audited in its own transaction; an edit of a record someone else changed
meanwhile raises :class:`ConflictError`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..calendar import WorkingCalendar
from ..db.models import Division
from ..db.request_models import DisclosureCase, DisclosureRequest
from ..domain.permissions import Action
from ..domain.request_clock import (
    ClockStatus,
    RequestClock,
    TimelineEvent,
    clock_problems,
    request_status,
    request_timeline,
)
from ..domain.requests import (
    STATE_PRIORITY,
    ApplicantType,
    Channel,
    RequestState,
)
from ..errors import CalendarMissing, NotFound, ValidationError
from ..reports.excel._text import MAX_CELL_CHARS
from ..server_login import number_taken
from .base import division_names, live_record, snapshot
from .calendar import load_calendar
from .request_cases import (
    CaseInput,
    CaseRegister,
    CaseRow,
    deleted_number,
    raise_problems,
)

__all__ = [
    "CaseInput",
    "CaseRow",
    "RequestDetail",
    "RequestInput",
    "RequestRow",
    "RequestService",
    "input_of",
    "status_of",
    "validate_request",
    "year_filter",
]

log = logging.getLogger(__name__)

REQUEST_MISSING = "该申请不存在或已删除。"


@dataclass(frozen=True)
class RequestInput:
    """The fields of a request as the form or an import row gives them."""

    reg_no: str
    receipt_date: date
    channel: Channel
    applicant_type: ApplicantType
    division_id: int
    applicant: str = ""
    content: str = ""
    correction_notice_date: date | None = None
    correction_received_date: date | None = None
    consultation_days: int = 0
    extension_days: int = 0
    extension_approved_by: str = ""
    extension_approved_on: date | None = None
    answer_date: date | None = None
    outcome: str | None = None
    fee_cents: int | None = None
    notes: str = ""
    correction_due_date: date | None = None
    consultation_sent_on: date | None = None
    consultation_answered_on: date | None = None
    delay_reason: str = ""
    delay_until: date | None = None
    answer_text: str = ""

    @property
    def clock(self) -> RequestClock:
        # Every field of the clock is a field of the request under the same name.
        return RequestClock(**{f.name: getattr(self, f.name) for f in fields(RequestClock)})


@dataclass(frozen=True)
class RequestRow:
    """A request as the register shows it, with its computed deadline and state."""

    id: int
    uuid: str
    version: int
    division_name: str
    data: RequestInput
    status: ClockStatus

    @property
    def reg_no(self) -> str:
        return self.data.reg_no

    @property
    def deadline(self) -> date | None:
        return self.status.deadline

    @property
    def state(self) -> RequestState:
        return self.status.state


@dataclass(frozen=True)
class RequestDetail:
    row: RequestRow
    timeline: tuple[TimelineEvent, ...]
    cases: tuple[CaseRow, ...] = field(default_factory=tuple)


def input_of(r: DisclosureRequest) -> RequestInput:
    return RequestInput(
        reg_no=r.reg_no,
        receipt_date=r.receipt_date,
        channel=Channel(r.channel),
        applicant_type=ApplicantType(r.applicant_type),
        division_id=r.division_id,
        applicant=r.applicant,
        content=r.content,
        correction_notice_date=r.correction_notice_date,
        correction_received_date=r.correction_received_date,
        consultation_days=r.consultation_days,
        extension_days=r.extension_days,
        extension_approved_by=r.extension_approved_by,
        extension_approved_on=r.extension_approved_on,
        answer_date=r.answer_date,
        outcome=r.outcome,
        fee_cents=r.fee_cents,
        notes=r.notes,
        correction_due_date=r.correction_due_date,
        consultation_sent_on=r.consultation_sent_on,
        consultation_answered_on=r.consultation_answered_on,
        delay_reason=r.delay_reason,
        delay_until=r.delay_until,
        answer_text=r.answer_text,
    )


def status_of(calendar: WorkingCalendar, data: RequestInput, today: date) -> ClockStatus:
    """The clock status, or 无法计算 naming the missing holiday year instead of failing the list."""
    try:
        status = request_status(calendar, data.clock, today)
    except CalendarMissing as exc:
        year = exc.params.get("year")
        return ClockStatus(None, RequestState.UNKNOWN, None, (f"缺少{year}年节假日安排",))
    return status


def _row_of(
    r: DisclosureRequest, division_names: dict[int, str], calendar: WorkingCalendar, today: date
) -> RequestRow:
    data = input_of(r)
    return RequestRow(
        r.id,
        r.uuid,
        r.version,
        division_names.get(r.division_id, ""),
        data,
        status_of(calendar, data, today),
    )


def sort_key(row: RequestRow) -> tuple[int, date, date]:
    """Overdue first, then due soon, then the open ones by deadline; closed ones newest first."""
    deadline = row.deadline or date.max
    if row.state.is_open or row.state is RequestState.UNKNOWN:
        return (STATE_PRIORITY[row.state], deadline, date.min)
    return (
        STATE_PRIORITY[RequestState.CLOSED_ON_TIME],
        date.max,
        date.fromordinal(date.max.toordinal() - row.data.receipt_date.toordinal() + 1),
    )


def year_filter(year: int):  # type: ignore[no-untyped-def]
    """Requests that are part of the year's work: received by its end, not answered before it."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return and_(
        DisclosureRequest.receipt_date <= end,
        or_(DisclosureRequest.answer_date.is_(None), DisclosureRequest.answer_date >= start),
    )


def validate_request(
    data: RequestInput, *, require_extension_approval: bool
) -> list[tuple[str, str]]:
    """(column, reason) pairs of everything wrong with a request's values."""
    problems: list[tuple[str, str]] = []
    if not data.reg_no.strip():
        problems.append(("登记编号", "必填，不能为空"))
    elif len(data.reg_no.strip()) > 64:
        problems.append(("登记编号", "不能超过64个字符"))
    if len(data.applicant) > 200:
        problems.append(("申请人", "不能超过200个字符"))
    for column, text in (("申请内容", data.content), ("备注", data.notes)):
        if len(text) > MAX_CELL_CHARS:
            problems.append((column, f"不能超过{MAX_CELL_CHARS}个字符（Excel 单元格的上限）"))
    problems.extend(
        clock_problems(
            data.clock,
            data.outcome,
            data.fee_cents,
            require_extension_approval=require_extension_approval,
        )
    )
    return problems


class RequestService(CaseRegister):
    """The register of requests and of review / litigation cases."""

    # -- reading --------------------------------------------------------------------------
    def list_requests(
        self,
        *,
        year: int | None = None,
        division_id: int | None = None,
        states: Iterable[RequestState] | None = None,
        search: str = "",
        today: date | None = None,
    ) -> list[RequestRow]:
        """The register: overdue and due-soon requests on top (see :func:`sort_key`)."""
        today = today or date.today()
        q = select(DisclosureRequest).where(DisclosureRequest.deleted_at.is_(None))
        own = self._visible_division()
        if own is not None:
            q = q.where(DisclosureRequest.division_id == own)
        if division_id is not None:
            q = q.where(DisclosureRequest.division_id == division_id)
        if year is not None:
            q = q.where(year_filter(year))
        text = search.strip()
        if text:
            like = f"%{text}%"
            q = q.where(
                or_(
                    DisclosureRequest.reg_no.like(like),
                    DisclosureRequest.applicant.like(like),
                    DisclosureRequest.content.like(like),
                    DisclosureRequest.outcome.like(like),
                )
            )
        with self.db.read() as session:
            calendar = load_calendar(session)
            names = division_names(session)
            rows = [_row_of(r, names, calendar, today) for r in session.scalars(q)]
        wanted = set(states) if states else None
        if wanted is not None:
            rows = [r for r in rows if r.state in wanted]
        rows.sort(key=sort_key)
        return rows

    def get_request(self, request_id: int, today: date | None = None) -> RequestDetail:
        today = today or date.today()
        with self.db.read() as session:
            r = live_record(session, DisclosureRequest, request_id, REQUEST_MISSING)
            own = self._visible_division()
            if own is not None and r.division_id != own:
                raise NotFound("该申请不存在或不属于本处室。")
            calendar = load_calendar(session)
            names = division_names(session)
            row = _row_of(r, names, calendar, today)
            cases = [
                self._case_row(c, names, {r.id: r.reg_no})
                for c in session.scalars(
                    select(DisclosureCase)
                    .where(DisclosureCase.request_id == r.id, DisclosureCase.deleted_at.is_(None))
                    .order_by(DisclosureCase.received_date)
                )
            ]
        data = row.data
        try:
            events = request_timeline(
                calendar,
                data.clock,
                data.channel,
                outcome=data.outcome,
                fee_cents=data.fee_cents,
                today=today,
            )
        except CalendarMissing as exc:
            events = [TimelineEvent(data.receipt_date, f"收到申请（{data.channel.label}）")]
            events.append(TimelineEvent(None, "无法计算答复期限", str(exc), warning=True))
        for c in cases:
            events.append(
                TimelineEvent(c.data.received_date, f"{c.data.case_type.label}立案", c.case_no)
            )
            if c.data.closed_date is not None:
                result = c.data.result.label if c.data.result else ""
                events.append(
                    TimelineEvent(
                        c.data.closed_date, f"{c.data.case_type.label}审结", f"结果：{result}"
                    )
                )
        return RequestDetail(row, tuple(events), tuple(cases))

    def find_request_id(self, reg_no: str) -> int | None:
        with self.db.read() as session:
            return session.scalar(
                select(DisclosureRequest.id).where(
                    DisclosureRequest.reg_no == reg_no.strip(),
                    DisclosureRequest.deleted_at.is_(None),
                )
            )

    # -- writing --------------------------------------------------------------------------
    def _check_division(self, session: Session, division_id: int) -> Division:
        d = session.get(Division, division_id)
        if d is None:
            raise ValidationError("承办处室不存在。")
        return d

    def create_request(self, data: RequestInput) -> RequestRow:
        self.require(
            Action.EDIT_RECORD,
            division_id=data.division_id,
            what="request.create",
            entity="disclosure_request",
            entity_id=data.reg_no,
        )
        data = self._normalised(data)
        raise_problems("申请登记", validate_request(data, require_extension_approval=True))
        with self.db.write() as session:
            self._check_division(session, data.division_id)
            self._check_unique(session, data.reg_no, None)
            r = DisclosureRequest(created_by=self.actor.user_id, updated_by=self.actor.user_id)
            self._apply(r, data)
            session.add(r)
            session.flush()
            self.audit(
                session,
                "request.create",
                entity="disclosure_request",
                entity_id=r.uuid,
                division_id=r.division_id,
                after=snapshot(r),
                detail=r.reg_no,
            )
            request_id = r.id
        return self._row(request_id)

    def update_request(
        self, request_id: int, data: RequestInput, expected_version: int | None
    ) -> RequestRow:
        with self.db.read() as session:
            current = live_record(session, DisclosureRequest, request_id, REQUEST_MISSING)
        self.require_each(
            Action.EDIT_RECORD,
            (current.division_id, data.division_id),
            what="request.update",
            entity="disclosure_request",
            entity_id=current.uuid,
        )
        data = self._normalised(data)
        raise_problems("申请登记", validate_request(data, require_extension_approval=True))
        try:
            with self.db.write() as session:
                r = live_record(session, DisclosureRequest, request_id, REQUEST_MISSING)
                self.check_version(r, expected_version, f"申请「{r.reg_no}」")
                self._check_division(session, data.division_id)
                self._check_unique(session, data.reg_no, r.id)
                before = snapshot(r)
                self._apply(r, data)
                r.updated_by = self.actor.user_id
                session.flush()
                self._sync_case_divisions(session, r)
                self.audit(
                    session,
                    "request.update",
                    entity="disclosure_request",
                    entity_id=r.uuid,
                    division_id=r.division_id,
                    before=before,
                    after=snapshot(r),
                    detail=r.reg_no,
                )
        except StaleDataError as exc:
            raise self._conflict(DisclosureRequest, request_id, "该申请") from exc
        return self._row(request_id)

    def delete_request(self, request_id: int, expected_version: int | None) -> None:
        def refuse_if_cases_linked(session: Session, r: DisclosureRequest) -> None:
            linked = session.scalar(
                select(DisclosureCase.case_no).where(
                    DisclosureCase.request_id == r.id, DisclosureCase.deleted_at.is_(None)
                )
            )
            if linked:
                raise ValidationError(
                    f"申请「{r.reg_no}」关联了复议或诉讼案件（{linked}），请先删除或改挂案件。"
                )
            r.reg_no = deleted_number(r.reg_no, r.id)

        self.soft_delete(
            DisclosureRequest,
            request_id,
            what="request.delete",
            entity="disclosure_request",
            missing=REQUEST_MISSING,
            expected_version=expected_version,
            name=lambda r: f"申请「{r.reg_no}」",
            before_delete=refuse_if_cases_linked,
        )

    def _row(self, request_id: int) -> RequestRow:
        with self.db.read() as session:
            r = session.get(DisclosureRequest, request_id)
            assert r is not None
            calendar = load_calendar(session)
            names = division_names(session)
            return _row_of(r, names, calendar, date.today())

    @staticmethod
    def _normalised(data: RequestInput) -> RequestInput:
        outcome = (data.outcome or "").strip() or None
        return replace(
            data,
            reg_no=data.reg_no.strip(),
            applicant=data.applicant.strip(),
            content=data.content.strip(),
            extension_approved_by=data.extension_approved_by.strip(),
            outcome=outcome,
            notes=data.notes.strip(),
            delay_reason=data.delay_reason.strip(),
            answer_text=data.answer_text.strip(),
        )

    @staticmethod
    def _check_unique(session: Session, reg_no: str, own_id: int | None) -> None:
        other = number_taken(
            session,
            "request",
            select(DisclosureRequest.id).where(DisclosureRequest.reg_no == reg_no),
            reg_no,
        )
        if other is not None and other != own_id:
            raise ValidationError(f"登记编号「{reg_no}」已被其他申请使用。")

    @staticmethod
    def _apply(r: DisclosureRequest, d: RequestInput) -> None:
        r.reg_no = d.reg_no
        r.receipt_date = d.receipt_date
        r.channel = d.channel.value
        r.applicant_type = d.applicant_type.value
        r.applicant = d.applicant
        r.content = d.content
        r.division_id = d.division_id
        r.correction_notice_date = d.correction_notice_date
        r.correction_received_date = d.correction_received_date
        r.consultation_days = d.consultation_days
        r.extension_days = d.extension_days
        r.extension_approved_by = d.extension_approved_by
        r.extension_approved_on = d.extension_approved_on
        r.answer_date = d.answer_date
        r.outcome = d.outcome
        r.fee_cents = d.fee_cents
        r.notes = d.notes
        r.correction_due_date = d.correction_due_date
        r.consultation_sent_on = d.consultation_sent_on
        r.consultation_answered_on = d.consultation_answered_on
        r.delay_reason = d.delay_reason
        r.delay_until = d.delay_until
        r.answer_text = d.answer_text

    @staticmethod
    def _sync_case_divisions(session: Session, r: DisclosureRequest) -> None:
        for c in session.scalars(select(DisclosureCase).where(DisclosureCase.request_id == r.id)):
            if c.division_id != r.division_id:
                c.division_id = r.division_id
