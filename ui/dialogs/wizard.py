"""首次使用向导: the unit's name, its divisions, the first admin and, optionally, demo data.

Nothing is stored before 完成: the pages only check their input (in Chinese, under the form), and
the final step runs the core's ``initialize`` — followed by ``demo_job`` when demo data was asked
for — on the worker with a progress dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from gongkai_desktop import APP_NAME
from gongkai_desktop.app import AppContext, is_initialized
from gongkai_desktop.demo import demo_job
from gongkai_desktop.domain.labels import DEFAULT_DIVISIONS, DivisionKind
from gongkai_desktop.domain.permissions import Actor
from gongkai_desktop.errors import Cancelled
from gongkai_desktop.progress import CancelToken, Progress
from gongkai_desktop.services.setup import initialize

from ..fit import FitsOnScreen
from ..messages import show_error
from ..widgets import ErrorLabel, PasswordPair, hint
from ..worker import run_with_progress

log = logging.getLogger(__name__)

DEMO_CHECKBOX_TEXT = "生成演示数据（可随时删除数据文件夹重新开始）"
DEMO_SCALE = 200
NAME_MAX, CODE_MAX = 64, 16


class UnitPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build_ui()

    def _build_ui(self) -> None:
        self.setTitle(f"欢迎使用{APP_NAME}")
        self.setSubTitle(
            "第一次使用，需要填写单位名称、设置处室并创建管理员账号。"
            "各步骤的内容在最后一步点击「完成」后才会保存。"
        )
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("例如：江西省乡村振兴局")
        self.name.setMaxLength(100)
        form.addRow("单位名称：", self.name)
        layout.addLayout(form)
        layout.addWidget(
            hint(
                "单位名称用于登录界面、报表和年度报告的标题，以后可在「系统管理 › 设置」中修改。",
                self,
            )
        )
        layout.addStretch(1)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)

    def unit_name(self) -> str:
        return self.name.text().strip()

    def validatePage(self) -> bool:
        if not self.unit_name():
            self.error.show_message("请填写单位名称。")
            self.name.setFocus()
            return False
        self.error.clear_message()
        return True


class DivisionsPage(QWizardPage):
    """Editable list of divisions, prefilled with the defaults; one kind per row."""

    NAME, CODE, KIND = range(3)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build_ui()
        self._connect_signals()
        for name, code, kind in DEFAULT_DIVISIONS:
            self.add_row(name, code, kind)

    def _build_ui(self) -> None:
        self.setTitle("处室")
        self.setSubTitle(
            "核对本局的处室，并添加各业务处。必须有且只有一个综合处（本局政务公开办公室）；"
            "年度工作要点中的「各业务处」「相关业务处」会自动展开为所有业务处。"
        )
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["处室名称", "代码", "类型"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.CODE, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(self.KIND, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(self.CODE, 100)
        self.table.setColumnWidth(self.KIND, 120)
        layout.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("添加处室", self)
        self.remove_button = QPushButton("删除", self)
        self.up_button = QPushButton("上移", self)
        self.down_button = QPushButton("下移", self)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(
            hint("代码可留空，将自动编号。处室以后可在「系统管理 › 处室」中增改或停用。")
        )
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)

    def _connect_signals(self) -> None:
        self.add_button.clicked.connect(self._add_clicked)
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))

    def _add_clicked(self) -> None:
        row = self.add_row("", "", DivisionKind.BUSINESS)
        self.table.setCurrentCell(row, self.NAME)
        self.table.editItem(self.table.item(row, self.NAME))

    def add_row(self, name: str, code: str, kind: DivisionKind) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._fill_row(row, name, code, kind)
        return row

    def _fill_row(self, row: int, name: str, code: str, kind: DivisionKind) -> None:
        self.table.setItem(row, self.NAME, QTableWidgetItem(name))
        self.table.setItem(row, self.CODE, QTableWidgetItem(code))
        combo = QComboBox(self.table)
        for member in DivisionKind:
            combo.addItem(member.label, member.value)
        combo.setCurrentIndex(list(DivisionKind).index(kind))
        self.table.setCellWidget(row, self.KIND, combo)

    def _row(self, row: int) -> tuple[str, str, DivisionKind]:
        name_item = self.table.item(row, self.NAME)
        code_item = self.table.item(row, self.CODE)
        combo = self.table.cellWidget(row, self.KIND)
        assert isinstance(combo, QComboBox)
        return (
            name_item.text().strip() if name_item else "",
            code_item.text().strip() if code_item else "",
            DivisionKind(combo.currentData()),
        )

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def move_current(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        here, there = self._row(row), self._row(target)
        self._fill_row(row, *there)
        self._fill_row(target, *here)
        self.table.setCurrentCell(target, self.NAME)

    def set_kind(self, row: int, kind: DivisionKind) -> None:
        combo = self.table.cellWidget(row, self.KIND)
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(list(DivisionKind).index(kind))

    def rows(self) -> list[tuple[str, str, DivisionKind]]:
        return [self._row(r) for r in range(self.table.rowCount())]

    def problems(self) -> list[str]:
        rows = self.rows()
        problems: list[str] = []
        if not rows:
            problems.append("至少需要一个处室。")
        names = [name for name, _code, _kind in rows]
        if any(not name for name in names):
            problems.append("处室名称不能为空（不需要的行请删除）。")
        for name in sorted({n for n in names if n and names.count(n) > 1}):
            problems.append(f"处室名称「{name}」重复。")
        for name in names:
            if len(name) > NAME_MAX:
                problems.append(f"处室名称「{name[:10]}…」超过 {NAME_MAX} 个字。")
        codes = [code for _name, code, _kind in rows if code]
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            problems.append(f"处室代码「{code}」重复。")
        for code in codes:
            if len(code) > CODE_MAX or any(ch.isspace() for ch in code):
                problems.append(f"处室代码「{code}」不能超过 {CODE_MAX} 个字符，也不能包含空格。")
        offices = [name for name, _code, kind in rows if kind is DivisionKind.OPENNESS_OFFICE]
        if len(offices) != 1:
            problems.append(f"必须有且只有一个综合处（政务公开办公室），现在有 {len(offices)} 个。")
        return problems

    def divisions(self) -> list[tuple[str, str, DivisionKind]]:
        """The rows as the core's ``initialize`` takes them, blank codes numbered."""
        rows = self.rows()
        used = {code for _name, code, _kind in rows if code}
        result = []
        number = 1
        for name, code, kind in rows:
            if not code:
                while f"D{number:02d}" in used:
                    number += 1
                code = f"D{number:02d}"
                used.add(code)
            result.append((name, code, kind))
        return result

    def validatePage(self) -> bool:
        problems = self.problems()
        if problems:
            self.error.show_message("\n".join(problems))
            return False
        self.error.clear_message()
        return True


class AdminPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build_ui()

    def _build_ui(self) -> None:
        self.setTitle("管理员账号")
        self.setSubTitle(
            "创建第一个管理员（属于综合处）。管理员可以维护处室和用户、导入节假日安排、查看审计日志、备份和恢复数据。"
        )
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username = QLineEdit(self)
        self.username.setPlaceholderText("登录用的名字，例如 admin 或姓名拼音")
        self.username.setMaxLength(64)
        self.display_name = QLineEdit(self)
        self.display_name.setPlaceholderText("例如：张三")
        self.display_name.setMaxLength(64)
        form.addRow("用户名：", self.username)
        form.addRow("姓名：", self.display_name)
        self.passwords = PasswordPair(form)
        layout.addLayout(form)
        layout.addStretch(1)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)

    def validatePage(self) -> bool:
        username = self.username.text().strip()
        problems = []
        if not username:
            problems.append("请填写用户名。")
        elif any(ch.isspace() for ch in username):
            problems.append("用户名不能包含空格。")
        password_problem = self.passwords.problem()
        if password_problem:
            problems.append(password_problem)
        if problems:
            self.error.show_message("\n".join(problems))
            return False
        self.error.clear_message()
        return True


class FinishPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build_ui()

    def _build_ui(self) -> None:
        self.setTitle("确认并完成")
        self.setSubTitle("请核对以下内容，点击「完成」后保存。")
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        layout.addSpacing(12)
        self.demo = QCheckBox(DEMO_CHECKBOX_TEXT, self)
        layout.addWidget(self.demo)
        layout.addWidget(
            hint(
                "演示数据会增加几个业务处和一批示例账号（领导 leader、各处室联络员），"
                "密码均为 demo-gk-2026，便于试用各项功能。正式使用时请不要勾选。",
                self,
            )
        )
        layout.addStretch(1)

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        divisions = wizard.divisions_page.divisions()
        office = next(n for n, _c, k in divisions if k is DivisionKind.OPENNESS_OFFICE)
        business = [n for n, _c, k in divisions if k is DivisionKind.BUSINESS]
        admin = wizard.admin_page
        name = admin.display_name.text().strip()
        self.summary.setText(
            f"单位名称：{wizard.unit_page.unit_name()}\n"
            f"处室：共 {len(divisions)} 个，综合处为「{office}」，业务处 {len(business)} 个"
            + (f"（{'、'.join(business)}）" if business else "")
            + "\n"
            f"管理员：{admin.username.text().strip()}"
            + (f"（{name}）" if name else "")
            + (
                "\n\n还没有业务处：可以返回上一步添加，也可以以后在「系统管理 › 处室」中添加。"
                if not business
                else ""
            )
        )


class FirstRunWizard(FitsOnScreen, QWizard):
    """Creates the unit on 完成; ``actor`` is the new admin afterwards."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.actor: Actor | None = None
        self.summary_lines: list[str] = []
        self._build_ui()

    def _build_ui(self) -> None:
        self.setWindowTitle(f"{APP_NAME} — 首次使用设置")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.BackButton, "< 上一步(&B)")
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步(&N) >")
        self.setButtonText(QWizard.WizardButton.FinishButton, "完成(&F)")
        self.setButtonText(QWizard.WizardButton.CancelButton, "取消")
        self.unit_page = UnitPage(self)
        self.divisions_page = DivisionsPage(self)
        self.admin_page = AdminPage(self)
        self.finish_page = FinishPage(self)
        for page in (self.unit_page, self.divisions_page, self.admin_page, self.finish_page):
            self.addPage(page)
        self.resize(760, 560)

    def accept(self) -> None:
        # Read the widgets here, on the GUI thread; the job gets plain values only.
        values = self._values()
        try:
            result: Any = run_with_progress(
                self, lambda cancel: self._run(values, cancel), "正在完成设置"
            )
        except Cancelled:
            # The unit is created before the demo data starts: once it exists, go on with it.
            if not is_initialized(self.app.db):
                return
            show_error(self, "演示数据的生成已取消，已生成的部分会保留。", "已取消")
            super().accept()
            return
        except Exception as exc:  # the job's error; an unexpected one is logged too
            show_error(self, exc)
            return
        self.actor, self.summary_lines = result
        log.info("first run finished: %s", "; ".join(self.summary_lines))
        super().accept()

    def _values(self) -> dict[str, Any]:
        admin = self.admin_page
        return {
            "unit": self.unit_page.unit_name(),
            "divisions": self.divisions_page.divisions(),
            "username": admin.username.text().strip(),
            "password": admin.passwords.text(),
            "display_name": admin.display_name.text().strip(),
            "demo": self.finish_page.demo.isChecked(),
        }

    def _run(
        self, values: dict[str, Any], cancel: CancelToken
    ) -> Generator[Progress, None, tuple[Actor, list[str]]]:
        """Runs on the worker: create the unit, then (if asked) add the demo data."""
        yield Progress(0, 0, "正在创建单位、处室和管理员账号……")
        actor = initialize(
            self.app.db,
            values["unit"],
            values["username"],
            values["password"],
            values["divisions"],
            values["display_name"],
        )
        lines = [f"已创建单位「{values['unit']}」和管理员 {values['username']}。"]
        if values["demo"]:
            yield Progress(0, 0, "正在生成演示数据……")
            lines += yield from demo_job(self.app, actor, scale=DEMO_SCALE, cancel=cancel)
        return actor, lines

    def admin_username(self) -> str:
        return self.admin_page.username.text().strip()
