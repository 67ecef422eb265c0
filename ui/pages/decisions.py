"""决策与征求意见: the list of decisions with what the rules find (SPEC §8); each opens in
``DecisionDialog`` (``decision_dialog``), whose consultations open in ``ConsultationDialog``.

A liaison records the decisions of their own division; the admin all; leaders read. The services
enforce it; the page only hides what cannot work.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from gongkai_desktop.domain.decisions import DecisionType
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.services.decisions import DecisionQuery, DecisionRow, DecisionService

from ..context import UiContext
from ..formatting import short_date
from ..messages import show_error
from ..models import Column
from .checked_records import CheckedRecordsPage, FindingsTableModel, check_text, kind_menu
from .decision_dialog import DecisionDialog

log = logging.getLogger(__name__)


def _type_text(row: DecisionRow) -> str:
    extra = [
        word for flag, word in ((row.rule_level, "规章"), (row.market_related, "涉企")) if flag
    ]
    return row.decision_type.label + (f"（{'、'.join(extra)}）" if extra else "")


def _consultations_text(row: DecisionRow) -> str:
    if not row.consultation_count:
        return "未征求"
    _start, end = row.latest_consultation or (None, None)
    latest = f"，截至 {short_date(end)}" if end else ""
    return f"{row.consultation_count} 次{latest}"


def _consultations_tooltip(row: DecisionRow) -> str:
    start, end = row.latest_consultation or (None, None)
    if not start or not end:
        return ""
    return f"最近一次征求意见：{short_date(start)}至{short_date(end)}；{row.minimum_period or '无期限要求'}"


def _results_text(row: DecisionRow) -> str:
    if not row.consultation_count:
        return ""
    return f"{row.results_published}/{row.consultation_count}"


COLUMNS = (
    Column("决策事项", lambda r: r.title),
    Column("类型", _type_text),
    Column("文号", lambda r: r.document_number),
    Column("处室", lambda r: r.division_name),
    Column("集体讨论决定", lambda r: short_date(r.collective_on), lambda r: r.collective_on),
    Column(
        "征求意见",
        _consultations_text,
        lambda r: r.latest_consultation,
        tooltip=_consultations_tooltip,
    ),
    Column(
        "采纳情况公开",
        _results_text,
        lambda r: (r.results_published, r.consultation_count),
        Qt.AlignmentFlag.AlignCenter,
    ),
    Column("合规检查", check_text, tooltip=check_text),
)
CHECK_COLUMN = 7
# Widths that leave the check column (stretched to the rest) readable at 1366×768.
LIST_WIDTHS = {0: 230, 1: 100, 2: 140, 3: 84, 4: 96, 5: 160, 6: 90, CHECK_COLUMN: 240}


class DecisionTableModel(FindingsTableModel):
    check_column = CHECK_COLUMN


class DecisionsPage(CheckedRecordsPage):
    search_hint = "搜索决策事项、文号、备注"
    new_text = "新建决策…"
    empty_text = "尚无决策记录。点击「新建决策…」登记一项重大行政决策。"
    list_widths = LIST_WIDTHS

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, DecisionService(ctx.db, ctx.actor), parent)
        self.new_button.clicked.connect(self.new_decision)

    def _build_filters(self) -> tuple[tuple[str, QComboBox], QCheckBox]:
        self.decision_type = kind_menu(self, DecisionType)
        self.with_problems = QCheckBox("只看有问题", self)
        self.with_problems.setToolTip("违反规则或采纳情况待公开的决策")
        return ("类型：", self.decision_type), self.with_problems

    def _make_model(self) -> DecisionTableModel:
        return DecisionTableModel(COLUMNS, parent=self)

    def check_line_text(self, row: DecisionRow) -> str:
        return f"{row.title}：{check_text(row)}"

    def query(self) -> DecisionQuery:
        kind = self.decision_type.currentData()
        return DecisionQuery(
            year=self.year.currentData(),
            division_id=self.division.currentData(),
            decision_type=DecisionType(kind) if kind else None,
            with_problems=self.with_problems.isChecked(),
            text=self.search.text().strip(),
        )

    def load(self) -> tuple[list[DecisionRow], str]:
        rows = self.service.list_decisions(self.query())
        rules = self.service.rules()
        problems = sum(1 for r in rows if r.problems)
        due = sum(1 for r in rows if r.warnings and not r.problems)
        summary = (
            f"共 {len(rows)} 项，违反规则 {problems} 项，采纳情况待公开 {due} 项"
            f"（重大行政决策和规章征求意见不少于 {rules.major_days} 日，规范性文件不少于 "
            f"{rules.normative_workdays} 个工作日、涉及市场主体的不少于 {rules.market_days} 日；"
            f"采纳情况在截止后 {rules.result_workdays} 个工作日内公开）"
        )
        return rows, summary

    # -- actions ----------------------------------------------------------------------------
    def _open_dialog(self, decision_id: int | None) -> DecisionDialog | None:
        try:
            dialog = DecisionDialog(self.ctx, self.service, decision_id, self)
        except GongkaiError as exc:
            show_error(self, exc)
            self.refresh()
            return None
        dialog.restore_geometry()
        dialog.exec()
        self.refresh()
        if dialog.detail is not None:
            decision_id = dialog.detail.row.id
            self.table.select_where(lambda r: r.id == decision_id)
        return dialog

    def new_decision(self) -> None:
        if self.ctx.actor.role is Role.LEADER:
            return
        self._open_dialog(None)

    def open_selected(self) -> None:
        row = self.table.selected()
        if row is not None:
            self._open_dialog(row.id)

    def delete_question(self, row: DecisionRow) -> str | None:
        if not row.editable:
            return None
        extra = f"及其 {row.consultation_count} 次征求意见记录" if row.consultation_count else ""
        return f"确定删除决策「{row.title}」{extra}吗？删除会记入审计日志。"
