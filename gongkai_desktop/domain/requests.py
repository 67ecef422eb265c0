"""依申请公开: the closed lists of the register and the clock rules of a request (SPEC §10.1).

Outcomes are stored as their exact labels: they are the rows of the national annual-report table
(国办公开办函〔2021〕30号), group and item joined by ``-``. Applicant types, channels, case types and
results are ``LabelledEnum`` members (the database stores the English value).

The clock itself (deadlines, states, the rules of 第三十条–第三十五条) is
:mod:`gongkai_desktop.domain.request_clock`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from .labels import LabelledEnum

ANSWER_WORKING_DAYS = 20
CORRECTION_NOTICE_WORKING_DAYS = 7
MAX_EXTENSION_WORKING_DAYS = 20
# 第三方 has 15 working days to give its opinion (条例第三十二条); consulting other organs has no
# fixed term, so the register only refuses what no real consultation takes: over a working year.
MAX_CONSULTATION_WORKING_DAYS = 250
MAX_FEE_CENTS = 100_000_000  # 100 万元: far above any 信息处理费, below any typing slip like 1e30
DUE_SOON_WORKING_DAYS = 3


class ApplicantType(LabelledEnum):
    """申请人类型: the six value columns of table 三 (before 总计), in the table's order."""

    NATURAL_PERSON = ("natural_person", "自然人")
    BUSINESS = ("business", "商业企业")
    RESEARCH = ("research", "科研机构")
    PUBLIC_INTEREST = ("public_interest", "社会公益组织")
    LEGAL_SERVICE = ("legal_service", "法律服务机构")
    OTHER = ("other", "其他")


class Channel(LabelledEnum):
    """申请方式; each has its own rule for what counts as the receipt date."""

    IN_PERSON = ("in_person", "当面")
    POST = ("post", "邮寄")
    ONLINE = ("online", "网络")
    FAX = ("fax", "传真")
    OTHER = ("other", "其他")


# 条例第三十一条: which day is the receipt date, by channel, in the law's words.
RECEIPT_DATE_RULES: dict[Channel, str] = {
    Channel.IN_PERSON: "当面提交的，以提交之日为收到申请之日",
    Channel.POST: (
        "以邮寄方式提交的，以行政机关签收之日为收到申请之日；以平常信函等无需签收的邮寄方式提交的，"
        "政府信息公开工作机构应当于收到申请的当日与申请人确认，确认之日为收到申请之日"
    ),
    Channel.ONLINE: "通过互联网渠道提交的，以双方确认之日为收到申请之日",
    Channel.FAX: "通过政府信息公开工作机构的传真提交的，以双方确认之日为收到申请之日",
    Channel.OTHER: "条例第三十一条只规定了当面、邮寄、互联网渠道和传真四种方式的收到日期",
}
RECEIPT_DATE_LAW = (
    "条例第三十一条：（一）当面提交的，以提交之日为收到申请之日；（二）以邮寄方式提交的，以行政机关"
    "签收之日为收到申请之日；以平常信函等无需签收的邮寄方式提交的，政府信息公开工作机构应当于收到申请"
    "的当日与申请人确认，确认之日为收到申请之日；（三）通过互联网渠道或者政府信息公开工作机构的传真"
    "提交的，以双方确认之日为收到申请之日。"
)


def receipt_date_rule(channel: Channel) -> str:
    """The text shown beside the receipt date: which day the law takes for this channel."""
    return RECEIPT_DATE_RULES[channel] + "（条例第三十一条）"


@dataclass(frozen=True)
class Outcome:
    """One row of 三、本年度办理结果: the stored label, its group and its item (may be empty)."""

    label: str
    group: str
    item: str


_OUTCOME_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("予以公开", ()),
    ("部分公开", ()),
    (
        "不予公开",
        (
            "属于国家秘密",
            "其他法律行政法规禁止公开",
            "危及“三安全一稳定”",
            "保护第三方合法权益",
            "属于三类内部事务信息",
            "属于四类过程性信息",
            "属于行政执法案卷",
            "属于行政查询事项",
        ),
    ),
    (
        "无法提供",
        ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"),
    ),
    (
        "不予处理",
        (
            "信访举报投诉类申请",
            "重复申请",
            "要求提供公开出版物",
            "无正当理由大量反复申请",
            "要求行政机关确认或重新出具已获取信息",
        ),
    ),
    (
        "其他处理",
        (
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "其他",
        ),
    ),
)


def _outcomes() -> Iterator[Outcome]:
    for group, items in _OUTCOME_GROUPS:
        if not items:
            yield Outcome(group, group, "")
        for item in items:
            yield Outcome(f"{group}-{item}", group, item)


OUTCOMES: tuple[Outcome, ...] = tuple(_outcomes())
OUTCOME_LABELS: tuple[str, ...] = tuple(o.label for o in OUTCOMES)
OUTCOME_GROUPS: tuple[str, ...] = tuple(g for g, _ in _OUTCOME_GROUPS)
_OUTCOME_BY_LABEL = {o.label: o for o in OUTCOMES}
# The only outcome of an answered request whose 补正 never arrived (the period never started).
OUTCOME_NO_CORRECTION = "其他处理-申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"


def outcome_of(label: str) -> Outcome:
    """The outcome with exactly this label; ValueError for anything else."""
    try:
        return _OUTCOME_BY_LABEL[label.strip()]
    except KeyError:
        raise ValueError(label) from None


def is_outcome(label: str) -> bool:
    return label.strip() in _OUTCOME_BY_LABEL


class CaseType(LabelledEnum):
    """The three column groups of table 四."""

    REVIEW = ("review", "行政复议")
    LITIGATION_DIRECT = ("litigation_direct", "行政诉讼（未经复议直接起诉）")
    LITIGATION_AFTER_REVIEW = ("litigation_after_review", "行政诉讼（复议后起诉）")


class CaseResult(LabelledEnum):
    UPHELD = ("upheld", "维持")
    CORRECTED = ("corrected", "纠正")
    OTHER = ("other", "其他")


class RequestState(LabelledEnum):
    OPEN = ("open", "办理中")
    DUE_SOON = ("due_soon", "临期")
    OVERDUE = ("overdue", "逾期")
    CLOSED_ON_TIME = ("closed_on_time", "按期办结")
    CLOSED_LATE = ("closed_late", "逾期办结")
    AWAITING_CORRECTION = ("awaiting_correction", "待补正")
    CORRECTION_OVERDUE = ("correction_overdue", "逾期未补正")
    UNKNOWN = ("unknown", "无法计算")

    @property
    def is_open(self) -> bool:
        return self in (
            RequestState.OPEN,
            RequestState.DUE_SOON,
            RequestState.OVERDUE,
            RequestState.AWAITING_CORRECTION,
            RequestState.CORRECTION_OVERDUE,
        )


# Order of the register: what needs action first.
STATE_PRIORITY: dict[RequestState, int] = {
    RequestState.OVERDUE: 0,
    RequestState.DUE_SOON: 1,
    RequestState.CORRECTION_OVERDUE: 2,
    RequestState.UNKNOWN: 3,
    RequestState.OPEN: 4,
    RequestState.AWAITING_CORRECTION: 5,
    RequestState.CLOSED_LATE: 6,
    RequestState.CLOSED_ON_TIME: 7,
}


def case_problems(
    received: date, closed: date | None, result: CaseResult | None
) -> list[tuple[str, str]]:
    """What makes a review or litigation case's data impossible, as (column, reason) pairs."""
    problems: list[tuple[str, str]] = []
    if closed is not None and closed < received:
        problems.append(("审结日期", "审结日期早于收到日期"))
    if closed is not None and result is None:
        problems.append(("结果", "已审结的案件必须填写结果（维持、纠正或其他）"))
    if closed is None and result is not None:
        problems.append(("审结日期", "填写了结果，必须填写审结日期"))
    return problems
