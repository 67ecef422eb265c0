"""What importing the 公开事项 and 规范性文件 templates shares (SPEC §16): the reference lists a
row is checked against, reading a row's cells into 第N行「列」：原因 problems, checking every row
of a file before anything is stored, and the audit entries an import writes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import select

from ..audit import AuditActor, record
from ..calendar import WorkingCalendar
from ..db.engine import Database
from ..db.models import Division
from ..domain.permissions import Action, Actor, allowed
from ..errors import ValidationError
from ..fileio import sha256_file
from ..progress import CancelToken, Job, Progress
from ..services.base import changed_fields, snapshot
from ..services.calendar import load_calendar
from ..services.ledger_categories import categories_of
from .xlsx_safety import RowErrors, open_rows, text_cell

PROGRESS_EVERY = 500


@dataclass(frozen=True)
class LedgerRefs:
    """What a row is checked against: the active divisions by name, the categories and the
    working calendar."""

    divisions: dict[str, int]
    categories: list[str]
    calendar: WorkingCalendar


def ledger_refs(db: Database) -> LedgerRefs:
    with db.read() as session:
        divisions = {
            name: id_
            for id_, name in session.execute(
                select(Division.id, Division.name).where(Division.active.is_(True))
            )
        }
        return LedgerRefs(divisions, categories_of(session), load_calendar(session))


class RowReader:
    """Reads the cells of one row into ``RowErrors``, remembering which columns failed."""

    def __init__(self, errors: RowErrors, row: int) -> None:
        self.errors = errors
        self.row = row
        self.failed: set[str] = set()

    def add(self, header: str, reason: str) -> None:
        if header not in self.failed:
            self.failed.add(header)
            self.errors.add(self.row, header, reason)

    def parse(self, header: str, parser: Any, value: object, *args: Any, required: bool = False):  # type: ignore[no-untyped-def]
        before = len(self.errors)
        result = self.errors.parse(self.row, header, parser, value, *args, required=required)
        if len(self.errors) > before:
            self.failed.add(header)
        return result

    def text(self, header: str, value: object, required: bool = False, limit: int = 500) -> str:
        text = text_cell(value)
        if required and not text:
            self.add(header, "必填，不能为空")
        elif len(text) > limit:
            self.add(header, f"不能超过 {limit} 个字")
        return text

    def division(
        self, header: str, value: object, refs: LedgerRefs, actor: Actor, denied: list[str]
    ) -> int | None:
        name = text_cell(value)
        if not name:
            self.add(header, "必填，不能为空")
            return None
        division_id = refs.divisions.get(name)
        if division_id is None:
            self.add(header, f"处室「{name}」不存在，请填写本单位处室的全称")
            return None
        if not allowed(actor, Action.EDIT_RECORD, division_id):
            self.add(header, f"联络员只能导入本处室（{actor.division_name}）的记录，不能导入{name}的记录")
            denied.append(name)
            return None
        return division_id


def shown_values(values: tuple[Any, ...]) -> tuple[str, ...]:
    """Cells as the preview shows them (dates as YYYY-MM-DD)."""

    def show(v: Any) -> str:
        if isinstance(v, datetime):
            return v.date().isoformat()
        if isinstance(v, date):
            return v.isoformat()
        return text_cell(v)

    return tuple(show(v) for v in values)


class ParsedRow(Protocol):
    row: int
    values: tuple[str, ...]


RowT = TypeVar("RowT", bound=ParsedRow)
# What checking a file gives: (valid rows, errors, refused divisions, rows read).
Checked = tuple[list[RowT], RowErrors, list[str], int]


def check_rows(
    path: Path,
    headers: Sequence[str],
    parse: Callable[[RowReader, tuple[Any, ...]], RowT | None],
    key: Callable[[RowT], Hashable],
    duplicate: Callable[[int], str],
    errors: RowErrors,
    cancel: CancelToken | None,
    keep_values: bool,
) -> Job[tuple[list[RowT], int]]:
    """Parse every data row into ``errors``; returns (valid rows, rows read). A row with the
    ``key`` of an earlier row is reported in the first column with ``duplicate(first row)``."""
    parsed: list[RowT] = []
    seen: dict[Hashable, int] = {}
    count = 0
    for count, (row, values) in enumerate(open_rows(path, headers, cancel=cancel), 1):
        record = parse(RowReader(errors, row), values)
        if record is not None:
            first = seen.setdefault(key(record), row)
            if first != row:
                errors.add(row, headers[0], duplicate(first))
            else:
                if keep_values:
                    record.values = shown_values(values)
                parsed.append(record)
        if count % PROGRESS_EVERY == 0:
            if cancel is not None:
                cancel.check()
            yield Progress(count, 0, f"已检查 {count} 行")
    return parsed, count


def valid_rows(
    check: Callable[[Database, Actor, Path, CancelToken | None], Job[Checked[RowT]]],
    what: str,
    db: Database,
    actor: Actor,
    path: Path,
    cancel: CancelToken | None,
) -> Job[list[RowT]]:
    """The rows of a file to import, after auditing a refused division; any problem, or a file
    without a data row, raises."""
    yield Progress(0, 0, "正在检查文件")
    parsed, errors, denied, _ = yield from check(db, actor, path, cancel)
    if denied:
        audit_denied(db, actor, what, path, denied)
    errors.raise_if_any()
    if not parsed:
        raise ValidationError(f"“{path.name}”中没有可导入的数据行。", path=str(path))
    return parsed


def audit_denied(db: Database, actor: Actor, what: str, path: Path, names: Sequence[str]) -> None:
    with db.write() as session:
        record(
            session,
            AuditActor(actor.user_id, actor.username),
            what,
            entity="import",
            entity_id=path.name,
            division_id=actor.division_id,
            outcome="denied",
            detail="导入文件含有其他处室的记录：" + "、".join(sorted(set(names))),
        )


def audit_row_update(
    session: Any,
    audit_actor: AuditActor,
    action: str,
    entity: str,
    stored: Any,
    before: dict[str, Any],
    path: Path,
    row: int,
) -> None:
    """The audit entry of a stored record that row ``row`` of the file updated: its fields
    before, and those the row changed."""
    record(
        session,
        audit_actor,
        action,
        entity=entity,
        entity_id=stored.uuid,
        division_id=stored.division_id,
        before=before,
        after=changed_fields(before, snapshot(stored)),
        detail=f"导入文件「{path.name}」第{row}行更新",
    )


def audit_import(
    session: Any,
    audit_actor: AuditActor,
    action: str,
    entity: str,
    path: Path,
    created: list[str],
    updated: list[str],
    detail: str,
    division_id: int | None = None,
) -> None:
    """The audit entry of a whole import: the file (by name and SHA-256) and the uuids of the
    records it created and updated."""
    record(
        session,
        audit_actor,
        action,
        entity=entity,
        entity_id=path.name,
        division_id=division_id,
        after={
            "file": path.name,
            "sha256": sha256_file(path),
            "created": created,
            "updated": updated,
        },
        detail=detail,
    )
