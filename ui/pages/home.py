"""首页: who is logged in and today's working-day facts, then the compliance dashboard of the user's
scope (SPEC §12): each rule's meter (达标 / 有风险 / 未达标), the plan's reports by quarter, and
what is overdue or due soon across the modules; double-clicking a to-do opens its page.

The dashboard is computed on the worker after the page shows, so neither the start of the program
nor a return to 首页 waits for it; the figures appear a moment later.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.compliance import RuleTally, Verdict
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.domain.plan import ReportState
from gongkai_desktop.errors import CalendarMissing, GongkaiError
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.calendar import calendar_of

from ..context import UiContext
from ..formatting import long_date, weekday
from ..models import Column, RowTableModel
from ..widgets import RecordTable, open_on_activation

if TYPE_CHECKING:
    from gongkai_desktop.services.compliance import Dashboard, QuarterProgress

log = logging.getLogger(__name__)

# The first count starts this long after the first paint: the window's first frames and the
# user's first click must not compete with the count's imports for Python's interpreter lock.
FIRST_COUNT_DELAY_MS = 300
DEADLINE_EXAMPLES = (
    (5, "季度进展报送（默认）"),
    (7, "补正告知"),
    (20, "主动公开、依申请公开答复"),
)
GREEN, AMBER, RED, GREY = "#2e7d32", "#e0a100", "#c0392b", "#c9ced6"
VERDICT_COLOURS = {
    Verdict.MET: GREEN,
    Verdict.AT_RISK: AMBER,
    Verdict.MISSED: RED,
    Verdict.NOT_APPLICABLE: "#7f8791",
}
# How the plan's report states show in the quarter meters.
QUARTER_SHARES = (
    (GREEN, (ReportState.PASSED, ReportState.SUBMITTED)),
    (AMBER, (ReportState.PENDING, ReportState.RECTIFY)),
    (RED, (ReportState.OVERDUE,)),
)


class Meter(QWidget):
    """A horizontal bar split into coloured shares (green, amber, red); grey when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shares: list[tuple[str, int]] = []
        self.setMinimumWidth(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(180, 16)

    def set_shares(self, shares: list[tuple[str, int]]) -> None:
        self.shares = [(colour, n) for colour, n in shares if n > 0]
        self.update()

    def paintEvent(self, _event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 3, -1, -3)
        total = sum(n for _c, n in self.shares)
        painter.setPen(Qt.PenStyle.NoPen)
        if not total:
            painter.setBrush(QColor(GREY))
            painter.drawRoundedRect(rect, 3, 3)
            return
        x = rect.left()
        for colour, n in self.shares:
            width = rect.width() * n / total
            painter.setBrush(QColor(colour))
            painter.drawRect(QRectF(x, rect.top(), width, rect.height()))
            x += width


def _days_text(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return f"超期 {-days} 个工作日"
    return "今日到期" if days == 0 else f"{days}"


ATTENTION_COLUMNS = (
    Column("类型", lambda a: a.kind),
    Column("事项", lambda a: a.title, tooltip=lambda a: a.title),
    Column("处室", lambda a: a.division_name),
    Column("状态", lambda a: a.state),
    Column("期限", lambda a: a.due.isoformat() if a.due else "", lambda a: a.due),
    Column("剩余工作日", lambda a: _days_text(a.days_left), lambda a: a.days_left),
)


class HomePage(QWidget):
    open_page = Signal(str)  # a page key: the main window shows that page

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dashboard: Dashboard | None = None
        self._painted = False
        self._loading = self._again = False
        self._build_ui()
        self._connect_signals()
        self.refresh()

    # -- layout -----------------------------------------------------------------------------
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 10, 18, 10)
        layout.setSpacing(10)
        layout.addLayout(self._build_header())
        middle = QHBoxLayout()
        middle.setSpacing(10)
        middle.addWidget(self._build_rules(), 3)
        side = QVBoxLayout()
        side.setSpacing(10)
        side.addWidget(self._build_quarters())
        side.addWidget(self._build_deadlines())
        side.addStretch(1)
        middle.addLayout(side, 2)
        # The rules and the to-do list share the height equally (at 1366×728 the to-do shows
        # six rows or more); each scrolls when it has more rows.
        layout.addLayout(middle, 1)
        layout.addWidget(self._build_attention(), 1)

    def _box(self, title: str) -> tuple[QFrame, QVBoxLayout]:
        box = QFrame(self)
        box.setObjectName("infoBox")
        inner = QVBoxLayout(box)
        inner.setContentsMargins(12, 8, 12, 8)
        inner.setSpacing(6)
        label = QLabel(title, box)
        label.setObjectName("boxTitle")
        inner.addWidget(label)
        return box, inner

    def _build_header(self) -> QVBoxLayout:
        header = QVBoxLayout()
        header.setSpacing(4)
        top = QHBoxLayout()
        self.welcome = QLabel(self)
        self.welcome.setObjectName("welcome")
        top.addWidget(self.welcome)
        top.addStretch(1)
        self.year = QComboBox(self)
        this_year = date.today().year
        for year in range(this_year, this_year - 6, -1):
            self.year.addItem(f"{year}年", year)
        self.scope = QComboBox(self)
        self.scope.addItem("全局", None)
        for division_id, name in _divisions(self.ctx):
            self.scope.addItem(name, division_id)
        self.scope.setVisible(self.ctx.actor.role is not Role.LIAISON)
        self.refresh_button = QPushButton("刷新", self)
        top.addWidget(QLabel("年度：", self))
        top.addWidget(self.year)
        top.addWidget(self.scope)
        top.addWidget(self.refresh_button)
        header.addLayout(top)
        facts = QHBoxLayout()
        facts.setSpacing(18)
        self.unit = QLabel(self)
        self.user = QLabel(self)
        self.role = QLabel(self)
        self.division = QLabel(self)
        self.today = QLabel(self)
        self.workday = QLabel(self)
        self.workday.setObjectName("workdayLabel")
        for caption, widget in (
            ("单位", self.unit),
            ("用户", self.user),
            ("角色", self.role),
            ("处室", self.division),
            ("今天", self.today),
        ):
            pair = QHBoxLayout()
            pair.setSpacing(4)
            name = QLabel(f"{caption}：", self)
            name.setObjectName("hintLabel")
            pair.addWidget(name)
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            pair.addWidget(widget)
            facts.addLayout(pair)
        facts.addWidget(self.workday)
        facts.addStretch(1)
        header.addLayout(facts)
        self.calendar_note = QLabel(self)
        self.calendar_note.setObjectName("warningLabel")
        self.calendar_note.setWordWrap(True)
        self.calendar_note.hide()
        header.addWidget(self.calendar_note)
        return header

    def _build_rules(self) -> QFrame:
        box, inner = self._box("规则达标情况")
        self.scope_label = QLabel(box)
        self.scope_label.setObjectName("hintLabel")
        inner.addWidget(self.scope_label)
        self.rules = QTableWidget(0, 4, box)
        self.rules.setHorizontalHeaderLabels(["规则", "达标情况", "达标 / 有风险 / 未达标", "结论"])
        _plain_table(self.rules)
        header = self.rules.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 150)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.rules.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.rules.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.rules.setMinimumHeight(140)
        inner.addWidget(self.rules, 1)
        return box

    def _build_quarters(self) -> QFrame:
        box, inner = self._box("年度任务季度报送")
        self.quarters = QTableWidget(4, 3, box)
        self.quarters.setHorizontalHeaderLabels(["报送期限", "进度", "情况"])
        self.quarters.setVerticalHeaderLabels(["第一季度", "第二季度", "第三季度", "第四季度"])
        _plain_table(self.quarters)
        self.quarters.verticalHeader().setVisible(True)
        header = self.quarters.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.quarter_meters = []
        for row in range(4):
            meter = Meter(self.quarters)
            self.quarters.setCellWidget(row, 1, meter)
            self.quarter_meters.append(meter)
        _fit_height(self.quarters)
        inner.addWidget(self.quarters)
        return box

    def _build_deadlines(self) -> QFrame:
        box, inner = self._box("以今天为起算日的工作日期限（起算日当天不计入）")
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        self.deadline_labels: list[QLabel] = []
        for row, (n, what) in enumerate(DEADLINE_EXAMPLES):
            grid.addWidget(QLabel(f"第 {n} 个工作日", box), row, 0)
            value = QLabel(box)
            self.deadline_labels.append(value)
            grid.addWidget(value, row, 1)
            note = QLabel(what, box)
            note.setObjectName("hintLabel")
            grid.addWidget(note, row, 2)
        grid.setColumnStretch(3, 1)
        inner.addLayout(grid)
        return box

    def _build_attention(self) -> QFrame:
        box, inner = self._box("待办：逾期和临期事项（双击打开所在页面）")
        self.attention_model = RowTableModel(ATTENTION_COLUMNS, parent=self)
        self.attention = RecordTable(self.attention_model, box)
        self.attention.proxy.sort(-1)  # the service's order: the longest overdue first
        self.attention_empty = QLabel("没有逾期或临期的事项。", box)
        self.attention_empty.setObjectName("hintLabel")
        self.attention_empty.hide()
        inner.addWidget(self.attention, 1)
        inner.addWidget(self.attention_empty)
        return box

    def _connect_signals(self) -> None:
        self.year.currentIndexChanged.connect(self.load_dashboard)
        self.scope.currentIndexChanged.connect(self.load_dashboard)
        self.refresh_button.clicked.connect(self.load_dashboard)
        open_on_activation(self.attention, self._open_selected)

    # -- data -------------------------------------------------------------------------------
    def page_shown(self) -> None:
        """Called by the main window on every visit: the date and the figures may have changed.
        The first count waits for the first paint (see ``paintEvent``)."""
        self.refresh()
        if self._painted:
            self.load_dashboard()

    def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().paintEvent(event)
        if not self._painted:
            # The dashboard's modules and queries are real work: begin it once the window is on
            # the screen, so the program's start does not wait for the figures.
            self._painted = True
            QTimer.singleShot(FIRST_COUNT_DELAY_MS, self.load_dashboard)

    def refresh(self, today: date | None = None) -> None:
        """Who is logged in, today's date and the working-day facts (cheap: no dashboard)."""
        today = today or date.today()
        actor = self.ctx.actor
        unit = AdminService(self.ctx.db, actor).get_setting("unit_name") or "（未设置单位名称）"
        self.welcome.setText(f"{actor.display_name or actor.username}，您好！")
        self.unit.setText(str(unit))
        name = actor.display_name or actor.username
        self.user.setText(name if name == actor.username else f"{name}（{actor.username}）")
        self.role.setText(actor.role.label)
        self.division.setText(actor.division_name or "—")
        self.today.setText(long_date(today))
        calendar = calendar_of(self.ctx.db)
        notes: list[str] = []
        try:
            working = calendar.is_working_day(today)
            self.workday.setText("今天是工作日" if working else "今天不是工作日（休息日或节假日）")
            for (n, _what), label in zip(DEADLINE_EXAMPLES, self.deadline_labels, strict=True):
                try:
                    due = calendar.working_day_after(today, n)
                    label.setText(f"{due.year}年{due.month}月{due.day}日（{weekday(due)}）")
                except CalendarMissing as exc:
                    label.setText("无法计算")
                    notes.append(str(exc))
        except CalendarMissing as exc:
            self.workday.setText("无法判断")
            for label in self.deadline_labels:
                label.setText("无法计算")
            notes.append(str(exc))
        next_year = today.year + 1
        if today.month >= 11 and not calendar.has_year(next_year):
            notes.append(
                f"尚未导入{next_year}年的节假日安排；跨年的期限届时将无法计算。"
                "国务院办公厅通知发布后，请管理员在「系统管理 › 节假日」中导入。"
            )
        self._calendar_notes = list(dict.fromkeys(notes))
        self._show_notes()

    def _show_notes(self) -> None:
        notes = list(self._calendar_notes)
        if self.dashboard is not None:
            # A missing holiday year is said once, however many modules run into it.
            said = set(re.findall(r"(\d{4})年", " ".join(notes)))
            notes += [
                p
                for p in self.dashboard.problems
                if p not in notes and not set(re.findall(r"缺少(\d{4})年", p)) & said
            ]
        self.calendar_note.setText("\n".join(notes))
        self.calendar_note.setVisible(bool(notes))

    def load_dashboard(self) -> None:
        """Compute the dashboard on the worker; the figures fill in when it is done."""
        from ..worker import Worker

        if self._loading:  # asked again while counting: count once more when this one is done
            self._again = True
            return
        self._loading, self._again = True, False
        self.scope_label.setText("正在统计……")
        db, actor = self.ctx.db, self.ctx.actor
        year, division = self.year.currentData(), self.scope.currentData()

        def job(_cancel):  # type: ignore[no-untyped-def]
            yield from ()
            # Imported here, on the worker: the services of every module are not needed to start.
            from gongkai_desktop.services.compliance import ComplianceService

            return ComplianceService(db, actor).dashboard(year, division)

        worker = Worker(job)
        worker.signals.finished.connect(self.show_dashboard)
        worker.signals.failed.connect(self._dashboard_failed)
        worker.start()

    def _finished_loading(self) -> bool:
        """True when another count was asked for meanwhile (and has now begun)."""
        self._loading = False
        if self._again:
            self.load_dashboard()
            return True
        return False

    def _dashboard_failed(self, exc: object) -> None:
        if self._finished_loading():
            return
        text = str(exc) if isinstance(exc, GongkaiError) else f"统计失败：{exc}"
        self.scope_label.setText(text)

    def show_dashboard(self, dashboard: Dashboard) -> None:
        if self._finished_loading():
            return
        self.dashboard = dashboard
        counts = {v: 0 for v in Verdict}
        for tally in dashboard.tallies:
            counts[tally.verdict] += 1
        self.scope_label.setText(
            f"{dashboard.scope}，{dashboard.year}年：达标 {counts[Verdict.MET]} 条，"
            f"有风险 {counts[Verdict.AT_RISK]} 条，未达标 {counts[Verdict.MISSED]} 条，"
            f"不适用 {counts[Verdict.NOT_APPLICABLE]} 条"
        )
        self.scope_label.setToolTip("把鼠标停在一条规则上，可看它的依据和统计明细。")
        self._fill_rules(dashboard.tallies)
        self._fill_quarters(dashboard.quarters)
        self.attention_model.set_rows(dashboard.attention)
        self.attention.fit_columns({1: 380})
        self.attention.setVisible(bool(dashboard.attention))
        self.attention_empty.setVisible(not dashboard.attention)
        self._show_notes()

    def _fill_rules(self, tallies: tuple[RuleTally, ...]) -> None:
        self.rules.setRowCount(len(tallies))
        for row, tally in enumerate(tallies):
            rule = tally.rule
            tip = "\n".join(
                [
                    rule.text,
                    f"依据：{rule.source}",
                    f"范围：{rule.scope.label}",
                    *(f"{k}：{v}" for k, v in tally.parameters),
                    *tally.notes,
                ]
            )
            text = QTableWidgetItem(rule.text)
            text.setToolTip(tip)
            text.setData(Qt.ItemDataRole.UserRole, rule.page)
            self.rules.setItem(row, 0, text)
            meter = Meter(self.rules)
            meter.set_shares([(GREEN, tally.met), (AMBER, tally.at_risk), (RED, tally.missed)])
            meter.setToolTip(tip)
            self.rules.setCellWidget(row, 1, meter)
            rate = "" if tally.rate is None else f"（{tally.rate:.0%}）"
            numbers = QTableWidgetItem(f"{tally.met} / {tally.at_risk} / {tally.missed}{rate}")
            numbers.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            numbers.setToolTip(tip)
            self.rules.setItem(row, 2, numbers)
            verdict = QTableWidgetItem(tally.verdict.label)
            verdict.setForeground(QColor(VERDICT_COLOURS[tally.verdict]))
            verdict.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.rules.setItem(row, 3, verdict)

    def _fill_quarters(self, quarters: tuple[QuarterProgress, ...]) -> None:
        for row, progress in enumerate(quarters):
            due = QTableWidgetItem(progress.due.isoformat() if progress.due else "无法计算")
            self.quarters.setItem(row, 0, due)
            shares = [
                (colour, sum(progress.counts.get(s, 0) for s in states))
                for colour, states in QUARTER_SHARES
            ]
            self.quarter_meters[row].set_shares(shares)
            detail = "、".join(
                f"{state.label} {progress.counts[state]}"
                for state in ReportState
                if progress.counts.get(state) and state is not ReportState.NOT_DUE
            )
            if progress.expected == 0:
                text = "未到报送期" if progress.counts else "无任务"
            else:
                handed_in = progress.expected - sum(
                    progress.counts.get(s, 0) for s in (ReportState.PENDING, ReportState.OVERDUE)
                )
                text = f"已报 {handed_in}/{progress.expected}"
            item = QTableWidgetItem(text)
            item.setToolTip(detail)
            self.quarters.setItem(row, 2, item)
            self.quarter_meters[row].setToolTip(detail)

    def _open_selected(self) -> None:
        row = self.attention.selected()
        if row is not None:
            self.open_page.emit(row.page)


def _divisions(ctx: UiContext) -> list[tuple[int, str]]:
    return [(d.id, d.name) for d in AdminService(ctx.db, ctx.actor).list_divisions()]


def _plain_table(table: QTableWidget) -> None:
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(26)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)


def _fit_height(table: QTableWidget) -> None:
    """Show every row without a scroll bar."""
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth() + 2
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(max(height, 60))
