"""决策与征求意见 service on a real SQLite file: records, consultations, permissions, conflicts,
filters, the link to the 规范性文件 registry, the demo step and the Word explanation."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from sqlalchemy import func, select

from gongkai_desktop.db.decision_models import Consultation, Decision
from gongkai_desktop.db.models import AuditEntry
from gongkai_desktop.demo import DemoContext, foundation_step
from gongkai_desktop.demo.decisions import decisions_step
from gongkai_desktop.demo.ledger import documents_step
from gongkai_desktop.domain.compliance import Verdict
from gongkai_desktop.domain.decisions import (
    ConsultationFields,
    ConsultationRules,
    DecisionFields,
    DecisionStep,
    DecisionType,
    StepEntry,
)
from gongkai_desktop.domain.disclosure import DocumentFields
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from gongkai_desktop.progress import CancelToken, run_job
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.decisions import DecisionQuery, DecisionService
from gongkai_desktop.services.ledger_documents import DocumentService

NUMBER = "赣乡振规〔2021〕3号"


def major(**kw) -> DecisionFields:  # type: ignore[no-untyped-def]
    base = {
        "title": "江西省巩固拓展脱贫攻坚成果实施方案",
        "decision_type": DecisionType.MAJOR.value,
    }
    base.update(kw)
    return DecisionFields(**base)


def normative(**kw) -> DecisionFields:  # type: ignore[no-untyped-def]
    base = {
        "title": "防止返贫动态监测和帮扶管理办法",
        "decision_type": DecisionType.NORMATIVE.value,
        "document_number": NUMBER,
    }
    base.update(kw)
    return DecisionFields(**base)


def consultation(start: date, end: date, **kw) -> ConsultationFields:  # type: ignore[no-untyped-def]
    return ConsultationFields(start, end, **kw)


FIVE_STEPS = {
    "participation": StepEntry(date(2021, 3, 1), "门户网站公开征求意见"),
    "expert": StepEntry(date(2021, 4, 10), "专家论证会"),
    "risk": StepEntry(date(2021, 4, 15), "社会稳定风险评估"),
    "legality": StepEntry(date(2021, 4, 25), "法规处合法性审核"),
    "collective": StepEntry(date(2021, 5, 10), "局党组会议审议通过"),
}


@pytest.fixture
def kf(app_ctx, admin) -> int:  # type: ignore[no-untyped-def]
    return AdminService(app_ctx.db, admin).division_by_name("开发指导处").id


@pytest.fixture
def sb(app_ctx, admin) -> int:  # type: ignore[no-untyped-def]
    return AdminService(app_ctx.db, admin).division_by_name("社会帮扶处").id


@pytest.fixture
def service(app_ctx, admin) -> DecisionService:  # type: ignore[no-untyped-def]
    return DecisionService(app_ctx.db, admin)


def audit_actions(app_ctx, outcome: str = "ok") -> list[str]:  # type: ignore[no-untyped-def]
    with app_ctx.db.read() as session:
        return list(
            session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.outcome == outcome)
                .order_by(AuditEntry.id)
            )
        )


# --- decisions -------------------------------------------------------------------------------


def test_decision_round_trip_with_its_five_steps(app_ctx, service, kf):
    """A decision is stored with its steps (date and note), listed under the year of its
    collective decision, changed with a version check and soft-deleted, each step audited."""
    created = service.create(kf, major(predisclosed_on=date(2021, 2, 20), steps=FIVE_STEPS))
    row = created.row
    assert (row.division_name, row.version, row.year, row.decision_type) == (
        "开发指导处",
        1,
        2021,
        DecisionType.MAJOR,
    )
    assert created.fields.steps == FIVE_STEPS
    assert created.fields.step(DecisionStep.COLLECTIVE).note == "局党组会议审议通过"
    assert row.collective_on == date(2021, 5, 10) and row.problems == () and row.editable
    assert row.minimum_period == "不少于 30 日"
    updated = service.update(row.id, row.version, replace(created.fields, title="新标题", steps={}))
    assert (updated.row.title, updated.row.version) == ("新标题", 2)
    assert updated.row.year == 2021  # the predisclosure date places it now
    service.delete(row.id, updated.row.version)
    with pytest.raises(NotFound):
        service.get(row.id)
    assert service.list_decisions() == []
    assert audit_actions(app_ctx)[-3:] == ["decision.create", "decision.update", "decision.delete"]


def test_none_division_means_the_actors_own(app_ctx, liaison, kf):
    """A liaison creating without naming a division creates in their own."""
    assert DecisionService(app_ctx.db, liaison).create(None, major()).row.division_id == kf


def test_problems_are_listed_in_chinese_and_nothing_is_stored(app_ctx, service, kf):
    """Each problem names its field by its Chinese label; a failed save stores nothing."""
    with pytest.raises(ValidationError) as caught:
        service.create(kf, major(title="", decision_type="policy"))
    assert caught.value.message == "决策记录填写有误，未保存："
    assert caught.value.problems == ["「决策事项」：必须填写", "「决策类型」：请选择决策类型"]
    with pytest.raises(ValidationError, match="「责任处室」：请选择责任处室"):
        service.create(99999, major())
    decision = service.create(kf, major()).row
    with pytest.raises(ValidationError) as caught:
        service.create_consultation(
            decision.id, ConsultationFields(date(2021, 3, 9), date(2021, 3, 1))
        )
    assert caught.value.problems == ["「截止日期」：截止日期不能早于开始日期"]
    assert service.get(decision.id).consultations == ()


def test_consultations_are_kept_with_their_decision(app_ctx, service, kf):
    """Consultations are added, changed and deleted (each audited), listed oldest first; they
    place an undated decision in their year and go with the decision when it is deleted."""
    decision = service.create(kf, normative(document_number="")).row
    later = service.create_consultation(
        decision.id, consultation(date(2021, 6, 1), date(2021, 6, 20), channels=("hearing",))
    )
    first = service.create_consultation(
        decision.id,
        consultation(
            date(2020, 11, 2),
            date(2020, 11, 20),
            channels=("online", "media"),
            received=12,
            adopted=5,
            partly_adopted=2,
            not_adopted=3,
            reasons="超出本文件调整范围",
            result_published_on=date(2020, 11, 30),
        ),
    )
    detail = service.get(decision.id)
    assert [c.id for c in detail.consultations] == [first.id, later.id]
    assert detail.row.year == 2020 and detail.row.version == decision.version  # derived, no bump
    assert detail.row.consultation_count == 2 and detail.row.results_published == 1
    assert detail.row.latest_consultation == (date(2021, 6, 1), date(2021, 6, 20))
    assert first.fields.channels == ("online", "media") and first.period_days == 18
    changed = service.update_consultation(
        later.id, later.version, replace(later.fields, received=4, adopted=4)
    )
    assert (changed.version, changed.fields.received) == (2, 4)
    service.delete_consultation(first.id, first.version)
    assert service.get(decision.id).row.year == 2021
    service.delete(decision.id, service.get(decision.id).row.version)
    with app_ctx.db.read() as session:
        live = session.scalar(
            select(func.count(Consultation.id)).where(Consultation.deleted_at.is_(None))
        )
    assert live == 0
    assert audit_actions(app_ctx)[-6:] == [
        "consultation.create",
        "consultation.create",
        "consultation.update",
        "consultation.delete",
        "consultation.delete",
        "decision.delete",
    ]


def test_rows_carry_problems_and_warnings(service, kf):
    """A short consultation on a 规范性文件 is a problem; one just closed without its result is a
    warning (at risk), until the due day has passed."""
    decision = service.create(kf, normative()).row
    service.create_consultation(decision.id, consultation(date(2021, 9, 28), date(2021, 10, 12)))
    detail = service.get(decision.id, today=date(2021, 10, 14))
    [problem] = detail.row.problems
    assert "不少于 7 个工作日" in problem and "（6 个工作日）" in problem
    assert detail.row.warnings == (
        "征求意见已于 2021-10-12 截止，采纳情况须于 2021-10-26 前公开（还剩 8 个工作日）",
    )
    [c] = detail.consultations
    assert c.ended and c.result_due == date(2021, 10, 26) and c.period_workdays == 6
    late = service.get(decision.id, today=date(2021, 10, 27)).row
    assert len(late.problems) == 2 and late.warnings == ()


def test_rules_follow_the_settings_the_admin_changes(app_ctx, service, kf):
    """The minimums and the result deadline are the settings of 系统管理 › 设置."""
    assert service.rules() == ConsultationRules(30, 30, 7, 10)
    settings = AdminService(app_ctx.db, service.actor)
    settings.set_setting("normative_consultation_workdays", 5)
    settings.set_setting("consultation_result_workdays", 3)
    settings.set_setting("major_consultation_days", 0)  # out of bounds: kept at least 1
    assert service.rules() == ConsultationRules(1, 30, 5, 3)
    decision = service.create(kf, normative()).row
    service.create_consultation(decision.id, consultation(date(2021, 9, 28), date(2021, 10, 12)))
    row = service.get(decision.id, today=date(2021, 10, 18)).row
    assert row.problems == (
        "征求意见已于 2021-10-12 截止，采纳情况应于 2021-10-15 前公开，至今未公开",
    )


def test_a_year_without_holiday_data_is_shown_not_raised(service, kf):
    """Consultations in a year the calendar lacks list with a stated problem."""
    decision = service.create(kf, normative()).row
    service.create_consultation(decision.id, consultation(date(2099, 3, 2), date(2099, 3, 20)))
    [row] = service.list_decisions(today=date(2099, 3, 25))
    assert any("缺少2099年的节假日安排" in p for p in row.problems)
    [c] = service.get(decision.id).consultations
    assert c.result_due is None and c.period_workdays is None


# --- permissions and conflicts ---------------------------------------------------------------


def test_liaison_of_another_division_is_refused_and_audited(app_ctx, service, make_user, sb):
    """A 开发指导处 liaison can neither create, change nor delete 社会帮扶处's decisions or their
    consultations; each refusal is audited and nothing changes."""
    decision = service.create(sb, major()).row
    c = service.create_consultation(decision.id, consultation(date(2021, 3, 1), date(2021, 3, 31)))
    other = DecisionService(app_ctx.db, make_user("lly_kf", "开发指导处"))
    assert not other.get(decision.id).row.editable
    assert not other.get(decision.id).consultations[0].editable
    for attempt in (
        lambda: other.create(sb, major()),
        lambda: other.update(decision.id, decision.version, major(title="改")),
        lambda: other.delete(decision.id, decision.version),
        lambda: other.create_consultation(decision.id, c.fields),
        lambda: other.update_consultation(c.id, c.version, c.fields),
        lambda: other.delete_consultation(c.id, c.version),
    ):
        with pytest.raises(PermissionDenied, match="社会帮扶处"):
            attempt()
    assert audit_actions(app_ctx, "denied") == [
        "decision.create",
        "decision.update",
        "decision.delete",
        "consultation.create",
        "consultation.update",
        "consultation.delete",
    ]
    detail = service.get(decision.id)
    assert detail.row.version == 1 and [x.version for x in detail.consultations] == [1]


def test_leader_reads_everything_and_changes_nothing(app_ctx, service, make_user, kf):
    """A leader lists and opens decisions (none editable), may pick no division, and is refused
    every change."""
    decision = service.create(kf, major()).row
    leader = DecisionService(app_ctx.db, make_user("ld", "综合处", Role.LEADER))
    [listed] = leader.list_decisions()
    assert listed.id == decision.id and not listed.editable
    assert leader.divisions() == []
    for attempt in (
        lambda: leader.create(kf, major()),
        lambda: leader.update(decision.id, decision.version, major()),
        lambda: leader.create_consultation(
            decision.id, consultation(date(2021, 3, 1), date(2021, 3, 31))
        ),
    ):
        with pytest.raises(PermissionDenied, match="领导账号只能查看"):
            attempt()
    assert len(audit_actions(app_ctx, "denied")) == 3


def test_stale_versions_are_conflicts(app_ctx, service, liaison, kf):
    """Saving or deleting a decision or a consultation over a newer version is refused, and the
    conflict carries the stored record."""
    decision = service.create(kf, major()).row
    c = service.create_consultation(decision.id, consultation(date(2021, 3, 1), date(2021, 3, 31)))
    service.update(decision.id, decision.version, major(title="管理员改过"))
    service.update_consultation(c.id, c.version, replace(c.fields, received=9, adopted=9))
    mine = DecisionService(app_ctx.db, liaison)
    with pytest.raises(ConflictError, match="已被其他用户修改") as caught:
        mine.update(decision.id, decision.version, major(title="联络员的修改"))
    assert caught.value.current["title"] == "管理员改过"
    with pytest.raises(ConflictError):
        mine.delete(decision.id, decision.version)
    with pytest.raises(ConflictError) as caught:
        mine.update_consultation(c.id, c.version, replace(c.fields, received=1))
    assert caught.value.current["received"] == 9
    with pytest.raises(ConflictError):
        mine.delete_consultation(c.id, c.version)
    assert service.get(decision.id).row.title == "管理员改过"


def test_consultation_checks_give_each_rule_its_verdict(service, kf):
    """For a compliance tally, each consultation is judged by the period rule (not applicable
    for a hearing or a livelihood matter) and the adoption-result rule (not applicable while it
    runs, at risk while the result is due, missed after, met once published)."""
    normative_row = service.create(kf, normative()).row
    service.create_consultation(
        normative_row.id,
        consultation(date(2021, 9, 28), date(2021, 10, 12), result_published_on=date(2021, 10, 14)),
    )
    service.create_consultation(
        normative_row.id, consultation(date(2021, 11, 1), date(2021, 11, 1), channels=("hearing",))
    )
    livelihood = service.create(kf, DecisionFields("民生实事", DecisionType.LIVELIHOOD.value)).row
    service.create_consultation(livelihood.id, consultation(date(2021, 11, 1), date(2021, 12, 1)))
    checks = service.consultation_checks(today=date(2021, 11, 10))
    verdicts = {
        (c.decision.title, c.consultation.fields.started_on): (c.period, c.result) for c in checks
    }
    assert verdicts == {
        ("防止返贫动态监测和帮扶管理办法", date(2021, 9, 28)): (Verdict.MISSED, Verdict.MET),
        ("防止返贫动态监测和帮扶管理办法", date(2021, 11, 1)): (
            Verdict.NOT_APPLICABLE,
            Verdict.AT_RISK,
        ),
        ("民生实事", date(2021, 11, 1)): (Verdict.NOT_APPLICABLE, Verdict.NOT_APPLICABLE),
    }
    later = service.consultation_checks(DecisionQuery(division_id=kf), today=date(2021, 12, 31))
    assert sorted(c.result.value for c in later) == ["met", "missed", "missed"]


# --- the list --------------------------------------------------------------------------------


def test_list_filters_and_order(service, kf, sb):
    """Year, division, type, only-with-problems and text (wildcards taken literally) filter the
    list, most recently changed first."""
    a = service.create(kf, major(title="甲 100%_方案", steps=FIVE_STEPS)).row
    b = service.create(sb, normative(title="乙办法", document_number="赣乡振规〔2022〕1号")).row
    service.create_consultation(b.id, consultation(date(2022, 3, 1), date(2022, 3, 4)))
    service.create(sb, DecisionFields("丙 民生实事", DecisionType.LIVELIHOOD.value, notes="2022年"))

    def titles(**kw) -> list[str]:  # type: ignore[no-untyped-def]
        return [r.title for r in service.list_decisions(DecisionQuery(**kw))]

    assert titles() == ["丙 民生实事", "乙办法", "甲 100%_方案"]
    service.update(a.id, a.version, major(title="甲 100%_方案", steps=FIVE_STEPS, notes="改"))
    assert titles()[0] == "甲 100%_方案"
    assert titles(year=2022) == ["乙办法"] and titles(year=2021) == ["甲 100%_方案"]
    assert service.years()[-2:] == [2022, 2021]
    assert titles(division_id=kf) == ["甲 100%_方案"]
    assert titles(decision_type=DecisionType.NORMATIVE) == ["乙办法"]
    assert titles(with_problems=True) == ["乙办法"]
    assert titles(text="%_") == ["甲 100%_方案"]
    assert titles(text="2022") == ["丙 民生实事", "乙办法"]  # notes and 文号
    assert titles(text="办法 乙") == ["乙办法"]
    assert titles(text="不存在") == []


def test_divisions_offered_follow_the_role(app_ctx, service, liaison, kf):
    """An admin picks any active division, a liaison only their own."""
    names = [name for _, name in service.divisions()]
    assert "综合处" in names and "社会帮扶处" in names
    assert DecisionService(app_ctx.db, liaison).divisions() == [(kf, "开发指导处")]


# --- the link to the 规范性文件 registry -----------------------------------------------------------


def test_recorded_consultation_marks_the_registered_document_consulted(app_ctx, service, kf):
    """A consultation of a 规范性文件 decision with the document's 文号 sets 是否征求意见 when it
    is recorded, even one still running (it needs no later save once it runs out), in the same
    transaction with its own audit row; a decision of another type does not."""
    documents = DocumentService(app_ctx.db, service.actor)
    doc = documents.create_document(
        kf, DocumentFields(NUMBER, "防止返贫动态监测和帮扶管理办法", "normative", date(2021, 5, 6))
    )
    other = service.create(kf, major(document_number=NUMBER)).row
    service.create_consultation(other.id, consultation(date(2021, 3, 1), date(2021, 3, 31)))
    assert not documents.get_document(doc.id).row.consulted
    decision = service.create(kf, normative()).row
    assert decision.normative_document_id == doc.id
    service.create_consultation(
        decision.id, consultation(date.today(), date.today().replace(year=date.today().year + 1))
    )
    assert documents.get_document(doc.id).row.consulted
    assert audit_actions(app_ctx)[-2:] == ["document.update", "consultation.create"]
    with app_ctx.db.read() as session:
        detail = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "document.update")
        ).all()
    assert detail == [
        f"「防止返贫动态监测和帮扶管理办法」已公开征求意见，规范性文件「{NUMBER}」标记为已征求意见"
    ]


def test_entering_the_number_later_marks_the_document_too(app_ctx, service, kf):
    """A decision consulted on before its 文号 was known marks the document when the number is
    entered."""
    documents = DocumentService(app_ctx.db, service.actor)
    doc = documents.create_document(
        kf, DocumentFields(NUMBER, "防止返贫动态监测和帮扶管理办法", "normative", date(2021, 5, 6))
    )
    decision = service.create(kf, normative(document_number="")).row
    service.create_consultation(decision.id, consultation(date(2021, 3, 1), date(2021, 3, 12)))
    assert not documents.get_document(doc.id).row.consulted
    service.update(decision.id, decision.version, normative())
    assert documents.get_document(doc.id).row.consulted


def test_the_flag_follows_the_number_and_clears_when_nothing_counts(app_ctx, service, kf):
    """Changing the 文号 moves 已征求意见 to the other document; deleting the last consultation
    clears it."""
    documents = DocumentService(app_ctx.db, service.actor)
    first = documents.create_document(
        kf, DocumentFields(NUMBER, "防止返贫动态监测和帮扶管理办法", "normative", date(2021, 5, 6))
    )
    second = documents.create_document(
        kf, DocumentFields("赣乡振规〔2021〕4号", "帮扶项目管理办法", "normative", date(2021, 5, 6))
    )

    def consulted() -> list[bool]:
        return [documents.get_document(d.id).row.consulted for d in (first, second)]

    decision = service.create(kf, normative()).row
    c = service.create_consultation(decision.id, consultation(date(2021, 3, 1), date(2021, 3, 12)))
    assert consulted() == [True, False]
    moved = service.update(
        decision.id, decision.version, normative(document_number="赣乡振规〔2021〕4号")
    )
    assert consulted() == [False, True]
    service.delete_consultation(c.id, c.version)
    assert consulted() == [False, False]
    assert service.get(moved.row.id).row.normative_document_id == second.id
    with app_ctx.db.read() as session:
        details = session.scalars(
            select(AuditEntry.detail)
            .where(AuditEntry.action == "document.update")
            .order_by(AuditEntry.id)
        ).all()
    assert details[-1] == (
        "「防止返贫动态监测和帮扶管理办法」不再有征求意见记录，"
        "规范性文件「赣乡振规〔2021〕4号」取消已征求意见标记"
    )


def test_a_flag_set_by_hand_is_never_cleared_by_a_decision(app_ctx, service, kf):
    """A document already 已征求意见 (by hand or by import) keeps the flag when the decision
    that also counted for it loses its consultation or its 文号; one this module set is cleared."""
    documents = DocumentService(app_ctx.db, service.actor)
    by_hand = documents.create_document(
        kf,
        DocumentFields(
            NUMBER, "防止返贫动态监测和帮扶管理办法", "normative", date(2021, 5, 6), consulted=True
        ),
    )
    decision = service.create(kf, normative()).row
    c = service.create_consultation(decision.id, consultation(date(2021, 3, 1), date(2021, 3, 12)))
    service.delete_consultation(c.id, c.version)
    assert documents.get_document(by_hand.id).row.consulted
    service.create_consultation(decision.id, consultation(date(2021, 3, 1), date(2021, 3, 12)))
    moved = service.update(
        decision.id, decision.version, normative(document_number="赣乡振规〔2021〕9号")
    )
    assert documents.get_document(by_hand.id).row.consulted
    ours = documents.create_document(
        kf, DocumentFields("赣乡振规〔2021〕4号", "帮扶项目管理办法", "normative", date(2021, 5, 6))
    )
    again = service.update(
        decision.id, moved.row.version, normative(document_number="赣乡振规〔2021〕4号")
    )
    assert documents.get_document(ours.id).row.consulted
    service.delete(decision.id, again.row.version)
    assert not documents.get_document(ours.id).row.consulted
    assert documents.get_document(by_hand.id).row.consulted


# --- demo data -------------------------------------------------------------------------------


def test_demo_step_records_decisions_of_the_business_divisions(app_ctx, admin):
    """The demo writes decisions over three years: 规范性文件 under the registry's numbers (now
    已征求意见), major decisions with all five steps, and some breaking each kind of rule; a
    second run adds nothing."""
    year = date.today().year
    ctx = DemoContext(app_ctx, admin, year, 50, random.Random(7), CancelToken())
    run_job(foundation_step(ctx))
    run_job(documents_step(ctx))
    [line] = run_job(decisions_step(ctx))
    assert line.startswith("决策与征求意见：")
    service = DecisionService(app_ctx.db, admin)
    rows = service.list_decisions()
    assert len(rows) >= 12
    assert set(service.years()) <= {year, year - 1, year - 2, year - 3}
    kinds = {r.decision_type for r in rows}
    assert {DecisionType.MAJOR, DecisionType.NORMATIVE} <= kinds
    complete = [
        service.get(r.id)
        for r in rows
        if r.decision_type is DecisionType.MAJOR and r.collective_on and not r.problems
    ]
    assert complete and all(len(d.fields.steps) == 5 for d in complete)
    problems = " ".join(p for r in rows for p in r.problems)
    for words in ("征求意见期限不足", "多于收到的", "程序未填写日期", "早于"):
        assert words in problems, words
    assert any(r.normative_document_id is not None for r in rows)
    documents = DocumentService(app_ctx.db, admin)
    linked = [r for r in rows if r.normative_document_id is not None and r.latest_consultation]
    assert linked and all(
        documents.get_document(r.normative_document_id or 0).row.consulted for r in linked
    )
    assert "未再生成" in run_job(decisions_step(ctx))[0]
    with app_ctx.db.read() as session:
        assert session.scalar(select(func.count(Decision.id))) == len(rows)


# --- the Word explanation --------------------------------------------------------------------


def test_explanation_exported_in_the_official_layout(app_ctx, service, kf, tmp_path: Path):
    """导出说明 writes 意见收集和采纳情况说明: title, what was consulted and how, the numbers,
    the reasons, the unit and date as signature, on A4 with the official margins and fonts."""
    AdminService(app_ctx.db, service.actor).set_setting("unit_name", "江西省乡村振兴局")
    decision = service.create(kf, normative()).row
    c = service.create_consultation(
        decision.id,
        consultation(
            date(2021, 3, 1),
            date(2021, 3, 12),
            channels=("online", "hearing"),
            subject="防止返贫动态监测和帮扶管理办法（征求意见稿）",
            link="http://xczx.jiangxi.gov.cn/art/2021/3/1/art_1_1.html",
            received=23,
            adopted=12,
            partly_adopted=5,
            not_adopted=6,
            reasons="关于扩大监测范围的建议：监测范围由国家统一规定，未予采纳。\n其余意见属于操作问题。",
            result_published_on=date(2021, 3, 22),
        ),
    )
    path = service.export_explanation(
        decision.id, c.id, tmp_path / "说明.docx", issued=date(2021, 3, 22)
    )
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    assert texts[0] == "关于《防止返贫动态监测和帮扶管理办法\n（征求意见稿）》意见收集和采纳情况的说明"
    assert "2021年3月1日至2021年3月12日通过网上征求意见、听证座谈等方式" in texts[1]
    assert "江西省乡村振兴局" in texts[1] and "向社会公开征求意见" in texts[1]
    headings = [p.text for p in document.paragraphs if p.style.style_id == "Heading1"]
    assert headings == ["一、意见收集情况", "二、意见采纳情况", "三、未采纳意见及理由"]
    assert "征求意见期间，共收到意见建议23条。" in texts
    assert any("采纳12条，部分采纳5条，未采纳6条，采纳率（含部分采纳）为73.9%" in t for t in texts)
    assert "关于扩大监测范围的建议：监测范围由国家统一规定，未予采纳。" in texts
    assert texts[-2:] == ["江西省乡村振兴局", "2021年3月22日"]
    [table] = document.tables
    assert [cell.text for cell in table.rows[1].cells] == ["23", "12", "5", "6", "73.9%"]
    section = document.sections[0]
    for actual, mm in ((section.top_margin, 37), (section.left_margin, 28)):
        assert abs(actual - Mm(mm)) < Mm(0.05)
    title_font = document.paragraphs[0].runs[0]._r.rPr.rFonts.get(qn("w:eastAsia"))
    assert title_font == "方正小标宋简体"
    with pytest.raises(NotFound):
        service.export_explanation(decision.id, c.id + 99, tmp_path / "x.docx")


def test_explanation_refused_while_the_counts_do_not_account_for_the_opinions(
    service, kf, tmp_path: Path
):
    """The explanation is not written while adopted + partly + not adopted differs from those
    received (either way); with none received part 三 says so instead of 均已采纳."""
    decision = service.create(kf, normative()).row
    start, end = date(2021, 3, 1), date(2021, 3, 12)
    for counts, words in (
        ({"received": 5, "adopted": 6}, "多于收到的 5 条意见"),
        ({"received": 5, "adopted": 3}, "尚有 2 条未说明处理情况"),
    ):
        c = service.create_consultation(decision.id, consultation(start, end, **counts))
        target = tmp_path / "说明.docx"
        with pytest.raises(ValidationError) as raised:
            service.export_explanation(decision.id, c.id, target)
        assert "未导出" in str(raised.value) and words in str(raised.value)
        assert not target.exists()
    c = service.create_consultation(decision.id, consultation(start, end))
    path = service.export_explanation(decision.id, c.id, tmp_path / "无意见.docx")
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert "征求意见期间未收到意见建议，无未采纳的意见。" in texts
    assert not any("均已采纳" in t for t in texts)
