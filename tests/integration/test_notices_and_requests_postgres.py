"""Holiday notices kept with their days, the request clock and the published matches on a real
PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gongkai_desktop.app import open_app
from gongkai_desktop.domain.disclosure import ItemFields
from gongkai_desktop.domain.requests import ApplicantType, Channel, RequestState
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.calendar import CalendarService, calendar_of
from gongkai_desktop.services.ledger import LedgerService
from gongkai_desktop.services.published_matches import PublishedMatchService
from gongkai_desktop.services.requests import RequestInput, RequestService
from gongkai_desktop.services.setup import initialize

NOTICES = Path(__file__).parent.parent / "fixtures" / "notices"


@pytest.fixture
def pg_app(tmp_path, pg_url):  # type: ignore[no-untyped-def]
    ctx = open_app(tmp_path / "data", pg_url)
    admin = initialize(ctx.db, "测试局", "admin", "admin-pass-1")
    yield ctx, admin
    ctx.close()


def test_next_years_notice_and_amendment_survive_reimports_on_postgres(pg_app):
    """2028's 31 December 2027 and the 2020 extension outlive re-imports of 2027 and 2020."""
    ctx, admin = pg_app
    calendars = CalendarService(ctx.db, admin)
    for name, year in (("notice-2027", 2027), ("notice-2028", 2028), ("notice-2027", 2027)):
        text = (NOTICES / f"{name}.txt").read_text(encoding="utf-8")
        calendars.store_notice(calendars.preview_notice(text, year))
    notice_2020 = (NOTICES / "notice-2020.txt").read_text(encoding="utf-8")
    calendars.store_notice(calendars.preview_notice(notice_2020, 2020))
    amendment = (NOTICES / "amendment-2020.txt").read_text(encoding="utf-8")
    calendars.store_notice(calendars.preview_amendment(amendment, 2020))
    calendars.store_notice(calendars.preview_notice(notice_2020, 2020))
    cal = calendar_of(ctx.db)
    assert cal.working_day_after(date(2027, 12, 30), 1) == date(2028, 1, 3)
    assert cal.working_day_after(date(2020, 1, 23), 1) == date(2020, 2, 3)


def test_clock_and_published_match_on_postgres(pg_app):
    """An unapproved extension does not move the deadline, and the matching finds the item."""
    ctx, admin = pg_app
    kf = AdminService(ctx.db, admin).division_by_name("综合处").id
    for other in ("瑞金市2025年巩固拓展脱贫攻坚成果项目库公示", "会昌县2024年消费帮扶情况"):
        LedgerService(ctx.db, admin).create_item(
            kf,
            ItemFields(other, "执行公开", "proactive", None, date(2025, 3, 3), date(2025, 3, 12),
                       ("门户网站",), "http://xczx.example.gov.cn/b.html"),
        )
    LedgerService(ctx.db, admin).create_item(
        kf,
        ItemFields(
            "会昌县2025年巩固拓展脱贫攻坚成果项目库公示",
            "执行公开",
            "proactive",
            None,
            date(2025, 3, 3),
            date(2025, 3, 10),
            ("门户网站",),
            "http://xczx.example.gov.cn/a.html",
        ),
    )
    found = PublishedMatchService(ctx.db, admin).matches("申请获取会昌县2025年巩固拓展脱贫攻坚成果项目库")
    assert found and found[0].title == "会昌县2025年巩固拓展脱贫攻坚成果项目库公示"
    row = RequestService(ctx.db, admin).create_request(
        RequestInput(
            "PG-1",
            date(2021, 3, 1),
            Channel.ONLINE,
            ApplicantType.NATURAL_PERSON,
            kf,
            extension_days=10,
            extension_approved_by="王主任",
            extension_approved_on=date(2021, 4, 12),
            answer_date=date(2021, 4, 9),
            outcome="予以公开",
        )
    )
    assert (row.deadline, row.state) == (date(2021, 3, 29), RequestState.CLOSED_LATE)
