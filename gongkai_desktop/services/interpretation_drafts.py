"""The autosaved draft of a 政策解读 form (SPEC §7): while a user types, the whole form is kept as
that user's draft together with the version of the record it was typed on. This module holds how
a draft stores the form and how a form compares with what saving it would store.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from ..domain.interpretation import InterpretationFields, InterpretationForm
from .interpretation_rows import dump_sections, load_sections

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InterpretationDraft:
    """A user's autosaved form: every field as typed, the version of the record it was typed on
    (``base_version``) and when it was stored (UTC, for display only)."""

    fields: InterpretationFields
    base_version: int
    saved_at: datetime


def dump_fields(fields: InterpretationFields) -> str:
    """The whole form as a draft stores it: a JSON object of every field (dates in ISO form)."""
    data: dict[str, Any] = {}
    for name, value in vars(fields).items():
        if isinstance(value, date):
            value = value.isoformat()
        elif name == "forms":
            value = list(value)
        elif name == "sections":
            value = {str(k): str(v) for k, v in dict(value).items()}
        data[name] = value
    return json.dumps(data, ensure_ascii=False)


_DATE_FIELDS = ("document_approved_on", "approved_on", "document_published_on", "published_on")
_TEXT_FIELDS = ("title", "document_title", "document_number", "interpreter", "link", "notes")


def load_fields(text: str) -> InterpretationFields | None:
    """The form a draft stored (None when it cannot be read back)."""
    try:
        data = json.loads(text or "{}")
        if not isinstance(data, dict):
            raise ValueError("not an object")
        values: dict[str, Any] = {name: str(data.get(name) or "") for name in _TEXT_FIELDS}
        for name in _DATE_FIELDS:
            values[name] = date.fromisoformat(data[name]) if data.get(name) else None
        values["forms"] = tuple(str(f) for f in data.get("forms") or ())
        role = data.get("interpreter_role")
        values["interpreter_role"] = str(role) if role else None
        sections = data.get("sections") or {}
        if not isinstance(sections, dict):
            raise ValueError("sections not an object")
        values["sections"] = {str(k): str(v) for k, v in sections.items()}
        return InterpretationFields(**values)
    except (ValueError, TypeError) as exc:
        log.warning("unreadable interpretation draft (%s): %.80r", exc, text)
        return None


def as_stored(fields: InterpretationFields) -> InterpretationFields:
    """The fields as saving would store them and reading them back would give: texts trimmed,
    forms in the list's order, blank sections left out."""
    chosen = set(fields.forms)
    return replace(
        fields,
        title=fields.title.strip(),
        document_title=fields.document_title.strip(),
        document_number=fields.document_number.strip(),
        forms=tuple(f.value for f in InterpretationForm if f.value in chosen),
        interpreter_role=fields.interpreter_role or None,
        interpreter=fields.interpreter.strip(),
        link=fields.link.strip(),
        notes=fields.notes.strip(),
        sections=load_sections(dump_sections(fields.sections)),
    )
