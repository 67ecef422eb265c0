"""The page of a module that is not built yet: what it will do, so nobody mistakes it for a fault.
Also the explanation non-admins see in place of an admin-only page."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from ..context import UiContext

log = logging.getLogger(__name__)


class InfoPage(QWidget):
    """A heading and a few paragraphs in a framed box, top-aligned."""

    def __init__(self, lead: str, paragraphs: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lead = lead
        self.paragraphs = list(paragraphs)
        self._build_ui()

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        box = QFrame(self)
        box.setObjectName("infoBox")
        inner = QVBoxLayout(box)
        inner.setContentsMargins(20, 16, 20, 16)
        inner.setSpacing(10)
        lead = QLabel(self.lead, box)
        lead.setObjectName("infoLead")
        lead.setWordWrap(True)
        inner.addWidget(lead)
        for text in self.paragraphs:
            label = QLabel(text, box)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            inner.addWidget(label)
        layout.addWidget(box)
        layout.addStretch(1)

    def text(self) -> str:
        return "\n".join([self.lead, *self.paragraphs])


class ComingPage(InfoPage):
    """本模块尚在建设中 + what it will do (from the product specification)."""

    def __init__(
        self, ctx: UiContext, paragraphs: Sequence[str], parent: QWidget | None = None
    ) -> None:
        self.ctx = ctx
        super().__init__("本模块正在建设中，建成后将提供以下功能：", paragraphs, parent)


class AdminOnlyPage(InfoPage):
    """What a non-admin sees instead of 系统管理."""

    def __init__(self, ctx: UiContext, title: str, parent: QWidget | None = None) -> None:
        self.ctx = ctx
        actor = ctx.actor
        super().__init__(
            f"「{title}」只有管理员可以使用。",
            [
                f"您当前以{actor.role.label}身份登录（{actor.display_name or actor.username}，"
                f"{actor.division_name}）。处室、用户账号、节假日安排、审计日志、备份与恢复和系统设置"
                "由综合处的管理员维护；即使绕过界面，系统也会拒绝非管理员的此类操作并记入审计日志。",
                "如需新增账号、重置密码或调整处室，请联系本局综合处的系统管理员。"
                "修改自己的登录密码请使用菜单「文件 › 修改密码」。",
            ],
            parent,
        )
