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
