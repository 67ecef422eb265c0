"""The complete metadata: importing this module registers every table of every module."""

from __future__ import annotations

from . import models  # noqa: F401  (registers the foundation tables)
from .base import Base

metadata = Base.metadata
