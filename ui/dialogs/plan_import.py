"""导入年度工作要点: choose a .txt/.docx and the year, check and edit the preview, decide what each
unknown division name stands for, then store everything in one go.

The preview table is editable (编号, 所属部分, 任务名称, 牵头处室, 责任处室; names separated by 、).
Every edit and every decision recomputes the preview through the service, so what the table shows
is what the import stores. Names that are no division are highlighted; each needs a decision (map
to a division, add as a new division, or leave it out) before 导入 is enabled.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.labels import DivisionKind
from gongkai_desktop.domain.plan import is_group_word
from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.importers.plan import ParsedPlan, ParsedTask, parse_plan_file
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.plan import PlanService
from gongkai_desktop.services.plan_import import (
    ImportPreview,
    NameDecisions,
    PlanImportResult,
    preview_plan_import,
)

from ..context import UiContext
from ..files import ask_open_path
from ..fit import FitsOnScreen
from ..messages import show_error
from ..widgets import ErrorLabel, hint
from ..worker import call_job, cancellable_call, run_with_progress

log = logging.getLogger(__name__)

PREVIEW_HEADERS = ("编号", "所属部分", "任务名称", "牵头处室", "责任处室", "分配给")
COL_NO, COL_SECTION, COL_TITLE, COL_LEAD, COL_RESP, COL_RESOLVED = range(6)
EDITABLE = (COL_NO, COL_SECTION, COL_TITLE, COL_LEAD, COL_RESP)
UNKNOWN_BRUSH = QBrush(QColor("#fde2e0"))
DECIDED_BRUSH = QBrush(QColor("#fff6e0"))
NEW_BRUSH = QBrush(QColor("#e6f4ea"))
_NAME_SPLIT = re.compile(r"[、，,；;\s]+")

CHOICE_NONE = ""
CHOICE_ADD_BUSINESS = "add:business"
CHOICE_ADD_OTHER = "add:other"
CHOICE_IGNORE = "ignore"


def split_names(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for n in _NAME_SPLIT.split(text or "") if n))


def guess_year(path: Path) -> int | None:
    match = re.search(r"(20\d\d)", path.stem)
    return int(match.group(1)) if match else None


class PlanImportDialog(FitsOnScreen, QDialog):
    """Import a plan document with an editable preview; ``result_summary`` is set on success."""

    imported = Signal(object)  # PlanImportResult

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, year: int | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.parsed: ParsedPlan | None = None
        self.preview: ImportPreview | None = None
        self.result: PlanImportResult | None = None
        self._filling = False
        self._decisions_widgets: dict[str, QComboBox] = {}
        self._build_ui(year or date.today().year)
        self._connect_signals()
        self._update_state()

    # ----- building ----------------------------------------------------------------------------
    def _build_ui(self, year: int) -> None:
        self.setWindowTitle("导入年度工作要点")
        self.resize(1240, 720)
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        top.addWidget(QLabel("文件：", self))
        self.path = QLineEdit(self)
        self.path.setPlaceholderText("选择工作要点文件（.txt 或 .docx）")
        self.path.setReadOnly(True)
        top.addWidget(self.path, 1)
        self.browse = QPushButton("选择文件…", self)
        top.addWidget(self.browse)
        top.addSpacing(16)
        top.addWidget(QLabel("年度：", self))
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.year.setSuffix(" 年")
        top.addWidget(self.year)
        layout.addLayout(top)

        layout.addWidget(
            hint(
                "识别结果可以直接修改：双击单元格编辑编号、所属部分、任务名称、牵头处室和责任处室"
                "（多个处室用“、”分隔）。“各业务处”“相关业务处”分配给全部业务处，“各处室”分配给全部处室。"
                "同一年度再次导入时按任务编号更新，已报送的季度进展保留。",
                self,
            )
        )
        self.warnings = QLabel(self)
        self.warnings.setObjectName("warningLabel")
        self.warnings.setWordWrap(True)
        self.warnings.hide()
        layout.addWidget(self.warnings)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.table = QTableWidget(0, len(PREVIEW_HEADERS), splitter)
        self.table.setObjectName("planPreview")
        self.table.setHorizontalHeaderLabels(PREVIEW_HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((COL_NO, 48), (COL_SECTION, 130), (COL_TITLE, 300),
                              (COL_LEAD, 150), (COL_RESP, 200)):  # fmt: skip
            self.table.setColumnWidth(column, width)

        unknown_box = QGroupBox("未识别的处室名称（每个名称都需要处理后才能导入）", splitter)
        unknown_layout = QVBoxLayout(unknown_box)
        self.unknown = QTableWidget(0, 3, unknown_box)
        self.unknown.setObjectName("planUnknownNames")
        self.unknown.setHorizontalHeaderLabels(("文件中的名称", "出现在任务", "处理方式"))
        self.unknown.verticalHeader().setVisible(False)
        self.unknown.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.unknown.horizontalHeader().setStretchLastSection(True)
        self.unknown.setColumnWidth(0, 180)
        self.unknown.setColumnWidth(1, 160)
        unknown_layout.addWidget(self.unknown)
        self.unknown_box = unknown_box
        splitter.addWidget(self.table)
        splitter.addWidget(unknown_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

        self.summary = QLabel(self)
        self.summary.setObjectName("hintLabel")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)

        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.browse.clicked.connect(self.choose_file)
        self.year.valueChanged.connect(self.refresh_preview)
        self.table.itemChanged.connect(self._on_item_changed)
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)

    # ----- loading -----------------------------------------------------------------------------
    def choose_file(self) -> None:
        path = ask_open_path(
            self,
            self.ctx.settings,
            "plan/last_folder",
            "选择工作要点文件",
            "工作要点 (*.txt *.docx);;所有文件 (*)",
        )
        if path is not None:
            self.load_file(path)

    def load_file(self, path: Path) -> bool:
        """Parse ``path`` (on the worker) and fill the preview; False when it failed."""
        try:
            parsed = run_with_progress(
                self,
                cancellable_call(lambda cancel: parse_plan_file(path, cancel), "正在识别工作要点"),
                "导入工作要点",
            )
        except GongkaiError as exc:
            show_error(self, exc)
            return False
        self.path.setText(str(path))
        year = guess_year(path)
        if year is not None and 2000 <= year <= 2100:
            self.year.blockSignals(True)
            self.year.setValue(year)
            self.year.blockSignals(False)
        self.set_parsed(parsed)
        return True

    def set_parsed(self, parsed: ParsedPlan) -> None:
        self.parsed = parsed
        self._decisions_widgets = {}
        self.unknown.setRowCount(0)
        self._fill_table(parsed.tasks)
        self.refresh_preview()

    def _fill_table(self, tasks: tuple[ParsedTask, ...]) -> None:
        self._filling = True
        try:
            self.table.setRowCount(len(tasks))
            for row, task in enumerate(tasks):
                values = {
                    COL_NO: str(task.no),
                    COL_SECTION: task.section,
                    COL_TITLE: task.title,
                    COL_LEAD: "、".join(task.lead),
                    COL_RESP: "、".join(task.responsible),
                    COL_RESOLVED: "",
                }
                for column, text in values.items():
                    item = QTableWidgetItem(text)
                    if column == COL_TITLE:
                        item.setToolTip(task.text)
                    if column == COL_NO:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    if column not in EDITABLE:
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    self.table.setItem(row, column, item)
        finally:
            self._filling = False

    # ----- the preview -------------------------------------------------------------------------
    def edited_tasks(self) -> list[ParsedTask]:
        """The tasks as the table now shows them (the full text is kept from the document)."""
        assert self.parsed is not None
        out = []
        for row, original in enumerate(self.parsed.tasks):
            text = {c: (self.table.item(row, c).text() if self.table.item(row, c) else "")
                    for c in EDITABLE}  # fmt: skip
            try:
                no = int(text[COL_NO].strip())
            except ValueError:
                no = 0
            out.append(
                dataclasses.replace(
                    original,
                    no=no,
                    section=text[COL_SECTION].strip(),
                    title=text[COL_TITLE].strip(),
                    lead=split_names(text[COL_LEAD]),
                    responsible=split_names(text[COL_RESP]),
                )
            )
        return out

    def decisions(self) -> NameDecisions:
        mapping: dict[str, str] = {}
        add: dict[str, DivisionKind] = {}
        ignore: set[str] = set()
        for name, combo in self._decisions_widgets.items():
            choice = combo.currentData() or CHOICE_NONE
            if choice == CHOICE_ADD_BUSINESS:
                add[name] = DivisionKind.BUSINESS
            elif choice == CHOICE_ADD_OTHER:
                add[name] = DivisionKind.OTHER
            elif choice == CHOICE_IGNORE:
                ignore.add(name)
            elif choice.startswith("map:"):
                mapping[name] = choice[4:]
        return NameDecisions(mapping, add, frozenset(ignore))

    def undecided(self) -> list[str]:
        return [name for name, combo in self._decisions_widgets.items() if not combo.currentData()]

    def refresh_preview(self) -> None:
        if self.parsed is None:
            self._update_state()
            return
        tasks = self.edited_tasks()
        # Names needing a decision are those unknown without any decision.
        raw = preview_plan_import(self.ctx.db, self.year.value(), tasks, NameDecisions())
        self._sync_unknown_rows(raw.unknown)
        self.preview = preview_plan_import(self.ctx.db, self.year.value(), tasks, self.decisions())
        self._show_resolution(tasks, raw)
        self._update_state()

    def _sync_unknown_rows(self, unknown: dict[str, tuple[int, ...]]) -> None:
        """One row per unknown name with its decision; rebuilt only when the names change, so a
        decision being made never destroys its own combo box."""
        if list(unknown) == list(self._decisions_widgets):
            for row, numbers in enumerate(unknown.values()):
                self.unknown.item(row, 1).setText("、".join(f"第{n}项" for n in numbers))
            return
        previous = {name: combo.currentData() for name, combo in self._decisions_widgets.items()}
        self.unknown.setRowCount(len(unknown))
        self._decisions_widgets = {}
        divisions = [d.name for d in AdminService(self.ctx.db, self.ctx.actor).list_divisions()]
        for row, (name, numbers) in enumerate(unknown.items()):
            item = QTableWidgetItem(name)
            item.setBackground(UNKNOWN_BRUSH)
            self.unknown.setItem(row, 0, item)
            self.unknown.setItem(row, 1, QTableWidgetItem("、".join(f"第{n}项" for n in numbers)))
            combo = QComboBox(self.unknown)
            combo.setObjectName(f"decision:{name}")
            combo.addItem("请选择处理方式…", CHOICE_NONE)
            for division in divisions:
                combo.addItem(f"对应到：{division}", f"map:{division}")
            combo.addItem("新增为业务处", CHOICE_ADD_BUSINESS)
            combo.addItem("新增为其他处室", CHOICE_ADD_OTHER)
            combo.addItem("忽略（不分配给任何处室）", CHOICE_IGNORE)
            index = combo.findData(previous.get(name, CHOICE_NONE))
            combo.setCurrentIndex(max(index, 0))
            combo.currentIndexChanged.connect(self.refresh_preview)
            self.unknown.setCellWidget(row, 2, combo)
            self._decisions_widgets[name] = combo
        self.unknown_box.setVisible(bool(unknown))

    def _show_resolution(self, tasks: list[ParsedTask], raw: ImportPreview) -> None:
        assert self.preview is not None
        self._filling = True
        try:
            for row, (task, shown) in enumerate(zip(tasks, self.preview.tasks, strict=True)):
                unknown = set(raw.tasks[row].unknown)
                parts = []
                if shown.lead:
                    parts.append("牵头：" + "、".join(shown.lead))
                if shown.responsible:
                    parts.append("责任：" + "、".join(shown.responsible))
                if shown.unknown:
                    parts.append("待处理：" + "、".join(shown.unknown))
                resolved = self.table.item(row, COL_RESOLVED)
                resolved.setText("；".join(parts) or "（未分配）")
                resolved.setToolTip("\n".join(parts))
                for column, names in ((COL_LEAD, task.lead), (COL_RESP, task.responsible)):
                    item = self.table.item(row, column)
                    bad = [n for n in names if n in unknown]
                    pending = [n for n in bad if n in shown.unknown]
                    item.setBackground(
                        UNKNOWN_BRUSH if pending else DECIDED_BRUSH if bad else QBrush()
                    )
                    groups = [n for n in names if is_group_word(n)]
                    tips = []
                    if bad:
                        tips.append("不是本单位的处室：" + "、".join(bad))
                    if groups:
                        tips.append("分组词：" + "、".join(groups))
                    item.setToolTip("\n".join(tips))
                number = self.table.item(row, COL_NO)
                number.setBackground(QBrush() if shown.exists else NEW_BRUSH)
                number.setToolTip("更新已有任务" if shown.exists else "新增任务")
        finally:
            self._filling = False

    def _on_item_changed(self, _item: QTableWidgetItem) -> None:
        if not self._filling:
            self.refresh_preview()

    def _update_state(self) -> None:
        notes: list[str] = []
        if self.parsed is not None:
            notes.extend(self.parsed.warnings)
        if self.preview is not None:
            notes.extend(self.preview.warnings)
        notes = list(dict.fromkeys(notes))
        self.warnings.setText("\n".join(notes))
        self.warnings.setVisible(bool(notes))
        undecided = self.undecided()
        if self.preview is None or self.parsed is None:
            self.summary.setText("请选择工作要点文件。")
            self.import_button.setEnabled(False)
            return
        p = self.preview
        text = (
            f"{self.year.value()}年：共识别 {len(p.tasks)} 项任务，将新增 {len(p.new_numbers)} 项、"
            f"更新 {len(p.updated_numbers)} 项"
        )
        if p.removed_numbers:
            text += (
                f"，移除 {len(p.removed_numbers)} 项（第"
                + "、".join(map(str, p.removed_numbers))
                + "项不在本文件中，其季度进展保留）"
            )
        text += "。"
        if undecided:
            text += f"还有 {len(undecided)} 个处室名称未处理：" + "、".join(undecided) + "。"
        self.summary.setText(text)
        self.import_button.setEnabled(bool(p.tasks) and not undecided and not p.blocked)

    # ----- importing ---------------------------------------------------------------------------
    def do_import(self) -> None:
        if self.parsed is None or self.preview is None:
            return
        self.error.clear_message()
        tasks = self.edited_tasks()
        decisions = self.decisions()
        year = self.year.value()
        service = PlanService(self.ctx.db, self.ctx.actor)
        try:
            self.result = run_with_progress(
                self,
                call_job(lambda: service.import_plan(year, tasks, decisions), "正在保存年度任务"),
                "导入工作要点",
                cancellable=False,
            )
        except GongkaiError as exc:
            self.error.show_message(str(exc))
            return
        self.imported.emit(self.result)
        self.accept()
