"""The policy document beside an interpretation being drafted (SPEC §7), read-only, in three tabs:
its text (a passage selected there can be quoted into the interpretation), the difference from
the previous version of the policy side by side, and the terms the document puts in 「」 or “”
for 关键词诠释.

The difference of the old and new version is computed once per pair of texts: saving or
reloading the record does not compute it again.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.policy_diff import DiffRow, compare_versions, diff_summary
from gongkai_desktop.services.interpretations import InterpretationDetail

log = logging.getLogger(__name__)

DIFF_COLOURS = {"changed": "#fff4d6", "added": "#e3f4e1", "removed": "#fbe3e1", "same": "#ffffff"}
DIFF_MARK = "#f5c451"
DOCUMENT_TAB, DIFF_TAB = 0, 1  # the tabs an import shows


def paragraphs_html(paragraphs: tuple[str, ...]) -> str:
    """The document's paragraphs as readable HTML (first-line indent, as printed)."""
    if not paragraphs:
        return "<p style='color:#7f8c8d'>尚未导入政策文件。点击上方“导入政策文件…”，选择 .docx、.pdf 或 .txt 文件。</p>"
    body = "".join(
        f"<p style='text-indent:2em; margin:0 0 6px 0; line-height:150%'>{html.escape(p)}</p>"
        for p in paragraphs
    )
    return f"<div style='font-size:11pt'>{body}</div>"


def _marked(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    parts, last = [], 0
    for start, end in spans:
        parts.append(html.escape(text[last:start]))
        parts.append(f"<span style='background:{DIFF_MARK}'>{html.escape(text[start:end])}</span>")
        last = end
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def diff_html(rows: list[DiffRow]) -> str:
    """Old and new version side by side; changed characters marked."""
    labels = {"changed": "修改", "added": "新增", "removed": "删除", "same": ""}
    lines = [
        "<table width='100%' cellspacing='0' cellpadding='4' style='border-collapse:collapse'>",
        "<tr><th width='8%'></th><th width='46%' align='left'>旧版本</th>"
        "<th width='46%' align='left'>新版本</th></tr>",
    ]
    for row in rows:
        colour = DIFF_COLOURS.get(row.kind, "#ffffff")
        lines.append(
            f"<tr style='background:{colour}'><td valign='top' style='color:#5f6368' nowrap>"
            f"{labels.get(row.kind, '')}</td>"
            f"<td valign='top'>{_marked(row.old, row.old_spans)}</td>"
            f"<td valign='top'>{_marked(row.new, row.new_spans)}</td></tr>"
        )
    lines.append("</table>")
    return "".join(lines)


class PolicyTextTabs(QTabWidget):
    """政策文件原文, 新旧版本对比 and 关键词 of the interpretation shown by :meth:`show_policy`.

    The buttons that change the interpretation (导入…, 引用选中文字, 差异要点写入…, 加入关键词诠释)
    are the workbench's to connect; without ``editable`` they are hidden or stay disabled.
    """

    def __init__(self, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editable = editable
        self.diff_rows: list[DiffRow] = []
        self._diff_key: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        self._shown_document: tuple[str, ...] | None = None
        self._build_ui()
        self.document_view.selectionChanged.connect(self._on_document_selection)
        for button in (
            self.import_document_button,
            self.import_previous_button,
            self.outline_button,
            self.add_term_button,
        ):
            button.setVisible(editable)

    def _build_ui(self) -> None:
        # 政策文件
        page = QWidget(self)
        box = QVBoxLayout(page)
        box.setContentsMargins(4, 6, 4, 4)
        bar = QHBoxLayout()
        self.import_document_button = QPushButton("导入政策文件…", page)
        self.document_file = QLabel(page)
        self.document_file.setObjectName("hintLabel")
        self.quote_button = QPushButton("引用选中文字", page)
        self.quote_button.setToolTip("把左侧选中的原文引用到右侧正在编辑的栏目（Ctrl+Shift+Q）")
        self.quote_button.setEnabled(False)
        bar.addWidget(self.import_document_button)
        bar.addWidget(self.document_file, 1)
        bar.addWidget(self.quote_button)
        box.addLayout(bar)
        self.document_view = QTextBrowser(page)
        self.document_view.setOpenLinks(False)
        box.addWidget(self.document_view, 1)
        self.addTab(page, "政策文件原文")
        # 新旧对比
        page = QWidget(self)
        box = QVBoxLayout(page)
        box.setContentsMargins(4, 6, 4, 4)
        bar = QHBoxLayout()
        self.import_previous_button = QPushButton("导入旧版本…", page)
        self.diff_summary = QLabel(page)
        self.diff_summary.setObjectName("hintLabel")
        self.diff_summary.setWordWrap(True)
        self.outline_button = QPushButton("差异要点写入「新旧政策差异」", page)
        bar.addWidget(self.import_previous_button)
        bar.addWidget(self.diff_summary, 1)
        bar.addWidget(self.outline_button)
        box.addLayout(bar)
        self.diff_view = QTextBrowser(page)
        box.addWidget(self.diff_view, 1)
        self.addTab(page, "新旧版本对比")
        # 关键词
        page = QWidget(self)
        box = QVBoxLayout(page)
        box.setContentsMargins(4, 6, 4, 4)
        hint = QLabel("原文中用「」或“”标出的词语，可双击加入「关键词诠释」栏目：", page)
        hint.setWordWrap(True)
        box.addWidget(hint)
        self.terms = QListWidget(page)
        box.addWidget(self.terms, 1)
        self.add_term_button = QPushButton("加入关键词诠释", page)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add_term_button)
        box.addLayout(row)
        self.addTab(page, "关键词")

    def show_policy(self, detail: InterpretationDetail) -> None:
        """The policy texts of ``detail``; the document's HTML is rebuilt only when its text
        changed."""
        if detail.document_text != self._shown_document:
            self.document_view.setHtml(paragraphs_html(detail.document_text))
            self._shown_document = detail.document_text
        self.document_file.setText(detail.document_file or "（未导入）")
        self._show_diff(detail)
        self.terms.clear()
        self.terms.addItems(list(detail.terms))

    def _show_diff(self, detail: InterpretationDetail) -> None:
        """The old/new view; the difference is computed once per pair of texts (saving or
        reloading the record does not compute it again)."""
        if not detail.previous_text:
            self.diff_summary.setText("导入政策的旧版本后，这里并排显示新旧两版的差异。")
            self.diff_view.setHtml("")
            self.outline_button.setEnabled(False)
            self.diff_rows = []
            self._diff_key = None
            return
        key = (detail.previous_text, detail.document_text)
        if key != self._diff_key:
            self.diff_rows = compare_versions(detail.previous_text, detail.document_text)
            self._diff_key = key
            self.diff_view.setHtml(diff_html(self.diff_rows))
        self.diff_summary.setText(f"旧版本：{detail.previous_file}。{diff_summary(self.diff_rows)}")
        self.outline_button.setEnabled(self.editable and bool(detail.document_text))

    def _on_document_selection(self) -> None:
        self.quote_button.setEnabled(
            self.editable and self.document_view.textCursor().hasSelection()
        )

    def selected_passage(self) -> str:
        """The passage selected in the document, its paragraphs joined on one line."""
        selected = self.document_view.textCursor().selectedText()
        # Qt marks paragraph breaks inside a selection with U+2029.
        return " ".join(part.strip() for part in selected.split("\u2029") if part.strip())

    def selected_term(self) -> str | None:
        item = self.terms.currentItem()
        return item.text() if item is not None else None
