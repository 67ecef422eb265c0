"""Demo data for 考核评议: the other modules' demo data mostly concerns the business divisions, so
the divisions without a normative document, an interpretation, a consultation, a message or a
request of the year get one or two of their own (so that every indicator measures something for
most divisions), except that 机关纪委 gets no request: its 依申请公开 indicator stays 不适用 and
its weight is re-spread, as the page and the workbook show. 综合处 also enters one 扣分 and one
调整, so 扣分明细 is not empty.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ..db.base import new_uuid, utcnow
from ..db.decision_models import Consultation, Decision
from ..db.engagement_models import PublicInteraction
from ..db.evaluation_models import EvaluationAdjustment
from ..db.interpretation_models import Interpretation
from ..db.ledger_models import NormativeDocument
from ..db.models import Division
from ..db.request_models import DisclosureRequest
from ..domain.evaluation import Period
from ..progress import Progress
from ..services.evaluation import EvaluationService

NO_REQUESTS = "机关纪委"  # the division whose YSQ1 stays 不适用 in the demo


def _owners(session: Any, model: Any, column: Any, start: date, end: date) -> set[int]:
    """Divisions with a live record of ``model`` dated within [start, end]."""
    stmt = select(model.division_id).where(
        model.deleted_at.is_(None), column >= start, column <= end
    )
    return set(session.scalars(stmt.distinct()))


def evaluation_step(ctx: Any) -> Generator[Progress, None, list[str]]:
    """Top up the divisions with nothing to measure in the year (see the module's docstring)."""
    if ctx.scale <= 0:
        return []
    year, rng = ctx.year, ctx.rng
    start, end = date(year, 1, 1), min(date(year, 12, 31), date.today())
    # Records dated up to two months before the last day: their deadlines have passed.
    last = end - timedelta(days=60)
    if last < start + timedelta(days=30):
        return []
    db = ctx.app.db
    with db.read() as session:
        if session.scalar(
            select(func.count(EvaluationAdjustment.id)).where(EvaluationAdjustment.year == year)
        ):
            return ["考核评议已有演示数据，未再生成。"]
        divisions = list(
            session.execute(
                select(Division.id, Division.name, Division.code).where(Division.active.is_(True))
            )
        )
        have_docs = _owners(session, NormativeDocument, NormativeDocument.written_on, start, last)
        have_interpretations = set(
            session.scalars(
                select(Interpretation.division_id).where(Interpretation.year == year).distinct()
            )
        )
        have_messages = _owners(
            session, PublicInteraction, PublicInteraction.received_on, start, last
        )
        have_requests = _owners(
            session, DisclosureRequest, DisclosureRequest.receipt_date, start, last
        )
        have_decisions = set(
            session.scalars(select(Decision.division_id).where(Decision.year == year).distinct())
        )

    def day() -> date:
        return start + timedelta(days=rng.randint(20, (last - start).days))

    added: Counter[str] = Counter()
    now = utcnow()
    common: dict[str, Any] = {
        "created_by": ctx.actor.user_id,
        "updated_by": ctx.actor.user_id,
        "created_at": now,
        "updated_at": now,
    }
    with db.write() as session:
        for n, (division_id, name, code) in enumerate(divisions):
            ctx.cancel.check()
            own = {"division_id": division_id, **common}
            if division_id not in have_docs:
                written = day()
                published = written + timedelta(days=rng.randint(3, 12))
                session.add(
                    NormativeDocument(
                        uuid=new_uuid(),
                        doc_number=f"演{code}〔{year}〕{n + 1}号",
                        title=f"{name}关于规范本处室业务办理的规定",
                        written_on=written,
                        published_on=published,
                        interpreted=n % 3 != 0,
                        **own,
                    )
                )
                added["规范性文件"] += 1
            if division_id not in have_interpretations:
                approved = day()
                published = approved + timedelta(days=3)
                late = n % 4 == 1  # one in four is published a day after its document
                session.add(
                    Interpretation(
                        uuid=new_uuid(),
                        title=f"《{name}关于规范本处室业务办理的规定》政策解读",
                        document_title=f"{name}关于规范本处室业务办理的规定",
                        forms="text,graphic" if n % 2 == 0 else "text",
                        year=year,
                        document_approved_on=approved,
                        approved_on=approved,
                        document_published_on=published,
                        published_on=published + timedelta(days=1 if late else 0),
                        **own,
                    )
                )
                added["政策解读"] += 1
            if division_id not in have_messages:
                for k in range(2):
                    received = day()
                    answered = (
                        received + timedelta(days=rng.randint(1, 6))
                        if k == 0 or n % 2 == 0
                        else None
                    )
                    session.add(
                        PublicInteraction(
                            uuid=new_uuid(),
                            form="message",
                            subject=f"咨询{name}办事流程（{k + 1}）",
                            received_on=received,
                            answered_on=answered,
                            reply="已答复，详见门户网站办事指南。" if answered else "",
                            **own,
                        )
                    )
                    added["网民留言"] += 1
            if division_id not in have_requests and name != NO_REQUESTS:
                for k in range(2):
                    received = day()
                    answered = received + timedelta(
                        days=rng.randint(5, 18) if k == 0 else rng.randint(30, 40)
                    )
                    session.add(
                        DisclosureRequest(
                            uuid=new_uuid(),
                            reg_no=f"{year}-演{code}-{k + 1:02d}",
                            receipt_date=received,
                            channel="online",
                            applicant_type="natural_person",
                            applicant="演示申请人",
                            content=f"申请公开{name}{year}年工作台账",
                            answer_date=answered,
                            outcome="予以公开",
                            **own,
                        )
                    )
                    added["依申请公开"] += 1
            if division_id not in have_decisions:
                decision = Decision(
                    uuid=new_uuid(),
                    title=f"{name}{year}年工作规则（修订）",
                    decision_type="other",
                    year=year,
                    **own,
                )
                session.add(decision)
                session.flush()
                began = day()
                ended = began + timedelta(days=30)
                session.add(
                    Consultation(
                        uuid=new_uuid(),
                        decision_id=decision.id,
                        subject=f"{name}{year}年工作规则（征求意见稿）",
                        started_on=began,
                        ended_on=ended,
                        received=rng.randint(3, 12),
                        adopted=2,
                        partly_adopted=1,
                        not_adopted=1,
                        reasons="与上位规定不一致",
                        result_published_on=ended + timedelta(days=5) if n % 3 else None,
                        **own,
                    )
                )
                added["征求意见"] += 1
    names = {name: division_id for division_id, name, _code in divisions}
    service = EvaluationService(db, ctx.actor)
    period = Period(year)
    lines = []
    if "社会帮扶处" in names:
        service.add_adjustment(
            period,
            names["社会帮扶处"],
            "deduction",
            Decimal(2),
            "通报批评：门户网站栏目信息未及时更新",
        )
    if "考核评估处" in names:
        service.add_adjustment(
            period, names["考核评估处"], "adjustment", Decimal("1.5"), "承担全省政务公开试点任务"
        )
    yield Progress(1, 1, "考核评议")
    if added:
        lines.append(
            "考核评议：为无记录的处室补充"
            + "、".join(f"{k} {v} 条" for k, v in added.items())
            + f"；{NO_REQUESTS}无依申请公开（该项不适用）"
        )
    return lines
