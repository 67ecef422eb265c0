"""公开事项 and 规范性文件: the closed lists, the publication deadlines and their states (SPEC §5, §6).

Labels here are the contract: categories, grounds and channels are stored as these exact Chinese
labels; attributes and states are stored as their English values. The deadline rules:

- 主动公开: published within 20 working days of the formation/change date (条例第二十六条),
  counted by the calendar's rule (the start day is not counted);
- 部门预算 / 部门决算: within 20 calendar days of approval (预算法第十四条), the formation date
  being the approval date;
- every 主动公开 item lists 门户网站 among its channels (flagged, not refused).

A deadline's state is 待公开 / 临期 (≤ 3 working days left) / 逾期 while unpublished, and 按时公开
/ 逾期公开 once published. A 主动公开 item whose 20 working days run into a year without holiday
data is still registered: it has no deadline until that year's arrangement is entered, and its
state is 无法计算 meanwhile. ``deadline_state`` computes the state in Python; the ledger service
builds the same rule as an SQL expression from the stored deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..calendar import WorkingCalendar
from ..errors import CalendarMissing
from .checks import doc_number_problem, doc_number_warnings, future_problem, link_problem
from .labels import LabelledEnum

# ----- categories, attributes, grounds, channels -------------------------------------------------

DEFAULT_CATEGORIES: tuple[str, ...] = (
    "决策公开",
    "执行公开",
    "管理公开",
    "服务公开",
    "结果公开",
    "部门预算",
    "部门决算",
    "三公经费",
    "政府采购",
    "重大建设项目",
    "公共资源配置",
    "社会公益事业",
    "财政资金直达基层",
    "乡村振兴领域",
    "突发事件",
    "安全生产",
    "规范性文件",
    "人大建议政协提案办理",
    "招考招聘",
    "表彰公示",
    "权力清单责任清单",
    "其他",
)

# Categories whose deadline is 20 calendar days from approval (预算法第十四条).
BUDGET_CATEGORIES: frozenset[str] = frozenset({"部门预算", "部门决算"})


class DisclosureAttribute(LabelledEnum):
    """公开属性, decided when the item is created (公开属性源头认定)."""

    PROACTIVE = ("proactive", "主动公开")
    ON_REQUEST = ("on_request", "依申请公开")
    WITHHELD = ("withheld", "不予公开")


WITHHOLD_GROUNDS: tuple[str, ...] = (
    "第十四条-国家秘密",
    "第十四条-法律行政法规禁止公开",
    "第十四条-危及“三安全一稳定”",
    "第十五条-商业秘密",
    "第十五条-个人隐私",
    "第十五条-其他第三方合法权益",
    "第十六条-内部事务信息",
    "第十六条-过程性信息",
    "第十六条-行政执法案卷",
)

CHANNELS: tuple[str, ...] = (
    "门户网站",
    "政务公开专区",
    "政府公报",
    "微信公众号",
    "微博",
    "新闻发布会",
    "报刊",
    "广播电视",
    "公开查阅点",
    "其他",
)
PORTAL = "门户网站"
PORTAL_BIT = 1  # CHANNELS[0]
CHANNEL_BITS: dict[str, int] = {label: 1 << i for i, label in enumerate(CHANNELS)}
CHANNEL_SEPARATORS = ("、", "，", ",", "；", ";", "/", " ")


def channels_to_mask(labels: Iterable[str]) -> int:
    """Bit mask of channel labels; ValueError names the first unknown label."""
    mask = 0
    for label in labels:
        label = label.strip()
        if not label:
            continue
        bit = CHANNEL_BITS.get(label)
        if bit is None:
            raise ValueError(label)
        mask |= bit
    return mask


def mask_to_channels(mask: int) -> tuple[str, ...]:
    return tuple(label for label in CHANNELS if mask & CHANNEL_BITS[label])


def split_channels(text: str) -> list[str]:
    """Channel labels written in one cell, separated by 、 (or commas, semicolons, spaces)."""
    parts = [text]
    for sep in CHANNEL_SEPARATORS:
        parts = [p for part in parts for p in part.split(sep)]
    return [p.strip() for p in parts if p.strip()]


def join_channels(labels: Iterable[str]) -> str:
    return "、".join(labels)


# ----- deadlines and states ----------------------------------------------------------------------

PROACTIVE_WORKING_DAYS = 20
BUDGET_CALENDAR_DAYS = 20
DUE_SOON_WORKING_DAYS = 3


class DeadlineState(LabelledEnum):
    PENDING = ("pending", "待公开")
    DUE_SOON = ("due_soon", "临期")
    OVERDUE = ("overdue", "逾期")
    ON_TIME = ("on_time", "按时公开")
    LATE = ("late", "逾期公开")
    # 主动公开 without a deadline: the holiday arrangement of a year it needs is missing.
    UNKNOWN = ("unknown", "无法计算")


OPEN_STATES = (DeadlineState.PENDING, DeadlineState.DUE_SOON, DeadlineState.OVERDUE)

# The order of the 状态 column, most urgent first; items that are not 主动公开 have no state and
# come last.
STATE_ORDER: tuple[DeadlineState, ...] = (
    DeadlineState.OVERDUE,
    DeadlineState.DUE_SOON,
    DeadlineState.PENDING,
    DeadlineState.UNKNOWN,
    DeadlineState.LATE,
    DeadlineState.ON_TIME,
)


def state_rank(state: DeadlineState | None) -> int:
    """Position of ``state`` in ``STATE_ORDER`` (no state: after all of them)."""
    return len(STATE_ORDER) if state is None else STATE_ORDER.index(state)


def is_budget_category(category: str) -> bool:
    return category in BUDGET_CATEGORIES


def compute_deadline(
    calendar: WorkingCalendar, attribute: str, category: str, formed_on: date
) -> date | None:
    """The publication deadline of an item, or None when it is not 主动公开.

    Raises ``CalendarMissing`` when the 20 working days run into a year without holiday data.
    """
    if attribute != DisclosureAttribute.PROACTIVE.value:
        return None
    if is_budget_category(category):
        return formed_on + timedelta(days=BUDGET_CALENDAR_DAYS)
    return calendar.working_day_after(formed_on, PROACTIVE_WORKING_DAYS)


def deadline_or_problem(
    calendar: WorkingCalendar, attribute: str, category: str, formed_on: date
) -> tuple[date | None, str]:
    """The deadline, or None with the calendar's message (naming the missing year) when it cannot
    be computed yet. An item is registered either way (SPEC §3: the computation fails, not the
    record)."""
    try:
        return compute_deadline(calendar, attribute, category, formed_on), ""
    except CalendarMissing as exc:
        return None, str(exc)


def due_soon_before(calendar: WorkingCalendar, today: date) -> date:
    """Deadlines strictly before this date (and not before today) have ≤ 3 working days left.

    ``working_days_between(today, deadline) <= 3`` holds exactly when ``deadline`` comes before
    the 4th working day after today, so the list's SQL needs one date computed per query.

    When that 4th working day falls in a year without holiday data, fewer than 4 working days
    remain in today's year, so every deadline up to 31 Dec is within 3 working days; a working-day
    deadline can lie no later than that (it would need the missing year), so the bound is 1 Jan.
    Raises ``CalendarMissing`` only when today's own year has no data.
    """
    try:
        return calendar.working_day_after(today, DUE_SOON_WORKING_DAYS + 1)
    except CalendarMissing:
        if not calendar.has_year(today.year):
            raise
        return date(today.year + 1, 1, 1)


def deadline_state(
    attribute: str,
    deadline: date | None,
    published_on: date | None,
    today: date,
    soon_before: date,
) -> DeadlineState | None:
    """State of an item's deadline (None for items that are not 主动公开; 无法计算 for a 主动公开
    item without a deadline)."""
    if attribute != DisclosureAttribute.PROACTIVE.value:
        return None
    if deadline is None:
        return DeadlineState.UNKNOWN
    if published_on is not None:
        return DeadlineState.ON_TIME if published_on <= deadline else DeadlineState.LATE
    if deadline < today:
        return DeadlineState.OVERDUE
    if deadline < soon_before:
        return DeadlineState.DUE_SOON
    return DeadlineState.PENDING


# ----- item validation ---------------------------------------------------------------------------

TITLE_MAX = 500
TEXT_MAX = 500
NUMBER_MAX = 64
NOTES_MAX = 5000


@dataclass(frozen=True)
class ItemFields:
    """What a user enters for a 公开事项 (the service adds division and deadline checks)."""

    title: str
    category: str
    attribute: str  # DisclosureAttribute value
    ground: str | None
    formed_on: date | None
    published_on: date | None = None
    channels: tuple[str, ...] = ()
    link: str = ""
    doc_number: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Problem:
    """One validation failure: the field (a form field / template column) and why, in Chinese."""

    field: str
    message: str


FIELD_LABELS = {
    "title": "标题",
    "category": "类别",
    "attribute": "公开属性",
    "ground": "不公开依据",
    "division": "责任处室",
    "formed_on": "形成日期",
    "published_on": "公开日期",
    "channels": "公开渠道",
    "link": "链接",
    "doc_number": "文号",
    "notes": "备注",
}


def validate_item(
    fields: ItemFields, categories: Sequence[str], today: date | None = None
) -> list[Problem]:
    """Every rule a 公开事项 breaks, in field order; empty when it may be saved. The formation
    date cannot lie after ``today``, nor the publication before it (so no item published before
    it was formed can count as 按时公开)."""
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(field, message))

    title = fields.title.strip()
    if not title:
        bad("title", "标题不能为空")
    elif len(title) > TITLE_MAX:
        bad("title", f"标题不能超过 {TITLE_MAX} 个字")
    if not fields.category:
        bad("category", "请选择类别")
    elif fields.category not in categories:
        bad("category", f"「{fields.category}」不是已有的类别")
    attribute = None
    if not fields.attribute:
        bad("attribute", "公开属性必须在登记时认定，请选择主动公开、依申请公开或不予公开")
    else:
        try:
            attribute = DisclosureAttribute(fields.attribute)
        except ValueError:
            bad("attribute", f"「{fields.attribute}」不是有效的公开属性")
    if attribute is DisclosureAttribute.WITHHELD:
        if not fields.ground:
            bad("ground", "不予公开的事项必须选择不公开依据（条例第十四、十五、十六条）")
        elif fields.ground not in WITHHOLD_GROUNDS:
            bad("ground", f"「{fields.ground}」不是有效的不公开依据")
    elif fields.ground:
        bad("ground", "只有不予公开的事项才填写不公开依据")
    if fields.formed_on is None:
        bad("formed_on", "形成日期不能为空")
    elif future := future_problem("形成日期", fields.formed_on, today):
        bad("formed_on", future)
    if fields.published_on is not None:
        if attribute is DisclosureAttribute.WITHHELD:
            bad("published_on", "不予公开的事项不能有公开日期")
        elif fields.formed_on is not None and fields.published_on < fields.formed_on:
            bad("published_on", "公开日期不能早于形成日期")
    for channel in fields.channels:
        if channel not in CHANNEL_BITS:
            bad("channels", f"「{channel}」不是有效的公开渠道")
    if len(fields.link) > TEXT_MAX:
        bad("link", f"链接不能超过 {TEXT_MAX} 个字符")
    elif problem := link_problem(fields.link):
        bad("link", problem)
    if len(fields.doc_number) > NUMBER_MAX:
        bad("doc_number", f"文号不能超过 {NUMBER_MAX} 个字")
    elif problem := doc_number_problem(fields.doc_number):
        bad("doc_number", problem)
    if len(fields.notes) > NOTES_MAX:
        bad("notes", f"备注不能超过 {NOTES_MAX} 个字")
    return problems


def item_warnings(attribute: str, channels: Iterable[str], doc_number: str = "") -> list[str]:
    """Rules that flag an item without refusing it."""
    warnings = doc_number_warnings(doc_number)
    if attribute == DisclosureAttribute.PROACTIVE.value and PORTAL not in set(channels):
        warnings.insert(0, "主动公开事项应以门户网站为第一平台，公开渠道中没有「门户网站」")
    return warnings


# ----- normative documents -----------------------------------------------------------------------


class DocumentLevel(LabelledEnum):
    """层级: table 二 of the annual report counts 规章 and 行政规范性文件 separately."""

    RULE = ("rule", "规章")
    NORMATIVE = ("normative", "行政规范性文件")


class DocumentStatus(LabelledEnum):
    VALID = ("valid", "现行有效")
    REVISED = ("revised", "已修订")
    REPEALED = ("repealed", "已废止")
    EXPIRED = ("expired", "已失效")


class CleanupDecisionKind(LabelledEnum):
    KEEP = ("keep", "保留")
    REVISE = ("revise", "修订")
    REPEAL = ("repeal", "废止")


YES_NO = ("是", "否")


@dataclass(frozen=True)
class DocumentFields:
    doc_number: str
    title: str
    level: str  # DocumentLevel value
    written_on: date | None
    published_on: date | None = None
    status: str = DocumentStatus.VALID.value
    status_changed_on: date | None = None
    consulted: bool = False
    interpreted: bool = False
    link: str = ""
    notes: str = ""


DOCUMENT_FIELD_LABELS = {
    "doc_number": "文号",
    "title": "标题",
    "level": "层级",
    "division": "制发处室",
    "written_on": "成文日期",
    "published_on": "公开日期",
    "status": "状态",
    "status_changed_on": "状态变更日期",
    "consulted": "是否征求意见",
    "interpreted": "是否解读",
    "link": "链接",
    "notes": "备注",
}


def validate_document(fields: DocumentFields, today: date | None = None) -> list[Problem]:
    """Every rule a 规范性文件 breaks; empty when it may be saved."""
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(field, message))

    if not fields.doc_number.strip():
        bad("doc_number", "文号不能为空")
    elif len(fields.doc_number) > NUMBER_MAX:
        bad("doc_number", f"文号不能超过 {NUMBER_MAX} 个字")
    elif problem := doc_number_problem(fields.doc_number):
        bad("doc_number", problem)
    if not fields.title.strip():
        bad("title", "标题不能为空")
    elif len(fields.title) > TITLE_MAX:
        bad("title", f"标题不能超过 {TITLE_MAX} 个字")
    try:
        DocumentLevel(fields.level)
    except ValueError:
        bad("level", f"「{fields.level}」不是有效的层级（规章或行政规范性文件）")
    if fields.written_on is None:
        bad("written_on", "成文日期不能为空")
    elif future := future_problem("成文日期", fields.written_on, today):
        bad("written_on", future)
    if (
        fields.published_on is not None
        and fields.written_on is not None
        and fields.published_on < fields.written_on
    ):
        bad("published_on", "公开日期不能早于成文日期")
    try:
        status = DocumentStatus(fields.status)
    except ValueError:
        bad("status", f"「{fields.status}」不是有效的状态")
        status = None
    if status is not None and status is not DocumentStatus.VALID:
        if fields.status_changed_on is None:
            bad("status_changed_on", f"状态为「{status.label}」时必须填写状态变更日期")
    if (
        fields.status_changed_on is not None
        and fields.written_on is not None
        and fields.status_changed_on < fields.written_on
    ):
        bad("status_changed_on", "状态变更日期不能早于成文日期")
    if len(fields.link) > TEXT_MAX:
        bad("link", f"链接不能超过 {TEXT_MAX} 个字符")
    elif problem := link_problem(fields.link):
        bad("link", problem)
    return problems


# ----- reposts -----------------------------------------------------------------------------------

REPOST_HOURS = 24


class RepostSource(LabelledEnum):
    CENTRAL = ("central", "中央")
    PROVINCIAL = ("provincial", "省级")


class RepostState(LabelledEnum):
    PENDING = ("pending", "待转载")
    OVERDUE = ("overdue", "超时未转载")
    ON_TIME = ("on_time", "按时转载")
    LATE = ("late", "超时转载")


def repost_state(
    released_at: datetime, reposted_at: datetime | None, now: datetime
) -> RepostState:
    """The 24-hour check: a repost more than 24 hours after release is flagged."""
    limit = released_at + timedelta(hours=REPOST_HOURS)
    if reposted_at is not None:
        return RepostState.ON_TIME if reposted_at <= limit else RepostState.LATE
    return RepostState.OVERDUE if now > limit else RepostState.PENDING


# ----- 标准目录 -----------------------------------------------------------------------------------

CATALOGUE_AUDIENCES = ("全社会", "特定群体")
CATALOGUE_MODES = ("主动", "依申请")
