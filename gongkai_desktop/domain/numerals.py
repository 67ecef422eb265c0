"""Chinese numerals as headings and list numbers print them: 一, 二, … 十, 十一, … 九十九."""

from __future__ import annotations

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """一, 二, … 十, 十一, … 九十九: the numerals of ``一、`` and ``（一）`` headings."""
    if not 0 < n < 100:
        raise ValueError(f"heading numbers run from 1 to 99, not {n}")
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[units] if units else "")
