"""What the records about a policy document share: 政策解读 (SPEC §7) and 决策 (SPEC §8).

Both belong to the division that drafts the document, are listed by year, division and words,
are linked by 文号 to that division's registered 规范性文件 (SPEC §6), and are exported as Word
documents signed by the unit with the fonts set in 设置.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Label, Select, func, select
from sqlalchemy.orm import Session

from ..db.ledger_models import NormativeDocument
from ..db.models import Division
from ..domain.disclosure import Problem
from ..errors import ValidationError
from .admin import document_fonts, read_setting
from .base import Service
from .document_links import registered_documents


def local_year(created_at: datetime) -> int:
    """The year of a stored UTC time on this PC's clock."""
    return created_at.replace(tzinfo=UTC).astimezone().year


def bounded_setting(session: Session, key: str, default: int, minimum: int, maximum: int) -> int:
    """A whole-number business setting as stored, kept within its bounds (``default`` when it
    is not a number)."""
    try:
        value = int(read_setting(session, key))
    except (TypeError, ValueError):
        return default
    return min(max(value, minimum), maximum)


def fields_error(
    what: str, labels: Mapping[str, str], problems: Sequence[Problem]
) -> ValidationError:
    """The refusal to save a form of ``what`` (e.g. 决策记录), each problem under its field's
    label."""
    return ValidationError(
        f"{what}填写有误，未保存：",
        problems=[f"「{labels.get(p.field, p.field)}」：{p.message}" for p in problems],
        fields=[p.field for p in problems],
    )


def normative_document_id(model: Any) -> Label[Any]:
    """The registered document a record of ``model`` is about: same 文号, same (drafting)
    division; a column labelled ``normative_document_id`` (NULL: none)."""
    return (
        select(func.min(NormativeDocument.id))
        .where(
            NormativeDocument.doc_number == model.document_number,
            NormativeDocument.division_id == model.division_id,
            NormativeDocument.deleted_at.is_(None),
            model.document_number != "",
        )
        .correlate(model)
        .scalar_subquery()
        .label("normative_document_id")
    )


def record_filters(
    stmt: Select[Any],
    model: Any,
    *,
    year: int | None,
    division_id: int | None,
    text: str,
    text_condition: Callable[[str], ColumnElement[bool]],
) -> Select[Any]:
    """The live records of ``model`` of a year and a division (None: any) whose texts hold
    every word of ``text`` (``text_condition``; at most 200 characters are looked at)."""
    stmt = stmt.where(model.deleted_at.is_(None))
    if year is not None:
        stmt = stmt.where(model.year == year)
    if division_id is not None:
        stmt = stmt.where(model.division_id == division_id)
    if text.strip():
        stmt = stmt.where(text_condition(text.strip()[:200]))
    return stmt


class PolicyRecordService(Service):
    """Base of the services of records about a policy document: ``model`` is the record's
    table, ``division_label`` names the division it belongs to on its form."""

    model: ClassVar[Any]
    division_label: ClassVar[str]

    def years(self) -> list[int]:
        """Years that have records, newest first."""
        return self.record_years(self.model, self.model.year)

    def divisions(self) -> list[tuple[int, str]]:
        """The active divisions the actor may write records for: all for an admin, their own
        for a liaison, none for a leader."""
        return self.writable_divisions()

    def division_documents(self, division_id: int | None) -> list[tuple[int, str, str]]:
        """(id, 文号, 标题) of the registered 规范性文件 of a division (all when None), newest
        first: the documents a record may be about."""
        with self.db.read() as session:
            return registered_documents(session, division_id)

    def check_form(
        self,
        session: Session,
        problems: list[Problem],
        division_id: int | None,
        error: Callable[[list[Problem]], ValidationError],
    ) -> None:
        """Refuse the form (``error``) when it has ``problems`` or names no existing division,
        the missing division first."""
        if division_id is None or session.get(Division, division_id) is None:
            problems.insert(0, Problem("division", f"请选择{self.division_label}"))
        if problems:
            raise error(problems)

    def signature(self) -> tuple[str, Any]:
        """The unit that signs the Word documents (as set in 设置) and the documents' fonts."""
        with self.db.read() as session:
            fonts = document_fonts(session)
            unit = str(read_setting(session, "unit_name") or "")
        return unit, fonts
