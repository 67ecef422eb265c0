"""节假日: the working-day calendar from chinesecalendar plus the database's own arrangements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..calendar import HolidayNotice, WorkingCalendar, parse_holiday_notice
from ..db.engine import Database
from ..db.models import HolidayOverride, HolidayYear
from ..domain.permissions import Action
from .base import Service


@dataclass(frozen=True)
class OverrideInfo:
    day: date
    is_workday: bool
    name: str


def load_calendar(session: Session) -> WorkingCalendar:
    overrides = {o.day: o.is_workday for o in session.scalars(select(HolidayOverride))}
    years = list(session.scalars(select(HolidayYear.year)))
    return WorkingCalendar(overrides, arranged_years=years)


def calendar_of(db: Database) -> WorkingCalendar:
    with db.read() as session:
        return load_calendar(session)


class CalendarService(Service):
    def calendar(self) -> WorkingCalendar:
        return calendar_of(self.db)

    def working_day_after(self, start: date, n: int) -> date:
        return self.calendar().working_day_after(start, n)

    def overrides(self, year: int | None = None) -> list[OverrideInfo]:
        q = select(HolidayOverride).order_by(HolidayOverride.day)
        if year is not None:
            q = q.where(
                HolidayOverride.day >= date(year, 1, 1), HolidayOverride.day <= date(year, 12, 31)
            )
        with self.db.read() as session:
            return [OverrideInfo(o.day, o.is_workday, o.name) for o in session.scalars(q)]

    def arranged_years(self) -> list[int]:
        with self.db.read() as session:
            return list(session.scalars(select(HolidayYear.year).order_by(HolidayYear.year)))

    def preview_notice(self, text: str, year: int) -> HolidayNotice:
        """Parse a State Council notice without storing anything (shown for confirmation)."""
        return parse_holiday_notice(text, year)

    def store_notice(self, notice: HolidayNotice, source: str = "") -> int:
        """Store a confirmed notice: it replaces that year's arrangement. Returns days stored."""
        self.require(
            Action.MANAGE_SYSTEM,
            what="calendar.import_notice",
            entity="holiday_year",
            entity_id=notice.year,
        )
        year = notice.year
        names: dict[date, str] = {}
        for period in notice.holidays:
            for d in period.dates():
                names[d] = period.name
        overrides = notice.overrides()
        with self.db.write() as session:
            before = {
                o.day.isoformat(): o.is_workday
                for o in session.scalars(
                    select(HolidayOverride).where(
                        HolidayOverride.day >= date(year, 1, 1),
                        HolidayOverride.day <= date(year, 12, 31),
                    )
                )
            }
            session.execute(
                delete(HolidayOverride).where(
                    HolidayOverride.day >= date(year, 1, 1),
                    HolidayOverride.day <= date(year, 12, 31),
                )
            )
            # A period may start in the previous year (元旦 from 31 December): replace those days too.
            outside = [d for d in overrides if d.year != year]
            if outside:
                session.execute(delete(HolidayOverride).where(HolidayOverride.day.in_(outside)))
            for d, is_workday in sorted(overrides.items()):
                session.add(
                    HolidayOverride(
                        day=d,
                        is_workday=is_workday,
                        name=names.get(d, "调休上班" if is_workday else ""),
                    )
                )
            row = session.get(HolidayYear, year)
            if row is None:
                session.add(HolidayYear(year=year, source=source))
            else:
                row.source = source
            self.audit(
                session,
                "calendar.import_notice",
                entity="holiday_year",
                entity_id=year,
                before=before,
                after={d.isoformat(): w for d, w in overrides.items()},
            )
        return len(overrides)

    def set_override(self, day: date, is_workday: bool | None, name: str = "") -> None:
        """Mark one day as working day / holiday, or remove its override (None)."""
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
