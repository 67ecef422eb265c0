"""节假日: the working-day calendar from chinesecalendar plus the database's own arrangements.

Three layers decide a day, each over the one before: ``chinesecalendar``; the stored notices
(years' arrangements in year order, then amendments in the order they were stored), each with
its own days; and the days the admin marked by hand. Re-importing one notice replaces only its
own days, so the 31 December that next year's notice made a holiday survives a re-import of this
year, and an amendment survives a re-import of the notice it amends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, delete, select
from sqlalchemy.orm import Session

from ..calendar import WorkingCalendar, builtin_periods, builtin_years
from ..db.engine import Database
from ..db.models import HolidayNotice as NoticeRow
from ..db.models import HolidayNoticeDay, HolidayOverride, HolidayYear
from ..domain.permissions import Action
from ..errors import ValidationError
from ..notice_text import without_format_chars
from ..notices import (
    AMENDMENT,
    KIND_LABELS,
    NOTICE,
    HolidayNotice,
    HolidayPeriod,
    parse_amendment,
    parse_holiday_notice,
    require_complete,
)
from .base import Service

MANUAL = "manual"
SOURCE_LABELS = {**KIND_LABELS, MANUAL: "手工调整"}


@dataclass(frozen=True)
class OverrideInfo:
    """A day the database sets, where it comes from, and whether a later layer hides it."""

    day: date
    is_workday: bool
    name: str
    source: str = MANUAL
    notice_id: int | None = None

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]


@dataclass(frozen=True)
class StoredNotice:
    id: int
    year: int
    kind: str
    title: str
    days: int
    by_hand: str


def _layers(session: Session) -> Iterator[OverrideInfo]:
    """Every stored day from the lowest layer to the highest (later ones win)."""
    kind_order = case((NoticeRow.kind == NOTICE, 0), else_=1)
    rows = session.execute(
        select(HolidayNoticeDay, NoticeRow.kind)
        .join(NoticeRow, NoticeRow.id == HolidayNoticeDay.notice_id)
        .order_by(kind_order, NoticeRow.year, NoticeRow.id, HolidayNoticeDay.day)
    )
    for day, kind in rows:
        yield OverrideInfo(day.day, day.is_workday, day.name, kind, day.notice_id)
    for o in session.scalars(select(HolidayOverride).order_by(HolidayOverride.day)):
        yield OverrideInfo(o.day, o.is_workday, o.name)


def effective_days(session: Session) -> dict[date, bool]:
    """Each stored day's final status: manual over amendments over notices."""
    return {o.day: o.is_workday for o in _layers(session)}


def arranged_years_of(session: Session) -> list[int]:
    return list(session.scalars(select(HolidayYear.year).order_by(HolidayYear.year)))


def load_calendar(session: Session) -> WorkingCalendar:
    return WorkingCalendar(effective_days(session), arranged_years=arranged_years_of(session))


def calendar_of(db: Database) -> WorkingCalendar:
    with db.read() as session:
        return load_calendar(session)


def calendar_fingerprint(session: Session) -> str:
    """A hash of the holiday data: when it changes, stored deadlines must be recomputed."""
    h = hashlib.sha256()
    for day, working in sorted(effective_days(session).items()):
        h.update(f"{day}:{int(working)};".encode())
    for year in arranged_years_of(session):
        h.update(f"Y{year};".encode())
    return h.hexdigest()


class CalendarService(Service):
    def calendar(self) -> WorkingCalendar:
        return calendar_of(self.db)

    def working_day_after(self, start: date, n: int) -> date:
        return self.calendar().working_day_after(start, n)

    def overrides(self, year: int | None = None) -> list[OverrideInfo]:
        """The days the database sets in ``year`` as they take effect: one row a day, from the
        highest layer that sets it."""
        with self.db.read() as session:
            final: dict[date, OverrideInfo] = {o.day: o for o in _layers(session)}
        rows = sorted(final.values(), key=lambda o: o.day)
        return [o for o in rows if year is None or o.day.year == year]

    def arranged_years(self) -> list[int]:
        with self.db.read() as session:
            return arranged_years_of(session)

    def notices(self, year: int | None = None) -> list[StoredNotice]:
        """The stored notices (a year's arrangement first, then its amendments)."""
        with self.db.read() as session:
            q = select(NoticeRow).order_by(NoticeRow.year, NoticeRow.kind.desc(), NoticeRow.id)
            if year is not None:
                q = q.where(NoticeRow.year == year)
            out = []
            for n in session.scalars(q):
                count = len(
                    session.scalars(
                        select(HolidayNoticeDay.day).where(HolidayNoticeDay.notice_id == n.id)
                    ).all()
                )
                out.append(StoredNotice(n.id, n.year, n.kind, n.title, count, n.by_hand))
            return out

    def preview_notice(self, text: str, year: int) -> HolidayNotice:
        """Parse a State Council notice without storing anything (shown for confirmation)."""
        return parse_holiday_notice(text, year)

    def preview_amendment(self, text: str, year: int) -> HolidayNotice:
        """Parse an amendment against the year's stored notice (else the built-in data)."""
        return parse_amendment(text, year, self.festival_periods(year))

    def festival_periods(self, year: int) -> dict[str, HolidayPeriod]:
        """Each festival's holiday as the year's stored notice has it, else as chinesecalendar."""
        with self.db.read() as session:
            row = session.scalar(
                select(NoticeRow).where(NoticeRow.year == year, NoticeRow.kind == NOTICE)
            )
            if row is None:
                return builtin_periods(year) if year in builtin_years() else {}
            days = session.scalars(
                select(HolidayNoticeDay).where(
                    HolidayNoticeDay.notice_id == row.id, HolidayNoticeDay.is_workday.is_(False)
                )
            ).all()
        spans: dict[str, list[date]] = {}
        for d in days:
            for festival in HolidayPeriod(d.name, d.day, d.day).festivals():
                spans.setdefault(festival, []).append(d.day)
        return {f: HolidayPeriod(f, min(v), max(v)) for f, v in spans.items()}

    def store_notice(self, notice: HolidayNotice, source: str = "") -> int:
        """Store a confirmed notice with its days. A year's notice replaces that year's previous
        notice and its days only (its amendments and the other years' notices stay); it must
        cover all seven festivals. An amendment replaces an earlier one of the same title.
        Nothing is stored with invisible format characters (bidi controls, zero-width spaces).
        Returns the number of days stored."""
        self.require(
            Action.MANAGE_SYSTEM,
            what="calendar.import_notice",
            entity="holiday_year",
            entity_id=notice.year,
        )
        require_complete(notice)
        source = without_format_chars(source)  # the notice itself was read without them
        year = notice.year
        names = notice.day_names()
        overrides = notice.overrides()
        with self.db.write() as session:
            q = select(NoticeRow).where(NoticeRow.year == year, NoticeRow.kind == notice.kind)
            if notice.kind == AMENDMENT:
                q = q.where(NoticeRow.title == notice.title)
            before: dict[str, bool] = {}
            for old in session.scalars(q).all():
                for d in session.scalars(
                    select(HolidayNoticeDay).where(HolidayNoticeDay.notice_id == old.id)
                ):
                    before[d.day.isoformat()] = d.is_workday
                session.execute(
                    delete(HolidayNoticeDay).where(HolidayNoticeDay.notice_id == old.id)
                )
                session.delete(old)
            session.flush()
            row = NoticeRow(
                year=year,
                kind=notice.kind,
                title=notice.title[:200],
                source=source,
                by_hand="\n".join(notice.by_hand),
            )
            session.add(row)
            session.flush()
            for d, is_workday in sorted(overrides.items()):
                session.add(
                    HolidayNoticeDay(
                        notice_id=row.id, day=d, is_workday=is_workday, name=names[d][:64]
                    )
                )
            if notice.kind == NOTICE:
                year_row = session.get(HolidayYear, year)
                if year_row is None:
                    session.add(HolidayYear(year=year, source=source))
                else:
                    year_row.source = source
            self.audit(
                session,
                "calendar.import_notice",
                entity="holiday_year",
                entity_id=year,
                before=before or None,
                after={
                    "kind": notice.kind,
                    "title": notice.title,
                    "by_hand": list(notice.by_hand),
                    "days": {d.isoformat(): w for d, w in overrides.items()},
                },
            )
        return len(overrides)

    def set_override(self, day: date, is_workday: bool | None, name: str = "") -> None:
        """Mark one day as working day / holiday, or remove its hand-made mark (None). The name
        is kept as typed, without invisible format and control characters."""
        name = _day_name(name)
        self.require(
            Action.MANAGE_SYSTEM,
            what="calendar.override",
            entity="holiday_override",
            entity_id=day.isoformat(),
        )
        with self.db.write() as session:
            row = session.get(HolidayOverride, day)
            before = {"is_workday": row.is_workday, "name": row.name} if row else None
            if is_workday is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(HolidayOverride(day=day, is_workday=is_workday, name=name))
            else:
                row.is_workday = is_workday
                row.name = name
            self.audit(
                session,
                "calendar.override",
                entity="holiday_override",
                entity_id=day.isoformat(),
                before=before,
                after=None if is_workday is None else {"is_workday": is_workday, "name": name},
            )


DAY_NAME_CHARS = 64  # the holiday_override column


def _day_name(name: str) -> str:
    cleaned = "".join(
        ch for ch in without_format_chars(name or "") if ch.isprintable() or ch == " "
    ).strip()
    if len(cleaned) > DAY_NAME_CHARS:
        raise ValidationError(f"节日名称不能超过 {DAY_NAME_CHARS} 个字（实际 {len(cleaned)} 个）。")
    return cleaned
