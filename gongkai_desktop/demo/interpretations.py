"""Demo step: 政策解读 of the demo's 规范性文件, in the demo year and the two before.

Each business division interprets the documents it drafted (same 文号, 谁起草、谁解读): most were
approved and published together with the document, a few were approved on another day or
published late, and the newest ones are still being drafted. Each has section texts written from
its document's title, a short policy text with “”-quoted terms for 关键词诠释, and some the
previous version of the policy for 新旧政策差异. Written in one bulk transaction with one summary
audit row; skipped when interpretations exist already.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update

from ..audit import AuditActor, record
from ..db.base import new_uuid
from ..db.interpretation_models import Interpretation
from ..db.ledger_models import NormativeDocument
from ..db.models import Division, User
from ..domain.disclosure import DocumentLevel
from ..domain.interpretation import InterpretationForm, InterpretationSection, InterpreterRole
from ..domain.labels import DivisionKind
from ..progress import Progress
from ..services.interpretations import dump_sections
from .ledger import TOPICS
from .people import division_head

if TYPE_CHECKING:
    from . import DemoContext

PORTAL = "http://xczx.jiangxi.gov.cn"
YEARS_BACK = 2  # the demo year and the two before
PER_DIVISION_YEAR = 3
SCENARIOS = ("sync", "sync", "sync", "approval", "sync", "late", "sync", "draft", "sync", "sync")

LEADERS = ("副局长 徐长青", "副局长 邹立新", "局长 胡明远")
EXPERTS = (
    "江西农业大学经济管理学院 罗教授",
    "江西省社会科学院农村发展研究所 彭研究员",
    "江西财经大学财税与公共管理学院 曾副教授",
)
TERMS = (
    "防止返贫监测对象",
    "两不愁三保障",
    "帮扶措施",
    "衔接资金",
    "项目资产",
    "经营性资产",
    "公益性岗位",
    "到户产业",
    "联农带农",
    "负面清单",
    "绩效目标",
    "村级公示",
)

SECTION_TEXTS: dict[InterpretationSection, tuple[str, ...]] = {
    InterpretationSection.BACKGROUND: (
        "为贯彻落实党中央、国务院关于{topic}的决策部署和省委、省政府工作要求，依据国家有关部委出台的"
        "指导意见，结合我省实际，我局起草了{doc}。",
        "近年来，我省{topic}工作取得积极成效，但也存在政策衔接不够、责任落实不到位等问题。为进一步"
        "规范和加强相关工作，根据上位政策规定，我局研究制定了{doc}。",
    ),
    InterpretationSection.SIGNIFICANCE: (
        "出台{doc}，是巩固拓展脱贫攻坚成果、全面推进乡村振兴的重要举措，对于健全{topic}长效机制、"
        "守住不发生规模性返贫底线具有重要意义。文件坚持问题导向、务实管用，力求可操作、可检查。",
        "{doc}着眼于补齐{topic}工作短板，坚持统筹兼顾、分类施策，明确各级各部门职责，推动工作由"
        "集中攻坚向常态推进转变。",
    ),
    InterpretationSection.DRAFTING: (
        "{division}在深入市县开展调研、梳理{year0}年以来政策执行情况的基础上形成初稿，先后征求了"
        "省直有关部门和各设区市意见，并通过门户网站向社会公开征求意见，经合法性审核和局党组会议"
        "审议通过。",
        "文件起草过程中，{division}赴{county}等地实地调研，召开座谈会听取基层干部群众意见，对反馈"
        "的意见建议逐条研究吸收，经局务会议审议后印发。",
    ),
    InterpretationSection.GOALS: (
        "到{year1}年，{topic}工作机制更加健全，政策落实更加精准，群众满意度进一步提升。",
        "通过实施本文件，力争用两到三年时间，实现{topic}工作规范化、制度化、常态化。",
    ),
    InterpretationSection.TASKS: (
        "文件共分{n}个部分，主要明确了以下任务：一是健全工作机制，压实各级责任；二是规范工作程序，"
        "明确{term0}的认定标准和办理时限；三是强化资金保障和监督管理；四是做好信息公开和群众监督。",
        "主要任务包括：完善{term0}管理制度，落实{term1}，加强部门协同和数据共享，建立定期调度和"
        "通报制度。",
    ),
    InterpretationSection.SAFEGUARDS: (
        "各地要加强组织领导，将{topic}纳入年度重点工作；强化资金保障，统筹用好衔接资金；加强督促"
        "检查，对工作不力的予以通报。",
        "文件明确了组织保障、资金保障和监督保障措施，要求各级乡村振兴部门会同有关部门加强指导，"
        "及时研究解决工作中遇到的问题。",
    ),
    InterpretationSection.SCOPE: (
        "本文件适用于全省各级乡村振兴部门及相关单位开展{topic}工作。",
        "文件适用于全省范围内{topic}相关工作，各设区市、县（市、区）可结合实际制定具体实施细则。",
    ),
    InterpretationSection.KEYWORDS: (
        "“{term0}”是指按照文件规定程序识别认定、纳入常态化管理的对象或事项。“{term1}”按照国家"
        "有关规定执行。",
        "文件所称“{term0}”，以国家和省有关部门的认定口径为准；“{term1}”的具体范围见文件附件。",
    ),
    InterpretationSection.NEXT_STEPS: (
        "下一步，{division}将加强政策宣传解读，指导各地抓好文件贯彻落实，适时开展督促检查和评估。",
        "文件印发后，我局将通过门户网站、微信公众号等渠道加强宣传，及时回应社会关切，并跟踪评估"
        "实施效果。",
    ),
}
CHANGES_TEXT = (
    "与原文件相比，主要有三方面变化：一是将“{term0}”的认定范围作了调整；二是压缩了审核办理"
    "时限；三是增加了信息公开和群众监督的要求。"
)
COUNTIES = ("于都县", "兴国县", "宁都县", "寻乌县", "井冈山市", "莲花县", "鄱阳县", "修水县")


def _topic(title: str) -> str:
    for topic in TOPICS:
        if topic in title:
            return topic
    return title


def _policy_text(title: str, number: str, written: date, terms: list[str], old: bool) -> str:
    """A short policy document (the previous version differs in a few places)."""
    days = 20 if old else 15
    lines = [
        f"{title}",
        f"{number}",
        "各设区市乡村振兴局，省直有关单位：",
        f"为做好{_topic(title)}工作，现就有关事项通知如下。",
        f"一、本办法所称“{terms[0]}”，是指经县级乡村振兴部门审核认定、纳入动态管理的对象或事项。",
        f"二、县级乡村振兴部门应当自收到申请之日起{days}个工作日内完成审核，并在村内公示。",
        f"三、各地应当统筹使用“{terms[1]}”，优先支持{'到户产业' if old else '联农带农成效明显的项目'}。",
        "四、各级乡村振兴部门应当按规定及时公开相关政策、资金和项目信息，接受群众监督。",
        f"五、本办法自印发之日起施行，有效期{'三' if old else '五'}年。",
        "江西省乡村振兴局",
        f"{written.year}年{written.month}月{written.day}日",
    ]
    return "\n".join(lines)


def _liaisons(session: Any) -> dict[int, int]:
    """The first liaison account of each division (they write their division's records)."""
    found: dict[int, int] = {}
    for user_id, division_id in session.execute(
        select(User.id, User.division_id).where(User.role == "liaison").order_by(User.id)
    ):
        found.setdefault(division_id, user_id)
    return found


def interpretations_step(ctx: DemoContext) -> Generator[Progress, None, list[str]]:
    """政策解读 of the business divisions' 规范性文件 in the demo year and the two before."""
    if ctx.scale <= 0:
        return []
    with ctx.app.db.read() as session:
        if session.scalar(select(func.count(Interpretation.id))):
            return ["政策解读已有数据，未再生成。"]
        documents = session.execute(
            select(
                NormativeDocument.id,
                NormativeDocument.doc_number,
                NormativeDocument.title,
                NormativeDocument.written_on,
                NormativeDocument.published_on,
                NormativeDocument.division_id,
                Division.name,
            )
            .join(Division, Division.id == NormativeDocument.division_id)
            .where(
                NormativeDocument.deleted_at.is_(None),
                NormativeDocument.level == DocumentLevel.NORMATIVE.value,
                Division.kind == DivisionKind.BUSINESS.value,
                NormativeDocument.written_on >= date(ctx.year - YEARS_BACK, 1, 1),
                NormativeDocument.written_on <= date(ctx.year, 12, 31),
            )
            .order_by(NormativeDocument.written_on, NormativeDocument.id)
        ).all()
        authors = _liaisons(session)
    taken: dict[tuple[int, int], int] = {}
    chosen = []
    for doc in documents:
        key = (doc.division_id, doc.written_on.year)
        if taken.get(key, 0) < PER_DIVISION_YEAR:
            taken[key] = taken.get(key, 0) + 1
            chosen.append(doc)
    if not chosen:
        return []
    yield Progress(0, 1, "政策解读")
    rng = ctx.rng
    today = date.today()
    newest = {doc.id for doc in chosen[-2:]}
    rows: list[dict[str, Any]] = []
    # 文号 of the published interpretations, by division: a document is 已解读 by its own
    # division's interpretation only.
    published_numbers: dict[int, list[str]] = {}
    counts = {"sync": 0, "approval": 0, "late": 0, "draft": 0}
    for index, doc in enumerate(chosen):
        ctx.cancel.check()
        # One in ten of each kind of breach, the rest in sync, the newest two still drafted.
        kind = SCENARIOS[index % len(SCENARIOS)]
        doc_published = doc.published_on
        approved: date | None = doc.written_on
        published: date | None = doc_published
        if doc.id in newest or doc_published is None:
            kind = "draft"
        if kind == "draft":
            published = None
            if rng.random() < 0.5:
                approved = None
        elif kind == "approval":
            approved = doc.written_on + timedelta(days=rng.randint(1, 3))
            published = max(doc_published, approved)
        elif kind == "late":
            published = doc_published + timedelta(days=rng.randint(3, 9))
        if approved is not None and approved > today:
            approved = doc.written_on
            published = doc_published if kind != "draft" else None
        if published is not None and published > today:
            kind, published = "draft", None
        counts[kind] += 1
        topic = _topic(doc.title)
        terms = rng.sample(TERMS, 3)
        values = {
            "doc": f"《{doc.title}》",
            "topic": topic,
            "division": doc.name,
            "year0": doc.written_on.year - 2,
            "year1": doc.written_on.year + 2,
            "county": rng.choice(COUNTIES),
            "n": rng.choice(("四", "五", "六")),
            "term0": terms[0],
            "term1": terms[1],
        }
        sections = {
            section.value: rng.choice(texts).format(**values)
            for section, texts in SECTION_TEXTS.items()
            if kind != "draft" or rng.random() < 0.6
        }
        revised = index % 6 == 2
        previous_text = ""
        if revised:
            sections[InterpretationSection.CHANGES.value] = CHANGES_TEXT.format(**values)
            old_year = doc.written_on.year - 3
            previous_text = _policy_text(
                doc.title,
                f"赣乡振规〔{old_year}〕{rng.randint(1, 9)}号",
                date(old_year, 6, 1),
                terms,
                True,
            )
        role = rng.choices(list(InterpreterRole), (6, 3, 1))[0]
        interpreter = {
            InterpreterRole.DIVISION_HEAD: f"{doc.name}处长 {division_head(doc.name)}",
            InterpreterRole.BUREAU_LEADER: rng.choice(LEADERS),
            InterpreterRole.EXPERT: rng.choice(EXPERTS),
        }[role]
        extra = [f for f in InterpretationForm if f is not InterpretationForm.TEXT]
        forms = [InterpretationForm.TEXT, *rng.sample(extra, rng.choice((0, 1, 1, 2)))]
        if role is InterpreterRole.EXPERT:
            forms.append(InterpretationForm.EXPERT)
        form_values = {f.value for f in forms}
        last_change = published or approved or doc.written_on
        stamp = datetime.combine(min(last_change, today), time(1, rng.randint(0, 59)))
        rows.append(
            {
                "uuid": new_uuid(),
                "division_id": doc.division_id,
                "title": f"《{doc.title}》政策解读",
                "document_title": doc.title,
                "document_number": doc.doc_number,
                "forms": ",".join(f.value for f in InterpretationForm if f.value in form_values),
                "interpreter_role": role.value,
                "interpreter": interpreter,
                "document_approved_on": doc.written_on,
                "approved_on": approved,
                "document_published_on": doc_published,
                "published_on": published,
                "link": (
                    f"{PORTAL}/art/{published:%Y/%m/%d}/art_{rng.randint(10000, 99999)}_jd.html"
                    if published
                    else ""
                ),
                "notes": "政策图解同步在微信公众号发布" if "graphic" in form_values else "",
                "sections": dump_sections(sections),
                "document_text": _policy_text(
                    doc.title, doc.doc_number, doc.written_on, terms, False
                ),
                "document_file": f"{doc.title}.docx",
                "previous_text": previous_text,
                "previous_file": f"{doc.title}（原文件）.docx" if revised else "",
                "year": doc.written_on.year,
                "created_by": authors.get(doc.division_id, ctx.actor.user_id),
                "updated_by": authors.get(doc.division_id, ctx.actor.user_id),
                "created_at": stamp - timedelta(days=rng.randint(3, 20)),
                "updated_at": stamp,
                "version": 1,
            }
        )
        if published is not None:
            published_numbers.setdefault(doc.division_id, []).append(doc.doc_number)
    with ctx.app.db.write() as session:
        session.execute(insert(Interpretation), rows)
        # SPEC §6: the registry says 已解读 for every document whose interpretation is published.
        for division_id, numbers in published_numbers.items():
            session.execute(
                update(NormativeDocument)
                .where(
                    NormativeDocument.division_id == division_id,
                    NormativeDocument.doc_number.in_(numbers),
                    NormativeDocument.deleted_at.is_(None),
                )
                .values(interpreted=True, version=NormativeDocument.version + 1)
                .execution_options(synchronize_session=False)
            )
        record(
            session,
            AuditActor(ctx.actor.user_id, ctx.actor.username),
            "demo.interpretations",
            entity="interpretation",
            detail=f"演示数据：政策解读 {len(rows)} 篇",
        )
    yield Progress(1, 1, "政策解读")
    return [
        f"政策解读：{len(rows)} 篇（同步 {counts['sync']} 篇，审签不同步 {counts['approval']} 篇，"
        f"发布滞后 {counts['late']} 篇，起草中 {counts['draft']} 篇）"
    ]
