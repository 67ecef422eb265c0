"""Demo data of the disclosure ledger: 公开事项 (``--scale`` of them), ~60 规范性文件 with a
clean-up campaign, ~30 转载 and a 标准目录.

Items are written with bulk INSERTs in chunks and their deadlines come from one calendar loaded
once (per distinct formation date), so ``--scale 100000`` takes seconds. Each bulk step writes one
summary audit row. A step whose records already exist is skipped, so running the demo twice does
not double the data.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select

from ..audit import AuditActor, record
from ..calendar import WorkingCalendar
from ..db.base import new_uuid, utcnow
from ..db.ledger_models import (
    CatalogueEntry,
    CleanupCampaign,
    CleanupDecision,
    DisclosureItem,
    NormativeDocument,
    NormativeDocumentStatus,
    Repost,
)
from ..db.models import Division
from ..domain.disclosure import (
    BUDGET_CATEGORIES,
    CHANNEL_BITS,
    PORTAL_BIT,
    WITHHOLD_GROUNDS,
    CleanupDecisionKind,
    DisclosureAttribute,
    DocumentLevel,
    DocumentStatus,
    RepostSource,
    compute_deadline,
)
from ..errors import CalendarMissing
from ..progress import Progress
from ..search import bulk_item_load
from ..services.calendar import load_calendar
from ..services.ledger import LedgerService
from ..services.ledger_catalogue import CATALOGUE_FIELDS

if TYPE_CHECKING:
    from . import DemoContext

log = logging.getLogger(__name__)

CHUNK = 5000

TOPICS = (
    "防止返贫动态监测和帮扶",
    "巩固拓展脱贫攻坚成果",
    "衔接推进乡村振兴补助资金",
    "以工代赈",
    "消费帮扶",
    "易地扶贫搬迁后续扶持",
    "雨露计划职业教育补助",
    "脱贫人口小额信贷",
    "驻村第一书记和工作队",
    "乡村建设行动",
    "东西部协作",
    "定点帮扶",
    "农村低收入人口常态化帮扶",
    "脱贫人口稳岗就业",
    "光伏帮扶电站收益分配",
    "产业帮扶项目",
    "扶贫项目资产后续管理",
    "乡村振兴示范创建",
    "社会力量参与帮扶",
    "乡风文明建设",
)
COUNTIES = (
    "井冈山市",
    "瑞金市",
    "于都县",
    "兴国县",
    "寻乌县",
    "石城县",
    "永新县",
    "遂川县",
    "万安县",
    "上犹县",
    "会昌县",
    "安远县",
    "宁都县",
    "广昌县",
    "乐安县",
    "修水县",
    "鄱阳县",
    "余干县",
    "都昌县",
    "莲花县",
)
UNIT = "江西省乡村振兴局"
QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")

# (category, title templates); {t} topic, {y} year, {c} county, {q} quarter, {m} month, {n} number.
TITLES: dict[str, tuple[str, ...]] = {
    "决策公开": (
        "{u}关于印发《{t}工作方案》的通知",
        "关于{t}的实施意见（征求意见稿）",
        "{u}{y}年{t}工作要点",
        "关于进一步做好{t}工作的通知",
    ),
    "执行公开": (
        "{y}年{q}{t}工作推进情况",
        "{c}{t}工作开展情况通报",
        "关于{y}年{t}重点任务落实情况的报告",
    ),
    "管理公开": (
        "{u}{t}管理工作规程",
        "关于{c}{t}工作督查情况的通报",
        "{u}机关内设机构及职能（{y}年更新）",
    ),
    "服务公开": (
        "{t}办事指南",
        "{t}政策问答（{y}年版）",
        "{c}{t}服务事项清单",
    ),
    "结果公开": (
        "{y}年度{t}考核评估结果",
        "{c}{t}项目验收结果公示",
        "{y}年{t}绩效评价结果",
    ),
    "部门预算": ("{u}{y}年部门预算", "{u}{y}年部门预算（调整）"),
    "部门决算": ("{u}{y0}年度部门决算",),
    "三公经费": ("{u}{y}年“三公”经费预算情况说明", "{u}{y0}年度“三公”经费决算情况说明"),
    "政府采购": (
        "{t}信息化平台建设项目中标（成交）结果公告",
        "{y}年{t}第三方评估服务采购项目公开招标公告",
        "{t}宣传服务项目竞争性磋商公告",
    ),
    "重大建设项目": ("{c}{t}重点项目建设进展情况", "{c}{t}项目批准结果公示"),
    "公共资源配置": ("{y}年{t}资金分配方案公示", "{c}{t}项目资金安排情况公示"),
    "社会公益事业": ("{y}年{t}社会捐赠款物使用情况", "{c}{t}公益项目实施情况"),
    "财政资金直达基层": (
        "{y}年{q}中央财政衔接推进乡村振兴补助资金分配结果",
        "{y}年{t}直达资金下达情况",
    ),
    "乡村振兴领域": (
        "{c}{y}年{t}项目库公示",
        "{c}{y}年{t}实施计划公告",
        "{c}{t}资金项目公告公示",
    ),
    "突发事件": ("关于做好汛期{t}受灾群众帮扶工作的紧急通知", "{c}因灾返贫风险排查处置情况"),
    "安全生产": ("{u}{y}年安全生产工作要点", "关于开展{y}年{t}项目安全生产检查的通知"),
    "规范性文件": ("{u}关于印发《{t}管理办法》的通知", "《{t}管理办法》政策解读"),
    "人大建议政协提案办理": (
        "对省十三届人大{n}次会议第{k}号代表建议的答复",
        "对省政协十二届{n}次会议第{k}号提案的答复",
    ),
    "招考招聘": (
        "{u}{y}年公开遴选公务员公告",
        "{u}所属事业单位{y}年公开招聘工作人员拟聘用人员名单公示",
    ),
    "表彰公示": (
        "{y}年度全省{t}先进集体和先进个人拟表彰对象公示",
        "{y}年全省乡村振兴示范村拟命名名单公示",
    ),
    "权力清单责任清单": ("{u}权力清单和责任清单（{y}年版）", "{u}行政权力事项调整情况"),
    "其他": ("{u}{y}年政府信息公开工作年度报告", "{u}{m}月工作动态"),
}
CATEGORY_WEIGHTS = {
    "执行公开": 12,
    "结果公开": 10,
    "乡村振兴领域": 14,
    "决策公开": 8,
    "服务公开": 7,
    "管理公开": 6,
    "政府采购": 6,
    "财政资金直达基层": 5,
    "公共资源配置": 5,
    "社会公益事业": 3,
    "重大建设项目": 3,
    "表彰公示": 3,
    "招考招聘": 2,
    "人大建议政协提案办理": 4,
    "安全生产": 2,
    "突发事件": 1,
    "规范性文件": 3,
    "权力清单责任清单": 1,
    "部门预算": 1,
    "部门决算": 1,
    "三公经费": 1,
    "其他": 2,
}
ON_REQUEST_TITLES = (
    "关于{c}{t}项目资金使用情况的申请答复材料",
    "{c}{t}项目实施方案（依申请公开）",
    "{t}对象名单（依申请公开）",
)
WITHHELD_TITLES = (
    "{t}工作内部研究讨论稿",
    "{c}{t}监测对象个人信息台账",
    "关于{t}问题线索的调查材料",
    "{t}专项审计过程材料",
)
NOTES = ("", "", "", "已同步在政务新媒体发布", "含附件", "已报综合处备案", "配套政策解读同步发布")


def _title(rng: Any, templates: Sequence[str], formed: date) -> str:
    return rng.choice(templates).format(
        u=UNIT,
        t=rng.choice(TOPICS),
        y=formed.year,
        y0=formed.year - 1,
        c=rng.choice(COUNTIES),
        q=rng.choice(QUARTERS),
        m=formed.month,
        n=rng.choice(("三", "四", "五")),
        k=f"{rng.randint(1, 899):04d}",
    )


def _last_usable_day(calendar: WorkingCalendar, wanted: date) -> date:
    """The latest formation date on or before ``wanted`` whose deadline the calendar can count."""
    day = wanted
    while True:
        try:
            calendar.working_day_after(day, 20)
            return day
        except CalendarMissing:
            day -= timedelta(days=7)


def _divisions(ctx: DemoContext) -> list[tuple[int, str, str]]:
    with ctx.app.db.read() as session:
        return [
            (d.id, d.name, d.kind)
            for d in session.scalars(
                select(Division).where(Division.active.is_(True)).order_by(Division.sort_order)
            )
        ]


def _count(ctx: DemoContext, model: Any) -> int:
    with ctx.app.db.read() as session:
        return int(session.scalar(select(func.count(model.id))) or 0)


def _audit(ctx: DemoContext, session: Any, action: str, entity: str, detail: str) -> None:
    record(
        session,
        AuditActor(ctx.actor.user_id, ctx.actor.username),
        action,
        entity=entity,
        detail=detail,
    )


def items_step(ctx: DemoContext) -> Generator[Progress, None, list[str]]:
    """``ctx.scale`` 公开事项 over the demo year and the one before, in every state."""
    if ctx.scale <= 0:
        return []
    if _count(ctx, DisclosureItem):
        return ["公开事项已有数据，未再生成。"]
    rng = ctx.rng
    LedgerService(ctx.app.db, ctx.actor).refresh_deadlines()
    with ctx.app.db.read() as session:
        calendar = load_calendar(session)
    today = date.today()
    first = date(ctx.year - 1, 1, 4)
    last = _last_usable_day(calendar, min(date(ctx.year, 12, 31), today))
    if last < first:
        return ["演示年份晚于今天，未生成公开事项。"]
    span = (last - first).days
    divisions = _divisions(ctx)
    weights = [3 if kind == "business" else 1 for _, _, kind in divisions]
    division_ids = [d for d, _, _ in divisions]
    categories = list(CATEGORY_WEIGHTS)
    category_weights = list(CATEGORY_WEIGHTS.values())
    other_channels = [c for c in CHANNEL_BITS if c != "门户网站"]
    deadlines: dict[tuple[date, bool], date] = {}
    now = utcnow()
    user = ctx.actor.user_id
    def make_row() -> dict[str, Any]:
        formed = first + timedelta(days=int(span * rng.random() ** 0.8))
        roll = rng.random()
        ground = None
        if roll < 0.80:
            attribute = DisclosureAttribute.PROACTIVE.value
            category = rng.choices(categories, category_weights)[0]
            title = _title(rng, TITLES[category], formed)
        elif roll < 0.92:
            attribute = DisclosureAttribute.ON_REQUEST.value
            category = rng.choice(("执行公开", "结果公开", "乡村振兴领域", "公共资源配置"))
            title = _title(rng, ON_REQUEST_TITLES, formed)
        else:
            attribute = DisclosureAttribute.WITHHELD.value
            category = rng.choice(("管理公开", "执行公开", "乡村振兴领域"))
            ground = rng.choice(WITHHOLD_GROUNDS)
            title = _title(rng, WITHHELD_TITLES, formed)
        deadline = published = None
        channels = 0
        link = ""
        if attribute == DisclosureAttribute.PROACTIVE.value:
            budget = category in BUDGET_CATEGORIES
            key = (formed, budget)
            deadline = deadlines.get(key)
            if deadline is None:
                deadline = deadlines[key] = compute_deadline(
                    calendar, attribute, category, formed
                )
            channels = 0 if rng.random() < 0.03 else PORTAL_BIT
            for channel in rng.sample(other_channels, rng.choice((0, 0, 1, 1, 2, 3))):
                channels |= CHANNEL_BITS[channel]
            p = rng.random()
            if deadline < today:
                if p < 0.86:
                    published = formed + timedelta(days=rng.randint(0, (deadline - formed).days))
                elif p < 0.94:
                    published = deadline + timedelta(days=rng.randint(1, 40))
                    published = min(published, today)
            else:
                if p < 0.45 and formed < today:
                    published = formed + timedelta(days=rng.randint(0, (today - formed).days))
            if published is not None:
                link = f"http://xczx.jiangxi.gov.cn/art/{published:%Y/%m/%d}/art_{rng.randint(10000, 99999)}.html"
        elif attribute == DisclosureAttribute.ON_REQUEST.value and rng.random() < 0.3:
            published = formed + timedelta(days=rng.randint(5, 60))
            published = min(published, today)
            channels = CHANNEL_BITS["其他"]
        doc_number = ""
        if category in ("决策公开", "规范性文件", "管理公开") and rng.random() < 0.6:
            kind = rng.choice(("发", "字", "办字"))
            # Numbered through the year in date order (about one number every three days).
            serial = formed.timetuple().tm_yday // 3 + 1
            doc_number = f"赣乡振{kind}〔{formed.year}〕{serial}号"
        return {
            "uuid": new_uuid(),
            "division_id": rng.choices(division_ids, weights)[0],
            "title": title,
            "category": category,
            "attribute": attribute,
            "ground": ground,
            "formed_on": formed,
            "published_on": published,
            "deadline": deadline,
            "channels": channels,
            "link": link,
            "doc_number": doc_number,
            "notes": rng.choice(NOTES),
            "created_by": user,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }

    total = ctx.scale
    done = 0
    yield Progress(0, total, "正在生成公开事项")
    # One transaction: all items or none, and the search index rebuilt once at the end.
    with ctx.app.db.write() as session, bulk_item_load(session):
        while done < total:
            ctx.cancel.check()
            rows = [make_row() for _ in range(min(CHUNK, total - done))]
            session.execute(insert(DisclosureItem).execution_options(render_nulls=True), rows)
            done += len(rows)
            yield Progress(done, total, "正在生成公开事项")
        _audit(ctx, session, "demo.items", "disclosure_item", f"演示数据：批量生成公开事项 {total} 条")
    return [f"公开事项：{total} 条（{first.year}—{last.year} 年）"]


DOC_TITLES = (
    "{t}管理办法",
    "{t}实施细则",
    "关于{t}的实施意见",
    "{t}项目管理办法（试行）",
    "{t}资金管理办法",
    "关于加强{t}工作的若干措施",
)
RULE_TITLES = ("江西省{t}办法", "江西省{t}管理规定")


def documents_step(ctx: DemoContext) -> Generator[Progress, None, list[str]]:
    """About 60 规范性文件 (3 of them 规章) over six years, with history and a clean-up."""
    if ctx.scale <= 0:
        return []
    if _count(ctx, NormativeDocument):
        return ["规范性文件已有数据，未再生成。"]
    rng = ctx.rng
    divisions = [d for d in _divisions(ctx) if d[2] in ("business", "office")]
    today = date.today()
    user = ctx.actor.user_id
    count = 0
    campaign_year = ctx.year - 1
    with ctx.app.db.write() as session:
        office_id = next(d for d, _, kind in _divisions(ctx) if kind == "office")
        campaign = CleanupCampaign(
            name=f"{campaign_year}年规范性文件集中清理",
            year=campaign_year,
            started_on=date(campaign_year, 9, 1),
            division_id=office_id,
            created_by=user,
            notes="对现行有效的行政规范性文件逐件提出保留、修订或废止意见",
        )
        session.add(campaign)
        session.flush()
        numbers: dict[int, int] = {}
        rules = 0
        # 文号 run in the order the documents were written, as a registry numbers them.
        dates = []
        for index in range(60):
            year = ctx.year - 5 + index * 6 // 60
            written = date(year, 1, 10) + timedelta(days=rng.randint(0, 340))
            dates.append((min(written, today), index))
        for written, index in sorted(dates):
            year = written.year
            division_id, _, _ = rng.choice(divisions)
            topic = rng.choice(TOPICS)
            if index % 20 == 7:
                level = DocumentLevel.RULE.value
                rules += 1
                number = f"江西省人民政府令第{230 + rules}号"
                title = rng.choice(RULE_TITLES).format(t=topic)
            else:
                level = DocumentLevel.NORMATIVE.value
                numbers[year] = numbers.get(year, 0) + 1
                number = f"赣乡振规〔{year}〕{numbers[year]}号"
                title = rng.choice(DOC_TITLES).format(t=topic)
            published = written + timedelta(days=rng.randint(2, 15))
            doc = NormativeDocument(
                doc_number=number,
                title=title,
                level=level,
                written_on=written,
                published_on=min(published, today),
                status=DocumentStatus.VALID.value,
                consulted=rng.random() < 0.8,
                interpreted=rng.random() < 0.75,
                link=f"http://xczx.jiangxi.gov.cn/art/{written:%Y/%m/%d}/art_{rng.randint(10000, 99999)}.html",
                division_id=division_id,
                created_by=user,
            )
            session.add(doc)
            session.flush()
            session.add(
                NormativeDocumentStatus(
                    document_id=doc.id,
                    status=doc.status,
                    changed_on=written,
                    reason="登记",
                    created_by=user,
                )
            )
            count += 1
            # The campaign reviews documents in force before it started.
            if written < campaign.started_on and level == DocumentLevel.NORMATIVE.value:
                decision = rng.choices(
                    (CleanupDecisionKind.KEEP, CleanupDecisionKind.REVISE, CleanupDecisionKind.REPEAL),
                    (7, 2, 1),
                )[0]
                session.add(
                    CleanupDecision(
                        campaign_id=campaign.id,
                        document_id=doc.id,
                        decision=decision.value,
                        note="" if decision is CleanupDecisionKind.KEEP else "与上位政策不一致",
                    )
                )
                published_on = date(campaign_year, 12, 20)
                if decision is CleanupDecisionKind.REPEAL and published_on <= today:
                    doc.status = DocumentStatus.REPEALED.value
                    doc.status_changed_on = published_on
                    session.add(
                        NormativeDocumentStatus(
                            document_id=doc.id,
                            status=doc.status,
                            changed_on=published_on,
                            reason="清理结论：废止",
                            campaign_id=campaign.id,
                            created_by=user,
                        )
                    )
            elif written.year < ctx.year - 2 and rng.random() < 0.15:
                doc.status = rng.choice(
                    (DocumentStatus.EXPIRED.value, DocumentStatus.REVISED.value)
                )
                doc.status_changed_on = written + timedelta(days=rng.randint(365, 700))
                session.add(
                    NormativeDocumentStatus(
                        document_id=doc.id,
                        status=doc.status,
                        changed_on=doc.status_changed_on,
                        reason="有效期届满" if doc.status == "expired" else "已出台修订版本",
                        created_by=user,
                    )
                )
        if date(campaign_year, 12, 20) <= today:
            campaign.published_on = date(campaign_year, 12, 20)
            campaign.link = "http://xczx.jiangxi.gov.cn/art/qingli.html"
        _audit(
            ctx,
            session,
            "demo.documents",
            "normative_document",
            f"演示数据：规范性文件 {count} 件、清理工作 1 次",
        )
    yield Progress(1, 1, "规范性文件")
    return [f"规范性文件：{count} 件，清理工作 1 次"]


REPOST_TITLES = (
    ("国务院办公厅", RepostSource.CENTRAL, "国务院办公厅关于{t}的通知", "国办发〔{y}〕{n}号"),
    ("中共中央办公厅 国务院办公厅", RepostSource.CENTRAL, "关于{t}的意见", "中办发〔{y}〕{n}号"),
    ("国家乡村振兴局", RepostSource.CENTRAL, "国家乡村振兴局关于做好{t}工作的通知", "国乡振发〔{y}〕{n}号"),
    ("江西省人民政府办公厅", RepostSource.PROVINCIAL, "江西省人民政府办公厅关于{t}的实施意见", "赣府厅发〔{y}〕{n}号"),
    ("中共江西省委办公厅", RepostSource.PROVINCIAL, "关于{t}的若干措施", "赣办发〔{y}〕{n}号"),
)


def reposts_step(ctx: DemoContext) -> Generator[Progress, None, list[str]]:
    """About 30 转载 in the demo year: most within 24 hours, a few late, one or two pending."""
    if ctx.scale <= 0:
        return []
    if _count(ctx, Repost):
        return ["转载记录已有数据，未再生成。"]
    rng = ctx.rng
    office_id = next(d for d, _, kind in _divisions(ctx) if kind == "office")
    now = datetime.now().replace(microsecond=0)
    rows = []
    for _ in range(30):
        issuer, level, template, number = rng.choice(REPOST_TITLES)
        released = datetime(ctx.year, 1, 5, 9) + timedelta(
            days=rng.randint(0, 350), hours=rng.randint(0, 9), minutes=rng.randint(0, 59)
        )
        if released > now:
            released = now - timedelta(hours=rng.randint(2, 2000))
        p = rng.random()
        if p < 0.8:
            reposted: datetime | None = released + timedelta(minutes=rng.randint(40, 23 * 60))
        elif p < 0.94:
            reposted = released + timedelta(hours=rng.randint(25, 72))
        else:
            reposted = None
        if reposted is not None and reposted > now:
            reposted = None
        rows.append(
            {
                "uuid": new_uuid(),
                "division_id": office_id,
                "title": template.format(t=rng.choice(TOPICS)),
                "issuer": issuer,
                "source_level": level.value,
                "doc_number": number.format(y=released.year, n=rng.randint(1, 60)),
                "released_at": released,
                "reposted_at": reposted,
                "link": "" if reposted is None else "http://xczx.jiangxi.gov.cn/zcwj/zyzc/",
                "notes": "",
                "created_by": ctx.actor.user_id,
                "created_at": utcnow(),
                "updated_at": utcnow(),
                "version": 1,
            }
        )
    with ctx.app.db.write() as session:
        session.execute(insert(Repost).execution_options(render_nulls=True), rows)
        _audit(ctx, session, "demo.reposts", "repost", f"演示数据：转载记录 {len(rows)} 条")
    yield Progress(1, 1, "转载")
    return [f"转载记录：{len(rows)} 条"]


CATALOGUE = (
    ("政策文件", "中央和省级政策", "国家和省出台的巩固拓展脱贫攻坚成果、乡村振兴政策文件", "《中华人民共和国政府信息公开条例》", "信息形成或变更之日起20个工作日内", "省乡村振兴局", "门户网站、政府公报", "全社会", "主动", "省级"),
    ("政策文件", "本单位规范性文件", "文件全文及政策解读", "《中华人民共和国政府信息公开条例》第二十条", "自印发之日起20个工作日内", "起草处室", "门户网站、政府公报", "全社会", "主动", "省级"),
    ("资金管理", "资金分配", "衔接推进乡村振兴补助资金分配方案、分配结果", "《中央财政衔接推进乡村振兴补助资金管理办法》", "资金分配结果下达之日起20个工作日内", "计财处、项目管理处", "门户网站", "全社会", "主动", "省、市、县"),
    ("资金管理", "资金使用", "资金使用情况、绩效目标和绩效评价结果", "《中央财政衔接推进乡村振兴补助资金管理办法》", "年度结束后3个月内", "计财处", "门户网站", "全社会", "主动", "省、市、县"),
    ("项目管理", "项目库建设", "项目名称、建设地点、建设内容、补助标准、资金规模、实施期限", "《关于加强扶贫项目库建设的指导意见》", "项目入库前公示，公示期不少于10天", "项目管理处", "门户网站、公开查阅点", "全社会", "主动", "县、乡、村"),
    ("项目管理", "项目实施", "项目实施计划、实施单位、完成情况及验收结果", "《扶贫项目资金绩效管理办法》", "项目验收之日起20个工作日内", "项目管理处", "门户网站、公开查阅点", "全社会", "主动", "县、乡、村"),
    ("帮扶政策", "防止返贫监测", "监测对象识别标准、识别程序、帮扶措施", "《关于建立防止返贫动态监测和帮扶机制的指导意见》", "政策出台之日起20个工作日内", "开发指导处", "门户网站、微信公众号", "全社会", "主动", "省、市、县"),
    ("帮扶政策", "监测对象名单", "监测对象户主姓名、所在村组、风险类型", "《关于建立防止返贫动态监测和帮扶机制的指导意见》", "认定后在村内公示", "县级乡村振兴部门", "公开查阅点", "特定群体", "主动", "村"),
    ("社会帮扶", "东西部协作和定点帮扶", "协作帮扶项目、资金和成效", "《东西部协作考核评价办法》", "年度结束后3个月内", "社会帮扶处", "门户网站", "全社会", "主动", "省级"),
    ("社会帮扶", "社会捐赠", "捐赠款物接收、分配和使用情况", "《中华人民共和国慈善法》", "收到捐赠后及时公开", "社会帮扶处", "门户网站", "全社会", "主动", "省级"),
    ("考核评估", "考核结果", "市县巩固拓展脱贫攻坚成果考核评估结果", "《省级党委和政府扶贫开发工作成效考核办法》", "考核结果经批准后20个工作日内", "考核评估处", "门户网站", "全社会", "主动", "省级"),
    ("监督管理", "举报受理", "举报电话、受理范围、办理结果", "《中华人民共和国政府信息公开条例》", "常态化公开", "综合处", "门户网站、微信公众号", "全社会", "主动", "省级"),
    ("监督管理", "依申请公开", "申请人申请公开的相关项目资金信息", "《中华人民共和国政府信息公开条例》第二十七条", "收到申请之日起20个工作日内答复", "承办处室", "其他", "特定群体", "依申请", "省级"),
)


def catalogue_step(ctx: DemoContext) -> Generator[Progress, None, list[str]]:
    if ctx.scale <= 0:
        return []
    if _count(ctx, CatalogueEntry):
        return []
    office_id = next(d for d, _, kind in _divisions(ctx) if kind == "office")
    fields = tuple(name for name in CATALOGUE_FIELDS if name != "seq")
    rows = [
        {
            "uuid": new_uuid(),
            "division_id": office_id,
            "seq": n,
            **dict(zip(fields, entry, strict=True)),
            "created_by": ctx.actor.user_id,
            "created_at": utcnow(),
            "updated_at": utcnow(),
            "version": 1,
        }
        for n, entry in enumerate(CATALOGUE, 1)
    ]
    with ctx.app.db.write() as session:
        session.execute(insert(CatalogueEntry), rows)
        _audit(ctx, session, "demo.catalogue", "catalogue_entry", f"演示数据：标准目录 {len(rows)} 行")
    yield Progress(1, 1, "标准目录")
    return [f"标准目录：{len(rows)} 行"]


def ledger_step(ctx: DemoContext) -> Generator[Progress, None, list[str]]:
    """The ledger's demo data: items, documents, reposts and the catalogue."""
    lines: list[str] = []
    for step in (items_step, documents_step, reposts_step, catalogue_step):
        lines.extend((yield from step(ctx)))
    return lines
