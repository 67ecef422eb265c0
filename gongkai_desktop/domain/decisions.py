"""决策公开与征求意见 (SPEC §8): the closed lists, what a user enters for a decision and for one of
its public consultations, and the rules, each breach stated as one Chinese sentence.

Rules (the numbers are business settings, ``ConsultationRules``):

- Consultation period. A consultation open to the public online (网上征求意见) runs at least 30
  days for a 重大行政决策 and for a 规章-level text, at least 30 days for a 规范性文件 closely related
  to market entities (涉及市场主体), at least 7 working days for any other 规范性文件. Periods are
  counted as the law counts them (民法典第二百零一条, and SPEC §3 for working days): the day the
  consultation opens is not counted, so the earliest allowed last day is the N-th day (or working
  day) after it. A hearing, survey or meeting on its own is a single event the minimum does not
  apply to.
- Opinions. Adopted + partly adopted + not adopted cannot exceed those received; opinions not
  adopted need the reasons (they are printed in the 意见收集和采纳情况说明).
- Adoption result. Once a consultation is over, its result must be published: it is at risk until
  the N-th working day after the last day of the consultation (10 by default), missed after that.
- Statutory steps of a 重大行政决策. Once 集体讨论决定 has a date, 公众参与, 专家论证, 风险评估 and
  合法性审核 each need a date before it; 合法性审核 comes after the other three; the decision is
  predisclosed (预公开) before it is taken.

A year without holiday data is never a crash: the rule that needs it says it cannot be judged and
why (``CalendarMissing``'s own message).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..calendar import WorkingCalendar
from ..errors import CalendarMissing
from .checks import doc_number_problem, link_problem
from .disclosure import Problem
from .labels import LabelledEnum


class DecisionType(LabelledEnum):
    MAJOR = ("major", "重大行政决策")
    NORMATIVE = ("normative", "规范性文件")
    LIVELIHOOD = ("livelihood", "重大民生事项")
    OTHER = ("other", "其他")


class DecisionStep(LabelledEnum):
    """The five statutory steps of a major decision (重大行政决策程序暂行条例), in their order.

    The value is also the prefix of the step's columns (``expert_on``, ``expert_note``).
    """

    PARTICIPATION = ("participation", "公众参与")
    EXPERT = ("expert", "专家论证")
    RISK = ("risk", "风险评估")
    LEGALITY = ("legality", "合法性审核")
    COLLECTIVE = ("collective", "集体讨论决定")


class ConsultationChannel(LabelledEnum):
    ONLINE = ("online", "网上征求意见")
    HEARING = ("hearing", "听证座谈")
    SURVEY = ("survey", "调查研究")
    CONSULTATION = ("consultation", "咨询协商")
    MEDIA = ("media", "媒体沟通")


# Steps that form the draft; 合法性审核 follows them and 集体讨论决定 comes last.
DRAFTING_STEPS = (DecisionStep.PARTICIPATION, DecisionStep.EXPERT, DecisionStep.RISK)
# The channel that makes a consultation public in the sense of the period rule.
PUBLIC_CHANNELS = frozenset({ConsultationChannel.ONLINE.value})

# Business settings (``services.admin.SETTING_DEFAULTS``) with their defaults and the bounds the
# settings page offers.
MAJOR_DAYS_SETTING = "major_consultation_days"
MARKET_DAYS_SETTING = "market_consultation_days"
NORMATIVE_WORKDAYS_SETTING = "normative_consultation_workdays"
RESULT_WORKDAYS_SETTING = "consultation_result_workdays"
DEFAULT_MAJOR_DAYS = 30
DEFAULT_MARKET_DAYS = 30
DEFAULT_NORMATIVE_WORKDAYS = 7
DEFAULT_RESULT_WORKDAYS = 10
MAX_PERIOD_DAYS = 365
MAX_WORKDAYS = 90

# Characters an XML 1.0 document (a .docx part, an export) cannot carry: control characters
# other than tab and line breaks, lone surrogates and the two non-characters.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ILLEGAL_TEXT = "含有无法保存的控制字符（多由复制粘贴带入），请删除后再保存"

TITLE_MAX = 300
NUMBER_MAX = 64
LINK_MAX = 500
NOTE_MAX = 1000
MAX_OPINIONS = 10_000_000

DECISION_FIELD_LABELS = {
    "title": "决策事项",
    "decision_type": "决策类型",
    "document_number": "文号",
    "rule_level": "规章层级",
    "market_related": "涉及市场主体",
    "predisclosed_on": "预公开日期",
    "notes": "备注",
    **{f"{s.value}_on": f"{s.label}日期" for s in DecisionStep},
    **{f"{s.value}_note": f"{s.label}情况" for s in DecisionStep},
}

CONSULTATION_FIELD_LABELS = {
    "subject": "征求意见稿",
    "channels": "征求意见方式",
    "started_on": "开始日期",
    "ended_on": "截止日期",
    "link": "征求意见链接",
    "received": "收到意见",
    "adopted": "采纳",
    "partly_adopted": "部分采纳",
    "not_adopted": "未采纳",
    "reasons": "未采纳理由",
    "result_published_on": "采纳情况公开日期",
    "result_link": "采纳情况链接",
}


@dataclass(frozen=True)
class StepEntry:
    """One statutory step: the day it was done and what was done."""

    on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class DecisionFields:
    """What a user enters for one decision; ``steps`` maps ``DecisionStep`` values to entries,
    steps left out are not done yet."""

    title: str
    decision_type: str  # DecisionType value
    document_number: str = ""
    rule_level: bool = False  # a 规章-level text
    market_related: bool = False  # closely related to market entities (涉及市场主体)
    predisclosed_on: date | None = None
    steps: Mapping[str, StepEntry] = field(default_factory=dict)
    notes: str = ""

    def step(self, step: DecisionStep) -> StepEntry:
        return self.steps.get(step.value) or StepEntry()

    def kind(self) -> DecisionType | None:
        try:
            return DecisionType(self.decision_type)
        except ValueError:
            return None


@dataclass(frozen=True)
class ConsultationFields:
    """One round of consultation on a decision's draft and what came of it."""

    started_on: date | None
    ended_on: date | None
    channels: tuple[str, ...] = (ConsultationChannel.ONLINE.value,)  # ConsultationChannel values
    subject: str = ""  # the draft consulted on; empty: the decision's title
    link: str = ""
    received: int = 0
    adopted: int = 0
    partly_adopted: int = 0
    not_adopted: int = 0
    reasons: str = ""  # why opinions were not adopted
    result_published_on: date | None = None
    result_link: str = ""

    @property
    def is_public(self) -> bool:
        return any(c in PUBLIC_CHANNELS for c in self.channels)

    @property
    def handled(self) -> int:
        return self.adopted + self.partly_adopted + self.not_adopted


@dataclass(frozen=True)
class ConsultationRules:
    """The settings the rules are judged by."""

    major_days: int = DEFAULT_MAJOR_DAYS
    market_days: int = DEFAULT_MARKET_DAYS
    normative_workdays: int = DEFAULT_NORMATIVE_WORKDAYS
    result_workdays: int = DEFAULT_RESULT_WORKDAYS


@dataclass(frozen=True)
class MinimumPeriod:
    """How long a public consultation must run and why: ``length`` days, working days when
    ``working``."""

    length: int
    working: bool
    reason: str

    def text(self) -> str:
        unit = "个工作日" if self.working else "日"
        return f"不少于 {self.length} {unit}"


@dataclass(frozen=True)
class Findings:
    """What the rules found: ``problems`` are breaches, ``warnings`` things at risk."""

    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.problems or self.warnings)

    def __add__(self, other: Findings) -> Findings:
        return Findings(self.problems + other.problems, self.warnings + other.warnings)

    def prefixed(self, prefix: str) -> Findings:
        return Findings(
            tuple(prefix + p for p in self.problems), tuple(prefix + w for w in self.warnings)
        )


def _d(value: date) -> str:
    return value.isoformat()


def channel_labels(values: Iterable[str]) -> tuple[str, ...]:
    """The Chinese labels of channel values, in the list's order (unknown values left out)."""
    chosen = set(values)
    return tuple(c.label for c in ConsultationChannel if c.value in chosen)


# --- validation ------------------------------------------------------------------------------


def _text_problems(
    problems: list[Problem], name: str, value: str, limit: int, required: str = ""
) -> None:
    if required and not value.strip():
        problems.append(Problem(name, required))
    elif len(value) > limit:
        problems.append(Problem(name, f"不能超过 {limit} 个字"))
    elif XML_ILLEGAL.search(value):
        problems.append(Problem(name, ILLEGAL_TEXT))


def validate_decision(fields: DecisionFields) -> list[Problem]:
    """Every problem of the fields (empty when they can be saved)."""
    problems: list[Problem] = []
    _text_problems(problems, "title", fields.title, TITLE_MAX, "必须填写")
    if fields.kind() is None:
        problems.append(Problem("decision_type", "请选择决策类型"))
    _text_problems(problems, "document_number", fields.document_number, NUMBER_MAX)
    if len(fields.document_number) <= NUMBER_MAX and (
        problem := doc_number_problem(fields.document_number)
    ):
        problems.append(Problem("document_number", problem))
    known = {s.value for s in DecisionStep}
    for key, entry in fields.steps.items():
        if key not in known:
            problems.append(Problem("steps", f"「{key}」不是法定程序"))
        else:
            _text_problems(problems, f"{key}_note", entry.note, NOTE_MAX)
    _text_problems(problems, "notes", fields.notes, 4000)
    return problems


def validate_consultation(fields: ConsultationFields) -> list[Problem]:
    """Every problem of a consultation's fields (empty when they can be saved)."""
    problems: list[Problem] = []
    _text_problems(problems, "subject", fields.subject, TITLE_MAX)
    if not fields.channels:
        problems.append(Problem("channels", "至少选择一种征求意见方式"))
    known = {c.value for c in ConsultationChannel}
    for channel in fields.channels:
        if channel not in known:
            problems.append(Problem("channels", f"「{channel}」不是有效的征求意见方式"))
    if fields.started_on is None:
        problems.append(Problem("started_on", "必须填写"))
    if fields.ended_on is None:
        problems.append(Problem("ended_on", "必须填写"))
    if (
        fields.started_on is not None
        and fields.ended_on is not None
        and fields.ended_on < fields.started_on
    ):
        problems.append(Problem("ended_on", "截止日期不能早于开始日期"))
    _text_problems(problems, "link", fields.link, LINK_MAX)
    _link_problems(problems, "link", fields.link)
    for name in ("received", "adopted", "partly_adopted", "not_adopted"):
        value = getattr(fields, name)
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(Problem(name, "应为整数"))
        elif not 0 <= value <= MAX_OPINIONS:
            problems.append(Problem(name, "应为 0 或正整数"))
    _text_problems(problems, "reasons", fields.reasons, 20000)
    if fields.result_published_on is not None and (
        fields.ended_on is not None and fields.result_published_on < fields.ended_on
    ):
        problems.append(Problem("result_published_on", "采纳情况应在征求意见截止后公开"))
    _text_problems(problems, "result_link", fields.result_link, LINK_MAX)
    _link_problems(problems, "result_link", fields.result_link)
    return problems


def _link_problems(problems: list[Problem], name: str, link: str) -> None:
    if len(link) <= LINK_MAX and (problem := link_problem(link)):
        problems.append(Problem(name, problem))


# --- the rules -------------------------------------------------------------------------------


def minimum_period(decision: DecisionFields, rules: ConsultationRules) -> MinimumPeriod | None:
    """The shortest public consultation the decision allows (None: no minimum applies)."""
    kind = decision.kind()
    if kind is DecisionType.MAJOR:
        return MinimumPeriod(rules.major_days, False, "重大行政决策")
    if decision.rule_level:
        return MinimumPeriod(rules.major_days, False, "规章")
    if kind is DecisionType.NORMATIVE:
        if decision.market_related:
            return MinimumPeriod(rules.market_days, False, "涉及市场主体的规范性文件")
        return MinimumPeriod(rules.normative_workdays, True, "规范性文件")
    return None


def period_length(
    consultation: ConsultationFields, calendar: WorkingCalendar, working: bool
) -> int | None:
    """Days (or working days) of the consultation, its opening day not counted; None when the
    dates are missing or the calendar lacks a year."""
    start, end = consultation.started_on, consultation.ended_on
    if start is None or end is None:
        return None
    if not working:
        return (end - start).days
    try:
        return calendar.working_days_between(start, end)
    except CalendarMissing:
        return None


def period_problems(
    decision: DecisionFields,
    consultation: ConsultationFields,
    calendar: WorkingCalendar,
    rules: ConsultationRules,
) -> list[str]:
    """The breach of the minimum consultation period, if any (see the module docstring)."""
    minimum = minimum_period(decision, rules)
    start, end = consultation.started_on, consultation.ended_on
    if minimum is None or start is None or end is None or not consultation.is_public:
        return []
    if minimum.working:
        try:
            earliest = calendar.working_day_after(start, minimum.length)
            actual = calendar.working_days_between(start, end)
        except CalendarMissing as exc:
            return [f"无法判断征求意见期限是否足够：{exc}"]
        unit = "个工作日"
    else:
        earliest = start + timedelta(days=minimum.length)
        actual = (end - start).days
        unit = "日"
    if end >= earliest:
        return []
    return [
        f"征求意见期限不足：{minimum.reason}公开征求意见{minimum.text()}，"
        f"自 {_d(start)} 起应至少征求至 {_d(earliest)}，实际截至 {_d(end)}（{actual} {unit}）"
    ]


def opinion_problems(consultation: ConsultationFields) -> list[str]:
    """Counts that do not add up, and opinions not adopted without the reasons."""
    problems: list[str] = []
    c = consultation
    if c.handled > c.received:
        problems.append(
            f"采纳 {c.adopted} 条、部分采纳 {c.partly_adopted} 条、未采纳 {c.not_adopted} 条，"
            f"合计 {c.handled} 条，多于收到的 {c.received} 条意见"
        )
    if c.not_adopted > 0 and not c.reasons.strip():
        problems.append(f"有 {c.not_adopted} 条意见未采纳，尚未说明不予采纳的理由")
    return problems


def explanation_problems(decision: DecisionFields, consultation: ConsultationFields) -> list[str]:
    """Why the 意见收集和采纳情况说明 of a consultation cannot be written yet: opinion counts that
    do not account for those received, opinions not adopted without their reasons (the public
    document would carry a gap), text a Word document cannot hold."""
    c = consultation
    problems: list[str] = []
    if c.handled > c.received:
        problems.append(
            f"采纳、部分采纳、未采纳合计 {c.handled} 条，多于收到的 {c.received} 条意见"
        )
    elif c.handled < c.received:
        problems.append(
            f"收到 {c.received} 条意见，采纳、部分采纳、未采纳合计只有 {c.handled} 条，"
            f"尚有 {c.received - c.handled} 条未说明处理情况"
        )
    if c.not_adopted > 0 and not c.reasons.strip():
        problems.append(
            f"未采纳意见{c.not_adopted}条，「{CONSULTATION_FIELD_LABELS['reasons']}」尚未填写："
            "请逐条写明未采纳的理由"
        )
    texts = {
        DECISION_FIELD_LABELS["title"]: decision.title,
        **{CONSULTATION_FIELD_LABELS[n]: getattr(c, n) for n in ("subject", "link", "reasons")},
    }
    for label, text in texts.items():
        if XML_ILLEGAL.search(text):
            problems.append(f"「{label}」{ILLEGAL_TEXT}")
    return problems


def has_ended(consultation: ConsultationFields, today: date) -> bool:
    """Whether the consultation is over: its last day has passed."""
    return consultation.ended_on is not None and consultation.ended_on < today


def result_due(
    consultation: ConsultationFields, calendar: WorkingCalendar, rules: ConsultationRules
) -> date | None:
    """The last day to publish the adoption result; None without an end date. Raises
    CalendarMissing for a year without holiday data."""
    if consultation.ended_on is None:
        return None
    return calendar.working_day_after(consultation.ended_on, rules.result_workdays)


def result_findings(
    consultation: ConsultationFields,
    calendar: WorkingCalendar,
    rules: ConsultationRules,
    today: date,
) -> Findings:
    """Whether the adoption result is published in time: at risk while the consultation is over
    and the result not yet out, missed after the due day."""
    c = consultation
    if c.ended_on is None:
        return Findings()
    published = c.result_published_on
    if published is None and not has_ended(c, today):
        return Findings()
    try:
        due = result_due(c, calendar, rules)
    except CalendarMissing as exc:
        return Findings(problems=(f"无法判断采纳情况公开期限：{exc}",))
    assert due is not None
    allowed = f"征求意见截止后 {rules.result_workdays} 个工作日内"
    if published is not None:
        if published > due:
            return Findings(
                problems=(f"采纳情况于 {_d(published)} 公开，晚于 {_d(due)}（应在{allowed}公开）",)
            )
        return Findings()
    if today > due:
        return Findings(
            problems=(
                f"征求意见已于 {_d(c.ended_on)} 截止，采纳情况应于 {_d(due)} 前公开，至今未公开",
            )
        )
    try:
        left = calendar.working_days_between(today, due)
    except CalendarMissing:
        left = None
    remaining = f"（还剩 {left} 个工作日）" if left is not None else ""
    return Findings(
        warnings=(f"征求意见已于 {_d(c.ended_on)} 截止，采纳情况须于 {_d(due)} 前公开{remaining}",)
    )


def consultation_findings(
    decision: DecisionFields,
    consultation: ConsultationFields,
    calendar: WorkingCalendar,
    rules: ConsultationRules,
    today: date,
) -> Findings:
    """Every rule of one consultation: period, opinions, adoption result."""
    problems = period_problems(decision, consultation, calendar, rules)
    problems += opinion_problems(consultation)
    return Findings(problems=tuple(problems)) + result_findings(
        consultation, calendar, rules, today
    )


def step_problems(decision: DecisionFields) -> list[str]:
    """Missing or out-of-order statutory steps of a 重大行政决策 (other types: none)."""
    if decision.kind() is not DecisionType.MAJOR:
        return []
    problems: list[str] = []
    collective = decision.step(DecisionStep.COLLECTIVE).on
    legality = decision.step(DecisionStep.LEGALITY).on
    if collective is not None:
        for step in (*DRAFTING_STEPS, DecisionStep.LEGALITY):
            on = decision.step(step).on
            if on is None:
                problems.append(
                    f"已于 {_d(collective)} 集体讨论决定，但「{step.label}」程序未填写日期"
                )
            elif on >= collective:
                problems.append(
                    f"「{step.label}」（{_d(on)}）应在集体讨论决定（{_d(collective)}）之前"
                )
    if legality is not None:
        for step in DRAFTING_STEPS:
            on = decision.step(step).on
            if on is not None and on > legality:
                problems.append(
                    f"「合法性审核」（{_d(legality)}）早于「{step.label}」（{_d(on)}）："
                    "合法性审核应在公众参与、专家论证、风险评估之后进行"
                )
    predisclosed = decision.predisclosed_on
    if predisclosed is not None and collective is not None and predisclosed >= collective:
        problems.append(f"预公开日期（{_d(predisclosed)}）应在集体讨论决定（{_d(collective)}）之前")
    return problems


def decision_findings(
    decision: DecisionFields,
    consultations: Sequence[ConsultationFields],
    calendar: WorkingCalendar,
    rules: ConsultationRules,
    today: date,
) -> Findings:
    """Everything the rules find on a decision and its consultations (in the order given; with
    several consultations each sentence names which one)."""
    found = Findings(problems=tuple(step_problems(decision)))
    several = len(consultations) > 1
    for number, consultation in enumerate(consultations, 1):
        own = consultation_findings(decision, consultation, calendar, rules, today)
        found += own.prefixed(f"第 {number} 次征求意见：") if several else own
    return found
