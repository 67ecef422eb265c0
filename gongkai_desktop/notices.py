"""The State Council holiday notices (国务院办公厅关于YYYY年部分节假日安排的通知) and their amendments.

Only the numbered festival lines make days, and in them only the sentences with a 放假 / 补休 /
上班 clause: 「二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。」.
Every other sentence — the preamble, the closing paragraph, and a sentence inside a festival line
that only encourages a day off (2024: 「鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）
休息」) — makes no day and is listed in :attr:`HolidayNotice.unused` so the admin sees what was left
out. A year's notice must cover all seven festivals (:data:`FESTIVALS`); :meth:`HolidayNotice.
missing_festivals` names those it does not.

An amendment (2020: 「延长2020年春节假期至2月2日（农历正月初九，星期日），2月3日（星期一）起正常
上班」) is read against the festival's original period (:func:`parse_amendment`) and kept apart
from the notice it amends.

Before either is read, invisible format characters are taken out of the text and the year it
states is held against the year imported (:mod:`gongkai_desktop.notice_text`).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from .errors import ValidationError
from .notice_text import (
    FESTIVALS,
    NUMBERED_RE,
    read_head,
    require_days_off_in_year,
    without_format_chars,
)
from .notice_text import show_date as _show

logger = logging.getLogger(__name__)

MAX_NOTICE_BYTES = 2_000_000

NOTICE = "notice"
AMENDMENT = "amendment"
KIND_LABELS = {NOTICE: "节假日安排通知", AMENDMENT: "调整通知"}

_WEEKDAY_NAMES = "一二三四五六日"


@dataclass(frozen=True)
class HolidayPeriod:
    """One holiday of a notice: every day from ``start`` to ``end`` inclusive is a day off."""

    name: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"holiday {self.name!r} ends before it starts")
        # A name typed by hand is held to what a parsed one is: no invisible format characters.
        object.__setattr__(self, "name", without_format_chars(self.name))

    def dates(self) -> tuple[date, ...]:
        """Every date of the period, weekend days included."""
        count = (self.end - self.start).days + 1
        return tuple(self.start + timedelta(days=i) for i in range(count))

    def festivals(self) -> tuple[str, ...]:
        """The festivals this period is for: 「中秋节、国庆节」 is for both."""
        return tuple(f for f in FESTIVALS if f in self.name)


@dataclass(frozen=True)
class HolidayNotice:
    """The holidays and make-up working days (调休上班日) of one notice.

    ``kind`` is :data:`NOTICE` (a year's arrangement) or :data:`AMENDMENT` (a later notice that
    changes it). ``unused`` are the sentences that made no day; ``by_hand`` describes what the
    admin added before saving. Neither takes part in equality: two pastes of the same notice with
    other punctuation are the same arrangement.
    """

    year: int
    holidays: tuple[HolidayPeriod, ...]
    workdays: tuple[date, ...]
    kind: str = NOTICE
    title: str = field(default="", compare=False)
    unused: tuple[str, ...] = field(default=(), compare=False)
    by_hand: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", without_format_chars(self.title))
        object.__setattr__(self, "unused", tuple(map(without_format_chars, self.unused)))
        object.__setattr__(self, "by_hand", tuple(map(without_format_chars, self.by_hand)))

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

    def day_names(self) -> dict[date, str]:
        """The festival each day belongs to (「调休上班」 for a make-up day)."""
        names = {d: p.name for p in self.holidays for d in p.dates()}
        names.update((d, "调休上班") for d in self.workdays)
        return names

    def missing_festivals(self) -> tuple[str, ...]:
        """Festivals a year's notice does not arrange (always empty for an amendment)."""
        if self.kind != NOTICE:
            return ()
        covered = {f for p in self.holidays for f in p.festivals()}
        return tuple(f for f in FESTIVALS if f not in covered)

    def with_days(
        self, period: HolidayPeriod | None, workdays: Iterable[date] = ()
    ) -> HolidayNotice:
        """The notice with a holiday and make-up days the admin added by hand.

        Refused when a date leaves the notice's reach (December of the year before to December of
        the year) or when a day would be both a holiday and a working day.
        """
        periods = list(self.holidays) + ([period] if period is not None else [])
        days = sorted(set(self.workdays) | set(workdays))
        problems = _reach_problems(self.year, periods, days)
        holiday_dates = {d for p in periods for d in p.dates()}
        problems += [f"{_show(d)}既是放假日又是上班日" for d in days if d in holiday_dates]
        problems += [
            f"{_show(d)}是星期{_WEEKDAY_NAMES[d.weekday()]}，本来就是工作日，不是调休上班日"
            for d in workdays
            if d.weekday() < 5
        ]
        if problems:
            raise ValidationError("补充的日期有误：" + "；".join(problems), problems=problems)
        added = list(self.by_hand)
        if period is not None:
            added.append(f"手工补充：{period.name} {_show(period.start)}至{_show(period.end)}放假")
        added += [f"手工补充：{_show(d)}调休上班" for d in workdays]
        return replace(
            self,
            holidays=tuple(sorted(periods, key=lambda p: p.start)),
            workdays=tuple(days),
            by_hand=tuple(added),
        )


def require_complete(notice: HolidayNotice) -> None:
    """Refuse a year's notice that does not arrange all seven festivals, naming the missing ones."""
    missing = notice.missing_festivals()
    if missing:
        raise ValidationError(
            f"{notice.year}年节假日安排通知缺少以下节日的安排：{'、'.join(missing)}。"
            "请粘贴通知全文，或在导入界面手工补充这些节日的放假日期后再保存。",
            missing=list(missing),
            year=notice.year,
        )


_ITEM_RE = re.compile(r"^(?P<name>[^:,;。]{1,20}?)\s*:\s*(?P<body>.*)$")
_DATE_RE = re.compile(
    r"(?:(?P<y>\d{4})\s*年\s*)?(?:(?P<m>\d{1,2})\s*月\s*)?(?P<d>\d{1,2})\s*日"
    r"(?:\s*\((?P<note>[^()]*)\))?"
)
_WEEKDAY_RE = re.compile(r"(?:周|星期|礼拜)(?P<w>[一二三四五六日天])")
_WEEKDAY_INDEX = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_RANGE_SEP_RE = re.compile(r"^\s*(?:至|到|-|~|—|–)\s*$")
_COUNT_RE = re.compile(r"(?:共|放假)\s*(?P<n>\d+)\s*天")
_SENTENCE_RE = re.compile(r"[^。;；.．]+[。;；.．]?")
_EXTENSION_RE = re.compile(
    r"延长\s*(?:(?P<y>\d{4})\s*年\s*)?(?P<f>" + "|".join(FESTIVALS) + r")\s*假期\s*至\s*(?P<end>.+)"
)
# Words that make a sentence of a festival line an arrangement (放假调休 contains 放假).
_ARRANGING_WORDS = ("放假", "补休", "上班")
# Words after a date that make it a day off: 「放假」, and 「补休」 (2017: 「1月2日（星期一）补休」).
_REST_MARKS = ("放假", "补休")


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


def _make_up_days(name: str, clause: str, year: int, line: str, problems: list[str]) -> list[date]:
    """The 调休上班 dates of a 「…上班」 clause; a weekday there is a typo and is reported."""
    found = _read_dates(clause[: clause.index("上班")], year, line)
    if not found:
        problems.append(f"{name}：找不到上班日期：{line}")
    days: list[date] = []
    for item in found:
        if item.when is None:
            problems.append(item.problem)
        elif item.when.weekday() < 5:
            problems.append(
                f"{name}：{_show(item.when)}是星期{_WEEKDAY_NAMES[item.when.weekday()]}，"
                f"本来就是工作日，不是调休上班日：{line}"
            )
        else:
            days.append(item.when)
    return days


def _parse_sentence(
    name: str, sentence: str, year: int, line: str, problems: list[str]
) -> tuple[list[HolidayPeriod], list[date]]:
    """Holidays and make-up days of one arranging sentence of a festival line."""
    periods: list[HolidayPeriod] = []
    workdays: list[date] = []
    clauses = _clauses(sentence.rstrip("。;."))
    for index, clause in enumerate(clauses):
        rest_mark = _rest_mark(clause)
        if rest_mark is not None and rest_mark != "放假" and not _read_dates(clause, year, line):
            continue  # 「…放假，补休」 without a date of its own: the dates stand before
        if rest_mark is not None:
            cut = clause.index(rest_mark)
            period = _parse_period(name, clause[:cut], year, line, problems)
            if period is None:
                continue
            # 「共N天」 follows in the same sentence, or 「放假1天」 in the same clause.
            count = _COUNT_RE.search(",".join([clause[cut:], *clauses[index + 1 :]]))
            days = (period.end - period.start).days + 1
            if count and int(count.group("n")) != days:
                problems.append(
                    f"{name}：{_show(period.start)}至{_show(period.end)}是{days}天，"
                    f"与通知所写「{count.group(0)}」不符：{line}"
                )
                continue
            periods.append(period)
        elif "上班" in clause and "不上班" not in clause:
            workdays.extend(_make_up_days(name, clause, year, line, problems))
        elif any(item.when is not None for item in _read_dates(clause, year, line)):
            # In a sentence that arranges days, a date that is neither off nor on would be lost.
            problems.append(f"{name}：无法判断「{clause.strip()}」是放假还是上班：{line}")
    return periods, workdays


def _clauses(sentence: str) -> list[str]:
    """The sentence cut at its commas, except those inside brackets (「（农历正月初九，星期日）」)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(sentence):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            parts.append(sentence[start:i])
            start = i + 1
    parts.append(sentence[start:])
    return parts


def _rest_mark(clause: str) -> str | None:
    """The earliest day-off word in the clause, if any."""
    found = [(clause.index(m), m) for m in _REST_MARKS if m in clause]
    return min(found)[1] if found else None


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


@dataclass(frozen=True)
class _Block:
    """A numbered item of the notice (``numbered``) or a run of other text, as normalised text
    and as pasted."""

    numbered: bool
    text: str
    original: str


def _blocks(text: str) -> Iterator[_Block]:
    """The notice cut into numbered items (「二、春节：…」) and the text between them.

    Lines wrapped inside an item (text copied out of a PDF) are joined back until the item ends
    with 。, so a date split across two lines is still read. Problems quote the item as pasted,
    so the admin can find it in the original notice.
    """
    current: list[tuple[str, str]] = []
    numbered = False

    def flush() -> Iterator[_Block]:
        if current:
            yield _Block(numbered, "".join(t for t, _ in current), "".join(o for _, o in current))

    for raw in text.splitlines():
        original = raw.strip()  # the text has no format characters left (see the callers)
        line = unicodedata.normalize("NFKC", original).strip()
        if not line:
            continue
        starts_item = NUMBERED_RE.match(line) is not None
        if starts_item or not numbered or current[-1][0].endswith(("。", ".")):
            yield from flush()
            current = []
            numbered = starts_item
        current.append((line, original))
    yield from flush()


def _reach_problems(
    year: int, periods: Iterable[HolidayPeriod], workdays: Iterable[date]
) -> list[str]:
    # A notice for year Y reaches back only into 12月 of Y-1 (a 元旦 holiday or its make-up day);
    # any other date is a typo that would silently change another year's deadlines.
    dates = [d for p in periods for d in (p.start, p.end)] + list(workdays)
    return [
        f"{_show(d)}不属于{year}年的节假日安排"
        for d in dates
        if not (d.year == year or (d.year == year - 1 and d.month == 12))
    ]


def _finish(
    year: int,
    kind: str,
    title: str,
    periods: list[HolidayPeriod],
    workdays: list[date],
    unused: list[str],
    problems: list[str],
) -> HolidayNotice:
    problems += _reach_problems(year, periods, workdays)
    holiday_dates = {d for p in periods for d in p.dates()}
    problems += [
        f"{_show(d)}既是放假日又是上班日" for d in sorted(holiday_dates.intersection(workdays))
    ]
    if problems:
        problems = list(dict.fromkeys(problems))  # one bad date can be met twice
        raise ValidationError(
            f"{year}年{'' if kind == NOTICE else '节假日'}{KIND_LABELS[kind]}中有{len(problems)}处"
            "无法识别或前后矛盾，请核对后重新导入。",
            problems=problems,
            year=year,
        )
    notice = HolidayNotice(
        year=year,
        holidays=tuple(sorted(periods, key=lambda p: p.start)),
        workdays=tuple(sorted(set(workdays))),
        kind=kind,
        title=title,
        unused=tuple(s for s in unused if s != title),
    )
    logger.debug(
        "parsed %s of %d: %d holidays, %d make-up days", kind, year, len(periods), len(workdays)
    )
    return notice


def parse_holiday_notice(text: str, year: int) -> HolidayNotice:
    """Parse a 国务院办公厅关于YYYY年部分节假日安排的通知 into holidays and make-up working days.

    Accepts full- and half-width punctuation, 周X and 星期X. Raises :class:`ValidationError` when no
    festival line is recognised, and lists every line whose dates contradict themselves (a day count
    that does not match the range, a weekday that does not match the date, a holiday date that is
    also a working day) instead of storing a half-right arrangement. Whether all seven festivals
    are there is :meth:`HolidayNotice.missing_festivals`'s question, asked before storing.

    A notice whose title or first paragraph states another year is refused before its lines are
    read; one that states no year is refused when all its days off fall in another year.
    Invisible format characters are taken out first (春节 with a U+202E inside reads as 春节).
    """
    text = without_format_chars(text)
    head = read_head(text, year)
    problems: list[str] = []
    periods: list[HolidayPeriod] = []
    workdays: list[date] = []
    unused: list[str] = []
    for block in _blocks(text):
        numbered = NUMBERED_RE.match(block.text) if block.numbered else None
        item = _ITEM_RE.match(numbered.group("rest")) if numbered else None
        name = item.group("name").strip() if item else ""
        if item is None or not any(f in name for f in FESTIVALS):
            unused += _sentences(block.original)
            continue
        sentences = _sentences(item.group("body"))
        as_pasted = _sentences(re.split(r"[：:]", block.original, maxsplit=1)[-1])
        if len(as_pasted) != len(sentences):
            as_pasted = sentences
        for sentence, pasted in zip(sentences, as_pasted, strict=True):
            if not any(word in sentence for word in _ARRANGING_WORDS):
                unused.append(f"{name}：{pasted}")
                continue
            found_periods, found_workdays = _parse_sentence(
                name, sentence, year, block.original, problems
            )
            periods += found_periods
            workdays += found_workdays
    if not head.stated:
        require_days_off_in_year(periods, year)
    if not periods and not workdays and not problems:
        raise ValidationError(
            f"没有识别出任何节假日安排。请粘贴国务院办公厅关于{year}年部分节假日安排的通知全文，"
            "其中应有形如「二、春节：2月11日至17日放假调休，共7天。2月7日（星期日）上班。」的条目。",
            year=year,
        )
    return _finish(year, NOTICE, head.title, periods, workdays, unused, problems)


def parse_amendment(text: str, year: int, originals: Mapping[str, HolidayPeriod]) -> HolidayNotice:
    """Parse a notice that extends a festival's holiday (2020: 「延长2020年春节假期至2月2日…，
    2月3日（星期一）起正常上班」).

    ``originals`` are the festivals' periods as the year's arrangement has them; the extension
    makes every day after the original end up to the new end a day off (a make-up day among them
    included: 2020-02-01 was to be worked). Other items of the notice make no day and are listed
    as unused. Like a year's notice, it is refused when it states another year.
    """
    text = without_format_chars(text)
    title = read_head(text, year, amendment=True).title
    problems: list[str] = []
    periods: list[HolidayPeriod] = []
    unused: list[str] = []
    for block in _blocks(text):
        sentences = _sentences(block.text)
        as_pasted = _sentences(block.original)
        if len(as_pasted) != len(sentences):
            as_pasted = sentences
        for sentence, pasted in zip(sentences, as_pasted, strict=True):
            extension = _EXTENSION_RE.search(sentence)
            if not block.numbered or extension is None:
                unused.append(pasted)
                continue
            period = _extension(extension, year, originals, block.original, problems)
            if period is not None:
                periods.append(period)
    if not periods and not problems:
        raise ValidationError(
            f"没有识别出延长假期的安排。调整通知中应有形如「一、延长{year}年春节假期至2月2日"
            "（星期日），2月3日（星期一）起正常上班。」的条目。",
            year=year,
        )
    return _finish(year, AMENDMENT, title, periods, [], unused, problems)


def _extension(
    match: re.Match[str],
    year: int,
    originals: Mapping[str, HolidayPeriod],
    line: str,
    problems: list[str],
) -> HolidayPeriod | None:
    festival = match.group("f")
    if match.group("y") is not None and int(match.group("y")) != year:
        problems.append(f"延长的是{match.group('y')}年的假期，而导入的年份是{year}年：{line}")
        return None
    original = originals.get(festival)
    if original is None:
        problems.append(
            f"找不到{year}年{festival}原来的放假安排，请先导入{year}年节假日安排通知：{line}"
        )
        return None
    clauses = _clauses(match.group("end"))
    found = _read_dates(clauses[0], year, line)
    ends = [item for item in found if item.when is not None]
    problems += [item.problem for item in found if item.when is None]
    if not ends:
        if not problems:
            problems.append(f"{festival}：找不到延长后的放假结束日期：{line}")
        return None
    end = ends[0].when
    assert end is not None
    if end <= original.end:
        problems.append(
            f"{festival}：延长后的结束日期{_show(end)}不晚于原结束日期{_show(original.end)}：{line}"
        )
        return None
    for clause in clauses[1:]:
        if "上班" in clause:
            back = [item.when for item in _read_dates(clause, year, line) if item.when is not None]
            if back and back[0] <= end:
                problems.append(
                    f"{festival}：恢复上班日期{_show(back[0])}不在延长后的假期之后：{line}"
                )
    return HolidayPeriod(f"{festival}（延长）", original.end + timedelta(days=1), end)


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
