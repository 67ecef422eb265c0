"""The 首页 rules and the evaluation indicators resting on them read one grouped measure: for the
same scope and day, the records an indicator measures are judged alike on 首页 (its met among the
首页's met, its missed among the 首页's missed), and a changed record moves both."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from test_compliance_service import NOW, TODAY, bureau, item, tallies  # noqa: F401

from gongkai_desktop.domain.evaluation import Period
from gongkai_desktop.services.compliance import ComplianceService
from gongkai_desktop.services.evaluation import EvaluationService
from gongkai_desktop.services.ledger import ItemQuery, LedgerService


def both(app_ctx, admin, division_id, code, rule_id, today=TODAY, now=NOW, agree=True):  # type: ignore[no-untyped-def]
    """(measured, met) of the indicator for the division, and the (met, at risk, missed) of the
    首页 rule for the same division and day; checks (unless ``agree`` is False) that the
    measured records are judged alike."""
    result = EvaluationService(app_ctx.db, admin).evaluate(Period(today.year), today)
    division = next(d for d in result.divisions if d.division_id == division_id)
    count = next(s.count for s in division.scores if s.indicator.code == code)
    dashboard = ComplianceService(app_ctx.db, admin).dashboard(today.year, division_id, today, now)
    met, at_risk, missed = tallies(dashboard)[rule_id]
    if agree:
        assert count.met <= met and count.measured - count.met <= missed, (count, met, missed)
    return (count.measured, count.met), (met, at_risk, missed)


def test_zd1_and_the_20_working_day_rule_agree(app_ctx, admin, bureau):  # noqa: F811
    """Of 开发指导处's four items, three are past their deadline (one on time): ZD1 3/1; the
    首页 also counts the one still before its deadline as met; publishing it late moves both."""
    kf = bureau["kf"]
    assert both(app_ctx, admin, kf, "ZD1", "proactive_20_workdays") == ((3, 1), (2, 0, 2))
    ledger = LedgerService(app_ctx.db, admin)
    on_time = next(r for r in ledger.list_items(ItemQuery(), None, 50) if r.title == "按时公开")
    ledger.update_item(
        on_time.id, on_time.version, kf, item("按时公开", date(2021, 3, 1), date(2021, 6, 1))
    )
    assert both(app_ctx, admin, kf, "ZD1", "proactive_20_workdays") == ((3, 0), (1, 0, 3))


def test_zd2_and_the_portal_rule_agree(app_ctx, admin, bureau):  # noqa: F811
    """ZD2 measures the two published items (both list the portal); the 首页 also counts the
    unpublished ones by their planned channels; publishing the one without the portal moves
    it from not measured to missed, and the 首页 still counts it missed."""
    kf = bureau["kf"]
    assert both(app_ctx, admin, kf, "ZD2", "portal_channel") == ((2, 2), (3, 0, 1))
    ledger = LedgerService(app_ctx.db, admin)
    row = next(r for r in ledger.list_items(ItemQuery(), None, 50) if r.title == "无门户网站")
    fields = item("无门户网站", date(2021, 7, 19), date(2021, 7, 20), channels=("微博",))
    ledger.update_item(row.id, row.version, kf, fields)
    assert both(app_ctx, admin, kf, "ZD2", "portal_channel") == ((3, 2), (3, 0, 1))


def test_jd2_and_the_sync_rule_agree(app_ctx, admin, bureau):  # noqa: F811
    """JD2 measures 开发指导处's published or out-of-sync interpretations (1 of 2 in sync); one
    approved with its document but not yet out is not measured and is at risk on 首页; once
    published with its document it is met in both."""
    from gongkai_desktop.domain.interpretation import InterpretationFields
    from gongkai_desktop.services.interpretations import InterpretationService

    kf = bureau["kf"]
    service = InterpretationService(app_ctx.db, admin)
    fields = InterpretationFields(
        "《丙》政策解读", "丙", document_approved_on=date(2021, 7, 1), approved_on=date(2021, 7, 1)
    )
    made = service.create(kf, fields)
    assert both(app_ctx, admin, kf, "JD2", "interpretation_in_sync") == ((2, 1), (1, 1, 1))
    published = replace(
        fields, document_published_on=date(2021, 7, 5), published_on=date(2021, 7, 5)
    )
    service.update(made.row.id, made.row.version, published)
    assert both(app_ctx, admin, kf, "JD2", "interpretation_in_sync") == ((3, 2), (2, 0, 1))


def test_jc1_and_the_consultation_rules_agree(app_ctx, admin, bureau):  # noqa: F811
    """Of three consultations that ended in 2021, JC1 measures the one meeting both rules and
    the one missing both; the third, ended 16 July with its result not yet out, is not measured
    and its result is at risk on 首页; publishing the result meets JC1 and the result rule."""
    from gongkai_desktop.domain.decisions import ConsultationFields, DecisionFields, DecisionType
    from gongkai_desktop.services.decisions import DecisionService

    kf = bureau["kf"]
    service = DecisionService(app_ctx.db, admin)
    for title, fields in (
        (
            "甲",
            ConsultationFields(
                date(2021, 3, 1),
                date(2021, 3, 12),
                received=3,
                adopted=3,
                result_published_on=date(2021, 3, 19),
            ),
        ),
        ("乙", ConsultationFields(date(2021, 4, 1), date(2021, 4, 2))),
        ("丙", ConsultationFields(date(2021, 7, 5), date(2021, 7, 16))),
    ):
        decision = service.create(
            kf, DecisionFields(f"{title} 规范性文件", DecisionType.NORMATIVE.value)
        )
        last = service.create_consultation(decision.row.id, fields)

    def counts():  # type: ignore[no-untyped-def]
        jc1, period = both(app_ctx, admin, kf, "JC1", "consultation_period")
        dashboard = ComplianceService(app_ctx.db, admin).dashboard(2021, kf, TODAY, NOW)
        return jc1, period, tallies(dashboard)["consultation_result_published"]

    assert counts() == ((2, 1), (2, 0, 1), (1, 1, 1))
    service.update_consultation(
        last.id, last.version, replace(last.fields, result_published_on=date(2021, 7, 19))
    )
    assert counts() == ((3, 2), (2, 0, 1), (2, 0, 1))


def test_hy1_and_the_48_hour_rule_agree(app_ctx, admin, bureau):  # noqa: F811
    """Of 开发指导处's three 舆情, HY1 measures the one answered in time and the one answered
    late; the one seen yesterday evening is not measured and at risk on 首页; answering it
    within the 48 hours meets both."""
    from datetime import datetime, timedelta

    from gongkai_desktop.domain.engagement_choices import EngagementKind
    from gongkai_desktop.services.engagement import EngagementService

    kf = bureau["kf"]
    service = EngagementService(app_ctx.db, admin)
    opinion = {"source": "微博", "level": "ordinary", "response_channel": "门户网站"}
    seen = datetime(2021, 7, 1, 9, 0)
    for subject, first_seen, responded in (
        ("按时回应", seen, seen + timedelta(hours=20)),
        ("超时回应", seen, seen + timedelta(hours=60)),
        ("尚在时限内", datetime(2021, 7, 19, 18, 0), None),
    ):
        values = {**opinion, "subject": subject, "first_seen_at": first_seen}
        last = service.create(
            EngagementKind.PUBLIC_OPINION, {**values, "responded_at": responded}, kf
        )
    assert both(app_ctx, admin, kf, "HY1", "opinion_response_48_hours") == ((2, 1), (1, 1, 1))
    answered = {**values, "responded_at": datetime(2021, 7, 20, 10, 0)}
    service.update(EngagementKind.PUBLIC_OPINION, last.id, last.version, answered, kf)
    assert both(app_ctx, admin, kf, "HY1", "opinion_response_48_hours") == ((3, 2), (2, 0, 1))


def test_rw1_rw2_and_the_quarterly_report_rule_agree(app_ctx, admin, bureau):  # noqa: F811
    """开发指导处's first and second quarters are due by 20 July: RW1 measures every cell of
    them, one sent on time, and the 首页 counts the same cells; sent back for rectification the
    report stays on time for RW1, is missed for RW2 and at risk on 首页; accepted, it is met in
    all three, and each quarter's progress counts the same cells by state."""
    from gongkai_desktop.domain.plan import ReportState, ReviewResult

    kf, plan = bureau["kf"], bureau["plan"]
    overview = plan.overview(2021, TODAY)
    cells = 2 * sum(1 for t in overview.tasks for a in t.assignments if a.division_id == kf)
    report = next(
        a.report(2)
        for t in overview.tasks
        for a in t.assignments
        if a.division_id == kf and a.report(2)
    )

    def counts(agree=True):  # type: ignore[no-untyped-def]
        rw1, rule = both(app_ctx, admin, kf, "RW1", "quarterly_task_reports", agree=agree)
        result = EvaluationService(app_ctx.db, admin).evaluate(Period(2021), TODAY)
        division = next(d for d in result.divisions if d.division_id == kf)
        rw2 = next(s.count for s in division.scores if s.indicator.code == "RW2")
        return rw1, (rw2.measured, rw2.met), rule

    assert counts() == ((cells, 1), (0, 0), (1, 0, cells - 1))
    reviewed = plan.review_report(report.id, ReviewResult.RECTIFY, "补充佐证材料")
    dashboard = ComplianceService(app_ctx.db, admin).dashboard(2021, kf, TODAY, NOW)
    assert dashboard.quarters[1].counts[ReportState.RECTIFY] == 1
    # The one place the two differ: the 首页 rule also asks for the review's 合格.
    assert counts(agree=False) == ((cells, 1), (1, 0), (0, 1, cells - 1))
    plan.review_report(report.id, ReviewResult.PASS, expected_version=reviewed.version)
    assert counts() == ((cells, 1), (1, 1), (1, 0, cells - 1))
    dashboard = ComplianceService(app_ctx.db, admin).dashboard(2021, kf, TODAY, NOW)
    assert dashboard.quarters[1].counts[ReportState.PASSED] == 1
    assert sum(dashboard.quarters[0].counts.values()) == cells // 2


def test_fb1_px1_and_the_conference_and_training_rules_agree(app_ctx, admin, bureau):  # noqa: F811
    """With no conference or training yet, FB1 and PX1 are 不适用 and the 首页 rules are at risk
    or missed; a second-quarter conference without 开发指导处 makes FB1 0/1 and meets that
    quarter; naming it among the divisions makes FB1 1/1; a training for 社会帮扶处 makes PX1
    0/1 and meets the training rule, one for 各处室 1/2; a planned one counts for neither."""
    from gongkai_desktop.domain.engagement_choices import EngagementKind, SpeakerRole
    from gongkai_desktop.domain.engagement_fields import Speaker
    from gongkai_desktop.services.engagement import EngagementService

    kf, sb = bureau["kf"], bureau["sb"]
    service = EngagementService(app_ctx.db, admin)
    conference = "press_conference_quarterly"
    assert both(app_ctx, admin, kf, "FB1", conference) == ((0, 0), (0, 1, 2))

    def training():  # type: ignore[no-untyped-def]
        """PX1 measures, for every division, each training the 首页 rule counts as held."""
        px1, rule = both(app_ctx, admin, kf, "PX1", "training_held_yearly", agree=False)
        dashboard = ComplianceService(app_ctx.db, admin).dashboard(2021, kf, TODAY, NOW)
        notes = next(t.notes for t in dashboard.tallies if t.rule.id == "training_held_yearly")
        assert f"2021年举办培训 {px1[0]} 次" in notes
        return px1, rule

    assert training() == ((0, 0), (0, 1, 0))
    values = {
        "held_on": date(2021, 5, 6),
        "topic": "帮扶工作进展",
        "speakers": [Speaker(SpeakerRole.SPOKESPERSON, "李四")],
    }
    held = service.create(EngagementKind.PRESS_CONFERENCE, values, sb)
    assert both(app_ctx, admin, kf, "FB1", conference) == ((1, 0), (1, 1, 1))
    service.update(
        EngagementKind.PRESS_CONFERENCE,
        held.id,
        held.version,
        {**values, "involved_divisions": (kf,)},
        sb,
    )
    assert both(app_ctx, admin, kf, "FB1", conference) == ((1, 1), (1, 1, 1))
    meeting = {"meeting_kind": "training", "subject": "政务公开培训"}
    for day, participants in (
        (date(2021, 5, 20), "社会帮扶处全体人员"),
        (date(2021, 6, 10), "各处室联络员"),
        (date(2021, 9, 1), "各处室联络员"),  # planned: not held by 20 July
    ):
        service.create(
            EngagementKind.MEETING, {**meeting, "held_on": day, "participants": participants}, sb
        )
        if day.month == 5:
            assert training() == ((1, 0), (1, 0, 0))
    assert training() == ((2, 1), (1, 0, 0))
