"""The demo step fills three years of requests and cases that the annual report can use."""

from __future__ import annotations

from gongkai_desktop.demo import demo_job
from gongkai_desktop.domain.requests import OUTCOME_LABELS, ApplicantType
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.annual_report import AnnualReportService
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.requests import RequestService


def test_demo_covers_every_outcome_type_and_carry_over(app_ctx) -> None:  # type: ignore[no-untyped-def]
    """Demo data: each outcome and applicant type, cases, carry-overs, and balanced reports."""
    lines = run_job(demo_job(app_ctx, None, year=2021, scale=40))
    assert any(line.startswith("依申请公开") for line in lines)
    admin = AuthService(app_ctx.db).login("admin", "demo-gk-2026")
    service = RequestService(app_ctx.db, admin)
    rows = service.list_requests()
    assert {r.data.outcome for r in rows} >= set(OUTCOME_LABELS)
    assert {r.data.applicant_type for r in rows} == set(ApplicantType)
    assert {r.data.receipt_date.year for r in rows} == {2019, 2020, 2021}
    assert service.list_cases()
    reports = AnnualReportService(app_ctx.db, admin)
    for year in (2019, 2020, 2021):
        assert reports.report(year).problems == ()
    assert reports.report(2021).table3["上年结转"][-1] > 0
    assert reports.report(2021).table3["结转下年度"][-1] > 0 or any(
        r.data.answer_date is None for r in rows
    )
    # Running the demo again adds no duplicate requests.
    run_job(demo_job(app_ctx, admin, year=2021, scale=40))
    assert len(service.list_requests()) == len(rows)
