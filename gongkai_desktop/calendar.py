"""Working days (工作日) and the State Council holiday notice parser.

A working day is Monday–Friday that is not a statutory holiday, plus the weekend days designated as
make-up working days (调休上班日). The data comes from the ``chinesecalendar`` package, overridden by
the admin's own entries in the database. A year that neither source covers is refused with
:class:`CalendarMissing`: guessing "plain weekends" would quietly produce wrong statutory deadlines.

Deadlines follow the law's 「自…之日起N个工作日内」: the start day is not counted, and the deadline is the
N-th working day strictly after it (see :meth:`WorkingCalendar.working_day_after`).

The admin adds a year by pasting the 国务院办公厅关于YYYY年部分节假日安排的通知 (or giving it as a text
file, read by :func:`read_notice_file`); :mod:`gongkai_desktop.notices` turns it into a
:class:`HolidayNotice` to show for confirmation and store with the notice it came from.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache

from chinese_calendar import constants as _cc

from gongkai_desktop.errors import CalendarMissing, ValidationError
from gongkai_desktop.notices import (
    MAX_NOTICE_BYTES,
    HolidayNotice,
    HolidayPeriod,
    parse_amendment,
    parse_holiday_notice,
    read_notice_file,
)

logger = logging.getLogger(__name__)

__all__ = [
    "MAX_NOTICE_BYTES",
    "HolidayNotice",
    "HolidayPeriod",
    "WorkingCalendar",
    "builtin_years",
    "builtin_periods",
    "parse_amendment",
    "parse_holiday_notice",
    "read_notice_file",
]



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



_BUILTIN_FESTIVALS = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}


def builtin_periods(year: int) -> dict[str, HolidayPeriod]:
    """The festivals' holiday periods of a year as ``chinesecalendar`` has them (the days named
    for the festival that fall in the year), for reading an amendment to a built-in year."""
    spans: dict[str, list[date]] = {}
    for d, holiday in _cc.holidays.items():
        name = _BUILTIN_FESTIVALS.get(str(holiday))
        if name is not None and d.year == year:
            spans.setdefault(name, []).append(d)
    return {name: HolidayPeriod(name, min(days), max(days)) for name, days in spans.items()}
