"""The interpretation being drafted in the workbench (SPEC §7): its ten sections, its particulars
and dates with the synchronisation check, and the same fields as text (for the conflict dialog
and for a text file when the record is gone).
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextCursor
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
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.calendar import WorkingCalendar
from gongkai_desktop.domain.interpretation import (
    INTERPRETATION_FIELD_LABELS,
    InterpretationFields,
    InterpretationForm,
    InterpretationSection,
    InterpreterRole,
    sync_problems,
)

from ..formatting import short_date
from ..widgets import ErrorLabel
from .checked_records import GREEN, RED
from .requests_form import DateField

log = logging.getLogger(__name__)

_FILLED = "●"
_EMPTY = "○"


class InterpretationEditor(QWidget):
    """解读内容 (the ten sections) and 基本信息和日期 in two tabs, the synchronisation check under
    them, and the line where a failed save says why.

    ``edited`` says a particular or date changed, ``section_edited`` a section's text; the
    workbench decides what follows (the check, the section marks, the autosave).
    """

    edited = Signal()
    section_edited = Signal()

    def __init__(
        self,
        editable: bool,
        calendar: WorkingCalendar,
        tolerance: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.editable = editable
        self.calendar = calendar
        self.tolerance = tolerance
        self._build_ui()
        self._connect_signals()

    # -- layout -----------------------------------------------------------------------------
    def _build_ui(self) -> None:
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 0, 0, 0)
        self.draft_tabs = QTabWidget(self)

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

        self.sync_label = QLabel(self)
        self.sync_label.setWordWrap(True)
        box.addWidget(self.sync_label)
        self.error = ErrorLabel(self)
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

    def _connect_signals(self) -> None:
        self.section_list.currentRowChanged.connect(self.section_stack.setCurrentIndex)
        for edit in self.section_edits.values():
            edit.textChanged.connect(self.section_edited)
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

    def _on_edited(self, *_args: object) -> None:
        self.edited.emit()

    # -- the fields -------------------------------------------------------------------------
    def show_fields(self, fields: InterpretationFields) -> None:
        """Show ``fields`` in the form (``edited`` and ``section_edited`` fire as it fills)."""
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
        if self.section_list.currentRow() < 0:
            self.section_list.setCurrentRow(0)

    def _set_sections(self, sections: dict[str, str] | object) -> None:
        texts = dict(sections)  # type: ignore[call-overload]
        for key, edit in self.section_edits.items():
            edit.setPlainText(texts.get(key, ""))

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

    # -- what the form shows about itself ---------------------------------------------------
    def mark_sections(self) -> None:
        """● before each section written, ○ before each still empty."""
        for row in range(self.section_list.count()):
            item = self.section_list.item(row)
            section = InterpretationSection(item.data(Qt.ItemDataRole.UserRole))
            filled = bool(self.section_edits[section.value].toPlainText().strip())
            item.setText(f"{_FILLED if filled else _EMPTY} {section.label}")

    def update_sync(self) -> None:
        problems = sync_problems(self.fields(), self.calendar, self.tolerance, date.today())
        if problems:
            self.sync_label.setStyleSheet(f"color:{RED}")
            self.sync_label.setText("⚠ 同步检查：" + "；".join(problems))
        else:
            self.sync_label.setStyleSheet(f"color:{GREEN}")
            allowed = "同日" if self.tolerance <= 0 else f"{self.tolerance} 个工作日内"
            self.sync_label.setText(f"同步检查：解读与文件同日审签、{allowed}发布的要求未见问题。")

    # -- writing into the sections ----------------------------------------------------------
    def current_section(self) -> str:
        item = self.section_list.currentItem()
        value = (
            item.data(Qt.ItemDataRole.UserRole) if item else InterpretationSection.BACKGROUND.value
        )
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


# -- the fields as text ---------------------------------------------------------------------


def conflict_labels() -> dict[str, str]:
    """The labels of :func:`field_texts`: each particular, then each section by its name."""
    labels = dict(INTERPRETATION_FIELD_LABELS)
    labels.pop("sections", None)
    labels.update({f"section:{s.value}": s.label for s in InterpretationSection})
    return labels


def _label(enum: type[InterpretationForm] | type[InterpreterRole], value: str) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return value


def field_texts(fields: InterpretationFields) -> dict[str, str]:
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
        "document_approved_on": short_date(fields.document_approved_on),
        "approved_on": short_date(fields.approved_on),
        "document_published_on": short_date(fields.document_published_on),
        "published_on": short_date(fields.published_on),
        "link": fields.link,
        "notes": fields.notes,
    }
    for section in InterpretationSection:
        texts[f"section:{section.value}"] = dict(fields.sections).get(section.value, "")
    return texts


def plain_text(fields: InterpretationFields) -> str:
    """The form as plain text: each filled particular on a line, then each filled section under
    its name."""
    texts = field_texts(fields)
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
