"""行政复议 / 行政诉讼 about disclosure requests: the case register that ``RequestService`` carries,
and what the request and case registers share (refusing bad values, freeing a deleted number)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..db.models import Division
from ..db.request_models import DisclosureCase, DisclosureRequest
from ..domain.labels import DivisionKind
from ..domain.permissions import Action, personal_scope
from ..domain.requests import (
    CaseResult,
    CaseType,
    case_problems,
)
from ..errors import ConflictError, ValidationError
from ..server_login import number_taken
from .base import Service, division_names, live_record, snapshot

log = logging.getLogger(__name__)

CASE_MISSING = "该案件不存在或已删除。"


@dataclass(frozen=True)
class CaseInput:
    case_no: str
    case_type: CaseType
    received_date: date
    closed_date: date | None = None
    result: CaseResult | None = None
    request_id: int | None = None
    division_id: int | None = None  # only when no request is linked; else the request's division
    notes: str = ""


@dataclass(frozen=True)
class CaseRow:
    id: int
    uuid: str
    version: int
    division_id: int
    division_name: str
    request_reg_no: str
    data: CaseInput

    @property
    def case_no(self) -> str:
        return self.data.case_no


def case_input_of(c: DisclosureCase) -> CaseInput:
    return CaseInput(
        case_no=c.case_no,
        case_type=CaseType(c.case_type),
        received_date=c.received_date,
        closed_date=c.closed_date,
        result=CaseResult(c.result) if c.result else None,
        request_id=c.request_id,
        division_id=c.division_id,
        notes=c.notes,
    )


def deleted_number(number: str, record_id: int) -> str:
    """The number a deleted request or case keeps: marked, so the number is free for a new one."""
    return f"{number}#deleted-{record_id}"[:64]


def raise_problems(what: str, problems: Sequence[tuple[str, str]]) -> None:
    if problems:
        raise ValidationError(
            f"{what}的内容有误，未保存。",
            problems=[f"「{col}」：{reason}" for col, reason in problems],
        )


class CaseRegister(Service):
    """The case half of the register (see ``RequestService``)."""

    def _visible_division(self) -> int | None:
        """The only division whose requests and cases the actor may see (the one rule for
        records holding personal information, ``personal_scope``); None: all divisions."""
        return personal_scope(self.actor)

    def _conflict(
        self, model: type[DisclosureRequest] | type[DisclosureCase], record_id: int, what: str
    ) -> ConflictError:
        return self.lost_race(model, record_id, what)

    # -- cases ----------------------------------------------------------------------------
    @staticmethod
    def _case_row(c: DisclosureCase, names: dict[int, str], reg_nos: dict[int, str]) -> CaseRow:
        return CaseRow(
            c.id,
            c.uuid,
            c.version,
            c.division_id,
            names.get(c.division_id, ""),
            reg_nos.get(c.request_id, "") if c.request_id else "",
            case_input_of(c),
        )

    def list_cases(
        self, *, year: int | None = None, request_id: int | None = None
    ) -> list[CaseRow]:
        q = select(DisclosureCase).where(DisclosureCase.deleted_at.is_(None))
        own = self._visible_division()
        if own is not None:
            q = q.where(DisclosureCase.division_id == own)
        if request_id is not None:
            q = q.where(DisclosureCase.request_id == request_id)
        if year is not None:
            start, end = date(year, 1, 1), date(year, 12, 31)
            q = q.where(
                DisclosureCase.received_date <= end,
                or_(DisclosureCase.closed_date.is_(None), DisclosureCase.closed_date >= start),
            )
        q = q.order_by(DisclosureCase.received_date.desc(), DisclosureCase.id.desc())
        with self.db.read() as session:
            names = division_names(session)
            cases = list(session.scalars(q))
            ids = {c.request_id for c in cases if c.request_id}
            reg_nos: dict[int, str] = {}
            if ids:
                q_nos = select(DisclosureRequest.id, DisclosureRequest.reg_no).where(
                    DisclosureRequest.id.in_(ids)
                )
                reg_nos = {i: no for i, no in session.execute(q_nos)}
            return [self._case_row(c, names, reg_nos) for c in cases]

    def _case_division(self, session: Session, data: CaseInput) -> int:
        if data.request_id is not None:
            r = session.get(DisclosureRequest, data.request_id)
            if r is None or r.deleted_at is not None:
                raise ValidationError("关联的申请不存在或已删除。")
            return r.division_id
        if data.division_id is not None:
            return data.division_id
        office = session.scalar(
            select(Division.id).where(Division.kind == DivisionKind.OPENNESS_OFFICE.value)
        )
        assert office is not None
        return office

    def _validate_case(self, data: CaseInput) -> CaseInput:
        data = replace(data, case_no=data.case_no.strip(), notes=data.notes.strip())
        problems = [] if data.case_no else [("案件编号", "必填，不能为空")]
        problems += case_problems(data.received_date, data.closed_date, data.result)
        raise_problems("案件登记", problems)
        return data

    def create_case(self, data: CaseInput) -> CaseRow:
        # The permission check comes first: a refused user learns nothing about their data.
        with self.db.read() as session:
            division_id = self._case_division(session, data)
        self.require(
            Action.EDIT_RECORD,
            division_id=division_id,
            what="case.create",
            entity="disclosure_case",
            entity_id=data.case_no,
        )
        data = self._validate_case(data)
        with self.db.write() as session:
            if number_taken(session, "case", _case_id_of(data.case_no), data.case_no):
                raise ValidationError(f"案件编号「{data.case_no}」已存在。")
            c = DisclosureCase(created_by=self.actor.user_id, updated_by=self.actor.user_id)
            self._apply_case(c, data, division_id)
            session.add(c)
            session.flush()
            self.audit(
                session,
                "case.create",
                entity="disclosure_case",
                entity_id=c.uuid,
                division_id=division_id,
                after=snapshot(c),
                detail=c.case_no,
            )
            case_id = c.id
        return self._case(case_id)

    def update_case(self, case_id: int, data: CaseInput, expected_version: int | None) -> CaseRow:
        with self.db.read() as session:
            current = live_record(session, DisclosureCase, case_id, CASE_MISSING)
            division_id = self._case_division(session, data)
        self.require_each(
            Action.EDIT_RECORD,
            (current.division_id, division_id),
            what="case.update",
            entity="disclosure_case",
            entity_id=current.uuid,
        )
        data = self._validate_case(data)
        try:
            with self.db.write() as session:
                c = live_record(session, DisclosureCase, case_id, CASE_MISSING)
                self.check_version(c, expected_version, f"案件「{c.case_no}」")
                other = number_taken(session, "case", _case_id_of(data.case_no), data.case_no)
                if other is not None and other != c.id:
                    raise ValidationError(f"案件编号「{data.case_no}」已存在。")
                before = snapshot(c)
                self._apply_case(c, data, division_id)
                c.updated_by = self.actor.user_id
                session.flush()
                self.audit(
                    session,
                    "case.update",
                    entity="disclosure_case",
                    entity_id=c.uuid,
                    division_id=division_id,
                    before=before,
                    after=snapshot(c),
                    detail=c.case_no,
                )
        except StaleDataError as exc:
            raise self._conflict(DisclosureCase, case_id, "该案件") from exc
        return self._case(case_id)

    def delete_case(self, case_id: int, expected_version: int | None) -> None:
        def free_number(_session: Session, c: DisclosureCase) -> None:
            c.case_no = deleted_number(c.case_no, c.id)

        self.soft_delete(
            DisclosureCase,
            case_id,
            what="case.delete",
            entity="disclosure_case",
            missing=CASE_MISSING,
            expected_version=expected_version,
            name=lambda c: f"案件「{c.case_no}」",
            before_delete=free_number,
        )

    def _case(self, case_id: int) -> CaseRow:
        with self.db.read() as session:
            c = session.get(DisclosureCase, case_id)
            assert c is not None
            names = division_names(session)
            reg_nos = {}
            if c.request_id:
                r = session.get(DisclosureRequest, c.request_id)
                reg_nos = {r.id: r.reg_no} if r else {}
            return self._case_row(c, names, reg_nos)

    @staticmethod
    def _apply_case(c: DisclosureCase, d: CaseInput, division_id: int) -> None:
        c.case_no = d.case_no
        c.case_type = d.case_type.value
        c.received_date = d.received_date
        c.closed_date = d.closed_date
        c.result = d.result.value if d.result else None
        c.request_id = d.request_id
        c.division_id = division_id
        c.notes = d.notes


def _case_id_of(case_no: str) -> Any:
    return select(DisclosureCase.id).where(DisclosureCase.case_no == case_no)
