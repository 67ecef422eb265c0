"""政务舆情 (SPEC §9): the hour limits from the moment a 舆情 is first seen, how a 舆情 stands
against them, and its cross-field checks.

A 舆情 is responded to within 48 hours of being first seen; for a 重大 or 特别重大 突发事件,
authoritative information is published within 5 hours and a press conference held within 24. All
clock hours, not working days; the times are the office's wall-clock times as typed (naive
local time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .compliance import Verdict
from .disclosure import Problem
from .engagement_choices import OpinionLevel
from .engagement_fields import Assessment, Values

RESPONSE_HOURS = 48
AUTHORITATIVE_HOURS = 5
CONFERENCE_HOURS = 24
MAJOR_LEVELS = frozenset({OpinionLevel.MAJOR.value, OpinionLevel.EXTRAORDINARY.value})

# Ids of the rules in ``domain.compliance.RULES``.
RULE_RESPONSE_48H = "opinion_response_48_hours"
RULE_AUTHORITATIVE_5H = "opinion_authoritative_5_hours"
RULE_CONFERENCE_24H = "opinion_conference_24_hours"


def hours_text(span: timedelta) -> str:
    """48 小时 / 3 小时 20 分钟 / 45 分钟; from a week on, whole days (「12 天」)."""
    minutes = max(0, int(span.total_seconds() // 60))
    hours, rest = divmod(minutes, 60)
    if hours >= 7 * 24:
        return f"{hours // 24} 天"
    if not hours:
        return f"{rest} 分钟"
    return f"{hours} 小时" + (f" {rest} 分钟" if rest else "")


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


def assess_opinion(values: Values, now: datetime) -> Assessment:
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


def check_opinion(values: Values) -> list[Problem]:
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
