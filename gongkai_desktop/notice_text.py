"""A holiday notice's text before its items are read: invisible format characters taken out, and
the year the notice states in its title and first paragraph.

A notice copied out of a web page or a PDF can carry characters that show nothing: bidi
embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), zero-width spaces, joiners and
direction marks (U+200B–U+200F, U+2060), a byte-order mark (U+FEFF), a soft hyphen. 春节 with a
U+202E between its characters looks like 春节 but is not the festival, and 2月10日 with a U+200B
after the 2 is no date, so they are taken out (:func:`without_format_chars`) before anything is
read or kept.

A year's notice names its year before the numbered items — 「国务院办公厅关于2025年部分节假日安排的
通知」, 「现将2025年元旦、春节……放假调休日期的具体安排通知如下」 — and an amendment likewise
(「关于延长2020年春节假期的通知」). That stated year, not the dates, says which year the notice is
for: the 2026 notice legitimately sets 31 December 2025 as 元旦.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .errors import ValidationError

if TYPE_CHECKING:
    from .notices import HolidayPeriod

# The seven statutory festivals every year's notice arranges (《全国年节及纪念日放假办法》).
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")

# After NFKC normalisation full-width digits, colons, commas and brackets are ASCII; 。 and 、 stay.
NUMBERED_RE = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、,.]\s*(?P<rest>.*)$")

_YEAR = r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})\s*年"
_TITLE_RE = re.compile(r"关于\s*(?:延长\s*)?" + _YEAR + r"[^。:]{0,12}?(?:节假日安排|假期)")
# A year followed by what the notice arranges: the title's 「2025年部分节假日」, the first paragraph's
# 「2025年元旦、春节」, an amendment's 「延长2020年春节假期」. Not the 文号 (〔2024〕) or the date of issue.
_STATED_RE = re.compile(_YEAR + r"\s*(?:部分节假日|" + "|".join(FESTIVALS) + ")")
_CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
# The title and the first paragraph come within a notice's first lines; no further line is read
# for a stated year.
_HEAD_LINES = 12


def show_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _span(start: date, end: date) -> str:
    return show_date(start) if start == end else f"{show_date(start)}至{show_date(end)}"


def without_format_chars(text: str) -> str:
    """The text without Unicode format characters (category Cf), which a notice never needs."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def normalised_line(raw: str) -> str:
    """A line as the parser reads it: no format characters, NFKC (full-width to ASCII), stripped."""
    return unicodedata.normalize("NFKC", without_format_chars(raw)).strip()


@dataclass(frozen=True)
class NoticeHead:
    """What the notice says before its first numbered item: its title (wrapped lines joined back)
    and the years it states, each with the text that states it."""

    title: str
    stated: tuple[tuple[int, str], ...]

    def other_year(self, year: int) -> tuple[int, str] | None:
        """The first stated year that is not ``year``, with the text stating it."""
        return next(((y, where) for y, where in self.stated if y != year), None)


def notice_head(text: str) -> NoticeHead:
    """The title and stated years of the lines before the first numbered item.

    The lines are joined without their breaks, so a title wrapped across two lines (text copied
    out of a PDF) is still read; the title kept is every line the title's words touch.
    """
    lines: list[str] = []
    for raw in text.splitlines():
        line = normalised_line(raw)
        if NUMBERED_RE.match(line) or len(lines) >= _HEAD_LINES:
            break
        if line:
            lines.append(line)
    head = "".join(lines)
    starts = [sum(len(line) for line in lines[:i]) for i in range(len(lines))]

    def lines_of(start: int, end: int) -> str:
        touched = [
            line for line, s in zip(lines, starts, strict=True) if s < end and s + len(line) > start
        ]
        return "".join(touched)

    title_match = _TITLE_RE.search(head)
    title = lines_of(*title_match.span()) if title_match else ""
    stated = tuple(
        (int(m.group("y").translate(_CHINESE_DIGITS)), lines_of(*m.span()))
        for m in _STATED_RE.finditer(head)
    )
    return NoticeHead(title, stated)


def read_head(text: str, year: int, amendment: bool = False) -> NoticeHead:
    """The head of a notice imported as ``year``'s; refused, naming both years, when it states
    another year."""
    head = notice_head(text)
    other = head.other_year(year)
    if other is None:
        return head
    stated, where = other
    if amendment:
        message = (
            f"这份调整通知是{stated}年的，而导入的年份是{year}年。"
            f"请把导入年份改为{stated}年，或改用{year}年的调整通知。"
        )
    else:
        message = (
            f"这份通知是{stated}年的节假日安排，而导入的年份是{year}年。请把导入年份改为"
            f"{stated}年，或粘贴国务院办公厅关于{year}年部分节假日安排的通知。"
        )
    raise ValidationError(
        message, problems=[f"通知写明{stated}年：{where}"], year=year, stated_year=stated
    )


def require_days_off_in_year(periods: Sequence[HolidayPeriod], year: int) -> None:
    """The festival lines of a notice that states no year: refused when all their days off fall
    in another year (the lines then give their own year, as 「2025年1月1日」)."""
    years = Counter(d.year for p in periods for d in p.dates())
    if not years or year in years:
        return
    other = years.most_common(1)[0][0]
    raise ValidationError(
        f"通知没有写明年份，其中的放假日期都在{other}年，而导入的年份是{year}年。"
        f"请把导入年份改为{other}年，或粘贴国务院办公厅关于{year}年部分节假日安排的通知全文。",
        problems=[f"{p.name}：{_span(p.start, p.end)}放假" for p in periods],
        year=year,
        stated_year=None,
    )
