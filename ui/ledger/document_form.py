"""The 规范性文件 form: registry fields, status with its date, and the status history."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
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
from gongkai_desktop.errors import ConflictError, GongkaiError, ValidationError
from gongkai_desktop.services.ledger import LedgerService
from gongkai_desktop.services.ledger_documents import (
    DocumentDetail,
    DocumentService,
    level_from_number,
)

from ..context import UiContext
from ..messages import show_error
from ..widgets import ErrorLabel
from .attachments import AttachmentPanel
from .widgets import (
    INVALID_STYLE,
    ConflictDialog,
    OptionalDate,
    date_edit,
    differences,
    from_qdate,
    to_qdate,
)

log = logging.getLogger(__name__)


class DocumentDialog(QDialog):
    def __init__(
        self,
        ctx: UiContext,
        service: DocumentService,
        detail: DocumentDetail | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.detail = detail
        row = detail.row if detail else None
        self.read_only = row is not None and not row.editable
        self.setWindowTitle("规范性文件" if row is None else f"规范性文件：{row.doc_number}")
        ledger = LedgerService(ctx.db, ctx.actor)
        editable_ids = ledger.editable_division_ids()

        self.banner = QLabel()
        self.banner.setObjectName("hintLabel")
        self.banner.setWordWrap(True)
        self.doc_number = QLineEdit()
        self.title = QLineEdit()
        self.level = QComboBox()
        for lv in DocumentLevel:
            self.level.addItem(lv.label, lv.value)
        self.level_touched = row is not None
        self.division = QComboBox()
        for division_id, name in ledger.divisions():
            if editable_ids is None or division_id in editable_ids or row is not None:
                self.division.addItem(name, division_id)
        if row is None and ctx.actor.division_id is not None:
            self.division.setCurrentIndex(max(self.division.findData(ctx.actor.division_id), 0))
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
        self.errors = ErrorLabel()
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
        self.widgets: dict[str, QWidget] = {
            "doc_number": self.doc_number,
            "title": self.title,
            "level": self.level,
            "division": self.division,
            "written_on": self.written_on,
            "published_on": self.published_on,
            "status": self.status,
            "status_changed_on": self.status_changed_on,
        }
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
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
        layout.addWidget(self.errors)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("关闭")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.doc_number.textEdited.connect(self._guess_level)
        self.level.activated.connect(lambda _i: setattr(self, "level_touched", True))
        self.status.currentIndexChanged.connect(lambda _i: self._status_changed())
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
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setVisible(False)
        self.banner.setVisible(self.read_only)
        self.resize(680, 700 if detail else 520)

    def _guess_level(self, text: str) -> None:
        if not self.level_touched:
            self.level.setCurrentIndex(self.level.findData(level_from_number(text).value))

    def _status_changed(self) -> None:
        valid = self.status.currentData() == DocumentStatus.VALID.value
        self.status_changed_on.setEnabled(not valid and not self.read_only)
        if not valid and self.status_changed_on.value() is None:
            self.status_changed_on.set_value(from_qdate(self.written_on.date()))

    def load(self, detail: DocumentDetail | None) -> None:
        if detail is None:
            return
        self.detail = detail
        row = detail.row
        self.doc_number.setText(row.doc_number)
        self.title.setText(row.title)
        self.level.setCurrentIndex(self.level.findData(row.level.value))
        index = self.division.findData(row.division_id)
        if index < 0:
            self.division.addItem(row.division_name, row.division_id)
            index = self.division.count() - 1
        self.division.setCurrentIndex(index)
        self.written_on.setDate(to_qdate(row.written_on))
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
            written_on=from_qdate(self.written_on.date()),
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

    def show_problems(self, messages: list[str], fields: list[str]) -> None:
        for key, widget in self.widgets.items():
            widget.setStyleSheet(INVALID_STYLE if key in fields else "")
        if messages:
            self.errors.show_message("未保存，请改正：\n" + "\n".join(f"· {m}" for m in messages))
        else:
            self.errors.clear_message()

    def save(self, expected_version: int | None = None) -> None:
        f = self.fields()
        problems = validate_document(f)
        if self.division.currentData() is None:
            problems.insert(0, Problem("division", "请选择制发处室"))
        if problems:
            self.show_problems(
                [f"「{DOCUMENT_FIELD_LABELS[p.field]}」：{p.message}" for p in problems],
                [p.field for p in problems],
            )
            return
        division_id = int(self.division.currentData())
        try:
            if self.detail is None:
                self.service.create_document(division_id, f)
            else:
                row = self.detail.row
                version = expected_version if expected_version is not None else row.version
                self.service.update_document(row.id, version, division_id, f, self.reason.text())
        except ValidationError as exc:
            self.show_problems(exc.problems or [exc.message], list(exc.params.get("fields", [])))
            return
        except ConflictError as exc:
            self._conflict(exc, f)
            return
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.accept()

    def _conflict(self, exc: ConflictError, f: DocumentFields) -> None:
        theirs: dict[str, Any] = dict(exc.current or {})
        labels = {k: DOCUMENT_FIELD_LABELS[k] for k in ("doc_number", "title", "status", "notes")}
        labels["status_changed_on"] = DOCUMENT_FIELD_LABELS["status_changed_on"]
        statuses = {s.value: s.label for s in DocumentStatus}
        mine = {
            "doc_number": f.doc_number,
            "title": f.title,
            "status": statuses.get(f.status, ""),
            "status_changed_on": f.status_changed_on.isoformat() if f.status_changed_on else "",
            "notes": f.notes,
        }
        shown = {
            "doc_number": theirs.get("doc_number", ""),
            "title": theirs.get("title", ""),
            "status": statuses.get(str(theirs.get("status")), ""),
            "status_changed_on": theirs.get("status_changed_on") or "",
            "notes": theirs.get("notes", ""),
        }
        dialog = ConflictDialog(differences(labels, mine, shown), parent=self)
        dialog.exec()
        if dialog.choice == "mine":
            self.save(expected_version=int(theirs.get("version") or 0))
        elif dialog.choice == "theirs" and self.detail is not None:
            self.load(self.service.get_document(self.detail.row.id))
