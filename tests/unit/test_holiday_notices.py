"""Tests of the holiday notices as the State Council writes them, and of their storage: each
notice's days kept with it (gongkai_desktop.notices, services/calendar.py)."""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import date, timedelta

import chinese_calendar
import pytest

from gongkai_desktop.calendar import WorkingCalendar
from gongkai_desktop.errors import ValidationError
from gongkai_desktop.notices import FESTIVALS, HolidayPeriod, parse_amendment, parse_holiday_notice
from gongkai_desktop.services.calendar import CalendarService, calendar_of

TWO_FESTIVALS_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至2月13日（农历正月初八、周六）放假调休，共9天。2月20日（周六）上班。
"""


def _days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


@pytest.fixture
def calendars(app_ctx, admin) -> CalendarService:  # type: ignore[no-untyped-def]
    """The admin's calendar service on a fresh database."""
    return CalendarService(app_ctx.db, admin)


def test_real_2024_notice_gives_chinesecalendars_year(notice_text) -> None:
    """The real 2024 notice gives the package's answer for every day, 除夕 2月9日 a working day."""
    notice = parse_holiday_notice(notice_text("notice-2024"), 2024)
    cal = WorkingCalendar(notice.overrides(), arranged_years=[2024])
    for d in _days(2024):
        expected = bool(chinese_calendar.is_workday(d))
        assert cal.is_working_day(d) == expected, d
    assert date(2024, 2, 9) not in notice.overrides()
    # Thursday 8 February + 1: Friday 9 February (除夕 is worked); + 2: Sunday 18 February.
    assert cal.working_day_after(date(2024, 2, 8), 1) == date(2024, 2, 9)
    assert cal.working_day_after(date(2024, 2, 8), 2) == date(2024, 2, 18)
    assert cal.working_day_after(date(2024, 2, 8), 20) == date(2024, 3, 13)


def test_the_encouraging_sentence_is_listed_as_unused(notice_text) -> None:
    """「鼓励…在除夕（2月9日）休息」 and the closing paragraph are listed, word for word, as unused."""
    notice = parse_holiday_notice(notice_text("notice-2024"), 2024)
    assert "春节：鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。" in notice.unused
    assert any(s.startswith("节假日期间，各地区、各部门要妥善安排好值班") for s in notice.unused)
    assert notice.missing_festivals() == ()
    assert notice.title == "国务院办公厅关于2024年部分节假日安排的通知"


def test_real_2020_notice_with_its_amendment_gives_chinesecalendars_year(notice_text) -> None:
    """The 2020 notice plus the 春节 extension gives the package's 2020, 1 February off."""
    notice = parse_holiday_notice(notice_text("notice-2020"), 2020)
    originals = {f: p for p in notice.holidays for f in p.festivals()}
    amendment = parse_amendment(notice_text("amendment-2020"), 2020, originals)
    assert amendment.holidays == (
        HolidayPeriod("春节（延长）", date(2020, 1, 31), date(2020, 2, 2)),
    )
    assert any(s.startswith("二、各类高校") for s in amendment.unused)
    overrides = {**notice.overrides(), **amendment.overrides()}
    cal = WorkingCalendar(overrides, arranged_years=[2020])
    for d in _days(2020):
        assert cal.is_working_day(d) == bool(chinese_calendar.is_workday(d)), d
    # Without the amendment the notice's make-up Saturday would end a deadline on 1 February.
    assert WorkingCalendar(notice.overrides()).working_day_after(date(2020, 1, 23), 1) == date(
        2020, 2, 1
    )
    assert cal.working_day_after(date(2020, 1, 23), 1) == date(2020, 2, 3)


def test_combined_line_counts_for_both_festivals(notice_text) -> None:
    """「国庆节、中秋节」 covers both; a notice of two festivals misses the other five."""
    assert parse_holiday_notice(notice_text("notice-2020"), 2020).missing_festivals() == ()
    partial = parse_holiday_notice(TWO_FESTIVALS_2027, 2027)
    assert partial.missing_festivals() == FESTIVALS[2:]


def test_two_festival_notice_is_refused_and_nothing_stored(app_ctx, calendars) -> None:
    """Storing a notice that lacks five festivals is refused naming them; nothing is stored."""
    notice = calendars.preview_notice(TWO_FESTIVALS_2027, 2027)
    with pytest.raises(ValidationError, match="清明节、劳动节、端午节、中秋节、国庆节"):
        calendars.store_notice(notice)
    assert calendars.notices() == [] and calendars.arranged_years() == []
    assert not calendar_of(app_ctx.db).has_year(2027)


def test_missing_festivals_added_by_hand_make_it_storable(app_ctx, calendars) -> None:
    """The admin adds the five missing festivals by hand; the notice is then stored with them."""
    notice = calendars.preview_notice(TWO_FESTIVALS_2027, 2027)
    for name, start, end in (
        ("清明节", date(2027, 4, 3), date(2027, 4, 5)),
        ("劳动节", date(2027, 5, 1), date(2027, 5, 5)),
        ("端午节", date(2027, 6, 9), date(2027, 6, 9)),
        ("中秋节", date(2027, 9, 15), date(2027, 9, 15)),
    ):
        notice = notice.with_days(HolidayPeriod(name, start, end))
    notice = notice.with_days(
        HolidayPeriod("国庆节", date(2027, 10, 1), date(2027, 10, 7)), [date(2027, 10, 9)]
    )
    assert notice.missing_festivals() == ()
    calendars.store_notice(notice, "粘贴的通知文本")
    cal = calendar_of(app_ctx.db)
    assert cal.working_day_after(date(2027, 9, 30), 1) == date(2027, 10, 8)
    assert cal.is_working_day(date(2027, 10, 9))
    (stored,) = calendars.notices(2027)
    assert "手工补充：国庆节" in stored.by_hand


def test_hand_added_days_are_checked() -> None:
    """A hand-added make-up day on a weekday, or a day both off and on, is refused."""
    notice = parse_holiday_notice(TWO_FESTIVALS_2027, 2027)
    with pytest.raises(ValidationError, match="本来就是工作日"):
        notice.with_days(None, [date(2027, 10, 8)])
    with pytest.raises(ValidationError, match="既是放假日又是上班日"):
        notice.with_days(HolidayPeriod("国庆节", date(2027, 10, 1), date(2027, 10, 9)), [date(2027, 10, 9)])


def test_next_years_31_december_survives_reimport_of_this_year(app_ctx, calendars, notice_text) -> None:
    """2028's 元旦 from 31 December 2027 stays a holiday after 2027 is imported again."""
    calendars.store_notice(calendars.preview_notice(notice_text("notice-2027"), 2027))
    calendars.store_notice(calendars.preview_notice(notice_text("notice-2028"), 2028))
    calendars.store_notice(calendars.preview_notice(notice_text("notice-2027"), 2027))
    cal = calendar_of(app_ctx.db)
    assert not cal.is_working_day(date(2027, 12, 31))
    # Thursday 30 December 2027 + 1 working day: Monday 3 January 2028.
    assert cal.working_day_after(date(2027, 12, 30), 1) == date(2028, 1, 3)
    assert cal.working_day_after(date(2027, 12, 10), 20) == date(2028, 1, 10)
    assert [(n.year, n.kind) for n in calendars.notices()] == [(2027, "notice"), (2028, "notice")]


def test_reimport_replaces_only_the_notices_own_days(app_ctx, calendars, notice_text) -> None:
    """A corrected 2027 notice drops its old days but keeps a hand-made mark."""
    calendars.set_override(date(2027, 3, 1), False, "地方假日")
    calendars.store_notice(calendars.preview_notice(notice_text("notice-2027"), 2027))
    corrected = notice_text("notice-2027").replace("2月20日（周六）上班。", "2月6日（周六）上班。")
    corrected = corrected.replace("2月5日（农历除夕、周五）至2月13日", "2月7日（周日）至2月13日")
    corrected = corrected.replace("共9天", "共7天")
    calendars.store_notice(calendars.preview_notice(corrected, 2027))
    cal = calendar_of(app_ctx.db)
    assert not cal.is_working_day(date(2027, 2, 20)) and cal.is_working_day(date(2027, 2, 6))
    assert not cal.is_working_day(date(2027, 3, 1))
    sources = {o.day: o.source for o in calendars.overrides(2027)}
    assert sources[date(2027, 3, 1)] == "manual" and sources[date(2027, 2, 6)] == "notice"


def test_amendment_survives_reimport_of_the_original(app_ctx, calendars, notice_text) -> None:
    """The 2020 extension is stored as an amendment and outlives a re-import of the 2020 notice."""
    calendars.store_notice(calendars.preview_notice(notice_text("notice-2020"), 2020))
    amendment = calendars.preview_amendment(notice_text("amendment-2020"), 2020)
    assert amendment.kind == "amendment"
    calendars.store_notice(amendment)
    calendars.store_notice(calendars.preview_notice(notice_text("notice-2020"), 2020))
    cal = calendar_of(app_ctx.db)
    assert not cal.is_working_day(date(2020, 2, 1))
    assert cal.working_day_after(date(2020, 1, 23), 20) == date(2020, 2, 28)
    kinds = [(n.year, n.kind, n.days) for n in calendars.notices(2020)]
    assert kinds == [(2020, "notice", 34), (2020, "amendment", 3)]
    calendars.store_notice(calendars.preview_amendment(notice_text("amendment-2020"), 2020))
    assert len(calendars.notices(2020)) == 2  # the same amendment again replaces itself


def test_amendment_without_original_is_refused(calendars, notice_text) -> None:
    """An extension of a year with no arrangement at all cannot be read and says what to import."""
    text = notice_text("amendment-2020").replace("2020", "2027")
    with pytest.raises(ValidationError) as caught:
        calendars.preview_amendment(text, 2027)
    assert any("请先导入2027年节假日安排通知" in p for p in caught.value.problems)


def test_liaison_cannot_store_and_the_refusal_is_audited(app_ctx, liaison, notice_text) -> None:
    """A liaison's store is refused, nothing changes, and the refusal is in the audit log."""
    service = CalendarService(app_ctx.db, liaison)
    notice = service.preview_notice(notice_text("notice-2027"), 2027)
    with pytest.raises(Exception, match="管理员"):
        service.store_notice(notice)
    assert CalendarService(app_ctx.db, liaison).notices() == []


def test_days_stored_before_notices_were_kept_move_to_their_notice(tmp_path, notice_text) -> None:
    """An old database's imported 2028 days (31 December 2027 included) become 2028's notice."""
    from alembic import command
    from sqlalchemy import create_engine

    from gongkai_desktop.db.migrate import alembic_config

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")

    def upgrade(revision: str) -> None:
        cfg = alembic_config()
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            conn.commit()

    upgrade("0008")
    con = sqlite3.connect(path)
    con.execute("INSERT INTO holiday_year (year, source, created_at) VALUES (2028, 'x', '2027-11-11')")
    con.executemany(
        "INSERT INTO holiday_override (day, is_workday, name) VALUES (?, ?, ?)",
        [("2027-12-31", 0, "元旦"), ("2028-01-22", 1, "调休上班"), ("2026-05-06", 0, "地方假日")],
    )
    con.commit()
    con.close()
    upgrade("0010")
    con = sqlite3.connect(path)
    assert con.execute("SELECT day FROM holiday_override").fetchall() == [("2026-05-06",)]
    assert con.execute(
        "SELECT n.year, d.day FROM holiday_notice_day d JOIN holiday_notice n ON n.id = d.notice_id"
        " ORDER BY d.day"
    ).fetchall() == [(2028, "2027-12-31"), (2028, "2028-01-22")]
    con.close()
    engine.dispose()


def test_amendment_weekday_inside_brackets_with_a_comma_is_checked(notice_text) -> None:
    """「（农历正月初九，星期日）」 is one note: a wrong weekday in it is caught, not skipped."""
    originals = {"春节": HolidayPeriod("春节", date(2020, 1, 24), date(2020, 1, 30))}
    wrong = notice_text("amendment-2020").replace("星期日）", "星期六）", 1)
    with pytest.raises(ValidationError) as caught:
        parse_amendment(wrong, 2020, originals)
    assert caught.value.message.startswith("2020年节假日调整通知中有1处")
    assert any("2020年2月2日是星期日" in p for p in caught.value.problems)


# --- the year a notice states ------------------------------------------------------------------
# 2021 and 2027 both begin on a Friday and have no 29 February: every weekday the 2027 notice writes
# fits 2021 as well, so only the year the notice states tells the two apart.


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda t: t, id="title"),
        pytest.param(lambda t: t.replace("2027年部分", "2027年\n部分", 1), id="title-wrapped"),
        pytest.param(lambda t: t.replace("部分节假日", "部分节\n假日", 1), id="title-wrapped-late"),
        pytest.param(lambda t: t.split("\n", 1)[1], id="preamble-only"),
        pytest.param(lambda t: t.replace("关于2027年", "关于二〇二七年", 1), id="chinese-numerals"),
    ],
)
def test_a_notice_stating_another_year_is_refused(calendars, notice_text, variant) -> None:  # type: ignore[no-untyped-def]
    """The 2027 notice imported as 2021 is refused naming both years, however its year is written."""
    text = variant(notice_text("notice-2027"))
    with pytest.raises(ValidationError) as caught:
        calendars.preview_notice(text, 2021)
    assert "2027年" in caught.value.message and "2021年" in caught.value.message
    assert caught.value.params == {"year": 2021, "stated_year": 2027}


def test_last_years_title_over_this_years_lines_is_refused(notice_text) -> None:
    """「国务院办公厅关于2026年部分节假日安排的通知」 on top of the 2027 lines is not 2027's notice."""
    text = notice_text("notice-2027").replace("关于2027年", "关于2026年", 1)
    with pytest.raises(ValidationError) as caught:
        parse_holiday_notice(text, 2027)
    assert "2026年" in caught.value.message and "2027年" in caught.value.message


def test_amendment_stating_another_year_is_refused(notice_text) -> None:
    """The 2020 extension imported as an amendment of 2021 names 2020 and 2021 in its refusal."""
    originals = {"春节": HolidayPeriod("春节", date(2021, 2, 11), date(2021, 2, 17))}
    with pytest.raises(ValidationError) as caught:
        parse_amendment(notice_text("amendment-2020"), 2021, originals)
    assert "2020年" in caught.value.message and "2021年" in caught.value.message


def test_next_years_notice_may_set_days_in_this_year(notice_text) -> None:
    """The 2028 notice states 2028; its 元旦 from 31 December 2027 is no reason to refuse it."""
    notice = parse_holiday_notice(notice_text("notice-2028"), 2028)
    assert notice.holidays[0].start == date(2027, 12, 31)
    with pytest.raises(ValidationError, match="2028年的节假日安排.*导入的年份是2027年"):
        parse_holiday_notice(notice_text("notice-2028"), 2027)


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param("一、元旦：2027年1月1日（周五）至3日（周日）放假，共3天。", id="january"),
        pytest.param("一、元旦：2027年12月30日（周四）至31日（周五）放假，共2天。", id="december"),
    ],
)
def test_without_a_stated_year_the_holiday_dates_decide(lines: str) -> None:
    """Festival lines with no title or preamble whose 放假 dates all fall in 2027 are not 2028's."""
    with pytest.raises(ValidationError) as caught:
        parse_holiday_notice(lines, 2028)
    assert "2027年" in caught.value.message and "2028年" in caught.value.message


# --- invisible format characters ---------------------------------------------------------------

FORMAT_CHARS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u200e\u200f\ufeff\u00ad\u2060")


def _with_format_chars(text: str) -> str:
    """The notice with bidi overrides, isolates, zero-width and other Cf characters inside its
    title, festival names, dates and the sentence it leaves unused."""
    for clean, dirty in [
        ("国务院办公厅关于2024年", "\ufeff国务院办公厅关于\u202d20\u200b24\u202c年"),
        ("二、春节", "二、春\u202e节"),
        ("2月10日", "2\u200b月1\u2066\u20690日"),
        ("三、清明节", "三、\u2067清明\u200d节\u2069"),
        ("2月4日（星期日）", "2月4\u00ad日（星期\u200e日）"),
        ("鼓励各单位", "鼓励\u200f各\u2060单位"),
        ("七、国庆节", "七、\u202a国庆节\u202c"),
        ("国务院办公厅\n", "国务院\u200c办公厅\u202b\n"),
    ]:
        assert clean in text
        text = text.replace(clean, dirty, 1)
    return text


def _no_format_chars(*texts: str) -> bool:
    return not any(ch in FORMAT_CHARS or unicodedata.category(ch) == "Cf" for t in texts for ch in t)


def test_format_characters_are_removed_before_the_notice_is_read(notice_text) -> None:
    """春节 with a U+202E inside reads as 春节: the notice with invisible characters is the same
    arrangement, and none of them is left in a name, the title or the unused sentences."""
    clean = parse_holiday_notice(notice_text("notice-2024"), 2024)
    dirty = parse_holiday_notice(_with_format_chars(notice_text("notice-2024")), 2024)
    assert dirty == clean
    assert [p.name for p in dirty.holidays] == [p.name for p in clean.holidays]
    assert dirty.title == clean.title == "国务院办公厅关于2024年部分节假日安排的通知"
    assert dirty.unused == clean.unused
    assert dirty.missing_festivals() == ()
    assert _no_format_chars(dirty.title, *dirty.unused, *(p.name for p in dirty.holidays))


def test_nothing_stored_from_a_notice_keeps_format_characters(app_ctx, calendars, notice_text) -> None:
    """Title, source, hand-added days and day names reach the database without format characters."""
    text = _with_format_chars(notice_text("notice-2024")).replace("七、\u202a国庆节\u202c", "八、其他")
    notice = calendars.preview_notice(text, 2024)
    assert notice.missing_festivals() == ("国庆节",)
    notice = notice.with_days(
        HolidayPeriod("\u202e国庆\u200b节", date(2024, 10, 1), date(2024, 10, 7)),
        [date(2024, 9, 29), date(2024, 10, 12)],
    )
    assert notice.missing_festivals() == ()
    calendars.store_notice(notice, source=text)
    con = sqlite3.connect(app_ctx.db.sqlite_path)
    stored = [
        *con.execute("SELECT title, source, by_hand FROM holiday_notice").fetchone(),
        *(name for (name,) in con.execute("SELECT name FROM holiday_notice_day")),
        *(source for (source,) in con.execute("SELECT source FROM holiday_year")),
    ]
    con.close()
    assert "国务院办公厅关于2024年部分节假日安排的通知" in stored and "春节" in stored
    assert "国庆节" in stored and any("手工补充：国庆节" in s for s in stored)
    assert _no_format_chars(*stored)


def test_a_hand_made_day_keeps_its_name_without_invisible_characters(app_ctx, calendars) -> None:
    """A pasted name loses bidi, zero-width and control characters; an over-long one is refused
    in words, and nothing is stored."""
    from sqlalchemy import select

    from gongkai_desktop.db.models import HolidayOverride
    from gongkai_desktop.errors import ValidationError

    calendars.set_override(date(2027, 3, 1), False, "\u202e地方\u200b假日\x07\ufeff")
    with pytest.raises(ValidationError) as refused:
        calendars.set_override(date(2027, 3, 2), False, "长" * 65)
    with app_ctx.db.read() as session:
        stored = session.scalars(select(HolidayOverride).order_by(HolidayOverride.day)).all()
    assert [(d.day, d.name) for d in stored] == [(date(2027, 3, 1), "地方假日")]
    assert "64" in str(refused.value)
