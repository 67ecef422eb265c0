"""The Excel ledgers each module exchanges with users: blank templates, imports and exports.

``gongkai template|import|export KIND`` and the GUI's import/export dialogs look kinds up here;
each module registers its kinds (items, documents, requests, cases, tasks) with ``register``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from .db.engine import Database
from .db.models import Division
from .domain.permissions import Actor
from .progress import CancelToken, Progress


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, with dry_run, would do)."""

    kind: str
    rows: int
    created: int = 0
    updated: int = 0
    dry_run: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        verb = "可导入" if self.dry_run else "已导入"
        text = f"{verb} {self.rows} 行（新增 {self.created}，更新 {self.updated}）"
        return text + ("，试运行未保存" if self.dry_run else "")


@dataclass(frozen=True)
class TemplateLists:
    """The unit's own closed lists that templates offer as drop-downs: the active divisions and
    the disclosure categories (built-in plus those the admin added)."""

    divisions: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


# A template writer takes the target path and the unit's lists. Import and export are jobs
# (generators of Progress) returning an ImportResult or the number of rows written.
TemplateWriter = Callable[[Path, TemplateLists], object]
ImportJob = Callable[
    [Database, Actor, Path, bool, CancelToken | None], Generator[Progress, None, ImportResult]
]
ExportJob = Callable[
    [Database, Actor, Path, int | None, CancelToken | None], Generator[Progress, None, int]
]


@dataclass(frozen=True)
class LedgerKind:
    key: str
    label: str
    template: TemplateWriter | None = None
    import_job: ImportJob | None = None
    export_job: ExportJob | None = None

    def write_template(self, path: Path, lists: TemplateLists) -> None:
        """Write the blank template with the unit's lists as drop-downs."""
        if self.template is None:
            raise ValueError(f"{self.key} has no import template")
        self.template(Path(path), lists)


def template_lists(db: Database) -> TemplateLists:
    """The lists a template offers, read from the database (no login needed)."""
    from .services.ledger_categories import categories_of

    with db.read() as session:
        categories = tuple(categories_of(session))
    return TemplateLists(tuple(template_division_names(db)), categories)


def template_division_names(db: Database) -> list[str]:
    """The active divisions' names, in the admin's order, for the templates' drop-downs.

    Templates need no login: the names are shown to every user anyway.
    """
    with db.read() as session:
        return list(
            session.scalars(
                select(Division.name)
                .where(Division.active.is_(True))
                .order_by(Division.sort_order, Division.id)
            )
        )


_KINDS: dict[str, LedgerKind] = {}


def register(kind: LedgerKind) -> LedgerKind:
    _KINDS[kind.key] = kind
    return kind


def kinds() -> dict[str, LedgerKind]:
    _load_all()
    return dict(_KINDS)


def _load_all() -> None:
    """Import the modules that register kinds (explicit, so a frozen build finds them)."""
    import importlib

    for module in LEDGER_MODULES:
        importlib.import_module(module)


# Modules that register ledger kinds when imported.
LEDGER_MODULES: list[str] = [
    "gongkai_desktop.services.ledger_exchange",
    "gongkai_desktop.importers.requests_xlsx",
    "gongkai_desktop.reports.plan_tasks",
]
