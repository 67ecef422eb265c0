"""EngagementService on a real SQLite file: every kind created, read, changed and deleted through
the one generic mechanism with its audit rows; permissions with audited refusals; version
conflicts; the list's filters; the rules of a year; the 分管领导 list; the demo step."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from gongkai_desktop.db.models import AuditEntry
from gongkai_desktop.demo import demo_job
from gongkai_desktop.domain.compliance import Verdict
from gongkai_desktop.domain.engagement import KINDS
from gongkai_desktop.domain.engagement_choices import EngagementKind, SpeakerRole
from gongkai_desktop.domain.engagement_fields import Speaker
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.domain.public_opinion import (
    RULE_AUTHORITATIVE_5H,
    RULE_CONFERENCE_24H,
    RULE_RESPONSE_48H,
)
from gongkai_desktop.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.engagement import EngagementService
from gongkai_desktop.services.engagement_records import (
    EngagementQuery,
    entity_of,
    values_from_snapshot,
)
from gongkai_desktop.services.engagement_rules import DEPUTY_SETTING

K = EngagementKind

# One valid record of each kind, and a field to change in the update.
SAMPLES: dict[EngagementKind, tuple[dict, str, object]] = {
    K.PRESS_CONFERENCE: (
        {
            "held_on": date(2021, 5, 12),
            "topic": "防止返贫动态监测和帮扶工作新闻发布会",
            "speakers": [Speaker(SpeakerRole.PRINCIPAL, "胡明远"), Speaker(SpeakerRole.DEPUTY, "徐长青")],
            "link": "http://xczx.jiangxi.gov.cn/col/1.html",
        },
        "topic",
        "脱贫人口稳岗就业新闻发布会",
    ),
    K.PUBLIC_OPINION: (
        {
            "subject": "网传某县脱贫户被取消帮扶资格",
            "source": "微博",
            "first_seen_at": datetime(2021, 5, 3, 9, 30),
            "level": "ordinary",
            "responded_at": datetime(2021, 5, 4, 10, 0),
            "response_channel": "门户网站",
        },
        "judgement",
        "经核实，相关说法不实。",
    ),
    K.INTERACTION: (
        {"form": "message", "subject": "咨询小额信贷申请条件", "received_on": date(2021, 4, 2)},
        "answered_on",
        date(2021, 4, 6),
    ),
    K.PROPOSAL: (
        {
            "proposal_type": "cppcc",
            "number": "2021年提案第123号",
            "title": "关于推动消费帮扶提质增效的提案",
            "received_on": date(2021, 3, 15),
        },
        "replied_on",
        date(2021, 6, 1),
    ),
    K.MEETING: (
        {"meeting_kind": "training", "held_on": date(2021, 5, 20), "subject": "政务公开业务培训班"},
        "participants",
        "各处室联络员",
    ),
    K.RECTIFICATION: (
        {"source": "audit", "problem": "衔接资金分配结果公开不完整", "found_on": date(2021, 6, 3)},
        "disclosed",
        True,
    ),
}


@pytest.fixture
def divisions(app_ctx, admin):  # type: ignore[no-untyped-def]
    service = AdminService(app_ctx.db, admin)
    return {name: service.division_by_name(name).id for name in ("综合处", "开发指导处", "社会帮扶处")}


def audit_rows(app_ctx, entity: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with app_ctx.db.read() as session:
        return [
            (action, outcome)
            for action, outcome in session.execute(
                select(AuditEntry.action, AuditEntry.outcome)
                .where(AuditEntry.entity == entity)
                .order_by(AuditEntry.id)
            )
        ]


@pytest.mark.parametrize("kind", list(EngagementKind), ids=lambda k: k.value)
def test_each_kind_goes_through_create_read_update_delete(app_ctx, liaison, divisions, kind):
    """A liaison records, changes and deletes a record of their division; each step is one audit
    row and the version moves on."""
    service = EngagementService(app_ctx.db, liaison)
    values, field, new_value = SAMPLES[kind]
    created = service.create(kind, values)
    assert created.division_id == divisions["开发指导处"] and created.editable
    assert created.version == 1 and created.division_name == "开发指导处"
    for name, value in values.items():
        expected = tuple(value) if isinstance(value, list) else value
        assert created[name] == expected
    assert service.get(kind, created.id).values == created.values
    changed = service.update(kind, created.id, created.version, {**created.values, field: new_value})
    assert changed.version == 2 and changed[field] == new_value
    assert [r.id for r in service.list_records(EngagementQuery(kind))] == [created.id]
    service.delete(kind, changed.id, changed.version)
    assert service.list_records(EngagementQuery(kind)) == []
    with pytest.raises(NotFound):
        service.get(kind, created.id)
    entity = entity_of(kind)
    assert audit_rows(app_ctx, entity) == [
        (f"{entity}.create", "ok"),
        (f"{entity}.update", "ok"),
        (f"{entity}.delete", "ok"),
    ]


def test_a_liaison_is_refused_other_divisions_and_the_refusal_is_audited(
    app_ctx, admin, liaison, divisions
):
    """Creating for, changing or deleting another division's record is refused, audited as
    denied, and changes nothing."""
    service = EngagementService(app_ctx.db, liaison)
    values = SAMPLES[K.MEETING][0]
    with pytest.raises(PermissionDenied, match="联络员只能编辑本处室"):
        service.create(K.MEETING, values, divisions["社会帮扶处"])
    theirs = EngagementService(app_ctx.db, admin).create(K.MEETING, values, divisions["社会帮扶处"])
    assert not service.get(K.MEETING, theirs.id).editable
    with pytest.raises(PermissionDenied):
        service.update(K.MEETING, theirs.id, 1, {**values, "subject": "改"})
    with pytest.raises(PermissionDenied):
        service.delete(K.MEETING, theirs.id, 1)
    own = service.create(K.MEETING, values)
    with pytest.raises(PermissionDenied):  # moving one's record into another division
        service.update(K.MEETING, own.id, own.version, values, divisions["社会帮扶处"])
    assert service.get(K.MEETING, theirs.id).version == 1
    assert audit_rows(app_ctx, "work_meeting") == [
        ("work_meeting.create", "denied"),
        ("work_meeting.create", "ok"),
        ("work_meeting.update", "denied"),
        ("work_meeting.delete", "denied"),
        ("work_meeting.create", "ok"),
        ("work_meeting.update", "denied"),
    ]


def test_a_leader_reads_everything_and_changes_nothing(app_ctx, admin, make_user, divisions):
    """A leader sees every division's records, none editable, and may not record one."""
    EngagementService(app_ctx.db, admin).create(K.PROPOSAL, SAMPLES[K.PROPOSAL][0], divisions["开发指导处"])
    leader = make_user("ld", "综合处", Role.LEADER)
    service = EngagementService(app_ctx.db, leader)
    rows = service.list_records(EngagementQuery(K.PROPOSAL))
    assert len(rows) == 1 and not rows[0].editable
    assert service.editable_divisions() == []
    with pytest.raises(PermissionDenied, match="领导账号只能查看"):
        service.create(K.PROPOSAL, SAMPLES[K.PROPOSAL][0])


def test_the_admin_moves_a_record_between_divisions(app_ctx, admin, divisions):
    """The admin may record for any division and move a record to another one."""
    service = EngagementService(app_ctx.db, admin)
    record = service.create(K.RECTIFICATION, SAMPLES[K.RECTIFICATION][0], divisions["开发指导处"])
    moved = service.update(
        K.RECTIFICATION, record.id, record.version, record.values, divisions["社会帮扶处"]
    )
    assert moved.division_name == "社会帮扶处"
    assert len(service.editable_divisions()) == len(service.divisions())


def test_an_inactive_division_takes_no_new_or_moved_records(app_ctx, admin, divisions):
    """A deactivated division is refused for a new record and as a move's target; its own
    records can still be corrected."""
    service = EngagementService(app_ctx.db, admin)
    kept = service.create(K.RECTIFICATION, SAMPLES[K.RECTIFICATION][0], divisions["开发指导处"])
    other = service.create(K.RECTIFICATION, SAMPLES[K.RECTIFICATION][0], divisions["社会帮扶处"])
    AdminService(app_ctx.db, admin).update_division(divisions["开发指导处"], active=False)
    with pytest.raises(ValidationError, match="已停用"):
        service.create(K.RECTIFICATION, SAMPLES[K.RECTIFICATION][0], divisions["开发指导处"])
    with pytest.raises(ValidationError, match="已停用"):
        service.update(
            K.RECTIFICATION, other.id, other.version, other.values, divisions["开发指导处"]
        )
    changed = service.update(
        K.RECTIFICATION, kept.id, kept.version, kept.values, divisions["开发指导处"]
    )
    assert changed.division_name == "开发指导处"


def test_a_stale_version_is_a_conflict_carrying_the_stored_record(app_ctx, liaison):
    """Saving over a record someone else changed meanwhile raises ConflictError with the stored
    values, which read back into the kind's values."""
    service = EngagementService(app_ctx.db, liaison)
    values = SAMPLES[K.PRESS_CONFERENCE][0]
    record = service.create(K.PRESS_CONFERENCE, values)
    service.update(K.PRESS_CONFERENCE, record.id, record.version, {**values, "topic": "对方的主题"})
    with pytest.raises(ConflictError) as caught:
        service.update(K.PRESS_CONFERENCE, record.id, record.version, {**values, "topic": "我的主题"})
    assert caught.value.current["version"] == 2
    theirs = values_from_snapshot(K.PRESS_CONFERENCE, caught.value.current)
    assert theirs["topic"] == "对方的主题"
    assert theirs["speakers"] == tuple(values["speakers"])
    assert service.get(K.PRESS_CONFERENCE, record.id)["topic"] == "对方的主题"
    with pytest.raises(ConflictError):
        service.delete(K.PRESS_CONFERENCE, record.id, record.version)


def test_invalid_values_are_refused_with_their_labels(app_ctx, liaison):
    """A record with problems is not stored; the message names each field by its label."""
    service = EngagementService(app_ctx.db, liaison)
    with pytest.raises(ValidationError) as caught:
        service.create(
            K.PUBLIC_OPINION,
            {"subject": "", "source": "微博", "first_seen_at": "昨天", "level": "重大"},
        )
    assert "政务舆情回应填写有误，未保存" in str(caught.value)
    assert caught.value.problems == ["「发现时间」：不是有效的时间（格式：2021-03-05 14:30）", "「舆情事项」：必须填写"]
    with pytest.raises(ValidationError, match="所选处室不存在"):
        service.create(K.PRESS_CONFERENCE, {**SAMPLES[K.PRESS_CONFERENCE][0], "involved_divisions": [999]})
    assert service.list_records(EngagementQuery(K.PUBLIC_OPINION)) == []


def test_filters_by_year_division_text_and_problems(app_ctx, admin, divisions):
    """The list filters by the kind's date year, by division, by every word of the text, and to
    the records that break a rule; the most recent come first."""
    service = EngagementService(app_ctx.db, admin)
    base = SAMPLES[K.PUBLIC_OPINION][0]
    seen = datetime(2021, 12, 31, 23, 0)
    a = service.create(K.PUBLIC_OPINION, {**base, "first_seen_at": seen, "responded_at": seen + timedelta(hours=2)}, divisions["开发指导处"])
    b = service.create(
        K.PUBLIC_OPINION,
        {**base, "subject": "网传100%_补贴取消", "first_seen_at": datetime(2022, 1, 1, 0, 0), "responded_at": datetime(2022, 1, 4, 9, 0)},
        divisions["社会帮扶处"],
    )

    def ids(**kw) -> list[int]:  # type: ignore[no-untyped-def]
        return [r.id for r in service.list_records(EngagementQuery(K.PUBLIC_OPINION, **kw))]

    assert ids() == [b.id, a.id]
    assert ids(year=2021) == [a.id] and ids(year=2022) == [b.id]
    assert ids(division_id=divisions["社会帮扶处"]) == [b.id]
    assert ids(text="100%_") == [b.id] and ids(text="补贴 网传") == [b.id] and ids(text="微博") == [b.id, a.id]
    assert ids(problems_only=True) == [b.id]
    assert service.years()[-2:] == [2022, 2021]


def test_the_rules_of_a_year(app_ctx, admin, divisions):
    """The evaluation counts the bureau's conferences by quarter and 分管领导, the principal, the
    hearing and the training, and each 舆情's hour limits."""
    service = EngagementService(app_ctx.db, admin)
    service.set_deputy_roster(["徐长青", "邹 立新"])
    conference = SAMPLES[K.PRESS_CONFERENCE][0]
    service.create(K.PRESS_CONFERENCE, {**conference, "held_on": date(2021, 2, 5)})
    service.create(
        K.PRESS_CONFERENCE,
        {**conference, "held_on": date(2021, 12, 1), "speakers": [Speaker(SpeakerRole.DEPUTY, "邹立新")]},
    )
    service.create(K.MEETING, {"meeting_kind": "hearing", "held_on": date(2021, 3, 5), "subject": "听取汇报"})
    opinion = SAMPLES[K.PUBLIC_OPINION][0]
    seen = datetime(2021, 7, 1, 8, 0)
    service.create(
        K.PUBLIC_OPINION,
        {**opinion, "first_seen_at": seen, "level": "extraordinary", "emergency": True,
         "responded_at": seen + timedelta(hours=1), "authoritative_at": seen + timedelta(hours=6)},
        divisions["开发指导处"],
    )
    service.create(K.PUBLIC_OPINION, {**opinion, "first_seen_at": datetime(2021, 7, 19, 20, 0), "responded_at": None, "response_channel": ""})
    ev = service.evaluate(2021, today=date(2021, 7, 20), now=datetime(2021, 7, 20, 12, 0))
    assert [r.verdict for r in ev.quarters] == [Verdict.MET, Verdict.MISSED, Verdict.AT_RISK, Verdict.NOT_APPLICABLE]
    assert ev.conferences == 1  # December's is not held yet
    assert ev.roster == ("徐长青", "邹立新")
    deputies = {name: [r.verdict for r in results] for name, results in ev.deputies}
    assert deputies == {"徐长青": [Verdict.MET, Verdict.AT_RISK], "邹立新": [Verdict.MISSED, Verdict.AT_RISK]}
    assert ev.principal.verdict is Verdict.MET and ev.hearing.verdict is Verdict.MET
    assert ev.training.verdict is Verdict.AT_RISK
    assert [c.verdict for _o, c in ev.checks(RULE_RESPONSE_48H)] == [Verdict.MET, Verdict.AT_RISK]
    assert [c.verdict for _o, c in ev.checks(RULE_AUTHORITATIVE_5H)] == [Verdict.MISSED]
    assert [c.verdict for _o, c in ev.checks(RULE_CONFERENCE_24H)] == [Verdict.MISSED]
    texts = [f.text for f in ev.findings if f.verdict is not Verdict.MET]
    assert "第三季度尚未举行新闻发布会" in texts and "分管领导邹立新上半年未出席新闻发布会" in texts
    scoped = service.evaluate(2021, divisions["开发指导处"], date(2021, 7, 20), datetime(2021, 7, 20, 12))
    assert len(scoped.opinions) == 1 and len(scoped.quarters) == 4
    owed = service.open_opinions(None, datetime(2021, 7, 22, 12))
    assert [(o.subject, [c.rule_id for c in o.checks]) for o in owed] == [
        ("网传某县脱贫户被取消帮扶资格", [RULE_CONFERENCE_24H]),
        ("网传某县脱贫户被取消帮扶资格", [RULE_RESPONSE_48H]),
    ]


def test_the_deputy_list_is_kept_by_the_admin_and_audited(app_ctx, admin, liaison):
    """Only the admin sets the 分管领导 list; names are trimmed and kept once, and the change is
    audited."""
    with pytest.raises(PermissionDenied):
        EngagementService(app_ctx.db, liaison).set_deputy_roster(["张三"])
    service = EngagementService(app_ctx.db, admin)
    assert service.set_deputy_roster([" 张三 ", "", "李四", "张三"]) == ("张三", "李四")
    assert EngagementService(app_ctx.db, liaison).deputy_roster() == ("张三", "李四")
    with pytest.raises(ValidationError, match="过长"):
        service.set_deputy_roster(["张" * 40])
    with app_ctx.db.read() as session:
        rows = session.execute(
            select(AuditEntry.outcome, AuditEntry.after).where(AuditEntry.entity_id == DEPUTY_SETTING)
        ).all()
    assert [r.outcome for r in rows] == ["denied", "ok"]
    assert "李四" in rows[1].after


def test_demo_step_fills_every_kind_and_breaks_each_rule(app_ctx):
    """The demo writes each kind in each of its three years, breaks every rule somewhere, and
    adds nothing when run again."""
    run_job(demo_job(app_ctx, None, year=2021, scale=40))
    admin = AuthService(app_ctx.db).login("admin", "demo-gk-2026")
    service = EngagementService(app_ctx.db, admin)
    counts = {}
    for kind in EngagementKind:
        rows = service.list_records(EngagementQuery(kind))
        counts[kind] = len(rows)
        assert {r.dated.year for r in rows} == {2019, 2020, 2021}, kind
    assert service.deputy_roster() == ("徐长青", "邹立新", "何建平")
    missed: set[str] = set()
    for year in (2019, 2020, 2021):
        ev = service.evaluate(year)
        missed |= {f.rule_id for f in ev.findings if f.verdict is Verdict.MISSED}
        for rule_id in (RULE_RESPONSE_48H, RULE_AUTHORITATIVE_5H, RULE_CONFERENCE_24H):
            if any(c.verdict is Verdict.MISSED for _o, c in ev.checks(rule_id)):
                missed.add(rule_id)
    from gongkai_desktop.domain.compliance import RULES

    engagement_rules = {r.id for r in RULES if r.page == "engagement"}
    assert missed == engagement_rules
    major = service.list_records(EngagementQuery(K.PUBLIC_OPINION, text="受损"))
    assert any(r["level"] == "major" and r["emergency"] for r in major)
    run_job(demo_job(app_ctx, admin, year=2021, scale=40))
    assert {k: len(service.list_records(EngagementQuery(k))) for k in EngagementKind} == counts


def test_every_kind_has_a_table():
    """The service maps each kind to a table named in the audit log."""
    assert {entity_of(k) for k in KINDS} == {
        "press_conference",
        "public_opinion",
        "public_interaction",
        "proposal",
        "work_meeting",
        "rectification",
    }
