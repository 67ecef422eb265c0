"""节假日: the working-day calendar's own arrangements.

The program knows the years of ``chinesecalendar``; for any other year the admin imports the
State Council notice (pasted or from a .txt file): it is parsed, shown day by day for confirmation
and only then stored. Single days can also be marked by hand (e.g. a local arrangement).
"""

from __future__ import annotations

import logging
import re
from datetime import date

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.calendar import HolidayNotice, HolidayPeriod, builtin_years, read_notice_file
from gongkai_desktop.errors import GongkaiError, ValidationError
from gongkai_desktop.notices import AMENDMENT, FESTIVALS, NOTICE
from gongkai_desktop.services.calendar import MANUAL, CalendarService, OverrideInfo

from ...context import UiContext
from ...dates import DateEdit
from ...files import ask_open_path
from ...formatting import weekday
from ...ledger.widgets import date_edit
from ...messages import confirm, show_error, show_info
from ...models import Column, RowTableModel
from ...widgets import FormDialog, RecordTable, hint
from .base import AdminTab, button_row

log = logging.getLogger(__name__)

LAST_FOLDER_KEY = "holidays/last_folder"
YEAR_MIN, YEAR_MAX = 2000, 2100

COLUMNS = (
    Column("日期", lambda o: o.day.isoformat(), lambda o: o.day.toordinal()),
    Column("星期", lambda o: weekday(o.day), lambda o: o.day.toordinal()),
    Column("安排", lambda o: "调休上班" if o.is_workday else "放假"),
    Column("名称", lambda o: o.name),
    Column("来源", lambda o: o.source_label),
)


def year_status(service: CalendarService, year: int) -> str:
    arranged = set(service.arranged_years())
    if year in arranged:
        return f"{year}年：已导入节假日安排"
    if year in builtin_years():
        return f"{year}年：使用程序内置的节假日安排"
    return f"{year}年：缺少节假日安排，该年的工作日期限无法计算，请导入通知"


class FestivalDaysDialog(FormDialog):
    """Add by hand a festival the pasted notice lacks: its days off and its make-up days."""

    def __init__(
        self, notice: HolidayNotice, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.notice = notice
        self.result_notice: HolidayNotice | None = None
        self._build_ui()

    def _build_ui(self) -> None:
        self.setWindowTitle("补充节日安排")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.festival = QComboBox(self)
        missing = self.notice.missing_festivals()
        for name in missing or FESTIVALS:
            self.festival.addItem(name)
        year = self.notice.year
        self.start = date_edit(date(year, 1, 1))
        self.end = date_edit(date(year, 1, 1))
        self.start.dateChanged.connect(
            lambda d: self.end.setDate(d) if self.end.date() < d else None
        )
        self.workdays = QLineEdit(self)
        self.workdays.setPlaceholderText("如 2027-10-09、2027-09-26；没有则留空")
        form.addRow("节日：", self.festival)
        form.addRow("放假开始：", self.start)
        form.addRow("放假结束：", self.end)
        form.addRow("调休上班日：", self.workdays)
        layout.addLayout(form)
        layout.addWidget(
            hint("按通知原文填写。补充的日期与通知一起保存，并记入审计日志。", self)
        )
        self.add_footer(layout)

    def submit(self) -> None:
        start, end = self.start.date().toPython(), self.end.date().toPython()
        if end < start:
            raise ValidationError("放假结束日期早于开始日期。")
        days: list[date] = []
        for part in re.split(r"[、,，;；\s]+", self.workdays.text().strip()):
            if not part:
                continue
            try:
                days.append(date.fromisoformat(part))
            except ValueError:
                raise ValidationError(f"「{part}」不是 YYYY-MM-DD 格式的日期。") from None
        period = HolidayPeriod(self.festival.currentText(), start, end)
        self.result_notice = self.notice.with_days(period, days)


class NoticeImportDialog(FormDialog):
    """Paste or open the notice, 解析 → preview of every holiday and make-up day, the sentences
    that made no day, and what is missing → (补充节日) → 保存."""

    def __init__(
        self, ctx: UiContext, year: int, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = settings
        self.notice: HolidayNotice | None = None
        self.source = "粘贴的通知文本"
        self.stored_days = 0
        self._build_ui(year)
        self._connect_signals()

    def service(self) -> CalendarService:
        return CalendarService(self.ctx.db, self.ctx.actor)

    def _build_ui(self, year: int) -> None:
        self.setWindowTitle("导入国务院办公厅节假日安排通知")
        self.resize(960, 640)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("年份：", self))
        self.year = QSpinBox(self)
        self.year.setRange(YEAR_MIN, YEAR_MAX)
        self.year.setValue(year)
        top.addWidget(self.year)
        top.addWidget(QLabel("通知类型：", self))
        self.kind = QComboBox(self)
        self.kind.addItem("年度节假日安排通知", NOTICE)
        self.kind.addItem("调整通知（如延长假期）", AMENDMENT)
        top.addWidget(self.kind)
        self.open_button = QPushButton("打开文本文件…", self)
        self.parse_button = QPushButton("解析", self)
        for button in (self.open_button, self.parse_button):
            button.setAutoDefault(False)
            top.addWidget(button)
        top.addStretch(1)
        layout.addLayout(top)
        layout.addWidget(
            hint(
                "把通知全文粘贴到左侧（或打开保存的 .txt 文件），点击「解析」。只有编号节日条目中的"
                "放假、调休、上班安排产生日期；其余文字列在右下方，请核对。保存只替换这份通知"
                "自己的日期，不影响其他年份的通知、调整通知和手工调整。",
                self,
            )
        )
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.text = QPlainTextEdit(splitter)
        self.text.setPlaceholderText(
            "例如：\n一、元旦：1月1日（周五）放假1天，不调休。\n"
            "二、春节：2月6日（农历除夕、周六）至2月14日（农历正月初八、周日）放假调休，共9天。"
            "2月20日（周六）上班。"
        )
        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.preview = QTableWidget(0, 4, right)
        self.preview.setHorizontalHeaderLabels(["安排", "名称", "日期", "天数"])
        self.preview.verticalHeader().setVisible(False)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        right_layout.addWidget(self.preview, 3)
        self.missing = QLabel(right)
        self.missing.setObjectName("missingFestivals")
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet("color: #b00020;")
        self.add_festival_button = QPushButton("补充节日…", right)
        self.add_festival_button.setAutoDefault(False)
        missing_row = QHBoxLayout()
        missing_row.addWidget(self.missing, 1)
        missing_row.addWidget(self.add_festival_button)
        right_layout.addLayout(missing_row)
        right_layout.addWidget(QLabel("未使用的文字（不产生任何日期）：", right))
        self.unused = QListWidget(right)
        self.unused.setWordWrap(True)
        right_layout.addWidget(self.unused, 2)
        splitter.addWidget(self.text)
        splitter.addWidget(right)
        splitter.setSizes([420, 520])
        layout.addWidget(splitter, 1)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setEnabled(False)
        self.add_footer(layout, buttons)
        self._show_missing()

    def _connect_signals(self) -> None:
        self.open_button.clicked.connect(self.open_file)
        self.parse_button.clicked.connect(self.parse)
        self.add_festival_button.clicked.connect(self.add_festival)
        self.text.textChanged.connect(self._invalidate)
        self.year.valueChanged.connect(self._invalidate)
        self.kind.currentIndexChanged.connect(self._invalidate)

    def _invalidate(self) -> None:
        if self.notice is not None:
            self.notice = None
            self.preview.setRowCount(0)
            self.unused.clear()
            self.summary.clear()
        self._show_missing()
        self.save_button.setEnabled(False)

    def open_file(self) -> None:
        path = ask_open_path(
            self, self.settings, LAST_FOLDER_KEY, "打开通知文本", "文本文件 (*.txt);;所有文件 (*)"
        )
        if path is None:
            return
        try:
            text = read_notice_file(path)
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return
        self.text.setPlainText(text)
        self.source = path.name
        self.parse()

    def parse(self) -> None:
        self._invalidate()
        text = self.text.toPlainText()
        if not text.strip():
            self.error.show_message("请先粘贴通知全文或打开通知文本文件。")
            return
        try:
            if self.kind.currentData() == AMENDMENT:
                notice = self.service().preview_amendment(text, self.year.value())
            else:
                notice = self.service().preview_notice(text, self.year.value())
        except ValidationError as exc:
            self.error.show_message(str(exc))
            return
        self.error.clear_message()
        self._set_notice(notice)

    def _set_notice(self, notice: HolidayNotice) -> None:
        self.notice = notice
        self._show_preview(notice)
        self.unused.clear()
        self.unused.addItems(list(notice.unused))
        self._show_missing()
        self.save_button.setEnabled(not notice.missing_festivals())

    def _show_missing(self) -> None:
        missing = self.notice.missing_festivals() if self.notice is not None else ()
        if missing:
            self.missing.setText(
                f"通知缺少以下节日的安排，不能保存：{'、'.join(missing)}。"
                "请粘贴通知全文，或点击「补充节日…」按通知原文手工补充。"
            )
        else:
            self.missing.clear()
        self.missing.setVisible(bool(missing))
        self.add_festival_button.setVisible(bool(missing))

    def add_festival(self) -> None:
        if self.notice is None:
            return
        dialog = FestivalDaysDialog(self.notice, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_notice is not None:
            self._set_notice(dialog.result_notice)

    def _show_preview(self, notice: HolidayNotice) -> None:
        rows: list[tuple[str, str, str, str]] = []
        for period in notice.holidays:
            days = (period.end - period.start).days + 1
            when = (
                f"{period.start.isoformat()}（{weekday(period.start)}）"
                if period.start == period.end
                else f"{period.start.isoformat()}（{weekday(period.start)}）至 "
                f"{period.end.isoformat()}（{weekday(period.end)}）"
            )
            rows.append(("放假", period.name, when, str(days)))
        for d in notice.workdays:
            rows.append(("调休上班", "", f"{d.isoformat()}（{weekday(d)}）", "1"))
        self.preview.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.preview.setItem(r, c, item)
        self.preview.resizeColumnsToContents()
        by_hand = f"其中手工补充 {len(notice.by_hand)} 项。" if notice.by_hand else ""
        self.summary.setText(
            f"识别出 {len(notice.holidays)} 个节日、共 {sum(len(p.dates()) for p in notice.holidays)} 天放假，"
            f"{len(notice.workdays)} 个调休上班日；{len(notice.unused)} 句文字未使用。{by_hand}请核对后保存。"
        )

    def accept(self) -> None:
        if self.notice is None:
            self.parse()
            return
        super().accept()

    def submit(self) -> None:
        assert self.notice is not None
        self.stored_days = self.service().store_notice(self.notice, self.source)


class OverrideDialog(FormDialog):
    """Mark one day as a holiday or a make-up working day by hand."""

    def __init__(self, ctx: UiContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._build_ui(year)

    def _build_ui(self, year: int) -> None:
        self.setWindowTitle("新增日期调整")
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        today = date.today()
        self.day = DateEdit(today if today.year == year else date(year, 1, 1), self)
        self.kind = QComboBox(self)
        self.kind.addItem("放假（不是工作日）", False)
        self.kind.addItem("调休上班（是工作日）", True)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("例如：春节")
        self.name.setMaxLength(32)
        form.addRow("日期：", self.day)
        form.addRow("安排：", self.kind)
        form.addRow("名称：", self.name)
        layout.addLayout(form)
        self.add_footer(layout)

    def submit(self) -> None:
        day = self.day.value()
        is_workday = bool(self.kind.currentData())
        name = self.name.text().strip() or ("调休上班" if is_workday else "")
        CalendarService(self.ctx.db, self.ctx.actor).set_override(day, is_workday, name)


class HolidaysTab(AdminTab):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._build_ui()
        self._connect_signals()

    def service(self) -> CalendarService:
        return CalendarService(self.ctx.db, self.ctx.actor)

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("年份：", self))
        self.year = QSpinBox(self)
        self.year.setRange(YEAR_MIN, YEAR_MAX)
        self.year.setValue(date.today().year)
        top.addWidget(self.year)
        self.status = QLabel(self)
        self.status.setObjectName("yearStatus")
        top.addWidget(self.status, 1)
        layout.addLayout(top)

        self.import_button = QPushButton("导入通知…", self)
        self.add_button = QPushButton("新增调整…", self)
        self.remove_button = QPushButton("删除调整", self)
        layout.addLayout(button_row(self.import_button, self.add_button, self.remove_button))

        body = QHBoxLayout()
        self.model = RowTableModel(COLUMNS, parent=self)
        self.table = RecordTable(self.model, self)
        body.addWidget(self.table, 3)
        years_box = QGroupBox("已导入安排的年份", self)
        years_layout = QVBoxLayout(years_box)
        self.years = QListWidget(years_box)
        years_layout.addWidget(self.years)
        builtin = sorted(builtin_years())
        years_layout.addWidget(
            hint(
                f"程序内置 {builtin[0]}–{builtin[-1]} 年的安排（chinesecalendar）。"
                "双击年份可查看该年的调整。"
                if builtin
                else "程序没有内置的节假日数据。",
                years_box,
            )
        )
        body.addWidget(years_box, 1)
        layout.addLayout(body, 1)
        layout.addWidget(
            hint(
                "左表列出本年在数据库中的安排及来源：手工调整优先于调整通知，调整通知优先于年度通知，"
                "它们都优先于内置数据。"
                "工作日期限遇到缺少安排的年份时会提示，而不会按普通周末计算。",
                self,
            )
        )
        self._update_buttons()

    def _connect_signals(self) -> None:
        self.year.valueChanged.connect(self.reload)
        self.import_button.clicked.connect(self.import_notice)
        self.add_button.clicked.connect(self.add_override)
        self.remove_button.clicked.connect(self.remove_override)
        self.years.itemDoubleClicked.connect(lambda item: self.year.setValue(int(item.text()[:4])))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

    def tab_shown(self) -> None:
        self.reload()

    def reload(self) -> None:
        service = self.service()
        year = self.year.value()
        try:
            overrides: list[OverrideInfo] = service.overrides(year)
            arranged = service.arranged_years()
            self.status.setText(year_status(service, year))
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.model.set_rows(overrides)
        self.table.fit_columns({0: 110, 1: 70, 2: 90})
        self.years.clear()
        for y in arranged:
            self.years.addItem(f"{y}年")
        self._update_buttons()

    def _update_buttons(self) -> None:
        current: OverrideInfo | None = self.table.selected()
        # Days of a notice change only by importing it again; only hand-made marks are removed.
        self.remove_button.setEnabled(current is not None and current.source == MANUAL)

    def import_notice(self) -> None:
        dialog = NoticeImportDialog(self.ctx, self.year.value(), self.ctx.settings, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.notice is not None:
            year = dialog.notice.year
            what = "调整通知" if dialog.notice.kind == AMENDMENT else "节假日安排"
            show_info(self, f"已保存{year}年的{what}（{dialog.stored_days} 天）。")
            if self.year.value() != year:
                self.year.setValue(year)  # reloads
                return
        self.reload()

    def add_override(self) -> None:
        OverrideDialog(self.ctx, self.year.value(), self).exec()
        self.reload()

    def remove_override(self) -> None:
        current: OverrideInfo | None = self.table.selected()
        if current is None or current.source != MANUAL:
            return
        what = "调休上班" if current.is_workday else "放假"
        if not confirm(
            self,
            f"删除 {current.day.isoformat()} 的调整（{what}）？删除后该日按内置数据或普通周末计算。",
        ):
            return
        try:
            self.service().set_override(current.day, None)
        except GongkaiError as exc:
            show_error(self, exc)
        self.reload()
