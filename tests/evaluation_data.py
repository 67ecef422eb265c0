"""A year of records (2025) whose evaluation scores were computed by hand (SPEC §13).

Evaluated on 2026-03-02, when every deadline of 2025 has passed. Divisions of the ``admin``
fixture: 综合处, 政法处, 计财处, 人事处, 稽查处, 机关纪委, 开发指导处 (kf), 社会帮扶处 (sb).

开发指导处, scored on every indicator (Σ applicable weights = 100):

  RW1 15 × 2/4 = 7.5       (Q1, Q2 on time; Q3 late; Q4 missing)
  RW2 10 × 2/3 = 6.6667    (Q1 合格, Q2 需整改, Q3 合格)
  ZD1 12 × 3/4 = 9         (one of four items published late)
  ZD2  4 × 3/4 = 3         (one published item without 门户网站)
  ZD3  4 × 2/2 = 4
  JD1  8 × 1/2 = 4         (one of the two published documents interpreted)
  JD2  5 × 1/2 = 2.5       (one interpretation approved two days after its document)
  JD3  2 × 1/2 = 1
  HY1 10 × 1/2 = 5         (舆情 answered in 10 h; a message never answered)
  YSQ1 10 × 1/2 − 2 = 3    (one request answered late, its review case 纠正)
  JC1 10 × 1/1 = 10
  FB1  5 × 1/1 = 5
  PX1  5 × 1/2 = 2.5
  Σ = 63 1/6; − 扣分 3 + 调整 1.5 = 61 2/3 → 61.67 合格

社会帮扶处 and 政法处 (re-spread over ZD1 12 + ZD2 4 + FB1 5 + PX1 5 = 26):
  ZD1 1200/26 = 46.15, ZD2 400/26 = 15.38, FB1 0, PX1 250/26 = 9.62 → 1850/26 = 71.15 合格 (tie)
综合处: FB1 1/1, PX1 2/2 → 100 优秀. 计财处, 人事处, 稽查处, 机关纪委: FB1 0/1, PX1 0/2 → 0 不合格.
Ranks: 综合处 1; 社会帮扶处, 政法处 2; 开发指导处 4; the four others 5.

Second quarter (April–June): 开发指导处 over RW1 15, RW2 10, ZD1 12, ZD2 4, JD2 5, JD3 2, HY1 10,
YSQ1 10 (Σ 68): (15 + 12 + 4 + 5 + 2 + 10 + 10) × 100 / 68 = 5800/68 = 85.29 良好 (RW2 0/1);
社会帮扶处 and 政法处 100 (ZD1, ZD2 only), rank 1; every other division 不适用, without rank.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from gongkai_desktop.db.decision_models import Consultation, Decision
from gongkai_desktop.db.engagement_models import (
    PressConference,
    PublicInteraction,
    PublicOpinion,
    WorkMeeting,
)
from gongkai_desktop.db.interpretation_models import Interpretation
from gongkai_desktop.db.ledger_models import NormativeDocument
from gongkai_desktop.db.plan_models import PlanAssignment, PlanTask, TaskReport
from gongkai_desktop.db.request_models import DisclosureCase, DisclosureRequest
from gongkai_desktop.domain.disclosure import ItemFields
from gongkai_desktop.domain.evaluation import Period
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.evaluation import EvaluationService
from gongkai_desktop.services.ledger import LedgerService

YEAR = 2025
AS_OF = date(2026, 3, 2)
ANNUAL = Period(YEAR)
Q2 = Period(YEAR, 2)

# Hand figures: division → (total shown, grade, rank) for the year and for the second quarter.
ANNUAL_EXPECTED = {
    "综合处": ("100.00", "优秀", 1),
    "社会帮扶处": ("71.15", "合格", 2),
    "政法处": ("71.15", "合格", 2),
    "开发指导处": ("61.67", "合格", 4),
    "计财处": ("0.00", "不合格", 5),
    "人事处": ("0.00", "不合格", 5),
    "稽查处": ("0.00", "不合格", 5),
    "机关纪委": ("0.00", "不合格", 5),
}
KF_SCORES = {
    "RW1": "7.50",
    "RW2": "6.67",
    "ZD1": "9.00",
    "ZD2": "3.00",
    "ZD3": "4.00",
    "JD1": "4.00",
    "JD2": "2.50",
    "JD3": "1.00",
    "HY1": "5.00",
    "YSQ1": "3.00",
    "JC1": "10.00",
    "FB1": "5.00",
    "PX1": "2.50",
}
KF_COUNTS = {
    "RW1": (4, 2),
    "RW2": (3, 2),
    "ZD1": (4, 3),
    "ZD2": (4, 3),
    "ZD3": (2, 2),
    "JD1": (2, 1),
    "JD2": (2, 1),
    "JD3": (2, 1),
    "HY1": (2, 1),
    "YSQ1": (2, 1),
    "JC1": (1, 1),
    "FB1": (1, 1),
    "PX1": (2, 1),
}
SB_SCORES = {"ZD1": "46.15", "ZD2": "15.38", "FB1": "0.00", "PX1": "9.62"}
Q2_EXPECTED = {
    "社会帮扶处": ("100.00", "优秀", 1),
    "政法处": ("100.00", "优秀", 1),
    "开发指导处": ("85.29", "良好", 3),
}


def _item(
    title: str, formed: date, published: date | None, channels: tuple[str, ...]
) -> ItemFields:
    return ItemFields(title, "执行公开", "proactive", None, formed, published, channels=channels)


def build(db, admin) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Store the records; returns the division ids by name."""
    admin_service = AdminService(db, admin)
    ids = {d.name: d.id for d in admin_service.list_divisions()}
    kf, sb, zf, zh = ids["开发指导处"], ids["社会帮扶处"], ids["政法处"], ids["综合处"]
    ledger = LedgerService(db, admin)
    portal, weibo = ("门户网站",), ("微博",)
    ledger.create_item(kf, _item("项目资金安排", date(2025, 4, 7), date(2025, 4, 10), portal))
    ledger.create_item(kf, _item("帮扶政策", date(2025, 5, 6), date(2025, 5, 8), portal))
    ledger.create_item(kf, _item("培训通知", date(2025, 8, 4), date(2025, 8, 6), weibo))
    ledger.create_item(kf, _item("年度计划", date(2025, 9, 1), date(2025, 11, 20), portal))
    ledger.create_item(sb, _item("社会帮扶名单", date(2025, 5, 6), date(2025, 5, 9), portal))
    ledger.create_item(zf, _item("法治政府建设情况", date(2025, 5, 6), date(2025, 5, 9), portal))
    with db.write() as s:
        task = PlanTask(year=YEAR, no=1, title="加大决策公开", division_id=zh)
        s.add(task)
        s.flush()
        assignment = PlanAssignment(task_id=task.id, role="lead", division_id=kf)
        s.add(assignment)
        s.flush()
        for quarter, submitted, review in (
            (1, date(2025, 4, 3), "pass"),
            (2, date(2025, 7, 2), "rectify"),
            (3, date(2025, 11, 20), "pass"),
        ):
            s.add(
                TaskReport(
                    assignment_id=assignment.id,
                    quarter=quarter,
                    progress="推进中",
                    status="in_progress",
                    submitted_on=submitted,
                    review_result=review,
                    division_id=kf,
                )
            )
        for number, written, interpreted in (
            ("X政发〔2025〕1号", date(2025, 1, 10), True),
            ("X政发〔2025〕2号", date(2025, 8, 1), False),
        ):
            s.add(
                NormativeDocument(
                    doc_number=number,
                    title=f"规范性文件{number}",
                    written_on=written,
                    published_on=date(written.year, written.month, written.day + 5),
                    interpreted=interpreted,
                    division_id=kf,
                )
            )
        s.add(
            Interpretation(
                title="《帮扶政策》解读",
                document_title="帮扶政策",
                forms="text,graphic",
                year=YEAR,
                document_approved_on=date(2025, 5, 6),
                approved_on=date(2025, 5, 6),
                document_published_on=date(2025, 5, 9),
                published_on=date(2025, 5, 9),
                division_id=kf,
            )
        )
        s.add(
            Interpretation(
                title="《年度计划》解读",
                document_title="年度计划",
                forms="text",
                year=YEAR,
                document_approved_on=date(2025, 8, 4),
                approved_on=date(2025, 8, 6),
                document_published_on=date(2025, 8, 8),
                published_on=date(2025, 8, 8),
                division_id=kf,
            )
        )
        s.add(
            PublicOpinion(
                subject="项目资金使用情况",
                source="网络",
                first_seen_at=datetime(2025, 6, 3, 9),
                level="ordinary",
                responded_at=datetime(2025, 6, 3, 19),
                division_id=kf,
            )
        )
        s.add(
            PublicInteraction(
                form="message",
                subject="咨询帮扶政策",
                received_on=date(2025, 11, 10),
                division_id=kf,
            )
        )
        r1 = DisclosureRequest(
            reg_no="2025-001",
            receipt_date=date(2025, 5, 6),
            channel="online",
            applicant_type="natural_person",
            answer_date=date(2025, 5, 12),
            outcome="予以公开",
            division_id=kf,
        )
        r2 = DisclosureRequest(
            reg_no="2025-002",
            receipt_date=date(2025, 8, 1),
            channel="online",
            applicant_type="natural_person",
            answer_date=date(2025, 10, 30),
            outcome="予以公开",
            division_id=kf,
        )
        s.add_all([r1, r2])
        s.flush()
        s.add(
            DisclosureCase(
                case_no="复议〔2025〕1号",
                case_type="review",
                received_date=date(2025, 11, 3),
                closed_date=date(2025, 12, 15),
                result="corrected",
                request_id=r2.id,
                division_id=kf,
            )
        )
        decision = Decision(
            title="帮扶资金管理办法", decision_type="normative", year=YEAR, division_id=kf
        )
        s.add(decision)
        s.flush()
        s.add(
            Consultation(
                decision_id=decision.id,
                subject="帮扶资金管理办法（征求意见稿）",
                started_on=date(2025, 8, 1),
                ended_on=date(2025, 9, 5),
                received=10,
                adopted=5,
                partly_adopted=2,
                not_adopted=3,
                reasons="与上位法不一致",
                result_published_on=date(2025, 9, 8),
                division_id=kf,
            )
        )
        s.add(
            PressConference(
                held_on=date(2025, 8, 20),
                topic="帮扶工作进展",
                involved_divisions=str(kf),
                division_id=zh,
            )
        )
        s.add(
            WorkMeeting(
                meeting_kind="training",
                held_on=date(2025, 11, 5),
                subject="政务公开业务培训",
                participants="开发指导处、社会帮扶处、政法处联络员",
                division_id=zh,
            )
        )
        s.add(
            WorkMeeting(
                meeting_kind="training",
                held_on=date(2025, 12, 2),
                subject="公开条例专题学习",
                participants="综合处全体",
                division_id=zh,
            )
        )
    service = EvaluationService(db, admin)
    service.add_adjustment(ANNUAL, kf, "deduction", Decimal(3), "通报批评：网站栏目长期未更新")
    service.add_adjustment(ANNUAL, kf, "adjustment", Decimal("1.5"), "承担全省试点任务")
    return ids
