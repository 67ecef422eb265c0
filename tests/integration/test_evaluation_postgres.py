"""年终评议 and 首页 on a real PostgreSQL: the grouped SQL tallies and the scores give the hand
figures of ``tests/evaluation_data.py`` there as on SQLite, and a liaison's refusal is audited."""

from __future__ import annotations

import evaluation_data as data
import pytest

from gongkai_desktop.app import open_app
from gongkai_desktop.domain.evaluation import shown
from gongkai_desktop.domain.labels import DivisionKind, Role
from gongkai_desktop.errors import PermissionDenied
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.evaluation import EvaluationService
from gongkai_desktop.services.setup import initialize


def test_hand_figures_on_postgres(tmp_path, pg_url):
    """Year and second quarter equal the hand figures; 开发指导处's indicator scores too."""
    ctx = open_app(tmp_path / "data", pg_url)
    try:
        admin = initialize(ctx.db, "测试局", "admin", "admin-pass-1")
        service = AdminService(ctx.db, admin)
        service.add_division("开发指导处", DivisionKind.BUSINESS, "KF")
        service.add_division("社会帮扶处", DivisionKind.BUSINESS, "SB")
        ids = data.build(ctx.db, admin)
        evaluation = EvaluationService(ctx.db, admin)
        year = evaluation.evaluate(data.ANNUAL, data.AS_OF)
        assert {
            d.division_name: (str(shown(d.total)), d.grade, d.rank) for d in year.divisions
        } == data.ANNUAL_EXPECTED
        kf = year.division(ids["开发指导处"])
        assert {s.indicator.code: str(shown(s.score)) for s in kf.scores} == data.KF_SCORES
        quarter = evaluation.evaluate(data.Q2, data.AS_OF)
        figures = {
            d.division_name: (str(shown(d.total)) if d.total is not None else None, d.grade, d.rank)
            for d in quarter.divisions
        }
        for name, expected in data.Q2_EXPECTED.items():
            assert figures[name] == expected
        service.add_user("lly_sb", "liaison-pass-1", ids["社会帮扶处"], Role.LIAISON)
        liaison = AuthService(ctx.db).login("lly_sb", "liaison-pass-1")
        with pytest.raises(PermissionDenied):
            EvaluationService(ctx.db, liaison).division_records(
                data.ANNUAL, ids["开发指导处"], "ZD1", data.AS_OF
            )
    finally:
        ctx.close()


def test_dashboard_on_postgres_counts_as_on_sqlite(tmp_path, pg_url):
    """The 首页 tallies of the hand-figure year, read through the grouped measures, are the same
    on PostgreSQL as on SQLite, for the bureau and for 开发指导处, and agree with its indicators."""
    from datetime import datetime

    from gongkai_desktop.services.compliance import ComplianceService

    def figures(url):  # type: ignore[no-untyped-def]
        ctx = open_app(tmp_path / ("pg" if url else "sqlite"), url)
        try:
            admin = initialize(ctx.db, "测试局", "admin", "admin-pass-1")
            service = AdminService(ctx.db, admin)
            service.add_division("开发指导处", DivisionKind.BUSINESS, "KF")
            service.add_division("社会帮扶处", DivisionKind.BUSINESS, "SB")
            kf = data.build(ctx.db, admin)["开发指导处"]
            compliance = ComplianceService(ctx.db, admin)
            now = datetime.combine(data.AS_OF, datetime.min.time().replace(hour=12))
            out = {}
            for scope in (None, kf):
                dashboard = compliance.dashboard(data.YEAR, scope, data.AS_OF, now)
                out[scope is None] = {
                    t.rule.id: (t.met, t.at_risk, t.missed) for t in dashboard.tallies
                }
                out[f"quarters {scope is None}"] = [q.counts for q in dashboard.quarters]
            result = EvaluationService(ctx.db, admin).evaluate(data.ANNUAL, data.AS_OF)
            counts = {s.indicator.code: s.count for s in result.division(kf).scores}
            return out, counts
        finally:
            ctx.close()

    on_sqlite, on_postgres = figures(None), figures(pg_url)
    assert on_postgres == on_sqlite
    tallies, counts = on_postgres
    kf = tallies[False]
    assert kf["proactive_20_workdays"][0] >= counts["ZD1"].met
    assert kf["proactive_20_workdays"][2] >= counts["ZD1"].measured - counts["ZD1"].met
    # Q1 sent on time and 合格; Q2 需整改; Q3 sent late (20 November); Q4 never sent.
    assert kf["quarterly_task_reports"] == (1, 1, 2)
