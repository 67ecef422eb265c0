"""The annual report's figures from every module, counted on a real PostgreSQL, equal SQLite's."""

from __future__ import annotations

import pytest

from gongkai_desktop.app import open_app
from gongkai_desktop.demo import demo_job
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.report_figures import module_figures

pytestmark = pytest.mark.postgres


def _figures(ctx):  # type: ignore[no-untyped-def]
    run_job(demo_job(ctx, None, 2025, 60))
    with ctx.db.read() as session:
        return module_figures(session, 2025)


def test_module_figures_agree_on_postgres_and_sqlite(tmp_path, pg_url):  # type: ignore[no-untyped-def]
    """The same demo data gives the same 一、总体情况 figures on both databases."""
    pg = open_app(tmp_path / "pg", pg_url)
    lite = open_app(tmp_path / "lite")
    try:
        on_pg, on_lite = _figures(pg), _figures(lite)
    finally:
        pg.close()
        lite.close()
    assert on_pg.items_published > 0 and on_pg.interpretations > 0
    assert on_pg == on_lite
