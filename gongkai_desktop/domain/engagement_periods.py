"""The bureau's period rules of 新闻发布与回应 (SPEC §9), counted in calendar periods:

- 新闻发布会 at least once a quarter (the bureau); each 分管领导 at least once a half-year; the
  主要负责同志 at least once a year;
- the 主要负责同志 hears a report on the openness work at least once a year, and training on it is
  held in the year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .compliance import Verdict
from .engagement_choices import MeetingKind, SpeakerRole
from .engagement_fields import Speaker

# Ids of the rules in ``domain.compliance.RULES``.
RULE_CONFERENCE_QUARTERLY = "press_conference_quarterly"
RULE_DEPUTY_HALF_YEARLY = "press_conference_deputy_half_yearly"
RULE_PRINCIPAL_YEARLY = "press_conference_principal_yearly"
RULE_HEARING_YEARLY = "principal_hears_report_yearly"
RULE_TRAINING_YEARLY = "training_held_yearly"


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


def period_counts(results: Iterable[PeriodResult]) -> tuple[int, int, int]:
    """(met, at risk, missed) of period results; periods not begun are not counted."""
    verdicts = [r.verdict for r in results]
    return (
        verdicts.count(Verdict.MET),
        verdicts.count(Verdict.AT_RISK),
        verdicts.count(Verdict.MISSED),
    )
