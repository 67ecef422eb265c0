"""设置: the business settings stored in the database (``SETTING_DEFAULTS`` of the core).

Known settings get a label and a fitting editor; a setting added to the core later still appears,
with an editor chosen by the type of its default, so nothing needs changing here for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.services.admin import SETTING_DEFAULTS

from ...context import UiContext
from ...messages import show_error, show_info
from ...widgets import hint
from .base import AdminTab, button_row
from .deployment import DeploymentBox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SettingField:
    label: str
    minimum: int = 0
    maximum: int = 9999
    suffix: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    note: str = ""


FIELDS: dict[str, SettingField] = {
    "unit_name": SettingField("单位名称", note="显示在登录界面和报表中。"),
    "quarter_report_due_workdays": SettingField(
        "季度进展报送期限", 1, 30, " 个工作日", note="季度结束后第几个工作日前报送（默认 5）。"
    ),
    "interpretation_tolerance_workdays": SettingField(
        "解读发布允许滞后",
        0,
        30,
        " 个工作日",
        note="解读晚于文件发布多少个工作日仍算同步（默认 0）。",
    ),
    "normative_consultation_workdays": SettingField(
        "规范性文件征求意见期限",
        1,
        90,
        " 个工作日",
        note="公开征求意见不少于多少个工作日（默认 7）。",
    ),
    "major_consultation_days": SettingField(
        "重大行政决策征求意见期限",
        1,
        365,
        " 日",
        note="重大行政决策和规章公开征求意见不少于多少日（默认 30）。",
    ),
    "market_consultation_days": SettingField(
        "涉及市场主体文件征求意见期限",
        1,
        365,
        " 日",
        note="与市场主体生产经营活动密切相关的规范性文件（默认 30）。",
    ),
    "consultation_result_workdays": SettingField(
        "采纳情况公开期限",
        1,
        90,
        " 个工作日",
        note="征求意见截止后多少个工作日内公开意见采纳情况（默认 10）。",
    ),
    "word_fonts": SettingField(
        "公文字体",
        choices=(
            ("standard", "标准公文字体（方正小标宋简体、仿宋_GB2312、楷体_GB2312、黑体）"),
            ("fallback", "常用字体（宋体、黑体、楷体、仿宋），适用于未安装方正字体的电脑"),
        ),
    ),
    "font_title": SettingField("标题字体", note="留空则用上面所选字体；如「华文中宋」"),
    "font_body": SettingField("正文字体", note="留空则用上面所选字体"),
    "font_heading1": SettingField("一级标题字体", note="「一、」标题，留空则用所选字体"),
    "font_heading2": SettingField("二级标题字体", note="「（一）」标题，留空则用所选字体"),
    "font_table": SettingField("表格字体", note="留空则用上面所选字体"),
}


class SettingsTab(AdminTab):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.editors: dict[str, QWidget] = {}
        self.loaded: dict[str, Any] = {}
        self._build_ui()
        self._connect_signals()

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.deployment_box = DeploymentBox(self.ctx, self)
        layout.addWidget(self.deployment_box)
        box = QGroupBox("业务设置（保存在数据库中，所有电脑共用）", self)
        form = QFormLayout(box)
        form.setVerticalSpacing(10)
        for key, default in SETTING_DEFAULTS.items():
            field = FIELDS.get(key, SettingField(key))
            editor = self._editor(field, default, box)
            editor.setObjectName(f"setting_{key}")
            self.editors[key] = editor
            row = QHBoxLayout()
            row.setSpacing(12)
            row.addWidget(editor, 0 if isinstance(editor, QSpinBox) else 1)
            if field.note:
                note = hint(field.note, box)
                note.setWordWrap(False)
                row.addWidget(note)
            if isinstance(editor, QSpinBox):
                row.addStretch(1)
            form.addRow(f"{field.label}：", row)
        layout.addWidget(box)
        self.save_button = QPushButton("保存设置", self)
        self.revert_button = QPushButton("撤销修改", self)
        layout.addLayout(button_row(self.save_button, self.revert_button))
        layout.addStretch(1)

    @staticmethod
    def _editor(field: SettingField, default: Any, parent: QWidget) -> QWidget:
        if field.choices:
            combo = QComboBox(parent)
            combo.setMaximumWidth(520)
            for value, label in field.choices:
                combo.addItem(label, value)
            return combo
        if isinstance(default, bool):
            return QCheckBox(parent)
        if isinstance(default, int):
            spin = QSpinBox(parent)
            spin.setRange(field.minimum, field.maximum)
            spin.setSuffix(field.suffix)
            spin.setMaximumWidth(160)
            return spin
        edit = QLineEdit(parent)
        edit.setMaxLength(200)
        edit.setMaximumWidth(520)
        return edit

    def _connect_signals(self) -> None:
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.reload)

    def tab_shown(self) -> None:
        self.reload()

    def reload(self) -> None:
        service = self.admin()
        try:
            self.loaded = {key: service.get_setting(key) for key in SETTING_DEFAULTS}
        except GongkaiError as exc:
            show_error(self, exc)
            return
        for key, value in self.loaded.items():
            self._set_value(self.editors[key], value)

    @staticmethod
    def _set_value(editor: QWidget, value: Any) -> None:
        if isinstance(editor, QComboBox):
            index = editor.findData(value)
            if index < 0:  # a value this screen does not know: keep it selectable
                editor.addItem(str(value), value)
                index = editor.count() - 1
            editor.setCurrentIndex(index)
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value or 0))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))

    @staticmethod
    def _value(editor: QWidget) -> Any:
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QSpinBox):
            return editor.value()
        if isinstance(editor, QLineEdit):
            return editor.text().strip()
        return None

    def changes(self) -> dict[str, Any]:
        current = {key: self._value(editor) for key, editor in self.editors.items()}
        return {k: v for k, v in current.items() if v != self.loaded.get(k)}

    def save(self) -> None:
        changes = self.changes()
        if not changes:
            show_info(self, "设置没有修改。")
            return
        if "unit_name" in changes and not changes["unit_name"]:
            show_error(self, "单位名称不能为空。")
            return
        service = self.admin()
        saved = 0
        try:
            for key, value in changes.items():
                service.set_setting(key, value)
                saved += 1
        except GongkaiError as exc:
            show_error(self, exc)
            self.reload()
            return
        self.reload()
        show_info(self, f"已保存 {saved} 项设置。")
