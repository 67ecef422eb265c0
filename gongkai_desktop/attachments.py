"""Attachments of any record: files stored by their SHA-256 under the data folder.

The bytes of a file live once in ``attachments/<sha256[:2]>/<sha256>`` however many records use
them; the ``attachment`` table links a record (``entity`` = its table, ``entity_uuid``) to a file
name and hash. The copy is written to a temporary file and renamed into place, and the hash is
computed while copying, so a stored file always matches its name. ``verify`` re-reads a file and
compares its hash (a damaged or swapped file is reported, never served silently).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from .db import (  # noqa: F401 - register the models
    interpretation_models,
    ledger_models,
    plan_models,
    request_models,
)
from .db.base import Base, RecordMixin, utcnow
from .db.engine import Database
from .db.ledger_models import Attachment
from .domain.permissions import Action, Actor
from .errors import GongkaiError, NotFound, ValidationError
from .fileio import sha256_file
from .services.base import Service, live_record, snapshot

log = logging.getLogger(__name__)

MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024
CHUNK = 1 << 20
ATTACHMENT_MISSING = "附件不存在。"


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    uuid: str
    entity: str
    entity_uuid: str
    filename: str
    sha256: str
    size: int
    media_type: str
    created_at: datetime


class AttachmentStore:
    """The content-addressed folder of attachment files."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, source: str | os.PathLike[str]) -> tuple[str, int]:
        """Copy ``source`` into the store; return (sha256, size). Existing content is reused."""
        source = Path(source)
        try:
            size = source.stat().st_size
        except OSError as exc:
            raise ValidationError(f"无法读取附件：{source}（{exc.strerror or exc}）") from exc
        if size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                f"附件「{source.name}」过大（{size / 1048576:.0f} MB），单个附件不能超过 "
                f"{MAX_ATTACHMENT_BYTES // 1048576} MB。"
            )
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming.", dir=self.root)
        tmp = Path(tmp_name)
        digest = hashlib.sha256()
        copied = 0
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                for block in iter(lambda: src.read(CHUNK), b""):
                    digest.update(block)
                    out.write(block)
                    copied += len(block)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            target = self.path_of(sha)
            if target.exists() and target.stat().st_size == copied:
                tmp.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise GongkaiError(f"保存附件失败：{source.name}（{exc.strerror or exc}）") from exc
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return sha, copied

    def verify(self, sha256: str) -> bool:
        path = self.path_of(sha256)
        return path.is_file() and sha256_file(path) == sha256

    def export(self, sha256: str, target: str | os.PathLike[str]) -> Path:
        """Copy a stored file out (e.g. "另存为"), checking its hash first."""
        if not self.verify(sha256):
            raise GongkaiError("附件文件缺失或已损坏（SHA-256 校验不符），请从备份中恢复。")
        target = Path(target)
        shutil.copyfile(self.path_of(sha256), target)
        return target


def record_model(entity: str) -> type[RecordMixin]:
    """The model of the records whose table is ``entity``; ValidationError for anything else."""
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if (
            isinstance(cls, type)
            and issubclass(cls, RecordMixin)
            and cls is not Attachment
            and getattr(cls, "__tablename__", None) == entity
        ):
            return cls
    raise ValidationError(f"不能为「{entity}」类型的记录添加附件。")


def _info(a: Attachment) -> AttachmentInfo:
    return AttachmentInfo(
        a.id,
        a.uuid,
        a.entity,
        a.entity_uuid,
        a.filename,
        a.sha256,
        a.size,
        a.media_type,
        a.created_at,
    )


class AttachmentService(Service):
    """Attach files to records of a division; the record's division decides who may change them."""

    def __init__(self, db: Database, actor: Actor, attachments_dir: str | os.PathLike[str]):
        super().__init__(db, actor)
        self.store = AttachmentStore(attachments_dir)

    def list(self, entity: str, entity_uuid: str) -> list[AttachmentInfo]:
        with self.db.read() as session:
            return [
                _info(a)
                for a in session.scalars(
                    select(Attachment)
                    .where(
                        Attachment.entity == entity,
                        Attachment.entity_uuid == entity_uuid,
                        Attachment.deleted_at.is_(None),
                    )
                    .order_by(Attachment.id)
                )
            ]

    def _record_division(self, entity: str, entity_uuid: str) -> int:
        """The division of the live record an attachment belongs to (it decides who may change
        the record's attachments); NotFound when there is no such record."""
        model = record_model(entity)
        with self.db.read() as session:
            division_id = session.scalar(
                select(model.division_id).where(
                    model.uuid == entity_uuid, model.deleted_at.is_(None)
                )
            )
        if division_id is None:
            raise NotFound("要添加附件的记录不存在或已删除。")
        return division_id

    def attach(
        self,
        entity: str,
        entity_uuid: str,
        division_id: int | None,
        source: str | os.PathLike[str],
    ) -> AttachmentInfo:
        """Attach ``source`` to the record ``entity_uuid`` of table ``entity``.

        The permission check uses the record's own division, looked up here: ``division_id`` is
        what the caller believes it to be and decides nothing.
        """
        division_id = self._record_division(entity, entity_uuid)
        self.require(
            Action.EDIT_RECORD,
            division_id=division_id,
            what="attachment.add",
            entity=entity,
            entity_id=entity_uuid,
        )
        source = Path(source)
        sha, size = self.store.put(source)
        media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        with self.db.write() as session:
            a = Attachment(
                entity=entity,
                entity_uuid=entity_uuid,
                filename=source.name[:255],
                sha256=sha,
                size=size,
                media_type=media_type,
                division_id=division_id,
                created_by=self.actor.user_id,
            )
            session.add(a)
            session.flush()
            self.audit(
                session,
                "attachment.add",
                entity="attachment",
                entity_id=a.uuid,
                division_id=division_id,
                after=snapshot(a),
            )
            return _info(a)

    def remove(self, attachment_id: int) -> None:
        """Unlink an attachment from its record (the file stays: other records or backups).

        Allowed to whoever may change the record's division now (the record may have moved to
        another division since the file was attached).
        """
        with self.db.read() as session:
            a = live_record(session, Attachment, attachment_id, ATTACHMENT_MISSING)
            entity, entity_uuid, stored_division = a.entity, a.entity_uuid, a.division_id
            model = record_model(entity)
            record_division = session.scalar(
                select(model.division_id).where(model.uuid == entity_uuid)
            )
        division_id = record_division if record_division is not None else stored_division
        self.require(
            Action.EDIT_RECORD,
            division_id=division_id,
            what="attachment.remove",
            entity="attachment",
            entity_id=attachment_id,
        )
        with self.db.write() as session:
            a = live_record(session, Attachment, attachment_id, ATTACHMENT_MISSING)
            before = snapshot(a)
            a.deleted_at = utcnow()
            self.audit(
                session,
                "attachment.remove",
                entity="attachment",
                entity_id=a.uuid,
                division_id=division_id,
                before=before,
            )

    def path(self, attachment_id: int) -> Path:
        """The stored file of an attachment, after checking its SHA-256."""
        with self.db.read() as session:
            sha = live_record(session, Attachment, attachment_id, ATTACHMENT_MISSING).sha256
        if not self.store.verify(sha):
            raise GongkaiError("附件文件缺失或已损坏（SHA-256 校验不符），请从备份中恢复。")
        return self.store.path_of(sha)
