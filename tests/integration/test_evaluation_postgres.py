"""年终评议 on a real PostgreSQL: the grouped SQL tallies and the scores give the hand figures of
``tests/evaluation_data.py`` there as on SQLite, and a liaison's refusal is audited."""

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
