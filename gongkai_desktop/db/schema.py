"""The complete metadata: importing this module registers every table of every module."""

from __future__ import annotations

from . import (
    decision_models,  # noqa: F401  (decisions and their public consultations)
    engagement_models,  # noqa: F401  (press conferences, 舆情, interactions, proposals …)
    evaluation_models,  # noqa: F401  (evaluation indicators, 扣分 and 调整)
    interpretation_models,  # noqa: F401  (policy interpretations and their drafts)
    ledger_models,  # noqa: F401  (disclosure ledger, documents, attachments)
    models,  # noqa: F401  (registers the foundation tables)
    package_models,  # noqa: F401  (报送包 sent and received, merge bases)
    plan_models,  # noqa: F401  (annual plan tasks, assignments, quarterly reports)
    request_models,  # noqa: F401  (requests, cases, annual report)
)
from .base import Base

metadata = Base.metadata

# What the ORM does not model, all made by 0002: SQLite's full-text index of disclosure items
# (with its sync triggers) and PostgreSQL's trigram index where pg_trgm exists. Comparing the
# schema with the models must leave them out.
UNMODELLED_PREFIXES = ("disclosure_item_fts",)
UNMODELLED_INDEXES = ("ix_disclosure_item_search_trgm",)


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """Alembic's filter of what it compares: everything but the unmodelled tables."""
    if type_ == "table" and name is not None and name.startswith(UNMODELLED_PREFIXES):
        return False
    return not (type_ == "index" and name in UNMODELLED_INDEXES)
