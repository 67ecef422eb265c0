"""系统管理 › 设置 › 部署方式: the local file or a shared PostgreSQL server for this PC.

The dialog tests the connection, migrates the server and offers, once, to copy the local data up
(the work runs on the job worker); the choice takes effect at the next start.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop import deployment
from gongkai_desktop.app import is_initialized
from gongkai_desktop.errors import Cancelled, GongkaiError

from ...context import UiContext
from ...fit import FitsOnScreen
from ...messages import show_error
from ...widgets import hint
from ...worker import call_job, run_with_progress

log = logging.getLogger(__name__)


def describe(d: deployment.Deployment) -> str:
    if d.mode == deployment.SERVER:
        return f"共享服务器（PostgreSQL）：{d.server.describe()}"
    return "本机数据库文件（单机使用，可用报送包向综合处报送）"


class DeploymentDialog(FitsOnScreen, QDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.current = deployment.load(ctx.app.paths.data_dir)
        self.applied: deployment.Deployment | None = None
        self._build_ui()
        self._connect_signals()
        self._mode_changed()

    def _build_ui(self) -> None:
        self.setWindowTitle("部署方式")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"当前：{describe(self.current)}"))
        self.local_radio = QRadioButton("本机数据库文件（默认）")
        self.server_radio = QRadioButton("共享服务器（PostgreSQL，局域网内多台电脑共用）")
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.local_radio)
        self.modes.addButton(self.server_radio)
        (
            self.server_radio if self.current.mode == deployment.SERVER else self.local_radio
        ).setChecked(True)
        layout.addWidget(self.local_radio)
        layout.addWidget(self.server_radio)
        self.server_box = QGroupBox("服务器", self)
        form = QFormLayout(self.server_box)
        s = self.current.server
        self.host = QLineEdit(s.host)
        self.host.setPlaceholderText("例如 192.168.1.20 或 db.example.gov.cn")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(int(s.port))
        self.database = QLineEdit(s.database)
        self.user = QLineEdit(s.user)
        self.password = QLineEdit(deployment.stored_password(s) or "")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("记住密码（保存在系统钥匙串中）")
        has_ring = deployment.keyring_available()
        self.remember.setChecked(has_ring)
        self.remember.setEnabled(has_ring)
        form.addRow("服务器地址：", self.host)
        form.addRow("端口：", self.port)
        form.addRow("数据库：", self.database)
        form.addRow("用户名：", self.user)
        self.user.setToolTip(
            "服务器由信息管理员用 gongkai server setup 设置过权限时，这里填写各电脑共用的"
            "连接账号（gongkai_数据库名_gate）；登录程序时，每位用户以自己的账号连接服务器。"
        )
        form.addRow("", hint("已设置权限的服务器：填各电脑共用的连接账号 gongkai_数据库名_gate"))
        form.addRow("密码：", self.password)
        form.addRow("", self.remember)
        if not has_ring:
            form.addRow("", hint("本机没有可用的系统钥匙串：密码不会保存，每次启动程序时询问。"))
        test_row = QHBoxLayout()
        self.test_button = QPushButton("测试连接(&T)")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.status, 1)
        form.addRow("", test_row)
        layout.addWidget(self.server_box)
        layout.addWidget(
            hint(
                "改用服务器时会在服务器上建立数据表（数据库须由信息管理员事先建好），"
                "并可把本机现有数据一次性复制上去；新的部署方式在重新启动程序后生效。"
            )
        )
        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton(
            "应用(&A)", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.modes.buttonToggled.connect(lambda *_: self._mode_changed())
        self.test_button.clicked.connect(self.test)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)

    def _mode_changed(self) -> None:
        self.server_box.setEnabled(self.server_radio.isChecked())

    def settings(self) -> deployment.ServerSettings:
        return deployment.ServerSettings(
            self.host.text().strip(), self.port.value(), self.database.text().strip(),
            self.user.text().strip(),
        )  # fmt: skip

    def _run(self, fn: Any, message: str) -> Any:
        return run_with_progress(self, call_job(fn, message), "部署方式", message)

    def test(self) -> bool:
        server, password = self.settings(), self.password.text()
        try:
            version = self._run(lambda: deployment.test_connection(server, password), "正在连接……")
        except (GongkaiError, Cancelled) as exc:
            self.status.setText(f"连接失败：{exc}")
            self.status.setStyleSheet("color: #c0392b;")
            return False
        self.status.setText(f"连接成功（PostgreSQL {version}）")
        self.status.setStyleSheet("color: #1e8449;")
        return True

    def apply(self) -> None:
        paths = self.ctx.app.paths
        if self.local_radio.isChecked():
            chosen = deployment.Deployment(deployment.LOCAL, self.current.server)
            deployment.save(paths.data_dir, chosen)
            self.applied = chosen
            QMessageBox.information(self, "部署方式", "已改为本机数据库文件，重新启动程序后生效。")
            self.accept()
            return
        server, password = self.settings(), self.password.text()
        try:
            server_db = self._run(
                lambda: deployment.prepare_server(server, password), "正在建立数据表……"
            )
        except Cancelled:
            return
        except GongkaiError as exc:
            show_error(self, exc, "无法使用该服务器")
            return
        try:
            if server_db.on_gate and deployment.server_is_empty(server_db):
                QMessageBox.warning(
                    self,
                    "部署方式",
                    "服务器已设置权限，但还没有任何用户：请信息管理员先在服务器上建立数据"
                    "（或用所有者账号把本机数据复制上去）。",
                )
                return
            if (
                not server_db.on_gate
                and deployment.server_is_empty(server_db)
                and is_initialized(self.ctx.db)
            ):
                answer = QMessageBox.question(
                    self,
                    "复制本机数据",
                    "服务器上的数据库是空的。是否把本机的全部数据（含审计日志）复制到服务器？\n"
                    "只能复制这一次；以后各处室的数据请直接录入服务器或用报送包汇总。",
                )
                if answer == QMessageBox.StandardButton.Yes:
                    work = paths.data_dir / "tmp"
                    run_with_progress(
                        self,
                        lambda cancel: deployment.copy_up_job(
                            self.ctx.app, self.ctx.actor, server_db, work, cancel
                        ),
                        "复制本机数据到服务器",
                        "正在复制……",
                    )
        except Cancelled:
            return
        except GongkaiError as exc:
            show_error(self, exc, "复制未完成")
            return
        finally:
            server_db.dispose()
        chosen = deployment.Deployment(deployment.SERVER, server)
        deployment.save(paths.data_dir, chosen)
        stored = self.remember.isChecked() and deployment.store_password(server, password)
        self.applied = chosen
        QMessageBox.information(
            self,
            "部署方式",
            f"已改为共享服务器 {server.describe()}，重新启动程序后生效。"
            + ("" if stored else "\n密码没有保存，启动时会询问。"),
        )
        self.accept()


class DeploymentBox(QGroupBox):
    """The 部署方式 line of the settings tab."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__("部署方式（本机设置）", parent)
        self.ctx = ctx
        row = QHBoxLayout(self)
        self.summary = QLabel(describe(deployment.load(ctx.app.paths.data_dir)))
        self.change_button = QPushButton("更改部署方式(&D)…")
        row.addWidget(self.summary, 1)
        row.addWidget(self.change_button)
        self.change_button.clicked.connect(self.change)

    def change(self) -> None:
        dialog = DeploymentDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.applied is not None:
            self.summary.setText(describe(dialog.applied) + "（重新启动后生效）")
