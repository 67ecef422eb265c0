"""Import and export of the request and case ledgers (Excel, SPEC §16); registers both kinds.

An import checks every row before storing anything: cell formats, closed lists, the clock rules of
``domain.requests`` (an answer before the receipt, a corrected request before the 补正 notice, an
extension over 20 working days, an outcome not in the national list …), divisions and the user's
permission. Any problem rejects the whole file, naming each bad row and column in Chinese; a clean
file is stored in one transaction (new 登记编号 added, known ones updated), each record audited.

The file has SPEC §16's columns and may add any of the further clock columns
(``REQUEST_OPTIONAL_HEADERS``, as an exported ledger does). An added column that is missing leaves
a new request's field empty and an updated request's field as stored; an empty cell clears it.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..db.engine import Database
from ..db.models import Division
from ..db.request_models import DisclosureCase, DisclosureRequest
from ..domain.labels import DivisionKind
from ..domain.permissions import Action, Actor, allowed
from ..domain.requests import (
    MAX_CONSULTATION_WORKING_DAYS,
    MAX_EXTENSION_WORKING_DAYS,
    MAX_FEE_CENTS,
    OUTCOME_LABELS,
    ApplicantType,
    CaseResult,
    CaseType,
    Channel,
    case_problems,
)
from ..errors import ValidationError
from ..exchange import ImportResult, LedgerKind, TemplateLists, register
from ..progress import CancelToken, Progress
from ..reports.excel.requests_ledger import (
    CASE_HEADERS,
    REQUEST_HEADERS,
    REQUEST_LEDGER_HEADERS,
    REQUEST_OPTIONAL_HEADERS,
    export_cases_job,
    export_requests_job,
    write_cases_template,
    write_requests_template,
    yuan,
)
from ..services.base import Service, audit_actor, snapshot
from ..services.published_matches import PublishedMatchService
from ..services.requests import (
    CaseInput,
    RequestInput,
    RequestRow,
    RequestService,
    input_of,
    validate_request,
)
from .record_versions import EditCheck
from .xlsx_safety import (
    ABSENT,
    RowErrors,
    ignored_columns_note,
    open_rows,
    parse_choice_cell,
    parse_date_cell,
    parse_int_cell,
    parse_money_cell,
    parse_text_cell,
    text_cell,
)

log = logging.getLogger(__name__)
PROGRESS_EVERY = 500
MAX_APPLICANT_CHARS = 200  # the register's column
MAX_KEY_CHARS = 64  # 登记编号 and 案件编号 columns


def _key_cell(errors: RowErrors, seen: dict[str, int], row: int, header: str, value: object) -> str:
    """The row's own number (登记编号, 案件编号): required, and once in the file."""
    key = text_cell(value)
    if not key:
        errors.add(row, header, "必填，不能为空")
    elif len(key) > MAX_KEY_CHARS:
        errors.add(row, header, f"不能超过 {MAX_KEY_CHARS} 个字符（实际 {len(key)} 个）")
    elif key in seen:
        errors.add(row, header, f"与第{seen[key]}行重复")
    else:
        seen[key] = row
    return key


# The RequestInput field of each column an import reads (REQUEST_LEDGER_HEADERS), by header.
COLUMN_FIELDS: dict[str, str] = {
    "登记编号": "reg_no",
    "收到日期": "receipt_date",
    "申请方式": "channel",
    "申请人类型": "applicant_type",
    "申请人": "applicant",
    "申请内容": "content",
    "承办处室": "division_id",
    "补正告知日期": "correction_notice_date",
    "补正收到日期": "correction_received_date",
    "征求意见工作日数": "consultation_days",
    "延期工作日数": "extension_days",
    "答复日期": "answer_date",
    "办理结果": "outcome",
    "收费金额": "fee_cents",
    "备注": "notes",
    "补正期限": "correction_due_date",
    "征求意见发出日期": "consultation_sent_on",
    "征求意见答复日期": "consultation_answered_on",
    "延期审批人": "extension_approved_by",
    "延期审批日期": "extension_approved_on",
    "延迟答复原因": "delay_reason",
    "延迟答复期限": "delay_until",
}
assert tuple(COLUMN_FIELDS) == tuple(REQUEST_LEDGER_HEADERS)
# Updating a known 登记编号 replaces only the fields the file has a column for, at most these.
TEMPLATE_FIELDS: tuple[str, ...] = tuple(COLUMN_FIELDS.values())
_DATE_COLUMNS = (
    "补正告知日期",
    "补正期限",
    "补正收到日期",
    "征求意见发出日期",
    "征求意见答复日期",
    "延期审批日期",
    "延迟答复期限",
    "答复日期",
)


def _merged(record: DisclosureRequest, p: _ParsedRequest) -> RequestInput:
    """The stored request with the file's columns taken from the imported row."""
    taken = (f for f in TEMPLATE_FIELDS if f not in p.kept)
    return replace(input_of(record), **{f: getattr(p.data, f) for f in taken})


@dataclass(frozen=True)
class _ParsedRequest:
    row: int
    data: RequestInput
    kept: frozenset[str] = frozenset()  # fields without a column in the file


def _parse_requests(
    path: Path, divisions: dict[str, int], errors: RowErrors, cancel: CancelToken
) -> Generator[Progress, None, list[_ParsedRequest]]:
    parsed: list[_ParsedRequest] = []
    seen: dict[str, int] = {}
    rows = open_rows(
        path, REQUEST_HEADERS, cancel=cancel, optional_headers=REQUEST_OPTIONAL_HEADERS
    )
    for number, values in rows:
        if number % PROGRESS_EVERY == 0:
            cancel.check()
            yield Progress(number, 0, f"检查第{number}行")
        v = dict(zip(REQUEST_LEDGER_HEADERS, values, strict=True))
        kept = frozenset(COLUMN_FIELDS[h] for h, x in v.items() if x is ABSENT)
        v = {h: None if x is ABSENT else x for h, x in v.items()}
        before = len(errors)
        reg_no = _key_cell(errors, seen, number, "登记编号", v["登记编号"])
        receipt = errors.parse(number, "收到日期", parse_date_cell, v["收到日期"], required=True)
        channel = errors.parse(
            number, "申请方式", parse_choice_cell, v["申请方式"], Channel.labels(), required=True
        )
        kind = errors.parse(
            number,
            "申请人类型",
            parse_choice_cell,
            v["申请人类型"],
            ApplicantType.labels(),
            required=True,
        )
        division_name = text_cell(v["承办处室"])
        division_id = divisions.get(division_name)
        if not division_name:
            errors.add(number, "承办处室", "必填，不能为空")
        elif division_id is None:
            errors.add(number, "承办处室", f"系统中没有名为「{division_name}」的处室")
        dates = {
            COLUMN_FIELDS[h]: errors.parse(number, h, parse_date_cell, v[h]) for h in _DATE_COLUMNS
        }
        consult = (
            errors.parse(
                number,
                "征求意见工作日数",
                parse_int_cell,
                v["征求意见工作日数"],
                maximum=MAX_CONSULTATION_WORKING_DAYS,
            )
            or 0
        )
        extension = (
            errors.parse(
                number,
                "延期工作日数",
                parse_int_cell,
                v["延期工作日数"],
                maximum=MAX_EXTENSION_WORKING_DAYS,
            )
            or 0
        )
        outcome = errors.parse(number, "办理结果", parse_choice_cell, v["办理结果"], OUTCOME_LABELS)
        fee = errors.parse(
            number, "收费金额", parse_money_cell, v["收费金额"], Decimal(MAX_FEE_CENTS) / 100
        )
        applicant = errors.parse(number, "申请人", parse_text_cell, v["申请人"], MAX_APPLICANT_CHARS)
        content = errors.parse(number, "申请内容", parse_text_cell, v["申请内容"])
        notes = errors.parse(number, "备注", parse_text_cell, v["备注"])
        approver = errors.parse(number, "延期审批人", parse_text_cell, v["延期审批人"], 64)
        delay_reason = errors.parse(number, "延迟答复原因", parse_text_cell, v["延迟答复原因"])
        if len(errors) > before or receipt is None or channel is None or kind is None:
            continue
        assert division_id is not None
        data = RequestInput(
            reg_no=reg_no,
            receipt_date=receipt,
            channel=Channel.from_label(channel),  # type: ignore[arg-type]
            applicant_type=ApplicantType.from_label(kind),  # type: ignore[arg-type]
            division_id=division_id,
            applicant=applicant or "",
            content=content or "",
            consultation_days=consult,
            extension_days=extension,
            extension_approved_by=approver or "",
            delay_reason=delay_reason or "",
            outcome=outcome,
            fee_cents=int(fee * 100) if fee is not None else None,
            notes=notes or "",
            **dates,
        )
        problems = validate_request(data, require_extension_approval=False)
        for column, reason in problems:
            errors.add(number, column, reason)
        if not problems:
            parsed.append(_ParsedRequest(number, data, kept))
    return parsed


MAX_HINTS = 200


def _published_hints(
    db: Database,
    actor: Actor,
    parsed: list[_ParsedRequest],
    existing: dict[str, DisclosureRequest],
    cancel: CancelToken,
) -> Generator[Progress, None, tuple[str, ...]]:
    """For each new request still open: the published record its content may already name."""
    fresh = [p for p in parsed if p.data.reg_no not in existing and p.data.answer_date is None]
    service = PublishedMatchService(db, actor)
    notes: list[str] = []
    for i, p in enumerate(fresh[:MAX_HINTS], 1):
        if i % 20 == 0:
            cancel.check()
            yield Progress(i, len(fresh), "检索已主动公开的信息")
        found = service.matches(p.data.content, limit=1)
        if found:
            m = found[0]
            notes.append(
                f"第{p.row}行（{p.data.reg_no}）申请内容可能已主动公开：《{m.title}》"
                f"（{m.channel_text}，{m.link or '无链接'}）"
            )
    if len(fresh) > MAX_HINTS:
        notes.append(f"另有{len(fresh) - MAX_HINTS}件新申请未检索，可在登记页逐件查看。")
    return tuple(notes)


def _stored(
    session: Session,
    actor: Actor,
    record: DisclosureRequest | DisclosureCase,
    before: dict[str, Any] | None,
    what: str,
    entity: str,
    path: Path,
    row: int,
) -> None:
    """Stamp a record written from a row of ``path`` and audit it with the file and row."""
    record.updated_by = actor.user_id
    session.flush()
    audit.record(
        session,
        audit_actor(actor),
        what,
        entity=entity,
        entity_id=record.uuid,
        division_id=record.division_id,
        before=before,
        after=snapshot(record),
        detail=f"{path.name} 第{row}行",
    )


def _audit_denied(db: Database, actor: Actor, what: str, entity: str, detail: str) -> None:
    """The audit row of an import refused because it touches another division's records."""
    with db.write() as session:
        audit.record(
            session, audit_actor(actor), what, entity=entity, outcome="denied", detail=detail
        )


def _division_map(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {name: i for name, i in session.execute(select(Division.name, Division.id))}


def import_requests_job(
    db: Database, actor: Actor, path: Path, dry_run: bool, cancel: CancelToken | None
) -> Generator[Progress, None, ImportResult]:
    """Import a requests workbook: all rows or none (see the module docstring)."""
    cancel = cancel or CancelToken()
    service = Service(db, actor)
    service.require(Action.EDIT_RECORD, division_id=actor.division_id, what="request.import")
    errors = RowErrors(path.name)
    divisions = _division_map(db)
    parsed = yield from _parse_requests(path, divisions, errors, cancel)
    names = {i: n for n, i in divisions.items()}
    with db.read() as session:
        existing = {
            r.reg_no: r
            for r in session.scalars(
                select(DisclosureRequest).where(
                    DisclosureRequest.reg_no.in_([p.data.reg_no for p in parsed] or [""])
                )
            )
        }
    denied = False
    edits = EditCheck(path, errors, "登记编号", actor.user_id)
    for p in parsed:
        old = existing.get(p.data.reg_no)
        if old is not None and old.deleted_at is not None:
            errors.add(p.row, "登记编号", "该编号属于已删除的申请，请换用新编号")
        elif old is not None:
            merged = _merged(old, p)
            if p.kept:  # the stored values of the columns left out must agree with the row's
                for column, reason in validate_request(merged, require_extension_approval=False):
                    errors.add(p.row, column, f"{reason}（文件中没有的列按系统中已登记的内容）")
            edits.check(p.row, f"申请 {old.reg_no} ", old, merged != input_of(old))
        for division_id in {p.data.division_id, *([old.division_id] if old else [])}:
            if not allowed(actor, Action.EDIT_RECORD, division_id):
                denied = True
                errors.add(
                    p.row,
                    "承办处室",
                    f"联络员只能导入本处室（{actor.division_name}）的申请，"
                    f"不能导入{names.get(division_id, '')}的申请",
                )
    if denied:
        _audit_denied(
            db, actor, "request.import", "disclosure_request", f"{path.name}：含其他处室的申请"
        )
    errors.raise_if_any()
    if not parsed:
        raise ValidationError(f"“{path.name}”中没有可导入的数据行。")
    created = sum(1 for p in parsed if p.data.reg_no not in existing)
    updated = len(parsed) - created
    notes = yield from _published_hints(db, actor, parsed, existing, cancel)
    if dry_run:
        return ImportResult(
            "requests",
            len(parsed),
            created,
            updated,
            dry_run=True,
            notes=(*ignored_columns_note(path, REQUEST_LEDGER_HEADERS), *notes),
        )
    yield Progress(0, len(parsed), "保存")
    with db.write() as session:
        for i, p in enumerate(parsed, 1):
            r = session.scalar(
                select(DisclosureRequest).where(DisclosureRequest.reg_no == p.data.reg_no)
            )
            before = snapshot(r) if r is not None else None
            if r is None:
                r = DisclosureRequest(created_by=actor.user_id)
                session.add(r)
                data = p.data
            else:
                data = _merged(r, p)
            RequestService._apply(r, data)
            _stored(session, actor, r, before, "request.import", "disclosure_request", path, p.row)
            if i % PROGRESS_EVERY == 0:
                cancel.check()
                yield Progress(i, len(parsed), "保存")
    log.info("imported %d requests from %s", len(parsed), path)
    return ImportResult(
        "requests",
        len(parsed),
        created,
        updated,
        notes=(*ignored_columns_note(path, REQUEST_LEDGER_HEADERS), *notes),
    )


def import_cases_job(
    db: Database, actor: Actor, path: Path, dry_run: bool, cancel: CancelToken | None
) -> Generator[Progress, None, ImportResult]:
    """Import a cases workbook: all rows or none; 关联申请编号 must name a registered request."""
    cancel = cancel or CancelToken()
    service = Service(db, actor)
    service.require(Action.EDIT_RECORD, division_id=actor.division_id, what="case.import")
    errors = RowErrors(path.name)
    with db.read() as session:
        requests = {
            no: (i, div)
            for no, i, div in session.execute(
                select(
                    DisclosureRequest.reg_no, DisclosureRequest.id, DisclosureRequest.division_id
                ).where(DisclosureRequest.deleted_at.is_(None))
            )
        }
        office = session.scalar(
            select(Division.id).where(Division.kind == DivisionKind.OPENNESS_OFFICE.value)
        )
        existing = {c.case_no: c for c in session.scalars(select(DisclosureCase))}
    parsed: list[tuple[int, CaseInput, int]] = []
    seen: dict[str, int] = {}
    denied = False
    edits = EditCheck(path, errors, "案件编号", actor.user_id)
    for number, v in open_rows(path, CASE_HEADERS, cancel=cancel):
        if number % PROGRESS_EVERY == 0:
            cancel.check()
            yield Progress(number, 0, f"检查第{number}行")
        before = len(errors)
        case_no = _key_cell(errors, seen, number, "案件编号", v[0])
        kind = errors.parse(
            number, "案件类型", parse_choice_cell, v[1], CaseType.labels(), required=True
        )
        received = errors.parse(number, "收到日期", parse_date_cell, v[2], required=True)
        closed = errors.parse(number, "审结日期", parse_date_cell, v[3])
        result = errors.parse(number, "结果", parse_choice_cell, v[4], CaseResult.labels())
        reg_no = text_cell(v[5])
        link = requests.get(reg_no) if reg_no else None
        if reg_no and link is None:
            errors.add(number, "关联申请编号", f"系统中没有登记编号为「{reg_no}」的申请")
        if len(errors) > before or kind is None or received is None:
            continue
        result_enum = CaseResult.from_label(result) if result else None
        problems = case_problems(received, closed, result_enum)  # type: ignore[arg-type]
        for column, reason in problems:
            errors.add(number, column, reason)
        old = existing.get(case_no)
        if old is not None and old.deleted_at is not None:
            errors.add(number, "案件编号", "该编号属于已删除的案件，请换用新编号")
        elif old is not None:
            stored = (old.case_type, old.received_date, old.closed_date, old.result)
            row = (
                CaseType.from_label(kind).value,
                received,
                closed,
                result_enum and result_enum.value,
            )
            changes = stored != row or old.request_id != (link[0] if link else None)
            edits.check(number, f"案件 {case_no} ", old, changes)
        division_id = link[1] if link else office
        assert division_id is not None
        for d in {division_id, *([old.division_id] if old else [])}:
            if not allowed(actor, Action.EDIT_RECORD, d):
                denied = True
                errors.add(number, "关联申请编号", "联络员只能导入本处室承办申请的案件")
        if not problems:
            parsed.append(
                (
                    number,
                    CaseInput(
                        case_no=case_no,
                        case_type=CaseType.from_label(kind),  # type: ignore[arg-type]
                        received_date=received,
                        closed_date=closed,
                        result=result_enum,  # type: ignore[arg-type]
                        request_id=link[0] if link else None,
                    ),
                    division_id,
                )
            )
    if denied:
        _audit_denied(db, actor, "case.import", "disclosure_case", f"{path.name}：含其他处室的案件")
    errors.raise_if_any()
    if not parsed:
        raise ValidationError(f"“{path.name}”中没有可导入的数据行。")
    created = sum(1 for _, c, _ in parsed if c.case_no not in existing)
    updated = len(parsed) - created
    if dry_run:
        return ImportResult(
            "cases",
            len(parsed),
            created,
            updated,
            dry_run=True,
            notes=ignored_columns_note(path, CASE_HEADERS),
        )
    with db.write() as session:
        for number, data, division_id in parsed:
            c = session.scalar(select(DisclosureCase).where(DisclosureCase.case_no == data.case_no))
            before = snapshot(c) if c is not None else None
            if c is None:
                c = DisclosureCase(created_by=actor.user_id)
                session.add(c)
            RequestService._apply_case(c, data, division_id)
            _stored(session, actor, c, before, "case.import", "disclosure_case", path, number)
    return ImportResult(
        "cases", len(parsed), created, updated, notes=ignored_columns_note(path, CASE_HEADERS)
    )


def _export_value(row: RequestRow, name: str) -> object:
    """A request's value in the column of field ``name``, as the template takes it back."""
    if name == "division_id":
        return row.division_name
    value = getattr(row.data, name)
    if name in ("channel", "applicant_type"):
        return value.label
    if name == "fee_cents":
        return yuan(value)
    return "" if value is None and name == "outcome" else value


def export_requests(
    db: Database, actor: Actor, path: Path, year: int | None, cancel: CancelToken | None
) -> Generator[Progress, None, int]:
    """The request ledger (the user's visible requests; with a year, that year's workload)."""
    rows = RequestService(db, actor).list_requests(year=year)
    rows.sort(key=lambda r: (r.data.receipt_date, r.data.reg_no))
    cells = [
        (
            *(_export_value(r, COLUMN_FIELDS[h]) for h in REQUEST_LEDGER_HEADERS),
            r.deadline,
            r.state.label,
        )
        for r in rows
    ]
    count: int = yield from export_requests_job(path, cells, len(cells), cancel)
    return count


def export_cases(
    db: Database, actor: Actor, path: Path, year: int | None, cancel: CancelToken | None
) -> Generator[Progress, None, int]:
    cases = RequestService(db, actor).list_cases(year=year)
    cells = [
        (
            c.case_no,
            c.data.case_type.label,
            c.data.received_date,
            c.data.closed_date,
            c.data.result.label if c.data.result else "",
            c.request_reg_no,
            c.division_name,
        )
        for c in cases
    ]
    count: int = yield from export_cases_job(path, cells, len(cells), cancel)
    return count


def _template_requests(path: Path, lists: TemplateLists) -> None:
    write_requests_template(path, lists.divisions)


def _template_cases(path: Path, lists: TemplateLists) -> None:
    write_cases_template(path)


REQUESTS_KIND = register(
    LedgerKind(
        "requests", "依申请公开台账", _template_requests, import_requests_job, export_requests
    )
)
CASES_KIND = register(
    LedgerKind("cases", "复议诉讼案件", _template_cases, import_cases_job, export_cases)
)
