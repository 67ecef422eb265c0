"""新闻发布与回应's rules and kind descriptions (domain.engagement), without a database: the period
rules (quarter, half-year per 分管领导, year), the hour limits of 政务舆情 at their boundaries, the
record states, validation in Chinese, and values through storage."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from gongkai_desktop.domain.compliance import RULES_BY_ID, Verdict
from gongkai_desktop.domain.engagement import KINDS
from gongkai_desktop.domain.engagement_choices import EngagementKind, MeetingKind, SpeakerRole
from gongkai_desktop.domain.engagement_fields import (
    FieldType,
    Speaker,
    assess,
    display,
    loaded,
    normalise,
    stored,
    validate,
    values_from_stored,
)
from gongkai_desktop.domain.engagement_periods import (
    Conference,
    Meeting,
    bureau_findings,
    conference_quarters,
    deputy_half_years,
    meeting_year,
    principal_year,
)
from gongkai_desktop.domain.public_opinion import (
    RULE_AUTHORITATIVE_5H,
    RULE_CONFERENCE_24H,
    RULE_RESPONSE_48H,
    hours_text,
    opinion_checks,
)

SEEN = datetime(2021, 3, 1, 9, 0)
DEPUTY = SpeakerRole.DEPUTY


def conf(day: date, *speakers: tuple[SpeakerRole, str]) -> Conference:
    return Conference(day, tuple(Speaker(r, n) for r, n in speakers))


def verdicts(results) -> list[Verdict]:  # type: ignore[no-untyped-def]
    return [r.verdict for r in results]


def opinion(**values):  # type: ignore[no-untyped-def]
    base = {"first_seen_at": SEEN, "level": "ordinary", "emergency": False}
    return {**base, **values}


def test_quarters_are_met_at_risk_missed_or_not_begun():
    """A quarter with a conference is met; one over without is missed, the running one without
    is at risk, one not begun is not counted."""
    conferences = [conf(date(2021, 2, 3)), conf(date(2021, 7, 9))]
    results = conference_quarters(conferences, 2021, date(2021, 8, 15))
    assert [r.count for r in results] == [1, 0, 1, 0]
    assert verdicts(results) == [Verdict.MET, Verdict.MISSED, Verdict.MET, Verdict.NOT_APPLICABLE]
    october = conference_quarters(conferences, 2021, date(2021, 10, 5))
    assert october[3].verdict is Verdict.AT_RISK
    after = conference_quarters(conferences, 2021, date(2022, 1, 10))
    assert verdicts(after)[3] is Verdict.MISSED


def test_a_conference_counts_only_once_held_and_on_its_quarter_boundaries():
    """31 March is the first quarter, 1 April the second; a conference planned after today does
    not count yet."""
    conferences = [conf(date(2021, 3, 31)), conf(date(2021, 4, 1)), conf(date(2021, 9, 20))]
    results = conference_quarters(conferences, 2021, date(2021, 9, 1))
    assert [r.count for r in results] == [1, 1, 0, 0]
    assert results[2].verdict is Verdict.AT_RISK


def test_each_deputy_is_checked_for_each_half_year():
    """Each 分管领导 of the roster needs a conference in each half-year, leader by leader; one who
    never spoke misses both halves."""
    conferences = [
        conf(date(2021, 3, 2), (DEPUTY, "张三"), (DEPUTY, "李四")),
        conf(date(2021, 6, 30), (SpeakerRole.SPOKESPERSON, "王五")),
        conf(date(2021, 7, 1), (DEPUTY, "张 三")),
    ]
    results = dict(deputy_half_years(conferences, ["张三", "李四", "赵六"], 2021, date(2022, 1, 4)))
    assert list(results) == ["张三", "李四", "赵六"]
    assert verdicts(results["张三"]) == [Verdict.MET, Verdict.MET]
    assert verdicts(results["李四"]) == [Verdict.MET, Verdict.MISSED]
    assert verdicts(results["赵六"]) == [Verdict.MISSED, Verdict.MISSED]
    running = dict(deputy_half_years(conferences, ["李四"], 2021, date(2021, 9, 1)))
    assert verdicts(running["李四"]) == [Verdict.MET, Verdict.AT_RISK]


def test_without_a_roster_the_deputies_named_at_conferences_are_checked():
    """No roster: every 分管领导 named in the year's conferences is checked (names compared
    without spaces)."""
    conferences = [conf(date(2021, 1, 8), (DEPUTY, "张 三")), conf(date(2021, 8, 8), (DEPUTY, "李四"))]
    results = dict(deputy_half_years(conferences, [], 2021, date(2021, 12, 31)))
    assert verdicts(results["张三"]) == [Verdict.MET, Verdict.AT_RISK]
    assert verdicts(results["李四"]) == [Verdict.MISSED, Verdict.MET]
    assert deputy_half_years([], [], 2021, date(2021, 12, 31)) == ()


def test_principal_must_speak_once_a_year():
    """The 主要负责同志 at one conference makes the year; none is at risk while the year runs and
    missed after it."""
    spoke = [conf(date(2021, 5, 1), (SpeakerRole.PRINCIPAL, "胡明远"))]
    assert principal_year(spoke, 2021, date(2021, 6, 1)).verdict is Verdict.MET
    silent = [conf(date(2021, 5, 1), (DEPUTY, "张三"))]
    assert principal_year(silent, 2021, date(2021, 6, 1)).verdict is Verdict.AT_RISK
    assert principal_year(silent, 2021, date(2022, 1, 1)).verdict is Verdict.MISSED


def test_report_hearing_and_training_once_a_year():
    """The 主要负责同志 hears the openness report and training is held in the year; one kind of
    meeting does not stand in for the other."""
    meetings = [Meeting(MeetingKind.TRAINING, date(2021, 5, 20))]
    assert meeting_year(meetings, MeetingKind.TRAINING, 2021, date(2021, 6, 1)).verdict is Verdict.MET
    hearing = meeting_year(meetings, MeetingKind.REPORT_HEARING, 2021, date(2021, 6, 1))
    assert hearing.verdict is Verdict.AT_RISK
    late = meeting_year(meetings, MeetingKind.REPORT_HEARING, 2021, date(2022, 2, 1))
    assert late.verdict is Verdict.MISSED


def test_bureau_findings_are_sentences_in_the_rule_order():
    """The findings read 「第三季度尚未举行新闻发布会」, 「分管领导张某某本半年尚未出席新闻发布会」 and
    name missed periods; every rule id is in the compliance table."""
    conferences = [
        conf(date(2021, 2, 1), (DEPUTY, "张某某"), (SpeakerRole.PRINCIPAL, "胡明远")),
        conf(date(2021, 5, 1), (DEPUTY, "李某某")),
    ]
    meetings = [Meeting(MeetingKind.REPORT_HEARING, date(2021, 3, 1))]
    found = bureau_findings(conferences, meetings, ["张某某", "李某某"], 2021, date(2021, 8, 1))
    texts = {f.text: f.verdict for f in found}
    assert texts["第三季度尚未举行新闻发布会"] is Verdict.AT_RISK
    assert texts["分管领导张某某本半年尚未出席新闻发布会"] is Verdict.AT_RISK
    assert texts["主要负责同志出席新闻发布会 1 次"] is Verdict.MET
    assert texts["今年尚未举办政务公开培训"] is Verdict.AT_RISK
    assert "第四季度尚未举行新闻发布会" not in texts  # not begun
    later = bureau_findings(conferences, [], ["张某某"], 2021, date(2022, 1, 3))
    missed = {f.text for f in later if f.verdict is Verdict.MISSED}
    assert {"第三季度未举行新闻发布会", "分管领导张某某下半年未出席新闻发布会"} <= missed
    assert "主要负责同志2021年未听取政务公开工作汇报" in missed
    assert "2021年未举办政务公开培训" in missed
    assert {f.rule_id for f in found} <= set(RULES_BY_ID)


def test_response_within_48_clock_hours():
    """Exactly 48 hours is in time, one minute more is late; an open 舆情 is at risk until its
    48 hours pass and missed after (clock hours: weekends count)."""
    on_time = opinion_checks(opinion(responded_at=SEEN + timedelta(hours=48)), SEEN)
    assert [c.rule_id for c in on_time] == [RULE_RESPONSE_48H]
    assert on_time[0].verdict is Verdict.MET
    late = opinion_checks(opinion(responded_at=SEEN + timedelta(hours=48, minutes=1)), SEEN)[0]
    assert late.verdict is Verdict.MISSED
    assert late.message == "回应用时 48 小时 1 分钟，超过 48 小时"
    friday = datetime(2021, 3, 5, 18, 0)  # the weekend does not stop the clock
    monday = opinion_checks(opinion(first_seen_at=friday), datetime(2021, 3, 8, 9, 0))[0]
    assert monday.verdict is Verdict.MISSED
    assert monday.message == "超过 48 小时未回应（已超 15 小时）"
    running = opinion_checks(opinion(), SEEN + timedelta(hours=47))[0]
    assert running.verdict is Verdict.AT_RISK and running.message == "回应时限还剩 1 小时"
    assert opinion_checks(opinion(), SEEN + timedelta(hours=48))[0].verdict is Verdict.AT_RISK
    assert opinion_checks(opinion(first_seen_at=None), SEEN) == ()


@pytest.mark.parametrize(
    ("level", "emergency", "rules"),
    [
        ("ordinary", True, [RULE_RESPONSE_48H]),
        ("major", False, [RULE_RESPONSE_48H]),
        ("major", True, [RULE_RESPONSE_48H, RULE_AUTHORITATIVE_5H, RULE_CONFERENCE_24H]),
        ("extraordinary", True, [RULE_RESPONSE_48H, RULE_AUTHORITATIVE_5H, RULE_CONFERENCE_24H]),
    ],
)
def test_5_and_24_hours_apply_to_major_emergencies_only(level, emergency, rules):
    """The 5-hour and 24-hour limits bind 重大 and 特别重大 突发事件 only."""
    checks = opinion_checks(opinion(level=level, emergency=emergency), SEEN)
    assert [c.rule_id for c in checks] == rules


def test_authoritative_5_hours_and_conference_24_hours_boundaries():
    """Authoritative information at 5 h and a conference at 24 h are in time; a minute later each
    is missed; unpublished after the limit is missed too."""
    base = opinion(level="major", emergency=True, responded_at=SEEN + timedelta(hours=2))
    checks = opinion_checks(
        {**base, "authoritative_at": SEEN + timedelta(hours=5), "conference_at": SEEN + timedelta(hours=24)},
        SEEN + timedelta(days=3),
    )
    assert [c.verdict for c in checks] == [Verdict.MET] * 3
    checks = opinion_checks(
        {
            **base,
            "authoritative_at": SEEN + timedelta(hours=5, minutes=1),
            "conference_at": SEEN + timedelta(hours=24, minutes=1),
        },
        SEEN + timedelta(days=3),
    )
    assert [c.verdict for c in checks] == [Verdict.MET, Verdict.MISSED, Verdict.MISSED]
    open_ = opinion_checks(base, SEEN + timedelta(hours=6))
    assert [c.verdict for c in open_] == [Verdict.MET, Verdict.MISSED, Verdict.AT_RISK]
    assert open_[1].message == "超过 5 小时未发布权威信息（已超 1 小时）"
    assert open_[2].message == "举行新闻发布会时限还剩 18 小时"


def test_opinion_states():
    """A 舆情 reads 待回应, 逾期未回应, 已回应, 超时回应 or 已回应，应急处置超时; broken limits are
    its problems, running ones its pending items."""
    spec = KINDS[EngagementKind.PUBLIC_OPINION]
    now = SEEN + timedelta(hours=50)
    assert assess(spec, opinion(), SEEN + timedelta(hours=1)).state == "待回应"
    overdue = assess(spec, opinion(), now)
    assert overdue.state == "逾期未回应" and overdue.problems
    assert assess(spec, opinion(responded_at=SEEN + timedelta(hours=3)), now).state == "已回应"
    late = assess(spec, opinion(responded_at=SEEN + timedelta(hours=49)), now)
    assert late.state == "超时回应" and late.problems == ("回应用时 49 小时，超过 48 小时",)
    slow = assess(
        spec,
        opinion(level="major", emergency=True, responded_at=SEEN + timedelta(hours=3)),
        SEEN + timedelta(hours=4),
    )
    assert slow.state == "已回应" and slow.pending == ("发布权威信息时限还剩 1 小时", "举行新闻发布会时限还剩 20 小时")
    assert assess(
        spec,
        opinion(level="major", emergency=True, responded_at=SEEN + timedelta(hours=3)),
        now,
    ).state == "已回应，应急处置超时"


def test_other_kinds_states():
    """Each kind says where a record stands in its own words."""
    now = datetime(2021, 6, 1, 12)
    cases = {
        EngagementKind.PRESS_CONFERENCE: ({"held_on": date(2021, 6, 9)}, "计划举行"),
        EngagementKind.INTERACTION: ({"answered_on": None}, "待答复"),
        EngagementKind.PROPOSAL: ({"replied_on": date(2021, 5, 1)}, "已答复，结果未公开"),
        EngagementKind.MEETING: ({"held_on": date(2021, 5, 9)}, "已召开"),
        EngagementKind.RECTIFICATION: (
            {"rectified_on": date(2021, 5, 1), "disclosed": True},
            "已整改并公开",
        ),
    }
    for kind, (values, state) in cases.items():
        assert assess(KINDS[kind], values, now).state == state


def test_every_kind_describes_its_fields_once():
    """Each kind's date, title and search fields are among its fields, and its labels are
    Chinese, unique and headed by the owning division."""
    assert [k for k in KINDS] == list(EngagementKind)
    for spec in KINDS.values():
        names = spec.names
        assert len(names) == len(set(names))
        assert {spec.date_field, spec.title_field, *spec.search} <= set(names)
        assert spec.field(spec.date_field).type in (FieldType.DATE, FieldType.DATETIME)
        labels = list(spec.labels.values())
        assert labels[0] == spec.division_label and len(labels) == len(set(labels))
        assert any(f.listed for f in spec.fields)


def test_validation_speaks_chinese():
    """Missing required fields, unreadable dates, unknown fields, times before the first sighting
    and a 分管领导 without a name are refused with Chinese reasons."""
    spec = KINDS[EngagementKind.PRESS_CONFERENCE]
    values, problems = normalise(spec, {"held_on": "2021-02-30", "colour": "红"})
    assert {(p.field, p.message) for p in problems} == {
        ("held_on", "不是有效的日期（格式：2021-03-05）"),
        ("colour", "「colour」不是新闻发布会的字段"),
    }
    found = {p.field: p.message for p in validate(spec, values)}
    assert found["topic"] == "必须填写" and found["speakers"] == "至少登记一位发布人"
    values, _ = normalise(
        spec,
        {"held_on": date(2021, 3, 1), "topic": "发布会", "speakers": [{"role": "deputy", "name": " "}]},
    )
    assert [p.message for p in validate(spec, values)] == ["请填写分管领导的姓名"]

    opinion_spec = KINDS[EngagementKind.PUBLIC_OPINION]
    values, problems = normalise(
        opinion_spec,
        {
            "subject": "网传某事",
            "source": "微博",
            "first_seen_at": "2021-03-01 09:00",
            "level": "重大",
            "responded_at": "2021-03-01 08:00",
            "conference_at": datetime(2021, 2, 28, 9),
        },
    )
    assert problems == [] and values["level"] == "major"
    found = {p.field: p.message for p in validate(opinion_spec, values)}
    assert found == {
        "responded_at": "回应时间不能早于发现时间",
        "conference_at": "新闻发布会时间不能早于发现时间",
        "response_channel": "已回应的舆情请填写回应渠道",
    }
    proposal = KINDS[EngagementKind.PROPOSAL]
    values, _ = normalise(
        proposal,
        {
            "proposal_type": "npc",
            "number": "第1号",
            "title": "x" * 301,
            "received_on": date(2021, 3, 1),
            "published_on": date(2021, 5, 1),
        },
    )
    assert [p.message for p in validate(proposal, values)] == ["不能超过 300 个字（现有 301 个字）"]
    values = {**values, "title": "建议"}
    assert [p.message for p in validate(proposal, values)] == ["办理结果公开前须先答复：请填写答复日期"]


def test_a_conference_link_must_be_a_web_address():
    """发布链接 「门户网站」 is refused with how a link starts; an https address passes."""
    spec = KINDS[EngagementKind.PRESS_CONFERENCE]
    base = {"held_on": date(2021, 3, 1), "topic": "发布会", "speakers": [{"role": "spokesperson", "name": "王建华"}]}
    values, _ = normalise(spec, {**base, "link": "门户网站"})
    found = {p.field: p.message for p in validate(spec, values)}
    assert "应以 http:// 或 https:// 开头" in found["link"]
    values, _ = normalise(spec, {**base, "link": "https://www.jiangxi.gov.cn/col/1/index.html"})
    assert "link" not in {p.field for p in validate(spec, values)}


def test_values_survive_storage_and_snapshots():
    """Speakers, divisions, times and flags come back the same from their columns and from an
    audit snapshot's text."""
    spec = KINDS[EngagementKind.PRESS_CONFERENCE]
    speakers = spec.field("speakers")
    people = (Speaker(SpeakerRole.PRINCIPAL, "胡明远"), Speaker(DEPUTY, "张三"))
    assert loaded(speakers, stored(speakers, people)) == people
    assert display(speakers, people) == "主要负责同志 胡明远、分管领导 张三"
    divisions = spec.field("involved_divisions")
    assert stored(divisions, (3, 5)) == "3,5" and loaded(divisions, "3,5") == (3, 5)
    assert display(divisions, (3, 9), {3: "综合处"}) == "综合处、（已停用的处室）"
    opinion_spec = KINDS[EngagementKind.PUBLIC_OPINION]
    snapshot = {"first_seen_at": "2021-03-01T09:30:00", "emergency": True, "level": "major"}
    values = values_from_stored(opinion_spec, snapshot)
    assert values["first_seen_at"] == datetime(2021, 3, 1, 9, 30)
    assert values["emergency"] is True and values["responded_at"] is None
    assert display(opinion_spec.field("level"), "major") == "重大"
    assert loaded(speakers, "not json") == ()
    assert hours_text(timedelta(hours=3, minutes=20)) == "3 小时 20 分钟"
    assert hours_text(timedelta(days=9, hours=5)) == "9 天"


def test_moments_of_a_reply_cannot_lie_in_the_future():
    """A response, authoritative information or press conference later than now is refused."""
    spec = KINDS[EngagementKind.PUBLIC_OPINION]
    now = datetime(2021, 3, 2, 12, 0)
    values, _ = normalise(
        spec,
        {
            "subject": "网传某事",
            "source": "微博",
            "first_seen_at": SEEN,
            "level": "major",
            "emergency": True,
            "responded_at": now + timedelta(minutes=1),
            "response_channel": "门户网站",
            "authoritative_at": now + timedelta(days=1),
            "conference_at": now,
        },
    )
    found = {p.field: p.message for p in validate(spec, values, now)}
    assert found == {
        "responded_at": "不能晚于当前时间（2021-03-02 12:00）",
        "authoritative_at": "不能晚于当前时间（2021-03-02 12:00）",
    }


def test_the_involved_divisions_column_holds_any_number_of_ids():
    """The joined 参与处室 ids are not cut off by a column length."""
    from gongkai_desktop.db.engagement_models import PressConference

    column = PressConference.__table__.c.involved_divisions
    assert getattr(column.type, "length", None) is None
    ids = tuple(range(1000, 1100))
    field = KINDS[EngagementKind.PRESS_CONFERENCE].field("involved_divisions")
    assert loaded(field, stored(field, ids)) == ids
