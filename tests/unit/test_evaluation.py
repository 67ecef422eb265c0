"""年终评议 and 季度督查 (SPEC §13) on a real SQLite file, against scores computed by hand
(``tests/evaluation_data.py``): the service, ``gongkai report evaluation --json`` and the workbook
agree; liaisons read only their own division; 扣分 and 调整 are the admin's and audited."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import evaluation_data as data
import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from support import ADMIN_PASSWORD, LIAISON_PASSWORD

from gongkai_desktop.db.evaluation_models import EvaluationAdjustment
from gongkai_desktop.db.models import AuditEntry
from gongkai_desktop.demo import DEMO_PASSWORD
from gongkai_desktop.domain.evaluation import DEFAULT_INDICATORS, Indicator, shown
from gongkai_desktop.errors import PermissionDenied, ValidationError
from gongkai_desktop.services.evaluation import EvaluationService


def _report_json(run_cli, user: str, password: str, out_file, *extra: str) -> dict:  # type: ignore[no-untyped-def]
    """``report evaluation --year 2025 [extra] -o out_file --json`` as ``user``; its JSON."""
    args = ["--as", user, "report", "evaluation", "--year", "2025", *extra, "-o", str(out_file)]
    code, out, err = run_cli(*args, "--json", password=password)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def _figures(result) -> dict[str, tuple[str, str, int | None]]:  # type: ignore[no-untyped-def]
    return {
        d.division_name: (str(shown(d.total)) if d.total is not None else None, d.grade, d.rank)
        for d in result.divisions
    }


def test_year_scores_equal_the_hand_figures(app_ctx, admin, scored):
    """Every division's total, grade and rank for 2025, 开发指导处's thirteen indicator scores and
    counts, and 社会帮扶处's re-spread scores equal the hand computation; ties share rank 2."""
    result = EvaluationService(app_ctx.db, admin).evaluate(data.ANNUAL, data.AS_OF)
    assert _figures(result) == data.ANNUAL_EXPECTED
    assert [d.rank for d in result.divisions] == [1, 2, 2, 4, 5, 5, 5, 5]
    kf = result.division(scored["开发指导处"])
    assert {s.indicator.code: str(shown(s.score)) for s in kf.scores} == data.KF_SCORES
    assert {s.indicator.code: (s.count.measured, s.count.met) for s in kf.scores} == data.KF_COUNTS
    assert (shown(kf.deductions), shown(kf.adjustments), kf.corrected_cases) == (
        Decimal("3.00"),
        Decimal("1.50"),
        1,
    )
    assert kf.total == sum(s.score for s in kf.scores) - 3 + Fraction(3, 2)
    sb = result.division(scored["社会帮扶处"])
    assert {
        s.indicator.code: str(shown(s.score)) for s in sb.scores if s.applicable
    } == data.SB_SCORES
    assert [s.indicator.code for s in sb.scores if not s.applicable] == [
        "RW1",
        "RW2",
        "ZD3",
        "JD1",
        "JD2",
        "JD3",
        "HY1",
        "YSQ1",
        "JC1",
    ]


def test_quarter_view_respreads_and_lists_divisions_with_nothing_to_measure(app_ctx, admin, scored):
    """In the second quarter 开发指导处 is scored over eight indicators (85.29), the two divisions
    with one item each share rank 1 at 100, and the rest are 不适用 without total or rank."""
    result = EvaluationService(app_ctx.db, admin).evaluate(data.Q2, data.AS_OF)
    figures = _figures(result)
    for name, expected in data.Q2_EXPECTED.items():
        assert figures.pop(name) == expected
    assert figures and all(v == (None, "不适用", None) for v in figures.values())
    assert result.as_json()["period"] == "2025Q2"


def test_indicator_records_explain_the_number(app_ctx, admin, scored):
    """The records behind 开发指导处's YSQ1 are its two requests, the late one marked 未达标."""
    refs = EvaluationService(app_ctx.db, admin).division_records(
        data.ANNUAL, scored["开发指导处"], "YSQ1", data.AS_OF
    )
    assert [(r.title.split()[0], r.outcome) for r in refs] == [
        ("2025-002", "missed"),
        ("2025-001", "met"),
    ]
    assert all(r.page == "requests" and r.record_id for r in refs)


def test_cli_json_and_workbook_agree_with_the_service(app_ctx, admin, scored, run_cli, tmp_path):
    """``report evaluation --json`` prints SPEC §13's shape with the hand figures, and the
    workbook it writes holds the same numbers: total = Σ scores − 扣分 + 调整, rows ranked."""
    out_file = tmp_path / "评议.xlsx"
    doc = _report_json(run_cli, "admin", ADMIN_PASSWORD, out_file)
    assert (doc["year"], doc["period"]) == (2025, "2025")
    assert [i["code"] for i in doc["indicators"]] == [i.code for i in DEFAULT_INDICATORS]
    by_name = {d["division"]: d for d in doc["divisions"]}
    for name, (total, grade, rank) in data.ANNUAL_EXPECTED.items():
        assert (f"{by_name[name]['total']:.2f}", by_name[name]["grade"], by_name[name]["rank"]) == (
            total,
            grade,
            rank,
        )
    kf = by_name["开发指导处"]
    assert (kf["deductions"], kf["adjustments"]) == (3.0, 1.5)
    assert {c: f"{v['score']:.2f}" for c, v in kf["indicators"].items()} == data.KF_SCORES
    assert by_name["社会帮扶处"]["indicators"]["RW1"] == {
        "measured": 0,
        "met": 0,
        "applicable": False,
        "score": None,
    }

    wb = load_workbook(out_file)
    assert wb.sheetnames[:1] == ["汇总"] and wb.sheetnames[-2:] == ["指标说明", "扣分明细"]
    assert set(data.ANNUAL_EXPECTED) <= set(wb.sheetnames)
    ws = wb["汇总"]
    header = [c.value for c in ws[3]]
    n = len(DEFAULT_INDICATORS)
    assert header[0:2] == ["排名", "处室"] and header[-4:] == ["扣分", "调整", "总分", "等次"]
    ranks = []
    for row in ws.iter_rows(min_row=4, max_row=3 + len(data.ANNUAL_EXPECTED), values_only=True):
        rank, name, *scores = row[: 2 + n]
        deductions, adjustments, total, grade = row[2 + n : 6 + n]
        assert (f"{total:.2f}", grade, rank) == data.ANNUAL_EXPECTED[name]
        summed = sum(s for s in scores if isinstance(s, int | float))
        # Each score and the total are rounded on their own: at most 0.005 apart per score.
        assert abs(max(summed - deductions + adjustments, 0) - total) <= 0.005 * n + 1e-9
        ranks.append(rank)
    assert ranks == sorted(ranks)
    assert ws.freeze_panes == "C4" and ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.conditional_formatting and len(ws._charts) == 1
    assert all(
        not (isinstance(c.value, str) and c.value.startswith("="))
        for r in ws.iter_rows()
        for c in r
    )
    kf_sheet = wb["开发指导处"]
    assert kf_sheet["D4"].value == "达标 2/4" and kf_sheet["G4"].value == 7.5
    details = [r for r in wb["扣分明细"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert [(r[1], r[2], r[3]) for r in details] == [
        ("开发指导处", "扣分", 3.0),
        ("开发指导处", "调整", 1.5),
    ]


def test_liaison_reads_only_their_own_division_and_refusals_are_audited(
    app_ctx, admin, scored, liaison
):
    """A liaison's evaluation holds their own division only; another division's records or
    score is refused, and so is any deduction; each refusal is in the audit log."""
    service = EvaluationService(app_ctx.db, liaison)
    result = service.evaluate(data.ANNUAL, data.AS_OF)
    assert [d.division_name for d in result.divisions] == ["开发指导处"]
    assert result.divisions[0].rank == 4
    with pytest.raises(PermissionDenied):
        service.division_records(data.ANNUAL, scored["社会帮扶处"], "ZD1", data.AS_OF)
    with pytest.raises(PermissionDenied):
        service.division_score(data.ANNUAL, scored["社会帮扶处"], data.AS_OF)
    with pytest.raises(PermissionDenied):
        service.add_adjustment(
            data.ANNUAL, scored["开发指导处"], "adjustment", Decimal(5), "自评加分"
        )
    assert len(service.list_adjustments(data.ANNUAL)) == 2
    with app_ctx.db.read() as s:
        denied = s.scalars(select(AuditEntry.action).where(AuditEntry.outcome == "denied")).all()
        assert denied == ["evaluation.read", "evaluation.read", "evaluation.adjustment"]
        assert s.query(EvaluationAdjustment).count() == 2


def test_cli_deduct_adjust_list_and_refusal(app_ctx, admin, scored, liaison, run_cli):
    """``evaluation deduct`` and ``adjust`` store an audited entry and change the total;
    a liaison's attempt exits 1 and stores nothing; ``list --json`` shows the entries."""
    code, out, err = run_cli(
        "--as",
        "admin",
        "evaluation",
        "deduct",
        "--year",
        "2025",
        "--division",
        "社会帮扶处",
        "--points",
        "1.15",
        "--reason",
        "不应公开而公开",
        password=ADMIN_PASSWORD,
    )
    assert code == 0, err
    code, _, err = run_cli(
        "--as",
        "lly_kf",
        "evaluation",
        "adjust",
        "--year",
        "2025",
        "--division",
        "开发指导处",
        "--points",
        "9",
        "--reason",
        "自评",
        password=LIAISON_PASSWORD,
    )
    assert code == 1 and "管理员" in err
    code, _, err = run_cli(
        "--as",
        "admin",
        "evaluation",
        "deduct",
        "--year",
        "2025",
        "--division",
        "社会帮扶处",
        "--points",
        "-2",
        "--reason",
        "x",
        password=ADMIN_PASSWORD,
    )
    assert code == 1 and "大于 0" in err
    code, out, _ = run_cli(
        "--as", "admin", "evaluation", "list", "--year", "2025", "--json", password=ADMIN_PASSWORD
    )
    entries = json.loads(out)
    assert [(e["division"], e["kind"], e["points"]) for e in entries] == [
        ("开发指导处", "扣分", 3.0),
        ("开发指导处", "调整", 1.5),
        ("社会帮扶处", "扣分", 1.15),
    ]
    result = EvaluationService(app_ctx.db, admin).evaluate(data.ANNUAL, data.AS_OF)
    sb = result.division(scored["社会帮扶处"])
    assert str(shown(sb.total)) == "70.00" and sb.rank == 3  # 71.1538 − 1.15, no longer tied
    with app_ctx.db.read() as s:
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("evaluation.%"))
        ).all()
    assert actions.count("evaluation.deduction") == 2 and "evaluation.adjustment" in actions


def test_indicator_table_is_per_year_and_checked(app_ctx, admin, scored):
    """A year's own table replaces the default for that year only; a bad table is refused
    whole; scores follow the stored weights."""
    service = EvaluationService(app_ctx.db, admin)
    own = (
        Indicator("A1", "主动公开", Decimal(60), "ZD1"),
        Indicator("A2", "门户网站", Decimal(40), "ZD2"),
    )
    service.save_indicators(2025, own)
    assert service.indicators(2025) == own and service.indicators(2026) == DEFAULT_INDICATORS
    with pytest.raises(ValidationError):
        service.save_indicators(2025, (Indicator("A1", "x", Decimal(0), "NOPE"),))
    assert service.indicators(2025) == own
    kf = service.evaluate(data.ANNUAL, data.AS_OF).division(scored["开发指导处"])
    # 60 × 3/4 + 40 × 3/4 − 3 + 1.5 = 73.5
    assert str(shown(kf.total)) == "73.50"


def test_indicator_sheet_round_trips_and_a_bad_sheet_changes_nothing(app_ctx, admin, tmp_path):
    """The default table saved to Excel loads back equal into another year; a sheet with a bad
    weight, an unknown method and a repeated code is refused listing each row, storing nothing."""
    from openpyxl import load_workbook as open_book

    service = EvaluationService(app_ctx.db, admin)
    path = service.export_indicators(2025, tmp_path / "指标.xlsx")
    assert service.import_indicators(2027, path) == DEFAULT_INDICATORS
    assert service.has_own_indicators(2027) and not service.has_own_indicators(2025)
    wb = open_book(path)
    ws = wb["考核指标"]
    ws["C2"] = "十五"
    ws["D3"] = "XX9"
    ws["A4"] = "RW1"
    wb.save(path)
    with pytest.raises(ValidationError) as caught:
        service.import_indicators(2026, path)
    problems = caught.value.problems
    assert any(p.startswith("第2行「权重」") for p in problems)
    assert any(p.startswith("第3行「计算方法」") for p in problems)
    assert any(p.startswith("第4行「代码」") and "第2行" in p for p in problems)
    assert not service.has_own_indicators(2026)


def test_only_the_admin_changes_indicators(app_ctx, admin, liaison, tmp_path):
    """A liaison's import of an indicator sheet is refused and audited; nothing is stored."""
    path = EvaluationService(app_ctx.db, admin).export_indicators(2025, tmp_path / "指标.xlsx")
    with pytest.raises(PermissionDenied):
        EvaluationService(app_ctx.db, liaison).import_indicators(2025, path)
    assert not EvaluationService(app_ctx.db, admin).has_own_indicators(2025)
    with app_ctx.db.read() as s:
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.outcome == "denied")).all() == [
            "evaluation.indicators"
        ]


def test_demo_data_measures_every_indicator_but_one(app_ctx):
    """``gongkai demo`` for last year gives every division something on every indicator except
    机关纪委's 依申请公开, which is 不适用 (its weight re-spread); 扣分明细 has two entries."""
    from datetime import date

    from gongkai_desktop.demo import demo_job
    from gongkai_desktop.domain.evaluation import Period
    from gongkai_desktop.progress import run_job
    from gongkai_desktop.services.auth import AuthService

    year = date.today().year - 1
    run_job(demo_job(app_ctx, None, year, scale=200))
    admin = AuthService(app_ctx.db).login("admin", DEMO_PASSWORD)
    result = EvaluationService(app_ctx.db, admin).evaluate(Period(year))
    missing = [
        (d.division_name, s.indicator.code)
        for d in result.divisions
        for s in d.scores
        if not s.applicable
    ]
    assert missing == [("机关纪委", "YSQ1")]
    assert [(a.division_name, a.kind_label) for a in result.adjustments] == [
        ("社会帮扶处", "扣分"),
        ("考核评估处", "调整"),
    ]


def test_a_group_word_among_the_participants_counts_for_the_divisions_it_names(app_ctx, admin):
    """PX1: a training for 各处室 counts for every division, one for 各业务处 only for business
    divisions, one naming 人事处 only for it and its organiser."""
    from datetime import date

    from gongkai_desktop.db.engagement_models import WorkMeeting
    from gongkai_desktop.domain.evaluation import Period
    from gongkai_desktop.services.admin import AdminService

    ids = {d.name: d.id for d in AdminService(app_ctx.db, admin).list_divisions()}
    with app_ctx.db.write() as s:
        for held, who in (
            (date(2025, 3, 3), "各处室联络员"),
            (date(2025, 4, 8), "各业务处负责同志"),
            (date(2025, 5, 9), "人事处干部"),
        ):
            s.add(
                WorkMeeting(
                    meeting_kind="training",
                    held_on=held,
                    subject="培训",
                    participants=who,
                    division_id=ids["综合处"],
                )
            )
    result = EvaluationService(app_ctx.db, admin).evaluate(Period(2025), date(2026, 1, 10))
    px1 = {
        d.division_name: (d.score_of("PX1").count.met, d.score_of("PX1").count.measured)
        for d in result.divisions
    }
    assert px1["开发指导处"] == (2, 3) and px1["社会帮扶处"] == (2, 3)
    assert px1["人事处"] == (2, 3) and px1["综合处"] == (3, 3) and px1["计财处"] == (1, 3)


def test_a_corrected_case_without_an_applicable_ysq1_is_reported(app_ctx, admin, scored):
    """A corrected case of the first quarter's view has nothing to take points from when the
    division received no request then: the evaluation says so instead of ignoring it."""
    from datetime import date

    from gongkai_desktop.db.request_models import DisclosureCase

    with app_ctx.db.write() as s:
        s.add(
            DisclosureCase(
                case_no="复议〔2025〕2号",
                case_type="review",
                received_date=date(2025, 1, 6),
                closed_date=date(2025, 3, 20),
                result="corrected",
                request_id=1,
                division_id=scored["开发指导处"],
            )
        )
    result = EvaluationService(app_ctx.db, admin).evaluate(data.Period(2025, 1), data.AS_OF)
    assert any(p.startswith("开发指导处本期有 1 件结果为纠正") for p in result.problems)


def test_liaisons_report_holds_their_own_division_only(
    app_ctx, admin, scored, liaison, run_cli, tmp_path
):
    """``report evaluation --json`` run by 开发指导处's liaison lists that division alone, with
    its rank among all; the workbook has its sheet and no other division's."""
    out_file = tmp_path / "本处室.xlsx"
    doc = _report_json(run_cli, "lly_kf", LIAISON_PASSWORD, out_file)
    assert [(d["division"], d["rank"]) for d in doc["divisions"]] == [("开发指导处", 4)]
    names = load_workbook(out_file).sheetnames
    assert "开发指导处" in names and "社会帮扶处" not in names


def test_cli_quarter_view_gives_the_quarters_hand_figures(
    app_ctx, admin, scored, run_cli, tmp_path
):
    """``report evaluation --quarter 2 --json`` prints period 2025Q2 with the quarter's figures
    and the 不适用 divisions with null total and rank."""
    doc = _report_json(run_cli, "admin", ADMIN_PASSWORD, tmp_path / "q2.xlsx", "--quarter", "2")
    assert doc["period"] == "2025Q2"
    by_name = {d["division"]: d for d in doc["divisions"]}
    for name, (total, grade, rank) in data.Q2_EXPECTED.items():
        assert (f"{by_name[name]['total']:.2f}", by_name[name]["grade"], by_name[name]["rank"]) == (
            total,
            grade,
            rank,
        )
    assert by_name["人事处"] | {"indicators": None} == {
        "division": "人事处",
        "rank": None,
        "grade": "不适用",
        "total": None,
        "deductions": 0.0,
        "adjustments": 0.0,
        "indicators": None,
    }
    args = ["report", "evaluation", "--year", "2025", "--quarter", "5", "-o", str(tmp_path / "x")]
    code, _, err = run_cli("--as", "admin", *args, password=ADMIN_PASSWORD)
    assert code == 2 and "季度应为 1 至 4" in err


def test_a_document_is_measured_once_its_publication_deadline_has_passed(app_ctx, admin, scored):
    """On 20 January the document of 10 January is within its 20 working days: ZD3 is not
    measured yet (不适用) though the document is out; JD1 already counts it (published)."""
    from datetime import date

    kf = EvaluationService(app_ctx.db, admin).evaluate(data.Period(2025, 1), date(2025, 1, 20))
    kf = kf.division(scored["开发指导处"])
    assert not kf.score_of("ZD3").applicable
    assert (kf.score_of("JD1").count.measured, kf.score_of("JD1").count.met) == (1, 1)
    refs = EvaluationService(app_ctx.db, admin).division_records(
        data.Period(2025, 1), scored["开发指导处"], "ZD3", date(2025, 1, 20)
    )
    assert [r.outcome for r in refs] == ["pending"] and "未到" in refs[0].note
