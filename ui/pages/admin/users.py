"""用户: accounts with their role and division; add, edit (role, division, active), reset a
password. Every change goes through ``AdminService``, which keeps at least one active admin."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.domain.labels import Role
from gongkai_desktop.errors import ConflictError, GongkaiError, PermissionDenied, ValidationError
from gongkai_desktop.services.admin import AdminService, UserInfo

from ...context import UiContext
from ...formatting import local_time
from ...list_keys import ListKeys
from ...messages import show_error, show_info
from ...models import Column, RowTableModel
from ...widgets import FormDialog, PasswordPair, RecordTable, hint
from .base import AdminTab, button_row

log = logging.getLogger(__name__)

ROLE_HINTS = {
    Role.ADMIN: "管理员：综合处工作人员，可进行所有操作。",
    Role.LIAISON: "联络员：只能新增、修改本处室的记录，可查看计划、日历和本处室得分。",
    Role.LEADER: "领导：可查看全部内容，不能修改。",
}


def _state(u: UserInfo) -> str:
    return "启用" if u.active else "已停用"


COLUMNS = (
    Column("用户名", lambda u: u.username),
    Column("姓名", lambda u: u.display_name),
    Column("角色", lambda u: u.role.label),
    Column("处室", lambda u: u.division_name),
    Column("状态", _state),
    Column("最近登录", lambda u: local_time(u.last_login_at), lambda u: str(u.last_login_at or "")),
    Column("锁定至", lambda u: local_time(u.locked_until), lambda u: str(u.locked_until or "")),
)


class UserDialog(FormDialog):
    """Add an account (``user`` None: with its first password) or edit one."""

    closing_errors = (PermissionDenied, ConflictError)

    def __init__(
        self, ctx: UiContext, user: UserInfo | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user = user
        self.saved: UserInfo | None = None
        self._build_ui()
        self._connect_signals()

    def _build_ui(self) -> None:
        self.setWindowTitle("新增用户" if self.user is None else "编辑用户")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username = QLineEdit(self)
        self.username.setMaxLength(64)
        self.display_name = QLineEdit(self)
        self.display_name.setMaxLength(64)
        self.role = QComboBox(self)
        for member in Role:
            self.role.addItem(member.label, member.value)
        self.role_hint = QLabel(self)
        self.role_hint.setObjectName("hintLabel")
        self.role_hint.setWordWrap(True)
        self.division = QComboBox(self)
        service = AdminService(self.ctx.db, self.ctx.actor)
        for d in service.list_divisions(include_inactive=False):
            self.division.addItem(d.name, d.id)
        form.addRow("用户名：", self.username)
        form.addRow("姓名：", self.display_name)
        form.addRow("角色：", self.role)
        form.addRow("", self.role_hint)
        form.addRow("所属处室：", self.division)
        self.passwords: PasswordPair | None = None
        self.active: QCheckBox | None = None
        if self.user is None:
            self.role.setCurrentIndex(list(Role).index(Role.LIAISON))
            self.passwords = PasswordPair(form, "初始密码：")
        else:
            self.username.setText(self.user.username)
            self.username.setReadOnly(True)
            self.display_name.setText(self.user.display_name)
            self.role.setCurrentIndex(list(Role).index(self.user.role))
            index = self.division.findData(self.user.division_id)
            if index < 0:  # the account's division was deactivated: still show it
                self.division.addItem(f"{self.user.division_name}（已停用）", self.user.division_id)
                index = self.division.count() - 1
            self.division.setCurrentIndex(index)
            self.active = QCheckBox("账号启用", self)
            self.active.setChecked(self.user.active)
            form.addRow("", self.active)
        layout.addLayout(form)
        self.add_footer(layout)
        self._role_changed()

    def _connect_signals(self) -> None:
        self.role.currentIndexChanged.connect(self._role_changed)

    def _role_changed(self) -> None:
        self.role_hint.setText(ROLE_HINTS.get(Role(self.role.currentData()), ""))

    def submit(self) -> None:
        if self.division.currentData() is None:
            raise ValidationError("请先在「处室」中新增处室。")
        service = AdminService(self.ctx.db, self.ctx.actor)
        role = Role(self.role.currentData())
        division_id = int(self.division.currentData())
        if self.user is None:
            assert self.passwords is not None
            self.saved = service.add_user(
                self.username.text(),
                self.passwords.checked(),
                division_id,
                role,
                self.display_name.text(),
            )
        else:
            assert self.active is not None
            self.saved = service.update_user(
                self.user.id,
                expected_version=self.user.version,
                display_name=self.display_name.text(),
                role=role,
                division_id=division_id,
                active=self.active.isChecked(),
            )


class ResetPasswordDialog(FormDialog):
    def __init__(self, ctx: UiContext, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user = user
        self._build_ui()

    def _build_ui(self) -> None:
        self.setWindowTitle("重置密码")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint(
                f"为「{self.user.display_name}（{self.user.username}）」设置新密码。"
                "重置后账号的登录锁定同时解除，请把新密码当面告知本人。",
                self,
            )
        )
        form = QFormLayout()
        self.passwords = PasswordPair(form, "新密码：")
        layout.addLayout(form)
        self.add_footer(layout)

    def submit(self) -> None:
        password = self.passwords.checked()
        AdminService(self.ctx.db, self.ctx.actor).reset_password(self.user.id, password)


class UsersTab(AdminTab):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._build_ui()
        self._connect_signals()

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        self.add_button = QPushButton("新增用户…", self)
        self.edit_button = QPushButton("编辑…", self)
        self.reset_button = QPushButton("重置密码…", self)
        self.refresh_button = QPushButton("刷新", self)
        layout.addLayout(
            button_row(self.add_button, self.edit_button, self.reset_button, self.refresh_button)
        )
        self.model = RowTableModel(COLUMNS, muted=lambda u: not u.active, parent=self)
        self.table = RecordTable(self.model, self)
        layout.addWidget(self.table, 1)
        layout.addWidget(
            hint(
                "联络员只能编辑本处室的记录；领导只能查看。连续输错密码 5 次后账号会被临时锁定，"
                "重置密码可立即解锁。至少要保留一个启用的管理员账号。",
                self,
            )
        )
        self._update_buttons()

    def _connect_signals(self) -> None:
        self.add_button.clicked.connect(self.add_user)
        self.edit_button.clicked.connect(self.edit_user)
        self.reset_button.clicked.connect(self.reset_password)
        self.refresh_button.clicked.connect(self.reload)
        self.table.doubleClicked.connect(lambda _index: self.edit_user())
        self.list_keys = ListKeys(
            self, self.table, new=self.add_button, open=self.edit_button, empty="尚无用户。"
        )
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

    def tab_shown(self) -> None:
        self.reload()

    def reload(self) -> None:
        selected = self.table.selected()
        try:
            rows = self.admin().list_users()
        except GongkaiError as exc:
            self.model.set_rows([])
            show_error(self, exc)
            return
        self.model.set_rows(rows)
        self.table.fit_columns()
        if selected is not None:
            self.table.select_where(lambda u: u.id == selected.id)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.table.selected() is not None
        self.edit_button.setEnabled(has)
        self.reset_button.setEnabled(has)

    def add_user(self) -> None:
        dialog = UserDialog(self.ctx, None, self)
        dialog.exec()
        self.reload()
        if dialog.saved is not None:
            saved = dialog.saved
            self.table.select_where(lambda u: u.id == saved.id)

    def edit_user(self) -> None:
        current = self.table.selected()
        if current is None:
            return
        UserDialog(self.ctx, current, self).exec()
        self.reload()

    def reset_password(self) -> None:
        current = self.table.selected()
        if current is None:
            return
        if ResetPasswordDialog(self.ctx, current, self).exec() == QDialog.DialogCode.Accepted:
            show_info(self, f"已为 {current.username} 重置密码。")
            self.reload()
