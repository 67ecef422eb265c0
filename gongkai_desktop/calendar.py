"""Working days (工作日) and the State Council holiday notice parser.

A working day is Monday–Friday that is not a statutory holiday, plus the weekend days designated as
make-up working days (调休上班日). The data comes from the ``chinesecalendar`` package, overridden by
the admin's own entries in the database. A year that neither source covers is refused with
:class:`CalendarMissing`: guessing "plain weekends" would quietly produce wrong statutory deadlines.

Deadlines follow the law's 「自…之日起N个工作日内」: the start day is not counted, and the deadline is the
N-th working day strictly after it (see :meth:`WorkingCalendar.working_day_after`).

The admin adds a year by pasting the 国务院办公厅关于YYYY年部分节假日安排的通知 (or giving it as a text
file, read by :func:`read_notice_file`); :func:`parse_holiday_notice` turns it into a
:class:`HolidayNotice` to show for confirmation and store as overrides.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from chinese_calendar import constants as _cc

from gongkai_desktop.errors import CalendarMissing, ValidationError

logger = logging.getLogger(__name__)

__all__ = [
    "HolidayNotice",
    "HolidayPeriod",
    "WorkingCalendar",
    "builtin_years",
    "parse_holiday_notice",
    "read_notice_file",
]

MAX_NOTICE_BYTES = 2_000_000

_WEEKDAY_NAMES = "一二三四五六日"


def _as_date(d: date) -> date:
    # datetime is a subclass of date but never equals one, so mapping lookups would miss it.
    return d.date() if isinstance(d, datetime) else d


@lru_cache(maxsize=1)
def builtin_years() -> frozenset[int]:
    """Years for which the installed ``chinesecalendar`` carries a full holiday arrangement."""
    # 10月1日 is a statutory holiday every year and 国庆节 never spills into another year, so its
    # presence means the package holds that year's own notice, not just a cross-year 元旦 date.
    return frozenset(d.year for d in _cc.holidays if d.month == 10 and d.day == 1)


def _missing(year: int) -> CalendarMissing:
    return CalendarMissing(
        f"缺少{year}年的节假日安排，无法计算工作日。"
        f"请管理员在「系统管理 › 节假日」中导入{year}年国务院办公厅节假日安排通知。",
        year=year,
    )


class WorkingCalendar:
    """Answers working-day questions from ``chinesecalendar`` plus the admin's overrides.

    ``overrides`` map a date to ``True`` (working day, e.g. a 调休上班日) or ``False`` (holiday) and
    win over the package. ``arranged_years`` are the years the admin entered an arrangement for;
    a year outside the package's range is usable only when listed there.
    """

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        arranged_years: Iterable[int] = (),
    ) -> None:
        self._overrides: dict[date, bool] = {
            _as_date(d): bool(v) for d, v in (overrides or {}).items()
        }
        self.arranged_years: frozenset[int] = frozenset(int(y) for y in arranged_years)
        # Per year: sorted ordinals of its working days (for bisect) and the same as a set (for
        # membership). Built on first use so a calendar costs nothing until it is asked.
        self._sorted: dict[int, tuple[int, ...]] = {}
        self._sets: dict[int, frozenset[int]] = {}

    def has_year(self, year: int) -> bool:
        """Whether working days of ``year`` can be computed."""
        return year in builtin_years() or year in self.arranged_years

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day; raises :class:`CalendarMissing` for an unknown year."""
        self._year_days(d.year)
        return d.toordinal() in self._sets[d.year]

    def working_day_after(self, start: date, n: int) -> date:
        """The N-th working day strictly after ``start`` (the start day itself is not counted).

        A start on a non-working day follows the same rule, so the first working day after it is
        day 1. ``n == 0`` returns ``start``. Raises :class:`CalendarMissing` when the count runs
        into a year without data.
        """
        if n < 0:
            raise ValidationError(f"工作日天数不能为负数：{n}", n=n)
        start = _as_date(start)
        if n == 0:
            return start
        year = start.year
        days = self._year_days(year)
        index = bisect_right(days, start.toordinal())
        remaining = n
        while index + remaining > len(days):
            remaining -= len(days) - index
            year += 1
            days = self._year_days(year)
            index = 0
        return date.fromordinal(days[index + remaining - 1])

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days d with ``start < d <= end``; negative when ``end < start``.

        This is what "还剩N个工作日" shows: ``working_days_between(today, deadline)``.
        """
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        if end == start:
            return 0
        low, high = start.toordinal(), end.toordinal()
        # Only days after ``start`` matter, so a start on 12月31日 needs nothing of its own year.
        first_year = (start + timedelta(days=1)).year
        total = 0
        for year in range(first_year, end.year + 1):
            days = self._year_days(year)
            total += bisect_right(days, high) - bisect_right(days, low)
        return total

    def _year_days(self, year: int) -> tuple[int, ...]:
        cached = self._sorted.get(year)
        if cached is not None:
            return cached
        if not self.has_year(year):
            raise _missing(year)
        days = tuple(self._compute_year(year))
        self._sets[year] = frozenset(days)
        self._sorted[year] = days
        return days

    def _compute_year(self, year: int) -> Iterator[int]:
        # The package's own lists are read directly: its is_workday() validates every call, which
        # is far slower, and refuses arranged years it does not know about.
        builtin = year in builtin_years()
        first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        for ordinal in range(first, last + 1):
            d = date.fromordinal(ordinal)
            override = self._overrides.get(d)
            if override is not None:
                working = override
            elif builtin and d in _cc.workdays:
                working = True
            elif builtin and d in _cc.holidays:
                working = False
            else:
                working = d.weekday() < 5
            if working:
                yield ordinal


@dataclass(frozen=True)
class HolidayPeriod:
    """One holiday of a notice: every day from ``start`` to ``end`` inclusive is a day off."""

    name: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"holiday {self.name!r} ends before it starts")

    def dates(self) -> tuple[date, ...]:
        """Every date of the period, weekend days included."""
        count = (self.end - self.start).days + 1
        return tuple(self.start + timedelta(days=i) for i in range(count))


@dataclass(frozen=True)
class HolidayNotice:
    """The holidays and make-up working days (调休上班日) of one year's State Council notice."""

    year: int
    holidays: tuple[HolidayPeriod, ...]
    workdays: tuple[date, ...]

    def overrides(self) -> dict[date, bool]:
        """The notice as calendar overrides: ``False`` for each holiday date, ``True`` for each
        make-up working day."""
        result: dict[date, bool] = {}
        for period in self.holidays:
            for d in period.dates():
                result[d] = False
        for d in self.workdays:
            result[d] = True
        return result


# After NFKC normalisation full-width digits, colons, commas and brackets are ASCII; 。 and 、 stay.
_ITEM_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、,.]\s*)?(?P<name>[^:,;。]{1,20}?)\s*:\s*(?P<body>.*)$"
)
_DATE_RE = re.compile(
    r"(?:(?P<y>\d{4})\s*年\s*)?(?:(?P<m>\d{1,2})\s*月\s*)?(?P<d>\d{1,2})\s*日"
    r"(?:\s*\((?P<note>[^()]*)\))?"
)
_WEEKDAY_RE = re.compile(r"(?:周|星期|礼拜)(?P<w>[一二三四五六日天])")
_WEEKDAY_INDEX = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_RANGE_SEP_RE = re.compile(r"^\s*(?:至|到|-|~|—|–)\s*$")
_COUNT_RE = re.compile(r"(?:共|放假)\s*(?P<n>\d+)\s*天")
_TITLE_YEAR_RE = re.compile(r"关于\s*(?P<y>\d{4})\s*年[^\n]{0,10}节假日安排")
_SENTENCE_SPLIT_RE = re.compile(r"[。;.]")


def _show(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class _Found:
    """A date read from a clause, or why it could not be read; span locates it in the clause."""

    when: date | None
    problem: str
    start: int
    end: int


def _read_dates(clause: str, default_year: int, line: str) -> list[_Found]:
    """Dates of one clause, in order.

    A date without a month (the 「4月4日至6日」 form) takes month and year from the date before
    it. A date without a year takes the year of the date before it, moved on by one when the
    month goes backwards (「2020年12月31日至1月2日」 ends in 2021), or ``default_year`` if it is
    the first. A weekday written beside a date (「（周二）」「（星期日）」) must agree with it: a
    mismatch almost always means the notice of another year was pasted.
    """
    found: list[_Found] = []
    previous: date | None = None
    for match in _DATE_RE.finditer(clause):
        text, span = match.group(0), match.span()
        day = int(match.group("d"))
        if match.group("m") is None:
            if previous is None:
                found.append(_Found(None, f"「{text}」缺少月份：{line}", *span))
                continue
            year, month = previous.year, previous.month
        else:
            month = int(match.group("m"))
            if match.group("y") is not None:
                year = int(match.group("y"))
            elif previous is not None:
                year = previous.year + ((month, day) < (previous.month, previous.day))
            else:
                year = default_year
        try:
            when = date(year, month, day)
        except ValueError:
            found.append(_Found(None, f"「{text}」不是有效日期：{line}", *span))
            continue
        note = match.group("note") or ""
        stated = _WEEKDAY_RE.search(note)
        if stated and _WEEKDAY_INDEX[stated.group("w")] != when.weekday():
            found.append(
                _Found(
                    None,
                    f"{_show(when)}是星期{_WEEKDAY_NAMES[when.weekday()]}，"
                    f"与通知所写「{note}」不符（年份是否有误？）：{line}",
                    *span,
                )
            )
            continue
        found.append(_Found(when, "", *span))
        previous = when
    return found


def _parse_period(
    name: str, head: str, year: int, line: str, problems: list[str]
) -> HolidayPeriod | None:
    """The holiday period written in ``head`` (the clause text before 放假)."""
    found = _read_dates(head, year, line)
    bad = [item.problem for item in found if item.when is None]
    if bad:
        problems.extend(bad)
        return None
    dates = [item.when for item in found if item.when is not None]
    if len(dates) == 1:
        return HolidayPeriod(name, dates[0], dates[0])
    if len(dates) == 2 and _RANGE_SEP_RE.match(head[found[0].end : found[1].start]):
        if dates[1] < dates[0]:
            problems.append(f"{name}：放假结束日期早于开始日期：{line}")
            return None
        return HolidayPeriod(name, dates[0], dates[1])
    problems.append(f"{name}：无法识别放假日期：{line}")
    return None


def _parse_item(
    name: str, body: str, year: int, line: str, problems: list[str]
) -> tuple[list[HolidayPeriod], list[date]]:
    """Holidays and make-up days of one numbered item; contradictions go to ``problems``."""
    periods: list[HolidayPeriod] = []
    workdays: list[date] = []
    for sentence in _SENTENCE_SPLIT_RE.split(body):
        clauses = sentence.split(",")
        for index, clause in enumerate(clauses):
            if _is_signature(clause):
                continue
            rest_mark = _rest_mark(clause)
            if rest_mark is not None and rest_mark != "放假" and not _read_dates(clause, year, line):
                continue  # 「…放假，与周末连休」: the dates stand in the clause before
            if rest_mark is not None:
                cut = clause.index(rest_mark)
                period = _parse_period(name, clause[:cut], year, line, problems)
                if period is None:
                    continue
                # 「共N天」 follows in the same sentence, or 「放假1天」 in the same clause.
                rest = ",".join([clause[cut:], *clauses[index + 1 :]])
                count = _COUNT_RE.search(rest)
                days = (period.end - period.start).days + 1
                if count and int(count.group("n")) != days:
                    problems.append(
                        f"{name}：{_show(period.start)}至{_show(period.end)}是{days}天，"
                        f"与通知所写「{count.group(0)}」不符：{line}"
                    )
                    continue
                periods.append(period)
            elif "上班" in clause and "不上班" not in clause:
                found = _read_dates(clause[: clause.index("上班")], year, line)
                if not found:
                    problems.append(f"{name}：找不到上班日期：{line}")
                for item in found:
                    if item.when is None:
                        problems.append(item.problem)
                    elif item.when.weekday() < 5:
                        # A weekday is a working day anyway; naming it as 调休上班 means a typo.
                        problems.append(
                            f"{name}：{_show(item.when)}是星期"
                            f"{_WEEKDAY_NAMES[item.when.weekday()]}，本来就是工作日，"
                            f"不是调休上班日：{line}"
                        )
                    else:
                        workdays.append(item.when)
            elif any(item.when is not None for item in _read_dates(clause, year, line)):
                # A date that is neither a day off nor a working day would be silently lost.
                problems.append(f"{name}：无法判断「{clause.strip()}」是放假还是上班：{line}")
    return periods, workdays


# Words after a date that make it a day off: 「放假」, 「补休」 (2017), 「与周末连休」 (2024 端午).
_REST_MARKS = ("放假", "补休", "与周末连休", "连休", "休息")


def _is_signature(clause: str) -> bool:
    """The issuing office and date that close the notice (「国务院办公厅2020年11月25日」)."""
    return "办公厅" in clause or "国务院" in clause


def _rest_mark(clause: str) -> str | None:
    """The earliest day-off word in the clause, if any."""
    found = [(clause.index(m), m) for m in _REST_MARKS if m in clause]
    return min(found)[1] if found else None


def _items(text: str) -> Iterator[tuple[str, str, str]]:
    """(name, normalised body, item as pasted) of each item like 「二、春节：…」.

    Lines wrapped inside an item (text copied out of a PDF) are joined back until the item ends
    with 。, so a date split across two lines is still read. Problems quote the item as pasted,
    so the admin can find it in the original notice.
    """
    current: list[tuple[str, str]] = []
    for raw in text.splitlines():
        original = raw.strip()
        line = unicodedata.normalize("NFKC", original).strip()
        match = _ITEM_RE.match(line) if line else None
        if match and _looks_like_item(match.group("body")):
            if current:
                yield _split_item(current)
            current = [(line, original)]
        elif current and line and not current[-1][0].endswith("。"):
            current.append((line, original))
        elif current:
            yield _split_item(current)
            current = []
    if current:
        yield _split_item(current)


def _looks_like_item(body: str) -> bool:
    return "放假" in body or "上班" in body or _DATE_RE.search(body) is not None


def _split_item(lines: list[tuple[str, str]]) -> tuple[str, str, str]:
    joined = "".join(line for line, _ in lines)
    match = _ITEM_RE.match(joined)
    if match is None:  # the first line matched on its own, so the joined text always does
        raise AssertionError(joined)
    return match.group("name").strip(), match.group("body"), "".join(o for _, o in lines)


def read_notice_file(path: Path) -> str:
    """A notice saved as text: UTF-8 (with or without BOM) or GB18030, at most 2 MB."""
    if not path.is_file():
        raise ValidationError(f"文件不存在：{path}")
    if path.stat().st_size > MAX_NOTICE_BYTES:
        raise ValidationError(f"文件过大：{path.name}（通知文本不应超过 2 MB）")
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(f"无法识别文件编码：{path.name}（请保存为 UTF-8 或 GB18030 文本）")


def parse_holiday_notice(text: str, year: int) -> HolidayNotice:
    """Parse a 国务院办公厅关于YYYY年部分节假日安排的通知 into holidays and make-up working days.

    Accepts full- and half-width punctuation, 周X and 星期X. Raises :class:`ValidationError` when no
    item is recognised, and lists every line whose dates contradict themselves (a day count that
    does not match the range, a weekday that does not match the date, a holiday date that is also
    a working day) instead of storing a half-right arrangement.
    """
    problems: list[str] = []

    title = _TITLE_YEAR_RE.search(unicodedata.normalize("NFKC", text))
    if title and int(title.group("y")) != year:
        problems.append(f"通知标题是{title.group('y')}年的安排，而导入的年份是{year}年")

    periods: list[HolidayPeriod] = []
    workdays: list[date] = []
    for name, body, line in _items(text):
        found_periods, found_workdays = _parse_item(name, body, year, line, problems)
        periods.extend(found_periods)
        workdays.extend(found_workdays)

    # A notice for year Y reaches back only into 12月 of Y-1 (a 元旦 holiday or its make-up day);
    # any other year is a typo that would silently change another year's deadlines.
    for d in [p.start for p in periods] + [p.end for p in periods] + workdays:
        if d.year not in (year - 1, year):
            problems.append(f"{_show(d)}不属于{year}年的节假日安排")

    holiday_dates = {d for p in periods for d in p.dates()}
    for d in sorted(holiday_dates.intersection(workdays)):
        problems.append(f"{_show(d)}既是放假日又是上班日")

    if problems:
        problems = list(dict.fromkeys(problems))  # one bad date can be met twice
        raise ValidationError(
            f"{year}年节假日安排通知中有{len(problems)}处无法识别或前后矛盾，请核对后重新导入。",
            problems=problems,
            year=year,
        )
    if not periods and not workdays:
        raise ValidationError(
            f"没有识别出任何节假日安排。请粘贴国务院办公厅关于{year}年部分节假日安排的通知全文，"
            "其中应有形如「二、春节：2月11日至17日放假调休，共7天。2月7日（星期日）上班。」的条目。",
            year=year,
        )
    logger.debug("parsed %d holidays and %d make-up days for %d", len(periods), len(workdays), year)
    return HolidayNotice(
        year=year,
        holidays=tuple(sorted(periods, key=lambda p: p.start)),
        workdays=tuple(sorted(set(workdays))),
    )
