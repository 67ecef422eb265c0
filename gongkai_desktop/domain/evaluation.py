"""Year-end evaluation (年终评议) and quarterly inspection (季度督查), SPEC §13: the indicators and
the scoring rule.

Each indicator is a rate met / measured over one division's records of the period whose outcome
is known by the evaluation date. An indicator with nothing measured is 不适用 for that division
and its weight is spread over the division's applicable indicators in proportion::

    score = weight × (100 / Σ applicable weights) × met / measured

YSQ1 loses ``case_penalty`` points for each 行政复议 / 行政诉讼 case decided in the period with
结果纠正 on one of the division's requests (never below 0); total = Σ scores − 扣分 + 调整 (never
below 0). Everything is kept as ``Fraction`` and rounded half-up to 2 places only when shown;
grades and ranks are taken from the shown total, so two totals that print alike share a rank.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from ..errors import ValidationError
from .plan import QUARTER_LABELS, check_quarter, quarter_end, quarter_start

CENT = Decimal("0.01")
NOT_APPLICABLE = "不适用"
DEFAULT_CASE_PENALTY = Decimal(2)
# (lowest shown total, grade), best first; below the last one: 不合格.
DEFAULT_GRADES: tuple[tuple[Decimal, str], ...] = (
    (Decimal(90), "优秀"),
    (Decimal(80), "良好"),
    (Decimal(60), "合格"),
)
FAIL_GRADE = "不合格"
GRADE_LABELS = ("优秀", "良好", "合格", FAIL_GRADE, NOT_APPLICABLE)
MAX_WEIGHT = Decimal(1000)


@dataclass(frozen=True)
class Period:
    """A year, or one of its quarters."""

    year: int
    quarter: int | None = None

    def __post_init__(self) -> None:
        if self.quarter is not None:
            check_quarter(self.quarter)

    @property
    def start(self) -> date:
        return (
            date(self.year, 1, 1)
            if self.quarter is None
            else quarter_start(self.year, self.quarter)
        )

    @property
    def end(self) -> date:
        return (
            date(self.year, 12, 31)
            if self.quarter is None
            else quarter_end(self.year, self.quarter)
        )

    @property
    def key(self) -> str:
        """As in the JSON: ``"2025"`` or ``"2025Q2"``."""
        return str(self.year) if self.quarter is None else f"{self.year}Q{self.quarter}"

    @property
    def title(self) -> str:
        if self.quarter is None:
            return f"{self.year}年度"
        return f"{self.year}年{QUARTER_LABELS[self.quarter]}"

    @property
    def quarters(self) -> tuple[int, ...]:
        return (1, 2, 3, 4) if self.quarter is None else (self.quarter,)


@dataclass(frozen=True)
class Method:
    """One computation the app knows: what it measures and what counts as met."""

    key: str
    measured: str
    met: str
    rule_id: str | None = None


METHODS: tuple[Method, ...] = (
    Method(
        "RW1",
        "牵头或责任任务应报送的季度进展（报送期限已过）",
        "在报送期限内报送",
        "quarterly_task_reports",
    ),
    Method("RW2", "经综合处审核的季度进展", "审核合格", "quarterly_task_reports"),
    Method(
        "ZD1", "本期形成的主动公开事项（公开期限已过）", "20个工作日内公开", "proactive_20_workdays"
    ),
    Method("ZD2", "本期形成并已公开的主动公开事项", "公开渠道包含门户网站", "portal_channel"),
    Method("ZD3", "本处室本期制发的规范性文件（20个工作日公开期限已过）", "已公开"),
    Method("JD1", "本处室本期制发、需要解读的规范性文件", "已解读"),
    Method(
        "JD2", "本期的政策解读（同步情况已可判断）", "同步审签、同步发布", "interpretation_in_sync"
    ),
    Method("JD3", "本期的政策解读", "采用文字解读以外的至少一种形式"),
    Method(
        "HY1",
        "本期交本处室办理的政务舆情和网民留言（时限已过或已答复）",
        "舆情48小时内回应，留言在期末前答复",
        "opinion_response_48_hours",
    ),
    Method(
        "YSQ1",
        "本期收到、本处室承办的依申请公开（答复期限已过）",
        "在法定期限内答复",
        "request_20_workdays",
    ),
    Method(
        "JC1",
        "本处室本期组织的公开征求意见（结果已可判断）",
        "征求期限符合规定且公开采纳情况",
        "consultation_period",
    ),
    Method(
        "FB1",
        "本期全局举行新闻发布会则计 1",
        "本处室参与至少 1 次则计 1",
        "press_conference_quarterly",
    ),
    Method("PX1", "本期举办的政务公开培训", "本处室参加"),
)
METHODS_BY_KEY = {m.key: m for m in METHODS}


@dataclass(frozen=True)
class Indicator:
    """One row of the indicator table of a year. ``method`` names the computation (a key of
    :data:`METHODS`); a province's own list may name its indicators differently."""

    code: str
    name: str
    weight: Decimal
    method: str
    measured: str = ""
    met: str = ""
    rule_id: str | None = None

    @property
    def description(self) -> str:
        return f"{self.measured}；达标：{self.met}" if self.met else self.measured


def _default(code: str, name: str, weight: int) -> Indicator:
    m = METHODS_BY_KEY[code]
    return Indicator(code, name, Decimal(weight), code, m.measured, m.met, m.rule_id)


DEFAULT_INDICATORS: tuple[Indicator, ...] = (
    _default("RW1", "季度进展按时报送", 15),
    _default("RW2", "进展审核合格", 10),
    _default("ZD1", "主动公开按时", 12),
    _default("ZD2", "门户网站公开", 4),
    _default("ZD3", "规范性文件公开", 4),
    _default("JD1", "政策解读", 8),
    _default("JD2", "同步解读", 5),
    _default("JD3", "多元化解读", 2),
    _default("HY1", "回应关切", 10),
    _default("YSQ1", "依申请公开按时答复", 10),
    _default("JC1", "征求意见与采纳公开", 10),
    _default("FB1", "新闻发布参与", 5),
    _default("PX1", "培训参与", 5),
)
CASE_METHOD = "YSQ1"  # the indicator that loses points for corrected review / litigation cases


def parse_points(text: object, what: str = "分值") -> Decimal:
    """A number of points as typed (at most 2 decimals); ValidationError otherwise."""
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{what}应为数字：{text}") from None
    if not value.is_finite() or value != value.quantize(CENT):
        raise ValidationError(f"{what}最多保留两位小数：{text}")
    return value


def check_indicators(indicators: Sequence[Indicator]) -> list[str]:
    """What is wrong with an indicator table, as Chinese sentences (empty: it may be stored)."""
    problems: list[str] = []
    if not indicators:
        return ["指标表不能为空"]
    seen: set[str] = set()
    for i in indicators:
        where = f"指标 {i.code or '（无代码）'}"
        if not i.code.strip():
            problems.append("指标代码不能为空")
        elif i.code in seen:
            problems.append(f"{where}：代码重复")
        seen.add(i.code)
        if not i.name.strip():
            problems.append(f"{where}：指标名称不能为空")
        if i.method not in METHODS_BY_KEY:
            problems.append(
                f"{where}：计算方法「{i.method}」不存在，应为 {'、'.join(METHODS_BY_KEY)} 之一"
            )
        if i.weight <= 0 or i.weight > MAX_WEIGHT:
            problems.append(f"{where}：权重应大于 0 且不超过 {MAX_WEIGHT}")
    return problems


@dataclass(frozen=True)
class Count:
    """An indicator's tally for one division: records measured and how many of them met it."""

    measured: int = 0
    met: int = 0


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    count: Count
    score: Fraction | None  # None: 不适用
    case_deduction: Fraction = Fraction(0)

    @property
    def applicable(self) -> bool:
        return self.score is not None

    @property
    def measured_text(self) -> str:
        """What the division's sheet shows, e.g. 「达标 45/48」 or 「不适用」."""
        if not self.count.measured:
            return NOT_APPLICABLE
        return f"达标 {self.count.met}/{self.count.measured}"


@dataclass(frozen=True)
class DivisionScore:
    division_id: int
    division_name: str
    scores: tuple[IndicatorScore, ...]
    deductions: Fraction
    adjustments: Fraction
    corrected_cases: int
    total: Fraction | None  # None: nothing applicable
    grade: str
    rank: int | None = None

    @property
    def applicable(self) -> bool:
        return self.total is not None

    def score_of(self, code: str) -> IndicatorScore:
        return next(s for s in self.scores if s.indicator.code == code)


@dataclass(frozen=True)
class Grades:
    """The grade thresholds on the shown total, best first."""

    bands: tuple[tuple[Decimal, str], ...] = DEFAULT_GRADES
    below: str = FAIL_GRADE

    def of(self, total: Fraction) -> str:
        shown_total = shown(total)
        for lowest, label in self.bands:
            if shown_total >= lowest:
                return label
        return self.below


def shown(value: Fraction | Decimal | int) -> Decimal:
    """The value as shown and written: half-up to 2 decimals."""
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        # Decimal division rounds at 28 digits; a tie at the third decimal is exact there.
        return exact.quantize(CENT, rounding=ROUND_HALF_UP)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fraction(value: Decimal | int) -> Fraction:
    return Fraction(value)


def score_division(
    division_id: int,
    division_name: str,
    indicators: Sequence[Indicator],
    counts: Mapping[str, Count],
    *,
    corrected_cases: int = 0,
    case_penalty: Decimal = DEFAULT_CASE_PENALTY,
    deductions: Decimal = Decimal(0),
    adjustments: Decimal = Decimal(0),
    grades: Grades = Grades(),
) -> DivisionScore:
    """One division's scores by the rule of SPEC §13 (``counts`` by indicator code)."""
    applicable = [i for i in indicators if counts.get(i.code, Count()).measured > 0]
    weights = sum((fraction(i.weight) for i in applicable), Fraction(0))
    scores: list[IndicatorScore] = []
    for i in indicators:
        count = counts.get(i.code, Count())
        if count.measured <= 0:
            scores.append(IndicatorScore(i, Count(), None))
            continue
        score = fraction(i.weight) * 100 / weights * Fraction(count.met, count.measured)
        case_cut = Fraction(0)
        if i.method == CASE_METHOD and corrected_cases:
            case_cut = min(score, fraction(case_penalty) * corrected_cases)
            score -= case_cut
        scores.append(IndicatorScore(i, count, score, case_cut))
    ded, adj = fraction(deductions), fraction(adjustments)
    if not applicable:
        return DivisionScore(
            division_id,
            division_name,
            tuple(scores),
            ded,
            adj,
            corrected_cases,
            None,
            NOT_APPLICABLE,
        )
    total = sum((s.score for s in scores if s.score is not None), Fraction(0)) - ded + adj
    total = max(total, Fraction(0))
    return DivisionScore(
        division_id,
        division_name,
        tuple(scores),
        ded,
        adj,
        corrected_cases,
        total,
        grades.of(total),
    )


def ranked(divisions: Iterable[DivisionScore]) -> tuple[DivisionScore, ...]:
    """The divisions by shown total, best first, with shared ranks (1, 1, 3); those without an
    applicable indicator last, unranked, in the order given."""
    from dataclasses import replace

    items = list(divisions)
    scored = sorted(
        (d for d in items if d.total is not None), key=lambda d: shown(d.total or 0), reverse=True
    )
    out: list[DivisionScore] = []
    previous: Decimal | None = None
    rank = 0
    for position, d in enumerate(scored, start=1):
        value = shown(d.total or 0)
        if value != previous:
            rank, previous = position, value
        out.append(replace(d, rank=rank))
    out.extend(d for d in items if d.total is None)
    return tuple(out)


@dataclass(frozen=True)
class Adjustment:
    """One 扣分 (points taken) or 调整 (±points) of a division, with its reason."""

    id: int
    uuid: str
    year: int
    quarter: int | None
    division_id: int
    division_name: str
    kind: str  # deduction / adjustment
    points: Decimal
    reason: str
    created_by: str = ""
    created_at: str = ""

    @property
    def kind_label(self) -> str:
        return "扣分" if self.kind == "deduction" else "调整"

    @property
    def period(self) -> Period:
        return Period(self.year, self.quarter)


KINDS = {"deduction": "扣分", "adjustment": "调整"}


def check_adjustment(kind: str, points: Decimal, reason: str) -> list[str]:
    problems: list[str] = []
    if kind not in KINDS:
        problems.append(f"类别应为扣分或调整：{kind}")
    if kind == "deduction" and points <= 0:
        problems.append("扣分的分值应大于 0")
    if kind == "adjustment" and points == 0:
        problems.append("调整的分值不能为 0")
    if abs(points) > 100:
        problems.append("分值的绝对值不能超过 100")
    if not reason.strip():
        problems.append(f"请填写{KINDS.get(kind, '')}理由")
    elif len(reason) > 500:
        problems.append("理由不能超过 500 字")
    return problems


@dataclass(frozen=True)
class EvaluationResult:
    """The evaluation of a period: the indicators, every division's scores (ranked), the
    adjustments entered, and what the numbers could not take into account."""

    period: Period
    as_of: date
    indicators: tuple[Indicator, ...]
    divisions: tuple[DivisionScore, ...]
    adjustments: tuple[Adjustment, ...] = ()
    case_penalty: Decimal = DEFAULT_CASE_PENALTY
    grades: Grades = field(default_factory=Grades)
    problems: tuple[str, ...] = ()

    def division(self, division_id: int) -> DivisionScore:
        return next(d for d in self.divisions if d.division_id == division_id)

    def as_json(self) -> dict[str, object]:
        """SPEC §13's shape, numbers rounded as shown."""

        def number(value: Fraction | None) -> float | None:
            return None if value is None else float(shown(value))

        return {
            "year": self.period.year,
            "period": self.period.key,
            "indicators": [
                {"code": i.code, "name": i.name, "weight": float(i.weight)} for i in self.indicators
            ],
            "divisions": [
                {
                    "division": d.division_name,
                    "rank": d.rank,
                    "grade": d.grade,
                    "total": number(d.total),
                    "deductions": number(d.deductions),
                    "adjustments": number(d.adjustments),
                    "indicators": {
                        s.indicator.code: {
                            "measured": s.count.measured,
                            "met": s.count.met,
                            "applicable": s.applicable,
                            "score": number(s.score),
                        }
                        for s in d.scores
                    },
                }
                for d in self.divisions
            ],
        }


RESPREAD_RULE = (
    "某项指标本期无可计量的记录时，该项对该处室「不适用」，其权重按比例分配给该处室其余适用指标："
    "得分 = 权重 × (100 ÷ 适用指标权重之和) × 达标数 ÷ 计量数。"
)
