"""Demo step: 新闻发布与回应 over the demo year and the two before.

Press conferences in most quarters with the 主要负责同志, the three 分管领导 and the spokesperson;
政务舆情 (most answered within hours, one answered late each year, a 重大 突发事件 handled in time and
one handled too slowly); 网民留言, online interviews and surveys; 人大代表建议 and 政协委员提案 with
their replies; training, the 主要负责同志's hearing of the openness report and a 专题研究部署; and
the rectification of what inspections and audits found. A few records break each rule:

- two years back: no training, and the 主要负责同志 at no press conference;
- last year: no press conference in the third quarter, 分管领导何建平 at none in the second half,
  no report hearing;
- the demo year (when it is this year): no conference yet in the running quarter, 分管领导邹立新
  at none yet in the running half-year, one 舆情 still unanswered past 48 hours and one within
  its 48 hours.

Nothing is dated after today. Written in one bulk transaction with one summary audit row (and the
分管领导 list as the business setting, when none is set); skipped when press conferences exist.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select

from ..audit import AuditActor, record
from ..db.base import new_uuid
from ..db.engagement_models import (
    PressConference,
    Proposal,
    PublicInteraction,
    PublicOpinion,
    Rectification,
    WorkMeeting,
)
from ..db.models import Division, User
from ..domain.engagement_choices import (
    InteractionForm,
    MeetingKind,
    OpinionLevel,
    ProposalType,
    RectificationSource,
    SpeakerRole,
)
from ..domain.labels import DivisionKind
from ..progress import Progress
from ..services.admin import read_setting, write_setting
from ..services.engagement_rules import DEPUTY_SETTING
from .people import division_head

if TYPE_CHECKING:
    from . import DemoContext

PORTAL = "http://xczx.jiangxi.gov.cn"
YEARS_BACK = 2
PRINCIPAL = "胡明远"
DEPUTIES = ("徐长青", "邹立新", "何建平")
SPOKESPERSON = "王建华"

CONFERENCE_TOPICS = (
    "{y}年全省巩固拓展脱贫攻坚成果工作情况",
    "防止返贫动态监测和帮扶工作进展",
    "衔接推进乡村振兴补助资金管理使用情况",
    "消费帮扶助力乡村振兴工作情况",
    "雨露计划职业教育补助政策解读",
    "脱贫人口稳岗就业工作情况",
    "乡村振兴重点帮扶县工作进展",
    "驻村帮扶工作情况",
    "易地扶贫搬迁后续扶持工作",
    "脱贫地区特色产业发展情况",
    "社会帮扶和定点帮扶工作情况",
    "{y}年乡村建设行动推进情况",
)
OPINION_SUBJECTS = (
    "网民反映某县脱贫户被取消帮扶资格",
    "网传某村扶贫车间停工",
    "网民反映某地衔接资金项目进展缓慢",
    "网传雨露计划补助发放延迟",
    "某帮扶产业项目农户分红引发争议",
    "网民质疑某地防返贫监测对象认定不公",
    "自媒体称某安置点配套学校未按期开学",
)
EMERGENCIES = (
    "暴雨致某县部分脱贫户房屋受损",
    "某易地搬迁安置点供水中断",
    "山体滑坡致某村帮扶产业基地受损",
)
OPINION_SOURCES = ("微博", "微信公众号", "今日头条", "人民网领导留言板", "12345热线", "本地论坛")
RESPONSE_CHANNELS = ("门户网站", "官方微博", "微信公众号", "门户网站、官方微博", "新闻发布会")
MESSAGES = (
    "咨询脱贫人口小额信贷申请条件",
    "反映所在村公益性岗位工资发放问题",
    "咨询雨露计划补助申请流程",
    "建议加大脱贫地区农产品销售帮扶力度",
    "咨询防止返贫监测对象认定标准",
    "反映易地搬迁安置点物业管理问题",
    "咨询到户产业奖补政策",
    "询问驻村工作队选派条件",
)
INTERVIEWS = (
    "局领导做客“赣鄱民生热线”在线访谈：巩固拓展脱贫攻坚成果",
    "在线访谈：防止返贫监测帮扶政策解读",
)
SURVEYS = ("乡村振兴政策知晓度问卷调查", "政务公开满意度问卷调查")
PROPOSALS = {
    ProposalType.NPC_SUGGESTION: (
        "关于加大脱贫地区特色产业扶持力度的建议",
        "关于完善脱贫人口稳岗就业政策的建议",
        "关于加强易地搬迁后续扶持的建议",
    ),
    ProposalType.CPPCC_PROPOSAL: (
        "关于健全防止返贫动态监测和帮扶机制的提案",
        "关于推动消费帮扶提质增效的提案",
        "关于加强扶贫项目资产后续管理的提案",
    ),
}
PROBLEMS = (
    "门户网站政策解读栏目更新不及时",
    "部分主动公开事项超过 20 个工作日才公开",
    "依申请公开答复书未告知救济途径",
    "建议提案办理结果未及时公开",
    "部分规范性文件未同步解读",
    "衔接资金分配结果公开不完整",
    "政务公开专区资料更新不及时",
)
TRAININGS = ("政务公开业务培训班", "政府信息公开条例专题培训", "政务新媒体运维培训")


def _liaisons(session: Any) -> dict[int, int]:
    """The first liaison account of each division (they write their division's records)."""
    found: dict[int, int] = {}
    for user_id, division_id in session.execute(
        select(User.id, User.division_id).where(User.role == "liaison").order_by(User.id)
    ):
        found.setdefault(division_id, user_id)
    return found


class _Rows:
    """The rows of each table, with the bookkeeping columns every record carries."""

    def __init__(self, ctx: DemoContext, authors: dict[int, int]) -> None:
        self.ctx = ctx
        self.authors = authors
        self.tables: dict[Any, list[dict[str, Any]]] = {}

    def add(self, model: Any, division_id: int, when: date, **values: Any) -> None:
        stamp = datetime.combine(when, time(2, self.ctx.rng.randint(0, 59)))
        author = self.authors.get(division_id, self.ctx.actor.user_id)
        self.tables.setdefault(model, []).append(
            {
                "uuid": new_uuid(),
                "division_id": division_id,
                "created_by": author,
                "updated_by": author,
                "created_at": stamp,
                "updated_at": stamp,
                "version": 1,
                **values,
            }
        )

    def count(self, model: Any) -> int:
        return len(self.tables.get(model, ()))


def _speakers(*pairs: tuple[SpeakerRole, str]) -> str:
    return json.dumps([{"role": r.value, "name": n} for r, n in pairs], ensure_ascii=False)


def engagement_step(ctx: DemoContext) -> Generator[Progress, None, list[str]]:
    """Press conferences, 舆情, interactions, proposals, meetings and rectifications."""
    if ctx.scale <= 0:
        return []
    with ctx.app.db.read() as session:
        if session.scalar(select(func.count(PressConference.id))):
            return ["新闻发布与回应已有数据，未再生成。"]
        divisions = session.execute(
            select(Division.id, Division.kind)
            .where(Division.active.is_(True))
            .order_by(Division.sort_order, Division.id)
        ).all()
        authors = _liaisons(session)
        names: dict[int, str] = {i: n for i, n in session.execute(select(Division.id, Division.name))}
        roster_set = bool(read_setting(session, DEPUTY_SETTING))
    office = next((i for i, k in divisions if k == DivisionKind.OPENNESS_OFFICE.value), None)
    business = [i for i, k in divisions if k == DivisionKind.BUSINESS.value]
    if office is None:
        return []
    business = business or [office]
    now = datetime.now().replace(second=0, microsecond=0)
    today = now.date()
    rows = _Rows(ctx, authors)
    for year in range(ctx.year - YEARS_BACK, ctx.year + 1):
        ctx.cancel.check()
        last = min(today, date(year, 12, 31))
        if last < date(year, 1, 1):
            continue
        breaks = {
            "no_principal": year == ctx.year - 2,
            "no_training": year == ctx.year - 2,
            "skip_q3": year == ctx.year - 1,
            "deputy_missing_h2": year == ctx.year - 1,
            "no_hearing": year == ctx.year - 1,
        }
        _conferences(ctx, rows, year, last, office, business, breaks, names)
        _opinions(ctx, rows, year, last, now, business)
        _interactions(ctx, rows, year, last, business)
        _proposals(ctx, rows, year, last, business)
        _meetings(ctx, rows, year, last, office, breaks)
        _rectifications(ctx, rows, year, last, office, business)
        yield Progress(year - ctx.year + YEARS_BACK + 1, YEARS_BACK + 2, "新闻发布与回应")
    with ctx.app.db.write() as session:
        for model, table_rows in rows.tables.items():
            session.execute(insert(model), table_rows)
        if not roster_set:
            write_setting(session, DEPUTY_SETTING, list(DEPUTIES))
        record(
            session,
            AuditActor(ctx.actor.user_id, ctx.actor.username),
            "demo.engagement",
            entity="press_conference",
            detail=(
                f"演示数据：新闻发布会 {rows.count(PressConference)} 场，"
                f"政务舆情 {rows.count(PublicOpinion)} 条，互动 {rows.count(PublicInteraction)} 条，"
                f"建议提案 {rows.count(Proposal)} 件，会议培训 {rows.count(WorkMeeting)} 次，"
                f"整改问题 {rows.count(Rectification)} 个"
            ),
        )
    yield Progress(YEARS_BACK + 2, YEARS_BACK + 2, "新闻发布与回应")
    return [
        f"新闻发布与回应：新闻发布会 {rows.count(PressConference)} 场，"
        f"政务舆情 {rows.count(PublicOpinion)} 条，互动交流 {rows.count(PublicInteraction)} 条，"
        f"建议提案 {rows.count(Proposal)} 件，会议与培训 {rows.count(WorkMeeting)} 次，"
        f"督查审计整改 {rows.count(Rectification)} 个"
    ]


def _day_in(ctx: DemoContext, start: date, end: date) -> date:
    return start + timedelta(days=ctx.rng.randint(0, max(0, (end - start).days)))


def _conferences(
    ctx: DemoContext,
    rows: _Rows,
    year: int,
    last: date,
    office: int,
    business: list[int],
    breaks: dict[str, bool],
    names: dict[int, str],
) -> None:
    rng = ctx.rng
    starts = (date(year, 1, 1), date(year, 4, 1), date(year, 7, 1), date(year, 10, 1))
    ends = (date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31))
    topics = rng.sample(CONFERENCE_TOPICS, len(CONFERENCE_TOPICS))
    halves: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    for q, (start, end) in enumerate(zip(starts, ends, strict=True), 1):
        if q == 3 and breaks["skip_q3"]:
            continue
        # The running quarter has no conference yet (the page shows it at risk).
        if end > last:
            continue
        for n in range(1 + (rng.random() < 0.4)):
            first = start + timedelta(days=n * 40)
            held = _day_in(ctx, first, min(first + timedelta(days=40), end))
            halves[1 if q <= 2 else 2].append(
                {"held_on": held, "topic": topics.pop().format(y=year), "q": q}
            )
    principal_done = breaks["no_principal"]
    # In the running half-year one 分管领导 has not spoken yet (the page shows it at risk).
    running_half = (1 if last.month <= 6 else 2) if last < date(year, 12, 31) else None
    for half, conferences in halves.items():
        deputies = [
            d
            for d in DEPUTIES
            if not (half == 2 and d == DEPUTIES[2] and breaks["deputy_missing_h2"])
            and not (half == running_half and d == DEPUTIES[1])
        ]
        for i, c in enumerate(conferences):
            # Round robin, so that each deputy speaks at least once in the half-year.
            mine = deputies[i :: len(conferences)] if conferences else []
            speakers = [(SpeakerRole.SPOKESPERSON, SPOKESPERSON)]
            if not principal_done and c["q"] == 2:
                speakers.insert(0, (SpeakerRole.PRINCIPAL, PRINCIPAL))
                principal_done = True
            speakers += [(SpeakerRole.DEPUTY, d) for d in mine]
            involved = rng.sample(business, min(len(business), rng.randint(1, 2)))
            speakers.append(
                (SpeakerRole.DIVISION_HEAD, division_head(names.get(involved[0], "")))
            )
            rows.add(
                PressConference,
                office,
                c["held_on"],
                held_on=c["held_on"],
                topic=c["topic"],
                speakers=_speakers(*speakers),
                involved_divisions=",".join(str(i) for i in sorted(involved)),
                link=f"{PORTAL}/col/col{rng.randint(30000, 39999)}/index.html",
                notes="",
            )


def _opinions(
    ctx: DemoContext, rows: _Rows, year: int, last: date, now: datetime, business: list[int]
) -> None:
    rng = ctx.rng
    count = max(4, min(10, ctx.scale // 25))
    subjects = rng.sample(OPINION_SUBJECTS, len(OPINION_SUBJECTS))
    plans: list[str] = ["late", *(["on_time"] * (count - 1))]
    if year == ctx.year - 1:
        plans.append("emergency_on_time")
    if year == ctx.year - 2:
        plans.append("emergency_late")
    for i, plan in enumerate(plans):
        end = min(last, date(year, 12, 28))
        seen = datetime.combine(
            _day_in(ctx, date(year, 1, 5), end), time(rng.randint(8, 21), rng.choice((0, 15, 30)))
        )
        if seen.date() > last:
            continue
        emergency = plan.startswith("emergency")
        values: dict[str, Any] = {
            "subject": rng.choice(EMERGENCIES) if emergency else subjects[i % len(subjects)],
            "source": rng.choice(OPINION_SOURCES),
            "first_seen_at": seen,
            "level": OpinionLevel.MAJOR.value if emergency else OpinionLevel.ORDINARY.value,
            "emergency": emergency,
            "judgement": "经研判，该舆情关注度" + ("高，属重大突发事件舆情" if emergency else "一般，需及时核实回应"),
            "reported_to": "已报告分管领导" + ("和主要负责同志" if emergency else ""),
            "response_channel": rng.choice(RESPONSE_CHANNELS),
            "authoritative_at": None,
            "conference_at": None,
            "notes": "",
        }
        hours = {
            "on_time": rng.randint(3, 40),
            "late": rng.randint(55, 80),
            "emergency_on_time": 4,
            "emergency_late": 30,
        }[plan]
        values["responded_at"] = seen + timedelta(hours=hours, minutes=rng.choice((0, 20, 40)))
        if plan == "emergency_on_time":
            values["authoritative_at"] = seen + timedelta(hours=3, minutes=10)
            values["conference_at"] = seen + timedelta(hours=20)
        elif plan == "emergency_late":
            values["authoritative_at"] = seen + timedelta(hours=7, minutes=30)
            values["conference_at"] = seen + timedelta(hours=30)
            values["responded_at"] = seen + timedelta(hours=6)
        if values["responded_at"] > now:
            values["responded_at"] = None
            values["response_channel"] = ""
        rows.add(PublicOpinion, rng.choice(business), seen.date(), **values)
    if year == now.year and year == ctx.year:
        # Still owed: one past its 48 hours, one within them.
        for subject, ago in (("网民反映某地帮扶车间拖欠务工人员工资", 80), ("网传某县脱贫户住房安全隐患", 10)):
            seen = now - timedelta(hours=ago)
            if seen.year != year:
                continue
            rows.add(
                PublicOpinion,
                rng.choice(business),
                seen.date(),
                subject=subject,
                source=rng.choice(OPINION_SOURCES),
                first_seen_at=seen,
                level=OpinionLevel.ORDINARY.value,
                emergency=False,
                judgement="正在核实情况",
                reported_to="已报告分管领导",
                responded_at=None,
                response_channel="",
                authoritative_at=None,
                conference_at=None,
                notes="",
            )


def _interactions(ctx: DemoContext, rows: _Rows, year: int, last: date, business: list[int]) -> None:
    rng = ctx.rng
    count = max(6, min(40, ctx.scale // 10))
    plans = [InteractionForm.ONLINE_INTERVIEW, InteractionForm.SURVEY]
    plans += rng.choices(
        (InteractionForm.MESSAGE, InteractionForm.CONSULTATION), (4, 1), k=count - len(plans)
    )
    for form in plans:
        received = _day_in(ctx, date(year, 1, 3), last)
        if form is InteractionForm.ONLINE_INTERVIEW:
            subject = rng.choice(INTERVIEWS)
            answered: date | None = received
            reply = "访谈实录已在门户网站“在线访谈”栏目发布。"
        elif form is InteractionForm.SURVEY:
            subject = f"{year}年{rng.choice(SURVEYS)}"
            answered = received + timedelta(days=rng.randint(20, 40))
            reply = "调查结果已汇总分析并在门户网站公布。"
        else:
            subject = rng.choice(MESSAGES)
            answered = received + timedelta(days=rng.randint(1, 10))
            reply = "您好，您反映的问题已转相关处室核实办理，相关政策详见门户网站政策文件栏目。"
        if answered is not None and answered > last:
            answered, reply = None, ""
        rows.add(
            PublicInteraction,
            rng.choice(business),
            received,
            form=form.value,
            subject=subject,
            received_on=received,
            answered_on=answered,
            reply=reply,
            notes="",
        )


def _proposals(ctx: DemoContext, rows: _Rows, year: int, last: date, business: list[int]) -> None:
    rng = ctx.rng
    received = date(year, 3, rng.randint(10, 25))
    if received > last:
        return
    for kind, titles in PROPOSALS.items():
        for n, title in enumerate(rng.sample(titles, 2), 1):
            replied: date | None = received + timedelta(days=rng.randint(45, 85))
            published: date | None = None
            if replied is not None and replied > last:
                replied = None
            elif replied is not None and not (kind is ProposalType.CPPCC_PROPOSAL and n == 2):
                published = replied + timedelta(days=rng.randint(5, 20))
                if published > last:
                    published = None
            prefix = "第" if kind is ProposalType.NPC_SUGGESTION else "提案第"
            rows.add(
                Proposal,
                rng.choice(business),
                received,
                proposal_type=kind.value,
                number=f"{year}年{prefix}{rng.randint(100, 999)}号",
                title=title,
                received_on=received,
                replied_on=replied,
                published_on=published,
                notes="会同有关单位办理" if n == 1 else "",
            )


def _meetings(
    ctx: DemoContext, rows: _Rows, year: int, last: date, office: int, breaks: dict[str, bool]
) -> None:
    rng = ctx.rng
    plans: list[tuple[MeetingKind, date, str, str]] = [
        (
            MeetingKind.DEPLOYMENT,
            date(year, 2, rng.randint(18, 27)),
            f"局党组会议专题研究部署{year}年政务公开工作",
            "局党组成员，各处室主要负责人",
        ),
    ]
    if not breaks["no_hearing"]:
        plans.append(
            (
                MeetingKind.REPORT_HEARING,
                date(year, 3, rng.randint(2, 20)),
                f"主要负责同志听取{year - 1}年政务公开工作情况和{year}年工作安排汇报",
                f"局长{PRINCIPAL}，分管领导{DEPUTIES[0]}，综合处负责同志",
            )
        )
    if not breaks["no_training"]:
        plans.append(
            (
                MeetingKind.TRAINING,
                date(year, 5, rng.randint(10, 28)),
                f"{year}年{rng.choice(TRAININGS)}",
                "各处室政务公开联络员，共 30 余人",
            )
        )
        plans.append(
            (
                MeetingKind.TRAINING,
                date(year, 10, rng.randint(12, 28)),
                f"{year}年{rng.choice(TRAININGS)}（第二期）",
                "各处室新任职干部和联络员",
            )
        )
    for kind, held, subject, participants in plans:
        if held > last:
            continue
        rows.add(
            WorkMeeting,
            office,
            held,
            meeting_kind=kind.value,
            held_on=held,
            subject=subject,
            participants=participants,
            notes="",
        )


def _rectifications(
    ctx: DemoContext, rows: _Rows, year: int, last: date, office: int, business: list[int]
) -> None:
    rng = ctx.rng
    for n, problem in enumerate(rng.sample(PROBLEMS, 3)):
        found = _day_in(ctx, date(year, 3, 1), min(last, date(year, 11, 30)))
        if found > last:
            continue
        rectified: date | None = found + timedelta(days=rng.randint(20, 60))
        if rectified is not None and (rectified > last or n == 2):
            rectified = None
        rows.add(
            Rectification,
            rng.choice([office, *business]),
            found,
            source=(RectificationSource.INSPECTION if n != 1 else RectificationSource.AUDIT).value,
            problem=problem,
            found_on=found,
            rectification="已督促责任处室限期整改，并建立定期检查机制。" if rectified else "",
            rectified_on=rectified,
            disclosed=bool(rectified) and n == 0,
            notes="",
        )
