"""Checks of values many records share: a web link, a 文号, a date that cannot lie ahead.

- 链接 is the address of a published page: ``http://`` or ``https://`` followed by a host.
- 文号 (GB/T 9704 发文字号) is 机关代字〔年份〕序号号, such as 赣乡振规〔2021〕3号; a 规章's number is
  its 令号, such as 省政府令第250号. A text of neither shape is refused; one of the shape written
  in an unusual way (other brackets than 〔〕, 第 or leading zeros before the number, no 机关代字,
  a year far from the present) is accepted with a warning.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

LINK_EXAMPLE = "https://www.example.gov.cn/art/2026/3/15/art_1.html"
NUMBER_EXAMPLE = "赣乡振规〔2021〕3号"

_ORDER = re.compile(r".*令第[1-9]\d*号")
_STRICT = re.compile(r"(?P<org>[^\s〔〕]+)〔(?P<year>\d{4})〕(?P<n>[1-9]\d*)号")
_LOOSE = re.compile(
    r"(?P<org>.*?)\s*(?P<open>[〔\[［(（【〈<])\s*(?P<year>\d{4})\s*(?P<close>[〕\]］)）】〉>])"
    r"\s*(?P<di>第?)\s*(?P<n>\d+)\s*号"
)


def link_problem(link: str) -> str:
    """Why ``link`` is not a web address, in Chinese; empty when it is one (or is empty)."""
    text = link.strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
        return f"「{_short(text)}」不是网址，应以 http:// 或 https:// 开头，如 {LINK_EXAMPLE}"
    return ""


def doc_number_problem(number: str) -> str:
    """Why ``number`` cannot be a 文号, in Chinese; empty when it has the shape of one."""
    text = number.strip()
    if not text or _ORDER.fullmatch(text) or _LOOSE.fullmatch(text):
        return ""
    return (
        f"文号「{_short(text)}」不符合「机关代字〔年份〕序号号」的格式，如 {NUMBER_EXAMPLE}"
        "（规章填写令号，如 省政府令第250号）"
    )


def doc_number_warnings(number: str, on: date | None = None) -> list[str]:
    """What is unusual in a 文号 of the right shape (nothing for a refused or empty one)."""
    text = number.strip()
    match = _LOOSE.fullmatch(text)
    if not text or _ORDER.fullmatch(text) or match is None:
        return []
    warnings = []
    if not match["org"]:
        warnings.append(f"文号「{text}」缺少机关代字，如 {NUMBER_EXAMPLE}")
    if (match["open"], match["close"]) != ("〔", "〕"):
        warnings.append(f"文号「{text}」的年份应使用六角括号〔〕")
    if match["di"] or match["n"].startswith("0"):
        warnings.append(f"文号「{text}」的序号不加「第」、不编虚位，如 3号")
    year = int(match["year"])
    this_year = (on or today()).year
    if not 1949 <= year <= this_year + 1:
        warnings.append(f"文号「{text}」的年份 {year} 不寻常，请核对")
    if not warnings and _STRICT.fullmatch(text) is None:
        warnings.append(f"文号「{text}」含有多余的空格")
    return warnings


def today() -> date:
    """The day the checks take as today (a test of a year's end sets another)."""
    return date.today()


def future_problem(label: str, value: date | None, on: date | None = None) -> str:
    """``label`` may not lie after today, or ``on`` (a record of what has already happened)."""
    today_ = on or today()
    if value is not None and value > today_:
        return f"{label}（{value.isoformat()}）晚于今天（{today_.isoformat()}），不能是将来的日期"
    return ""


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:60] + "…"
