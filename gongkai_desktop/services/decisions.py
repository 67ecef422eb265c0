"""决策公开与征求意见 (SPEC §8): decisions with their statutory steps and public consultations.

A decision belongs to the division that drafts it: that division's liaison (or an admin) records
it and its consultations; leaders read. Every row carries what the rules of
``domain.decisions`` find, judged against the working calendar, the business settings and today:
breaches (``problems``) and what is at risk (``warnings``, an adoption result still due).

A registered 规范性文件 of the decision's division with its 文号 is 已征求意见 (SPEC §6) as soon as a
consultation of a 规范性文件 (or 规章-level) decision carrying that 文号 is recorded: the flag follows
from the stored records alone, not from the day they were saved, so a consultation that is still
running when recorded needs no later save to count. A change that ends this (the consultation or
the decision deleted, the 文号 or the type changed) clears the flag unless another decision still
carries it, and only where this module set it (``ConsultedMark``): a flag set by hand or by
import stays. Each change of a document is audited in the transaction that caused it.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..calendar import WorkingCalendar
from ..db.base import utcnow
from ..db.decision_models import Consultation, ConsultedMark, Decision
from ..db.ledger_models import NormativeDocument
from ..db.models import Division
from ..domain.compliance import Verdict
from ..domain.decisions import (
    CONSULTATION_FIELD_LABELS,
    DECISION_FIELD_LABELS,
    DEFAULT_MAJOR_DAYS,
    DEFAULT_MARKET_DAYS,
    DEFAULT_NORMATIVE_WORKDAYS,
    DEFAULT_RESULT_WORKDAYS,
    MAJOR_DAYS_SETTING,
    MARKET_DAYS_SETTING,
    MAX_PERIOD_DAYS,
    MAX_WORKDAYS,
    NORMATIVE_WORKDAYS_SETTING,
    RESULT_WORKDAYS_SETTING,
    ConsultationChannel,
    ConsultationFields,
    ConsultationRules,
    DecisionFields,
    DecisionStep,
    DecisionType,
    Findings,
    StepEntry,
    consultation_findings,
    decision_findings,
    explanation_problems,
    has_ended,
    minimum_period,
    period_length,
    period_problems,
    result_due,
    result_findings,
    validate_consultation,
    validate_decision,
)
from ..domain.disclosure import Problem
from ..domain.permissions import Action, Actor, allowed
from ..errors import CalendarMissing, NotFound, ValidationError
from ..search import contains_every_term
from .admin import read_setting
from .base import Service, changed_fields, live_record, snapshot
from .calendar import load_calendar
from .document_links import registered_documents, set_document_flag

log = logging.getLogger(__name__)

ENTITY = "decision"
CONSULTATION_ENTITY = "consultation"
DECISION_MISSING = "决策记录不存在或已被删除。"
CONSULTATION_MISSING = "征求意见记录不存在或已被删除。"
FIELD_LABELS = {**DECISION_FIELD_LABELS, "division": "责任处室", "steps": "法定程序"}


@dataclass(frozen=True)
class ConsultationRow:
    id: int
    uuid: str
    version: int
    decision_id: int
    division_id: int
    fields: ConsultationFields
    channels: tuple[ConsultationChannel, ...]
    period_days: int  # calendar days, the opening day not counted
    period_workdays: int | None  # working days likewise; None without holiday data
    ended: bool
    result_due: date | None  # None: not computable (no holiday data)
    problems: tuple[str, ...]
    warnings: tuple[str, ...]
    editable: bool
    updated_at: datetime


@dataclass(frozen=True)
class DecisionRow:
    id: int
    uuid: str
    version: int
    division_id: int
    division_name: str
    title: str
    decision_type: DecisionType
    document_number: str
    rule_level: bool
    market_related: bool
    predisclosed_on: date | None
    collective_on: date | None
    year: int
    consultation_count: int
    latest_consultation: tuple[date, date] | None  # (start, end) of the latest one
    results_published: int  # consultations whose adoption result is published
    minimum_period: str  # e.g. 不少于 30 日; empty when no minimum applies
    problems: tuple[str, ...]
    warnings: tuple[str, ...]
    normative_document_id: int | None
    editable: bool
    updated_at: datetime

    @property
    def needs_attention(self) -> bool:
        return bool(self.problems or self.warnings)


@dataclass(frozen=True)
class DecisionDetail:
    row: DecisionRow
    fields: DecisionFields
    consultations: tuple[ConsultationRow, ...]  # oldest first


@dataclass(frozen=True)
class DecisionQuery:
    year: int | None = None
    division_id: int | None = None
    decision_type: DecisionType | None = None
    with_problems: bool = False  # only decisions with a breach or something at risk
    text: str = ""


@dataclass(frozen=True)
class ConsultationCheck:
    """One consultation with the verdicts of the period rule and the adoption-result rule."""

    decision: DecisionRow
    consultation: ConsultationRow
    period: Verdict  # NOT_APPLICABLE: no minimum for the decision, or not a public one
    result: Verdict  # NOT_APPLICABLE: the consultation is not over yet


@dataclass(frozen=True)
class _RuleContext:
    """What the rules are judged against: the calendar, the settings and today."""

    calendar: WorkingCalendar
    rules: ConsultationRules
    today: date


def problems_error(problems: list[Problem], consultation: bool = False) -> ValidationError:
    labels = CONSULTATION_FIELD_LABELS if consultation else FIELD_LABELS
    what = "征求意见记录" if consultation else "决策记录"
    return ValidationError(
        f"{what}填写有误，未保存：",
        problems=[f"「{labels.get(p.field, p.field)}」：{p.message}" for p in problems],
        fields=[p.field for p in problems],
    )


def _bounded(session: Session, key: str, default: int, maximum: int) -> int:
    try:
        value = int(read_setting(session, key))
    except (TypeError, ValueError):
        return default
    return min(max(value, 1), maximum)


def read_rules(session: Session) -> ConsultationRules:
    """The consultation rules' settings as stored, kept within their bounds."""
    return ConsultationRules(
        major_days=_bounded(session, MAJOR_DAYS_SETTING, DEFAULT_MAJOR_DAYS, MAX_PERIOD_DAYS),
        market_days=_bounded(session, MARKET_DAYS_SETTING, DEFAULT_MARKET_DAYS, MAX_PERIOD_DAYS),
        normative_workdays=_bounded(
            session, NORMATIVE_WORKDAYS_SETTING, DEFAULT_NORMATIVE_WORKDAYS, MAX_WORKDAYS
        ),
        result_workdays=_bounded(
            session, RESULT_WORKDAYS_SETTING, DEFAULT_RESULT_WORKDAYS, MAX_WORKDAYS
        ),
    )


def _local_year(created_at: datetime) -> int:
    """The year of a stored UTC time on this PC's clock."""
    return created_at.replace(tzinfo=UTC).astimezone().year


def _channels(text: str) -> tuple[ConsultationChannel, ...]:
    stored = set(filter(None, (text or "").split(",")))
    return tuple(c for c in ConsultationChannel if c.value in stored)


def decision_fields(record: Decision) -> DecisionFields:
    steps = {}
    for step in DecisionStep:
        on = getattr(record, f"{step.value}_on")
        note = getattr(record, f"{step.value}_note") or ""
        if on is not None or note:
            steps[step.value] = StepEntry(on, note)
    return DecisionFields(
        title=record.title,
        decision_type=record.decision_type,
        document_number=record.document_number,
        rule_level=bool(record.rule_level),
        market_related=bool(record.market_related),
        predisclosed_on=record.predisclosed_on,
        steps=steps,
        notes=record.notes,
    )


def consultation_fields(record: Consultation) -> ConsultationFields:
    return ConsultationFields(
        started_on=record.started_on,
        ended_on=record.ended_on,
        channels=tuple(c.value for c in _channels(record.channels)),
        subject=record.subject,
        link=record.link,
        received=record.received,
        adopted=record.adopted,
        partly_adopted=record.partly_adopted,
        not_adopted=record.not_adopted,
        reasons=record.reasons,
        result_published_on=record.result_published_on,
        result_link=record.result_link,
    )


def decision_year(record: Decision, consultation_starts: Iterable[date] = ()) -> int:
    """The year a decision is listed under (see ``db.decision_models``)."""
    for day in (record.collective_on, record.predisclosed_on):
        if day is not None:
            return day.year
    days = [getattr(record, f"{s.value}_on") for s in DecisionStep]
    days = [d for d in (*days, *consultation_starts) if d is not None]
    if days:
        return min(days).year
    return _local_year(record.created_at or utcnow())


_NORMATIVE_ID = (
    select(func.min(NormativeDocument.id))
    .where(
        NormativeDocument.doc_number == Decision.document_number,
        NormativeDocument.division_id == Decision.division_id,
        NormativeDocument.deleted_at.is_(None),
        Decision.document_number != "",
    )
    .correlate(Decision)
    .scalar_subquery()
    .label("normative_document_id")
)


def text_condition(text: str) -> ColumnElement[bool]:
    """Every word occurs in the title, the 文号 or the notes."""
    return contains_every_term(text, Decision.title, Decision.document_number, Decision.notes)


def apply_filters(stmt: Select[Any], query: DecisionQuery) -> Select[Any]:
    """The query's conditions that SQL can decide (the rules need the calendar)."""
    d = Decision
    stmt = stmt.where(d.deleted_at.is_(None))
    if query.year is not None:
        stmt = stmt.where(d.year == query.year)
    if query.division_id is not None:
        stmt = stmt.where(d.division_id == query.division_id)
    if query.decision_type is not None:
        stmt = stmt.where(d.decision_type == query.decision_type.value)
    if query.text.strip():
        stmt = stmt.where(text_condition(query.text.strip()[:200]))
    return stmt


def _consultation_row(
    record: Consultation, decision: DecisionFields, actor: Actor, ctx: _RuleContext
) -> ConsultationRow:
    fields = consultation_fields(record)
    found = consultation_findings(decision, fields, ctx.calendar, ctx.rules, ctx.today)
    try:
        due = result_due(fields, ctx.calendar, ctx.rules)
    except CalendarMissing:
        due = None
    return ConsultationRow(
        id=record.id,
        uuid=record.uuid,
        version=record.version,
        decision_id=record.decision_id,
        division_id=record.division_id,
        fields=fields,
        channels=_channels(record.channels),
        period_days=(record.ended_on - record.started_on).days,
        period_workdays=period_length(fields, ctx.calendar, working=True),
        ended=has_ended(fields, ctx.today),
        result_due=due,
        problems=found.problems,
        warnings=found.warnings,
        editable=allowed(actor, Action.EDIT_RECORD, record.division_id),
        updated_at=record.updated_at,
    )


def _decision_row(
    record: Decision,
    division_name: str,
    normative_document_id: int | None,
    consultations: Sequence[Consultation],
    actor: Actor,
    ctx: _RuleContext,
) -> DecisionRow:
    fields = decision_fields(record)
    consulted = [consultation_fields(c) for c in consultations]
    found: Findings = decision_findings(fields, consulted, ctx.calendar, ctx.rules, ctx.today)
    minimum = minimum_period(fields, ctx.rules)
    latest = consultations[-1] if consultations else None
    return DecisionRow(
        id=record.id,
        uuid=record.uuid,
        version=record.version,
        division_id=record.division_id,
        division_name=division_name,
        title=record.title,
        decision_type=DecisionType(record.decision_type),
        document_number=record.document_number,
        rule_level=bool(record.rule_level),
        market_related=bool(record.market_related),
        predisclosed_on=record.predisclosed_on,
        collective_on=record.collective_on,
        year=record.year,
        consultation_count=len(consultations),
        latest_consultation=(latest.started_on, latest.ended_on) if latest else None,
        results_published=sum(1 for c in consultations if c.result_published_on is not None),
        minimum_period=minimum.text() if minimum else "",
        problems=found.problems,
        warnings=found.warnings,
        normative_document_id=normative_document_id,
        editable=allowed(actor, Action.EDIT_RECORD, record.division_id),
        updated_at=record.updated_at,
    )


def _period_verdict(
    decision: DecisionFields, consultation: ConsultationFields, ctx: _RuleContext
) -> Verdict:
    if minimum_period(decision, ctx.rules) is None or not consultation.is_public:
        return Verdict.NOT_APPLICABLE
    problems = period_problems(decision, consultation, ctx.calendar, ctx.rules)
    if not problems:
        return Verdict.MET
    # Undecidable (no holiday data) is a risk to look at, not a breach.
    return Verdict.AT_RISK if problems[0].startswith("无法判断") else Verdict.MISSED


def _result_verdict(consultation: ConsultationFields, ctx: _RuleContext) -> Verdict:
    found = result_findings(consultation, ctx.calendar, ctx.rules, ctx.today)
    if found.problems:
        return Verdict.AT_RISK if found.problems[0].startswith("无法判断") else Verdict.MISSED
    if found.warnings:
        return Verdict.AT_RISK
    if consultation.result_published_on is not None:
        return Verdict.MET
    return Verdict.NOT_APPLICABLE


def _consultation_order(c: Consultation) -> tuple[date, date, int]:
    return (c.started_on, c.ended_on, c.id)


class DecisionService(Service):
    """决策 of the divisions and their public consultations."""

    entity = ENTITY

    # --- reading ---
    def _context(self, session: Session, today: date | None) -> _RuleContext:
        return _RuleContext(load_calendar(session), read_rules(session), today or date.today())

    def rules(self) -> ConsultationRules:
        """The settings the consultation rules are judged by."""
        with self.db.read() as session:
            return read_rules(session)

    def _consultations_of(
        self, session: Session, decisions: Select[Any]
    ) -> dict[int, list[Consultation]]:
        ids = decisions.with_only_columns(Decision.id).scalar_subquery()
        found: dict[int, list[Consultation]] = defaultdict(list)
        for c in session.scalars(
            select(Consultation).where(
                Consultation.decision_id.in_(ids), Consultation.deleted_at.is_(None)
            )
        ):
            found[c.decision_id].append(c)
        for rows in found.values():
            rows.sort(key=_consultation_order)
        return found

    def list_decisions(
        self, query: DecisionQuery | None = None, today: date | None = None
    ) -> list[DecisionRow]:
        """The decisions the query finds, the most recently changed first."""
        query = query or DecisionQuery()
        with self.db.read() as session:
            ctx = self._context(session, today)
            rows = [
                _decision_row(record, name, normative_id, consultations, self.actor, ctx)
                for record, name, normative_id, consultations in self._found(session, query)
            ]
        if query.with_problems:
            rows = [r for r in rows if r.needs_attention]
        return rows

    def _found(
        self, session: Session, query: DecisionQuery
    ) -> list[tuple[Decision, str, int | None, list[Consultation]]]:
        """The decisions the query's SQL part finds with their division's name, their registered
        document and their live consultations (oldest first), most recently changed first."""
        stmt = apply_filters(
            select(Decision, Division.name, _NORMATIVE_ID).join(
                Division, Division.id == Decision.division_id
            ),
            query,
        )
        consultations = self._consultations_of(session, stmt)
        return [
            (record, name, normative_id, consultations.get(record.id, []))
            for record, name, normative_id in session.execute(
                stmt.order_by(Decision.updated_at.desc(), Decision.id.desc())
            )
        ]

    def consultation_checks(
        self, query: DecisionQuery | None = None, today: date | None = None
    ) -> list[ConsultationCheck]:
        """Each consultation of the decisions the query finds, judged by the period rule and the
        adoption-result rule (for a compliance tally: met, at risk, missed, not applicable)."""
        query = query or DecisionQuery()
        checks: list[ConsultationCheck] = []
        with self.db.read() as session:
            ctx = self._context(session, today)
            for record, name, normative_id, consultations in self._found(session, query):
                row = _decision_row(record, name, normative_id, consultations, self.actor, ctx)
                fields = decision_fields(record)
                for c in consultations:
                    consultation = _consultation_row(c, fields, self.actor, ctx)
                    checks.append(
                        ConsultationCheck(
                            decision=row,
                            consultation=consultation,
                            period=_period_verdict(fields, consultation.fields, ctx),
                            result=_result_verdict(consultation.fields, ctx),
                        )
                    )
        return checks

    def years(self) -> list[int]:
        """Years that have decisions, newest first."""
        return self.record_years(Decision, Decision.year)

    def divisions(self) -> list[tuple[int, str]]:
        """The active divisions the actor may record decisions for: all for an admin, their own
        for a liaison, none for a leader."""
        return self.writable_divisions()

    def division_documents(self, division_id: int | None) -> list[tuple[int, str, str]]:
        """(id, 文号, 标题) of the registered 规范性文件 of a division (all when None)."""
        with self.db.read() as session:
            return registered_documents(session, division_id)

    def get(self, decision_id: int, today: date | None = None) -> DecisionDetail:
        """A decision with its consultations (oldest first) and what the rules find."""
        with self.db.read() as session:
            ctx = self._context(session, today)
            stmt = (
                select(Decision, Division.name, _NORMATIVE_ID)
                .join(Division, Division.id == Decision.division_id)
                .where(Decision.id == decision_id, Decision.deleted_at.is_(None))
            )
            found = session.execute(stmt).first()
            if found is None:
                raise NotFound(DECISION_MISSING)
            record, name, normative_id = found
            consultations = self._consultations_of(session, stmt).get(record.id, [])
            row = _decision_row(record, name, normative_id, consultations, self.actor, ctx)
            fields = decision_fields(record)
            return DecisionDetail(
                row=row,
                fields=fields,
                consultations=tuple(
                    _consultation_row(c, fields, self.actor, ctx) for c in consultations
                ),
            )

    # --- decisions ---
    @staticmethod
    def _checked(
        session: Session, fields: DecisionFields, division_id: int | None
    ) -> DecisionFields:
        problems = validate_decision(fields)
        if division_id is None or session.get(Division, division_id) is None:
            problems.insert(0, Problem("division", "请选择责任处室"))
        if problems:
            raise problems_error(problems)
        return fields

    @staticmethod
    def _assign(session: Session, record: Decision, fields: DecisionFields) -> None:
        record.title = fields.title.strip()
        record.decision_type = fields.decision_type
        record.document_number = fields.document_number.strip()
        record.rule_level = bool(fields.rule_level)
        record.market_related = bool(fields.market_related)
        record.predisclosed_on = fields.predisclosed_on
        for step in DecisionStep:
            entry = fields.step(step)
            setattr(record, f"{step.value}_on", entry.on)
            setattr(record, f"{step.value}_note", entry.note.strip())
        record.notes = fields.notes.strip()
        starts: list[date] = []
        if record.id is not None:
            starts = list(
                session.scalars(
                    select(Consultation.started_on).where(
                        Consultation.decision_id == record.id, Consultation.deleted_at.is_(None)
                    )
                )
            )
        record.year = decision_year(record, starts)

    def _refresh_year(self, session: Session, record: Decision) -> None:
        """Keep the decision's year in step with its consultations. The year is derived, not
        entered, so the decision's version stays (an open editor of it is not outdated)."""
        starts = session.scalars(
            select(Consultation.started_on).where(
                Consultation.decision_id == record.id, Consultation.deleted_at.is_(None)
            )
        ).all()
        year = decision_year(record, starts)
        if year != record.year:
            session.execute(
                update(Decision)
                .where(Decision.id == record.id)
                .values(year=year)
                .execution_options(synchronize_session=False)
            )

    @staticmethod
    def _counts_for(session: Session, record: Decision) -> str | None:
        """The 文号 a decision makes 已征求意见 (None: none): its own, while it is a live
        规范性文件 (or 规章) with a live consultation."""
        if record.deleted_at is not None or not record.document_number:
            return None
        if record.decision_type != DecisionType.NORMATIVE.value and not record.rule_level:
            return None
        consulted = session.scalar(
            select(func.count(Consultation.id)).where(
                Consultation.decision_id == record.id,
                Consultation.deleted_at.is_(None),
            )
        )
        return record.document_number if consulted else None

    @staticmethod
    def _others_count(session: Session, record: Decision, number: str) -> bool:
        """Whether another decision of the division makes ``number`` 已征求意见."""
        d, c = Decision, Consultation
        found = session.scalar(
            select(func.count(c.id))
            .join(d, d.id == c.decision_id)
            .where(
                d.id != record.id,
                d.division_id == record.division_id,
                d.document_number == number,
                d.deleted_at.is_(None),
                or_(d.decision_type == DecisionType.NORMATIVE.value, d.rule_level.is_(True)),
                c.deleted_at.is_(None),
            )
        )
        return bool(found)

    def _link_documents(self, session: Session, record: Decision, before: str | None) -> None:
        """SPEC §6 ↔ §8: the registered document of the division with the 文号 the decision
        counts for now (``_counts_for``) is 已征求意见; the one it counted for ``before`` the
        change is no longer, unless another decision still counts for it.

        Only these documents are touched, and a flag is cleared only where this module set it
        (``ConsultedMark``), so one set by hand or by import stays.
        """
        after = self._counts_for(session, record)
        if after:
            marked = set_document_flag(
                self,
                session,
                division_id=record.division_id,
                doc_number=after,
                flag="consulted",
                value=True,
                detail=f"「{record.title}」已公开征求意见，规范性文件「{after}」标记为已征求意见",
            )
            known = set(
                session.scalars(
                    select(ConsultedMark.document_id).where(ConsultedMark.document_id.in_(marked))
                )
            )
            session.add_all(ConsultedMark(document_id=i) for i in marked if i not in known)
            session.flush()
        if before and before != after and not self._others_count(session, record, before):
            documents = select(NormativeDocument.id).where(
                NormativeDocument.division_id == record.division_id,
                NormativeDocument.doc_number == before,
            )
            ours = set(
                session.scalars(
                    select(ConsultedMark.document_id).where(
                        ConsultedMark.document_id.in_(documents.scalar_subquery())
                    )
                )
            )
            set_document_flag(
                self,
                session,
                division_id=record.division_id,
                doc_number=before,
                flag="consulted",
                value=False,
                detail=f"「{record.title}」不再有征求意见记录，"
                f"规范性文件「{before}」取消已征求意见标记",
                only=ours,
            )
            if ours:
                session.execute(delete(ConsultedMark).where(ConsultedMark.document_id.in_(ours)))

    def create(self, division_id: int | None, fields: DecisionFields) -> DecisionDetail:
        """A new decision of ``division_id`` (None: the actor's own division)."""
        record_id = self.create_record(
            Decision,
            division_id,
            what="decision.create",
            entity=ENTITY,
            check=lambda session, division: self._checked(session, fields, division),
            assign=self._assign,
            detail=lambda record, _fields: record.title,
        )
        return self.get(record_id)

    def update(
        self, decision_id: int, expected_version: int | None, fields: DecisionFields
    ) -> DecisionDetail:
        """Save the fields over the decision the user had open at ``expected_version``."""
        self.update_record(
            Decision,
            decision_id,
            expected_version,
            what="decision.update",
            entity=ENTITY,
            missing=DECISION_MISSING,
            name=lambda record: f"决策记录「{record.title}」",
            conflict="该决策记录",
            check=lambda session, division: self._checked(session, fields, division),
            assign=self._assign,
            detail=lambda record, _fields: record.title,
            remember=self._counts_for,
            after=self._link_documents,
        )
        return self.get(decision_id)

    def delete(self, decision_id: int, expected_version: int | None) -> None:
        """Soft-delete the decision; its consultations go with it (each audited)."""
        self.soft_delete(
            Decision,
            decision_id,
            what="decision.delete",
            entity=ENTITY,
            missing=DECISION_MISSING,
            expected_version=expected_version,
            name=lambda record: f"决策记录「{record.title}」",
            before_delete=self._delete_consultations,
        )

    # --- restoration from 回收站 (services.recycle_bin) ---
    def counted_document(self, session: Session, record: Decision) -> str | None:
        """The 文号 ``record`` makes 已征求意见 now (None: none)."""
        return self._counts_for(session, record)

    def after_consultation_restored(
        self, session: Session, record: Decision, counted_before: str | None
    ) -> None:
        """A consultation of ``record`` is live again: its year and document follow."""
        self._refresh_year(session, record)
        self._link_documents(session, record, counted_before)

    def after_decision_restored(self, session: Session, record: Decision) -> None:
        """``record`` (and the consultations deleted with it) is live again."""
        self._refresh_year(session, record)
        self._link_documents(session, record, None)

    def _delete_consultations(self, session: Session, record: Decision) -> None:
        counted = self._counts_for(session, record)
        for c in session.scalars(
            select(Consultation).where(
                Consultation.decision_id == record.id, Consultation.deleted_at.is_(None)
            )
        ).all():
            before = snapshot(c)
            c.deleted_at = utcnow()
            c.updated_by = self.actor.user_id
            session.flush()
            self.audit(
                session,
                "consultation.delete",
                entity=CONSULTATION_ENTITY,
                entity_id=c.uuid,
                division_id=c.division_id,
                before=before,
                detail=f"随决策记录「{record.title}」删除",
            )
        # Marked deleted here already so that it no longer counts for its document
        # (``soft_delete`` sets the same mark after this returns).
        record.deleted_at = utcnow()
        session.flush()
        self._link_documents(session, record, counted)

    # --- consultations ---
    @staticmethod
    def _assign_consultation(record: Consultation, fields: ConsultationFields) -> None:
        chosen = set(fields.channels)
        record.subject = fields.subject.strip()
        record.channels = ",".join(c.value for c in ConsultationChannel if c.value in chosen)
        assert fields.started_on is not None and fields.ended_on is not None
        record.started_on = fields.started_on
        record.ended_on = fields.ended_on
        record.link = fields.link.strip()
        record.received = fields.received
        record.adopted = fields.adopted
        record.partly_adopted = fields.partly_adopted
        record.not_adopted = fields.not_adopted
        record.reasons = fields.reasons.strip()
        record.result_published_on = fields.result_published_on
        record.result_link = fields.result_link.strip()

    @staticmethod
    def _consultation_label(decision: Decision, record: Consultation) -> str:
        return (
            f"「{decision.title}」{record.started_on:%Y-%m-%d}至{record.ended_on:%Y-%m-%d}征求意见"
        )

    def create_consultation(self, decision_id: int, fields: ConsultationFields) -> ConsultationRow:
        """Record a consultation on a decision (in the decision's division)."""
        self.require(
            Action.EDIT_RECORD,
            division_id=self.division_of(Decision, decision_id),
            what="consultation.create",
            entity=CONSULTATION_ENTITY,
            entity_id=decision_id,
        )
        problems = validate_consultation(fields)
        if problems:
            raise problems_error(problems, consultation=True)
        with self.db.write() as session:
            decision = live_record(session, Decision, decision_id, DECISION_MISSING)
            counted = self._counts_for(session, decision)
            now = utcnow()
            record = Consultation(
                decision_id=decision.id,
                division_id=decision.division_id,
                created_by=self.actor.user_id,
                updated_by=self.actor.user_id,
                created_at=now,
                updated_at=now,
            )
            self._assign_consultation(record, fields)
            session.add(record)
            session.flush()
            self._refresh_year(session, decision)
            self._link_documents(session, decision, counted)
            self.audit(
                session,
                "consultation.create",
                entity=CONSULTATION_ENTITY,
                entity_id=record.uuid,
                division_id=record.division_id,
                after=snapshot(record),
                detail=self._consultation_label(decision, record),
            )
            record_id = record.id
        return self._consultation(decision_id, record_id)

    def update_consultation(
        self, consultation_id: int, expected_version: int | None, fields: ConsultationFields
    ) -> ConsultationRow:
        """Save a consultation the user had open at ``expected_version``."""
        self.require(
            Action.EDIT_RECORD,
            division_id=self.division_of(Consultation, consultation_id),
            what="consultation.update",
            entity=CONSULTATION_ENTITY,
            entity_id=consultation_id,
        )
        problems = validate_consultation(fields)
        if problems:
            raise problems_error(problems, consultation=True)
        try:
            with self.db.write() as session:
                record = live_record(session, Consultation, consultation_id, CONSULTATION_MISSING)
                decision = live_record(session, Decision, record.decision_id, DECISION_MISSING)
                self.check_version(record, expected_version, "该征求意见记录")
                before = snapshot(record)
                counted = self._counts_for(session, decision)
                self._assign_consultation(record, fields)
                record.updated_by = self.actor.user_id
                session.flush()
                self._refresh_year(session, decision)
                self._link_documents(session, decision, counted)
                self.audit(
                    session,
                    "consultation.update",
                    entity=CONSULTATION_ENTITY,
                    entity_id=record.uuid,
                    division_id=record.division_id,
                    before=before,
                    after=changed_fields(before, snapshot(record)),
                    detail=self._consultation_label(decision, record),
                )
                decision_id = decision.id
        except StaleDataError as exc:
            raise self.lost_race(Consultation, consultation_id, "该征求意见记录") from exc
        return self._consultation(decision_id, consultation_id)

    def delete_consultation(self, consultation_id: int, expected_version: int | None) -> None:
        """Soft-delete one consultation."""

        def follow_up(session: Session, record: Consultation) -> None:
            decision = session.get(Decision, record.decision_id)
            counted = self._counts_for(session, decision) if decision is not None else None
            # Marked deleted here already so that its start no longer places the decision in
            # a year, nor does it count for the document (``soft_delete`` sets the same mark
            # after this returns).
            record.deleted_at = utcnow()
            session.flush()
            if decision is not None:
                self._refresh_year(session, decision)
                self._link_documents(session, decision, counted)

        self.soft_delete(
            Consultation,
            consultation_id,
            what="consultation.delete",
            entity=CONSULTATION_ENTITY,
            missing=CONSULTATION_MISSING,
            expected_version=expected_version,
            name=lambda record: "该征求意见记录",
            before_delete=follow_up,
        )

    def _consultation(self, decision_id: int, consultation_id: int) -> ConsultationRow:
        for row in self.get(decision_id).consultations:
            if row.id == consultation_id:
                return row
        raise NotFound(CONSULTATION_MISSING)

    def get_consultation(self, consultation_id: int, today: date | None = None) -> ConsultationRow:
        with self.db.read() as session:
            decision_id = session.scalar(
                select(Consultation.decision_id).where(
                    Consultation.id == consultation_id, Consultation.deleted_at.is_(None)
                )
            )
        if decision_id is None:
            raise NotFound(CONSULTATION_MISSING)
        for row in self.get(decision_id, today).consultations:
            if row.id == consultation_id:
                return row
        raise NotFound(CONSULTATION_MISSING)

    # --- export ---
    def export_explanation(
        self,
        decision_id: int,
        consultation_id: int,
        path: str | os.PathLike[str],
        *,
        issued: date | None = None,
    ) -> Path:
        """Write the 意见收集和采纳情况说明 of one consultation as a Word document in the official
        layout: signed by the unit on ``issued`` (today by default), fonts as set in 设置.
        Refused, with what to fill in, while it would print anything unfinished."""
        from ..reports.consultation_docx import subject_of, write_explanation
        from .admin import document_fonts

        detail = self.get(decision_id)
        consultation = next((c for c in detail.consultations if c.id == consultation_id), None)
        if consultation is None:
            raise NotFound(CONSULTATION_MISSING)
        problems = explanation_problems(detail.fields, consultation.fields)
        if problems:
            subject = subject_of(detail.fields, consultation.fields)
            raise ValidationError(
                f"《{subject}》的意见收集和采纳情况说明未导出：请先在征求意见记录中补充或更正"
                "以下内容。",
                problems=problems,
            )
        with self.db.read() as session:
            fonts = document_fonts(session)
            unit = str(read_setting(session, "unit_name") or "")
        return write_explanation(
            detail.fields, consultation.fields, Path(path), unit_name=unit, fonts=fonts, issued=issued
        )
