"""The statutory annual report's tables (national format of 2021) counted from plain values.

Nothing here reads the database: the services hand in facts (dates, types, outcomes) and get the
tables back, so every counting rule of SPEC §10.2 is tested on its own.

- Table 二: normative documents issued / abolished in the year and valid at 31 December, plus the
  year's licences, penalties, enforcement decisions and fees (entered on a form).
- Table 三: requests by applicant type. For year Y: 本年新收 = received in Y; 上年结转 = received
  before Y and not answered before 1 January Y; results = answered in Y, by outcome; 结转下年度 =
  received by 31 December Y and not answered by then.
- Table 四: review and litigation cases counted in Y when received in Y or received earlier and
  still open on 1 January Y; closed by 31 December Y → its result, else 尚未审结.

The balance rules (勾稽关系) are checked on the numbers themselves: a report whose own numbers do
not add up is refused, with the rule named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .requests import OUTCOME_LABELS, OUTCOMES, ApplicantType, CaseResult, CaseType

# ---------------------------------------------------------------------------------------------
# Table 二
LEVEL_RULE = "规章"
LEVEL_NORMATIVE = "行政规范性文件"
DOCUMENT_LEVELS = (LEVEL_RULE, LEVEL_NORMATIVE)
STATUS_VALID = "现行有效"
STATUS_REVISED = "已修订"
STATUS_ABOLISHED = "已废止"
STATUS_EXPIRED = "已失效"
ENDED_STATUSES = (STATUS_ABOLISHED, STATUS_EXPIRED)

COL_ISSUED = "本年制发件数"
COL_ABOLISHED = "本年废止件数"
COL_VALID = "现行有效件数"
COL_DECISIONS = "本年处理决定数量"
COL_FEES = "本年收费金额（单位：万元）"
ROW_LICENCES = "行政许可"
ROW_PENALTIES = "行政处罚"
ROW_ENFORCEMENT = "行政强制"
ROW_FEES = "行政事业性收费"

TABLE2_BLOCKS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("第二十条第（一）项", (COL_ISSUED, COL_ABOLISHED, COL_VALID), DOCUMENT_LEVELS),
    ("第二十条第（五）项", (COL_DECISIONS,), (ROW_LICENCES,)),
    ("第二十条第（六）项", (COL_DECISIONS,), (ROW_PENALTIES, ROW_ENFORCEMENT)),
    ("第二十条第（八）项", (COL_FEES,), (ROW_FEES,)),
)


@dataclass(frozen=True)
class DocumentFacts:
    """What table 二 needs of a normative document (规范性文件)."""

    level: str  # 规章 | 行政规范性文件
    issued_on: date | None  # 成文日期 (the publication date when that is missing)
    status: str  # 现行有效 | 已修订 | 已废止 | 已失效
    status_date: date | None = None


@dataclass(frozen=True)
class YearInputs:
    """The small numbers of the year entered on the report form (default 0)."""

    licences: int = 0
    penalties: int = 0
    enforcement: int = 0
    fees_wan: Decimal = Decimal("0")


def document_counts(docs: Iterable[DocumentFacts], year: int) -> dict[str, dict[str, int]]:
    """本年制发 / 本年废止 / 现行有效 per level.

    Issued: 成文日期 in the year. Abolished: status 已废止 or 已失效 with its date in the year.
    Valid at 31 December: issued by then and not abolished or expired by then (a 已修订 document
    stays in force in its amended form).
    """
    end = date(year, 12, 31)
    result = {level: {COL_ISSUED: 0, COL_ABOLISHED: 0, COL_VALID: 0} for level in DOCUMENT_LEVELS}
    for doc in docs:
        row = result.get(doc.level)
        if row is None or doc.issued_on is None:
            continue
        if doc.issued_on.year == year:
            row[COL_ISSUED] += 1
        ended = doc.status in ENDED_STATUSES
        if ended and doc.status_date is not None and doc.status_date.year == year:
            row[COL_ABOLISHED] += 1
        # An ended document without its date cannot be placed in time; it is not counted valid.
        ended_by_end = ended and (doc.status_date is None or doc.status_date <= end)
        if doc.issued_on <= end and not ended_by_end:
            row[COL_VALID] += 1
    return result


def table2(
    docs: Iterable[DocumentFacts], year: int, inputs: YearInputs
) -> dict[str, dict[str, object]]:
    """Table 二 as ``{row label: {column label: value}}`` (fees in 万元 as a Decimal)."""
    table: dict[str, dict[str, object]] = {}
    for level, counts in document_counts(docs, year).items():
        table[level] = dict(counts)
    table[ROW_LICENCES] = {COL_DECISIONS: inputs.licences}
    table[ROW_PENALTIES] = {COL_DECISIONS: inputs.penalties}
    table[ROW_ENFORCEMENT] = {COL_DECISIONS: inputs.enforcement}
    table[ROW_FEES] = {COL_FEES: inputs.fees_wan}
    return table


# ---------------------------------------------------------------------------------------------
# Table 三
APPLICANT_COLUMNS: tuple[str, ...] = (*ApplicantType.labels(), "总计")
ROW_NEW = "本年新收"
ROW_CARRIED_IN = "上年结转"
ROW_TOTAL = "总计"
ROW_CARRIED_OUT = "结转下年度"
TABLE3_ROWS: tuple[str, ...] = (
    ROW_NEW,
    ROW_CARRIED_IN,
    *OUTCOME_LABELS,
    ROW_TOTAL,
    ROW_CARRIED_OUT,
)
TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# The printed labels of the national form, per row of TABLE3_ROWS.
TABLE3_PRINTED = {
    ROW_NEW: "一、本年新收政府信息公开申请数量",
    ROW_CARRIED_IN: "二、上年结转政府信息公开申请数量",
    ROW_TOTAL: "（七）总计",
    ROW_CARRIED_OUT: "四、结转下年度继续办理",
}
TABLE3_RESULTS_LABEL = "三、本年度办理结果"
GROUP_PRINTED = {
    "予以公开": "（一）予以公开",
    "部分公开": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "不予公开": "（三）不予公开",
    "无法提供": "（四）无法提供",
    "不予处理": "（五）不予处理",
    "其他处理": "（六）其他处理",
}


def printed_item(label: str) -> str:
    """「1.属于国家秘密」: the item of an outcome as numbered in its group on the form."""
    outcome = next(o for o in OUTCOMES if o.label == label)
    siblings = [o for o in OUTCOMES if o.group == outcome.group]
    return f"{siblings.index(outcome) + 1}.{outcome.item}"


@dataclass(frozen=True)
class RequestFacts:
    """What table 三 needs of a request."""

    receipt_date: date
    applicant_type: ApplicantType
    answer_date: date | None = None
    outcome: str | None = None


Table3 = dict[str, list[int]]


def table3(requests: Iterable[RequestFacts], year: int) -> Table3:
    """Table 三 as ``{row label: [自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计]}``."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    columns = list(ApplicantType)
    rows: Table3 = {label: [0] * len(APPLICANT_COLUMNS) for label in TABLE3_ROWS}

    def add(row: str, col: int) -> None:
        rows[row][col] += 1

    for r in requests:
        col = columns.index(r.applicant_type)
        if r.receipt_date.year == year:
            add(ROW_NEW, col)
        elif r.receipt_date < start and (r.answer_date is None or r.answer_date >= start):
            add(ROW_CARRIED_IN, col)
        if r.answer_date is not None and r.answer_date.year == year and r.outcome in rows:
            add(r.outcome, col)
        if r.receipt_date <= end and (r.answer_date is None or r.answer_date > end):
            add(ROW_CARRIED_OUT, col)
    for col in range(len(columns)):
        rows[ROW_TOTAL][col] = sum(rows[label][col] for label in OUTCOME_LABELS)
    for values in rows.values():
        values[-1] = sum(values[:-1])
    return rows


def check_table3(
    table: Mapping[str, Sequence[int]],
    previous_carried_out: Sequence[int] | None = None,
    year: int | None = None,
) -> list[str]:
    """The balance rules of table 三, each broken one named (empty when the table balances).

    - every row: 总计 = the sum of the six applicant columns;
    - （七）总计 = the sum of the outcome rows;
    - every column: 一 + 二 = （七）总计 + 四;
    - 上年结转 of Y = 结转下年度 of Y−1 (when the previous year's numbers are given).
    """
    problems: list[str] = []
    n = len(ApplicantType)
    for label in TABLE3_ROWS:
        values = list(table[label])
        if sum(values[:n]) != values[n]:
            problems.append(
                f"表三「{label}」行的总计 {values[n]} 不等于六类申请人之和 {sum(values[:n])}"
                "（规则：总计 = 自然人 + 五类法人或其他组织）"
            )
    for col, name in enumerate(APPLICANT_COLUMNS):
        outcome_sum = sum(table[label][col] for label in OUTCOME_LABELS)
        if table[ROW_TOTAL][col] != outcome_sum:
            problems.append(
                f"表三「{name}」列的（七）总计 {table[ROW_TOTAL][col]} 不等于各项办理结果之和 {outcome_sum}"
            )
        left = table[ROW_NEW][col] + table[ROW_CARRIED_IN][col]
        right = table[ROW_TOTAL][col] + table[ROW_CARRIED_OUT][col]
        if left != right:
            problems.append(
                f"表三「{name}」列不平衡：本年新收 + 上年结转 = {left}，"
                f"（七）总计 + 结转下年度 = {right}（规则：第一项加第二项之和等于第三项加第四项之和）"
            )
    if previous_carried_out is not None:
        prev = list(previous_carried_out)
        current = list(table[ROW_CARRIED_IN])
        if prev != current:
            diffs = "、".join(
                f"{name} {current[i]}≠{prev[i]}"
                for i, name in enumerate(APPLICANT_COLUMNS)
                if current[i] != prev[i]
            )
            where = f"{year - 1}年" if year else "上一年度"
            problems.append(
                f"表三上年结转与{where}报告的结转下年度不一致（{diffs}）"
                "（规则：本年上年结转 = 上年结转下年度）"
            )
    return problems


# ---------------------------------------------------------------------------------------------
# Table 四
CASE_COLUMNS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
_RESULT_COLUMN = {CaseResult.UPHELD: 0, CaseResult.CORRECTED: 1, CaseResult.OTHER: 2}
PENDING_COLUMN = 3


@dataclass(frozen=True)
class CaseFacts:
    case_type: CaseType
    received: date
    closed: date | None = None
    result: CaseResult | None = None


Table4 = dict[str, dict[str, int]]


def table4(cases: Iterable[CaseFacts], year: int) -> Table4:
    """Table 四 as ``{case type label: {结果维持, 结果纠正, 其他结果, 尚未审结, 总计}}``."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    counts = {t: [0] * len(CASE_COLUMNS) for t in CaseType}
    for c in cases:
        if c.received > end:
            continue
        if c.received < start and c.closed is not None and c.closed < start:
            continue
        if c.closed is not None and c.closed <= end and c.result is not None:
            col = _RESULT_COLUMN[c.result]
        else:
            col = PENDING_COLUMN
        counts[c.case_type][col] += 1
    for values in counts.values():
        values[-1] = sum(values[:-1])
    return {t.label: dict(zip(CASE_COLUMNS, values, strict=True)) for t, values in counts.items()}


def check_table4(table: Mapping[str, Mapping[str, int]]) -> list[str]:
    problems = []
    for label, row in table.items():
        parts = sum(row[c] for c in CASE_COLUMNS[:-1])
        if parts != row["总计"]:
            problems.append(f"表四「{label}」的总计 {row['总计']} 不等于各结果之和 {parts}")
    return problems


def check_table2(table: Mapping[str, Mapping[str, object]]) -> list[str]:
    problems = []
    for label, row in table.items():
        for col, value in row.items():
            if isinstance(value, (int, Decimal)) and value < 0:
                problems.append(f"表二「{label}」的「{col}」不能为负数")
    return problems


# ---------------------------------------------------------------------------------------------
# Sections
SECTION_KEYS: tuple[tuple[str, str], ...] = (
    ("overview_proactive", "（一）主动公开"),
    ("overview_requests", "（二）依申请公开"),
    ("overview_management", "（三）政府信息管理"),
    ("overview_platforms", "（四）政府信息公开平台建设"),
    ("overview_supervision", "（五）监督保障"),
    ("section2", "二、主动公开政府信息情况"),
    ("section3", "三、收到和处理政府信息公开申请情况"),
    ("section4", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
)
SECTION_TITLES = dict(SECTION_KEYS)
HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)


def percent(part: int, whole: int) -> str:
    """「95.2%」, or 「—」 when there is nothing to divide by."""
    if whole <= 0:
        return "—"
    value = Decimal(part * 100) / Decimal(whole)
    return f"{value.quantize(Decimal('0.1'))}%"


@dataclass(frozen=True)
class RequestYearStats:
    """Figures of the year's requests that the narrative quotes beyond table 三."""

    answered: int = 0
    answered_on_time: int = 0
    by_channel: tuple[tuple[str, int], ...] = ()
    fee_cents: int = 0
    late_correction_notices: int = 0
    open_overdue: int = 0


@dataclass(frozen=True)
class ReportFigures:
    """Everything the narrative drafts are built from."""

    year: int
    unit: str
    table2: Mapping[str, Mapping[str, object]]
    table3: Mapping[str, Sequence[int]]
    table4: Mapping[str, Mapping[str, int]]
    stats: RequestYearStats


def _yuan(cents: int) -> str:
    value = Decimal(cents) / 100
    return f"{value:.2f}".rstrip("0").rstrip(".")


def draft_sections(f: ReportFigures) -> dict[str, str]:
    """Narrative drafts of every section, from the year's numbers; the user edits them."""
    y, t2, t3, t4, s = f.year, f.table2, f.table3, f.table4, f.stats
    unit = f.unit or "本机关"
    new, carried = t3[ROW_NEW][-1], t3[ROW_CARRIED_IN][-1]
    persons = t3[ROW_NEW][0]
    orgs = new - persons
    done, carried_out = t3[ROW_TOTAL][-1], t3[ROW_CARRIED_OUT][-1]
    group_counts = {
        g: sum(t3[o.label][-1] for o in OUTCOMES if o.group == g)
        for g in ("予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理")
    }
    rule, norm = t2[LEVEL_RULE], t2[LEVEL_NORMATIVE]
    review = t4[CaseType.REVIEW.label]
    lit_total = sum(
        t4[t.label]["总计"] for t in (CaseType.LITIGATION_DIRECT, CaseType.LITIGATION_AFTER_REVIEW)
    )
    corrected = sum(row["结果纠正"] for row in t4.values())
    channels = "、".join(f"{name}{n}件" for name, n in s.by_channel if n)

    proactive = (
        f"{y}年，{unit}坚持以公开为常态、不公开为例外，严格落实《中华人民共和国政府信息公开条例》，"
        f"全面推进决策、执行、管理、服务、结果公开。全年制发规章{rule[COL_ISSUED]}件、"
        f"行政规范性文件{norm[COL_ISSUED]}件，废止、失效规章{rule[COL_ABOLISHED]}件、"
        f"行政规范性文件{norm[COL_ABOLISHED]}件；截至{y}年12月31日，现行有效规章{rule[COL_VALID]}件、"
        f"行政规范性文件{norm[COL_VALID]}件，均已在门户网站政府信息公开专栏集中公开。"
        f"本年作出行政许可决定{t2[ROW_LICENCES][COL_DECISIONS]}件、行政处罚决定"
        f"{t2[ROW_PENALTIES][COL_DECISIONS]}件、行政强制决定{t2[ROW_ENFORCEMENT][COL_DECISIONS]}件，"
        f"收取行政事业性收费{t2[ROW_FEES][COL_FEES]}万元。"
    )
    on_time = percent(s.answered_on_time, s.answered)
    requests = (
        f"{y}年，{unit}共收到政府信息公开申请{new}件，其中自然人申请{persons}件、"
        f"法人或其他组织申请{orgs}件" + (f"；按申请方式分，{channels}" if channels else "") + "。"
        f"上年结转{carried}件。本年度办结{done}件，其中予以公开{group_counts['予以公开']}件，"
        f"部分公开{group_counts['部分公开']}件，不予公开{group_counts['不予公开']}件，"
        f"无法提供{group_counts['无法提供']}件，不予处理{group_counts['不予处理']}件，"
        f"其他处理{group_counts['其他处理']}件；按期答复{s.answered_on_time}件，按期答复率{on_time}。"
        f"结转下年度继续办理{carried_out}件。"
        + (
            f"全年收取信息处理费{_yuan(s.fee_cents)}元。"
            if s.fee_cents
            else "全年未收取信息处理费。"
        )
    )
    management = (
        f"严格落实政府信息公开属性源头认定和保密审查制度，规范政府信息公开发布流程。"
        f"做好规范性文件统一登记、统一编号、统一公开工作，截至{y}年底现行有效行政规范性文件"
        f"{norm[COL_VALID]}件，本年度清理废止、失效{norm[COL_ABOLISHED]}件，清理结果及时向社会公布。"
    )
    platforms = (
        "以门户网站为政府信息公开第一平台，优化政府信息公开专栏，及时更新机构职能、法规文件、"
        "规划计划、财政信息等栏目内容；统筹运用政务新媒体、新闻发布会等渠道，扩大政府信息传播面。"
    )
    supervision = (
        "将政府信息公开工作纳入年度工作要点，明确责任处室和联络员，开展季度督查和年终评议，"
        "加强业务培训。"
        f"本年度因政府信息公开被申请行政复议{review['总计']}件、提起行政诉讼{lit_total}件，"
        + (f"其中被纠正{corrected}件。" if corrected else "未发生被纠错情况。")
    )
    # Sections 二 to 四 are their tables; a note above a table is optional (empty by default).
    section2 = section3 = section4 = ""
    issues = []
    if s.answered > s.answered_on_time:
        issues.append(
            f"个别依申请公开事项未能在法定期限内答复（{s.answered - s.answered_on_time}件）"
        )
    if s.late_correction_notices:
        issues.append(f"补正告知未在7个工作日内发出（{s.late_correction_notices}件）")
    if s.open_overdue:
        issues.append(f"截至年底仍有{s.open_overdue}件申请超过答复期限尚未办结")
    problems = (
        "主要问题："
        + ("；".join(issues) + "；" if issues else "")
        + "政策解读的形式还不够丰富，公开内容的针对性和实用性有待提升。"
        "改进措施：一是严格执行依申请公开办理流程，加强答复期限预警；二是加强业务培训和"
        "督促检查，提升公开质量；三是丰富解读形式，回应社会关切。"
    )
    other = (
        f"依据《政府信息公开信息处理费管理办法》，{y}年"
        + (f"共收取信息处理费{_yuan(s.fee_cents)}元。" if s.fee_cents else "未收取信息处理费。")
        + "无其他需要报告的事项。"
    )
    return {
        "overview_proactive": proactive,
        "overview_requests": requests,
        "overview_management": management,
        "overview_platforms": platforms,
        "overview_supervision": supervision,
        "section2": section2,
        "section3": section3,
        "section4": section4,
        "problems": problems,
        "other": other,
    }
