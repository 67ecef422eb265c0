"""年度工作要点: the closed lists of tasks and quarterly reports, quarters and their due dates.

Each task of a year's plan is assigned to divisions as 牵头 (lead) or 责任 (responsible). Every
assigned division reports its progress per quarter (进展, status 未启动 / 推进中 / 已完成, evidence);
the report is due by the N-th working day after the quarter's end (SPEC §4; N is the setting
``quarter_report_due_workdays``, default 5), counted like every statutory deadline: the quarter's
last day itself is not counted. 综合处 reviews each report (督查意见, 合格 / 需整改).

Group words of plan documents stand for several divisions (SPEC §2): 各业务处 / 相关业务处 → every
业务处; 各处 / 各处室 / 局机关各处室 → every division. :func:`expand_group_word` says which.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ..calendar import WorkingCalendar
from ..errors import ValidationError
from .labels import GROUP_WORDS_ALL, GROUP_WORDS_BUSINESS, DivisionKind, LabelledEnum

DEFAULT_DUE_WORKDAYS = 5
QUARTERS = (1, 2, 3, 4)
QUARTER_LABELS = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
QUARTER_SHORT = {1: "一季度", 2: "二季度", 3: "三季度", 4: "四季度"}
MAX_PROGRESS_CHARS = 5000
MAX_COMMENT_CHARS = 2000
MAX_LINKS = 20
MAX_LINK_CHARS = 1000


class TaskStatus(LabelledEnum):
    """进展状态 a division reports for a quarter."""

    NOT_STARTED = ("not_started", "未启动")
    IN_PROGRESS = ("in_progress", "推进中")
    DONE = ("done", "已完成")


class ReviewResult(LabelledEnum):
    """督查结论 of 综合处 on one quarterly report."""

    PASS = ("pass", "合格")
    RECTIFY = ("rectify", "需整改")


class AssignmentRole(LabelledEnum):
    """How a division is assigned to a task."""

    LEAD = ("lead", "牵头")
    RESPONSIBLE = ("responsible", "责任")


class ReportState(LabelledEnum):
    """Where one division's report for one quarter stands, on a given day."""

    NOT_DUE = ("not_due", "未到报送期")  # the quarter has not begun
    PENDING = ("pending", "待报送")  # open, not yet overdue
    OVERDUE = ("overdue", "逾期未报")
    SUBMITTED = ("submitted", "待审核")
    PASSED = ("passed", "合格")
    RECTIFY = ("rectify", "需整改")


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def check_quarter(quarter: int) -> int:
    if quarter not in QUARTERS:
        raise ValidationError(f"季度应为 1 至 4，不能是 {quarter}。", quarter=quarter)
    return quarter


def quarter_start(year: int, quarter: int) -> date:
    check_quarter(quarter)
    return date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    check_quarter(quarter)
    if quarter == 4:
        return date(year, 12, 31)
    return date(year, 3 * quarter + 1, 1) - timedelta(days=1)


def report_due_date(
    calendar: WorkingCalendar, year: int, quarter: int, workdays: int = DEFAULT_DUE_WORKDAYS
) -> date:
    """The N-th working day after the quarter's last day (raises CalendarMissing without data)."""
    return calendar.working_day_after(quarter_end(year, quarter), workdays)


def report_state(
    *,
    has_report: bool,
    review: ReviewResult | None,
    year: int,
    quarter: int,
    due: date | None,
    today: date,
) -> ReportState:
    """The state of one (assignment, quarter) cell on ``today``.

    Without a due date (a year whose holidays are not yet known) a missing report stays 待报送:
    guessing the due date from plain weekends could call a report overdue that is not.
    """
    if has_report:
        if review is ReviewResult.PASS:
            return ReportState.PASSED
        if review is ReviewResult.RECTIFY:
            return ReportState.RECTIFY
        return ReportState.SUBMITTED
    if today < quarter_start(year, quarter):
        return ReportState.NOT_DUE
    if due is not None and today > due:
        return ReportState.OVERDUE
    return ReportState.PENDING


def is_late(submitted_on: date | None, due: date | None) -> bool:
    """Whether a report was first submitted after its due date (逾期报送)."""
    return submitted_on is not None and due is not None and submitted_on > due


@dataclass(frozen=True)
class DivisionRef:
    """What name resolution needs to know about a division."""

    id: int
    name: str
    kind: DivisionKind
    active: bool = True


def expand_group_word(name: str, divisions: Sequence[DivisionRef]) -> list[DivisionRef] | None:
    """The divisions a group word stands for (active ones, in the given order); None if ``name``
    is not a group word."""
    if name in GROUP_WORDS_BUSINESS:
        return [d for d in divisions if d.active and d.kind is DivisionKind.BUSINESS]
    if name in GROUP_WORDS_ALL:
        return [d for d in divisions if d.active]
    return None


def is_group_word(name: str) -> bool:
    return name in GROUP_WORDS_BUSINESS or name in GROUP_WORDS_ALL


def clean_links(links: Sequence[str]) -> tuple[str, ...]:
    """Evidence links: trimmed, empty lines dropped, duplicates removed, limits checked."""
    out: list[str] = []
    for raw in links:
        link = (raw or "").strip()
        if not link or link in out:
            continue
        if len(link) > MAX_LINK_CHARS:
            raise ValidationError(f"佐证链接过长（超过 {MAX_LINK_CHARS} 个字符）：{link[:60]}…")
        out.append(link)
    if len(out) > MAX_LINKS:
        raise ValidationError(f"佐证链接不能超过 {MAX_LINKS} 个。")
    return tuple(out)
