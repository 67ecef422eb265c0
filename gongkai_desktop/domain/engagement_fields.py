"""How a kind of 新闻发布与回应 record is described, and how its values are read, checked, stored
and shown.

A ``KindSpec`` lists a kind's fields with their Chinese labels and types, the field that dates it,
the one that names it, the fields the search looks in. Validation, storage, audit, the list's
columns and the edit form are all driven by that description; only a few cross-field checks and
how a record stands against its rules (``Assessment``) are written per kind (``domain.engagement``).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .checks import link_problem
from .disclosure import Problem
from .engagement_choices import EngagementKind, SpeakerRole
from .labels import LabelledEnum

# --- the description of a kind ------------------------------------------------------------------


class FieldType(enum.Enum):
    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # several lines
    DATE = "date"
    DATETIME = "datetime"  # date and clock time, to the minute
    CHOICE = "choice"  # one value of a LabelledEnum (its English value is stored)
    BOOL = "bool"
    SPEAKERS = "speakers"  # people with their role (stored as JSON)
    DIVISIONS = "divisions"  # division ids (stored as "3,5")


@dataclass(frozen=True)
class FieldSpec:
    """One field of a kind: its column name, Chinese label, type and limits. ``listed`` fields
    are columns of the list; ``hint`` is the form's placeholder or tooltip."""

    name: str
    label: str
    type: FieldType
    required: bool = False
    choices: type[LabelledEnum] | None = None
    max_length: int | None = None
    listed: bool = False
    hint: str = ""
    not_after_now: bool = False  # a moment that has happened: never later than now


@dataclass(frozen=True)
class Speaker:
    """A person on the platform of a press conference. For a 分管领导 the name says which one."""

    role: SpeakerRole
    name: str

    def text(self) -> str:
        return f"{self.role.label} {self.name}".strip()


@dataclass(frozen=True)
class Assessment:
    """Where one record stands: ``state`` in words; ``problems`` are broken rules (shown red),
    ``pending`` rules still open with time left (shown amber)."""

    state: str
    problems: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()


Values = Mapping[str, Any]
CrossCheck = Callable[[Values], list[Problem]]
Assess = Callable[[Values, datetime], Assessment]


@dataclass(frozen=True)
class KindSpec:
    """Everything the generic code needs to know about one kind of record."""

    kind: EngagementKind
    division_label: str  # what the owning division is called on this kind's form
    fields: tuple[FieldSpec, ...]
    date_field: str  # dates the record: the year filter and the list's order
    title_field: str  # names the record in messages and the audit log
    search: tuple[str, ...]  # the fields the free-text filter looks in
    check: CrossCheck | None = None
    assess: Assess | None = None

    @property
    def label(self) -> str:
        return self.kind.label

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def labels(self) -> dict[str, str]:
        """Every field's label by its name, the owning division first (as the form shows them)."""
        return {DIVISION_FIELD: self.division_label, **{f.name: f.label for f in self.fields}}

    def title_of(self, values: Values, limit: int = 40) -> str:
        text = " ".join(str(values.get(self.title_field) or "").split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def named(self, values: Values) -> str:
        """The record as messages and the audit log name it, e.g. 新闻发布会「…」."""
        return f"{self.label}「{self.title_of(values)}」"


DIVISION_FIELD = "division_id"
# A NUL cannot be stored in a PostgreSQL text column; nobody types one on purpose.
_NUL = "\x00"
_EARLIEST_YEAR, _LATEST_YEAR = 1990, 2100


# --- values: normalising, validating, storing ---------------------------------------------------


def blank_value(f: FieldSpec) -> Any:
    if f.type in (FieldType.TEXT, FieldType.LONG_TEXT):
        return ""
    if f.type is FieldType.BOOL:
        return False
    if f.type in (FieldType.SPEAKERS, FieldType.DIVISIONS):
        return ()
    return None


def blank_values(spec: KindSpec) -> dict[str, Any]:
    """A new record's values: empty texts and dates, 否, no speakers."""
    return {f.name: blank_value(f) for f in spec.fields}


def _speaker(item: Any) -> Speaker:
    if isinstance(item, Speaker):
        return Speaker(SpeakerRole(item.role), str(item.name).strip())
    if isinstance(item, Mapping):
        return Speaker(SpeakerRole(item.get("role")), str(item.get("name") or "").strip())
    role, name = item
    return Speaker(SpeakerRole(role), str(name or "").strip())


def _parse_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value.strip().replace("T", " ")).replace(second=0, microsecond=0)


def _normal(f: FieldSpec, value: Any) -> Any:
    """One value in the shape the rest of the code relies on; ValueError when it cannot be."""
    if value is None or (isinstance(value, str) and not value.strip() and f.type not in (
        FieldType.TEXT,
        FieldType.LONG_TEXT,
    )):
        return blank_value(f)
    if f.type is FieldType.TEXT:
        return " ".join(str(value).split()) if "\n" in str(value) else str(value).strip()
    if f.type is FieldType.LONG_TEXT:
        return str(value).strip()
    if f.type is FieldType.DATE:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return date.fromisoformat(str(value).strip()[:10])
    if f.type is FieldType.DATETIME:
        if isinstance(value, datetime):
            return value.replace(second=0, microsecond=0, tzinfo=None)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        return _parse_datetime(str(value))
    if f.type is FieldType.CHOICE:
        assert f.choices is not None
        if isinstance(value, f.choices):
            return value.value
        return f.choices.from_label(str(value)).value
    if f.type is FieldType.BOOL:
        if isinstance(value, str):
            return value.strip() in ("1", "true", "True", "是", "yes")
        return bool(value)
    if f.type is FieldType.SPEAKERS:
        if isinstance(value, str):
            value = json.loads(value or "[]")
        return tuple(_speaker(item) for item in value)
    if f.type is FieldType.DIVISIONS:
        if isinstance(value, str):
            value = [part for part in value.replace("，", ",").split(",") if part.strip()]
        return tuple(dict.fromkeys(int(v) for v in value))
    raise ValueError(f.type)


def normalise(spec: KindSpec, raw: Values) -> tuple[dict[str, Any], list[Problem]]:
    """The values of a kind's every field (blank where ``raw`` says nothing) and the problems
    of the values that could not be read at all (unknown fields, a date that is no date)."""
    problems: list[Problem] = []
    known = set(spec.names)
    for key in raw:
        if key not in known:
            problems.append(Problem(key, f"「{key}」不是{spec.label}的字段"))
    values: dict[str, Any] = {}
    for f in spec.fields:
        try:
            values[f.name] = _normal(f, raw.get(f.name))
        except (ValueError, TypeError, KeyError):
            values[f.name] = blank_value(f)
            problems.append(Problem(f.name, _unreadable(f)))
    return values, problems


def _unreadable(f: FieldSpec) -> str:
    return {
        FieldType.DATE: "不是有效的日期（格式：2021-03-05）",
        FieldType.DATETIME: "不是有效的时间（格式：2021-03-05 14:30）",
        FieldType.CHOICE: "不是可选的值之一",
        FieldType.SPEAKERS: "发布人的身份或姓名无法识别",
        FieldType.DIVISIONS: "处室无法识别",
    }.get(f.type, "无法识别")


def validate(spec: KindSpec, values: Values, now: datetime | None = None) -> list[Problem]:
    """Every problem of normalised ``values`` (empty when the record can be saved); ``now``
    (default: the clock's) bounds the moments that must already have happened."""
    now = now or datetime.now()
    problems: list[Problem] = []
    for f in spec.fields:
        value = values.get(f.name)
        problem = _field_problem(f, value)
        if not problem and f.not_after_now and value is not None and value > now:
            problem = f"不能晚于当前时间（{now:%Y-%m-%d %H:%M}）"
        if problem:
            problems.append(Problem(f.name, problem))
    if spec.check is not None and not problems:
        problems.extend(spec.check(values))
    return problems


def _field_problem(f: FieldSpec, value: Any) -> str:
    if f.type in (FieldType.TEXT, FieldType.LONG_TEXT):
        text = value or ""
        if f.required and not text.strip():
            return "必须填写"
        if f.max_length is not None and len(text) > f.max_length:
            return f"不能超过 {f.max_length} 个字（现有 {len(text)} 个字）"
        if _NUL in text:
            return "含有无法保存的控制字符（NUL），请删除后再保存"
        return link_problem(text) if f.name == "link" else ""
    if f.type in (FieldType.DATE, FieldType.DATETIME):
        if value is None:
            return "必须填写" if f.required else ""
        if not _EARLIEST_YEAR <= value.year <= _LATEST_YEAR:
            return f"年份应在 {_EARLIEST_YEAR} 年到 {_LATEST_YEAR} 年之间"
        return ""
    if f.type is FieldType.CHOICE:
        if value is None:
            return "必须选择" if f.required else ""
        assert f.choices is not None
        if value not in {m.value for m in f.choices}:
            return f"「{value}」不是可选的值之一"
        return ""
    if f.type is FieldType.SPEAKERS:
        if f.required and not value:
            return "至少登记一位发布人"
        for speaker in value or ():
            if not speaker.name:
                return f"请填写{speaker.role.label}的姓名"
            if len(speaker.name) > 32:
                return f"姓名「{speaker.name[:12]}…」过长（不能超过 32 个字）"
            if _NUL in speaker.name:
                return "姓名含有无法保存的控制字符"
        names = [(s.role, s.name) for s in value or ()]
        if len(names) != len(set(names)):
            return "同一位发布人登记了两次"
        return ""
    if f.type is FieldType.DIVISIONS:
        if f.required and not value:
            return "至少选择一个处室"
        return ""
    return ""


def stored(f: FieldSpec, value: Any) -> Any:
    """A normalised value as its column holds it."""
    if f.type is FieldType.SPEAKERS:
        return json.dumps(
            [{"role": s.role.value, "name": s.name} for s in value], ensure_ascii=False
        )
    if f.type is FieldType.DIVISIONS:
        return ",".join(str(i) for i in value)
    return value


def loaded(f: FieldSpec, value: Any) -> Any:
    """A column's value (or a snapshot's text of it) as a normalised value; an unreadable one
    is blank rather than an error, so one damaged row never hides a whole list."""
    try:
        return _normal(f, value)
    except (ValueError, TypeError, KeyError):
        return blank_value(f)


def values_from_stored(spec: KindSpec, row: Mapping[str, Any]) -> dict[str, Any]:
    """A kind's values from its columns (a record's attributes or an audit snapshot)."""
    return {f.name: loaded(f, row.get(f.name)) for f in spec.fields}


# --- showing values -----------------------------------------------------------------------------


def display(f: FieldSpec, value: Any, division_names: Mapping[int, str] | None = None) -> str:
    """A value as the list and the conflict dialog write it."""
    if value is None or value == "" or value == ():
        return "否" if f.type is FieldType.BOOL else ""
    if f.type is FieldType.DATE:
        return value.isoformat()
    if f.type is FieldType.DATETIME:
        return value.strftime("%Y-%m-%d %H:%M")
    if f.type is FieldType.CHOICE:
        assert f.choices is not None
        try:
            return f.choices(value).label
        except ValueError:
            return str(value)
    if f.type is FieldType.BOOL:
        return "是" if value else "否"
    if f.type is FieldType.SPEAKERS:
        return "、".join(s.text() for s in value)
    if f.type is FieldType.DIVISIONS:
        names = division_names or {}
        return "、".join(names.get(i, "（已停用的处室）") for i in value)
    return str(value)


def assess(spec: KindSpec, values: Values, now: datetime) -> Assessment:
    return spec.assess(values, now) if spec.assess is not None else Assessment("")
