"""首页: who is logged in, for which unit, today's date and whether it is a working day, and the
working-day deadlines that start today. The compliance dashboard of the modules comes later; the
page says so rather than showing invented figures."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from gongkai_desktop.errors import CalendarMissing
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.calendar import calendar_of

from ..context import UiContext
from ..formatting import long_date, weekday

log = logging.getLogger(__name__)

DEADLINE_EXAMPLES = (
    (5, "季度进展报送（默认）"),
    (7, "补正告知"),
    (20, "主动公开、依申请公开答复"),
)


class HomePage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._build_ui()
        self.refresh()

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(14)

        self.welcome = QLabel(self)
        self.welcome.setObjectName("welcome")
        layout.addWidget(self.welcome)

        who = QFrame(self)
        who.setObjectName("infoBox")
        form = QFormLayout(who)
        form.setContentsMargins(20, 14, 20, 14)
        form.setHorizontalSpacing(18)
        form.setVerticalSpacing(8)
        self.unit = QLabel(who)
        self.user = QLabel(who)
        self.role = QLabel(who)
        self.division = QLabel(who)
        self.today = QLabel(who)
        self.workday = QLabel(who)
        self.workday.setObjectName("workdayLabel")
        for label, widget in (
            ("单位：", self.unit),
            ("用户：", self.user),
            ("角色：", self.role),
            ("处室：", self.division),
            ("今天：", self.today),
            ("工作日：", self.workday),
        ):
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, widget)
        layout.addWidget(who)

        deadlines = QFrame(self)
        deadlines.setObjectName("infoBox")
        box = QVBoxLayout(deadlines)
        box.setContentsMargins(20, 14, 20, 14)
        title = QLabel("以今天为起算日的工作日期限（起算日当天不计入）", deadlines)
        title.setObjectName("boxTitle")
        box.addWidget(title)
        self.deadline_grid = QGridLayout()
        self.deadline_grid.setHorizontalSpacing(18)
        self.deadline_labels: list[QLabel] = []
        for row, (n, what) in enumerate(DEADLINE_EXAMPLES):
            self.deadline_grid.addWidget(QLabel(f"第 {n} 个工作日", deadlines), row, 0)
            value = QLabel(deadlines)
            self.deadline_labels.append(value)
            self.deadline_grid.addWidget(value, row, 1)
            note = QLabel(what, deadlines)
            note.setObjectName("hintLabel")
            self.deadline_grid.addWidget(note, row, 2)
        self.deadline_grid.setColumnStretch(3, 1)
        box.addLayout(self.deadline_grid)
        self.calendar_note = QLabel(deadlines)
        self.calendar_note.setObjectName("warningLabel")
        self.calendar_note.setWordWrap(True)
        self.calendar_note.hide()
        box.addWidget(self.calendar_note)
        layout.addWidget(deadlines)

        later = QLabel(
            "各业务模块建成后，这里将汇总显示您职责范围内的临期和逾期事项、合规指标和任务进度。",
            self,
        )
        later.setObjectName("hintLabel")
        later.setWordWrap(True)
        layout.addWidget(later)
        layout.addStretch(1)

    def page_shown(self) -> None:
        """Called by the main window on every visit: the date may have changed since."""
        self.refresh()

    def refresh(self, today: date | None = None) -> None:
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
        notes = list(dict.fromkeys(notes))
        self.calendar_note.setText("\n".join(notes))
        self.calendar_note.setVisible(bool(notes))
