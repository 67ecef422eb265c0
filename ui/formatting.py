"""How dates, times and sizes are written on screen (Chinese conventions, local time)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

log = logging.getLogger(__name__)

WEEKDAYS = "一二三四五六日"


def long_date(d: date) -> str:
    """2026年3月5日 星期四"""
    return f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}"


def short_date(d: date | None) -> str:
    return d.isoformat() if d else ""


def weekday(d: date) -> str:
    return f"星期{WEEKDAYS[d.weekday()]}"


def local_from_utc(value: datetime | str | None) -> datetime | None:
    """A naive-UTC datetime (as the database stores it) or an ISO text ending in Z, in local time."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone().replace(tzinfo=None)


def local_time(value: datetime | str | None, seconds: bool = False) -> str:
    local = local_from_utc(value)
    if local is None:
        return ""
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    if size < 1024**3:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{size / 1024**3:.2f} GB"
