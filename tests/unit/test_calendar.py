"""Tests of gongkai_desktop.calendar: working days, the counting rule and the notice parser."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from gongkai_desktop.calendar import (
    MAX_NOTICE_BYTES,
    HolidayNotice,
    HolidayPeriod,
    WorkingCalendar,
    builtin_years,
    parse_holiday_notice,
    read_notice_file,
)
from gongkai_desktop.errors import CalendarMissing, ValidationError

NOTICE_2021 = """国务院办公厅关于2021年部分节假日安排的通知
国办发明电〔2020〕27号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2021年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：2021年1月1日至3日放假，共3天。
二、春节：2月11日至17日放假调休，共7天。2月7日（星期日）、2月20日（星期六）上班。
三、清明节：4月3日至5日放假调休，共3天。
四、劳动节：5月1日至5日放假调休，共5天。4月25日（星期日）、5月8日（星期六）上班。
五、端午节：6月12日至14日放假，共3天。
六、中秋节：9月19日至21日放假调休，共3天。9月18日（星期六）上班。
七、国庆节：10月1日至7日放假调休，共7天。9月26日（星期日）、10月9日（星期六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。
国务院办公厅
2020年11月25日
"""

NOTICE_2023 = """国务院办公厅关于2023年部分节假日安排的通知
一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。
二、春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。
三、清明节：4月5日放假，共1天。
四、劳动节：4月29日至5月3日放假调休，共5天。4月23日（星期日）、5月6日（星期六）上班。
五、端午节：6月22日至24日放假调休，共3天。6月25日（星期日）上班。
六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。
"""

NOTICE_2025 = """国务院办公厅关于2025年部分节假日安排的通知
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
"""

HALF_WIDTH = str.maketrans({"：": ":", "，": ",", "（": "(", "）": ")", "。": "."})


def _reference_is_working_day(d: date) -> bool:
    """The package's own answer, day by day, as the oracle for the fast tables."""
    return bool(chinese_calendar.is_workday(d))


def _reference_after(start: date, n: int) -> date:
    d, counted = start, 0
    while counted < n:
        d += timedelta(days=1)
        counted += _reference_is_working_day(d)
    return d


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def _plain_weekends_plus(notice: HolidayNotice, d: date) -> bool:
    """Working day by the SPEC rule from nothing but weekends and the parsed notice."""
    holidays = {day for period in notice.holidays for day in period.dates()}
    return d in notice.workdays or (d.weekday() < 5 and d not in holidays)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


# --- WorkingCalendar ---------------------------------------------------------------------------


def test_builtin_years_cover_package_range(calendar: WorkingCalendar) -> None:
    """The years read from chinesecalendar's data are 2004–2026 and nothing beyond."""
    assert set(range(2004, 2027)) <= builtin_years()
    assert calendar.has_year(2004) and calendar.has_year(2026)
    assert not calendar.has_year(2003) and not calendar.has_year(2027)
    assert WorkingCalendar(arranged_years=[2027]).has_year(2027)


def test_is_working_day_matches_package_for_every_covered_day(calendar: WorkingCalendar) -> None:
    """For every day of 2004–2026 the calendar agrees with chinese_calendar.is_workday."""
    for year in range(2004, 2027):
        for d in _days_of(year):
            assert calendar.is_working_day(d) == _reference_is_working_day(d), d


def test_sunday_make_up_day_counts(calendar: WorkingCalendar) -> None:
    """2021-09-26 (Sunday, 国庆 调休上班) is the first working day after Friday 2021-09-24."""
    assert date(2021, 9, 26).weekday() == 6
    assert calendar.is_working_day(date(2021, 9, 26))
    assert not calendar.is_working_day(date(2021, 9, 25))
    assert calendar.working_day_after(date(2021, 9, 24), 1) == date(2021, 9, 26)


def test_twenty_working_days_across_new_year(calendar: WorkingCalendar) -> None:
    """From 2021-12-31, 20 working days skip 元旦 and end on the Saturday make-up day 2022-01-29."""
    result = calendar.working_day_after(date(2021, 12, 31), 20)
    assert result == date(2022, 1, 29)
    assert result == _reference_after(date(2021, 12, 31), 20)
    assert calendar.working_days_between(date(2021, 12, 31), result) == 20


def test_spring_festival_2021(calendar: WorkingCalendar) -> None:
    """春节 2021 (2-11..2-17 off, 2-7 Sun and 2-20 Sat worked) is skipped and make-ups counted."""
    assert calendar.working_day_after(date(2021, 2, 5), 1) == date(2021, 2, 7)
    assert calendar.working_day_after(date(2021, 2, 10), 1) == date(2021, 2, 18)
    assert calendar.working_day_after(date(2021, 2, 18), 2) == date(2021, 2, 20)
    assert calendar.working_days_between(date(2021, 2, 10), date(2021, 2, 22)) == 4


def test_spring_festival_2023(calendar: WorkingCalendar) -> None:
    """春节 2023 (1-21..1-27 off) is followed by two weekend make-up days, 1-28 and 1-29."""
    assert calendar.working_day_after(date(2023, 1, 20), 1) == date(2023, 1, 28)
    assert calendar.working_day_after(date(2023, 1, 20), 2) == date(2023, 1, 29)
    assert calendar.working_day_after(date(2023, 1, 20), 3) == date(2023, 1, 30)


def test_national_day_2021(calendar: WorkingCalendar) -> None:
    """国庆 2021 (10-1..10-7 off, 10-9 Sat worked): days 1–3 after 9-30 are 10-8, 10-9, 10-11."""
    start = date(2021, 9, 30)
    assert [calendar.working_day_after(start, n) for n in (1, 2, 3)] == [
        date(2021, 10, 8),
        date(2021, 10, 9),
        date(2021, 10, 11),
    ]
    assert calendar.working_days_between(start, date(2021, 10, 11)) == 3
    assert calendar.working_days_between(date(2021, 10, 11), start) == -3


def test_start_on_weekend_or_holiday(calendar: WorkingCalendar) -> None:
    """A start on a non-working day makes the first working day after it day 1."""
    assert calendar.working_day_after(date(2022, 3, 5), 1) == date(2022, 3, 7)  # Saturday
    assert calendar.working_day_after(date(2021, 10, 3), 1) == date(2021, 10, 8)  # 国庆
    assert calendar.working_day_after(date(2021, 10, 3), 15) == _reference_after(
        date(2021, 10, 3), 15
    )


def test_zero_and_negative_counts(calendar: WorkingCalendar) -> None:
    """n == 0 returns the start; a negative count is refused in Chinese."""
    assert calendar.working_day_after(date(2021, 10, 3), 0) == date(2021, 10, 3)
    with pytest.raises(ValidationError, match="负数"):
        calendar.working_day_after(date(2021, 10, 3), -1)


def test_working_day_after_matches_day_by_day_counting(calendar: WorkingCalendar) -> None:
    """Over 2005–2025, the bisect tables give the same deadline as counting day by day."""
    for start in (date(2005, 1, 1) + timedelta(days=i) for i in range(0, 7670, 5)):
        for n in (1, 7, 20):
            assert calendar.working_day_after(start, n) == _reference_after(start, n), (start, n)


def test_working_days_between_matches_counting_and_is_symmetric(
    calendar: WorkingCalendar,
) -> None:
    """working_days_between counts start < d <= end and is antisymmetric, across year ends."""
    pairs = [
        (date(2020, 12, 25), date(2021, 2, 20)),
        (date(2021, 12, 31), date(2023, 1, 3)),
        (date(2023, 9, 28), date(2023, 10, 9)),
        (date(2024, 1, 1), date(2024, 1, 1)),
    ]
    for start, end in pairs:
        expected = sum(
            _reference_is_working_day(start + timedelta(days=i))
            for i in range(1, (end - start).days + 1)
        )
        assert calendar.working_days_between(start, end) == expected
        assert calendar.working_days_between(end, start) == -expected


def test_overrides_take_precedence(calendar: WorkingCalendar) -> None:
    """A date overridden as holiday or working day wins over chinesecalendar."""
    custom = WorkingCalendar({date(2021, 10, 8): False, date(2021, 10, 16): True})
    assert calendar.is_working_day(date(2021, 10, 8))
    assert not custom.is_working_day(date(2021, 10, 8))
    assert custom.is_working_day(date(2021, 10, 16))  # a Saturday
    assert custom.working_day_after(date(2021, 9, 30), 1) == date(2021, 10, 9)


def test_year_without_data_raises(calendar: WorkingCalendar) -> None:
    """2027 is refused with a Chinese message naming the year, never guessed from weekends."""
    with pytest.raises(CalendarMissing) as caught:
        calendar.is_working_day(date(2027, 3, 1))
    assert caught.value.params["year"] == 2027
    assert "2027年" in str(caught.value) and "节假日安排" in str(caught.value)


def test_counting_into_year_without_data_raises(calendar: WorkingCalendar) -> None:
    """A deadline or countdown that crosses into 2027 raises CalendarMissing for 2027."""
    assert calendar.working_day_after(date(2026, 12, 1), 5) == _reference_after(
        date(2026, 12, 1), 5
    )
    with pytest.raises(CalendarMissing) as caught:
        calendar.working_day_after(date(2026, 12, 28), 20)
    assert caught.value.params["year"] == 2027
    with pytest.raises(CalendarMissing, match="2027"):
        calendar.working_days_between(date(2026, 12, 1), date(2027, 1, 5))
    # Counting only days after 12-31 needs nothing of 2026's successor.
    assert calendar.working_days_between(date(2026, 12, 1), date(2026, 12, 31)) > 0


def test_arranged_year_works_after_notice_is_stored() -> None:
    """With a parsed 2027 notice as overrides and 2027 arranged, deadlines run into 2027."""
    notice = parse_holiday_notice("一、元旦：1月1日（周五）至3日（周日）放假，共3天。", 2027)
    arranged = WorkingCalendar(notice.overrides(), arranged_years=[2027])
    assert not arranged.is_working_day(date(2027, 1, 1))
    assert arranged.working_day_after(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert not arranged.is_working_day(date(2027, 1, 9))  # plain Saturday, now trusted
    assert arranged.working_days_between(date(2026, 12, 30), date(2027, 1, 4)) == 2
    with pytest.raises(CalendarMissing, match="2027"):
        WorkingCalendar(notice.overrides()).working_day_after(date(2026, 12, 31), 1)


# --- parse_holiday_notice ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "text"), [(2021, NOTICE_2021), (2023, NOTICE_2023), (2025, NOTICE_2025)]
)
def test_parsed_notice_reproduces_package_year(year: int, text: str) -> None:
    """Weekends plus the parsed notice give chinesecalendar's answer for every day of the year."""
    notice = parse_holiday_notice(text, year)
    assert notice.year == year
    for d in _days_of(year):
        assert _plain_weekends_plus(notice, d) == _reference_is_working_day(d), d
    for d, working in notice.overrides().items():
        assert working == _reference_is_working_day(d), d


def test_parsed_2021_notice_items() -> None:
    """The seven items of the 2021 notice become seven holidays and seven make-up days."""
    notice = parse_holiday_notice(NOTICE_2021, 2021)
    assert [p.name for p in notice.holidays] == [
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
    ]
    assert notice.holidays[1] == HolidayPeriod("春节", date(2021, 2, 11), date(2021, 2, 17))
    assert len(notice.holidays[1].dates()) == 7
    assert notice.workdays == tuple(sorted(notice.workdays))
    assert len(notice.workdays) == 7 and all(d.weekday() >= 5 for d in notice.workdays)


def test_half_width_punctuation_and_zhou() -> None:
    """Half-width punctuation and 周X instead of 星期X parse to the same notice."""
    variant = NOTICE_2021.translate(HALF_WIDTH).replace("星期", "周")
    assert parse_holiday_notice(variant, 2021) == parse_holiday_notice(NOTICE_2021, 2021)


def test_spec_example_line_with_lunar_notes() -> None:
    """The SPEC's 春节 line with 「（农历除夕、周二）」 notes gives 1-28..2-4 and two make-up days."""
    line = (
        "二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。"
        "1月26日（周日）、2月8日（周六）上班。"
    )
    notice = parse_holiday_notice(line, 2025)
    assert notice.holidays == (HolidayPeriod("春节", date(2025, 1, 28), date(2025, 2, 4)),)
    assert notice.workdays == (date(2025, 1, 26), date(2025, 2, 8))


def test_day_only_range_end_form() -> None:
    """「4月4日至6日」 takes the month of the start, and days off include the weekend inside."""
    notice = parse_holiday_notice("三、清明节：4月4日至6日放假调休，共3天。", 2020)
    (period,) = notice.holidays
    assert (period.start, period.end) == (date(2020, 4, 4), date(2020, 4, 6))
    assert notice.overrides() == {d: False for d in period.dates()}
    assert date(2020, 4, 4).weekday() == 5  # the Saturday is a holiday too


def test_single_day_forms() -> None:
    """「6月14日放假，与周末连休」 and 「1月1日放假1天」 are one-day holidays."""
    notice = parse_holiday_notice(
        "五、端午节：6月14日放假，与周末连休。\n一、元旦：1月1日放假1天，不调休。", 2021
    )
    assert [(p.name, p.start, p.end) for p in notice.holidays] == [
        ("元旦", date(2021, 1, 1), date(2021, 1, 1)),
        ("端午节", date(2021, 6, 14), date(2021, 6, 14)),
    ]


def test_cross_year_dates() -> None:
    """An explicit earlier year starts the range, and an end without a year rolls into the next."""
    notice = parse_holiday_notice("一、元旦：2020年12月31日至1月2日放假调休，共3天。", 2021)
    assert notice.holidays[0].start == date(2020, 12, 31)
    assert notice.holidays[0].end == date(2021, 1, 2)
    explicit = parse_holiday_notice(NOTICE_2023, 2023).holidays[0]
    assert (explicit.start, explicit.end) == (date(2022, 12, 31), date(2023, 1, 2))


def test_wrapped_lines_are_joined() -> None:
    """An item broken across lines, as copied out of a PDF, is read as one item."""
    wrapped = "二、春节：2月11日至17日放假调休，共7天。2月7日（星期\n日）、2月20日（星期六）上班。"
    notice = parse_holiday_notice(wrapped, 2021)
    assert notice.workdays == (date(2021, 2, 7), date(2021, 2, 20))


def test_day_count_mismatch_reports_line() -> None:
    """A 「共N天」 that disagrees with the range is a ValidationError quoting the line."""
    line = "二、春节：2月11日至17日放假调休，共8天。"
    with pytest.raises(ValidationError) as caught:
        parse_holiday_notice(line, 2021)
    assert caught.value.message.startswith("2021年节假日安排通知中有1处无法识别或前后矛盾")
    assert any(line in problem and "共8天" in problem for problem in caught.value.problems)


def test_weekday_mismatch_is_rejected() -> None:
    """A written weekday that does not fit the date (wrong year pasted) is rejected."""
    with pytest.raises(ValidationError) as caught:
        parse_holiday_notice("二、春节：2月11日至17日放假调休，共7天。2月7日（星期六）上班。", 2021)
    assert any("星期日" in problem for problem in caught.value.problems)


def test_notice_of_another_year_is_rejected() -> None:
    """The 2021 notice imported as 2022 is refused by its title and its weekdays."""
    with pytest.raises(ValidationError) as caught:
        parse_holiday_notice(NOTICE_2021, 2022)
    assert any("2021年" in problem for problem in caught.value.problems)


def test_make_up_day_on_a_weekday_is_rejected() -> None:
    """A 上班 date that is Monday–Friday cannot be a make-up day and is reported."""
    with pytest.raises(ValidationError, match="核对"):
        parse_holiday_notice("七、国庆节：10月1日至7日放假调休，共7天。10月8日上班。", 2021)


@pytest.mark.parametrize(
    "text", ["", "今天天气不错，适合加班。", "一、春节：待定。", "2021年1月1日"]
)
def test_garbage_text_rejected(text: str) -> None:
    """Text with no recognisable holiday item raises a Chinese ValidationError."""
    with pytest.raises(ValidationError, match="没有识别出任何节假日安排"):
        parse_holiday_notice(text, 2021)


def test_unreadable_holiday_dates_are_reported() -> None:
    """An item that says 放假 but whose dates cannot be read is reported, not dropped."""
    with pytest.raises(ValidationError) as caught:
        parse_holiday_notice(NOTICE_2021 + "\n八、春节：二月十一日至十七日放假。", 2021)
    assert any("二月十一日" in problem for problem in caught.value.problems)


# ---- the notice as a text file ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_notice_file_read_in_each_accepted_encoding(tmp_path, encoding: str) -> None:
    """A notice saved as UTF-8 (with or without BOM) or GB18030 reads back as the same text."""
    path = tmp_path / "notice.txt"
    path.write_bytes(NOTICE_2021.encode(encoding))
    assert read_notice_file(path) == NOTICE_2021


def test_notice_file_missing_is_refused(tmp_path) -> None:
    """A path that is not a file is refused naming it."""
    with pytest.raises(ValidationError, match="文件不存在"):
        read_notice_file(tmp_path / "nothing.txt")


def test_notice_file_over_the_limit_is_refused(tmp_path) -> None:
    """A file over 2 MB is refused before it is read."""
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (MAX_NOTICE_BYTES + 1))
    with pytest.raises(ValidationError, match="文件过大：big.txt"):
        read_notice_file(path)


def test_notice_file_in_another_encoding_is_refused(tmp_path) -> None:
    """Bytes that are neither UTF-8 nor GB18030 are refused with the encodings to use."""
    path = tmp_path / "other.txt"
    path.write_bytes(b"\x81\x30\x81")  # a GB18030 four-byte sequence cut short, not UTF-8 either
    with pytest.raises(ValidationError, match="UTF-8 或 GB18030"):
        read_notice_file(path)


def test_days_off_written_as_bu_xiu_are_holidays() -> None:
    """「放假，与周末连休」 (2024 端午) and 「补休」 (2017 元旦) mark days off."""
    dragon_boat = parse_holiday_notice("五、端午节：6月10日放假，与周末连休。", 2024).overrides()
    new_year = parse_holiday_notice("一、元旦：1月1日放假，1月2日（星期一）补休。", 2017).overrides()
    assert dragon_boat == {date(2024, 6, 10): False}
    assert new_year[date(2017, 1, 1)] is False and new_year[date(2017, 1, 2)] is False


def test_a_dated_clause_that_is_neither_rest_nor_work_is_reported() -> None:
    """In a sentence that arranges days, a date with no 放假/上班-like word is a problem."""
    with pytest.raises(ValidationError, match="无法判断"):
        parse_holiday_notice("二、春节：2月10日至17日放假调休，共8天，2月4日（星期日）值班。", 2024)


def test_a_sentence_without_arrangement_makes_no_day_and_is_listed() -> None:
    """A sentence of a festival line with no 放假/补休/上班 makes no day and is listed as unused."""
    notice = parse_holiday_notice(
        "二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）值班。", 2024
    )
    assert set(notice.overrides()) == set(notice.holidays[0].dates())
    assert notice.unused == ("春节：2月4日（星期日）值班。",)
