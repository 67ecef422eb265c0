"""The ledger's demo data: every state present, realistic titles, bulk and repeatable."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select

from gongkai_desktop.db.ledger_models import DisclosureItem, NormativeDocument, Repost
from gongkai_desktop.db.models import AuditEntry
from gongkai_desktop.demo import DemoContext, foundation_step
from gongkai_desktop.demo.ledger import ledger_step
from gongkai_desktop.domain.disclosure import DeadlineState, DisclosureAttribute
from gongkai_desktop.progress import CancelToken, run_job
from gongkai_desktop.services.ledger import ItemQuery, LedgerService


def test_demo_step_creates_items_in_every_state_and_is_not_repeated(app_ctx, admin):
    """2 000 items spread over states, attributes and two years; ~60 documents, ~30 reposts;
    a second run adds nothing; one summary audit row per bulk step."""
    year = date.today().year
    ctx = DemoContext(app_ctx, admin, year, 2000, random.Random(7), CancelToken())
    run_job(foundation_step(ctx))
    lines = run_job(ledger_step(ctx))
    assert lines[0].startswith("公开事项：2000 条")
    service = LedgerService(app_ctx.db, admin)
    counts = service.state_counts(ItemQuery())
    computable = [s for s in DeadlineState if s is not DeadlineState.UNKNOWN]
    assert counts.total == 2000 and all(counts.by_state.get(s, 0) > 0 for s in computable)
    assert counts.portal_missing > 0
    for attribute in DisclosureAttribute:
        assert service.count_items(ItemQuery(attribute=attribute)) > 0
    assert service.count_items(ItemQuery(year=year - 1)) > 0
    assert service.count_items(ItemQuery(year=year)) > 0
    assert service.count_items(ItemQuery(text="乡村振兴")) > 0  # the search index was rebuilt
    with app_ctx.db.read() as s:
        documents = s.scalar(select(func.count(NormativeDocument.id)))
        reposts = s.scalar(select(func.count(Repost.id)))
        demo_audit = s.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "demo.items")
        )
        withheld_without_ground = s.scalar(
            select(func.count(DisclosureItem.id)).where(
                DisclosureItem.attribute == "withheld", DisclosureItem.ground.is_(None)
            )
        )
    assert documents == 60 and reposts == 30 and demo_audit == 1
    assert withheld_without_ground == 0
    again = run_job(ledger_step(ctx))
    assert "未再生成" in again[0] and service.count_items(ItemQuery()) == 2000
