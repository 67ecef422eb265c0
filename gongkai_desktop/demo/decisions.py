"""Demo step: 决策公开与征求意见 of the business divisions in the demo year and the two before.

- 规范性文件 (and the odd 规章) of the demo registry: each consulted on before it was signed, under
  the same 文号, so the registry shows them 已征求意见.
- One 重大行政决策 per business division and year with its five statutory steps and a 30-day
  consultation, and now and then a 重大民生事项.
- A few records break each rule: a consultation too short, opinions that do not add up, reasons
  missing, an adoption result never published, a step missing or out of order; the newest
  consultations are just over, their results still due.

Written in one bulk transaction with one summary audit row; skipped when decisions exist.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update

from ..audit import AuditActor, record
from ..db.base import new_uuid
from ..db.decision_models import Consultation, Decision
from ..db.ledger_models import NormativeDocument
from ..db.models import Division
from ..domain.decisions import ConsultationChannel, DecisionStep, DecisionType
from ..domain.disclosure import DocumentLevel
from ..domain.labels import DivisionKind
from ..progress import Progress
from .interpretations import _liaisons
from .ledger import TOPICS

if TYPE_CHECKING:
    from . import DemoContext

PORTAL = "http://xczx.jiangxi.gov.cn"
YEARS_BACK = 2
PER_DIVISION_YEAR = 2  # 规范性文件 consulted on per division and year
# One in eight of each breach; the rest keep the rules.
NORMATIVE_SCENARIOS = ("ok", "short", "ok", "sum", "ok", "unpublished", "ok", "noreason")
MAJOR_SCENARIOS = ("ok", "missing", "ok", "order", "short", "ok")

MAJOR_TITLES = (
    "江西省{t}三年行动方案（{y}—{y2}年）",
    "江西省{t}专项规划",
    "关于调整{t}补助标准的决定",
    "江西省{t}实施方案",
)
LIVELIHOOD_TITLES = (
    "{y}年{t}民生实事项目",
    "关于提高{t}补助标准的通知",
)
STEP_NOTES = {
    DecisionStep.PARTICIPATION: (
        "在门户网站公开征求社会公众意见，召开座谈会听取基层干部群众和脱贫群众代表意见",
        "通过门户网站和微信公众号公开征求意见，并赴{c}开展实地调研",
    ),
    DecisionStep.EXPERT: (
        "组织农业经济、财政、法律等领域专家召开论证会，形成专家论证意见",
        "委托江西农业大学开展专题研究论证，出具论证报告",
    ),
    DecisionStep.RISK: (
        "开展社会稳定风险评估，评估结论为低风险",
        "委托第三方机构开展风险评估，提出风险防范措施并予以落实",
    ),
    DecisionStep.LEGALITY: (
        "经局法规处合法性审核，出具合法性审核意见书",
        "经法律顾问和局法规处审核，未发现合法性问题",
    ),
    DecisionStep.COLLECTIVE: (
        "经局党组会议审议通过",
        "经局务会议集体讨论决定",
    ),
}
REASONS = (
    "关于扩大补助范围的建议：补助范围由国家统一规定，本文件无权调整，未予采纳。",
    "关于简化审核程序的建议：审核程序是防范资金风险的必要环节，予以保留，未予采纳。",
    "关于提高补助标准的建议：受财力限制，暂不具备提高标准的条件，未予采纳。",
    "关于由县级自行确定实施期限的建议：为保证全省工作进度统一，未予采纳。",
)
COUNTIES = ("于都县", "兴国县", "宁都县", "寻乌县", "井冈山市", "莲花县", "鄱阳县", "修水县")


def _topic(title: str) -> str:
    return next((t for t in TOPICS if t in title), title)


def _opinions(rng: Any, scenario: str) -> dict[str, Any]:
    received = rng.randint(6, 48)
    adopted = rng.randint(received // 4, received // 2)
    partly = rng.randint(0, (received - adopted) // 2)
    not_adopted = received - adopted - partly - rng.randint(0, 2)
    not_adopted = max(not_adopted, 0)
    reasons = "\n".join(rng.sample(REASONS, 2)) if not_adopted else ""
    if scenario == "sum":
        adopted += rng.randint(3, 6)  # counted twice: more handled than received
    if scenario == "noreason":
        not_adopted = max(not_adopted, 2)
        adopted = min(adopted, received - partly - not_adopted)
        reasons = ""
    return {
        "received": received,
        "adopted": adopted,
        "partly_adopted": partly,
        "not_adopted": not_adopted,
        "reasons": reasons,
    }


class _Builder:
    """Collects the rows of decisions and consultations with their stamps and authors."""

    def __init__(self, ctx: DemoContext, authors: dict[int, int]) -> None:
        self.ctx = ctx
        self.authors = authors
        self.today = date.today()
        self.decisions: list[dict[str, Any]] = []
        self.consultations: list[tuple[str, dict[str, Any]]] = []  # (decision uuid, row)

    def _stamp(self, day: date) -> datetime:
        return datetime.combine(min(day, self.today), time(2, self.ctx.rng.randint(0, 59)))

    def decision(
        self,
        division_id: int,
        title: str,
        kind: DecisionType,
        *,
        number: str = "",
        rule_level: bool = False,
        market_related: bool = False,
        predisclosed_on: date | None = None,
        steps: dict[DecisionStep, date] | None = None,
        first_day: date,
        notes: str = "",
    ) -> str:
        rng = self.ctx.rng
        steps = steps or {}
        values: dict[str, Any] = {}
        for step in DecisionStep:
            on = steps.get(step)
            values[f"{step.value}_on"] = on
            values[f"{step.value}_note"] = (
                rng.choice(STEP_NOTES[step]).format(c=rng.choice(COUNTIES)) if on else ""
            )
        collective = steps.get(DecisionStep.COLLECTIVE)
        year = (collective or predisclosed_on or first_day).year
        last = max([first_day, *steps.values()] + ([predisclosed_on] if predisclosed_on else []))
        author = self.authors.get(division_id, self.ctx.actor.user_id)
        uuid = new_uuid()
        self.decisions.append(
            {
                "uuid": uuid,
                "division_id": division_id,
                "title": title,
                "decision_type": kind.value,
                "document_number": number,
                "rule_level": rule_level,
                "market_related": market_related,
                "predisclosed_on": predisclosed_on,
                **values,
                "notes": notes,
                "year": year,
                "created_by": author,
                "updated_by": author,
                "created_at": self._stamp(first_day) - timedelta(days=rng.randint(5, 30)),
                "updated_at": self._stamp(last),
                "version": 1,
            }
        )
        return uuid

    def consultation(
        self,
        decision_uuid: str,
        division_id: int,
        subject: str,
        start: date,
        end: date,
        channels: tuple[ConsultationChannel, ...],
        opinions: dict[str, Any],
        published: bool,
    ) -> None:
        rng = self.ctx.rng
        result_on: date | None = None
        if published:
            result_on = end + timedelta(days=rng.randint(3, 12))
            if result_on > self.today:
                result_on = None
        author = self.authors.get(division_id, self.ctx.actor.user_id)
        code = rng.randint(10000, 99999)
        self.consultations.append(
            (
                decision_uuid,
                {
                    "uuid": new_uuid(),
                    "division_id": division_id,
                    "subject": subject,
                    "channels": ",".join(c.value for c in ConsultationChannel if c in channels),
                    "started_on": start,
                    "ended_on": end,
                    "link": f"{PORTAL}/art/{start:%Y/%m/%d}/art_{code}_zqyj.html",
                    **opinions,
                    "result_published_on": result_on,
                    "result_link": (
                        f"{PORTAL}/art/{result_on:%Y/%m/%d}/art_{code + 1}_cnqk.html"
                        if result_on
                        else ""
                    ),
                    "created_by": author,
                    "updated_by": author,
                    "created_at": self._stamp(start),
                    "updated_at": self._stamp(result_on or end),
                    "version": 1,
                },
            )
        )


def _normative(builder: _Builder, doc: Any, index: int) -> str:
    """A 规范性文件 consulted on before it was signed; returns what rule it breaks."""
    rng = builder.ctx.rng
    scenario = NORMATIVE_SCENARIOS[index % len(NORMATIVE_SCENARIOS)]
    rule = doc.level == DocumentLevel.RULE.value
    market = not rule and rng.random() < 0.25
    # 7 working days take at least 9 calendar days; 30 days for 规章 and market-related texts.
    length = 35 if (rule or market) else rng.randint(12, 20)
    if scenario == "short":
        length = 16 if (rule or market) else 5
    end = doc.written_on - timedelta(days=rng.randint(20, 45))
    start = end - timedelta(days=length)
    uuid = builder.decision(
        doc.division_id,
        doc.title,
        DecisionType.NORMATIVE,
        number=doc.doc_number,
        rule_level=rule,
        market_related=market,
        first_day=start,
        notes="涉及市场主体，同时听取了行业协会和企业代表意见" if market else "",
    )
    channels = [ConsultationChannel.ONLINE]
    if market or rng.random() < 0.3:
        channels.append(ConsultationChannel.HEARING)
    builder.consultation(
        uuid,
        doc.division_id,
        f"{doc.title}（征求意见稿）",
        start,
        end,
        tuple(channels),
        _opinions(rng, scenario),
        published=scenario != "unpublished",
    )
    return scenario


def _major(builder: _Builder, division_id: int, year: int, index: int) -> str:
    """A 重大行政决策 of ``year`` with its statutory steps; returns what rule it breaks."""
    rng = builder.ctx.rng
    today = builder.today
    scenario = MAJOR_SCENARIOS[index % len(MAJOR_SCENARIOS)]
    topic = rng.choice(TOPICS)
    title = rng.choice(MAJOR_TITLES).format(t=topic, y=year, y2=year + 2)
    start = date(year, 3, 1) + timedelta(days=rng.randint(0, 150))
    length = 20 if scenario == "short" else rng.randint(30, 40)
    end = start + timedelta(days=length)
    steps = {
        DecisionStep.PARTICIPATION: start,
        DecisionStep.EXPERT: end + timedelta(days=rng.randint(5, 15)),
        DecisionStep.RISK: end + timedelta(days=rng.randint(10, 25)),
    }
    steps[DecisionStep.LEGALITY] = max(steps.values()) + timedelta(days=rng.randint(5, 12))
    steps[DecisionStep.COLLECTIVE] = steps[DecisionStep.LEGALITY] + timedelta(
        days=rng.randint(7, 20)
    )
    if scenario == "missing":
        del steps[DecisionStep.RISK]
    elif scenario == "order":
        steps[DecisionStep.LEGALITY] = steps[DecisionStep.EXPERT] - timedelta(days=3)
    if steps[DecisionStep.COLLECTIVE] > today:
        # Still in progress: only the steps already taken.
        steps = {s: d for s, d in steps.items() if d <= today}
        scenario = "pending"
    uuid = builder.decision(
        division_id,
        title,
        DecisionType.MAJOR,
        predisclosed_on=start if start <= today else None,
        steps=steps,
        first_day=start,
    )
    if start <= today:
        builder.consultation(
            uuid,
            division_id,
            f"{title}（征求意见稿）",
            start,
            min(end, today + timedelta(days=20)),
            (ConsultationChannel.ONLINE, ConsultationChannel.HEARING),
            _opinions(rng, "ok"),
            published=True,
        )
    return scenario


def _livelihood(builder: _Builder, division_id: int, year: int) -> None:
    rng = builder.ctx.rng
    title = rng.choice(LIVELIHOOD_TITLES).format(t=rng.choice(TOPICS), y=year)
    start = date(year, 9, 1) + timedelta(days=rng.randint(0, 60))
    uuid = builder.decision(division_id, title, DecisionType.LIVELIHOOD, first_day=start)
    if start <= builder.today:
        builder.consultation(
            uuid,
            division_id,
            title,
            start,
            start + timedelta(days=rng.randint(10, 20)),
            (ConsultationChannel.SURVEY, ConsultationChannel.ONLINE),
            _opinions(rng, "ok"),
            published=True,
        )


def _recent(builder: _Builder, division_id: int) -> None:
    """A consultation just over, its adoption result still due (shown as at risk)."""
    rng = builder.ctx.rng
    today = builder.today
    end = today - timedelta(days=rng.randint(1, 5))
    start = end - timedelta(days=rng.randint(12, 18))
    topic = rng.choice(TOPICS)
    title = f"关于进一步加强{topic}工作的实施意见"
    uuid = builder.decision(division_id, title, DecisionType.NORMATIVE, first_day=start)
    builder.consultation(
        uuid,
        division_id,
        f"{title}（征求意见稿）",
        start,
        end,
        (ConsultationChannel.ONLINE,),
        _opinions(rng, "ok"),
        published=False,
    )


def decisions_step(ctx: DemoContext) -> Generator[Progress, None, list[str]]:
    """Decisions and consultations of the business divisions over three years."""
    if ctx.scale <= 0:
        return []
    with ctx.app.db.read() as session:
        if session.scalar(select(func.count(Decision.id))):
            return ["决策与征求意见已有数据，未再生成。"]
        businesses = list(
            session.scalars(
                select(Division.id)
                .where(Division.kind == DivisionKind.BUSINESS.value, Division.active.is_(True))
                .order_by(Division.sort_order)
            )
        )
        documents = session.execute(
            select(
                NormativeDocument.doc_number,
                NormativeDocument.title,
                NormativeDocument.level,
                NormativeDocument.written_on,
                NormativeDocument.division_id,
            )
            .where(
                NormativeDocument.deleted_at.is_(None),
                NormativeDocument.division_id.in_(businesses),
                NormativeDocument.written_on >= date(ctx.year - YEARS_BACK, 1, 1),
                NormativeDocument.written_on <= date(ctx.year, 12, 31),
            )
            .order_by(NormativeDocument.written_on, NormativeDocument.id)
        ).all()
        authors = _liaisons(session)
    if not businesses:
        return []
    yield Progress(0, 1, "决策与征求意见")
    builder = _Builder(ctx, authors)
    counts: dict[str, int] = {}
    taken: dict[tuple[int, int], int] = {}
    for doc in documents:
        ctx.cancel.check()
        key = (doc.division_id, doc.written_on.year)
        if taken.get(key, 0) >= PER_DIVISION_YEAR:
            continue
        taken[key] = taken.get(key, 0) + 1
        scenario = _normative(builder, doc, len(builder.decisions))
        counts[scenario] = counts.get(scenario, 0) + 1
    majors = 0
    for year in range(ctx.year - YEARS_BACK, ctx.year + 1):
        if date(year, 3, 1) > builder.today:
            continue
        for division_id in businesses:
            scenario = _major(builder, division_id, year, majors)
            counts[scenario] = counts.get(scenario, 0) + 1
            majors += 1
            if ctx.rng.random() < 0.3:
                _livelihood(builder, division_id, year)
    if ctx.year >= builder.today.year:
        for division_id in businesses[:2]:
            _recent(builder, division_id)
    with ctx.app.db.write() as session:
        session.execute(insert(Decision), builder.decisions)
        ids = dict(
            session.execute(
                select(Decision.uuid, Decision.id).where(
                    Decision.uuid.in_([d["uuid"] for d in builder.decisions])
                )
            ).all()
        )
        rows = [{**row, "decision_id": ids[uuid]} for uuid, row in builder.consultations]
        if rows:
            session.execute(insert(Consultation), rows)
        # SPEC §6: the registry says 已征求意见 for every document consulted on.
        consulted = [
            d["document_number"]
            for d in builder.decisions
            if d["document_number"]
            and any(
                uuid == d["uuid"] and row["ended_on"] < builder.today
                for uuid, row in builder.consultations
            )
        ]
        if consulted:
            session.execute(
                update(NormativeDocument)
                .where(
                    NormativeDocument.doc_number.in_(consulted),
                    NormativeDocument.deleted_at.is_(None),
                    NormativeDocument.consulted.is_(False),
                )
                .values(consulted=True, version=NormativeDocument.version + 1)
                .execution_options(synchronize_session=False)
            )
        record(
            session,
            AuditActor(ctx.actor.user_id, ctx.actor.username),
            "demo.decisions",
            entity="decision",
            detail=f"演示数据：决策 {len(builder.decisions)} 项、征求意见 {len(rows)} 次",
        )
    yield Progress(1, 1, "决策与征求意见")
    breaches = sum(n for s, n in counts.items() if s not in ("ok", "pending"))
    return [
        f"决策与征求意见：{len(builder.decisions)} 项决策、{len(rows)} 次征求意见"
        f"（其中 {breaches} 项违反规则）"
    ]
