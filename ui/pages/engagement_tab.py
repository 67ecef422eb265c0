"""One tab of the 新闻发布与回应 page: the list of one kind of record and the selected record's
form, both configured by the kind's ``KindSpec``.

Everything goes through ``EngagementService``, which enforces the permissions (liaisons change
their own division's records, the admin all, leaders read) and the optimistic version check; the
tab only hides what cannot work. A form with unsaved edits is never replaced silently: choosing
another record or 新增 first asks 保存 / 放弃 / 取消, and 取消 leaves the user where they were.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.engagement_fields import KindSpec
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.errors import ConflictError, GongkaiError
from gongkai_desktop.services.engagement import EngagementService
from gongkai_desktop.services.engagement_records import (
    EngagementQuery,
    EngagementRecord,
    values_from_snapshot,
)

from ..conflict import resolve_conflict, stored_version
from ..context import UiContext
from ..list_keys import ListKeys
from ..messages import ask_save_changes, confirm, show_error
from ..widgets import ErrorLabel, RecordTable, hint
from .engagement_form import EngagementForm
from .engagement_list import RecordModel, column_widths, columns_for


class KindTab(QWidget):
    """The list of one kind and the selected record's form, both configured by its ``KindSpec``."""

    saved = Signal()

    def __init__(
        self,
        ctx: UiContext,
        service: EngagementService,
        spec: KindSpec,
        divisions: list[tuple[int, str]],
        names: dict[int, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.spec = spec
        self.names = names
        self.current: EngagementRecord | None = None
        self.query = EngagementQuery(spec.kind)
        self.stale = True  # the query changed since the list was read
        self.dirty = False  # the form holds edits not yet saved
        self._quiet = 0
        self.can_edit = ctx.actor.role is not Role.LEADER
        self._build_ui(divisions)
        self._connect_signals()

    def _build_ui(self, divisions: list[tuple[int, str]]) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        top = QHBoxLayout()
        self.summary = hint("", self)
        top.addWidget(self.summary, 1)
        self.new_button = QPushButton(f"新增{self.spec.label}", self)
        self.new_button.setToolTip("Ctrl+N")
        top.addWidget(self.new_button)
        layout.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.model = RecordModel(columns_for(self.spec, self.names), parent=self)
        self.table = RecordTable(self.model, splitter)
        self.table.proxy.sort(-1)  # the service's order: the most recent first
        self.table.setObjectName(f"table_{self.spec.kind.value}")

        detail = QWidget(splitter)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(6, 0, 0, 0)
        self.title = QLabel(detail)
        self.title.setObjectName("boxTitle")
        self.title.setWordWrap(True)
        detail_layout.addWidget(self.title)
        scroll = QScrollArea(detail)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form = EngagementForm(self.spec, divisions, scroll)
        scroll.setWidget(self.form)
        detail_layout.addWidget(scroll, 1)
        self.error = ErrorLabel(detail)
        detail_layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.read_only = hint("", detail)
        buttons.addWidget(self.read_only, 1)
        self.delete_button = QPushButton("删除", detail)
        self.save_button = QPushButton("保存", detail)
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.setDefault(True)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        detail_layout.addLayout(buttons)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 460])
        self.splitter = splitter
        layout.addWidget(splitter, 1)
        for widget in (self.new_button, self.save_button, self.delete_button):
            widget.setVisible(self.can_edit)

    def _connect_signals(self) -> None:
        self.new_button.clicked.connect(self.new_record)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self.table.selectionModel().selectionChanged.connect(self._on_select)
        self.form.changed.connect(self._on_changed)
        self.list_keys = ListKeys.of_page(
            self,
            self.table,
            empty=f"尚无{self.spec.label}记录。点击「新增{self.spec.label}」，在右侧填写后保存。",
        )
        self.delete_button.setEnabled(False)  # until a record is in the form

    # --- data ---
    def set_query(self, query: EngagementQuery) -> None:
        self.query = query
        self.stale = True

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Selection and form changes made by the program itself, not the user."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _on_changed(self) -> None:
        if not self._quiet and self.can_edit and self.save_button.isEnabled():
            self.dirty = True

    def confirm_leave(self) -> bool:
        """Before the form is replaced: True when it holds no unsaved edits or the user saved
        (successfully) or discarded them; False when they chose 取消 or saving failed."""
        if not self.dirty:
            return True
        answer = ask_save_changes(self, "尚未保存", self.spec.label)
        if answer == QMessageBox.StandardButton.Save:
            return self._save()
        if answer == QMessageBox.StandardButton.Discard:
            self._revert()
            return True
        return False

    def _revert(self) -> None:
        """Put the stored values back into the form."""
        if self.current is not None:
            self.show_record(self.current)
        else:
            self._show_blank()

    def _restore_selection(self) -> None:
        """Select again the row being edited (none for a new record)."""
        with self._quietly():
            if self.current is None or not self.select_record(self.current.id):
                self.table.clearSelection()

    def refresh(self) -> None:
        keep = self.current.id if self.current is not None else None
        try:
            rows = self.service.list_records(self.query)
        except GongkaiError as exc:
            show_error(self, exc)
            return
        self.stale = False
        with self._quietly():
            self.model.set_rows(rows)
        broken = sum(1 for r in rows if r.problems)
        owed = sum(1 for r in rows if r.pending and not r.problems)
        text = f"共 {len(rows)} 条"
        if broken:
            text += f"，不符合规则 {broken} 条（红色）"
        if owed:
            text += f"，期限未到、尚待办理 {owed} 条（黄色）"
        self.summary.setText(text)
        self.table.fit_columns(column_widths(self.spec, self.model.columns))
        with self._quietly():
            if keep is None or not self.table.select_where(lambda r: r.id == keep):
                self.table.select_first()
        row = self.table.selected()
        if row is not None:
            self.show_record(row)
        else:
            self._show_blank()

    def _on_select(self) -> None:
        if self._quiet:
            return
        row = self.table.selected()
        if row is None:
            return
        if self.current is not None and row.id == self.current.id and self.dirty:
            return
        if not self.confirm_leave():
            self._restore_selection()
            return
        shown = self.table.selected()
        if shown is None or shown.id != row.id:  # saving re-read the list
            with self._quietly():
                self.select_record(row.id)
            shown = self.table.selected()
        self.show_record(shown if shown is not None and shown.id == row.id else row)

    def show_record(self, record: EngagementRecord) -> None:
        self.current = record
        with self._quietly():
            self.form.load(record.values, record.division_id, record.division_name)
            self.form.set_editable(record.editable, self.ctx.actor.is_admin)
        self.dirty = False
        self.title.setText(f"{self.spec.label}：{record.title}")
        self.error.clear_message()
        self.save_button.setEnabled(record.editable)
        self.delete_button.setEnabled(record.editable)
        if self.ctx.actor.role is Role.LEADER:
            self.read_only.setText("领导账号只能查看。")
        elif not record.editable:
            self.read_only.setText(f"{record.division_name}的记录，只能查看。")
        else:
            self.read_only.setText("")

    def new_record(self) -> None:
        if not self.confirm_leave():
            self._restore_selection()
            return
        self._show_blank()

    def _show_blank(self) -> None:
        self.current = None
        with self._quietly():
            self.table.clearSelection()
            self.form.clear(self.ctx.actor.division_id)
            self.form.set_editable(self.can_edit, self.ctx.actor.is_admin)
        self.dirty = False
        self.title.setText(f"新{self.spec.label}")
        self.error.clear_message()
        self.read_only.setText("领导账号只能查看。" if not self.can_edit else "")
        self.save_button.setEnabled(self.can_edit)
        self.delete_button.setEnabled(False)

    def select_record(self, record_id: int) -> bool:
        return self.table.select_where(lambda r: r.id == record_id)

    def save(self) -> None:
        self._save()

    def _save(self) -> bool:
        """Store the form; True when it was stored."""
        if not self.can_edit or not self.save_button.isEnabled():
            return False
        version = self.current.version if self.current is not None else None
        try:
            values = self.form.values()
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return False
        return self._store(values, self.form.division_id(), version)

    def _store(self, values: dict[str, Any], division_id: int | None, version: int | None) -> bool:
        kind = self.spec.kind
        try:
            if self.current is None:
                record = self.service.create(kind, values, division_id)
            else:
                record = self.service.update(kind, self.current.id, version, values, division_id)
        except ConflictError as exc:
            self._resolve_conflict(exc, values, division_id)
            return not self.dirty
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return False
        self.current = record
        self.dirty = False
        self.refresh()
        shown = self.table.selected()
        if shown is None or shown.id != record.id:
            # Saved outside the filters (another year, say): keep it in the form all the same.
            with self._quietly():
                self.table.clearSelection()
            self.show_record(record)
        self.saved.emit()
        return True

    def _resolve_conflict(
        self, exc: ConflictError, mine: dict[str, Any], division_id: int | None
    ) -> None:
        """Show the user's version beside the stored one; save again or reload, as chosen."""
        assert self.current is not None
        record_id = self.current.id
        version = stored_version(exc)
        if version is None:  # the error came without the stored values
            show_error(self, exc)
            self._reload(record_id)
            return
        theirs = values_from_snapshot(self.spec.kind, exc.current)
        theirs_division = exc.current.get("division_id")
        resolve_conflict(
            self,
            version,
            self.spec.labels,
            EngagementForm.texts(self.spec, mine, division_id, self.names),
            EngagementForm.texts(self.spec, theirs, theirs_division, self.names),
            lambda stored: self._store(mine, division_id, stored),
            lambda: self._reload(record_id),
        )

    def _reload(self, record_id: int) -> None:
        self.refresh()
        if not self.select_record(record_id):
            try:
                self.show_record(self.service.get(self.spec.kind, record_id))
            except GongkaiError as exc:
                show_error(self, exc)

    def delete(self) -> None:
        record = self.current
        if record is None or not record.editable:
            return
        if not confirm(
            self, f"确定删除{self.spec.label}「{record.title}」吗？删除会记入审计日志。"
        ):
            return
        try:
            self.service.delete(self.spec.kind, record.id, record.version)
        except GongkaiError as exc:
            show_error(self, exc)
            self.refresh()
            return
        self.current = None
        self.dirty = False
        self.refresh()
        self.saved.emit()
