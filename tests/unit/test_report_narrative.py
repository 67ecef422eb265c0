"""一、总体情况 quotes the modules' figures, says nothing the records do not show, and warns
instead of asserting when a year's holiday data is missing."""

from __future__ import annotations

import re
from datetime import date

import docx
import pytest
from sqlalchemy import select
from support import assert_official_page

from gongkai_desktop.db.decision_models import Consultation
from gongkai_desktop.db.engagement_models import PressConference, WorkMeeting
from gongkai_desktop.db.interpretation_models import Interpretation
from gongkai_desktop.db.ledger_models import DisclosureItem
from gongkai_desktop.db.request_models import DisclosureCase
from gongkai_desktop.demo import DEMO_PASSWORD, demo_job
from gongkai_desktop.domain.requests import ApplicantType, CaseResult, CaseType, Channel
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.annual_report import AnnualReportService
from gongkai_desktop.services.requests import CaseInput, RequestInput, RequestService


def _number(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    assert found, f"「{pattern}」不在：{text}"
    return int(found.group(1))


@pytest.fixture
def demo_2025(app_ctx):  # type: ignore[no-untyped-def]
    """The demo data of 2025 (a full year of every module)."""
    run_job(demo_job(app_ctx, None, 2025, 200))
    return app_ctx


def _rows(app_ctx, model):  # type: ignore[no-untyped-def]
    with app_ctx.db.read() as session:
        return [r for r in session.scalars(select(model)) if r.deleted_at is None]


def test_annual_report_cli_is_dated_and_quotes_the_module_counts(demo_2025, run_cli, tmp_path):  # type: ignore[no-untyped-def]
    """``report annual --year 2025 --date 2026-01-20``: signed 2026年1月20日; the figures of
    一、总体情况 equal the records counted one by one."""
    out = tmp_path / "年报.docx"
    code, _, stderr = run_cli(
        "--as", "admin", "report", "annual", "--year", "2025", "-o", str(out),
        "--date", "2026-01-20", password=DEMO_PASSWORD,
    )  # fmt: skip
    assert code == 0, stderr
    texts = [p.text for p in docx.Document(str(out)).paragraphs if p.text.strip()]
    assert texts[-1] == "2026年1月20日"
    assert_official_page(out)
    start, end = texts.index("一、总体情况"), texts.index("二、主动公开政府信息情况")
    overview = "".join(texts[start:end])

    def in_2025(d: date | None) -> bool:
        return d is not None and d.year == 2025

    items = [i for i in _rows(demo_2025, DisclosureItem) if i.attribute == "proactive"]
    assert _number(r"主动公开政府信息(\d+)条", overview) == sum(in_2025(i.published_on) for i in items)
    interps = [i for i in _rows(demo_2025, Interpretation) if in_2025(i.published_on)]
    assert _number(r"发布政策解读(\d+)件", overview) == len(interps)
    text_form = sum("text" in i.forms.split(",") for i in interps)
    assert _number(r"文字解读(\d+)件", overview) == text_form
    consultations = [c for c in _rows(demo_2025, Consultation) if in_2025(c.ended_on)]
    assert _number(r"就(\d+)项决策草案", overview) == len(consultations)
    assert _number(r"收到意见建议(\d+)条", overview) == sum(c.received for c in consultations)
    conferences = [c for c in _rows(demo_2025, PressConference) if in_2025(c.held_on)]
    assert _number(r"召开新闻发布会(\d+)场", overview) == len(conferences)
    trainings = [
        m for m in _rows(demo_2025, WorkMeeting) if m.meeting_kind == "training" and in_2025(m.held_on)
    ]
    assert _number(r"组织政务公开业务培训(\d+)次", overview) == len(trainings)
    cases = _rows(demo_2025, DisclosureCase)
    reviews = [c for c in cases if c.case_type == "review" and in_2025(c.received_date)]
    assert _number(r"被申请行政复议(\d+)件", overview) == len(reviews)


@pytest.fixture
def service(app_ctx, admin) -> AnnualReportService:  # type: ignore[no-untyped-def]
    return AnnualReportService(app_ctx.db, admin)


@pytest.fixture
def kf(app_ctx, admin) -> int:  # type: ignore[no-untyped-def]
    return AdminService(app_ctx.db, admin).division_by_name("开发指导处").id


def test_review_count_is_the_cases_received_in_the_year(app_ctx, admin, kf, service) -> None:  # type: ignore[no-untyped-def]
    """A review received in 2024 and still open counts in 2025's table 四, not in 「本年度被申请
    行政复议N件」, which counts the two received in 2025."""
    requests = RequestService(app_ctx.db, admin)
    requests.create_case(CaseInput("FY-2024-1", CaseType.REVIEW, date(2024, 11, 2), division_id=kf))
    requests.create_case(CaseInput("FY-2025-1", CaseType.REVIEW, date(2025, 3, 2), division_id=kf))
    requests.create_case(
        CaseInput(
            "FY-2025-2",
            CaseType.REVIEW,
            date(2025, 5, 6),
            closed_date=date(2025, 8, 1),
            result=CaseResult.UPHELD,
            division_id=kf,
        )
    )
    data = service.report(2025)
    assert data.table4[CaseType.REVIEW.label]["总计"] == 3
    text = data.drafts["overview_supervision"]
    assert "本年度因政府信息公开被申请行政复议2件、被提起行政诉讼0件。" in text
    assert "审结复议、诉讼案件1件，均未被纠错" in text


def test_no_claim_without_a_record(service) -> None:  # type: ignore[no-untyped-def]
    """An empty year: no clean-up, publication, training or on-time claim; the empty sections
    are listed as warnings to fill in."""
    data = service.report(2025)
    whole = "".join(data.drafts.values())
    for claim in ("清理结果", "均已在门户网站", "培训", "按期答复", "坚持以公开为常态"):
        assert claim not in whole
    assert data.drafts["overview_requests"].startswith("2025年，测试局未收到政府信息公开申请")
    assert any("（一）主动公开" in w for w in data.warnings)
    assert any("五、存在的主要问题及改进情况" in w for w in data.warnings)


def test_year_without_holiday_data_warns_instead_of_asserting(app_ctx, admin, kf, service, run_cli, tmp_path):  # type: ignore[no-untyped-def]
    """Requests of 2027 (no holiday data): no 按期答复 rate, no 「未能在法定期限内答复」; the
    export names the missing year and asks for the notice."""
    requests = RequestService(app_ctx.db, admin)
    for n, (received, answered) in enumerate(
        ((date(2027, 3, 1), date(2027, 3, 10)), (date(2027, 4, 1), date(2027, 4, 2))), 1
    ):
        requests.create_request(
            RequestInput(
                f"2027-{n}",
                received,
                Channel.ONLINE,
                ApplicantType.NATURAL_PERSON,
                kf,
                answer_date=answered,
                outcome="予以公开",
            )
        )
    data = service.report(2027)
    assert data.stats.unknown == 2 and data.stats.missing_years == (2027,)
    assert "按期答复" not in data.drafts["overview_requests"]
    assert "未能在法定期限内答复" not in data.drafts["problems"]
    assert any("缺少2027年的节假日安排" in w and "放假通知" in w for w in data.warnings)
    out = tmp_path / "2027.docx"
    code, _, stderr = run_cli(
        "--as", "admin", "report", "annual", "--year", "2027", "-o", str(out),
        password="admin-pass-1",
    )  # fmt: skip
    assert code == 0, stderr
    assert "缺少2027年的节假日安排" in stderr
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "按期答复率" not in text and "未能在法定期限内答复" not in text


def test_documents_published_sentence_only_when_all_are(app_ctx, admin, kf, service) -> None:  # type: ignore[no-untyped-def]
    """「均已在门户网站…公开」 only when every document in force has a 公开日期."""
    from gongkai_desktop.domain.disclosure import DocumentFields
    from gongkai_desktop.services.ledger_documents import DocumentService

    documents = DocumentService(app_ctx.db, admin)
    kw = {"level": "normative", "status": "valid"}
    documents.create_document(
        kf,
        DocumentFields(doc_number="测规〔2025〕1号", title="甲办法", written_on=date(2025, 2, 1),
                       published_on=date(2025, 2, 3), **kw),
    )  # fmt: skip
    assert "均已在门户网站" in service.report(2025).drafts["overview_proactive"]
    documents.create_document(
        kf,
        DocumentFields(doc_number="测规〔2025〕2号", title="乙办法", written_on=date(2025, 5, 1),
                       **kw),
    )  # fmt: skip
    text = service.report(2025).drafts["overview_proactive"]
    assert "均已在门户网站" not in text and "其中1件已公开" in text
