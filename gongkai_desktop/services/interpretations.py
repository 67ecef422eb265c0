"""政策解读 (SPEC §7): interpretations of policy documents, drafted beside the document.

An interpretation belongs to the drafting division (谁起草、谁解读): that division's liaison (or
an admin) writes it; leaders read. Each row states where it stands (起草中 / 已审签 / 已发布) and
every breach of 同步审签、同步发布 (``domain.interpretation.sync_problems``) against the working
calendar and the admin's tolerance. The policy document and its previous version are read into
plain text for the workbench and kept as attachments. While a user types, the section texts are
autosaved as that user's draft (no version, no audit row); saving the record drops the draft.

Publishing an interpretation of a registered 规范性文件 (same 文号) marks that document 已解读
(SPEC §6) in the same transaction.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..attachments import AttachmentStore
from ..calendar import WorkingCalendar
from ..db.base import utcnow
from ..db.engine import Database
from ..db.interpretation_models import Interpretation
from ..db.interpretation_models import InterpretationDraft as DraftRecord
from ..db.ledger_models import Attachment, NormativeDocument
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
    quoted_terms,
    status_of,
    sync_problems,
    validate_interpretation,
)
from ..domain.permissions import Action, Actor, allowed
from ..errors import GongkaiError, NotFound, ValidationError
from ..search import contains_every_term
from .admin import AdminService, read_setting
from .base import Service, changed_fields, live_record, snapshot
from .calendar import load_calendar

log = logging.getLogger(__name__)

ENTITY = "interpretation"
INTERPRETATION_MISSING = "政策解读不存在或已被删除。"
FIELD_LABELS = {**INTERPRETATION_FIELD_LABELS, "division": "起草处室"}
# The documents' full texts are not copied into every audit row; their file names are.
AUDIT_EXCLUDE = ("document_text", "previous_text")


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
class InterpretationDraft:
    sections: dict[str, str]
    saved_at: datetime


@dataclass(frozen=True)
class _SyncContext:
    """What the sync rule is judged against: the calendar, the tolerance and today."""

    calendar: WorkingCalendar
    tolerance: int
    today: date


def problems_error(problems: list[Problem]) -> ValidationError:
    return ValidationError(
        "政策解读填写有误，未保存：",
        problems=[f"「{FIELD_LABELS.get(p.field, p.field)}」：{p.message}" for p in problems],
        fields=[p.field for p in problems],
    )


def read_tolerance(session: Session) -> int:
    """The tolerance in working days (the stored setting, kept within its bounds)."""
    value = read_setting(session, SYNC_TOLERANCE_SETTING)
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_SYNC_TOLERANCE
    return min(max(days, 0), MAX_SYNC_TOLERANCE)


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


def _forms(text: str) -> tuple[InterpretationForm, ...]:
    stored = set(filter(None, (text or "").split(",")))
    return tuple(f for f in InterpretationForm if f.value in stored)


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n")) if text else ()


def _local_year(created_at: datetime) -> int:
    """The year of a stored UTC time on this PC's clock."""
    return created_at.replace(tzinfo=UTC).astimezone().year


def _section_problems(sections: Mapping[str, str]) -> list[Problem]:
    known = {s.value for s in InterpretationSection}
    return [
        Problem("sections", f"「{key}」不是解读的组成部分") for key in sections if key not in known
    ]


_NORMATIVE_ID = (
    select(func.min(NormativeDocument.id))
    .where(
        NormativeDocument.doc_number == Interpretation.document_number,
        NormativeDocument.deleted_at.is_(None),
        Interpretation.document_number != "",
    )
    .correlate(Interpretation)
    .scalar_subquery()
    .label("normative_document_id")
)

_COLUMNS = (
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
    _NORMATIVE_ID,
    Interpretation.updated_at,
)

_DETAIL_COLUMNS = (
    Interpretation.link,
    Interpretation.notes,
    Interpretation.sections,
    Interpretation.document_text,
    Interpretation.document_file,
    Interpretation.previous_text,
    Interpretation.previous_file,
)


def _fields(v: Any, sections: Mapping[str, str] | None = None) -> InterpretationFields:
    return InterpretationFields(
        title=v.title,
        document_title=v.document_title,
        document_number=v.document_number,
        forms=tuple(f.value for f in _forms(v.forms)),
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


def _row(v: Any, actor: Actor, sync: _SyncContext) -> InterpretationRow:
    fields = _fields(v)
    return InterpretationRow(
        id=v.id,
        uuid=v.uuid,
        version=v.version,
        division_id=v.division_id,
        division_name=v.division_name,
        title=v.title,
        document_title=v.document_title,
        document_number=v.document_number,
        forms=_forms(v.forms),
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
    stmt = stmt.where(i.deleted_at.is_(None))
    if query.year is not None:
        stmt = stmt.where(i.year == query.year)
    if query.division_id is not None:
        stmt = stmt.where(i.division_id == query.division_id)
    if query.status is InterpretationStatus.PUBLISHED:
        stmt = stmt.where(i.published_on.is_not(None))
    elif query.status is InterpretationStatus.APPROVED:
        stmt = stmt.where(i.published_on.is_(None), i.approved_on.is_not(None))
    elif query.status is InterpretationStatus.DRAFT:
        stmt = stmt.where(i.published_on.is_(None), i.approved_on.is_(None))
    if query.text.strip():
        stmt = stmt.where(text_condition(query.text.strip()[:200]))
    return stmt


class InterpretationService(Service):
    """政策解读 of the divisions; ``attachments_dir`` is where attached documents are kept."""

    entity = ENTITY

    def __init__(
        self,
        db: Database,
        actor: Actor,
        attachments_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(db, actor)
        self.attachments_dir = Path(attachments_dir) if attachments_dir is not None else None

    # --- reading ---
    def _sync(self, session: Session, today: date | None) -> _SyncContext:
        return _SyncContext(load_calendar(session), read_tolerance(session), today or date.today())

    def list_interpretations(
        self, query: InterpretationQuery | None = None, today: date | None = None
    ) -> list[InterpretationRow]:
        """The interpretations the query finds, the most recently changed first."""
        query = query or InterpretationQuery()
        with self.db.read() as session:
            sync = self._sync(session, today)
            stmt = select(*_COLUMNS).join(Division, Division.id == Interpretation.division_id)
            stmt = apply_filters(stmt, query).order_by(
                Interpretation.updated_at.desc(), Interpretation.id.desc()
            )
            rows = [_row(v, self.actor, sync) for v in session.execute(stmt)]
        if query.out_of_sync:
            rows = [r for r in rows if r.sync_problems]
        return rows

    def years(self) -> list[int]:
        """Years that have interpretations, newest first."""
        with self.db.read() as session:
            return list(
                session.scalars(
                    select(Interpretation.year)
                    .where(Interpretation.deleted_at.is_(None))
                    .distinct()
                    .order_by(Interpretation.year.desc())
                )
            )

    def divisions(self) -> list[tuple[int, str]]:
        """The active divisions the actor may write interpretations for: all for an admin, their
        own for a liaison, none for a leader."""
        stmt = select(Division.id, Division.name).where(Division.active.is_(True))
        if not self.actor.is_admin:
            if not allowed(self.actor, Action.EDIT_RECORD, self.actor.division_id):
                return []
            stmt = stmt.where(Division.id == self.actor.division_id)
        with self.db.read() as session:
            return [(i, n) for i, n in session.execute(stmt.order_by(Division.sort_order))]

    def division_documents(self, division_id: int | None) -> list[tuple[int, str, str]]:
        """(id, 文号, 标题) of the registered 规范性文件 of a division (all when None), newest
        first: the documents an interpretation may be of."""
        doc = NormativeDocument
        stmt = select(doc.id, doc.doc_number, doc.title).where(doc.deleted_at.is_(None))
        if division_id is not None:
            stmt = stmt.where(doc.division_id == division_id)
        with self.db.read() as session:
            return [
                (i, n, t)
                for i, n, t in session.execute(stmt.order_by(doc.written_on.desc(), doc.id.desc()))
            ]

    def get(self, interpretation_id: int, today: date | None = None) -> InterpretationDetail:
        with self.db.read() as session:
            sync = self._sync(session, today)
            v = session.execute(
                select(*_COLUMNS, *_DETAIL_COLUMNS)
                .join(Division, Division.id == Interpretation.division_id)
                .where(Interpretation.id == interpretation_id, Interpretation.deleted_at.is_(None))
            ).first()
            if v is None:
                raise NotFound(INTERPRETATION_MISSING)
            document_text = _paragraphs(v.document_text)
            return InterpretationDetail(
                row=_row(v, self.actor, sync),
                fields=_fields(v, load_sections(v.sections)),
                document_text=document_text,
                document_file=v.document_file,
                previous_text=_paragraphs(v.previous_text),
                previous_file=v.previous_file,
                terms=tuple(quoted_terms(document_text)),
            )

    # --- changes ---
    def _check(
        self, session: Session, fields: InterpretationFields, division_id: int | None
    ) -> list[Problem]:
        problems = validate_interpretation(fields)
        if division_id is None or session.get(Division, division_id) is None:
            problems.insert(0, Problem("division", "请选择起草处室"))
        return problems

    @staticmethod
    def _assign(record: Interpretation, fields: InterpretationFields) -> None:
        chosen = set(fields.forms)
        record.title = fields.title.strip()
        record.document_title = fields.document_title.strip()
        record.document_number = fields.document_number.strip()
        record.forms = ",".join(f.value for f in InterpretationForm if f.value in chosen)
        record.interpreter_role = fields.interpreter_role or None
        record.interpreter = fields.interpreter.strip()
        record.document_approved_on = fields.document_approved_on
        record.approved_on = fields.approved_on
        record.document_published_on = fields.document_published_on
        record.published_on = fields.published_on
        record.link = fields.link.strip()
        record.notes = fields.notes.strip()
        record.sections = dump_sections(fields.sections)
        record.year = (
            fields.document_approved_on.year
            if fields.document_approved_on is not None
            else _local_year(record.created_at)
        )

    def _mark_interpreted(self, session: Session, record: Interpretation) -> None:
        """SPEC §6 ↔ §7: a published interpretation makes its registered document 已解读."""
        if record.published_on is None or not record.document_number:
            return
        documents = session.scalars(
            select(NormativeDocument).where(
                NormativeDocument.doc_number == record.document_number,
                NormativeDocument.deleted_at.is_(None),
                NormativeDocument.interpreted.is_(False),
            )
        )
        for doc in documents:
            doc.interpreted = True
            doc.updated_by = self.actor.user_id
            session.flush()
            self.audit(
                session,
                "document.update",
                entity="normative_document",
                entity_id=doc.uuid,
                division_id=doc.division_id,
                before={"interpreted": False},
                after={"interpreted": True},
                detail=f"政策解读「{record.title}」已发布，规范性文件「{doc.doc_number}」标记为已解读",
            )

    def _drop_drafts(self, session: Session, interpretation_id: int, own: bool = True) -> None:
        stmt = delete(DraftRecord).where(DraftRecord.interpretation_id == interpretation_id)
        if own:
            stmt = stmt.where(DraftRecord.user_id == self.actor.user_id)
        session.execute(stmt)

    def create(self, division_id: int | None, fields: InterpretationFields) -> InterpretationDetail:
        """A new interpretation of ``division_id`` (None: the actor's own division)."""
        if division_id is None:
            division_id = self.actor.division_id
        self.require(
            Action.EDIT_RECORD, division_id=division_id, what="interpretation.create", entity=ENTITY
        )
        with self.db.write() as session:
            problems = self._check(session, fields, division_id)
            if problems:
                raise problems_error(problems)
            assert division_id is not None
            now = utcnow()
            record = Interpretation(
                division_id=division_id,
                created_by=self.actor.user_id,
                updated_by=self.actor.user_id,
                created_at=now,
                updated_at=now,
            )
            self._assign(record, fields)
            session.add(record)
            session.flush()
            self._mark_interpreted(session, record)
            self.audit(
                session,
                "interpretation.create",
                entity=ENTITY,
                entity_id=record.uuid,
                division_id=division_id,
                after=snapshot(record, AUDIT_EXCLUDE),
                detail=record.title,
            )
            record_id = record.id
        return self.get(record_id)

    def update(
        self, interpretation_id: int, expected_version: int | None, fields: InterpretationFields
    ) -> InterpretationDetail:
        """Save the fields (sections included) over the record the user had open at
        ``expected_version``; the actor's autosaved draft of it is dropped."""
        self.require(
            Action.EDIT_RECORD,
            division_id=self.division_of(Interpretation, interpretation_id),
            what="interpretation.update",
            entity=ENTITY,
            entity_id=interpretation_id,
        )
        try:
            with self.db.write() as session:
                record = live_record(
                    session, Interpretation, interpretation_id, INTERPRETATION_MISSING
                )
                self.check_version(record, expected_version, f"政策解读「{record.title}」")
                problems = self._check(session, fields, record.division_id)
                if problems:
                    raise problems_error(problems)
                before = snapshot(record, AUDIT_EXCLUDE)
                self._assign(record, fields)
                record.updated_by = self.actor.user_id
                session.flush()
                self._drop_drafts(session, record.id)
                self._mark_interpreted(session, record)
                self.audit(
                    session,
                    "interpretation.update",
                    entity=ENTITY,
                    entity_id=record.uuid,
                    division_id=record.division_id,
                    before=before,
                    after=changed_fields(before, snapshot(record, AUDIT_EXCLUDE)),
                    detail=record.title,
                )
        except StaleDataError as exc:
            raise self.lost_race(Interpretation, interpretation_id, "该政策解读") from exc
        return self.get(interpretation_id)

    def delete(self, interpretation_id: int, expected_version: int | None) -> None:
        """Soft-delete the record; every user's draft of it goes with it."""
        self.soft_delete(
            Interpretation,
            interpretation_id,
            what="interpretation.delete",
            entity=ENTITY,
            missing=INTERPRETATION_MISSING,
            expected_version=expected_version,
            name=lambda record: f"政策解读「{record.title}」",
            before_delete=lambda session, record: self._drop_drafts(session, record.id, own=False),
        )

    def attach_policy_document(
        self,
        interpretation_id: int,
        expected_version: int | None,
        path: Path,
        previous: bool = False,
    ) -> InterpretationDetail:
        """Read a policy document (.docx, .pdf, .txt) into the record, as the document being
        interpreted or (``previous``) its previous version, and keep the file as an attachment.

        The file is read and copied into the store before the transaction; the text, the
        attachment row and their audit rows are written together.
        """
        what = "interpretation.attach_document"
        self.require(
            Action.EDIT_RECORD,
            division_id=self.division_of(Interpretation, interpretation_id),
            what=what,
            entity=ENTITY,
            entity_id=interpretation_id,
        )
        if self.attachments_dir is None:
            # A caller that built the service without the data folder's attachment store.
            raise GongkaiError("未指定附件存放位置，无法保存政策文件原件。")
        # The .docx and .pdf readers load their libraries only when a document is attached.
        from ..importers.policy_document import read_policy_document

        path = Path(path)
        policy = read_policy_document(path)
        if not any(p.strip() for p in policy.paragraphs):
            raise ValidationError(
                f"「{policy.file_name}」中没有读到文字（扫描件请先转换为可复制文字的文件）。"
            )
        sha, size = AttachmentStore(self.attachments_dir).put(path)
        file_name = (policy.file_name or path.name)[:255]
        text = "\n".join(policy.paragraphs)
        label = "修订前的政策文件" if previous else "政策文件"
        try:
            with self.db.write() as session:
                record = live_record(
                    session, Interpretation, interpretation_id, INTERPRETATION_MISSING
                )
                self.check_version(record, expected_version, f"政策解读「{record.title}」")
                before = snapshot(record, AUDIT_EXCLUDE)
                if previous:
                    record.previous_text, record.previous_file = text, file_name
                else:
                    record.document_text, record.document_file = text, file_name
                record.updated_by = self.actor.user_id
                session.flush()
                attachment = Attachment(
                    entity=ENTITY,
                    entity_uuid=record.uuid,
                    filename=path.name[:255],
                    sha256=sha,
                    size=size,
                    media_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                    division_id=record.division_id,
                    created_by=self.actor.user_id,
                )
                session.add(attachment)
                session.flush()
                self.audit(
                    session,
                    "attachment.add",
                    entity="attachment",
                    entity_id=attachment.uuid,
                    division_id=record.division_id,
                    after=snapshot(attachment),
                )
                self.audit(
                    session,
                    what,
                    entity=ENTITY,
                    entity_id=record.uuid,
                    division_id=record.division_id,
                    before=before,
                    after=changed_fields(before, snapshot(record, AUDIT_EXCLUDE)),
                    detail=f"{label}：{file_name}（{len(policy.paragraphs)} 段，SHA-256 {sha}）",
                )
        except StaleDataError as exc:
            raise self.lost_race(Interpretation, interpretation_id, "该政策解读") from exc
        return self.get(interpretation_id)

    # --- autosaved drafts ---
    def save_draft(self, interpretation_id: int, sections: Mapping[str, str]) -> None:
        """Store the actor's section texts as typed so far (replacing their previous draft).

        Autosave runs every few seconds: no version change and no audit row, but only someone
        who may change the record may keep a draft of it.
        """
        self.require(
            Action.EDIT_RECORD,
            division_id=self.division_of(Interpretation, interpretation_id),
            what="interpretation.save_draft",
            entity=ENTITY,
            entity_id=interpretation_id,
        )
        problems = _section_problems(sections)
        if problems:
            raise problems_error(problems)
        user_id = self.actor.user_id
        if user_id is None:
            return  # the app itself never types
        payload = dump_sections(sections)
        with self.db.write() as session:
            live_record(session, Interpretation, interpretation_id, INTERPRETATION_MISSING)
            now = utcnow()
            dialect = session.get_bind().dialect.name
            insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
            stmt = insert(DraftRecord).values(
                interpretation_id=interpretation_id, user_id=user_id, sections=payload, saved_at=now
            )
            session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["interpretation_id", "user_id"],
                    set_={"sections": payload, "saved_at": now},
                )
            )

    def draft(self, interpretation_id: int) -> InterpretationDraft | None:
        """The actor's autosaved draft, if it was saved after the record's last change (an older
        one was overtaken by a save, the actor's or someone else's)."""
        if self.actor.user_id is None:
            return None
        with self.db.read() as session:
            found = session.execute(
                select(DraftRecord.sections, DraftRecord.saved_at)
                .join(Interpretation, Interpretation.id == DraftRecord.interpretation_id)
                .where(
                    DraftRecord.interpretation_id == interpretation_id,
                    DraftRecord.user_id == self.actor.user_id,
                    Interpretation.deleted_at.is_(None),
                    DraftRecord.saved_at > Interpretation.updated_at,
                )
            ).first()
        if found is None:
            return None
        return InterpretationDraft(load_sections(found.sections), found.saved_at)

    def discard_draft(self, interpretation_id: int) -> None:
        """Forget the actor's draft (their own scratch text: no permission or audit involved)."""
        if self.actor.user_id is None:
            return
        with self.db.write() as session:
            self._drop_drafts(session, interpretation_id)

    # --- the sync tolerance (a business setting) ---
    def sync_tolerance(self) -> int:
        """How many working days after the document an interpretation may still be published."""
        with self.db.read() as session:
            return read_tolerance(session)

    def set_sync_tolerance(self, days: int) -> int:
        self.require(
            Action.MANAGE_SYSTEM,
            what="setting.update",
            entity="setting",
            entity_id=SYNC_TOLERANCE_SETTING,
        )
        if (
            isinstance(days, bool)
            or not isinstance(days, int)
            or not (0 <= days <= MAX_SYNC_TOLERANCE)
        ):
            raise ValidationError(
                f"解读发布允许滞后的工作日数应为 0 到 {MAX_SYNC_TOLERANCE} 之间的整数。"
            )
        AdminService(self.db, self.actor).set_setting(SYNC_TOLERANCE_SETTING, days)
        return days

    # --- export ---
    def export_word(self, interpretation_id: int, path: str | os.PathLike[str]) -> Path:
        """Write the interpretation as it is stored to a Word document in the official layout
        (the unit's name and the drafting division sign it; fonts as set in 设置)."""
        from ..reports.interpretation_docx import write_interpretation
        from .admin import document_fonts, read_setting

        detail = self.get(interpretation_id)
        with self.db.read() as session:
            fonts = document_fonts(session)
            unit = str(read_setting(session, "unit_name") or "")
        return write_interpretation(
            detail.fields,
            Path(path),
            division_name=detail.row.division_name,
            unit_name=unit,
            fonts=fonts,
        )
