"""What the decisions page shows of 决策 and their public consultations (SPEC §8), and how each
is judged: the rows built from the stored records, the rules' settings, the query's SQL part and
the verdicts of the period rule and the adoption-result rule.

Every row carries what the rules of ``domain.decisions`` find, judged against the working
calendar, the business settings and today: breaches (``problems``) and what is at risk
(``warnings``, an adoption result still due).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import Session

from ..calendar import WorkingCalendar
from ..db.base import utcnow
from ..db.decision_models import Consultation, Decision
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
    has_ended,
    minimum_period,
    period_length,
    period_problems,
    result_due,
    result_findings,
)
from ..domain.disclosure import Problem
from ..domain.permissions import Action, Actor, allowed
from ..errors import CalendarMissing, ValidationError
from ..search import contains_every_term
from .policy_records import (
    bounded_setting,
    fields_error,
    local_year,
    normative_document_id,
    record_filters,
)

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
class RuleContext:
    """What the rules are judged against: the calendar, the settings and today."""

    calendar: WorkingCalendar
    rules: ConsultationRules
    today: date


def problems_error(problems: list[Problem], consultation: bool = False) -> ValidationError:
    if consultation:
        return fields_error("征求意见记录", CONSULTATION_FIELD_LABELS, problems)
    return fields_error("决策记录", FIELD_LABELS, problems)


def _bounded(session: Session, key: str, default: int, maximum: int) -> int:
    return bounded_setting(session, key, default, 1, maximum)


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


def channels_of(text: str) -> tuple[ConsultationChannel, ...]:
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
        channels=tuple(c.value for c in channels_of(record.channels)),
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
    return local_year(record.created_at or utcnow())


NORMATIVE_ID = normative_document_id(Decision)


def text_condition(text: str) -> ColumnElement[bool]:
    """Every word occurs in the title, the 文号 or the notes."""
    return contains_every_term(text, Decision.title, Decision.document_number, Decision.notes)


def apply_filters(stmt: Select[Any], query: DecisionQuery) -> Select[Any]:
    """The query's conditions that SQL can decide (the rules need the calendar)."""
    stmt = record_filters(
        stmt,
        Decision,
        year=query.year,
        division_id=query.division_id,
        text=query.text,
        text_condition=text_condition,
    )
    if query.decision_type is not None:
        stmt = stmt.where(Decision.decision_type == query.decision_type.value)
    return stmt


def consultation_row(
    record: Consultation, decision: DecisionFields, actor: Actor, ctx: RuleContext
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
        channels=channels_of(record.channels),
        period_days=(record.ended_on - record.started_on).days,
        period_workdays=period_length(fields, ctx.calendar, working=True),
        ended=has_ended(fields, ctx.today),
        result_due=due,
        problems=found.problems,
        warnings=found.warnings,
        editable=allowed(actor, Action.EDIT_RECORD, record.division_id),
        updated_at=record.updated_at,
    )


def decision_row(
    record: Decision,
    division_name: str,
    normative_document_id: int | None,
    consultations: Sequence[Consultation],
    actor: Actor,
    ctx: RuleContext,
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


def period_verdict(
    decision: DecisionFields, consultation: ConsultationFields, ctx: RuleContext
) -> Verdict:
    if minimum_period(decision, ctx.rules) is None or not consultation.is_public:
        return Verdict.NOT_APPLICABLE
    problems = period_problems(decision, consultation, ctx.calendar, ctx.rules)
    if not problems:
        return Verdict.MET
    # Undecidable (no holiday data) is a risk to look at, not a breach.
    return Verdict.AT_RISK if problems[0].startswith("无法判断") else Verdict.MISSED


def result_verdict(consultation: ConsultationFields, ctx: RuleContext) -> Verdict:
    found = result_findings(consultation, ctx.calendar, ctx.rules, ctx.today)
    if found.problems:
        return Verdict.AT_RISK if found.problems[0].startswith("无法判断") else Verdict.MISSED
    if found.warnings:
        return Verdict.AT_RISK
    if consultation.result_published_on is not None:
        return Verdict.MET
    return Verdict.NOT_APPLICABLE


def consultation_order(c: Consultation) -> tuple[date, date, int]:
    return (c.started_on, c.ended_on, c.id)
