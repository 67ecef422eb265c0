"""The 政策解读 workbench: the policy document read-only on the left, the interpretation drafted on
the right (SPEC §7).

Left: the document's text (select a passage and quote it into the section being written), the
difference from the previous version of the policy side by side, and the terms the document puts
in 「」 or “” for 关键词诠释. Right: the interpretation's particulars, its dates with the
synchronisation check, and the ten sections.

While the user types in any field, the whole form is saved as a private draft every few seconds
(``AUTOSAVE_IDLE_MS`` after the last change, at least every ``AUTOSAVE_MAX_MS``), with the version
of the record it was typed on: a crash loses seconds, not the morning. Opening the interpretation
again offers that draft when it differs from what is stored: plainly when the record is still at
that version, as a conflict (both versions side by side, the user decides) when someone saved
since. 保存 stores the record (version-checked, audited) and drops the draft. A record deleted
elsewhere cannot be saved; what was typed can then be exported to a text file.

Reading a policy document runs on the worker with a progress dialog, so a long PDF does not
freeze the window; the difference of the old and new version is computed once per pair of texts.
"""

from __future__ import annotations

import html
import logging
import re
from datetime import date, datetime

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.interpretation import (
    INTERPRETATION_FIELD_LABELS,
    InterpretationFields,
    InterpretationForm,
    InterpretationSection,
    InterpreterRole,
    sync_problems,
)
from gongkai_desktop.domain.policy_diff import (
    DiffRow,
    changes_outline,
    compare_versions,
    diff_summary,
)
from gongkai_desktop.errors import Cancelled, ConflictError, GongkaiError, NotFound
from gongkai_desktop.fileio import atomic_path
from gongkai_desktop.services.calendar import calendar_of
from gongkai_desktop.services.interpretations import (
    InterpretationDetail,
    InterpretationDraft,
    InterpretationService,
)

from ..conflict import Choice, resolve_conflict, stored_version
from ..context import UiContext
from ..dates import check_dates
from ..files import ask_open_path, ask_save_path
from ..fit import FitsOnScreen
from ..formatting import local_time
from ..messages import ask_save_changes, show_error, show_info
from ..widgets import ErrorLabel, IssueDate
from ..worker import run_with_progress
from .requests_form import DateField

log = logging.getLogger(__name__)

AUTOSAVE_IDLE_MS = 3_000
AUTOSAVE_MAX_MS = 10_000
FOLDER_KEY = "interpretations/last_dir"
POLICY_FILES = "政策文件 (*.docx *.pdf *.txt);;所有文件 (*)"
_FILLED = "●"
_EMPTY = "○"
DIFF_COLOURS = {"changed": "#fff4d6", "added": "#e3f4e1", "removed": "#fbe3e1", "same": "#ffffff"}
DIFF_MARK = "#f5c451"
TEXT_FILES = "文本文件 (*.txt)"
# Characters Windows does not allow in file names (and control characters).
_ILLEGAL_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_file_name(name: str, fallback: str = "政策解读") -> str:
    """``name`` usable as a file name on Windows: each forbidden character becomes "_", the
    trailing dots and spaces Windows would drop are dropped, and it is kept short."""
    cleaned = _ILLEGAL_IN_NAMES.sub("_", " ".join(name.split()))[:100].rstrip(". ")
    return cleaned or fallback


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


class InterpretationWorkbench(FitsOnScreen, QWidget):
    """One interpretation open for drafting, in its own window."""

    saved = Signal(int)  # interpretation id, after 保存
    closed = Signal(int)

    def __init__(self, ctx: UiContext, interpretation_id: int, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.service = InterpretationService(ctx.db, ctx.actor, ctx.app.paths.attachments_dir)
        self.interpretation_id = interpretation_id
        self.detail: InterpretationDetail = self.service.get(interpretation_id)
        self.calendar = calendar_of(ctx.db)
        self.tolerance = self.service.sync_tolerance()
        self.editable = self.detail.row.editable
        # The version of the record the form is being typed on: what 保存 checks against and
        # what an autosaved draft says it was typed on.
        self.base_version = self.detail.row.version
        self.dirty = False
        self._draft_dirty = False  # changed since the last autosave
        self._loading = False
        self.diff_rows: list[DiffRow] = []
        self._diff_key: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        self._shown_document: tuple[str, ...] | None = None
        self.since_autosave = QElapsedTimer()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_IDLE_MS)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumSize(1000, 640)
        self._build_ui()
        self._connect_signals()
        self._load(self.detail)
        self._offer_draft()
        self._restore_layout()

    # -- layout -----------------------------------------------------------------------------
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        self.heading = QLabel(self)
        self.heading.setObjectName("sectionTitle")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self._build_source())
        self.splitter.addWidget(self._build_draft())
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        layout.addWidget(self.splitter, 1)
        bottom = QHBoxLayout()
        self.autosave_label = QLabel(self)
        self.autosave_label.setObjectName("hintLabel")
        bottom.addWidget(self.autosave_label, 1)
        self.export_button = QPushButton("导出 Word…", self)
        self.save_button = QPushButton("保存", self)
        self.save_button.setDefault(True)
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.close_button = QPushButton("关闭", self)
        self.issue_date = IssueDate(self)
        bottom.addWidget(self.issue_date)
        for button in (self.export_button, self.save_button, self.close_button):
            bottom.addWidget(button)
        layout.addLayout(bottom)
        self.save_button.setVisible(self.editable)

    def _build_source(self) -> QWidget:
        self.source_tabs = QTabWidget(self)
        # 政策文件
        page = QWidget(self.source_tabs)
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
        self.source_tabs.addTab(page, "政策文件原文")
        # 新旧对比
        page = QWidget(self.source_tabs)
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
        self.source_tabs.addTab(page, "新旧版本对比")
        # 关键词
        page = QWidget(self.source_tabs)
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
        self.source_tabs.addTab(page, "关键词")
        return self.source_tabs

    def _build_draft(self) -> QWidget:
        right = QWidget(self)
        box = QVBoxLayout(right)
        box.setContentsMargins(6, 0, 0, 0)
        self.draft_tabs = QTabWidget(right)

        # 解读内容: the ten sections
        content = QWidget(self.draft_tabs)
        row = QHBoxLayout(content)
        row.setContentsMargins(4, 6, 4, 4)
        self.section_list = QListWidget(content)
        self.section_list.setMaximumWidth(190)
        self.section_stack = QStackedWidget(content)
        self.section_edits: dict[str, QPlainTextEdit] = {}
        for section in InterpretationSection:
            item = QListWidgetItem(f"{_EMPTY} {section.label}", self.section_list)
            item.setData(Qt.ItemDataRole.UserRole, section.value)
            edit = QPlainTextEdit(self.section_stack)
            edit.setPlaceholderText(f"在此撰写「{section.label}」……")
            edit.setReadOnly(not self.editable)
            self.section_edits[section.value] = edit
            self.section_stack.addWidget(edit)
        row.addWidget(self.section_list)
        row.addWidget(self.section_stack, 1)
        self.draft_tabs.addTab(content, "解读内容")

        # 基本信息
        scroll = QScrollArea(self.draft_tabs)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        info = QWidget(scroll)
        outer = QVBoxLayout(info)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        self.title = QLineEdit(info)
        self.document_title = QLineEdit(info)
        self.document_number = QLineEdit(info)
        self.document_number.setPlaceholderText("如：赣乡振规〔2021〕1号")
        forms_box = QWidget(info)
        grid = QGridLayout(forms_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.form_checks: dict[str, QCheckBox] = {}
        for i, option in enumerate(InterpretationForm):
            check = QCheckBox(option.label, forms_box)
            self.form_checks[option.value] = check
            grid.addWidget(check, i // 4, i % 4)
        self.interpreter_role = QComboBox(info)
        self.interpreter_role.addItem("（未填）", None)
        for role in InterpreterRole:
            self.interpreter_role.addItem(role.label, role.value)
        self.interpreter = QLineEdit(info)
        self.document_approved_on = DateField(parent=info)
        self.approved_on = DateField(parent=info)
        self.document_published_on = DateField(parent=info)
        self.published_on = DateField(parent=info)
        self.link = QLineEdit(info)
        self.notes = QPlainTextEdit(info)
        self.notes.setMaximumHeight(70)
        labels = INTERPRETATION_FIELD_LABELS
        for key, widget in (
            ("title", self.title),
            ("document_title", self.document_title),
            ("document_number", self.document_number),
            ("forms", forms_box),
            ("interpreter_role", self.interpreter_role),
            ("interpreter", self.interpreter),
            ("document_approved_on", self.document_approved_on),
            ("approved_on", self.approved_on),
            ("document_published_on", self.document_published_on),
            ("published_on", self.published_on),
            ("link", self.link),
            ("notes", self.notes),
        ):
            form.addRow(f"{labels[key]}：", widget)
        scroll.setWidget(info)
        self.draft_tabs.addTab(scroll, "基本信息和日期")
        box.addWidget(self.draft_tabs, 1)

        self.sync_label = QLabel(right)
        self.sync_label.setWordWrap(True)
        box.addWidget(self.sync_label)
        self.error = ErrorLabel(right)
        box.addWidget(self.error)
        for widget in (
            self.title,
            self.document_title,
            self.document_number,
            self.interpreter,
            self.link,
        ):
            widget.setReadOnly(not self.editable)
        self.notes.setReadOnly(not self.editable)
        for widget in (
            *self.form_checks.values(),
            self.interpreter_role,
            self.document_approved_on,
            self.approved_on,
            self.document_published_on,
            self.published_on,
        ):
            widget.setEnabled(self.editable)
        for button in (
            self.import_document_button,
            self.import_previous_button,
            self.outline_button,
            self.add_term_button,
        ):
            button.setVisible(self.editable)
        return right

    def _connect_signals(self) -> None:
        self.section_list.currentRowChanged.connect(self.section_stack.setCurrentIndex)
        for edit in self.section_edits.values():
            edit.textChanged.connect(self._on_section_edited)
        for line in (self.title, self.document_title, self.document_number, self.interpreter):
            line.textEdited.connect(self._on_edited)
        self.link.textEdited.connect(self._on_edited)
        self.notes.textChanged.connect(self._on_edited)
        for check in self.form_checks.values():
            check.toggled.connect(self._on_edited)
        self.interpreter_role.currentIndexChanged.connect(self._on_edited)
        for field in (
            self.document_approved_on,
            self.approved_on,
            self.document_published_on,
            self.published_on,
        ):
            field.changed.connect(self._on_edited)
        self.document_view.selectionChanged.connect(self._on_document_selection)
        self.quote_button.clicked.connect(self.quote_selection)
        self.import_document_button.clicked.connect(lambda: self.import_document(previous=False))
        self.import_previous_button.clicked.connect(lambda: self.import_document(previous=True))
        self.outline_button.clicked.connect(self.write_outline)
        self.add_term_button.clicked.connect(self.add_selected_term)
        self.terms.itemDoubleClicked.connect(lambda _item: self.add_selected_term())
        self.autosave_timer.timeout.connect(self.autosave)
        self.save_button.clicked.connect(self.save)
        self.export_button.clicked.connect(self.export_word)
        self.close_button.clicked.connect(self.close)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+Shift+Q"), self, activated=self.quote_selection)

    # -- loading ----------------------------------------------------------------------------
    def _load(self, detail: InterpretationDetail) -> None:
        self._loading = True
        try:
            self.detail = detail
            self.base_version = detail.row.version
            row, fields = detail.row, detail.fields
            self.setWindowTitle(f"政策解读工作台 — {fields.title}")
            self.heading.setText(
                f"{html.escape(fields.title)}　<span style='color:#5f6368;font-weight:normal'>"
                f"{html.escape(row.division_name)}　{row.status.label}"
                + ("" if self.editable else "　（只读）")
                + "</span>"
            )
            self._apply_fields(fields)
            if detail.document_text != self._shown_document:
                self.document_view.setHtml(paragraphs_html(detail.document_text))
                self._shown_document = detail.document_text
            self.document_file.setText(detail.document_file or "（未导入）")
            self._show_diff()
            self.terms.clear()
            self.terms.addItems(list(detail.terms))
            if self.section_list.currentRow() < 0:
                self.section_list.setCurrentRow(0)
        finally:
            self._loading = False
        self.dirty = False
        self._draft_dirty = False
        self._update_sync()
        self._mark_sections()
        self.autosave_label.setText("" if self.editable else "只读：您不能修改其他处室的解读。")

    def _apply_fields(self, fields: InterpretationFields) -> None:
        """Show ``fields`` in the form (the caller holds ``_loading``)."""
        self.title.setText(fields.title)
        self.document_title.setText(fields.document_title)
        self.document_number.setText(fields.document_number)
        for value, check in self.form_checks.items():
            check.setChecked(value in fields.forms)
        index = self.interpreter_role.findData(fields.interpreter_role)
        self.interpreter_role.setCurrentIndex(max(index, 0))
        self.interpreter.setText(fields.interpreter)
        self.document_approved_on.set_value(fields.document_approved_on)
        self.approved_on.set_value(fields.approved_on)
        self.document_published_on.set_value(fields.document_published_on)
        self.published_on.set_value(fields.published_on)
        self.link.setText(fields.link)
        self.notes.setPlainText(fields.notes)
        self._set_sections(fields.sections)

    def _set_sections(self, sections: dict[str, str] | object) -> None:
        texts = dict(sections)  # type: ignore[call-overload]
        for key, edit in self.section_edits.items():
            edit.setPlainText(texts.get(key, ""))

    def _show_diff(self) -> None:
        """The old/new view; the difference is computed once per pair of texts (saving or
        reloading the record does not compute it again)."""
        detail = self.detail
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

    def _offer_draft(self) -> None:
        """Offer the user's autosaved draft back: to restore when it was typed on the version
        stored now, as a conflict with the stored version when someone saved since."""
        if not self.editable:
            return
        try:
            draft = self.service.draft(self.interpretation_id)
        except GongkaiError as exc:
            log.warning("draft not read: %s", exc)
            return
        if draft is None:
            return
        if draft.base_version != self.detail.row.version:
            self._draft_conflict(draft)
            return
        answer = QMessageBox.question(
            self,
            "恢复草稿",
            f"发现 {local_time(draft.saved_at, seconds=True)} 自动保存的解读草稿，"
            "与已保存的内容不同。\n是否恢复该草稿？（选择“否”将丢弃草稿）",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._restore(draft.fields, draft.base_version)
            self.autosave_label.setText(
                f"已恢复 {local_time(draft.saved_at, seconds=True)[11:]} 的草稿，尚未保存。"
            )
        else:
            self._discard_draft()

    def _draft_conflict(self, draft: InterpretationDraft) -> None:
        """The draft was typed on an older version: show it beside the stored one. Keeping it
        saves it over the current version; taking the stored one discards it; going back to
        editing shows the draft, still on its old version (保存 asks again)."""
        mine = draft.fields

        def keep_mine(version: int) -> None:
            self._restore(mine, version)
            self._store(mine, version)

        choice = resolve_conflict(
            self,
            self.detail.row.version,
            _conflict_labels(),
            _texts(mine),
            _texts(self.detail.fields),
            keep_mine,
            self._discard_draft,
        )
        if choice is Choice.UNDECIDED:
            self._restore(mine, draft.base_version)
            self.autosave_label.setText(
                "已恢复自动保存的草稿；它基于旧版本，他人已保存过新的内容，保存时将再次请您选择。"
            )

    def _restore(self, fields: InterpretationFields, base_version: int) -> None:
        """Show a draft's fields, typed on ``base_version``, as unsaved work."""
        self._loading = True
        try:
            self._apply_fields(fields)
        finally:
            self._loading = False
        self.base_version = base_version
        self.dirty = True
        self._mark_sections()
        self._update_sync()

    def _discard_draft(self) -> None:
        try:
            self.service.discard_draft(self.interpretation_id)
        except GongkaiError as exc:
            log.warning("draft not discarded: %s", exc)

    # -- editing ----------------------------------------------------------------------------
    def _on_edited(self, *_args: object) -> None:
        if self._loading:
            return
        self.dirty = True
        self._update_sync()
        self._schedule_autosave()

    def _on_section_edited(self) -> None:
        if self._loading:
            return
        self.dirty = True
        self._mark_sections()
        self._schedule_autosave()

    def _schedule_autosave(self) -> None:
        """Autosave ``AUTOSAVE_IDLE_MS`` after the last change, and at least every
        ``AUTOSAVE_MAX_MS`` while the user keeps typing."""
        self._draft_dirty = True
        if not self.since_autosave.isValid():
            self.since_autosave.start()
        if self.since_autosave.elapsed() >= AUTOSAVE_MAX_MS:
            self.autosave()
        else:
            self.autosave_timer.start()

    def _mark_sections(self) -> None:
        for row in range(self.section_list.count()):
            item = self.section_list.item(row)
            section = InterpretationSection(item.data(Qt.ItemDataRole.UserRole))
            filled = bool(self.section_edits[section.value].toPlainText().strip())
            item.setText(f"{_FILLED if filled else _EMPTY} {section.label}")

    def sections(self) -> dict[str, str]:
        return {
            key: edit.toPlainText().strip()
            for key, edit in self.section_edits.items()
            if edit.toPlainText().strip()
        }

    def fields(self) -> InterpretationFields:
        return InterpretationFields(
            title=self.title.text().strip(),
            document_title=self.document_title.text().strip(),
            document_number=self.document_number.text().strip(),
            forms=tuple(v for v, check in self.form_checks.items() if check.isChecked()),
            interpreter_role=self.interpreter_role.currentData(),
            interpreter=self.interpreter.text().strip(),
            document_approved_on=self.document_approved_on.value(),
            approved_on=self.approved_on.value(),
            document_published_on=self.document_published_on.value(),
            published_on=self.published_on.value(),
            link=self.link.text().strip(),
            notes=self.notes.toPlainText().strip(),
            sections=self.sections(),
        )

    def _update_sync(self) -> None:
        problems = sync_problems(self.fields(), self.calendar, self.tolerance, date.today())
        if problems:
            self.sync_label.setStyleSheet("color:#b03a2e")
            self.sync_label.setText("⚠ 同步检查：" + "；".join(problems))
        else:
            self.sync_label.setStyleSheet("color:#1e7b34")
            allowed = "同日" if self.tolerance <= 0 else f"{self.tolerance} 个工作日内"
            self.sync_label.setText(f"同步检查：解读与文件同日审签、{allowed}发布的要求未见问题。")

    def current_section(self) -> str:
        item = self.section_list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item else InterpretationSection.BACKGROUND.value
        return str(value)

    def insert_into_section(self, section: str, text: str, *, at_cursor: bool = True) -> None:
        """Put ``text`` into a section (at its cursor, or at the end) and show that section."""
        row = [s.value for s in InterpretationSection].index(section)
        self.draft_tabs.setCurrentIndex(0)
        self.section_list.setCurrentRow(row)
        edit = self.section_edits[section]
        cursor = edit.textCursor()
        if not at_cursor:
            cursor.movePosition(QTextCursor.MoveOperation.End)
            if edit.toPlainText() and not edit.toPlainText().endswith("\n"):
                text = "\n" + text
        cursor.insertText(text)
        edit.setTextCursor(cursor)
        edit.setFocus()

    def _on_document_selection(self) -> None:
        self.quote_button.setEnabled(
            self.editable and self.document_view.textCursor().hasSelection()
        )

    def quote_selection(self) -> None:
        """Quote the passage selected in the document into the section being written."""
        if not self.editable:
            return
        selected = self.document_view.textCursor().selectedText()
        # Qt marks paragraph breaks inside a selection with U+2029.
        text = " ".join(part.strip() for part in selected.split("\u2029") if part.strip())
        if not text:
            return
        self.insert_into_section(self.current_section(), f"“{text}”")

    def add_selected_term(self) -> None:
        item = self.terms.currentItem()
        if item is None or not self.editable:
            return
        self.insert_into_section(
            InterpretationSection.KEYWORDS.value, f"「{item.text()}」：", at_cursor=False
        )

    def write_outline(self) -> None:
        if not self.diff_rows:
            return
        self.insert_into_section(
            InterpretationSection.CHANGES.value, changes_outline(self.diff_rows), at_cursor=False
        )

    # -- storing ----------------------------------------------------------------------------
    def autosave(self) -> None:
        """Keep the whole form as the user's private draft, with the version it was typed on
        (no version change, no audit row)."""
        self.autosave_timer.stop()
        if not self.editable or not self._draft_dirty:
            return
        try:
            self.service.save_draft(self.interpretation_id, self.base_version, self.fields())
        except NotFound:
            self._draft_dirty = False
            self.since_autosave.invalidate()
            self.autosave_label.setText(
                "这篇解读已被其他用户删除，无法再自动保存草稿；请把填写的内容导出保存。"
            )
            return
        except GongkaiError as exc:
            self.autosave_label.setText(f"草稿未能自动保存：{exc}")
            log.warning("autosave failed: %s", exc)
            return
        self._draft_dirty = False
        self.since_autosave.invalidate()
        self.autosave_label.setText(f"草稿已自动保存（{datetime.now():%H:%M:%S}），尚未正式保存。")

    def save(self) -> bool:
        """Store the record; True when it was stored."""
        if not self.editable:
            return False
        return self._store(self.fields(), self.base_version)

    def _store(self, fields: InterpretationFields, version: int) -> bool:
        """Save ``fields`` over ``version``; True when they were stored (after a conflict too,
        when the user kept their version and it was saved)."""
        self.autosave_timer.stop()
        try:
            check_dates(self)
            detail = self.service.update(self.interpretation_id, version, fields)
        except ConflictError as exc:
            return self._resolve_conflict(exc, fields)
        except NotFound:
            self._record_gone(fields)
            return False
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return False
        self.error.clear_message()
        self._load(detail)
        self.autosave_label.setText(f"已保存（{datetime.now():%H:%M:%S}）。")
        self.saved.emit(self.interpretation_id)
        return True

    def _resolve_conflict(self, exc: ConflictError, mine: InterpretationFields) -> bool:
        """Both versions side by side; True when the user kept theirs and it was saved. Taking
        the stored version reloads it and discards the user's draft."""
        version = stored_version(exc)
        try:
            theirs = self.service.get(self.interpretation_id).fields
        except NotFound:
            self._record_gone(mine)
            return False
        except GongkaiError:
            theirs = None
        if version is None or theirs is None:
            show_error(self, exc)
            return False
        stored: list[bool] = []

        def take_theirs() -> None:
            self._discard_draft()
            self._load(self.service.get(self.interpretation_id))

        resolve_conflict(
            self,
            version,
            _conflict_labels(),
            _texts(mine),
            _texts(theirs),
            lambda current: stored.append(self._store(mine, current)),
            take_theirs,
        )
        return any(stored)

    def _record_gone(self, fields: InterpretationFields) -> None:
        """The record was deleted elsewhere: say so, and offer to export what was typed. The
        window stays open either way, so nothing typed is lost."""
        self.error.show_message("这篇政策解读已被其他用户删除，修改无法保存。")
        answer = QMessageBox.question(
            self,
            "解读已被删除",
            "这篇政策解读已被其他用户删除，您的修改无法保存到系统中。\n"
            "是否把您填写的内容导出为文本文件（.txt）？\n"
            "选择“否”时窗口保持打开，您可以复制其中的内容。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.export_text(fields)

    def export_text(self, fields: InterpretationFields | None = None) -> bool:
        """Write the form (or ``fields``) to a UTF-8 text file the user picks; True when written."""
        fields = fields or self.fields()
        path = ask_save_path(
            self,
            self.ctx.settings,
            FOLDER_KEY,
            "导出填写的内容",
            f"{safe_file_name(fields.title)}.txt",
            TEXT_FILES,
            ".txt",
        )
        if path is None:
            return False
        try:
            with atomic_path(path) as tmp:
                # With a byte order mark: the Notepad of older Windows then reads it as UTF-8.
                tmp.write_text(plain_text(fields), encoding="utf-8-sig")
        except GongkaiError as exc:
            show_error(self, exc)
            return False
        show_info(self, f"已导出：{path}")
        return True

    def import_document(self, previous: bool) -> None:
        """Read a policy document (or its previous version) into the record, on the worker
        with a progress dialog; unsaved changes are saved first."""
        what = "旧版本" if previous else "政策文件"
        path = ask_open_path(
            self, self.ctx.settings, FOLDER_KEY, f"选择要导入的{what}", POLICY_FILES
        )
        if path is None:
            return
        if self.dirty and not self.save():
            return
        service, record_id, version = self.service, self.interpretation_id, self.base_version
        try:
            detail = run_with_progress(
                self,
                lambda cancel: service.attach_policy_document_job(
                    record_id, version, path, previous, cancel
                ),
                f"导入{what}",
                f"正在读取“{path.name}”……",
            )
        except Cancelled:
            return
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self._load(detail)
        self.source_tabs.setCurrentIndex(1 if previous else 0)
        self.saved.emit(self.interpretation_id)

    def export_word(self) -> None:
        if self.dirty and self.editable:
            answer = QMessageBox.question(
                self, "导出 Word", "有尚未保存的修改。先保存再导出吗？（选择“否”将导出上次保存的内容）"
            )
            if answer == QMessageBox.StandardButton.Yes and not self.save():
                return
        fields = self.detail.fields
        path = ask_save_path(
            self,
            self.ctx.settings,
            FOLDER_KEY,
            "导出政策解读",
            f"{safe_file_name(fields.title)}.docx",
            "Word 文档 (*.docx)",
            ".docx",
        )
        if path is None:
            return
        try:
            written = self.service.export_word(
                self.interpretation_id, path, issued=self.issue_date.value()
            )
        except GongkaiError as exc:
            show_error(self, exc)
            return
        from gongkai_desktop.reports.interpretation_docx import DRAFT_NOTICE, is_draft

        draft = is_draft(self.service.get(self.interpretation_id).fields)
        show_info(self, f"已导出：{written}" + (f"\n\n{DRAFT_NOTICE}" if draft else ""))

    # -- window -----------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        settings = self.ctx.settings
        geometry = settings.value("interpretation_workbench/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[arg-type]
        else:
            self.resize(1280, 760)
        state = settings.value("interpretation_workbench/splitter")
        if state is not None:
            self.splitter.restoreState(state)  # type: ignore[arg-type]

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.editable and self.dirty:
            answer = ask_save_changes(self, "关闭解读", "解读")
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Save and not self.save():
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Discard:
                try:
                    self.service.discard_draft(self.interpretation_id)
                except GongkaiError as exc:
                    log.warning("draft not discarded: %s", exc)
        self.autosave_timer.stop()
        self.ctx.settings.setValue("interpretation_workbench/geometry", self.saveGeometry())
        self.ctx.settings.setValue("interpretation_workbench/splitter", self.splitter.saveState())
        self.closed.emit(self.interpretation_id)
        super().closeEvent(event)


def _conflict_labels() -> dict[str, str]:
    labels = dict(INTERPRETATION_FIELD_LABELS)
    labels.pop("sections", None)
    labels.update({f"section:{s.value}": s.label for s in InterpretationSection})
    return labels


def _label(enum: type[InterpretationForm] | type[InterpreterRole], value: str) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return value


def _texts(fields: InterpretationFields) -> dict[str, str]:
    """The fields as the conflict dialog shows them, one text per field and section."""
    texts = {
        "title": fields.title,
        "document_title": fields.document_title,
        "document_number": fields.document_number,
        "forms": "、".join(_label(InterpretationForm, f) for f in fields.forms),
        "interpreter_role": _label(InterpreterRole, fields.interpreter_role)
        if fields.interpreter_role
        else "",
        "interpreter": fields.interpreter,
        "document_approved_on": _d(fields.document_approved_on),
        "approved_on": _d(fields.approved_on),
        "document_published_on": _d(fields.document_published_on),
        "published_on": _d(fields.published_on),
        "link": fields.link,
        "notes": fields.notes,
    }
    for section in InterpretationSection:
        texts[f"section:{section.value}"] = dict(fields.sections).get(section.value, "")
    return texts


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def plain_text(fields: InterpretationFields) -> str:
    """The form as plain text: each filled particular on a line, then each filled section under
    its name."""
    texts = _texts(fields)
    lines = [
        f"{label}：{texts[key]}"
        for key, label in INTERPRETATION_FIELD_LABELS.items()
        if key in texts and texts[key].strip()
    ]
    for section in InterpretationSection:
        text = texts[f"section:{section.value}"].strip()
        if text:
            lines += ["", f"【{section.label}】", text]
    return "\n".join(lines) + "\n"
