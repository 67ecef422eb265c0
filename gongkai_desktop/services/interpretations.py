"""政策解读 (SPEC §7): interpretations of policy documents, drafted beside the document.

An interpretation belongs to the drafting division (谁起草、谁解读): that division's liaison (or
an admin) writes it; leaders read. Each row states where it stands and every breach of 同步审签、
同步发布 (``services.interpretation_rows``). The policy document and its previous version are read
into plain text for the workbench and kept as attachments. While a user types, the whole form is
autosaved as that user's draft together with the version of the record it was typed on (no
version, no audit row); saving the record drops the draft. A draft is offered back while it
differs from the stored record; its base version tells whether someone saved since
(``services.interpretation_drafts``).

A registered 规范性文件 of the interpretation's division with its 文号 is 已解读 (SPEC §6) while at
least one live, published interpretation of that division carries the 文号; every change that
could alter this (creating, changing the 文号 or the publication, deleting) sets or clears the
flag of the documents concerned in the same transaction, each with its own audit row.
"""

from __future__ import annotations

import logging
import mimetypes
import os
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..attachments import AttachmentStore
from ..db.base import utcnow
from ..db.engine import Database
from ..db.interpretation_models import Interpretation
from ..db.interpretation_models import InterpretationDraft as DraftRecord
from ..db.ledger_models import Attachment, NormativeDocument
from ..db.models import Division
from ..domain.interpretation import (
    MAX_SYNC_TOLERANCE,
    SYNC_TOLERANCE_SETTING,
    InterpretationFields,
    InterpretationForm,
    quoted_terms,
    validate_interpretation,
)
from ..domain.permissions import Action, Actor
from ..errors import GongkaiError, NotFound, ValidationError
from ..progress import CancelToken, Job, Progress, run_job
from .admin import AdminService
from .base import changed_fields, live_record, snapshot
from .calendar import load_calendar
from .document_links import flag_document
from .interpretation_drafts import InterpretationDraft, as_stored, dump_fields, load_fields
from .interpretation_rows import (
    COLUMNS,
    DETAIL_COLUMNS,
    InterpretationDetail,
    InterpretationQuery,
    InterpretationRow,
    SyncContext,
    apply_filters,
    dump_sections,
    interpretation_fields,
    interpretation_row,
    load_sections,
    paragraphs,
    problems_error,
    read_tolerance,
    section_problems,
)
from .policy_records import PolicyRecordService, local_year

log = logging.getLogger(__name__)

__all__ = [
    "InterpretationDetail",
    "InterpretationDraft",
    "InterpretationQuery",
    "InterpretationRow",
    "InterpretationService",
    "dump_sections",
]

ENTITY = "interpretation"
INTERPRETATION_MISSING = "政策解读不存在或已被删除。"
# The documents' full texts are not copied into every audit row; their file names are.
AUDIT_EXCLUDE = ("document_text", "previous_text")


class InterpretationService(PolicyRecordService):
    """政策解读 of the divisions; ``attachments_dir`` is where attached documents are kept."""

    entity = ENTITY
    model = Interpretation
    division_label = "起草处室"

    def __init__(
        self,
        db: Database,
        actor: Actor,
        attachments_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(db, actor)
        self.attachments_dir = Path(attachments_dir) if attachments_dir is not None else None

    # --- reading ---
    def _sync(self, session: Session, today: date | None) -> SyncContext:
        return SyncContext(load_calendar(session), read_tolerance(session), today or date.today())

    def list_interpretations(
        self, query: InterpretationQuery | None = None, today: date | None = None
    ) -> list[InterpretationRow]:
        """The interpretations the query finds, the most recently changed first."""
        query = query or InterpretationQuery()
        with self.db.read() as session:
            sync = self._sync(session, today)
            stmt = select(*COLUMNS).join(Division, Division.id == Interpretation.division_id)
            stmt = apply_filters(stmt, query).order_by(
                Interpretation.updated_at.desc(), Interpretation.id.desc()
            )
            rows = [interpretation_row(v, self.actor, sync) for v in session.execute(stmt)]
        if query.out_of_sync:
            rows = [r for r in rows if r.sync_problems]
        return rows

    def get(self, interpretation_id: int, today: date | None = None) -> InterpretationDetail:
        with self.db.read() as session:
            sync = self._sync(session, today)
            v = session.execute(
                select(*COLUMNS, *DETAIL_COLUMNS)
                .join(Division, Division.id == Interpretation.division_id)
                .where(Interpretation.id == interpretation_id, Interpretation.deleted_at.is_(None))
            ).first()
            if v is None:
                raise NotFound(INTERPRETATION_MISSING)
            document_text = paragraphs(v.document_text)
            return InterpretationDetail(
                row=interpretation_row(v, self.actor, sync),
                fields=interpretation_fields(v, load_sections(v.sections)),
                document_text=document_text,
                document_file=v.document_file,
                previous_text=paragraphs(v.previous_text),
                previous_file=v.previous_file,
                terms=tuple(quoted_terms(document_text)),
            )

    # --- changes ---
    def _checked(
        self, session: Session, fields: InterpretationFields, division_id: int | None
    ) -> InterpretationFields:
        self.check_form(session, validate_interpretation(fields), division_id, problems_error)
        return fields

    @staticmethod
    def _assign(session: Session, record: Interpretation, fields: InterpretationFields) -> None:
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
            else local_year(record.created_at)
        )

    @staticmethod
    def _counts_for(record: Interpretation) -> str | None:
        """The 文号 a record makes 已解读: its own once published (None: none)."""
        if record.deleted_at is None and record.published_on is not None:
            return record.document_number or None
        return None

    def _mark_interpreted(
        self,
        session: Session,
        record: Interpretation,
        before: str | None,
        after: str | None,
        why: str,
    ) -> None:
        """SPEC §6 ↔ §7: keep 是否解读 of the registered documents of the record's division right
        after the record counted for the 文号 ``before`` and counts for ``after`` (a published,
        live interpretation counts for its 文号; None: for none).

        Only the documents of those 文号 are looked at, and only when what the record counts for
        changed, so a flag set by hand on another document is left alone.
        """
        if before == after:
            return
        numbers = [n for n in dict.fromkeys((before, after)) if n]
        if not numbers:
            return
        doc, other = NormativeDocument, Interpretation
        documents = session.scalars(
            select(doc)
            .where(
                doc.division_id == record.division_id,
                doc.doc_number.in_(numbers),
                doc.deleted_at.is_(None),
            )
            .order_by(doc.id)
        ).all()
        for document in documents:
            # The record's own part is ``after``; the others' is read from the table.
            others = session.scalar(
                select(func.count(other.id)).where(
                    other.id != record.id,
                    other.division_id == document.division_id,
                    other.document_number == document.doc_number,
                    other.published_on.is_not(None),
                    other.deleted_at.is_(None),
                )
            )
            interpreted = after == document.doc_number or bool(others)
            if document.interpreted == interpreted:
                continue
            state = "标记为已解读" if interpreted else "不再有已发布的解读，取消已解读标记"
            flag_document(
                self,
                session,
                document,
                "interpreted",
                interpreted,
                f"政策解读「{record.title}」{why}，规范性文件「{document.doc_number}」{state}",
            )

    def _drop_drafts(self, session: Session, interpretation_id: int) -> None:
        session.execute(
            delete(DraftRecord).where(
                DraftRecord.interpretation_id == interpretation_id,
                DraftRecord.user_id == self.actor.user_id,
            )
        )

    def create(self, division_id: int | None, fields: InterpretationFields) -> InterpretationDetail:
        """A new interpretation of ``division_id`` (None: the actor's own division)."""

        def mark(session: Session, record: Interpretation) -> None:
            self._mark_interpreted(session, record, None, self._counts_for(record), "已发布")

        record_id = self.create_record(
            Interpretation,
            division_id,
            what="interpretation.create",
            entity=ENTITY,
            check=lambda session, division: self._checked(session, fields, division),
            assign=self._assign,
            detail=lambda record, _fields: record.title,
            after=mark,
            exclude=AUDIT_EXCLUDE,
        )
        return self.get(record_id)

    def update(
        self, interpretation_id: int, expected_version: int | None, fields: InterpretationFields
    ) -> InterpretationDetail:
        """Save the fields (sections included) over the record the user had open at
        ``expected_version``; the actor's autosaved draft of it is dropped."""

        def follow_up(session: Session, record: Interpretation, counted: str | None) -> None:
            self._drop_drafts(session, record.id)
            self._mark_interpreted(session, record, counted, self._counts_for(record), "已修改")

        self.update_record(
            Interpretation,
            interpretation_id,
            expected_version,
            what="interpretation.update",
            entity=ENTITY,
            missing=INTERPRETATION_MISSING,
            name=lambda record: f"政策解读「{record.title}」",
            conflict="该政策解读",
            check=lambda session, division: self._checked(session, fields, division),
            assign=self._assign,
            detail=lambda record, _fields: record.title,
            remember=lambda _session, record: self._counts_for(record),
            after=follow_up,
            exclude=AUDIT_EXCLUDE,
        )
        return self.get(interpretation_id)

    def after_restored(self, session: Session, record: Interpretation) -> None:
        """``record`` came back from 回收站: a published one makes its document 已解读 again."""
        self._mark_interpreted(session, record, None, self._counts_for(record), "已恢复")

    def delete(self, interpretation_id: int, expected_version: int | None) -> None:
        """Soft-delete the record (the drafts of it stay with it, like the row itself); the
        registered document it made 已解读 is no longer so unless another interpretation of it
        was published."""

        def unmark(session: Session, record: Interpretation) -> None:
            self._mark_interpreted(session, record, self._counts_for(record), None, "已删除")

        self.soft_delete(
            Interpretation,
            interpretation_id,
            what="interpretation.delete",
            entity=ENTITY,
            missing=INTERPRETATION_MISSING,
            expected_version=expected_version,
            name=lambda record: f"政策解读「{record.title}」",
            before_delete=unmark,
            exclude=AUDIT_EXCLUDE,
        )

    def attach_policy_document(
        self,
        interpretation_id: int,
        expected_version: int | None,
        path: Path,
        previous: bool = False,
    ) -> InterpretationDetail:
        """Read a policy document (.docx, .pdf, .txt) into the record, as the document being
        interpreted or (``previous``) its previous version, and keep the file as an attachment;
        ``attach_policy_document_job`` run to its end."""
        return run_job(
            self.attach_policy_document_job(interpretation_id, expected_version, path, previous)
        )

    def attach_policy_document_job(
        self,
        interpretation_id: int,
        expected_version: int | None,
        path: Path,
        previous: bool = False,
        cancel: CancelToken | None = None,
    ) -> Job[InterpretationDetail]:
        """The steps of ``attach_policy_document``, for a worker: read the file, keep a copy in
        the attachment store, then write the text, the attachment row and their audit rows in
        one transaction. Cancelling before the last step stores nothing in the database.

        The attachment kept must be the file that was read: its SHA-256 is compared with that of
        the bytes the text came from, and a file changed in between is refused.
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
        yield Progress(0, 3, f"正在读取“{path.name}”……")
        policy = read_policy_document(path, cancel)
        if not any(p.strip() for p in policy.paragraphs):
            raise ValidationError(
                f"「{policy.file_name}」中没有读到文字（扫描件请先转换为可复制文字的文件）。"
            )
        yield Progress(1, 3, "正在保存政策文件原件……")
        sha, size = AttachmentStore(self.attachments_dir).put(path)
        if sha != policy.sha256:
            raise ValidationError(
                f"“{path.name}”在读取期间被修改，保存的原件与读取的内容不一致，未导入。"
                "请关闭正在编辑该文件的程序后重新导入。",
                path=str(path),
            )
        yield Progress(2, 3, "正在写入政策解读……")
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
    def save_draft(
        self, interpretation_id: int, base_version: int, fields: InterpretationFields
    ) -> None:
        """Store the actor's form as typed so far on version ``base_version`` of the record
        (replacing their previous draft).

        Autosave runs every few seconds: no version change and no audit row, but only someone
        who may change the record may keep a draft of it. The fields need not be complete yet;
        only the section names are checked.
        """
        self.require(
            Action.EDIT_RECORD,
            division_id=self.division_of(Interpretation, interpretation_id),
            what="interpretation.save_draft",
            entity=ENTITY,
            entity_id=interpretation_id,
        )
        problems = section_problems(fields.sections)
        if problems:
            raise problems_error(problems)
        user_id = self.actor.user_id
        if user_id is None:
            return  # the app itself never types
        payload = dump_fields(fields)
        with self.db.write() as session:
            live_record(session, Interpretation, interpretation_id, INTERPRETATION_MISSING)
            now = utcnow()
            dialect = session.get_bind().dialect.name
            insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
            values = {"base_version": base_version, "fields": payload, "saved_at": now}
            stmt = insert(DraftRecord).values(
                interpretation_id=interpretation_id, user_id=user_id, **values
            )
            session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["interpretation_id", "user_id"], set_=values
                )
            )

    def draft(self, interpretation_id: int) -> InterpretationDraft | None:
        """The actor's autosaved draft of a live record whenever it differs from what is stored
        (None when there is none, or it holds nothing the record does not).

        The draft says the version it was typed on: the record's current version when no one
        saved since, an older one when someone did (a conflict for the user to decide). Times
        stored by different PCs are never compared.
        """
        if self.actor.user_id is None:
            return None
        with self.db.read() as session:
            found = session.scalars(
                select(DraftRecord)
                .join(Interpretation, Interpretation.id == DraftRecord.interpretation_id)
                .where(
                    DraftRecord.interpretation_id == interpretation_id,
                    DraftRecord.user_id == self.actor.user_id,
                    Interpretation.deleted_at.is_(None),
                )
            ).first()
            if found is None:
                return None
            typed = load_fields(found.fields)
            draft = (
                InterpretationDraft(typed, found.base_version, found.saved_at)
                if typed is not None
                else None
            )
        if draft is None:
            return None
        try:
            stored = self.get(interpretation_id).fields
        except NotFound:
            return None
        if as_stored(draft.fields) == stored:
            return None
        return draft

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
    def export_word(
        self,
        interpretation_id: int,
        path: str | os.PathLike[str],
        *,
        issued: date | None = None,
    ) -> Path:
        """Write the interpretation as it is stored to a Word document in the official layout:
        signed by the unit on ``issued`` (today by default), fonts as set in 设置, a 草稿 mark
        on every page while it is not approved."""
        from ..reports.interpretation_docx import write_interpretation

        detail = self.get(interpretation_id)
        unit, fonts = self.signature()
        return write_interpretation(
            detail.fields, Path(path), unit_name=unit, fonts=fonts, issued=issued
        )
