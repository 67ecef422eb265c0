"""政策解读: the list of interpretations with their synchronisation check, and the workbench each
one opens in (``interpretation_workbench``).

谁起草、谁解读: a liaison creates and edits the interpretations of their own division's documents;
the admin edits all, leaders read. The services enforce it; the page only hides what cannot work.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.interpretation import InterpretationFields, InterpretationStatus
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.services.interpretations import (
    InterpretationQuery,
    InterpretationRow,
    InterpretationService,
)

from ..context import UiContext
from ..fit import FitsOnScreen
from ..formatting import short_date
from ..messages import show_error
from ..models import Column
from ..widgets import ErrorLabel, fill_registry_menu
from .checked_records import RED_BRUSH, CheckedRecordsPage, FindingsTableModel, kind_menu

log = logging.getLogger(__name__)


def sync_text(row: InterpretationRow) -> str:
    return "⚠ " + "；".join(row.sync_problems) if row.sync_problems else "同步"


# The sync check comes right after who and what, so it is on screen at 1366×768.
COLUMNS = (
    Column("解读标题", lambda r: r.title),
    Column("政策文件", lambda r: r.document_title),
    Column("文号", lambda r: r.document_number),
    Column("处室", lambda r: r.division_name),
    Column("状态", lambda r: r.status.label),
    Column("同步检查", sync_text, tooltip=sync_text),
    Column(
        "文件审签", lambda r: short_date(r.document_approved_on), lambda r: r.document_approved_on
    ),
    Column("解读审签", lambda r: short_date(r.approved_on), lambda r: r.approved_on),
    Column(
        "文件发布", lambda r: short_date(r.document_published_on), lambda r: r.document_published_on
    ),
    Column("解读发布", lambda r: short_date(r.published_on), lambda r: r.published_on),
    Column("解读形式", lambda r: "、".join(f.label for f in r.forms)),
)
SYNC_COLUMN = 5


class InterpretationTableModel(FindingsTableModel):
    """Interpretations; a breach of the synchronisation rule is shown in red."""

    check_column = SYNC_COLUMN

    def colour(self, row: InterpretationRow) -> QBrush | None:
        return RED_BRUSH if row.sync_problems else None


class NewInterpretationDialog(FitsOnScreen, QDialog):
    """What a new interpretation needs before the workbench opens: which document, whose."""

    def __init__(self, service: InterpretationService, actor_role: Role, parent=None):  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.service = service
        self.setWindowTitle("新建政策解读")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.division = QComboBox(self)
        for division_id, name in service.divisions():
            self.division.addItem(name, division_id)
        self.document = QComboBox(self)
        self.document.setToolTip("从本处室登记的规范性文件中选择，或直接填写下面的文件名称和文号")
        self.document_title = QLineEdit(self)
        self.document_number = QLineEdit(self)
        self.document_number.setPlaceholderText("如：赣乡振规〔2021〕1号（没有文号可不填）")
        self.title = QLineEdit(self)
        self.title.setPlaceholderText("默认：《文件名称》政策解读")
        form.addRow("责任处室：", self.division)
        form.addRow("规范性文件：", self.document)
        form.addRow("政策文件名称：", self.document_title)
        form.addRow("文号：", self.document_number)
        form.addRow("解读标题：", self.title)
        layout.addLayout(form)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("创建并打开工作台")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.division.setEnabled(actor_role is not Role.LIAISON and self.division.count() > 1)
        self.division.currentIndexChanged.connect(self._fill_documents)
        self.document.currentIndexChanged.connect(self._pick_document)
        self.created_id: int | None = None
        self._fill_documents()

    def _fill_documents(self) -> None:
        division_id = self.division.currentData()
        fill_registry_menu(
            self.document,
            "（不从登记簿选择）",
            lambda: self.service.division_documents(division_id),
        )

    def _pick_document(self) -> None:
        picked = self.document.currentData()
        if picked:
            number, title = picked
            self.document_number.setText(number)
            self.document_title.setText(title)

    def fields(self) -> InterpretationFields:
        document_title = self.document_title.text().strip()
        title = self.title.text().strip() or (
            f"{_book(document_title)}政策解读" if document_title else ""
        )
        return InterpretationFields(
            title=title,
            document_title=document_title,
            document_number=self.document_number.text().strip(),
        )

    def submit(self) -> None:
        try:
            detail = self.service.create(self.division.currentData(), self.fields())
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return
        self.created_id = detail.row.id
        self.accept()


def _book(title: str) -> str:
    """A document title in 《》 (unless it already is)."""
    return title if title.startswith("《") else f"《{title}》"


class InterpretationsPage(CheckedRecordsPage):
    search_hint = "搜索解读标题、文件名称、文号"
    new_text = "新建解读…"
    open_text = "打开工作台"
    empty_text = "尚无政策解读。点击「新建解读…」，选择要解读的政策文件。"
    list_widths = {0: 220, 1: 190, SYNC_COLUMN: 300}

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        service = InterpretationService(ctx.db, ctx.actor, ctx.app.paths.attachments_dir)
        super().__init__(ctx, service, parent)
        self.workbenches: dict[int, QWidget] = {}
        self.new_button.clicked.connect(self.new_interpretation)

    def _build_filters(self) -> tuple[tuple[str, QComboBox], QCheckBox]:
        self.status = kind_menu(self, InterpretationStatus)
        self.out_of_sync = QCheckBox("只看不同步", self)
        return ("状态：", self.status), self.out_of_sync

    def _make_model(self) -> InterpretationTableModel:
        return InterpretationTableModel(COLUMNS, parent=self)

    def check_line_text(self, row: InterpretationRow) -> str:
        return f"{row.title}：{sync_text(row)}" if row.sync_problems else ""

    def _on_workbench_saved(self) -> None:
        self._fill_filters()
        self.refresh()

    def query(self) -> InterpretationQuery:
        status = self.status.currentData()
        return InterpretationQuery(
            year=self.year.currentData(),
            division_id=self.division.currentData(),
            status=InterpretationStatus(status) if status else None,
            out_of_sync=self.out_of_sync.isChecked(),
            text=self.search.text().strip(),
        )

    def load(self) -> tuple[list[InterpretationRow], str]:
        rows = self.service.list_interpretations(self.query())
        published = sum(1 for r in rows if r.status is InterpretationStatus.PUBLISHED)
        problems = sum(1 for r in rows if r.sync_problems)
        tolerance = self.service.sync_tolerance()
        rule = "同日" if tolerance <= 0 else f"{tolerance} 个工作日内"
        summary = (
            f"共 {len(rows)} 篇，已发布 {published} 篇，不同步 {problems} 篇"
            f"（规则：解读与文件同日审签，{rule}发布）"
        )
        return rows, summary

    # -- actions ----------------------------------------------------------------------------
    def new_interpretation(self) -> None:
        dialog = NewInterpretationDialog(self.service, self.ctx.actor.role, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.created_id is None:
            return
        self.refresh()
        self.table.select_where(lambda r: r.id == dialog.created_id)
        self.open_workbench(dialog.created_id)

    def open_selected(self) -> None:
        row = self.table.selected()
        if row is not None:
            self.open_workbench(row.id)

    def open_workbench(self, interpretation_id: int) -> QWidget | None:
        """Open (or bring to front) the workbench of one interpretation."""
        from .interpretation_workbench import InterpretationWorkbench

        window = self.workbenches.get(interpretation_id)
        if window is None:
            try:
                window = InterpretationWorkbench(self.ctx, interpretation_id, self)
            except GongkaiError as exc:
                show_error(self, exc)
                self.refresh()
                return None
            window.saved.connect(lambda _id: self._on_workbench_saved())
            window.closed.connect(self._forget_workbench)
            self.workbenches[interpretation_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _forget_workbench(self, interpretation_id: int) -> None:
        self.workbenches.pop(interpretation_id, None)
        self.refresh()

    def delete_question(self, row: InterpretationRow) -> str | None:
        if row.id in self.workbenches:
            show_error(self, "这篇解读正在工作台中打开，请先关闭工作台再删除。")
            return None
        return f"确定删除解读「{row.title}」吗？删除会记入审计日志。"

    def close_windows(self) -> bool:
        """Close every open workbench (each asks about unsaved work); False when one stayed."""
        for window in list(self.workbenches.values()):
            if not window.close():
                return False
        return True
