"""The 政策解读 workbench: the policy document read-only on the left (``policy_text``), the
interpretation drafted on the right (``interpretation_editor``) (SPEC §7). The window keeps the
two together: it quotes from the left into the right, stores the record, keeps the drafts.

While the user types in any field, the whole form is saved as a private draft every few seconds
(``AUTOSAVE_IDLE_MS`` after the last change, at least every ``AUTOSAVE_MAX_MS``), with the version
of the record it was typed on: a crash loses seconds, not the morning. Opening the interpretation
again offers that draft when it differs from what is stored: plainly when the record is still at
that version, as a conflict (both versions side by side, the user decides) when someone saved
since. 保存 stores the record (version-checked, audited) and drops the draft. A record deleted
elsewhere cannot be saved; what was typed can then be exported to a text file.

Reading a policy document runs on the worker with a progress dialog, so a long PDF does not
freeze the window.
"""

from __future__ import annotations

import html
import logging
from datetime import datetime

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.interpretation import InterpretationFields, InterpretationSection
from gongkai_desktop.domain.policy_diff import changes_outline
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
from ..widgets import IssueDate
from ..worker import run_with_progress
from .interpretation_editor import InterpretationEditor, conflict_labels, field_texts, plain_text
from .policy_text import DIFF_TAB, DOCUMENT_TAB, PolicyTextTabs
from .word_export import export_word, safe_file_name, save_first

log = logging.getLogger(__name__)

AUTOSAVE_IDLE_MS = 3_000
AUTOSAVE_MAX_MS = 10_000
FOLDER_KEY = "interpretations/last_dir"
POLICY_FILES = "政策文件 (*.docx *.pdf *.txt);;所有文件 (*)"
TEXT_FILES = "文本文件 (*.txt)"
NAMELESS = "政策解读"  # the file name of an interpretation without a title


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
        self.source = PolicyTextTabs(self.editable, self)
        self.editor = InterpretationEditor(self.editable, self.calendar, self.tolerance, self)
        self.splitter.addWidget(self.source)
        self.splitter.addWidget(self.editor)
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

    def _connect_signals(self) -> None:
        self.editor.section_edited.connect(self._on_section_edited)
        self.editor.edited.connect(self._on_edited)
        source = self.source
        source.quote_button.clicked.connect(self.quote_selection)
        source.import_document_button.clicked.connect(lambda: self.import_document(previous=False))
        source.import_previous_button.clicked.connect(lambda: self.import_document(previous=True))
        source.outline_button.clicked.connect(self.write_outline)
        source.add_term_button.clicked.connect(self.add_selected_term)
        source.terms.itemDoubleClicked.connect(lambda _item: self.add_selected_term())
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
            self.editor.show_fields(fields)
            self.source.show_policy(detail)
        finally:
            self._loading = False
        self.dirty = False
        self._draft_dirty = False
        self.editor.update_sync()
        self.editor.mark_sections()
        self.autosave_label.setText("" if self.editable else "只读：您不能修改其他处室的解读。")

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
            conflict_labels(),
            field_texts(mine),
            field_texts(self.detail.fields),
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
            self.editor.show_fields(fields)
        finally:
            self._loading = False
        self.base_version = base_version
        self.dirty = True
        self.editor.mark_sections()
        self.editor.update_sync()

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
        self.editor.update_sync()
        self._schedule_autosave()

    def _on_section_edited(self) -> None:
        if self._loading:
            return
        self.dirty = True
        self.editor.mark_sections()
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

    def fields(self) -> InterpretationFields:
        return self.editor.fields()

    def quote_selection(self) -> None:
        """Quote the passage selected in the document into the section being written."""
        if not self.editable:
            return
        text = self.source.selected_passage()
        if not text:
            return
        self.editor.insert_into_section(self.editor.current_section(), f"“{text}”")

    def add_selected_term(self) -> None:
        term = self.source.selected_term()
        if term is None or not self.editable:
            return
        self.editor.insert_into_section(
            InterpretationSection.KEYWORDS.value, f"「{term}」：", at_cursor=False
        )

    def write_outline(self) -> None:
        rows = self.source.diff_rows
        if not rows:
            return
        self.editor.insert_into_section(
            InterpretationSection.CHANGES.value, changes_outline(rows), at_cursor=False
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
            self.editor.error.show_message(str(exc))
            return False
        self.editor.error.clear_message()
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
            conflict_labels(),
            field_texts(mine),
            field_texts(theirs),
            lambda current: stored.append(self._store(mine, current)),
            take_theirs,
        )
        return any(stored)

    def _record_gone(self, fields: InterpretationFields) -> None:
        """The record was deleted elsewhere: say so, and offer to export what was typed. The
        window stays open either way, so nothing typed is lost."""
        self.editor.error.show_message("这篇政策解读已被其他用户删除，修改无法保存。")
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
            f"{safe_file_name(fields.title, NAMELESS)}.txt",
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
        self.source.setCurrentIndex(DIFF_TAB if previous else DOCUMENT_TAB)
        self.saved.emit(self.interpretation_id)

    def export_word(self) -> None:
        unsaved = self.dirty and self.editable
        question = "有尚未保存的修改。先保存再导出吗？（选择“否”将导出上次保存的内容）"
        if not save_first(self, unsaved, "导出 Word", question, self.save):
            return
        record_id = self.interpretation_id
        written = export_word(
            self,
            self.ctx,
            FOLDER_KEY,
            "导出政策解读",
            f"{safe_file_name(self.detail.fields.title, NAMELESS)}.docx",
            self.issue_date,
            lambda path, issued: self.service.export_word(record_id, path, issued=issued),
        )
        if written is None:
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
