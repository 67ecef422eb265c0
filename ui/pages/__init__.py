"""The registry of the main window's pages, in navigation order.

Each module of the product is one ``PageSpec``. A page that is not built yet is a ``coming(...)``
placeholder that says what the module will do; when a module's page exists, its line here changes
to name the page class, e.g. ``PageSpec("items", "公开事项", "ui.pages.items:ItemsPage")``.

A factory is either a callable ``factory(ctx) -> QWidget`` or a ``"module:attribute"`` text that is
imported the first time the page is opened, so start-up never imports pages nobody opened.
``admin_only`` pages show other users an explanation instead of the page.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ..context import UiContext

log = logging.getLogger(__name__)

PageFactory = Callable[["UiContext"], "QWidget"]


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    factory: PageFactory | str
    admin_only: bool = False

    def build(self, ctx: UiContext) -> QWidget:
        factory = self.factory
        if isinstance(factory, str):
            module_name, _, attribute = factory.partition(":")
            factory = getattr(importlib.import_module(module_name), attribute)
        return factory(ctx)


def coming(*paragraphs: str) -> PageFactory:
    """A placeholder page for a module that is not built yet, saying what it will do."""

    def factory(ctx: UiContext) -> QWidget:
        from .info import ComingPage

        return ComingPage(ctx, paragraphs)

    return factory


PAGES: list[PageSpec] = [
    PageSpec("home", "首页", "ui.pages.home:HomePage"),
    PageSpec("tasks", "年度任务", "ui.pages.plan:PlanPage"),
    PageSpec("items", "公开事项", "ui.ledger.items_page:ItemsPage"),
    PageSpec("documents", "规范性文件", "ui.ledger.documents_page:DocumentsPage"),
    PageSpec("interpretations", "政策解读", "ui.pages.interpretations:InterpretationsPage"),
    PageSpec("decisions", "决策与征求意见", "ui.pages.decisions:DecisionsPage"),
    PageSpec("engagement", "新闻发布与回应", "ui.pages.engagement:EngagementPage"),
    PageSpec("requests", "依申请公开", "ui.pages.requests:RequestsPage"),
    PageSpec("evaluation", "考核评议", "ui.pages.evaluation:EvaluationPage"),
    PageSpec("reports", "报表", "ui.pages.reports:ReportsPage"),
    PageSpec("admin", "系统管理", "ui.pages.admin:AdminPage", admin_only=True),
]


def page_by_key(key: str) -> PageSpec | None:
    return next((spec for spec in PAGES if spec.key == key), None)
