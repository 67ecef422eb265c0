"""The 公开事项 categories: the built-in ones, then those an admin added (SPEC §5)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.ledger_models import DisclosureCategory
from ..domain.disclosure import DEFAULT_CATEGORIES


def categories_of(session: Session) -> list[str]:
    extra = session.scalars(
        select(DisclosureCategory.label)
        .where(DisclosureCategory.active.is_(True))
        .order_by(DisclosureCategory.sort_order, DisclosureCategory.id)
    )
    return list(DEFAULT_CATEGORIES) + [c for c in extra if c not in DEFAULT_CATEGORIES]
