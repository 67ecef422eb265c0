"""Comparing a checked 报送包 with this database, and merging it in one transaction.

Each incoming record is classified against the one stored here with the same key and the base
(its content as last agreed with the sender, ``ExchangeBase``):

- 新增 (new): not here yet;
- 无变化 (unchanged): same content, or only this side changed it since the base;
- 已修改 (changed): only the sender changed it since the base — taken over;
- 冲突 (conflict): both sides changed it (or it differs and there is no base) — never overwritten
  until someone decides: keep ours, take theirs, or field by field.

References (records carried only so that others resolve) are inserted when missing and otherwise
left alone. The whole merge, its audit rows, the receipt with the package's hash and the new
bases are one transaction; a package already merged whose records are all unchanged writes
nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from .. import audit
from ..db.base import utcnow
from ..db.package_models import ExchangeBase, ExchangePackage
from ..errors import ValidationError
from .container import OpenedPackage
from .records import KINDS, Kind, content_hash, differing_fields, from_json_value
from .refs import Resolver, package_ref
from .restore import advance_sequences, carried_id, restore_audit_rows, restore_problems

NEW, CHANGED, CONFLICT, UNCHANGED = "new", "changed", "conflict", "unchanged"
STATUS_LABELS = {NEW: "新增", CHANGED: "已修改", CONFLICT: "冲突", UNCHANGED: "无变化"}
KEEP_OURS, TAKE_THEIRS = "ours", "theirs"
# A decision on one conflict: keep ours, take theirs, or per field which side wins.
Decision = str | Mapping[str, str]
TITLE_FIELDS = (
    "title",
    "subject",
    "topic",
    "reg_no",
    "case_no",
    "name",
    "problem",
    "filename",
    "content",
    "doc_number",
)


@dataclass(frozen=True)
class RecordChange:
    kind: str
    key: str
    title: str
    status: str
    fields: tuple[str, ...]
    ours: Mapping[str, Any] | None
    theirs: Mapping[str, Any]
    ref: bool = False

    @property
    def label(self) -> str:
        return KINDS[self.kind].label

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class KindCounts:
    kind: str
    label: str
    new: int = 0
    changed: int = 0
    conflict: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class ChainCheck:
    """Whether the sender's audit chain continues the one of its last package received here."""

    status: str  # first | continues | truncated | rewritten | broken
    message: str

    @property
    def flagged(self) -> bool:
        return self.status in ("truncated", "rewritten", "broken")


@dataclass(frozen=True)
class Comparison:
    changes: tuple[RecordChange, ...]
    chain: ChainCheck
    already_merged: bool
    problems: tuple[str, ...] = ()

    def counts(self) -> list[KindCounts]:
        tally: dict[str, dict[str, int]] = {}
        for c in self.changes:
            if c.ref:
                continue
            tally.setdefault(c.kind, {s: 0 for s in STATUS_LABELS})[c.status] += 1
        return [KindCounts(k, KINDS[k].label, **tally[k]) for k in KINDS if k in tally]

    def of(self, status: str) -> list[RecordChange]:
        return [c for c in self.changes if c.status == status and not c.ref]


@dataclass
class MergeOutcome:
    applied: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STATUS_LABELS})
    pending: list[RecordChange] = field(default_factory=list)
    wrote: bool = False
    chain: str = ""


def _title(record: Mapping[str, Any]) -> str:
    for name in TITLE_FIELDS:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()[:60]
    return ""


def check_chain(session: Session, opened: OpenedPackage) -> ChainCheck:
    """Check the carried chain in itself and against the last package from the same sender."""
    manifest = opened.manifest
    rows = opened.audit
    report = audit.verify_rows(rows)
    head = (manifest.get("audit") or {}).get("head")
    count = (manifest.get("audit") or {}).get("rows")
    if not report.ok:
        return ChainCheck("broken", f"发送方的审计链在第 {report.rows} 条断开：{report.reason}")
    last_hash = rows[-1]["hash"] if rows else audit.GENESIS_HASH
    if head != last_hash or count != len(rows):
        return ChainCheck("broken", "清单记载的审计链头与包内审计链不符")
    previous = session.scalars(
        select(ExchangePackage)
        .where(
            ExchangePackage.direction == "import",
            ExchangePackage.division_name == _sender(manifest),
        )
        .order_by(ExchangePackage.id.desc())
        .limit(1)
    ).first()
    if previous is None:
        return ChainCheck("first", "首次收到该处室的报送包，审计链自身校验通过")
    if len(rows) < previous.chain_rows:
        return ChainCheck(
            "truncated",
            f"发送方的审计日志比上次报送时少（上次 {previous.chain_rows} 条，本次 {len(rows)} 条）："
            "发送方电脑上的审计记录被删除",
        )
    if (
        rows
        and previous.chain_rows
        and rows[previous.chain_rows - 1]["hash"] != previous.chain_head
    ):
        return ChainCheck(
            "rewritten",
            f"发送方审计链的第 {previous.chain_rows} 条与上次报送时不同：发送方电脑上的审计记录被改写",
        )
    return ChainCheck(
        "continues", f"审计链延续上次报送（新增 {len(rows) - previous.chain_rows} 条）"
    )


def _sender(manifest: Mapping[str, Any]) -> str:
    division = manifest.get("division") or {}
    return str(division.get("name") or "") if isinstance(division, dict) else ""


def _incoming(opened: OpenedPackage) -> Iterator[tuple[Kind, dict[str, Any], bool]]:
    unknown = sorted(set(opened.records) - set(KINDS))
    if unknown:
        raise ValidationError(
            f"报送包含有本程序不认识的记录类型「{unknown[0]}」，请升级程序后再导入。"
        )
    for kind in KINDS.values():
        part = opened.records.get(kind.name)
        if not part:
            continue
        for is_ref, section in ((True, "refs"), (False, "records")):
            for record in part[section]:
                yield kind, record, is_ref


def _ours(
    session: Session, resolver: Resolver, kind: Kind, record: Mapping[str, Any]
) -> tuple[int | None, dict[str, Any] | None]:
    t = kind.table
    if kind.key_columns == ("uuid",):
        key = record.get("uuid")
        if not isinstance(key, str) or not key:
            raise ValidationError(f"报送包中有一条{kind.label}记录缺少 UUID。")
        row = session.execute(select(t).where(t.c.uuid == key)).mappings().first()
    else:
        conditions = []
        for name in kind.key_columns:
            column = t.c[name]
            target = kind.reference(column)
            try:
                value = (
                    resolver.local(target, record.get(name))
                    if target
                    else from_json_value(column, record.get(name))
                )
            except ValueError as exc:
                raise ValidationError(f"报送包中{kind.label}记录的 {name} 不合法。") from exc
            if value is None:
                return None, None
            conditions.append(column == value)
        row = session.execute(select(t).where(*conditions)).mappings().first()
    if row is None:
        return None, None
    return row[kind.row_id.name], resolver.serialize(kind, row)


def compare(session: Session, opened: OpenedPackage) -> Comparison:
    """Classify every incoming record; ``problems`` lists what makes the package unmergeable."""
    carried: dict[str, set[Any]] = {}
    for kind, record, _is_ref in _incoming(opened):
        carried.setdefault(kind.name, set()).add(package_ref(kind, record))
    resolver = Resolver(session, carried)
    sender = _sender(opened.manifest)
    scope_all = opened.manifest.get("scope") == "all"
    bases = {(b.entity, b.record_key): b.sha256 for b in session.scalars(select(ExchangeBase))}
    changes: list[RecordChange] = []
    problems: list[str] = []
    if scope_all:
        problems.extend(restore_problems(session, opened))
        if problems:
            return Comparison((), check_chain(session, opened), False, tuple(problems))
    for kind, record, is_ref in _incoming(opened):
        key = kind.key_of(record)
        if kind.foundation and not scope_all:
            problems.append(f"处室的报送包不能携带{kind.label}记录（{key}）。")
            continue
        try:
            resolver.deserialize(kind, record)
        except ValidationError as exc:
            problems.append(str(exc))
            continue
        if (
            not scope_all
            and not is_ref
            and kind.has_division
            and record.get("division_id") != sender
        ):
            problems.append(
                f"报送包中{kind.label}「{_title(record) or key}」属于"
                f"「{record.get('division_id')}」，不是报送处室「{sender}」的记录。"
            )
            continue
        _local_id, ours = _ours(session, resolver, kind, record)
        theirs_hash = content_hash(kind, record)
        if ours is None:
            status, fields = NEW, ()
            problems.extend(_unique_clashes(session, kind, record))
        else:
            ours_hash = content_hash(kind, ours)
            base = bases.get((kind.name, key))
            fields = tuple(differing_fields(kind, ours, record))
            if ours_hash == theirs_hash or is_ref or base == theirs_hash:
                status = UNCHANGED
            elif base is not None and base == ours_hash:
                status = CHANGED
            else:
                status = CONFLICT
        changes.append(
            RecordChange(kind.name, key, _title(record), status, fields, ours, record, is_ref)
        )
    merged_before = (
        session.scalar(
            select(ExchangePackage.id).where(
                ExchangePackage.direction == "import", ExchangePackage.sha256 == opened.sha256
            )
        )
        is not None
    )
    return Comparison(tuple(changes), check_chain(session, opened), merged_before, tuple(problems))


def _unique_clashes(session: Session, kind: Kind, record: Mapping[str, Any]) -> list[str]:
    t = kind.table
    out = []
    for column in t.columns:
        if not column.unique or column.name == "uuid" or kind.reference(column):
            continue
        value = record.get(column.name)
        if value is None:
            continue
        if session.scalar(select(t.c.id).where(column == value)) is not None:
            out.append(
                f"报送包中的{kind.label}「{_title(record) or value}」的 {column.name}「{value}」"
                "已被本数据库中另一条记录使用，无法合并；请先在发送方或本机修改其中一条。"
            )
    return out


def merge(
    session: Session,
    opened: OpenedPackage,
    decisions: Mapping[tuple[str, str], Decision],
    actor: audit.AuditActor,
) -> MergeOutcome:
    """Merge inside the caller's transaction; conflicts without a decision stay untouched."""
    comparison = compare(session, opened)
    if comparison.problems:
        raise ValidationError("报送包无法合并，未做任何改动：", problems=list(comparison.problems))
    resolver = Resolver(session)
    outcome = MergeOutcome(chain=comparison.chain.status)
    acting = [c for c in comparison.changes if c.status != UNCHANGED]
    decided = [c for c in acting if c.status != CONFLICT or (c.kind, c.key) in decisions]
    if comparison.already_merged and not decided:
        outcome.pending = [c for c in acting if c.status == CONFLICT]
        return outcome
    manifest = opened.manifest
    receipt = ExchangePackage(
        direction="import",
        sha256=opened.sha256,
        format_version=int(manifest["format_version"]),
        division_name=_sender(manifest),
        division_id=resolver.local("division", _sender(manifest) or None),
        since=_manifest_time(manifest, "since"),
        until=_manifest_time(manifest, "until") or utcnow(),
        chain_head=str((manifest.get("audit") or {}).get("head", audit.GENESIS_HASH)),
        chain_rows=int((manifest.get("audit") or {}).get("rows", 0)),
        records=sum(1 for c in comparison.changes if not c.ref),
        file_name=opened.path.name[:255],
        user_id=actor.user_id,
        created_at=utcnow(),
    )
    everything = manifest.get("scope") == "all"
    if everything:
        # Every row under its source id; the receipt is numbered after them.
        restore_audit_rows(session, opened.audit)
    else:
        session.add(receipt)
        session.flush()
    for change in comparison.changes:
        kind = KINDS[change.kind]
        decision = decisions.get((change.kind, change.key))
        if change.status == NEW:
            _insert(session, resolver, kind, change.theirs, everything)
        elif change.status == CHANGED or (change.status == CONFLICT and decision == TAKE_THEIRS):
            _update(session, resolver, kind, change.theirs, None)
        elif change.status == CONFLICT and isinstance(decision, Mapping):
            taken = [f for f, side in decision.items() if side == TAKE_THEIRS]
            _update(session, resolver, kind, change.theirs, taken)
        elif change.status == CONFLICT and decision != KEEP_OURS:
            outcome.pending.append(change)
            continue
        if change.ref or kind.foundation:
            outcome.applied[change.status] += 1 if kind.foundation else 0
            continue
        if change.status != UNCHANGED:
            outcome.applied[change.status] += 1
        else:
            outcome.applied[UNCHANGED] += 1
        if everything:
            # One audited restore; the merge bases are the ones the package carries.
            continue
        if change.status != UNCHANGED:
            _audit_change(session, actor, kind, change, decision, opened.sha256)
        session.merge(
            ExchangeBase(
                entity=kind.name,
                record_key=change.key,
                sha256=content_hash(kind, change.theirs),
                package_id=receipt.id,
            )
        )
    if everything:
        advance_sequences(session)
        session.add(receipt)
        session.flush()
    receipt.summary = json.dumps(
        {**outcome.applied, "pending": len(outcome.pending), "chain": comparison.chain.status},
        ensure_ascii=False,
    )
    audit.record(
        session,
        actor,
        "package.import",
        entity="exchange_package",
        entity_id=opened.sha256,
        division_id=receipt.division_id,
        after={
            "sha256": opened.sha256,
            "file": opened.path.name,
            "division": receipt.division_name,
            "sender_chain_head": receipt.chain_head,
            "sender_chain_rows": receipt.chain_rows,
            "chain": comparison.chain.status,
            **outcome.applied,
            "pending": len(outcome.pending),
        },
        detail=f"导入报送包 {opened.path.name}（SHA-256 {opened.sha256}）：{comparison.chain.message}",
    )
    outcome.wrote = True
    return outcome


def _manifest_time(manifest: Mapping[str, Any], key: str) -> Any:
    from datetime import datetime

    value = (manifest.get("period") or {}).get(key)
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        return None


def _insert(
    session: Session,
    resolver: Resolver,
    kind: Kind,
    record: Mapping[str, Any],
    keep_id: bool = False,
) -> None:
    values = resolver.deserialize(kind, dict(record))
    if keep_id and kind.own_id:
        values["id"] = carried_id(dict(record))
    result = session.execute(insert(kind.table).values(**values))
    if kind.row_id.name == "id":
        resolver.remember(
            kind.name, package_ref(kind, dict(record)), int(result.inserted_primary_key[0])
        )


def _update(
    session: Session,
    resolver: Resolver,
    kind: Kind,
    record: Mapping[str, Any],
    only: list[str] | None,
) -> None:
    values = resolver.deserialize(kind, dict(record))
    keys = set(kind.key_columns) | {"created_at", "created_by", "version"}
    if only is not None:
        values = {k: v for k, v in values.items() if k in set(only)}
        if "updated_at" in kind.table.c:
            values["updated_at"] = utcnow()
    else:
        values = {k: v for k, v in values.items() if k not in keys}
    if not values:
        return
    t = kind.table
    if "version" in t.c:
        values["version"] = t.c.version + 1
    local_id, _ours_now = _ours(session, resolver, kind, record)
    assert local_id is not None
    session.execute(update(t).where(kind.row_id == local_id).values(**values))


def _audit_change(
    session: Session,
    actor: audit.AuditActor,
    kind: Kind,
    change: RecordChange,
    decision: Decision | None,
    package_sha: str,
) -> None:
    how = {
        NEW: "新增",
        CHANGED: "采用报送方的修改",
        CONFLICT: "冲突：保留本方"
        if decision == KEEP_OURS
        else "冲突：采用报送方"
        if decision == TAKE_THEIRS
        else "冲突：逐字段决定",
    }[change.status]
    after = (
        dict(change.theirs)
        if change.ours is None
        else {f: change.theirs.get(f) for f in change.fields}
    )
    audit.record(
        session,
        actor,
        "package.merge",
        entity=kind.name,
        entity_id=change.key,
        before=dict(change.ours) if change.ours is not None else None,
        after=after,
        detail=f"{how}（报送包 {package_sha[:16]}）",
    )
