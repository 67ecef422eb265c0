"""决策公开与征求意见 (SPEC §8): decisions with their statutory steps and public consultations.

A decision belongs to the division that drafts it: that division's liaison (or an admin) records
it and its consultations; leaders read. Every row carries what the rules of
``domain.decisions`` find (``services.decision_rows``). Each consultation recorded, changed or
deleted keeps the decision's year and the 已征求意见 flag of its registered 规范性文件 in step
(``services.decision_links``), in the transaction that caused it.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..db.base import utcnow
from ..db.decision_models import Consultation, Decision
from ..db.models import Division
from ..domain.decisions import (
    ConsultationChannel,
    ConsultationFields,
    ConsultationRules,
    DecisionFields,
    DecisionStep,
    explanation_problems,
    validate_consultation,
    validate_decision,
)
from ..domain.permissions import Action
from ..errors import NotFound, ValidationError
from .base import changed_fields, live_record, snapshot
from .calendar import load_calendar
from .decision_links import consultation_starts, counted_document, link_documents, refresh_year
from .decision_rows import (
    NORMATIVE_ID,
    ConsultationCheck,
    ConsultationRow,
    DecisionDetail,
    DecisionQuery,
    DecisionRow,
    RuleContext,
    apply_filters,
    consultation_order,
    consultation_row,
    decision_fields,
    decision_row,
    decision_year,
    period_verdict,
    problems_error,
    read_rules,
    result_verdict,
)
from .policy_records import PolicyRecordService

log = logging.getLogger(__name__)

__all__ = [
    "ConsultationCheck",
    "ConsultationRow",
    "DecisionDetail",
    "DecisionQuery",
    "DecisionRow",
    "DecisionService",
]

ENTITY = "decision"
CONSULTATION_ENTITY = "consultation"
DECISION_MISSING = "决策记录不存在或已被删除。"
CONSULTATION_MISSING = "征求意见记录不存在或已被删除。"


class DecisionService(PolicyRecordService):
    """决策 of the divisions and their public consultations."""

    entity = ENTITY
    model = Decision
    division_label = "责任处室"

    # --- reading ---
    def _context(self, session: Session, today: date | None) -> RuleContext:
        return RuleContext(load_calendar(session), read_rules(session), today or date.today())

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
            rows.sort(key=consultation_order)
        return found

    def list_decisions(
        self, query: DecisionQuery | None = None, today: date | None = None
    ) -> list[DecisionRow]:
        """The decisions the query finds, the most recently changed first."""
        query = query or DecisionQuery()
        with self.db.read() as session:
            ctx = self._context(session, today)
            rows = [
                decision_row(record, name, normative_id, consultations, self.actor, ctx)
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
            select(Decision, Division.name, NORMATIVE_ID).join(
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
                row = decision_row(record, name, normative_id, consultations, self.actor, ctx)
                fields = decision_fields(record)
                for c in consultations:
                    consultation = consultation_row(c, fields, self.actor, ctx)
                    checks.append(
                        ConsultationCheck(
                            decision=row,
                            consultation=consultation,
                            period=period_verdict(fields, consultation.fields, ctx),
                            result=result_verdict(consultation.fields, ctx),
                        )
                    )
        return checks

    def get(self, decision_id: int, today: date | None = None) -> DecisionDetail:
        """A decision with its consultations (oldest first) and what the rules find."""
        with self.db.read() as session:
            ctx = self._context(session, today)
            stmt = (
                select(Decision, Division.name, NORMATIVE_ID)
                .join(Division, Division.id == Decision.division_id)
                .where(Decision.id == decision_id, Decision.deleted_at.is_(None))
            )
            found = session.execute(stmt).first()
            if found is None:
                raise NotFound(DECISION_MISSING)
            record, name, normative_id = found
            consultations = self._consultations_of(session, stmt).get(record.id, [])
            row = decision_row(record, name, normative_id, consultations, self.actor, ctx)
            fields = decision_fields(record)
            return DecisionDetail(
                row=row,
                fields=fields,
                consultations=tuple(
                    consultation_row(c, fields, self.actor, ctx) for c in consultations
                ),
            )

    # --- decisions ---
    def _checked(
        self, session: Session, fields: DecisionFields, division_id: int | None
    ) -> DecisionFields:
        self.check_form(session, validate_decision(fields), division_id, problems_error)
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
        starts = consultation_starts(session, record.id) if record.id is not None else []
        record.year = decision_year(record, starts)

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
            remember=counted_document,
            after=lambda session, record, counted: link_documents(self, session, record, counted),
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
        return counted_document(session, record)

    def after_consultation_restored(
        self, session: Session, record: Decision, counted_before: str | None
    ) -> None:
        """A consultation of ``record`` is live again: its year and document follow."""
        refresh_year(session, record)
        link_documents(self, session, record, counted_before)

    def after_decision_restored(self, session: Session, record: Decision) -> None:
        """``record`` (and the consultations deleted with it) is live again."""
        refresh_year(session, record)
        link_documents(self, session, record, None)

    def _delete_consultations(self, session: Session, record: Decision) -> None:
        counted = counted_document(session, record)
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
        link_documents(self, session, record, counted)

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
            counted = counted_document(session, decision)
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
            refresh_year(session, decision)
            link_documents(self, session, decision, counted)
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
                counted = counted_document(session, decision)
                self._assign_consultation(record, fields)
                record.updated_by = self.actor.user_id
                session.flush()
                refresh_year(session, decision)
                link_documents(self, session, decision, counted)
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
            counted = counted_document(session, decision) if decision is not None else None
            # Marked deleted here already so that its start no longer places the decision in
            # a year, nor does it count for the document (``soft_delete`` sets the same mark
            # after this returns).
            record.deleted_at = utcnow()
            session.flush()
            if decision is not None:
                refresh_year(session, decision)
                link_documents(self, session, decision, counted)

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
        unit, fonts = self.signature()
        return write_explanation(
            detail.fields,
            consultation.fields,
            Path(path),
            unit_name=unit,
            fonts=fonts,
            issued=issued,
        )
