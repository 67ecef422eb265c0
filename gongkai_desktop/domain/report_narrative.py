"""The annual report's narrative drafts, built only from what the records say.

一、总体情况 quotes the year's figures from every module: items published (by channel), documents
issued, in force and cleaned up, interpretations by form, press conferences, 舆情 responses,
consultations, training, requests and review cases. Each sentence is written only when its figure
exists, so the report never claims what no record shows (no 「清理结果及时向社会公布」 in a year
without a published clean-up, no 「均已在门户网站…公开」 unless every document in force has been
published). A figure that needs a year's holiday arrangement the calendar lacks (the request
deadlines) is left out and reported as a warning that asks for the data, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .annual_report import (
    COL_ABOLISHED,
    COL_DECISIONS,
    COL_FEES,
    COL_ISSUED,
    COL_VALID,
    LEVEL_NORMATIVE,
    LEVEL_RULE,
    ROW_CARRIED_IN,
    ROW_CARRIED_OUT,
    ROW_ENFORCEMENT,
    ROW_FEES,
    ROW_LICENCES,
    ROW_NEW,
    ROW_PENALTIES,
    ROW_TOTAL,
    SECTION_TITLES,
    percent,
)
from .requests import OUTCOMES

Counts = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class RequestYearStats:
    """Figures of the year's requests that the narrative quotes beyond table 三.

    ``unknown`` counts the answers of the year whose deadline cannot be computed because the
    holiday arrangement of ``missing_years`` is not in the calendar.
    """

    answered: int = 0
    answered_on_time: int = 0
    by_channel: Counts = ()
    fee_cents: int = 0
    late_correction_notices: int = 0
    open_overdue: int = 0
    answered_late: int = 0
    unknown: int = 0
    missing_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class ModuleFigures:
    """The year's counts from the other modules that 一、总体情况 quotes."""

    items_published: int = 0
    items_by_channel: Counts = ()
    documents_valid: int = 0
    documents_valid_published: int = 0
    cleanups: int = 0
    cleanups_published: int = 0
    cleanup_documents: int = 0
    cleanup_repealed: int = 0
    cleanup_revised: int = 0
    interpretations: int = 0
    interpretations_by_form: Counts = ()
    press_conferences: int = 0
    opinions: int = 0
    opinions_responded: int = 0
    consultations: int = 0
    consultation_opinions: int = 0
    consultation_adopted: int = 0
    plan_tasks: int = 0
    trainings: int = 0
    hearings: int = 0
    deployments: int = 0
    reviews_received: int = 0
    litigations_received: int = 0


@dataclass(frozen=True)
class ReportFigures:
    """Everything the narrative drafts are built from."""

    year: int
    unit: str
    table2: Mapping[str, Mapping[str, object]]
    table3: Mapping[str, Sequence[int]]
    table4: Mapping[str, Mapping[str, int]]
    stats: RequestYearStats
    modules: ModuleFigures = ModuleFigures()


def _yuan(cents: int) -> str:
    value = Decimal(cents) / 100
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _listing(counts: Counts, unit: str) -> str:
    """「门户网站120条、政务新媒体30条」 from the non-zero counts."""
    return "、".join(f"{name}{n}{unit}" for name, n in counts if n)


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _by_level(t2: Mapping[str, Mapping[str, object]], column: str) -> Counts:
    return tuple((level, _int(t2[level][column])) for level in (LEVEL_RULE, LEVEL_NORMATIVE))


def _join(sentences: list[str]) -> str:
    return "".join(s for s in sentences if s)


def calendar_warnings(f: ReportFigures) -> list[str]:
    """What the report leaves out for want of holiday data, and how to supply it."""
    s = f.stats
    if not s.unknown:
        return []
    years = "、".join(f"{y}年" for y in s.missing_years) or "相关年度"
    return [
        f"缺少{years}的节假日安排：{s.unknown}件申请的答复期限无法计算，报告未写按期答复情况。"
        "请在「系统管理 › 节假日」导入国务院办公厅的放假通知后重新生成。"
    ]


def _proactive(f: ReportFigures) -> str:
    y, m, t2 = f.year, f.modules, f.table2
    unit = f.unit or "本机关"
    out: list[str] = []
    if m.items_published:
        out.append(f"{y}年，{unit}主动公开政府信息{m.items_published}条。")
    issued = _by_level(t2, COL_ISSUED)
    if any(n for _, n in issued):
        out.append(f"全年制发{_listing(issued, '件')}。")
    ended = _by_level(t2, COL_ABOLISHED)
    if any(n for _, n in ended):
        out.append(f"废止、失效{_listing(ended, '件')}。")
    valid = _by_level(t2, COL_VALID)
    if any(n for _, n in valid):
        sentence = f"截至{y}年12月31日，现行有效{_listing(valid, '件')}"
        if m.documents_valid and m.documents_valid_published == m.documents_valid:
            sentence += "，均已在门户网站政府信息公开专栏集中公开"
        elif m.documents_valid_published:
            sentence += f"，其中{m.documents_valid_published}件已公开"
        out.append(sentence + "。")
    decisions = (
        ("行政许可决定", _int(t2[ROW_LICENCES][COL_DECISIONS])),
        ("行政处罚决定", _int(t2[ROW_PENALTIES][COL_DECISIONS])),
        ("行政强制决定", _int(t2[ROW_ENFORCEMENT][COL_DECISIONS])),
    )
    if any(n for _, n in decisions):
        out.append(f"本年作出{_listing(decisions, '件')}。")
    fees = t2[ROW_FEES][COL_FEES]
    if fees:
        out.append(f"收取行政事业性收费{fees}万元。")
    if m.interpretations:
        forms = _listing(m.interpretations_by_form, "件")
        out.append(
            f"发布政策解读{m.interpretations}件" + (f"，其中{forms}" if forms else "") + "。"
        )
    if m.consultations:
        sentence = f"就{m.consultations}项决策草案公开征求意见"
        if m.consultation_opinions:
            sentence += (
                f"，收到意见建议{m.consultation_opinions}条，"
                f"采纳（含部分采纳）{m.consultation_adopted}条"
            )
        out.append(sentence + "。")
    if m.opinions_responded:
        out.append(f"回应政务舆情{m.opinions_responded}件。")
    return _join(out)


def _requests(f: ReportFigures) -> str:
    y, t3, s = f.year, f.table3, f.stats
    unit = f.unit or "本机关"
    new, carried = t3[ROW_NEW][-1], t3[ROW_CARRIED_IN][-1]
    persons = t3[ROW_NEW][0]
    done, carried_out = t3[ROW_TOTAL][-1], t3[ROW_CARRIED_OUT][-1]
    if not (new or carried):
        return f"{y}年，{unit}未收到政府信息公开申请，无上年结转的申请。"
    out = [
        f"{y}年，{unit}共收到政府信息公开申请{new}件"
        + (f"，其中自然人申请{persons}件、法人或其他组织申请{new - persons}件" if new else "")
        + (f"；按申请方式分，{_listing(s.by_channel, '件')}" if _listing(s.by_channel, "") else "")
        + "。"
    ]
    if carried:
        out.append(f"上年结转{carried}件。")
    if done:
        groups = ("予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理")
        counts = tuple(
            (g, sum(t3[o.label][-1] for o in OUTCOMES if o.group == g)) for g in groups
        )
        out.append(f"本年度办结{done}件，其中{_listing(counts, '件')}。")
        if s.answered and not s.unknown:
            out.append(
                f"按期答复{s.answered_on_time}件，按期答复率"
                f"{percent(s.answered_on_time, s.answered)}。"
            )
    if carried_out:
        out.append(f"结转下年度继续办理{carried_out}件。")
    out.append(
        f"全年收取信息处理费{_yuan(s.fee_cents)}元。" if s.fee_cents else "全年未收取信息处理费。"
    )
    return _join(out)


def _management(f: ReportFigures) -> str:
    y, m = f.year, f.modules
    norm = f.table2[LEVEL_NORMATIVE]
    out: list[str] = []
    if norm[COL_VALID]:
        out.append(
            f"规范性文件实行统一登记、统一编号，截至{y}年底登记现行有效行政规范性文件"
            f"{norm[COL_VALID]}件。"
        )
    if m.cleanups:
        sentence = f"本年度开展规范性文件清理{m.cleanups}次"
        if m.cleanup_documents:
            sentence += f"，清理文件{m.cleanup_documents}件"
            parts = (("废止", m.cleanup_repealed), ("修订", m.cleanup_revised))
            if any(n for _, n in parts):
                sentence += f"，其中{_listing(parts, '件')}"
        if m.cleanups_published == m.cleanups:
            sentence += "，清理结果已向社会公布"
        out.append(sentence + "。")
    return _join(out)


def _platforms(f: ReportFigures) -> str:
    m = f.modules
    out: list[str] = []
    channels = _listing(m.items_by_channel, "条")
    if channels:
        out.append(f"按公开渠道分，{channels}。")
    if m.press_conferences:
        out.append(f"全年召开新闻发布会{m.press_conferences}场。")
    return _join(out)


def _supervision(f: ReportFigures) -> str:
    y, m, t4 = f.year, f.modules, f.table4
    out: list[str] = []
    if m.plan_tasks:
        out.append(f"印发{y}年政务公开工作要点，明确{m.plan_tasks}项任务的牵头和责任处室。")
    meetings = (
        ("主要负责同志听取政务公开工作汇报", m.hearings),
        ("专题研究部署政务公开工作", m.deployments),
        ("组织政务公开业务培训", m.trainings),
    )
    done = [f"{name}{n}次" for name, n in meetings if n]
    if done:
        out.append("、".join(done) + "。")
    out.append(
        f"本年度因政府信息公开被申请行政复议{m.reviews_received}件、"
        f"被提起行政诉讼{m.litigations_received}件。"
    )
    closed = sum(row["结果维持"] + row["结果纠正"] + row["其他结果"] for row in t4.values())
    corrected = sum(row["结果纠正"] for row in t4.values())
    if corrected:
        out.append(f"本年度审结的复议、诉讼案件中被纠错{corrected}件。")
    elif closed:
        out.append(f"本年度审结复议、诉讼案件{closed}件，均未被纠错。")
    return _join(out)


def _problems(f: ReportFigures) -> str:
    s = f.stats
    issues = []
    if s.answered_late:
        issues.append(f"个别依申请公开事项未能在法定期限内答复（{s.answered_late}件）")
    if s.late_correction_notices:
        issues.append(f"补正告知未在7个工作日内发出（{s.late_correction_notices}件）")
    if s.open_overdue:
        issues.append(f"截至年底仍有{s.open_overdue}件申请超过答复期限尚未办结")
    if not issues:
        return ""
    return (
        "主要问题：" + "；".join(issues) + "。改进措施：严格执行依申请公开办理流程，"
        "加强答复期限预警和督促检查。"
    )


# Sections a published report must not leave empty.
REQUIRED_SECTIONS = (
    "overview_proactive",
    "overview_requests",
    "overview_management",
    "overview_platforms",
    "overview_supervision",
    "problems",
    "other",
)


def empty_section_warnings(texts: Mapping[str, str]) -> list[str]:
    """The required sections with no text: the records gave nothing to draft them from."""
    return [
        f"「{SECTION_TITLES[key]}」没有可据以起草的数据，请在报表页填写后再导出。"
        for key in REQUIRED_SECTIONS
        if not texts.get(key, "").strip()
    ]


def draft_sections(f: ReportFigures) -> dict[str, str]:
    """Narrative drafts of every section, from the year's numbers; the user edits them."""
    s = f.stats
    other = (
        f"依据《政府信息公开信息处理费管理办法》，{f.year}年"
        + (f"共收取信息处理费{_yuan(s.fee_cents)}元。" if s.fee_cents else "未收取信息处理费。")
    )
    drafts = {
        "overview_proactive": _proactive(f),
        "overview_requests": _requests(f),
        "overview_management": _management(f),
        "overview_platforms": _platforms(f),
        "overview_supervision": _supervision(f),
        # Sections 二 to 四 are their tables; a note above a table is optional.
        "section2": "",
        "section3": "",
        "section4": "",
        "problems": _problems(f),
        "other": other,
    }
    assert set(drafts) == set(SECTION_TITLES)
    return drafts
