"""Beside the request form: the published items and documents its content may already name
(条例第三十六条第（一）项). Choosing one drafts the 告知 answer under 予以公开."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.services.published_matches import PublishedMatch, PublishedMatchService

from ..context import UiContext

log = logging.getLogger(__name__)

SHOWN = 3
DELAY_MS = 400


def match_text(m: PublishedMatch) -> str:
    when = f"{m.published_on:%Y-%m-%d}" if m.published_on else "未登记公开日期"
    number = f"　{m.doc_number}" if m.doc_number else ""
    return (
        f"{m.title}{number}\n{m.kind_label}　{when}公开　{m.channel_text}　{m.link or '（无链接）'}"
    )


class PublishedMatchesPanel(QGroupBox):
    """The best matches of the content being typed, and 「据此起草告知」."""

    chosen = Signal(object)  # the PublishedMatch to draft the answer from

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__("可能已主动公开的信息", parent)
        self.ctx = ctx
        self.matches: list[PublishedMatch] = []
        self._content = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self.search_now)
        self._build_ui()

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setMaximumHeight(112)
        self.list.setToolTip("按申请内容在公开事项和规范性文件中检索（与列表的全文检索相同）")
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.status = QLabel(self)
        self.status.setObjectName("hintLabel")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        self.draft_button = QPushButton("据此起草告知（予以公开）", self)
        self.draft_button.setEnabled(False)
        row.addWidget(self.draft_button)
        layout.addLayout(row)
        self.list.currentRowChanged.connect(
            lambda r: self.draft_button.setEnabled(0 <= r < len(self.matches))
        )
        self.list.itemDoubleClicked.connect(lambda _item: self.choose())
        self.draft_button.clicked.connect(self.choose)
        self.clear()

    def clear(self) -> None:
        self._timer.stop()
        self.matches = []
        self.list.clear()
        self.status.setText("填写申请内容后，这里列出内容相符的已公开信息。")
        self.draft_button.setEnabled(False)

    def search_later(self, content: str) -> None:
        """Look the content up once the user pauses typing."""
        self._content = content
        self._timer.start()

    def search_now(self, content: str | None = None) -> None:
        if content is not None:
            self._content = content
        self._timer.stop()
        try:
            found = PublishedMatchService(self.ctx.db, self.ctx.actor).matches(
                self._content, limit=SHOWN
            )
        except GongkaiError as exc:
            self.status.setText(str(exc))
            return
        self.matches = found
        self.list.clear()
        for m in found:
            item = QListWidgetItem(match_text(m))
            item.setData(Qt.ItemDataRole.ToolTipRole, m.link or m.title)
            self.list.addItem(item)
        if found:
            self.list.setCurrentRow(0)
            self.status.setText(f"找到 {len(found)} 条内容相符的已公开信息，第一条最相符。")
        else:
            self.status.setText("没有找到内容相符的已公开信息。")

    def choose(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.matches):
            self.chosen.emit(self.matches[row])
