"""The record kinds a 报送包 carries and how a row becomes JSON and back.

Every kind is a table. A row is written with its columns by name, without the local integer key:
a reference to a division is written as the division's name, to a user as the user name, and to
any other record as that record's stable UUID, so the receiving database can resolve each one
to its own keys. Tables that have no UUID of their own (a mark on a document) are keyed by the
UUIDs of the records they point to; one that others point to but that has no UUID (a holiday
notice, a package received) is named by its natural key (``refs.package_ref``).

A package of everything (the logical backup, the copy up to a server) also carries each row's
local ``id`` as ``id``: it restores into an empty database under the same numbers, so the audit
log's plain user and division ids, part of each row's hash, keep naming the same people.

A new record kind extends the format by being added to ``KINDS``; a test fails while a record
table is neither carried nor named in ``NOT_CARRIED``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Table

from ..db.schema import metadata

DIVISION_TABLE = "division"
USER_TABLE = "app_user"

# (table, Chinese label, the column linking a child without a division to its parent)
_KIND_DEFS: tuple[tuple[str, str, str | None], ...] = (
    ("disclosure_item", "公开事项", None),
    ("catalogue_entry", "公开目录", None),
    ("normative_document", "规范性文件", None),
    ("cleanup_campaign", "文件清理", None),
    ("cleanup_decision", "清理结论", "campaign_id"),
    ("normative_document_status", "文件状态变更", "document_id"),
    ("consulted_mark", "征求意见标记", "document_id"),
    ("repost", "转载", None),
    ("interpretation", "政策解读", None),
    ("decision", "重大决策", None),
    ("consultation", "征求意见", None),
    ("press_conference", "新闻发布会", None),
    ("public_opinion", "政务舆情", None),
    ("public_interaction", "政民互动", None),
    ("proposal", "建议提案", None),
    ("work_meeting", "会议与培训", None),
    ("rectification", "督查审计整改", None),
    ("disclosure_request", "依申请公开", None),
    ("disclosure_case", "复议诉讼案件", None),
    ("plan_task", "年度任务", None),
    ("plan_assignment", "任务分工", None),
    ("task_report", "任务报告", None),
    ("attachment", "附件", None),
)

# Carried only by a package of everything (scope "all": the copy up to a server, the logical
# backup of server mode), which goes into an empty database: (table, label, key columns).
_FOUNDATION_DEFS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("division", "处室", ("uuid",)),
    ("app_user", "用户", ("uuid",)),
    ("setting", "设置", ("key",)),
    ("holiday_year", "节假日安排年份", ("year",)),
    ("holiday_override", "节假日安排", ("day",)),
    ("disclosure_category", "公开事项类别", ("label",)),
    ("annual_report", "年度报告", ("uuid",)),
    ("interpretation_draft", "解读草稿", ("interpretation_id", "user_id")),
    # A notice is replaced by year and kind, an amendment by year and title (services/calendar);
    # the rows go in id order, so later amendments still win over earlier ones after a restore.
    ("holiday_notice", "节假日安排通知", ("year", "kind", "title")),
    ("holiday_notice_day", "通知中的节假日", ("notice_id", "day")),
    ("evaluation_indicator", "评议指标", ("year", "code")),
    ("evaluation_adjustment", "扣分与调整", ("uuid",)),
    # The packages sent and received and the merge bases: the next division package after a
    # restore is still checked against that division's chain and merged three-way.
    ("exchange_package", "报送包记录", ("direction", "sha256", "created_at")),
    ("exchange_base", "合并基准", ("entity", "record_key")),
)

# Tables a package of everything holds other than as records, and how.
CARRIED_APART = {
    "audit_log": "审计日志整条随包携带（保留编号和哈希），恢复后链条不变",
}

# Record tables a division's package leaves out, and why (a package of everything holds them).
NOT_CARRIED = {
    "annual_report": "年度报告由综合处编制，不随处室报送",
    "evaluation_adjustment": "考核评议的扣分和调整由综合处登记，不随处室报送",
    "interpretation_draft": "个人未保存的草稿",
}

# Columns that never decide whether two versions of a record differ: local bookkeeping.
BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at", "created_by", "updated_by"})


@dataclass(frozen=True)
class Kind:
    """One record kind of the package format."""

    table: Table
    label: str
    parent: str | None  # for a child table without a division: the column naming its parent
    key: tuple[str, ...] = ()  # the columns that identify a row between databases, if not uuid
    foundation: bool = False  # only in a package of everything

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def has_division(self) -> bool:
        return "division_id" in self.table.c

    @property
    def key_columns(self) -> tuple[str, ...]:
        if self.key:
            return self.key
        if "uuid" in self.table.c:
            return ("uuid",)
        return tuple(c.name for c in self.table.primary_key.columns)

    @property
    def row_id(self) -> Column[Any]:
        """The local column that identifies a row here: its integer id, or for a child keyed by
        its parent, the parent's id."""
        if "id" in self.table.c and not self.table.c.id.foreign_keys:
            return self.table.c.id
        return self.table.primary_key.columns.values()[0]

    @property
    def own_id(self) -> bool:
        """Whether the table numbers its rows itself (a local integer ``id``): a package of
        everything carries that number, and a restore keeps it."""
        return "id" in self.table.c and _is_local_id(self.table.c.id)

    @property
    def data_columns(self) -> list[Column[Any]]:
        """Every column but a local integer primary key."""
        return [c for c in self.table.columns if not _is_local_id(c)]

    def reference(self, column: Column[Any]) -> str | None:
        """The table a column points to, or None."""
        for fk in column.foreign_keys:
            return fk.column.table.name
        return None

    def key_of(self, record: Mapping[str, Any]) -> str:
        return "|".join(str(record.get(c, "")) for c in self.key_columns)

    def compared_columns(self) -> list[str]:
        """The columns whose values decide whether two versions differ."""
        return [
            c.name
            for c in self.data_columns
            if c.name not in BOOKKEEPING and self.reference(c) != USER_TABLE
        ]


def _is_local_id(column: Column[Any]) -> bool:
    return column.primary_key and not column.foreign_keys and column.name == "id"


def _build_kinds() -> dict[str, Kind]:
    tables = metadata.tables
    order = {t.name: i for i, t in enumerate(metadata.sorted_tables)}
    kinds = [Kind(tables[name], label, parent) for name, label, parent in _KIND_DEFS]
    kinds += [Kind(tables[n], label, None, key, True) for n, label, key in _FOUNDATION_DEFS]
    # Parents before children, so references resolve while merging in this order.
    kinds.sort(key=lambda k: order[k.name])
    return {k.name: k for k in kinds}


KINDS: dict[str, Kind] = _build_kinds()


def kind_label(name: str) -> str:
    kind = KINDS.get(name)
    return kind.label if kind else name


def to_json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_json_value(column: Column[Any], value: Any) -> Any:
    """The Python value of a column read from JSON; ValueError when it does not fit the type."""
    if value is None:
        return None
    ctype = column.type
    if isinstance(ctype, DateTime):
        if not isinstance(value, str):
            raise ValueError(f"{column.name} 应为日期时间")
        return datetime.fromisoformat(value).replace(tzinfo=None)
    if isinstance(ctype, Date):
        if not isinstance(value, str):
            raise ValueError(f"{column.name} 应为日期")
        return date.fromisoformat(value)
    if isinstance(ctype, Boolean):
        if not isinstance(value, bool):
            raise ValueError(f"{column.name} 应为是/否")
        return value
    python_type = ctype.python_type
    if python_type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{column.name} 应为整数")
        if abs(value) >= 2**63:
            raise ValueError(f"{column.name} 超出范围")
        return value
    if python_type is str:
        if not isinstance(value, str):
            raise ValueError(f"{column.name} 应为文字")
        length = getattr(ctype, "length", None)
        if length is not None and len(value) > length:
            raise ValueError(f"{column.name} 超过 {length} 个字")
        return value
    return value


def content_hash(kind: Kind, record: Mapping[str, Any]) -> str:
    """SHA-256 of the values that decide whether two versions of a record differ."""
    data = [[c, record.get(c)] for c in kind.compared_columns()]
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def differing_fields(kind: Kind, ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> list[str]:
    return [c for c in kind.compared_columns() if ours.get(c) != theirs.get(c)]


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(
        "utf-8"
    )


def kinds_in_order(names: Iterable[str] | None = None) -> list[Kind]:
    if names is None:
        return list(KINDS.values())
    wanted = set(names)
    return [k for k in KINDS.values() if k.name in wanted]
