"""The compliance dashboard's tallies (SPEC §12) on a real SQLite file: each rule counts the records
of the user's scope as met, at risk or missed; the to-do list and the quarterly progress follow."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from gongkai_desktop.db.request_models import AnnualReport
from gongkai_desktop.domain.compliance import RULES, Verdict
from gongkai_desktop.domain.disclosure import ItemFields
from gongkai_desktop.domain.interpretation import InterpretationFields
from gongkai_desktop.domain.plan import QUARTERS, ReportState, TaskStatus
from gongkai_desktop.domain.requests import OUTCOME_LABELS, ApplicantType, Channel
from gongkai_desktop.importers.plan import parse_plan_file
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.compliance import ComplianceService
from gongkai_desktop.services.interpretations import InterpretationService
from gongkai_desktop.services.ledger import LedgerService
from gongkai_desktop.services.ledger_catalogue import RepostFields, RepostService
from gongkai_desktop.services.plan import PlanService
from gongkai_desktop.services.requests import RequestInput, RequestService

SEED = Path(__file__).resolve().parents[2] / "resources" / "samples" / "plan-2021.txt"
TODAY = date(2021, 7, 20)
NOW = datetime(2021, 7, 20, 12, 0)


def item(title: str, formed: date, published: date | None = None, channels=("门户网站",)) -> ItemFields:  # type: ignore[no-untyped-def]
    return ItemFields(title, "执行公开", "proactive", None, formed, published, channels=channels)


def request(reg_no: str, division_id: int, received: date, **kw) -> RequestInput:  # type: ignore[no-untyped-def]
    if kw.get("answer_date"):
        kw.setdefault("outcome", OUTCOME_LABELS[0])
    return RequestInput(
        reg_no, received, Channel.ONLINE, ApplicantType.NATURAL_PERSON, division_id, "张三", "申请公开项目资金", **kw
    )


@pytest.fixture
def bureau(app_ctx, admin):  # type: ignore[no-untyped-def]
    """A year of 2021 records in 开发指导处 (kf), one overdue item in 社会帮扶处 (sb)."""
    admin_service = AdminService(app_ctx.db, admin)
    kf = admin_service.division_by_name("开发指导处").id
    sb = admin_service.division_by_name("社会帮扶处").id
    ledger = LedgerService(app_ctx.db, admin)
    ledger.create_item(kf, item("按时公开", date(2021, 3, 1), date(2021, 3, 5)))
    ledger.create_item(kf, item("逾期未公开", date(2021, 3, 1)))
    ledger.create_item(kf, item("逾期公开", date(2021, 3, 1), date(2021, 5, 30)))
    ledger.create_item(kf, item("无门户网站", date(2021, 7, 19), channels=("微博",)))
    ledger.create_item(sb, item("他处逾期", date(2021, 3, 1)))
    requests = RequestService(app_ctx.db, admin)
    requests.create_request(request("2021-001", kf, date(2021, 6, 1), answer_date=date(2021, 6, 10)))
    requests.create_request(request("2021-002", kf, date(2021, 5, 6)))
    # 补正 told on 21 June: the 7th working day after 1 June was 10 June (端午 on 14 June).
    requests.create_request(
        request(
            "2021-003",
            kf,
            date(2021, 6, 1),
            correction_notice_date=date(2021, 6, 21),
            correction_received_date=date(2021, 6, 22),
            answer_date=date(2021, 6, 25),
        )
    )
    interpretations = InterpretationService(app_ctx.db, admin)
    interpretations.create(
        kf,
        InterpretationFields(
            "《甲》政策解读",
            "甲",
            document_approved_on=date(2021, 4, 6),
            approved_on=date(2021, 4, 7),
        ),
    )
    interpretations.create(
        kf,
        InterpretationFields(
            "《乙》政策解读",
            "乙",
            document_approved_on=date(2021, 4, 6),
            approved_on=date(2021, 4, 6),
            document_published_on=date(2021, 4, 9),
            published_on=date(2021, 4, 9),
        ),
    )
    reposts = RepostService(app_ctx.db, admin)
    reposts.save_repost(
        None,
        kf,
        RepostFields("按时转载", "国务院办公厅", "central", datetime(2021, 7, 1, 9), datetime(2021, 7, 1, 15)),
    )
    reposts.save_repost(
        None,
        kf,
        RepostFields("超时转载", "国务院办公厅", "central", datetime(2021, 7, 1, 9), datetime(2021, 7, 3, 10)),
    )
    plan = PlanService(app_ctx.db, admin)
    plan.import_plan(2021, parse_plan_file(SEED).tasks)
    first = next(t for t in plan.overview(2021, TODAY).tasks if t.assignment_of(kf))
    plan.save_report(
        first.assignment_of(kf).id,
        2,
        progress="已按要求推进。",
        status=TaskStatus.IN_PROGRESS,
        today=date(2021, 7, 5),
    )
    return {"kf": kf, "sb": sb, "plan": plan}


def tallies(dashboard) -> dict:  # type: ignore[no-untyped-def]
    return {t.rule.id: (t.met, t.at_risk, t.missed) for t in dashboard.tallies}


def test_every_rule_is_tallied_for_a_division(app_ctx, admin, bureau):
    """For 开发指导处 each rule counts exactly that division's records of the year."""
    dashboard = ComplianceService(app_ctx.db, admin).dashboard(2021, bureau["kf"], TODAY, NOW)
    assert dashboard.scope == "开发指导处"
    assert [t.rule.id for t in dashboard.tallies] == [r.id for r in RULES]
    counts = tallies(dashboard)
    assert counts["proactive_20_workdays"] == (2, 0, 2)  # on time + pending; overdue + late
    assert counts["portal_channel"] == (3, 0, 1)
    assert counts["repost_24_hours"] == (1, 0, 1)
    assert counts["interpretation_in_sync"] == (1, 0, 1)
    assert counts["request_20_workdays"] == (2, 0, 1)
    assert counts["correction_notice_7_workdays"] == (0, 0, 1)
    assert counts["annual_report_by_january_31"] == (0, 0, 1)
    overview = bureau["plan"].overview(2021, TODAY)
    assignments = [a for t in overview.tasks for a in t.assignments if a.division_id == bureau["kf"]]
    # Q1 and Q2 are due by 20 July: one Q2 report came in on time, every other one is overdue.
    assert counts["quarterly_task_reports"] == (1, 0, 2 * len(assignments) - 1)
    verdicts = {t.rule.id: t.verdict for t in dashboard.tallies}
    assert verdicts["portal_channel"] is Verdict.MISSED


def test_the_bureau_scope_counts_every_division(app_ctx, admin, bureau):
    """Without a division, the admin sees the whole bureau: 社会帮扶处's overdue item too."""
    dashboard = ComplianceService(app_ctx.db, admin).dashboard(2021, None, TODAY, NOW)
    assert dashboard.scope == "全局"
    assert tallies(dashboard)["proactive_20_workdays"] == (2, 0, 3)
    titles = [a.title for a in dashboard.attention if a.kind == "公开事项"]
    assert titles == ["逾期未公开", "他处逾期"] or titles == ["他处逾期", "逾期未公开"]


def test_a_liaison_sees_their_own_division_only(app_ctx, bureau, liaison):
    """A liaison's dashboard is their division's, whatever division is asked for."""
    dashboard = ComplianceService(app_ctx.db, liaison).dashboard(2021, bureau["sb"], TODAY, NOW)
    assert dashboard.division_id == bureau["kf"]
    assert {a.division_name for a in dashboard.attention} == {"开发指导处"}
    assert tallies(dashboard)["proactive_20_workdays"] == (2, 0, 2)


def test_attention_lists_what_is_overdue_first(app_ctx, admin, bureau):
    """The to-do list holds overdue items, requests and reports, the longest overdue first."""
    dashboard = ComplianceService(app_ctx.db, admin).dashboard(2021, bureau["kf"], TODAY, NOW)
    kinds = {a.kind for a in dashboard.attention}
    assert {"公开事项", "依申请公开", "年度任务"} <= kinds
    request = next(a for a in dashboard.attention if a.kind == "依申请公开")
    assert request.title.startswith("2021-002") and request.state == "逾期"
    lefts = [a.days_left for a in dashboard.attention if a.days_left is not None]
    assert lefts == sorted(lefts) and lefts[0] < 0


def test_quarterly_progress_counts_reports_by_state(app_ctx, admin, bureau):
    """Each quarter's reports of the scope are counted by state; Q3 and Q4 are not due yet."""
    dashboard = ComplianceService(app_ctx.db, admin).dashboard(2021, bureau["kf"], TODAY, NOW)
    q1, q2, q3, q4 = dashboard.quarters
    assert [q.quarter for q in dashboard.quarters] == list(QUARTERS)
    assert q2.counts[ReportState.SUBMITTED] == 1
    assert q1.counts[ReportState.OVERDUE] == q2.counts[ReportState.OVERDUE] + 1
    assert set(q4.counts) == {ReportState.NOT_DUE} and q4.expected == 0
    assert ReportState.OVERDUE not in q3.counts


def test_annual_report_is_judged_on_its_recorded_publication_date(app_ctx, admin, bureau):
    """The previous year's report: at risk in January; an export alone does not meet the rule
    (missed after 31 January); the first publication date recorded decides, re-exports do not."""
    from gongkai_desktop.services.annual_report import AnnualReportService

    service = ComplianceService(app_ctx.db, admin)
    january = service.dashboard(2021, None, date(2021, 1, 15), datetime(2021, 1, 15, 9))
    assert tallies(january)["annual_report_by_january_31"] == (0, 1, 0)
    with app_ctx.db.write() as session:
        session.add(AnnualReport(year=2020, exported_at=datetime(2021, 1, 20, 2, 0)))
    exported_only = service.dashboard(2021, None, TODAY, NOW)
    assert tallies(exported_only)["annual_report_by_january_31"] == (0, 0, 1)
    reports = AnnualReportService(app_ctx.db, admin)
    reports.record_publication(2020, date(2021, 1, 28), today=date(2021, 2, 1))
    with app_ctx.db.write() as session:  # exported again in March: publication stays 28 January
        session.execute(
            AnnualReport.__table__.update().values(exported_at=datetime(2021, 3, 3, 2, 0))
        )
    on_time = service.dashboard(2021, None, TODAY, NOW)
    assert tallies(on_time)["annual_report_by_january_31"] == (1, 0, 0)
    reports.record_publication(2020, date(2021, 2, 3), today=date(2021, 2, 4))
    assert tallies(service.dashboard(2021, None, TODAY, NOW))["annual_report_by_january_31"] == (0, 0, 1)


def test_publication_date_is_checked_and_audited(app_ctx, admin, liaison, bureau):
    """A date inside the reported year or in the future is refused; a liaison may not record."""
    from gongkai_desktop.errors import PermissionDenied, ValidationError
    from gongkai_desktop.services.annual_report import AnnualReportService

    reports = AnnualReportService(app_ctx.db, admin)
    with pytest.raises(ValidationError, match="2020年结束之后"):
        reports.record_publication(2020, date(2020, 12, 30), today=date(2021, 2, 1))
    with pytest.raises(ValidationError, match="晚于今天"):
        reports.record_publication(2020, date(2021, 2, 2), today=date(2021, 2, 1))
    with pytest.raises(PermissionDenied):
        AnnualReportService(app_ctx.db, liaison).record_publication(2020, date(2021, 1, 20))
    data = reports.record_publication(2020, date(2021, 1, 20), today=date(2021, 2, 1))
    assert data.published_on == date(2021, 1, 20)


def test_an_empty_year_is_not_applicable(app_ctx, admin, bureau):
    """A year without records gives 不适用, not 达标, for the record rules."""
    dashboard = ComplianceService(app_ctx.db, admin).dashboard(2019, None, date(2019, 6, 1))
    verdicts = {t.rule.id: t.verdict for t in dashboard.tallies}
    assert verdicts["proactive_20_workdays"] is Verdict.NOT_APPLICABLE
    assert verdicts["request_20_workdays"] is Verdict.NOT_APPLICABLE


def test_cli_prints_the_dashboard_of_the_scope(app_ctx, admin, bureau, liaison, run_cli):
    """``gongkai compliance --json`` gives the rules and the to-do list; a liaison asking for
    another division still gets their own."""
    import json

    from support import ADMIN_PASSWORD, LIAISON_PASSWORD

    code, out, err = run_cli(
        "--as", "admin", "compliance", "--year", "2021", "--division", "社会帮扶处", "--json",
        password=ADMIN_PASSWORD,
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["scope"] == "社会帮扶处" and len(data["rules"]) == len(RULES)
    proactive = next(r for r in data["rules"] if r["id"] == "proactive_20_workdays")
    assert (proactive["met"], proactive["missed"], proactive["verdict"]) == (0, 1, "未达标")
    assert [a["title"] for a in data["attention"] if a["kind"] == "公开事项"] == ["他处逾期"]
    code, out, _ = run_cli(
        "--as", "lly_kf", "compliance", "--year", "2021", "--division", "社会帮扶处",
        password=LIAISON_PASSWORD,
    )
    assert code == 0 and out.startswith("开发指导处，2021年合规检查")
    assert "[未达标] 主动公开的政府信息通过政府门户网站公开" in out


def test_engagement_rules_are_tallied_and_overdue_opinions_listed(app_ctx, admin, bureau):
    """Press conferences count by quarter, 分管领导 by half-year and the principal by year; each
    舆情's 48 h / 5 h / 24 h limits count per record (open ones within the limit at risk); the
    report hearing and training count for the year; an unanswered 舆情 past 48 hours is a to-do
    on the engagement page."""
    from datetime import timedelta

    from gongkai_desktop.domain.engagement_choices import EngagementKind, SpeakerRole
    from gongkai_desktop.domain.engagement_fields import Speaker
    from gongkai_desktop.services.engagement import EngagementService

    service = EngagementService(app_ctx.db, admin)
    service.create(
        EngagementKind.PRESS_CONFERENCE,
        {
            "held_on": date(2021, 2, 5),
            "topic": "一季度新闻发布会",
            "speakers": [Speaker(SpeakerRole.PRINCIPAL, "胡明远"), Speaker(SpeakerRole.DEPUTY, "张三")],
        },
    )
    service.create(
        EngagementKind.MEETING,
        {"meeting_kind": "training", "held_on": date(2021, 5, 20), "subject": "政务公开培训"},
    )
    seen = datetime(2021, 7, 1, 9, 0)
    opinion = {"source": "微博", "level": "ordinary", "response_channel": "门户网站"}
    kf = bureau["kf"]
    for subject, first_seen, responded in (
        ("按时回应", seen, seen + timedelta(hours=20)),
        ("超时回应", seen, seen + timedelta(hours=60)),
        ("逾期未回应", datetime(2021, 7, 16, 9, 0), None),
        ("尚在时限内", datetime(2021, 7, 19, 18, 0), None),
    ):
        service.create(
            EngagementKind.PUBLIC_OPINION,
            {**opinion, "subject": subject, "first_seen_at": first_seen, "responded_at": responded},
            kf,
        )
    service.create(
        EngagementKind.PUBLIC_OPINION,
        {
            **opinion,
            "subject": "暴雨致房屋受损",
            "level": "major",
            "emergency": True,
            "first_seen_at": seen,
            "responded_at": seen + timedelta(hours=2),
            "authoritative_at": seen + timedelta(hours=6),
            "conference_at": seen + timedelta(hours=23),
        },
        bureau["sb"],
    )
    dashboard = ComplianceService(app_ctx.db, admin).dashboard(2021, None, TODAY, NOW)
    assert [t.rule.id for t in dashboard.tallies] == [r.id for r in RULES]
    counts = tallies(dashboard)
    assert counts["press_conference_quarterly"] == (1, 1, 1)  # Q1 held, Q2 missed, Q3 running
    assert counts["press_conference_deputy_half_yearly"] == (1, 1, 0)
    assert counts["press_conference_principal_yearly"] == (1, 0, 0)
    assert counts["opinion_response_48_hours"] == (2, 1, 2)
    assert counts["opinion_authoritative_5_hours"] == (0, 0, 1)
    assert counts["opinion_conference_24_hours"] == (1, 0, 0)
    assert counts["principal_hears_report_yearly"] == (0, 1, 0)
    assert counts["training_held_yearly"] == (1, 0, 0)
    quarterly = next(t for t in dashboard.tallies if t.rule.id == "press_conference_quarterly")
    assert "第二季度未举行新闻发布会" in quarterly.notes
    assert quarterly.rule.source == "《〈关于全面推进政务公开工作的意见〉实施细则》（国办发〔2016〕80号）"
    opinions = [a for a in dashboard.attention if a.kind == "政务舆情"]
    assert {a.page for a in opinions} == {"engagement"}
    assert [(a.title, a.state) for a in opinions] == [
        ("逾期未回应", "超过 48 小时未回应（已超 51 小时）"),
        ("尚在时限内", "回应时限还剩 30 小时"),
    ]
    assert opinions[0].days_left < 0 and opinions[0].due == date(2021, 7, 18)
    # Scoped to 社会帮扶处: its own 舆情 count; the conference rules stay the bureau's.
    scoped = ComplianceService(app_ctx.db, admin).dashboard(2021, bureau["sb"], TODAY, NOW)
    counts = tallies(scoped)
    assert counts["opinion_response_48_hours"] == (1, 0, 0)
    assert counts["press_conference_quarterly"] == (1, 1, 1)


def test_an_opinion_past_its_hour_limit_earlier_today_is_overdue(app_ctx, admin, bureau):
    """A 5-hour limit that ran out this morning makes the to-do row overdue, not 「今日到期」."""
    from gongkai_desktop.domain.engagement_choices import EngagementKind
    from gongkai_desktop.services.engagement import EngagementService

    seen = datetime(2021, 7, 20, 3, 0)
    EngagementService(app_ctx.db, admin).create(
        EngagementKind.PUBLIC_OPINION,
        {
            "subject": "凌晨突发事件",
            "source": "微博",
            "level": "major",
            "emergency": True,
            "first_seen_at": seen,
            "responded_at": datetime(2021, 7, 20, 4, 0),
            "response_channel": "门户网站",
        },
        bureau["kf"],
    )
    dashboard = ComplianceService(app_ctx.db, admin).dashboard(2021, None, TODAY, NOW)
    rows = [a for a in dashboard.attention if a.title == "凌晨突发事件"]
    late = [a for a in rows if a.due == TODAY and "5" in a.state]
    assert late, [(a.state, a.due, a.days_left) for a in rows]
    assert all(a.days_left is not None and a.days_left < 0 for a in late)


def test_consultations_are_tallied_by_period_and_published_result(app_ctx, admin, bureau):
    """A 规范性文件 consulted for 7 working days with its result published is met twice; one of
    3 days whose result was never published misses both rules."""
    from gongkai_desktop.domain.decisions import ConsultationFields, DecisionFields, DecisionType
    from gongkai_desktop.services.decisions import DecisionService

    service = DecisionService(app_ctx.db, admin)
    good = service.create(bureau["kf"], DecisionFields("甲 规范性文件", DecisionType.NORMATIVE.value))
    service.create_consultation(
        good.row.id,
        ConsultationFields(
            date(2021, 3, 1), date(2021, 3, 12), received=3, adopted=3,
            result_published_on=date(2021, 3, 19),
        ),
    )
    bad = service.create(bureau["kf"], DecisionFields("乙 规范性文件", DecisionType.NORMATIVE.value))
    service.create_consultation(bad.row.id, ConsultationFields(date(2021, 4, 1), date(2021, 4, 2)))
    dashboard = ComplianceService(app_ctx.db, admin).dashboard(2021, bureau["kf"], TODAY, NOW)
    counts = tallies(dashboard)
    assert counts["consultation_period"] == (1, 0, 1)
    assert counts["consultation_result_published"] == (1, 0, 1)


def test_publication_date_from_the_command_line(app_ctx, admin, bureau, run_cli):
    """`report publish` records the date (exit 0), refuses a bad one (exit 1) and can clear it."""
    from gongkai_desktop.services.annual_report import AnnualReportService
    from tests.conftest import ADMIN_PASSWORD

    args = ("--as", "admin", "report", "publish", "--year", "2020")
    code, out, err = run_cli(*args, "--date", "2021-01-29", password=ADMIN_PASSWORD)
    assert code == 0, err
    assert "已登记2020年度报告公开日期：2021-01-29（按期）" in out
    code, _out, err = run_cli(*args, "--date", "2020-06-01", password=ADMIN_PASSWORD)
    assert code == 1 and "2020年结束之后" in err
    assert AnnualReportService(app_ctx.db, admin).report(2020).published_on == date(2021, 1, 29)
    code, out, _err = run_cli(*args, password=ADMIN_PASSWORD)
    assert code == 0 and "已清除" in out
    assert AnnualReportService(app_ctx.db, admin).report(2020).published_on is None


def test_rule_sources_name_the_law_of_each_period():
    """规章 30 days from 《规章制定程序条例》, market entities from 《优化营商环境条例》第六十二条,
    budgets from 预算法第十四条, and the 2008 条例 for requests received before 2019-05-15."""
    from gongkai_desktop.domain.compliance import RULES_BY_ID

    consultation = RULES_BY_ID["consultation_period"].source
    assert "规章：《规章制定程序条例》" in consultation
    assert "《优化营商环境条例》第六十二条" in consultation
    assert "《重大行政决策程序暂行条例》第十五条" in consultation
    assert "《中华人民共和国预算法》第十四条" in RULES_BY_ID["proactive_20_workdays"].source
    assert "2008年" in RULES_BY_ID["request_20_workdays"].source
    assert "报告公开日期" in RULES_BY_ID["annual_report_by_january_31"].text


def test_lapsed_correction_is_on_the_to_do_list_and_at_risk(app_ctx, admin, bureau):
    """A request past its 补正期限 is listed as 逾期未补正 and puts the 20-day rule at risk."""
    RequestService(app_ctx.db, admin).create_request(
        request(
            "2021-009",
            bureau["kf"],
            date(2021, 6, 1),
            correction_notice_date=date(2021, 6, 3),
            correction_due_date=date(2021, 6, 17),
        )
    )
    dashboard = ComplianceService(app_ctx.db, admin).dashboard(2021, bureau["kf"], TODAY, NOW)
    lapsed = [a for a in dashboard.attention if a.title.startswith("2021-009")]
    assert [a.state for a in lapsed] == ["逾期未补正"]
    assert tallies(dashboard)["request_20_workdays"][1] == 1
