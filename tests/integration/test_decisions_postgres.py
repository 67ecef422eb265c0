"""决策与征求意见 on a real PostgreSQL: create with a consultation, a conflicting update, filters."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai_desktop.app import open_app
from gongkai_desktop.domain.decisions import ConsultationFields, DecisionFields, DecisionType
from gongkai_desktop.errors import ConflictError
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.decisions import DecisionQuery, DecisionService
from gongkai_desktop.services.setup import initialize


@pytest.fixture
def pg_decisions(tmp_path, pg_url):  # type: ignore[no-untyped-def]
    ctx = open_app(tmp_path / "data", pg_url)
    admin = initialize(ctx.db, "测试局", "admin", "admin-pass-1")
    yield ctx, DecisionService(ctx.db, admin)
    ctx.close()


def test_decisions_work_on_postgres(pg_decisions):
    """Decisions and consultations save and conflict by version; year, type, problems and text
    (wildcards taken literally) filter in SQL and in the rules."""
    ctx, service = pg_decisions
    office = AdminService(ctx.db, service.actor).division_by_name("综合处").id
    a = service.create(
        office,
        DecisionFields("政务公开工作规范", DecisionType.NORMATIVE.value, "赣乡振规〔2021〕5号"),
    ).row
    c = service.create_consultation(
        a.id, ConsultationFields(date(2021, 9, 28), date(2021, 10, 12), received=3, adopted=3)
    )
    service.create(office, DecisionFields("100%_落实方案", DecisionType.MAJOR.value))
    updated = service.update(
        a.id, a.version, DecisionFields("政务公开工作规范（修订）", DecisionType.NORMATIVE.value)
    )
    assert updated.row.version == 2 and updated.row.year == 2021
    with pytest.raises(ConflictError):
        service.update(a.id, a.version, DecisionFields("另一个标题", DecisionType.NORMATIVE.value))
    service.update_consultation(
        c.id, c.version, ConsultationFields(date(2021, 9, 28), date(2021, 10, 13))
    )
    with pytest.raises(ConflictError):
        service.update_consultation(
            c.id, c.version, ConsultationFields(date(2021, 9, 1), date(2021, 9, 30))
        )

    def titles(**kw) -> list[str]:  # type: ignore[no-untyped-def]
        return [r.title for r in service.list_decisions(DecisionQuery(**kw))]

    assert titles(text="%_") == ["100%_落实方案"]
    assert titles(year=2021) == ["政务公开工作规范（修订）"]
    assert titles(decision_type=DecisionType.MAJOR) == ["100%_落实方案"]
    assert titles(with_problems=True) == ["政务公开工作规范（修订）"]  # result never published
