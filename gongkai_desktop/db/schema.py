"""The complete metadata: importing this module registers every table of every module."""

from __future__ import annotations

from . import (
    ledger_models,  # noqa: F401  (disclosure ledger, documents, attachments)
    models,  # noqa: F401  (registers the foundation tables)
    plan_models,  # noqa: F401  (annual plan tasks, assignments, quarterly reports)
    request_models,  # noqa: F401  (requests, cases, annual report)
)
from .base import Base

metadata = Base.metadata
