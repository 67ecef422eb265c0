"""Imports never silently overwrite an edit made after the file was written.

The GUI saves a record only at the version the user opened (optimistic locking). An Excel file
carries no version per row, but it does carry the moment it was created (``dcterms:created`` in
``docProps/core.xml``, which the app writes into every template and export and which Excel, WPS
and LibreOffice keep when the file is saved again). A row that would change a record edited
after that moment by another user is a conflict: the row was filled from an older state, so the
import refuses it, naming the row, instead of counting it as 更新. A record the importing user
wrote last (a row imported a minute ago, corrected and imported again) is theirs to overwrite.
"""

from __future__ import annotations

import datetime as dt
import logging
import zipfile
from pathlib import Path
from typing import Any

from .xlsx_safety import RowErrors

log = logging.getLogger(__name__)

CORE_PART = "docProps/core.xml"
MAX_CORE_BYTES = 256 * 1024
_DCTERMS_CREATED = "{http://purl.org/dc/terms/}created"
# The file's time is written to the second; an edit within that second counts as before it.
_RESOLUTION = dt.timedelta(seconds=1)


def file_created_at(path: Path) -> dt.datetime | None:
    """When the workbook was created (UTC, naive), or None when the file does not say.

    Only called on a file whose container limits were already checked; the part is parsed with
    defusedxml all the same.
    """
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(CORE_PART)
            if info.file_size > MAX_CORE_BYTES:
                return None
            root = ElementTree.fromstring(archive.read(info))
    except (KeyError, OSError, zipfile.BadZipFile, ValueError, SyntaxError) as exc:
        log.info("no creation time in %s: %r", path, exc)
        return None
    element = root.find(_DCTERMS_CREATED)
    text = (element.text or "").strip() if element is not None else ""
    try:
        created = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if created.tzinfo is not None:
        created = created.astimezone(dt.UTC).replace(tzinfo=None)
    return created


class EditCheck:
    """The conflict check of one import: which rows would overwrite a newer edit."""

    def __init__(self, path: Path, errors: RowErrors, column: str, user_id: int | None) -> None:
        self.path = path
        self.user_id = user_id
        self._created: tuple[dt.datetime | None] | None = None
        self.errors = errors
        self.column = column
        self.conflicts = 0

    @property
    def created(self) -> dt.datetime | None:
        """The file's creation time, read on first use (after the import checked the file)."""
        if self._created is None:
            self._created = (file_created_at(self.path),)
        return self._created[0]

    def check(self, row: int, what: str, record: Any, changes: bool) -> bool:
        """Record a conflict when the row ``changes`` a record another user edited after the file
        was created; True when the row may be stored."""
        updated_at = record.updated_at
        last_writer = record.updated_by or record.created_by
        if not changes or updated_at is None:
            return True
        if last_writer is not None and last_writer == self.user_id:
            return True
        if self.created is not None and updated_at <= self.created + _RESOLUTION:
            return True
        self.conflicts += 1
        if self.created is None:
            reason = (
                f"{what}已在系统中，而本文件没有记录创建时间，无法确认是否基于最新内容填写；"
                "为免覆盖他人的修改，请在系统中修改，或重新导出模板后再填写"
            )
        else:
            reason = (
                f"冲突：{what}在本文件创建（{_shown(self.created)}）之后已被其他用户修改"
                f"（{_shown(updated_at)}），为免覆盖他人的修改未导入；请重新导出后再填写"
            )
        self.errors.add(row, self.column, reason)
        return False


def _shown(moment: dt.datetime) -> str:
    """A UTC moment in Beijing time, as the users read it."""
    local = moment.replace(tzinfo=dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8)))
    return local.strftime("%Y-%m-%d %H:%M")
