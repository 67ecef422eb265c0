"""What the 政策解读 pages show of an interpretation (SPEC §7) and how it is judged: the rows and
details built from the stored records, the sections as stored, the sync rule's tolerance and the
query's SQL part.

Each row states where it stands (起草中 / 已审签 / 已发布) and every breach of 同步审签、同步发布
(``domain.interpretation.sync_problems``) against the working calendar and the admin's tolerance.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import Session

from ..calendar import WorkingCalendar
from ..db.interpretation_models import Interpretation
from ..db.models import Division
from ..domain.disclosure import Problem
from ..domain.interpretation import (
    DEFAULT_SYNC_TOLERANCE,
    INTERPRETATION_FIELD_LABELS,
    MAX_SYNC_TOLERANCE,
    SYNC_TOLERANCE_SETTING,
    InterpretationFields,
    InterpretationForm,
    InterpretationSection,
    InterpretationStatus,
    InterpreterRole,
    status_of,
    sync_problems,
)
from ..domain.permissions import Action, Actor, allowed
from ..errors import ValidationError
from ..search import contains_every_term
from .policy_records import bounded_setting, fields_error, normative_document_id, record_filters

log = logging.getLogger(__name__)

FIELD_LABELS = {**INTERPRETATION_FIELD_LABELS, "division": "起草处室"}


@dataclass(frozen=True)
class InterpretationRow:
    id: int
    uuid: str
    version: int
    division_id: int
    division_name: str
    title: str
    document_title: str
    document_number: str
    forms: tuple[InterpretationForm, ...]
    interpreter_role: InterpreterRole | None
    interpreter: str
    document_approved_on: date | None
    approved_on: date | None
    document_published_on: date | None
    published_on: date | None
    status: InterpretationStatus
    sync_problems: tuple[str, ...]
    normative_document_id: int | None
    has_document: bool
    editable: bool
    updated_at: datetime

    @property
    def in_sync(self) -> bool:
        return not self.sync_problems


@dataclass(frozen=True)
class InterpretationDetail:
    row: InterpretationRow
    fields: InterpretationFields
    document_text: tuple[str, ...]
    document_file: str
    previous_text: tuple[str, ...]
    previous_file: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class InterpretationQuery:
    year: int | None = None
    division_id: int | None = None
    status: InterpretationStatus | None = None
    out_of_sync: bool = False
    text: str = ""


@dataclass(frozen=True)
class SyncContext:
    """What the sync rule is judged against: the calendar, the tolerance and today."""

    calendar: WorkingCalendar
    tolerance: int
    today: date


def problems_error(problems: list[Problem]) -> ValidationError:
    return fields_error("政策解读", FIELD_LABELS, problems)


def read_tolerance(session: Session) -> int:
    """The tolerance in working days (the stored setting, kept within its bounds)."""
    return bounded_setting(
        session, SYNC_TOLERANCE_SETTING, DEFAULT_SYNC_TOLERANCE, 0, MAX_SYNC_TOLERANCE
    )


def dump_sections(sections: Mapping[str, str]) -> str:
    """The sections as stored: JSON in the sections' order, blank ones left out."""
    return json.dumps(
        {
            s.value: sections[s.value]
            for s in InterpretationSection
            if (sections.get(s.value) or "").strip()
        },
        ensure_ascii=False,
    )


def load_sections(text: str) -> dict[str, str]:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        log.warning("unreadable interpretation sections: %.80r", text)
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}


def forms_of(text: str) -> tuple[InterpretationForm, ...]:
    stored = set(filter(None, (text or "").split(",")))
    return tuple(f for f in InterpretationForm if f.value in stored)


def paragraphs(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n")) if text else ()


def section_problems(sections: Mapping[str, str]) -> list[Problem]:
    known = {s.value for s in InterpretationSection}
    return [
        Problem("sections", f"「{key}」不是解读的组成部分") for key in sections if key not in known
    ]


# The registered document an interpretation is of: same 文号, same (drafting) division.
NORMATIVE_ID = normative_document_id(Interpretation)

COLUMNS = (
    Interpretation.id,
    Interpretation.uuid,
    Interpretation.version,
    Interpretation.division_id,
    Division.name.label("division_name"),
    Interpretation.title,
    Interpretation.document_title,
    Interpretation.document_number,
    Interpretation.forms,
    Interpretation.interpreter_role,
    Interpretation.interpreter,
    Interpretation.document_approved_on,
    Interpretation.approved_on,
    Interpretation.document_published_on,
    Interpretation.published_on,
    (Interpretation.document_text != "").label("has_document"),
    NORMATIVE_ID,
    Interpretation.updated_at,
)

DETAIL_COLUMNS = (
    Interpretation.link,
    Interpretation.notes,
    Interpretation.sections,
    Interpretation.document_text,
    Interpretation.document_file,
    Interpretation.previous_text,
    Interpretation.previous_file,
)


def interpretation_fields(
    v: Any, sections: Mapping[str, str] | None = None
) -> InterpretationFields:
    return InterpretationFields(
        title=v.title,
        document_title=v.document_title,
        document_number=v.document_number,
        forms=tuple(f.value for f in forms_of(v.forms)),
        interpreter_role=v.interpreter_role,
        interpreter=v.interpreter,
        document_approved_on=v.document_approved_on,
        approved_on=v.approved_on,
        document_published_on=v.document_published_on,
        published_on=v.published_on,
        link=getattr(v, "link", ""),
        notes=getattr(v, "notes", ""),
        sections=dict(sections or {}),
    )


def interpretation_row(v: Any, actor: Actor, sync: SyncContext) -> InterpretationRow:
    fields = interpretation_fields(v)
    return InterpretationRow(
        id=v.id,
        uuid=v.uuid,
        version=v.version,
        division_id=v.division_id,
        division_name=v.division_name,
        title=v.title,
        document_title=v.document_title,
        document_number=v.document_number,
        forms=forms_of(v.forms),
        interpreter_role=InterpreterRole(v.interpreter_role) if v.interpreter_role else None,
        interpreter=v.interpreter,
        document_approved_on=v.document_approved_on,
        approved_on=v.approved_on,
        document_published_on=v.document_published_on,
        published_on=v.published_on,
        status=status_of(v.approved_on, v.published_on),
        sync_problems=tuple(sync_problems(fields, sync.calendar, sync.tolerance, sync.today)),
        normative_document_id=v.normative_document_id,
        has_document=bool(v.has_document),
        editable=allowed(actor, Action.EDIT_RECORD, v.division_id),
        updated_at=v.updated_at,
    )


def text_condition(text: str) -> ColumnElement[bool]:
    """Every word occurs in the title, the document's title or its 文号."""
    i = Interpretation
    return contains_every_term(text, i.title, i.document_title, i.document_number)


def apply_filters(stmt: Select[Any], query: InterpretationQuery) -> Select[Any]:
    """The query's conditions that SQL can decide (the sync rule needs the calendar)."""
    i = Interpretation
    stmt = record_filters(
        stmt,
        i,
        year=query.year,
        division_id=query.division_id,
        text=query.text,
        text_condition=text_condition,
    )
    if query.status is InterpretationStatus.PUBLISHED:
        stmt = stmt.where(i.published_on.is_not(None))
    elif query.status is InterpretationStatus.APPROVED:
        stmt = stmt.where(i.published_on.is_(None), i.approved_on.is_not(None))
    elif query.status is InterpretationStatus.DRAFT:
        stmt = stmt.where(i.published_on.is_(None), i.approved_on.is_(None))
    return stmt
