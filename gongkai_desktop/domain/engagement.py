"""新闻发布与回应 (SPEC §9): press conferences, 政务舆情 responses, interactions with the public,
建议提案办理, meetings and training, and the rectification of what inspections and audits found.

The six kinds of record share one mechanism: each is described by a ``KindSpec`` (its fields with
their Chinese labels and types, the field that dates it, the one that names it, the fields the
search looks in). Validation, storage, audit, the list's columns and the edit form are all driven
by that description; only what really differs between kinds (a few cross-field checks and how a
record stands against its rules) is written per kind.

The rules (all clock hours or calendar periods, not working days):

- 新闻发布会 at least once a quarter (the bureau); each 分管领导 at least once a half-year; the
  主要负责同志 at least once a year;
- a 政务舆情 is responded to within 48 hours of being first seen; for a 重大 or 特别重大 突发事件,
  authoritative information is published within 5 hours and a press conference held within 24;
- the 主要负责同志 hears a report on the openness work at least once a year, and training on it is
  held in the year.

Times the user enters (first seen, responded, …) are wall-clock times of the office, stored and
compared as they are typed (naive local time).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from .checks import link_problem
from .compliance import Verdict
from .disclosure import Problem
from .labels import LabelledEnum

# --- closed lists -------------------------------------------------------------------------------


class EngagementKind(LabelledEnum):
    PRESS_CONFERENCE = ("press_conference", "新闻发布会")
    PUBLIC_OPINION = ("public_opinion", "政务舆情回应")
    INTERACTION = ("interaction", "互动交流")
    PROPOSAL = ("proposal", "建议提案办理")
    MEETING = ("meeting", "会议与培训")
    RECTIFICATION = ("rectification", "督查审计整改")


class SpeakerRole(LabelledEnum):
    PRINCIPAL = ("principal", "主要负责同志")
    DEPUTY = ("deputy", "分管领导")
    DIVISION_HEAD = ("division_head", "处室负责人")
    SPOKESPERSON = ("spokesperson", "新闻发言人")
    OTHER = ("other", "其他")


class OpinionLevel(LabelledEnum):
    ORDINARY = ("ordinary", "一般")
    MAJOR = ("major", "重大")
    EXTRAORDINARY = ("extraordinary", "特别重大")


class InteractionForm(LabelledEnum):
    ONLINE_INTERVIEW = ("online_interview", "在线访谈")
    MESSAGE = ("message", "网民留言")
    SURVEY = ("survey", "问卷调查")
    CONSULTATION = ("consultation", "政务咨询")
    OTHER = ("other", "其他")


class ProposalType(LabelledEnum):
    NPC_SUGGESTION = ("npc", "人大代表建议")
    CPPCC_PROPOSAL = ("cppcc", "政协委员提案")


class MeetingKind(LabelledEnum):
    TRAINING = ("training", "培训")
    REPORT_HEARING = ("hearing", "主要负责同志听取政务公开工作汇报")
    DEPLOYMENT = ("deployment", "专题研究部署")


class RectificationSource(LabelledEnum):
    INSPECTION = ("inspection", "督查")
    AUDIT = ("audit", "审计")


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


DIVISION_FIELD = "division_id"
# A NUL cannot be stored in a PostgreSQL text column; nobody types one on purpose.
_NUL = "\x00"
_EARLIEST_YEAR, _LATEST_YEAR = 1990, 2100

# --- the rules' parameters ----------------------------------------------------------------------

RESPONSE_HOURS = 48
AUTHORITATIVE_HOURS = 5
CONFERENCE_HOURS = 24
MAJOR_LEVELS = frozenset({OpinionLevel.MAJOR.value, OpinionLevel.EXTRAORDINARY.value})

# Ids of the rules in ``domain.compliance.RULES``.
RULE_CONFERENCE_QUARTERLY = "press_conference_quarterly"
RULE_DEPUTY_HALF_YEARLY = "press_conference_deputy_half_yearly"
RULE_PRINCIPAL_YEARLY = "press_conference_principal_yearly"
RULE_RESPONSE_48H = "opinion_response_48_hours"
RULE_AUTHORITATIVE_5H = "opinion_authoritative_5_hours"
RULE_CONFERENCE_24H = "opinion_conference_24_hours"
RULE_HEARING_YEARLY = "principal_hears_report_yearly"
RULE_TRAINING_YEARLY = "training_held_yearly"


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


def hours_text(span: timedelta) -> str:
    """48 小时 / 3 小时 20 分钟 / 45 分钟; from a week on, whole days (「12 天」)."""
    minutes = max(0, int(span.total_seconds() // 60))
    hours, rest = divmod(minutes, 60)
    if hours >= 7 * 24:
        return f"{hours // 24} 天"
    if not hours:
        return f"{rest} 分钟"
    return f"{hours} 小时" + (f" {rest} 分钟" if rest else "")


# --- 政务舆情: the hour limits --------------------------------------------------------------------


@dataclass(frozen=True)
class HourCheck:
    """One hour limit on one 舆情: from ``start`` the thing must be done within ``hours``."""

    rule_id: str
    action: str  # 回应 / 发布权威信息 / 举行新闻发布会
    hours: int
    start: datetime
    done: datetime | None
    now: datetime

    @property
    def due(self) -> datetime:
        return self.start + timedelta(hours=self.hours)

    @property
    def verdict(self) -> Verdict:
        if self.done is not None:
            return Verdict.MET if self.done <= self.due else Verdict.MISSED
        return Verdict.MISSED if self.now > self.due else Verdict.AT_RISK

    @property
    def is_open(self) -> bool:
        return self.done is None

    @property
    def message(self) -> str:
        if self.done is not None:
            took = hours_text(self.done - self.start)
            if self.verdict is Verdict.MET:
                return f"{self.action}用时 {took}"
            return f"{self.action}用时 {took}，超过 {self.hours} 小时"
        if self.verdict is Verdict.MISSED:
            return f"超过 {self.hours} 小时未{self.action}（已超 {hours_text(self.now - self.due)}）"
        return f"{self.action}时限还剩 {hours_text(self.due - self.now)}"


def needs_emergency_steps(level: str | None, emergency: bool) -> bool:
    """Whether the 5-hour and 24-hour limits apply: a 重大 or 特别重大 突发事件."""
    return bool(emergency) and level in MAJOR_LEVELS


def opinion_checks(values: Values, now: datetime) -> tuple[HourCheck, ...]:
    """The hour limits of one 舆情 from its first-seen time: the 48-hour response always, and
    for a 重大 / 特别重大 突发事件 authoritative information in 5 hours and a press conference in
    24 hours. Nothing while the first-seen time is unknown."""
    start = values.get("first_seen_at")
    if start is None:
        return ()
    checks = [
        HourCheck(RULE_RESPONSE_48H, "回应", RESPONSE_HOURS, start, values.get("responded_at"), now)
    ]
    if needs_emergency_steps(values.get("level"), bool(values.get("emergency"))):
        checks.append(
            HourCheck(
                RULE_AUTHORITATIVE_5H,
                "发布权威信息",
                AUTHORITATIVE_HOURS,
                start,
                values.get("authoritative_at"),
                now,
            )
        )
        checks.append(
            HourCheck(
                RULE_CONFERENCE_24H,
                "举行新闻发布会",
                CONFERENCE_HOURS,
                start,
                values.get("conference_at"),
                now,
            )
        )
    return tuple(checks)


def _assess_opinion(values: Values, now: datetime) -> Assessment:
    checks = opinion_checks(values, now)
    problems = tuple(c.message for c in checks if c.verdict is Verdict.MISSED)
    pending = tuple(c.message for c in checks if c.verdict is Verdict.AT_RISK)
    if not checks:
        return Assessment("")
    response = checks[0]
    if response.done is None:
        state = "逾期未回应" if response.verdict is Verdict.MISSED else "待回应"
    elif response.verdict is Verdict.MISSED:
        state = "超时回应"
    else:
        state = "已回应，应急处置超时" if problems else "已回应"
    return Assessment(state, problems, pending)


def _check_opinion(values: Values) -> list[Problem]:
    problems: list[Problem] = []
    start = values["first_seen_at"]
    for name, label in (
        ("responded_at", "回应时间"),
        ("authoritative_at", "权威信息发布时间"),
        ("conference_at", "新闻发布会时间"),
    ):
        moment = values.get(name)
        if moment is not None and moment < start:
            problems.append(Problem(name, f"{label}不能早于发现时间"))
    if values.get("responded_at") is not None and not values.get("response_channel"):
        problems.append(Problem("response_channel", "已回应的舆情请填写回应渠道"))
    return problems


# --- the other kinds' states and checks ---------------------------------------------------------


def _not_before(values: Values, later: str, earlier: str, message: str) -> list[Problem]:
    a, b = values.get(later), values.get(earlier)
    if a is not None and b is not None and a < b:
        return [Problem(later, message)]
    return []


def _assess_conference(values: Values, now: datetime) -> Assessment:
    held = values.get("held_on")
    return Assessment("计划举行" if held is not None and held > now.date() else "已举行")


def _assess_interaction(values: Values, now: datetime) -> Assessment:
    return Assessment("已答复" if values.get("answered_on") else "待答复")


def _check_interaction(values: Values) -> list[Problem]:
    return _not_before(values, "answered_on", "received_on", "答复日期不能早于收到日期")


def _assess_proposal(values: Values, now: datetime) -> Assessment:
    if values.get("published_on"):
        return Assessment("已答复，结果已公开")
    if values.get("replied_on"):
        return Assessment("已答复，结果未公开")
    return Assessment("办理中")


def _check_proposal(values: Values) -> list[Problem]:
    problems = _not_before(values, "replied_on", "received_on", "答复日期不能早于交办日期")
    if values.get("published_on") is not None and values.get("replied_on") is None:
        problems.append(Problem("published_on", "办理结果公开前须先答复：请填写答复日期"))
    problems += _not_before(values, "published_on", "replied_on", "结果公开日期不能早于答复日期")
    return problems


def _assess_meeting(values: Values, now: datetime) -> Assessment:
    held = values.get("held_on")
    return Assessment("计划中" if held is not None and held > now.date() else "已召开")


def _assess_rectification(values: Values, now: datetime) -> Assessment:
    if not values.get("rectified_on"):
        return Assessment("整改中")
    return Assessment("已整改并公开" if values.get("disclosed") else "已整改，未公开")


def _check_rectification(values: Values) -> list[Problem]:
    problems = _not_before(values, "rectified_on", "found_on", "整改完成日期不能早于发现日期")
    if values.get("rectified_on") is not None and not values.get("rectification"):
        problems.append(Problem("rectification", "已完成整改的请填写整改措施"))
    return problems


def assess(spec: KindSpec, values: Values, now: datetime) -> Assessment:
    return spec.assess(values, now) if spec.assess is not None else Assessment("")


# --- the six kinds ------------------------------------------------------------------------------

T, LT, D, DT, C, B = (
    FieldType.TEXT,
    FieldType.LONG_TEXT,
    FieldType.DATE,
    FieldType.DATETIME,
    FieldType.CHOICE,
    FieldType.BOOL,
)

PRESS_CONFERENCE = KindSpec(
    EngagementKind.PRESS_CONFERENCE,
    "承办处室",
    (
        FieldSpec("held_on", "发布日期", D, required=True, listed=True),
        FieldSpec("topic", "发布主题", T, required=True, max_length=300, listed=True),
        FieldSpec(
            "speakers",
            "发布人",
            FieldType.SPEAKERS,
            required=True,
            listed=True,
            hint="分管领导请填写姓名，用于检查每位分管领导每半年出席情况",
        ),
        FieldSpec("involved_divisions", "参与处室", FieldType.DIVISIONS, listed=True),
        FieldSpec("link", "发布链接", T, max_length=500, hint="门户网站上的发布会页面地址"),
        FieldSpec("notes", "备注", LT),
    ),
    date_field="held_on",
    title_field="topic",
    search=("topic", "speakers", "notes"),
    assess=_assess_conference,
)

PUBLIC_OPINION = KindSpec(
    EngagementKind.PUBLIC_OPINION,
    "责任处室",
    (
        FieldSpec("subject", "舆情事项", T, required=True, max_length=300, listed=True),
        FieldSpec(
            "source", "来源", T, required=True, max_length=200, listed=True,
            hint="如：微博、网络媒体、12345热线、领导批示",
        ),
        FieldSpec("first_seen_at", "发现时间", DT, required=True, listed=True),
        FieldSpec("level", "级别", C, required=True, choices=OpinionLevel, listed=True),
        FieldSpec("emergency", "突发事件", B, listed=True),
        FieldSpec("judgement", "研判情况", LT),
        FieldSpec("reported_to", "报告情况", T, max_length=200, hint="向谁报告、何时报告"),
        FieldSpec(
            "responded_at", "回应时间", DT, listed=True, hint="应在发现后 48 小时内回应",
            not_after_now=True,
        ),
        FieldSpec("response_channel", "回应渠道", T, max_length=200, hint="如：门户网站、官方微博"),
        FieldSpec(
            "authoritative_at", "权威信息发布时间", DT,
            hint="重大、特别重大突发事件应在 5 小时内发布权威信息",
            not_after_now=True,
        ),
        FieldSpec(
            "conference_at", "新闻发布会时间", DT,
            hint="重大、特别重大突发事件应在 24 小时内举行新闻发布会",
            not_after_now=True,
        ),
        FieldSpec("notes", "备注", LT),
    ),
    date_field="first_seen_at",
    title_field="subject",
    search=("subject", "source", "judgement", "notes"),
    check=_check_opinion,
    assess=_assess_opinion,
)

INTERACTION = KindSpec(
    EngagementKind.INTERACTION,
    "承办处室",
    (
        FieldSpec("form", "形式", C, required=True, choices=InteractionForm, listed=True),
        FieldSpec("subject", "主题或内容", T, required=True, max_length=300, listed=True),
        FieldSpec("received_on", "收到（开展）日期", D, required=True, listed=True),
        FieldSpec("answered_on", "答复日期", D, listed=True),
        FieldSpec("reply", "答复内容", LT),
        FieldSpec("notes", "备注", LT),
    ),
    date_field="received_on",
    title_field="subject",
    search=("subject", "reply", "notes"),
    check=_check_interaction,
    assess=_assess_interaction,
)

PROPOSAL = KindSpec(
    EngagementKind.PROPOSAL,
    "承办处室",
    (
        FieldSpec("proposal_type", "类型", C, required=True, choices=ProposalType, listed=True),
        FieldSpec("number", "编号", T, required=True, max_length=64, listed=True),
        FieldSpec("title", "标题", T, required=True, max_length=300, listed=True),
        FieldSpec("received_on", "交办日期", D, required=True, listed=True),
        FieldSpec("replied_on", "答复日期", D, listed=True),
        FieldSpec("published_on", "结果公开日期", D, listed=True),
        FieldSpec("notes", "备注", LT),
    ),
    date_field="received_on",
    title_field="title",
    search=("number", "title", "notes"),
    check=_check_proposal,
    assess=_assess_proposal,
)

MEETING = KindSpec(
    EngagementKind.MEETING,
    "组织处室",
    (
        FieldSpec("meeting_kind", "类别", C, required=True, choices=MeetingKind, listed=True),
        FieldSpec("held_on", "日期", D, required=True, listed=True),
        FieldSpec("subject", "主题", T, required=True, max_length=300, listed=True),
        FieldSpec("participants", "参加人员", LT, listed=True),
        FieldSpec("notes", "备注", LT),
    ),
    date_field="held_on",
    title_field="subject",
    search=("subject", "participants", "notes"),
    assess=_assess_meeting,
)

RECTIFICATION = KindSpec(
    EngagementKind.RECTIFICATION,
    "责任处室",
    (
        FieldSpec("source", "来源", C, required=True, choices=RectificationSource, listed=True),
        FieldSpec("problem", "发现问题", LT, required=True, listed=True),
        FieldSpec("found_on", "发现日期", D, required=True, listed=True),
        FieldSpec("rectification", "整改措施", LT),
        FieldSpec("rectified_on", "整改完成日期", D, listed=True),
        FieldSpec("disclosed", "整改情况已公开", B, listed=True),
        FieldSpec("notes", "备注", LT),
    ),
    date_field="found_on",
    title_field="problem",
    search=("problem", "rectification", "notes"),
    check=_check_rectification,
    assess=_assess_rectification,
)

KINDS: dict[EngagementKind, KindSpec] = {
    spec.kind: spec
    for spec in (PRESS_CONFERENCE, PUBLIC_OPINION, INTERACTION, PROPOSAL, MEETING, RECTIFICATION)
}


# --- the rules over periods (bureau level) ------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str  # 第一季度 / 上半年 / 全年
    start: date
    end: date


@dataclass(frozen=True)
class PeriodResult:
    """How often something happened in one period, and the verdict as of ``today``: met; still
    running without it (at risk); over without it (missed); not begun (not applicable)."""

    period: Period
    count: int
    verdict: Verdict


QUARTER_NAMES = ("第一季度", "第二季度", "第三季度", "第四季度")


def quarters(year: int) -> tuple[Period, ...]:
    ends = (date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31))
    starts = (date(year, 1, 1), date(year, 4, 1), date(year, 7, 1), date(year, 10, 1))
    return tuple(Period(n, s, e) for n, s, e in zip(QUARTER_NAMES, starts, ends, strict=True))


def half_years(year: int) -> tuple[Period, ...]:
    return (
        Period("上半年", date(year, 1, 1), date(year, 6, 30)),
        Period("下半年", date(year, 7, 1), date(year, 12, 31)),
    )


def whole_year(year: int) -> Period:
    return Period("全年", date(year, 1, 1), date(year, 12, 31))


def period_results(
    days: Iterable[date], periods: Sequence[Period], today: date, minimum: int = 1
) -> tuple[PeriodResult, ...]:
    """Count ``days`` (up to ``today``: a planned event has not happened) in each period."""
    held = [d for d in days if d <= today]
    results = []
    for p in periods:
        count = sum(1 for d in held if p.start <= d <= p.end)
        if count >= minimum:
            verdict = Verdict.MET
        elif today > p.end:
            verdict = Verdict.MISSED
        elif today >= p.start:
            verdict = Verdict.AT_RISK
        else:
            verdict = Verdict.NOT_APPLICABLE
        results.append(PeriodResult(p, count, verdict))
    return tuple(results)


@dataclass(frozen=True)
class Conference:
    """What the rules need of a press conference."""

    held_on: date
    speakers: tuple[Speaker, ...]


@dataclass(frozen=True)
class Meeting:
    kind: MeetingKind
    held_on: date


def normal_name(name: str) -> str:
    """A leader's name as compared: without spaces (「张 三」 is 「张三」)."""
    return "".join(name.split())


def conference_quarters(
    conferences: Iterable[Conference], year: int, today: date
) -> tuple[PeriodResult, ...]:
    """≥ 1 press conference in each quarter of ``year``."""
    return period_results((c.held_on for c in conferences), quarters(year), today)


def deputy_leaders(conferences: Iterable[Conference], roster: Sequence[str]) -> tuple[str, ...]:
    """The 分管领导 the half-yearly rule checks: the configured roster; without one, every
    分管领导 who spoke at one of ``conferences``."""
    names = [normal_name(n) for n in roster if normal_name(n)]
    if names:
        return tuple(dict.fromkeys(names))
    return tuple(
        dict.fromkeys(
            normal_name(s.name)
            for c in conferences
            for s in c.speakers
            if s.role is SpeakerRole.DEPUTY and normal_name(s.name)
        )
    )


def deputy_half_years(
    conferences: Sequence[Conference], roster: Sequence[str], year: int, today: date
) -> tuple[tuple[str, tuple[PeriodResult, ...]], ...]:
    """Each 分管领导 ≥ 1 press conference per half-year, leader by leader."""
    out = []
    for name in deputy_leaders(conferences, roster):
        days = [
            c.held_on
            for c in conferences
            if any(
                s.role is SpeakerRole.DEPUTY and normal_name(s.name) == name for s in c.speakers
            )
        ]
        out.append((name, period_results(days, half_years(year), today)))
    return tuple(out)


def principal_year(conferences: Iterable[Conference], year: int, today: date) -> PeriodResult:
    """The 主要负责同志 ≥ 1 press conference in the year."""
    days = [
        c.held_on for c in conferences if any(s.role is SpeakerRole.PRINCIPAL for s in c.speakers)
    ]
    return period_results(days, (whole_year(year),), today)[0]


def meeting_year(
    meetings: Iterable[Meeting], kind: MeetingKind, year: int, today: date
) -> PeriodResult:
    """≥ 1 meeting of ``kind`` in the year (the report hearing, the training)."""
    days = [m.held_on for m in meetings if m.kind is kind]
    return period_results(days, (whole_year(year),), today)[0]


@dataclass(frozen=True)
class Finding:
    """One bureau-level result in words, e.g. 「第三季度尚未举行新闻发布会」."""

    rule_id: str
    verdict: Verdict
    text: str


def _finding(rule_id: str, result: PeriodResult, met: str, at_risk: str, missed: str) -> Finding:
    text = {Verdict.MET: met, Verdict.AT_RISK: at_risk, Verdict.MISSED: missed}.get(
        result.verdict, f"{result.period.label}尚未开始"
    )
    return Finding(rule_id, result.verdict, text)


def bureau_findings(
    conferences: Sequence[Conference],
    meetings: Sequence[Meeting],
    roster: Sequence[str],
    year: int,
    today: date,
) -> tuple[Finding, ...]:
    """Every period rule of the year as sentences, in the order of the rule table; periods that
    have not begun are left out."""
    found: list[Finding] = []
    for r in conference_quarters(conferences, year, today):
        label = r.period.label
        found.append(
            _finding(
                RULE_CONFERENCE_QUARTERLY,
                r,
                f"{label}举行新闻发布会 {r.count} 次",
                f"{label}尚未举行新闻发布会",
                f"{label}未举行新闻发布会",
            )
        )
    for name, results in deputy_half_years(conferences, roster, year, today):
        for r in results:
            label = r.period.label
            found.append(
                _finding(
                    RULE_DEPUTY_HALF_YEARLY,
                    r,
                    f"分管领导{name}{label}出席新闻发布会 {r.count} 次",
                    f"分管领导{name}本半年尚未出席新闻发布会",
                    f"分管领导{name}{label}未出席新闻发布会",
                )
            )
    principal = principal_year(conferences, year, today)
    found.append(
        _finding(
            RULE_PRINCIPAL_YEARLY,
            principal,
            f"主要负责同志出席新闻发布会 {principal.count} 次",
            "主要负责同志今年尚未出席新闻发布会",
            f"主要负责同志{year}年未出席新闻发布会",
        )
    )
    hearing = meeting_year(meetings, MeetingKind.REPORT_HEARING, year, today)
    found.append(
        _finding(
            RULE_HEARING_YEARLY,
            hearing,
            f"主要负责同志听取政务公开工作汇报 {hearing.count} 次",
            "主要负责同志今年尚未听取政务公开工作汇报",
            f"主要负责同志{year}年未听取政务公开工作汇报",
        )
    )
    training = meeting_year(meetings, MeetingKind.TRAINING, year, today)
    found.append(
        _finding(
            RULE_TRAINING_YEARLY,
            training,
            f"举办政务公开培训 {training.count} 次",
            "今年尚未举办政务公开培训",
            f"{year}年未举办政务公开培训",
        )
    )
    return tuple(f for f in found if f.verdict is not Verdict.NOT_APPLICABLE)
