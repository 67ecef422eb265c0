"""Every Word and Excel export has its command (same writer as the GUI), dated by ``--date``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from support import ADMIN_PASSWORD, assert_official_page

from gongkai_desktop.domain.decisions import ConsultationFields, DecisionFields, DecisionType
from gongkai_desktop.domain.interpretation import InterpretationFields
from gongkai_desktop.reports.word import DRAFT_MARK
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.decisions import DecisionService
from gongkai_desktop.services.interpretations import InterpretationService


def _texts(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]


@pytest.fixture
def kf(app_ctx, admin) -> int:  # type: ignore[no-untyped-def]
    return AdminService(app_ctx.db, admin).division_by_name("开发指导处").id


def _consultation(app_ctx, admin, kf, **counts):  # type: ignore[no-untyped-def]
    service = DecisionService(app_ctx.db, admin)
    decision = service.create(
        kf,
        DecisionFields(
            title="防止返贫动态监测和帮扶管理办法", decision_type=DecisionType.NORMATIVE.value
        ),
    ).row
    fields = ConsultationFields(
        date(2025, 3, 1),
        date(2025, 3, 31),
        subject="防止返贫动态监测和帮扶管理办法（征求意见稿）",
        **counts,
    )
    return service.create_consultation(decision.id, fields)


def test_report_consultation_is_dated_and_signed_by_the_unit(app_ctx, admin, kf, run_cli, tmp_path):  # type: ignore[no-untyped-def]
    """``report consultation ID --date`` writes the 说明 signed 测试局 on the given date."""
    c = _consultation(
        app_ctx, admin, kf, received=3, adopted=2, not_adopted=1, reasons="超出本办法调整范围。"
    )
    out = tmp_path / "说明.docx"
    code, stdout, stderr = run_cli(
        "--as", "admin", "report", "consultation", str(c.id), "-o", str(out),
        "--date", "2025-04-10", password=ADMIN_PASSWORD,
    )  # fmt: skip
    assert code == 0, stderr
    assert "已导出" in stdout
    assert _texts(out)[-2:] == ["测试局", "2025年4月10日"]
    assert_official_page(out)


def test_consultation_without_reasons_is_refused_naming_it(app_ctx, admin, kf, run_cli, tmp_path):  # type: ignore[no-untyped-def]
    """Opinions not adopted without 未采纳理由: exit 1, the message names the draft and what to
    fill in, and no file is written (no placeholder reaches a public document)."""
    c = _consultation(app_ctx, admin, kf, received=3, adopted=1, not_adopted=2)
    out = tmp_path / "说明.docx"
    code, _, stderr = run_cli(
        "--as", "admin", "report", "consultation", str(c.id), "-o", str(out),
        password=ADMIN_PASSWORD,
    )  # fmt: skip
    assert code == 1
    assert "《防止返贫动态监测和帮扶管理办法（征求意见稿）》" in stderr
    assert "未采纳意见2条" in stderr and "未采纳理由" in stderr
    assert not out.exists()


def test_report_interpretation_marks_a_draft_and_takes_the_date(app_ctx, admin, kf, run_cli, tmp_path):  # type: ignore[no-untyped-def]
    """``report interpretation ID``: an unapproved one carries 草稿 and says so; --date dates it."""
    service = InterpretationService(app_ctx.db, admin)
    detail = service.create(
        kf,
        InterpretationFields(
            title="关于《某省促进民营经济发展壮大若干措施》的政策解读",
            document_title="某省促进民营经济发展壮大若干措施",
            sections={"background": "为贯彻落实党中央决策部署，制定本措施。"},
        ),
    )
    out = tmp_path / "解读.docx"
    code, _, stderr = run_cli(
        "--as", "admin", "report", "interpretation", str(detail.row.id), "-o", str(out),
        "--date", "2025-06-03", password=ADMIN_PASSWORD,
    )  # fmt: skip
    assert code == 0, stderr
    assert "草稿" in stderr
    document = docx.Document(str(out))
    assert [p.text for p in document.sections[0].header.paragraphs] == [DRAFT_MARK]
    assert _texts(out)[-2:] == ["测试局", "2025年6月3日"]
    assert_official_page(out)
    title = document.paragraphs[0].text
    assert title.split("\n") == ["关于《某省促进民营经济", "发展壮大若干措施》的政策解读"]


def test_bad_date_is_a_usage_error(app_ctx, admin, run_cli, tmp_path):  # type: ignore[no-untyped-def]
    """``--date 2025-13-01`` is refused before anything is written."""
    out = tmp_path / "r.docx"
    code, _, stderr = run_cli(
        "--as", "admin", "report", "annual", "--year", "2025", "-o", str(out),
        "--date", "2025-13-01", password=ADMIN_PASSWORD,
    )  # fmt: skip
    assert code == 2 and not out.exists()
    assert "日期格式应为 YYYY-MM-DD：2025-13-01" in stderr


def test_export_catalogue_writes_the_standard_catalogue(app_ctx, admin, run_cli, tmp_path):  # type: ignore[no-untyped-def]
    """``export catalogue`` writes the 标准目录 workbook the GUI writes."""
    out = tmp_path / "目录.xlsx"
    code, stdout, stderr = run_cli(
        "--as", "admin", "export", "catalogue", "-o", str(out), password=ADMIN_PASSWORD
    )
    assert code == 0, stderr
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "标准目录"
    assert "标准目录" in stdout
