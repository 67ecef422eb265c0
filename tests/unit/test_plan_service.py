"""年度任务 service: plan import with division resolution, re-import, reports, reviews, states."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gongkai_desktop.db.models import AuditEntry, Division
from gongkai_desktop.db.plan_models import PlanAssignment, PlanTask, TaskReport
from gongkai_desktop.domain.labels import DivisionKind, Role
from gongkai_desktop.domain.plan import (
    AssignmentRole,
    ReportState,
    ReviewResult,
    TaskStatus,
    quarter_end,
    quarter_of,
    report_due_date,
)
from gongkai_desktop.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from gongkai_desktop.importers.plan import parse_plan_file, parse_plan_text
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.calendar import calendar_of
from gongkai_desktop.services.plan import PlanService, filter_tasks
from gongkai_desktop.services.plan_import import NameDecisions

SEED = Path(__file__).resolve().parents[2] / "resources" / "samples" / "plan-2021.txt"
BUSINESS = ("开发指导处", "社会帮扶处")  # the two business divisions of the ``admin`` fixture
MID_JULY = date(2021, 7, 20)  # Q1 and Q2 of 2021 are over and due; Q3 is running


def _seed_tasks():  # type: ignore[no-untyped-def]
    return parse_plan_file(SEED).tasks


def _count(app_ctx, model, *where):  # type: ignore[no-untyped-def]
    with app_ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _audit(app_ctx, **where):  # type: ignore[no-untyped-def]
    with app_ctx.db.read() as s:
        q = select(AuditEntry).order_by(AuditEntry.id)
        for key, value in where.items():
            q = q.where(getattr(AuditEntry, key) == value)
        return list(s.scalars(q))


@pytest.fixture
def imported(app_ctx, admin):  # type: ignore[no-untyped-def]
    """The seed plan imported for 2021 by the admin."""
    PlanService(app_ctx.db, admin).import_plan(2021, _seed_tasks())
    return admin


def _assignment(app_ctx, actor, no: int, division: str):  # type: ignore[no-untyped-def]
    return PlanService(app_ctx.db, actor).find_assignment(2021, no, division)


# ---- import ------------------------------------------------------------------------------------


def test_seed_import_stores_17_tasks_with_group_words_expanded(app_ctx, admin):
    """The seed's 17 tasks are stored; 各业务处 becomes every 业务处, named leads stay leads."""
    result = PlanService(app_ctx.db, admin).import_plan(2021, _seed_tasks())
    assert (result.tasks, result.created, result.updated) == (17, 17, 0)
    overview = PlanService(app_ctx.db, admin).overview(2021, MID_JULY)
    assert [t.no for t in overview.tasks] == list(range(1, 18))
    first = overview.tasks[0]
    assert first.title == "加大决策公开" and first.section == "二、加大公开力度"
    assert first.lead_names == ("政法处",)
    assert first.responsible_names == BUSINESS
    assert {a.written_as for a in first.assignments if a.role is AssignmentRole.RESPONSIBLE} == {
        "各业务处"
    }
    third = overview.tasks[2]
    assert third.lead_names == ()
    assert third.responsible_names == ("综合处", "计财处", "人事处", "机关纪委")
    assert "（牵头部门：政法处；责任部门：各业务处）" in first.text.replace(":", "：").replace(
        "(", "（"
    ).replace(")", "）").replace(";", "；")


def test_reimport_updates_instead_of_duplicating(app_ctx, imported):
    """Importing the same year again leaves 17 tasks and the same assignments."""
    before = _count(app_ctx, PlanAssignment)
    result = PlanService(app_ctx.db, imported).import_plan(2021, _seed_tasks())
    assert (result.created, result.updated, result.unchanged, result.removed) == (0, 0, 17, 0)
    assert _count(app_ctx, PlanTask) == 17
    assert _count(app_ctx, PlanAssignment) == before


def test_reimport_keeps_reports_of_kept_assignments_and_hides_dropped_ones(
    app_ctx, imported, liaison
):
    """A changed plan updates tasks by number; kept assignments keep their reports, dropped
    assignments and tasks are soft-deleted and come back (with their reports) when re-added."""
    service = PlanService(app_ctx.db, imported)
    kf1 = _assignment(app_ctx, liaison, 1, "开发指导处")
    PlanService(app_ctx.db, liaison).save_report(
        kf1.id, 1, progress="已完成一季度工作", status=TaskStatus.DONE, today=date(2021, 4, 2)
    )
    tasks = list(_seed_tasks())
    changed = dataclasses.replace(tasks[0], title="加大决策公开力度", responsible=("开发指导处",))
    smaller = [changed, *tasks[1:16]]  # task 17 dropped; task 1 no longer for 社会帮扶处
    result = service.import_plan(2021, smaller)
    assert (result.created, result.updated, result.removed) == (0, 1, 1)
    assert result.assignments_removed == 1  # 社会帮扶处 of task 1; task 17 keeps its own
    overview = service.overview(2021, MID_JULY)
    assert len(overview.tasks) == 16 and overview.tasks[0].title == "加大决策公开力度"
    kept = overview.tasks[0].assignment_of(kf1.division_id)
    assert kept is not None and kept.id == kf1.id and kept.report(1) is not None
    assert [a.division_name for a in overview.tasks[0].assignments] == ["政法处", "开发指导处"]
    assert _count(app_ctx, PlanTask) == 17  # task 17 is kept, soft-deleted
    restored = service.import_plan(2021, tasks)
    assert (restored.updated, restored.assignments_added) == (2, 1)
    overview = service.overview(2021, MID_JULY)
    assert len(overview.tasks) == 17
    assert overview.tasks[0].responsible_names == BUSINESS
    assert overview.tasks[0].assignment_of(kf1.division_id).report(1).progress == "已完成一季度工作"


def test_unknown_name_blocks_the_import_and_stores_nothing(app_ctx, admin):
    """A name that is no division is listed with its tasks; no task or division is stored."""
    tasks = parse_plan_text(
        "一、工作\n1.做好公开。（牵头部门：督查处；责任部门：各业务处、宣传中心）\n"
        "2.做好解读。（牵头部门：政法处；责任部门：宣传中心）\n"
    ).tasks
    service = PlanService(app_ctx.db, admin)
    preview = service.preview_import(2021, tasks)
    assert preview.unknown == {"督查处": (1,), "宣传中心": (1, 2)}
    assert preview.tasks[0].unknown == ("督查处", "宣传中心")
    with pytest.raises(ValidationError) as err:
        service.import_plan(2021, tasks, NameDecisions(mapping={"督查处": "稽查处"}))
    assert "宣传中心" in str(err.value) and "督查处" not in str(err.value)
    assert err.value.params["unknown"] == ["宣传中心"]
    assert _count(app_ctx, PlanTask) == 0
    assert _count(app_ctx, Division, Division.name == "宣传中心") == 0


def test_decisions_map_add_or_ignore_unknown_names(app_ctx, admin):
    """Each unknown name is mapped, added as a division (audited) or deliberately left out."""
    tasks = parse_plan_text(
        "一、工作\n1.做好公开。（牵头部门：督查处；责任部门：宣传中心、信息中心）\n"
    ).tasks
    decisions = NameDecisions(
        mapping={"督查处": "稽查处"},
        add={"宣传中心": DivisionKind.OTHER},
        ignore=frozenset({"信息中心"}),
    )
    service = PlanService(app_ctx.db, admin)
    assert service.preview_import(2021, tasks, decisions).unknown == {}
    result = service.import_plan(2021, tasks, decisions)
    assert result.divisions_added == ("宣传中心",)
    task = service.overview(2021, MID_JULY).tasks[0]
    assert task.lead_names == ("稽查处",) and task.responsible_names == ("宣传中心",)
    assert task.assignments[0].written_as == "督查处"
    added = AdminService(app_ctx.db, admin).division_by_name("宣传中心")
    assert added.kind is DivisionKind.OTHER
    assert [e.detail for e in _audit(app_ctx, action="division.add", division_id=added.id)] == [
        "导入年度工作要点时新增"
    ]


def test_group_word_without_business_divisions_is_a_warning(app_ctx, admin):
    """各业务处 with no active 业务处 assigns nobody, and the preview and result say so."""
    service = AdminService(app_ctx.db, admin)
    for name in BUSINESS:
        service.update_division(service.division_by_name(name).id, active=False)
    plan = PlanService(app_ctx.db, admin)
    preview = plan.preview_import(2021, _seed_tasks())
    assert any("第1项任务的“各业务处”目前没有对应的业务处" in w for w in preview.warnings)
    result = plan.import_plan(2021, _seed_tasks())
    assert any("各业务处" in w for w in result.warnings)
    assert plan.overview(2021, MID_JULY).tasks[0].responsible_names == ()


def test_edited_preview_rows_are_checked(app_ctx, admin):
    """Duplicate numbers and empty titles from an edited preview are refused, nothing stored."""
    tasks = list(_seed_tasks())
    bad = [tasks[0], dataclasses.replace(tasks[1], no=1), dataclasses.replace(tasks[2], title=" ")]
    with pytest.raises(ValidationError) as err:
        PlanService(app_ctx.db, admin).import_plan(2021, bad)
    assert "任务编号 1 与第1行重复" in str(err.value) and "任务名称不能为空" in str(err.value)
    assert _count(app_ctx, PlanTask) == 0


def test_only_an_admin_imports_and_refusals_are_audited(app_ctx, admin, make_user):
    """A liaison and a leader are refused; each refusal is an audited 'denied' row."""
    liaison = make_user("lly", "开发指导处")
    leader = make_user("boss", "综合处", Role.LEADER)
    for actor in (liaison, leader):
        with pytest.raises(PermissionDenied):
            PlanService(app_ctx.db, actor).import_plan(2021, _seed_tasks())
    assert _count(app_ctx, PlanTask) == 0
    denied = _audit(app_ctx, action="plan.import", outcome="denied")
    assert [e.username for e in denied] == ["lly", "boss"]


def test_import_is_audited_per_task(app_ctx, imported):
    """Every created task and the import itself are in the audit log."""
    assert len(_audit(app_ctx, action="plan.task.create")) == 17
    (summary,) = _audit(app_ctx, action="plan.import", outcome="ok")
    assert '"tasks": 17' in summary.after


# ---- due dates and states ----------------------------------------------------------------------


def test_quarter_helpers_and_due_date_counts_working_days(app_ctx):
    """Q1 2021 ends on 31 March; its report is due on the 5th working day after (8 April,
    skipping the 清明 holiday 3–5 April)."""
    assert quarter_end(2021, 1) == date(2021, 3, 31) and quarter_end(2021, 4) == date(2021, 12, 31)
    assert [quarter_of(date(2021, m, 1)) for m in (1, 4, 9, 12)] == [1, 2, 3, 4]
    calendar = calendar_of(app_ctx.db)
    assert report_due_date(calendar, 2021, 1) == date(2021, 4, 8)
    assert report_due_date(calendar, 2021, 3, 3) == date(2021, 10, 11)  # 国庆 1–7 October


def test_due_day_setting_moves_the_due_date(app_ctx, imported):
    """The configurable number of working days after quarter end is honoured."""
    AdminService(app_ctx.db, imported).set_setting("quarter_report_due_workdays", 1)
    overview = PlanService(app_ctx.db, imported).overview(2021, MID_JULY)
    assert overview.due_dates[1] == date(2021, 4, 1)
    assert overview.due_workdays == 1


def test_states_follow_the_due_date_and_review(app_ctx, imported, liaison):
    """Missing reports are 待报送 before and 逾期未报 after the due date; late submissions are
    flagged; reviews give 合格 / 需整改; a future quarter is 未到报送期."""
    kf = _assignment(app_ctx, liaison, 1, "开发指导处")
    service = PlanService(app_ctx.db, liaison)
    on_time = service.save_report(
        kf.id, 1, progress="一季度进展", status=TaskStatus.IN_PROGRESS, today=date(2021, 4, 8)
    )
    late = service.save_report(
        kf.id, 2, progress="二季度进展", status=TaskStatus.IN_PROGRESS, today=date(2021, 7, 8)
    )
    assert (on_time.late, late.late) == (False, True)
    PlanService(app_ctx.db, imported).review_report(on_time.id, ReviewResult.PASS)
    PlanService(app_ctx.db, imported).review_report(late.id, ReviewResult.RECTIFY, "补充链接")
    plan = PlanService(app_ctx.db, imported)
    a = plan.overview(2021, MID_JULY).tasks[0].assignment_of(kf.division_id)
    assert [a.state(q) for q in (1, 2, 3, 4)] == [
        ReportState.PASSED,
        ReportState.RECTIFY,
        ReportState.PENDING,
        ReportState.NOT_DUE,
    ]
    other = (
        plan.overview(2021, date(2021, 4, 8))
        .tasks[0]
        .assignment_of(_assignment(app_ctx, imported, 1, "社会帮扶处").division_id)
    )
    assert other.state(1) is ReportState.PENDING  # due day itself is still on time
    other = plan.overview(2021, date(2021, 4, 9)).tasks[0].assignment_of(other.division_id)
    assert other.state(1) is ReportState.OVERDUE


def test_attention_lists_overdue_and_rectify_for_the_division(app_ctx, imported, liaison):
    """A division sees its overdue quarters and its 需整改 reports with the 督查意见."""
    kf = _assignment(app_ctx, liaison, 1, "开发指导处")
    report = PlanService(app_ctx.db, liaison).save_report(
        kf.id, 1, progress="进展", status=TaskStatus.DONE, today=date(2021, 4, 1)
    )
    PlanService(app_ctx.db, imported).review_report(report.id, ReviewResult.RECTIFY, "请补充材料")
    items = PlanService(app_ctx.db, liaison).attention(kf.division_id, 2021, MID_JULY)
    first = [(i.task_no, i.quarter, i.state, i.comment) for i in items if i.task_no == 1]
    assert first == [
        (1, 1, ReportState.RECTIFY, "请补充材料"),
        (1, 2, ReportState.OVERDUE, ""),
    ]
    assert {i.task_no for i in items} == {1, 2, 5, 6, 8, 14, 16}  # every task of 开发指导处


def test_filters_by_division_role_quarter_and_state(app_ctx, imported, liaison):
    """filter_tasks keeps tasks with an assignment matching all filters."""
    kf = _assignment(app_ctx, liaison, 6, "开发指导处")
    PlanService(app_ctx.db, liaison).save_report(
        kf.id, 2, progress="进展", status=TaskStatus.DONE, today=date(2021, 7, 1)
    )
    tasks = PlanService(app_ctx.db, imported).overview(2021, MID_JULY).tasks
    zf = AdminService(app_ctx.db, imported).division_by_name("政法处").id
    lead_zf = filter_tasks(tasks, division_id=zf, role=AssignmentRole.LEAD)
    assert [t.no for t in lead_zf] == [1, 6, 7, 8, 9, 10, 12]
    assert filter_tasks(tasks, division_id=zf, role=AssignmentRole.RESPONSIBLE) == []
    done = filter_tasks(tasks, division_id=kf.division_id, quarter=2, state="已完成")
    assert [t.no for t in done] == [6]
    assert filter_tasks(tasks, division_id=kf.division_id, quarter=1, state="已完成") == []
    assert len(filter_tasks(tasks, quarter=2, state="逾期未报")) == 17


# ---- reports and reviews -----------------------------------------------------------------------


def test_liaison_reports_only_for_own_division_and_refusal_is_audited(app_ctx, imported, liaison):
    """A liaison of 开发指导处 cannot report for 政法处's assignment: refused, audited, nothing
    stored; their own division's report is stored."""
    zf = _assignment(app_ctx, imported, 1, "政法处")
    with pytest.raises(PermissionDenied, match="开发指导处"):
        PlanService(app_ctx.db, liaison).save_report(
            zf.id, 1, progress="代报", status=TaskStatus.DONE, today=date(2021, 4, 1)
        )
    assert _count(app_ctx, TaskReport) == 0
    (denied,) = _audit(app_ctx, action="plan.report", outcome="denied")
    assert denied.username == "lly_kf" and denied.division_id == zf.division_id
    kf = _assignment(app_ctx, liaison, 1, "开发指导处")
    PlanService(app_ctx.db, liaison).save_report(
        kf.id, 1, progress="本处进展", status=TaskStatus.DONE, today=date(2021, 4, 1)
    )
    assert _count(app_ctx, TaskReport) == 1


def test_leader_cannot_report_or_review(app_ctx, imported, make_user, liaison):
    """A leader reads but is refused reporting and reviewing (audited)."""
    leader = make_user("boss", "综合处", Role.LEADER)
    kf = _assignment(app_ctx, liaison, 1, "开发指导处")
    report = PlanService(app_ctx.db, liaison).save_report(
        kf.id, 1, progress="进展", status=TaskStatus.DONE, today=date(2021, 4, 1)
    )
    with pytest.raises(PermissionDenied):
        PlanService(app_ctx.db, leader).save_report(
            kf.id, 1, progress="改", status=TaskStatus.DONE, today=date(2021, 4, 1)
        )
    with pytest.raises(PermissionDenied):
        PlanService(app_ctx.db, leader).review_report(report.id, ReviewResult.PASS)
    assert len(PlanService(app_ctx.db, leader).overview(2021, MID_JULY).tasks) == 17
    assert {e.action for e in _audit(app_ctx, username="boss", outcome="denied")} == {
        "plan.report",
        "plan.review",
    }


def test_only_admin_reviews_and_rectify_needs_a_comment(app_ctx, imported, liaison):
    """The liaison cannot review their own report; 需整改 without 督查意见 is refused."""
    kf = _assignment(app_ctx, liaison, 1, "开发指导处")
    report = PlanService(app_ctx.db, liaison).save_report(
        kf.id, 1, progress="进展", status=TaskStatus.DONE, today=date(2021, 4, 1)
    )
    with pytest.raises(PermissionDenied):
        PlanService(app_ctx.db, liaison).review_report(report.id, ReviewResult.PASS)
    with pytest.raises(ValidationError, match="督查意见"):
        PlanService(app_ctx.db, imported).review_report(report.id, ReviewResult.RECTIFY, " ")
    reviewed = PlanService(app_ctx.db, imported).review_report(
        report.id, ReviewResult.RECTIFY, "请补充佐证"
    )
    assert reviewed.review is ReviewResult.RECTIFY and reviewed.review_comment == "请补充佐证"


def test_editing_a_reviewed_report_sends_it_back_for_review(app_ctx, imported, liaison):
    """After 需整改 the division's corrected report is 待审核 again; the first submission day
    (which decides 逾期报送) is kept."""
    kf = _assignment(app_ctx, liaison, 1, "开发指导处")
    service = PlanService(app_ctx.db, liaison)
    report = service.save_report(
        kf.id, 1, progress="进展", status=TaskStatus.IN_PROGRESS, today=date(2021, 4, 1)
    )
    report = PlanService(app_ctx.db, imported).review_report(
        report.id, ReviewResult.RECTIFY, "请补充"
    )
    fixed = service.save_report(
        kf.id,
        1,
        progress="补充后的进展",
        status=TaskStatus.DONE,
        links=["https://example.org/a", "", "https://example.org/a"],
        expected_version=report.version,
        today=date(2021, 5, 10),
    )
    assert fixed.review is None and fixed.review_comment == "请补充"
    assert fixed.submitted_on == date(2021, 4, 1) and not fixed.late
    assert fixed.links == ("https://example.org/a",)


def test_stale_report_version_is_a_conflict(app_ctx, imported, liaison):
    """Saving over a report someone changed meanwhile raises ConflictError and keeps theirs."""
    kf = _assignment(app_ctx, liaison, 1, "开发指导处")
    service = PlanService(app_ctx.db, liaison)
    first = service.save_report(
        kf.id, 1, progress="第一版", status=TaskStatus.IN_PROGRESS, today=date(2021, 4, 1)
    )
    service.save_report(
        kf.id,
        1,
        progress="第二版",
        status=TaskStatus.IN_PROGRESS,
        expected_version=first.version,
        today=date(2021, 4, 2),
    )
    with pytest.raises(ConflictError):
        service.save_report(
            kf.id,
            1,
            progress="旧版覆盖",
            status=TaskStatus.DONE,
            expected_version=first.version,
            today=date(2021, 4, 3),
        )
    assert service.report(first.id).progress == "第二版"


def test_report_rules(app_ctx, imported, liaison):
    """Empty progress and a quarter that has not begun are refused with Chinese reasons."""
    kf = _assignment(app_ctx, liaison, 1, "开发指导处")
    service = PlanService(app_ctx.db, liaison)
    with pytest.raises(ValidationError, match="请填写进展情况"):
        service.save_report(kf.id, 1, progress="  ", status=TaskStatus.DONE, today=MID_JULY)
    with pytest.raises(ValidationError, match="第四季度尚未开始"):
        service.save_report(kf.id, 4, progress="提前", status=TaskStatus.DONE, today=MID_JULY)
    with pytest.raises(ValidationError, match="季度应为"):
        service.save_report(kf.id, 5, progress="x", status=TaskStatus.DONE, today=MID_JULY)
    with pytest.raises(NotFound):
        service.find_assignment(2021, 7, "开发指导处")  # task 7 is 政法处's alone
    assert _count(app_ctx, TaskReport) == 0


def test_evidence_files_are_stored_with_sha256_and_refused_to_other_divisions(
    app_ctx, imported, liaison, make_user, tmp_path
):
    """A file attached to a report is kept by its SHA-256; another division's liaison cannot
    attach to it (audited)."""
    import hashlib

    kf = _assignment(app_ctx, liaison, 1, "开发指导处")
    service = PlanService(app_ctx.db, liaison)
    report = service.save_report(
        kf.id, 1, progress="进展", status=TaskStatus.DONE, today=date(2021, 4, 1)
    )
    evidence = tmp_path / "会议纪要.pdf"
    evidence.write_bytes(b"%PDF-1.4 minutes")
    attachments = app_ctx.paths.attachments_dir
    report = service.add_evidence_file(report.id, evidence, attachments)
    (stored,) = report.files
    assert stored.filename == "会议纪要.pdf"
    assert stored.sha256 == hashlib.sha256(b"%PDF-1.4 minutes").hexdigest()
    assert (attachments / stored.sha256[:2] / stored.sha256).read_bytes() == b"%PDF-1.4 minutes"
    other = make_user("lly_sb", "社会帮扶处")
    with pytest.raises(PermissionDenied):
        PlanService(app_ctx.db, other).add_evidence_file(report.id, evidence, attachments)
    assert _audit(app_ctx, username="lly_sb", outcome="denied")[0].action == "attachment.add"
    report = service.remove_evidence_file(report.id, stored.id, attachments)
    assert report.files == ()


# ---- demo --------------------------------------------------------------------------------------


def test_demo_step_imports_the_sample_with_reports_in_every_state(app_ctx):
    """The demo's plan step imports 17 tasks for the demo year and leaves reports that are
    合格, 需整改, 待审核, late and missing (overdue) in the past quarters, the fourth included."""
    import random

    from gongkai_desktop.demo import DEMO_UNIT, DemoContext, foundation_step
    from gongkai_desktop.demo.plan import plan_step
    from gongkai_desktop.domain.labels import DEFAULT_DIVISIONS
    from gongkai_desktop.progress import CancelToken, run_job
    from gongkai_desktop.services.setup import initialize

    actor = initialize(app_ctx.db, DEMO_UNIT, "admin", "demo-pass-1", DEFAULT_DIVISIONS)
    ctx = DemoContext(app_ctx, actor, 2021, 0, random.Random(2021), CancelToken())
    run_job(foundation_step(ctx))
    lines = run_job(plan_step(ctx))
    assert lines[0].startswith("2021年工作要点：共 17 项任务")
    overview = PlanService(app_ctx.db, actor).overview(2021, date(2021, 12, 31))
    assert len(overview.tasks) == 17
    cells = [(a, q) for t in overview.tasks for a in t.assignments for q in (1, 2, 3)]
    states = {a.state(q) for a, q in cells}
    assert {
        ReportState.PASSED,
        ReportState.RECTIFY,
        ReportState.SUBMITTED,
        ReportState.OVERDUE,
    } <= states
    assert any(r.late for a, _ in cells for r in a.reports)
    # A past year is over: its fourth quarter is reported too (in January of the next year).
    fourth = [a.report(4) for t in overview.tasks for a in t.assignments]
    assert sum(r is not None for r in fourth) > len(fourth) // 2
    assert all(r.submitted_on.year == 2022 for r in fourth if r is not None and r.late)
    with app_ctx.db.read() as s:
        reporters = set(
            s.scalars(select(AuditEntry.username).where(AuditEntry.action == "plan.report.create"))
        )
    assert "lly_kf" in reporters and "admin" not in reporters
