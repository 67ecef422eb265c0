"""Cells of untrusted workbooks: each ``parse_*_cell`` turns a cell's value into a Python value
or raises ``ValueError`` with a Chinese reason (``RowErrors`` in ``xlsx_safety`` collects them).

Every column has a range: numbers beyond it, text longer than its column and dates outside
1900–2100 are refused, never cut or wrapped, so no value reaches the clock or the database that
would overflow either.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from ..reports.excel._text import MAX_CELL_CHARS, unguard_text


def is_blank(value: object) -> bool:
    """An empty cell: None or only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


_TIME_SUFFIX = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATE_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME_SUFFIX),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})" + _TIME_SUFFIX),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
)
_DATE_FORMS = "2021-03-15、2021/3/15 或 2021年3月15日"
MIN_YEAR, MAX_YEAR = 1900, 2100


def parse_date_cell(value: object) -> dt.date:
    """A date from a real Excel date or the text ``YYYY-MM-DD``, ``YYYY/M/D``, ``YYYY年M月D日``.

    Full-width digits and punctuation are accepted. Bare numbers are refused rather than read as
    Excel serial numbers, which would silently turn ``2021`` into a date in 1905.
    """
    if isinstance(value, dt.datetime):
        return _check_year(value.date(), str(value.date()))
    if isinstance(value, dt.date):
        return _check_year(value, str(value))
    if is_blank(value):
        raise ValueError("不能为空")
    if isinstance(value, bool) or isinstance(value, int | float | Decimal):
        raise ValueError(f"「{_number_text(value)}」是数字而不是日期，请填写日期，如 {_DATE_FORMS}")
    if not isinstance(value, str):
        raise ValueError(f"应为日期，如 {_DATE_FORMS}")
    text = _text(value)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                parsed = dt.date(year, month, day)
            except ValueError:
                raise ValueError(f"日期「{value.strip()}」不存在") from None
            return _check_year(parsed, value.strip())
    raise ValueError(f"「{value.strip()}」不是可识别的日期，应填写如 {_DATE_FORMS}")


def _check_year(value: dt.date, shown: str) -> dt.date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"日期「{shown}」的年份超出 {MIN_YEAR}—{MAX_YEAR} 的范围")
    return value


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def text_cell(value: object) -> str:
    """A text column: numbers typed into it (a 文号 like 12) come back as 12, not 12.0.

    The apostrophe the exports put before text starting with ``=`` ``+`` ``-`` ``@`` is dropped.
    """
    if value is None:
        return ""
    return unguard_text(_number_text(value).strip())


def parse_text_cell(value: object, max_chars: int = MAX_CELL_CHARS) -> str:
    """A text column of at most ``max_chars`` characters: longer text is refused, never cut."""
    text = text_cell(value)
    if len(text) > max_chars:
        raise ValueError(f"不能超过 {max_chars} 个字符（实际 {len(text)} 个）")
    return text


# Every whole-number column has a range; this is the widest any column allows.
MAX_INT = 1_000_000_000


def parse_int_cell(value: object, *, minimum: int | None = 0, maximum: int = MAX_INT) -> int:
    """A whole number from a number cell (``3`` or ``3.0``) or text such as ``"3"``/``"1,200"``.

    By default negative numbers are refused (counts and working days); pass ``minimum=None`` to
    allow them. Numbers above ``maximum`` (at most ``MAX_INT``) are refused as well, so that a
    value such as 1e30 is a row error and never reaches the clock or the database.
    """
    if is_blank(value):
        raise ValueError("不能为空")
    if isinstance(value, bool):
        raise ValueError("应为整数")
    number: int
    if isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal):
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        if not finite or value != int(value):
            raise ValueError(f"应为整数，实际为「{_shown(_number_text(value))}」")
        number = int(value)
    elif isinstance(value, str):
        text = _text(value).replace(",", "")
        if not re.fullmatch(r"[+-]?\d+(?:\.0+)?", text):
            raise ValueError(f"应为整数，实际为「{_shown(value)}」")
        digits = text.split(".")[0]
        if len(digits.lstrip("+-0")) > 18:
            raise ValueError(f"数值过大，不能大于 {maximum}")
        number = int(digits)
    else:
        raise ValueError("应为整数")
    if minimum is not None and number < minimum:
        raise ValueError(f"不能小于 {minimum}，实际为 {_shown(number)}")
    if number > min(maximum, MAX_INT):
        raise ValueError(f"不能大于 {min(maximum, MAX_INT)}，实际为 {_shown(number)}")
    return number


def _shown(value: object, limit: int = 30) -> str:
    """A cell value in a message, cut to ``limit`` characters (a huge number stays readable)."""
    text = str(value).strip()
    return text if len(text) <= limit else text[:limit] + "…"


_CENT = Decimal("0.01")
MAX_MONEY = Decimal("1000000")


def parse_money_cell(value: object, maximum: Decimal = MAX_MONEY) -> Decimal:
    """A non-negative amount in yuan with at most two decimals, as ``Decimal`` (e.g. ``12.50``).

    Number cells and text such as ``"1,200.5"``, ``"¥30"`` or ``"30元"`` are accepted; amounts
    above ``maximum`` yuan are refused.
    """
    if is_blank(value):
        raise ValueError("不能为空")
    if isinstance(value, bool):
        raise ValueError("应为金额（数字）")
    amount: Decimal
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("应为金额（数字）")
        if value > maximum:
            raise ValueError(f"金额不能超过 {maximum} 元，实际为 {_shown(value)}")
        amount = Decimal(repr(value))
        # A value computed in Excel may carry binary noise such as 0.30000000000000004.
        if abs(amount - amount.quantize(_CENT)) < Decimal("1e-9"):
            amount = amount.quantize(_CENT)
    elif isinstance(value, str):
        text = _text(value).replace(",", "").replace(" ", "")
        text = text.removeprefix("¥").removesuffix("元")
        try:
            amount = Decimal(text) if len(text) <= 40 else Decimal("NaN")
        except InvalidOperation:
            raise ValueError(f"应为金额（数字），实际为「{_shown(value)}」") from None
    else:
        raise ValueError("应为金额（数字）")
    if not amount.is_finite():
        raise ValueError("应为金额（数字）")
    if amount > maximum:
        raise ValueError(f"金额不能超过 {maximum} 元，实际为 {_shown(amount)}")
    if amount < 0:
        raise ValueError(f"金额不能为负数，实际为 {_shown(amount)}")
    if amount != amount.quantize(_CENT):
        raise ValueError(f"金额最多两位小数，实际为 {amount}")
    return amount.quantize(_CENT)


def parse_choice_cell(value: object, choices: Sequence[str]) -> str:
    """The one of ``choices`` the cell holds (surrounding spaces and full-width forms ignored)."""
    if is_blank(value):
        raise ValueError("不能为空")
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        text = _number_text(value)
    else:
        text = str(value).strip()
    if text in choices:
        return text
    normalized = _text(text)
    for choice in choices:
        if _text(choice) == normalized:
            return choice
    shown = "、".join(choices[:12]) + (f" 等 {len(choices)} 项" if len(choices) > 12 else "")
    raise ValueError(f"「{text}」不是可选值，可选：{shown}")


def split_multi(value: object, sep: str = "、") -> list[str]:
    """Split a multi-value cell (``门户网站、政务新媒体``) into trimmed, distinct, non-empty parts."""
    if is_blank(value):
        return []
    parts: list[str] = []
    for part in str(value).split(sep):
        item = part.strip()
        if item and item not in parts:
            parts.append(item)
    return parts
