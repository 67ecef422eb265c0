"""The 规范性文件 form: registry fields, status with its date, and the status history."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.disclosure import (
    DOCUMENT_FIELD_LABELS,
    DocumentFields,
    DocumentLevel,
    DocumentStatus,
    Problem,
    validate_document,
)
from gongkai_desktop.services.ledger import LedgerService
from gongkai_desktop.services.ledger_documents import (
    DocumentDetail,
    DocumentService,
    level_from_number,
)

from ..conflict import fields_from_snapshot
from ..context import UiContext
from ..fit import scrolling
from .attachments import AttachmentPanel
from .widgets import OptionalDate, RecordDialog, date_edit

log = logging.getLogger(__name__)


class DocumentDialog(RecordDialog):
    """Register (``detail`` None) or edit a 规范性文件."""

    def __init__(
        self,
        ctx: UiContext,
        service: DocumentService,
        detail: DocumentDetail | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.service = service
        self.detail = detail
        row = detail.row if detail else None
        self.read_only = row is not None and not row.editable
        self.setWindowTitle("规范性文件" if row is None else f"规范性文件：{row.doc_number}")
        self.ledger = LedgerService(ctx.db, ctx.actor)

        self.doc_number = QLineEdit()
        self.title = QLineEdit()
        self.level = QComboBox()
        for lv in DocumentLevel:
            self.level.addItem(lv.label, lv.value)
        self.level_touched = row is not None
        self.fill_divisions(self.ledger, editing=row is not None)
        self.written_on = date_edit()
        self.published_on = OptionalDate("已公开，公开日期：")
        self.status = QComboBox()
        for st in DocumentStatus:
            self.status.addItem(st.label, st.value)
        self.status_changed_on = OptionalDate("状态变更日期：")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("状态变更的原因或依据（记入状态历史）")
        self.consulted = QCheckBox("已公开征求意见")
        self.interpreted = QCheckBox("已解读")
        self.link = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(60)
        form = QFormLayout()
        form.addRow("文号：", self.doc_number)
        form.addRow("标题：", self.title)
        form.addRow("层级：", self.level)
        form.addRow("制发处室：", self.division)
        form.addRow("成文日期：", self.written_on)
        form.addRow("公开：", self.published_on)
        form.addRow("状态：", self.status)
        form.addRow("", self.status_changed_on)
        form.addRow("变更原因：", self.reason)
        form.addRow("", self.consulted)
        form.addRow("", self.interpreted)
        form.addRow("链接：", self.link)
        form.addRow("备注：", self.notes)
        self.widgets = {
            "doc_number": self.doc_number,
            "title": self.title,
            "level": self.level,
            "division": self.division,
            "written_on": self.written_on,
            "published_on": self.published_on,
            "status": self.status,
            "status_changed_on": self.status_changed_on,
        }
        outer = QVBoxLayout(self)
        outer.addWidget(self.banner)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        if detail is not None:
            history = QGroupBox("状态历史")
            inner = QVBoxLayout(history)
            table = QTableWidget(len(detail.history), 4)
            table.setHorizontalHeaderLabels(["日期", "状态", "原因", "清理工作"])
            for r, change in enumerate(detail.history):
                values = (
                    change.changed_on.isoformat(),
                    change.status.label,
                    change.reason,
                    change.campaign_name,
                )
                for c, value in enumerate(values):
                    table.setItem(r, c, QTableWidgetItem(value))
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setStretchLastSection(True)
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.setMaximumHeight(130)
            inner.addWidget(table)
            layout.addWidget(history)
            box = QGroupBox("附件")
            box_layout = QVBoxLayout(box)
            assert row is not None
            box_layout.addWidget(
                AttachmentPanel(
                    ctx, "normative_document", row.uuid, row.division_id, not self.read_only
                )
            )
            layout.addWidget(box)
        # The fields, the history and the attachments scroll; the problems and 保存/关闭 stay.
        outer.addWidget(scrolling(body), 1)
        outer.addWidget(self.errors)
        outer.addWidget(self.buttons)
        self.doc_number.textEdited.connect(self._guess_level)
        self.level.activated.connect(lambda _i: setattr(self, "level_touched", True))
        self.status.currentIndexChanged.connect(lambda _i: self._status_changed())
        self.recheck_when_edited()
        if row is not None:
            self.load(detail)
        self._status_changed()
        if self.read_only and row is not None:
            self.banner.setText(f"本文件由{row.division_name}制发，您只能查看。")
            for w in self.findChildren(QWidget):
                if isinstance(w, (QLineEdit, QPlainTextEdit)):
                    w.setReadOnly(True)
                elif isinstance(w, (QComboBox, QCheckBox)):
                    w.setEnabled(False)
            self.written_on.setReadOnly(True)
            self.save_button.setVisible(False)
        self.banner.setVisible(self.read_only)
        self.resize(680, 700 if detail else 520)

    def _guess_level(self, text: str) -> None:
        if not self.level_touched:
            self.level.setCurrentIndex(self.level.findData(level_from_number(text).value))

    def _status_changed(self) -> None:
        valid = self.status.currentData() == DocumentStatus.VALID.value
        self.status_changed_on.setEnabled(not valid and not self.read_only)
        if not valid and self.status_changed_on.value() is None:
            self.status_changed_on.set_value(self.written_on.value())

    def load(self, detail: DocumentDetail | None) -> None:
        if detail is None:
            return
        self.detail = detail
        row = detail.row
        self.doc_number.setText(row.doc_number)
        self.title.setText(row.title)
        self.level.setCurrentIndex(self.level.findData(row.level.value))
        self.show_division(row.division_id, row.division_name)
        self.written_on.setDate(row.written_on)
        self.published_on.set_value(row.published_on)
        self.status.setCurrentIndex(self.status.findData(row.status.value))
        self.status_changed_on.set_value(row.status_changed_on)
        self.consulted.setChecked(row.consulted)
        self.interpreted.setChecked(row.interpreted)
        self.link.setText(row.link)
        self.notes.setPlainText(row.notes)

    def fields(self) -> DocumentFields:
        status = str(self.status.currentData())
        return DocumentFields(
            doc_number=self.doc_number.text().strip(),
            title=self.title.text().strip(),
            level=str(self.level.currentData()),
            written_on=self.written_on.value(),
            published_on=self.published_on.value(),
            status=status,
            status_changed_on=(
                None if status == DocumentStatus.VALID.value else self.status_changed_on.value()
            ),
            consulted=self.consulted.isChecked(),
            interpreted=self.interpreted.isChecked(),
            link=self.link.text().strip(),
            notes=self.notes.toPlainText().strip(),
        )

    def validate(self) -> bool:
        problems = validate_document(self.fields())
        if self.division_id() is None:
            problems.insert(0, Problem("division", "请选择制发处室"))
        return not self.refuse(problems, DOCUMENT_FIELD_LABELS)

    def save(self, expected_version: int | None = None) -> None:
        if not self.validate():
            return
        f, division_id = self.fields(), self.division_id()
        assert division_id is not None
        if self.detail is None:
            saved = self.store(lambda: self.service.create_document(division_id, f))
        else:
            row, reason = self.detail.row, self.reason.text()
            version = row.version if expected_version is None else expected_version
            saved = self.store(
                lambda: self.service.update_document(row.id, version, division_id, f, reason)
            )
        if saved is not None:
            self.accept()

    def reload(self) -> None:
        if self.detail is not None:
            self.load(self.service.get_document(self.detail.row.id))

    def versions(
        self, stored: Mapping[str, Any]
    ) -> tuple[Mapping[str, str], dict[str, Any], dict[str, Any]]:
        theirs = fields_from_snapshot(DocumentFields, stored)
        their_division = dict(self.ledger.divisions()).get(stored.get("division_id"), "")
        return (
            DOCUMENT_FIELD_LABELS,
            _texts(self.fields(), self.division.currentText()),
            _texts(theirs, their_division),
        )


def _texts(fields: DocumentFields, division: str) -> dict[str, Any]:
    return {
        **dataclasses.asdict(fields),
        "level": _label(DocumentLevel, fields.level),
        "division": division,
        "status": _label(DocumentStatus, fields.status),
    }


def _label(enum: type[DocumentLevel] | type[DocumentStatus], value: str) -> str:
    try:
        return enum(value).label
    except ValueError:
        return ""
