"""The bureau's rules of the year above the 新闻发布与回应 tabs, in sentences
(「第三季度尚未举行新闻发布会」, 「分管领导张某某本半年尚未出席新闻发布会」 …), and the admin's list of
the 分管领导 whose half-yearly attendance is checked."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.compliance import Verdict
from gongkai_desktop.services.engagement import EngagementService
from gongkai_desktop.services.engagement_rules import EngagementEvaluation

from ..widgets import FormDialog, hint
from .engagement_list import AMBER, GREEN, RED


class RosterDialog(FormDialog):
    """The bureau's 分管领导, one name a line (whose half-yearly attendance is checked)."""

    def __init__(self, service: EngagementService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle("分管领导名单")
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint(
                "每行一位分管领导的姓名。检查“每位分管领导每半年至少出席 1 次新闻发布会”时，"
                "按此名单逐人统计；发布会登记分管领导时请填写同样的姓名。",
                self,
            )
        )
        self.names = QPlainTextEdit(self)
        self.names.setPlainText("\n".join(service.deputy_roster()))
        layout.addWidget(self.names)
        self.add_footer(layout)

    def submit(self) -> None:
        self.service.set_deputy_roster(self.names.toPlainText().splitlines())


class RuleSummary(QFrame):
    """The bureau's rules of the year in sentences: what is missed (red) or not yet done (amber)
    first, then how many are met (every result in the tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("infoBox")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text, 1)
        self.roster_button = QPushButton("分管领导名单…", self)
        layout.addWidget(self.roster_button, 0, Qt.AlignmentFlag.AlignTop)
        self.lines: list[tuple[Verdict, str]] = []

    def show_evaluation(self, ev: EngagementEvaluation) -> None:
        findings = list(ev.findings)
        self.lines = [(f.verdict, f.text) for f in findings if f.verdict is not Verdict.MET]
        met = [f.text for f in findings if f.verdict is Verdict.MET]
        opinions = [c for o in ev.opinions for c in o.checks]
        late = sum(1 for c in opinions if c.verdict is Verdict.MISSED)
        owed = sum(1 for c in opinions if c.verdict is Verdict.AT_RISK)
        if late:
            self.lines.append((Verdict.MISSED, f"政务舆情回应超时 {late} 项"))
        if owed:
            self.lines.append((Verdict.AT_RISK, f"政务舆情时限未到、尚待办理 {owed} 项"))
        parts = []
        for verdict, colour in ((Verdict.MISSED, RED), (Verdict.AT_RISK, AMBER)):
            texts = [html.escape(text) for v, text in self.lines if v is verdict]
            if texts:
                parts.append(
                    f"<span style='color:{colour}'><b>{verdict.label}：</b>{'；'.join(texts)}</span>"
                )
        if met:
            parts.append(f"<span style='color:{GREEN}'><b>达标：</b>{len(met)} 项</span>")
        if not ev.roster:
            parts.append(
                "<span style='color:#5f6670'>（未设置分管领导名单，按发布会登记的分管领导统计）</span>"
            )
        head = f"<b>{ev.year}年规则检查</b>（截至 {ev.today:%Y-%m-%d}）<br>"
        self.text.setText(head + "　　".join(parts or ["尚无可检查的内容"]))
        self.setToolTip("\n".join(f.text for f in findings))
