"""新闻发布与回应 on a real PostgreSQL: records of the generic mechanism save, conflict by version
and filter by year, division and text (with LIKE's wildcards taken literally)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from gongkai_desktop.app import open_app
from gongkai_desktop.domain.engagement_choices import EngagementKind, SpeakerRole
from gongkai_desktop.domain.engagement_fields import Speaker
from gongkai_desktop.errors import ConflictError
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.engagement import EngagementService
from gongkai_desktop.services.engagement_records import EngagementQuery
from gongkai_desktop.services.setup import initialize


def test_engagement_records_on_postgres(tmp_path, pg_url):
    """Create, a stale update refused with the stored version, filters and the year's rules."""
    ctx = open_app(tmp_path / "data", pg_url)
    try:
        admin = initialize(ctx.db, "测试局", "admin", "admin-pass-1")
        office = AdminService(ctx.db, admin).division_by_name("综合处").id
        service = EngagementService(ctx.db, admin)
        conference = service.create(
            EngagementKind.PRESS_CONFERENCE,
            {
                "held_on": date(2021, 5, 12),
                "topic": "100%_覆盖新闻发布会",
                "speakers": [Speaker(SpeakerRole.DEPUTY, "徐长青")],
                "involved_divisions": [office],
            },
        )
        service.create(
            EngagementKind.PRESS_CONFERENCE,
            {"held_on": date(2022, 1, 5), "topic": "年度工作新闻发布会", "speakers": [Speaker(SpeakerRole.SPOKESPERSON, "王建华")]},
        )
        opinion = service.create(
            EngagementKind.PUBLIC_OPINION,
            {
                "subject": "网传某县补贴取消",
                "source": "微博",
                "first_seen_at": datetime(2021, 5, 3, 9, 30),
                "level": "major",
                "emergency": True,
                "responded_at": datetime(2021, 5, 6, 10, 0),
                "response_channel": "门户网站",
            },
        )
        assert opinion["first_seen_at"] == datetime(2021, 5, 3, 9, 30)
        assert opinion["emergency"] is True and opinion.problems

        changed = service.update(
            EngagementKind.PRESS_CONFERENCE,
            conference.id,
            conference.version,
            {**conference.values, "notes": "已在门户网站直播"},
        )
        assert changed.version == 2 and changed["involved_divisions"] == (office,)
        with pytest.raises(ConflictError) as caught:
            service.update(
                EngagementKind.PRESS_CONFERENCE,
                conference.id,
                conference.version,
                {**conference.values, "topic": "迟到的修改"},
            )
        assert caught.value.current["version"] == 2

        def topics(**kw) -> list[str]:  # type: ignore[no-untyped-def]
            query = EngagementQuery(EngagementKind.PRESS_CONFERENCE, **kw)
            return [r["topic"] for r in service.list_records(query)]

        assert topics() == ["年度工作新闻发布会", "100%_覆盖新闻发布会"]
        assert topics(year=2021) == ["100%_覆盖新闻发布会"]
        assert topics(text="%_") == ["100%_覆盖新闻发布会"]
        assert topics(text="徐长青") == ["100%_覆盖新闻发布会"]
        assert topics(division_id=office + 1000) == []
        ev = service.evaluate(2021, today=date(2021, 12, 31), now=datetime(2021, 12, 31, 12))
        assert ev.conferences == 1 and len(ev.opinions) == 1
        admin_service = AdminService(ctx.db, admin)
        many = [admin_service.add_division(f"参与处室{i:02d}").id for i in range(80)]
        crowded = service.create(
            EngagementKind.PRESS_CONFERENCE,
            {
                "held_on": date(2020, 6, 1),
                "topic": "多处室参加的新闻发布会",
                "speakers": [Speaker(SpeakerRole.SPOKESPERSON, "王建华")],
                "involved_divisions": many,
            },
        )
        assert len(",".join(map(str, many))) > 200
        assert crowded["involved_divisions"] == tuple(many)
    finally:
        ctx.close()
