"""How the 年度任务 page tells each division's quarter: the cell text and colours of a state, the
count over a task's divisions, the deadline hint, the attention line and the report view."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableWidgetItem, QTreeWidgetItem

from gongkai_desktop.domain.plan import QUARTER_LABELS, QUARTER_SHORT, QUARTERS, ReportState
from gongkai_desktop.services.plan import AssignmentInfo, PlanOverview, TaskInfo

STATE_COLORS: dict[ReportState, tuple[str | None, str | None]] = {
    ReportState.OVERDUE: ("#fde2e0", "#b3261e"),
    ReportState.RECTIFY: ("#ffe6c2", "#8a4b00"),
    ReportState.PASSED: ("#e6f4ea", "#1e6b34"),
    ReportState.SUBMITTED: ("#e8f0fe", "#16407a"),
    ReportState.PENDING: (None, None),
    ReportState.NOT_DUE: (None, "#8a8f98"),
}


def cell_text(a: AssignmentInfo, quarter: int, separator: str = "·") -> str:
    """One division's quarter in a few characters: 推进中·合格, 已完成·逾期报送·待审核, 逾期未报."""
    report = a.report(quarter)
    if report is None:
        return a.state(quarter).label
    parts = [report.status.label]
    if report.late:
        parts.append("逾期报送")
    parts.append(report.review.label if report.review else "待审核")
    return separator.join(parts)


def quarter_summary(task: TaskInfo, quarter: int) -> str:
    """Over every division of a task: how many reported, and what is overdue or to rectify."""
    total = len(task.assignments)
    if not total:
        return "未分配处室"
    reported = sum(1 for a in task.assignments if a.report(quarter) is not None)
    overdue = sum(1 for a in task.assignments if a.state(quarter) is ReportState.OVERDUE)
    rectify = sum(1 for a in task.assignments if a.state(quarter) is ReportState.RECTIFY)
    text = f"已报 {reported}/{total}"
    if overdue:
        text += f"，逾期未报 {overdue}"
    if rectify:
        text += f"，需整改 {rectify}"
    return text


def _listed(items: list[str], limit: int = 8) -> str:
    """A list for one line of text: the first few, then 等."""
    shown = "、".join(items[:limit])
    return shown + ("等" if len(items) > limit else "")


def paint(item: QTableWidgetItem | QTreeWidgetItem, state: ReportState, column: int = 0) -> None:
    background, foreground = STATE_COLORS[state]
    if isinstance(item, QTreeWidgetItem):
        if background:
            item.setBackground(column, QBrush(QColor(background)))
        if foreground:
            item.setForeground(column, QBrush(QColor(foreground)))
        return
    if background:
        item.setBackground(QBrush(QColor(background)))
    if foreground:
        item.setForeground(QBrush(QColor(foreground)))


def due_text(overview: PlanOverview, quarter: int) -> str:
    """The quarter's report deadline, for the hint beside the page's buttons."""
    due = overview.due_dates.get(quarter)
    due_text = (
        f"{QUARTER_LABELS[quarter]}进展报送截止：{due.year}年{due.month}月{due.day}日"
        if due
        else f"{QUARTER_LABELS[quarter]}报送截止日无法计算（缺少节假日安排）"
    )
    return f"{due_text}（季度结束后第 {overview.due_workdays} 个工作日）"


def attention_text(
    overview: PlanOverview, division_id: int | None, shown_name: str, is_admin: bool
) -> str:
    """The line above the tasks: a year without tasks, or what the division in view has to act
    on (``shown_name`` when the division has no assignment); empty when no line is shown."""
    if not overview.tasks:
        text = f"{overview.year}年还没有导入工作要点。"
        if is_admin:
            text += "请点击「导入工作要点…」选择本局年度政务公开工作要点文件。"
        return text
    if division_id is None:
        return ""
    name = next(
        (a.division_name for t in overview.tasks for a in t.assignments
         if a.division_id == division_id),
        shown_name,
    )  # fmt: skip
    overdue: list[str] = []
    rectify: list[str] = []
    for task in overview.tasks:
        a = task.assignment_of(division_id)
        if a is None:
            continue
        for q in QUARTERS:
            state = a.state(q)
            if state is ReportState.OVERDUE:
                overdue.append(f"第{task.no}项{QUARTER_SHORT[q]}")
            elif state is ReportState.RECTIFY:
                rectify.append(f"第{task.no}项{QUARTER_SHORT[q]}")
    if not overdue and not rectify:
        assigned = sum(1 for t in overview.tasks if t.assignment_of(division_id))
        return (
            f"{name}：{overview.year}年承担 {assigned} 项任务，没有逾期未报或需整改的季度进展。"
            if assigned
            else f"{name}在{overview.year}年工作要点中没有分配任务。"
        )
    parts = []
    if overdue:
        parts.append(f"逾期未报 {len(overdue)} 项（{_listed(overdue)}）")
    if rectify:
        parts.append(f"需整改 {len(rectify)} 项（{_listed(rectify)}）")
    return f"{name}需要处理：" + "；".join(parts) + "。"


def report_html(a: AssignmentInfo, quarter: int, due: date | None, started: bool) -> str:
    """One division's report of a quarter with its evidence and 督查意见, or its state when none."""
    report = a.report(quarter)
    heading = f"<b>{escape(a.division_name)}（{a.role.label}）{QUARTER_LABELS[quarter]}</b>"
    due_text = f"{due:%Y-%m-%d}" if due else "无法计算"
    if report is None:
        state = a.state(quarter)
        return f"{heading}<p>状态：<b>{state.label}</b>　报送截止：{due_text}</p>" + (
            "<p>尚未到该季度，不能报送。</p>" if not started else ""
        )
    late = "（<span style='color:#b3261e'>逾期报送</span>）" if report.late else ""
    html = [
        heading,
        f"<p>进展状态：<b>{report.status.label}</b>　报送日期：{report.submitted_on:%Y-%m-%d}"
        f"{late}　截止：{due_text}</p>",
        "<p>" + escape(report.progress).replace("\n", "<br>") + "</p>",
    ]
    if report.links:
        html.append(
            "<p>佐证链接：<br>"
            + "<br>".join(f"<a href='{escape(x)}'>{escape(x)}</a>" for x in report.links)
            + "</p>"
        )
    if report.files:
        html.append("<p>佐证文件：" + "、".join(escape(f.filename) for f in report.files) + "</p>")
    if report.review is None:
        html.append("<p>督查结论：<b>待审核</b>")
        if report.review_comment:
            html.append(f"（上次督查意见：{escape(report.review_comment)}）")
        html.append("</p>")
    else:
        color = "#b3261e" if report.review.value == "rectify" else "#1e6b34"
        html.append(
            f"<p>督查结论：<b style='color:{color}'>{report.review.label}</b>"
            + (f"<br>督查意见：{escape(report.review_comment)}" if report.review_comment else "")
            + "</p>"
        )
    return "".join(html)
