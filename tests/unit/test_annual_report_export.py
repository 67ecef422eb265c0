"""The annual report end to end: known data → ``report annual --json`` and the .docx agree."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from support import convert_with_libreoffice

from gongkai_desktop.db.ledger_models import NormativeDocument
from gongkai_desktop.domain.annual_report import YearInputs
from gongkai_desktop.domain.requests import (
    OUTCOME_LABELS,
    OUTCOME_NO_CORRECTION,
    ApplicantType,
    CaseResult,
    CaseType,
    Channel,
)
from gongkai_desktop.errors import PermissionDenied
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.annual_report import AnnualReportService
from gongkai_desktop.services.requests import CaseInput, RequestInput, RequestService
from tests.conftest import ADMIN_PASSWORD

TYPES = list(ApplicantType)


@dataclass(frozen=True)
class Req:
    receipt: date
    answer: date | None
    kind: ApplicantType
    outcome: str | None


def dataset() -> list[Req]:
    """Requests over 2020–2022: every outcome answered in 2021, carry-overs both ways."""
    data = [
        # Received 2020: one closed in 2020, two carried into 2021 (one answered 2021, one open).
        Req(date(2020, 6, 1), date(2020, 6, 20), ApplicantType.NATURAL_PERSON, "予以公开"),
        Req(date(2020, 12, 21), date(2021, 1, 8), ApplicantType.BUSINESS, "部分公开"),
        Req(date(2020, 12, 28), None, ApplicantType.LEGAL_SERVICE, None),
        # Received 2021 and still open at its end, one answered in 2022.
        Req(date(2021, 12, 27), None, ApplicantType.NATURAL_PERSON, None),
        Req(date(2021, 12, 20), date(2022, 1, 10), ApplicantType.RESEARCH, "予以公开"),
        # Received 2022.
        Req(date(2022, 2, 8), None, ApplicantType.OTHER, None),
    ]
    # Every outcome once in 2021, applicant types in turn; 予以公开 twice more for persons.
    for i, label in enumerate(OUTCOME_LABELS):
        data.append(Req(date(2021, 3, 1 + i), date(2021, 4, 1 + i), TYPES[i % 6], label))
    data.append(Req(date(2021, 5, 6), date(2021, 5, 20), ApplicantType.NATURAL_PERSON, "予以公开"))
    data.append(Req(date(2021, 5, 7), date(2021, 5, 21), ApplicantType.NATURAL_PERSON, "予以公开"))
    return data


def expected_table3(data: list[Req], year: int) -> dict[str, list[int]]:
    """Table 三 counted straight from the declared list, one row at a time."""

    def row(pred) -> list[int]:  # type: ignore[no-untyped-def]
        counts = [sum(1 for r in data if r.kind is t and pred(r)) for t in TYPES]
        return [*counts, sum(counts)]

    jan1, dec31 = date(year, 1, 1), date(year, 12, 31)
    table = {
        "本年新收": row(lambda r: jan1 <= r.receipt <= dec31),
        "上年结转": row(lambda r: r.receipt < jan1 and (r.answer is None or r.answer >= jan1)),
    }
    for label in OUTCOME_LABELS:
        table[label] = row(
            lambda r, label=label: (
                r.answer is not None and jan1 <= r.answer <= dec31 and r.outcome == label
            )
        )
    table["总计"] = row(lambda r: r.answer is not None and jan1 <= r.answer <= dec31)
    table["结转下年度"] = row(
        lambda r: r.receipt <= dec31 and (r.answer is None or r.answer > dec31)
    )
    return table


@pytest.fixture
def loaded(app_ctx, admin) -> Iterator[list[Req]]:  # type: ignore[no-untyped-def]
    """The data set stored through the services, plus cases and normative documents."""
    service = RequestService(app_ctx.db, admin)
    kf = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    data = dataset()
    ids = []
    for n, r in enumerate(data, 1):
        # 逾期不补正 is lawful only after a 补正 notice whose period has passed.
        uncorrected = r.outcome == OUTCOME_NO_CORRECTION
        row = service.create_request(
            RequestInput(
                f"YSQ-{n:03d}",
                r.receipt,
                Channel.ONLINE if n % 2 else Channel.POST,
                r.kind,
                kf,
                applicant=f"申请人{n}",
                answer_date=r.answer,
                outcome=r.outcome,
                fee_cents=1000 if n == 8 else None,
                correction_notice_date=r.receipt + timedelta(days=2) if uncorrected else None,
                correction_due_date=r.receipt + timedelta(days=16) if uncorrected else None,
            )
        )
        ids.append(row.id)
    cases = [
        ("复-1", CaseType.REVIEW, date(2021, 4, 10), date(2021, 6, 1), CaseResult.UPHELD),
        ("复-2", CaseType.REVIEW, date(2020, 11, 1), date(2021, 2, 1), CaseResult.CORRECTED),
        ("复-3", CaseType.REVIEW, date(2020, 3, 1), date(2020, 5, 1), CaseResult.UPHELD),
        ("诉-1", CaseType.LITIGATION_DIRECT, date(2021, 8, 1), None, None),
        (
            "诉-2",
            CaseType.LITIGATION_AFTER_REVIEW,
            date(2021, 7, 1),
            date(2021, 12, 31),
            CaseResult.OTHER,
        ),
    ]
    for no, kind, received, closed, result in cases:
        service.create_case(CaseInput(no, kind, received, closed, result, request_id=ids[6]))
    docs = [
        ("rule", date(2021, 3, 1), "valid", None),
        ("normative", date(2021, 4, 1), "valid", None),
        ("normative", date(2021, 5, 1), "valid", None),
        ("normative", date(2018, 5, 1), "repealed", date(2021, 9, 30)),
        ("normative", date(2019, 5, 1), "valid", None),
    ]
    with app_ctx.db.write() as session:
        for i, (level, written, status, changed) in enumerate(docs):
            session.add(
                NormativeDocument(
                    doc_number=f"文〔{written.year}〕{i}号",
                    title=f"文件{i}",
                    level=level,
                    written_on=written,
                    status=status,
                    status_changed_on=changed,
                    division_id=kf,
                )
            )
    AnnualReportService(app_ctx.db, admin).save(2021, inputs=YearInputs(12, 3, 1, Decimal("2.5")))
    yield data


def run_report(run_cli, year: int, out: Path):  # type: ignore[no-untyped-def]
    return run_cli(
        "--as",
        "admin",
        "report",
        "annual",
        "--year",
        str(year),
        "-o",
        str(out),
        "--json",
        password=ADMIN_PASSWORD,
    )


def grid(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[c.text for c in row.cells] for row in table.rows]


def test_json_and_docx_carry_the_expected_numbers(loaded, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """--json and the tables read back from the .docx both equal the independently counted data."""
    out = tmp_path / "report.docx"
    code, stdout, stderr = run_report(run_cli, 2021, out)
    assert code == 0, stderr
    result = json.loads(stdout)
    expected = expected_table3(loaded, 2021)
    assert result["year"] == 2021 and result["problems"] == []
    assert result["table3"] == expected
    assert expected["本年新收"][-1] == 25 and expected["上年结转"][-1] == 2
    assert expected["结转下年度"][-1] == 3 and expected["总计"][-1] == 24
    assert result["table2"]["规章"] == {"本年制发件数": 1, "本年废止件数": 0, "现行有效件数": 1}
    assert result["table2"]["行政规范性文件"] == {
        "本年制发件数": 2,
        "本年废止件数": 1,
        "现行有效件数": 3,
    }
    assert result["table2"]["行政许可"] == {"本年处理决定数量": 12}
    assert result["table2"]["行政事业性收费"] == {"本年收费金额（单位：万元）": 2.5}
    assert result["table4"]["行政复议"] == {
        "结果维持": 1,
        "结果纠正": 1,
        "其他结果": 0,
        "尚未审结": 0,
        "总计": 2,
    }
    assert result["table4"]["行政诉讼（未经复议直接起诉）"]["尚未审结"] == 1
    assert result["table4"]["行政诉讼（复议后起诉）"]["其他结果"] == 1

    t2, t3, t4 = Document(str(out)).tables
    g3 = grid(t3)
    assert len(g3) == 28 and all(len(r) == 10 for r in g3)
    docx_numbers = {
        label: [int(v) for v in row[3:]] for label, row in zip(expected, g3[3:], strict=True)
    }
    assert docx_numbers == expected
    g2 = grid(t2)
    rows2 = {r[0]: r[1:] for r in g2}
    assert rows2["规章"] == ["1", "0", "1"] and rows2["行政规范性文件"] == ["2", "1", "3"]
    assert rows2["行政许可"] == ["12", "12", "12"]  # one cell merged across three columns
    assert rows2["行政事业性收费"][0] == "2.5"
    g4 = grid(t4)
    assert g4[3] == ["1", "1", "0", "0", "2", "0", "0", "0", "1", "1", "0", "0", "1", "0", "1"]


def test_docx_follows_the_national_layout(loaded, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Six headings in order, table 三's merged note, group labels and exact row labels, A4 margins."""
    out = tmp_path / "report.docx"
    assert run_report(run_cli, 2021, out)[0] == 0
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    headings = [t for t in texts if t[:2] in {"一、", "二、", "三、", "四、", "五、", "六、"}]
    assert headings == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    for sub in (
        "（一）主动公开",
        "（二）依申请公开",
        "（三）政府信息管理",
        "（四）政府信息公开平台建设",
        "（五）监督保障",
    ):
        assert sub in texts
    assert texts[0] == "测试局2021年政府信息公开工作年度报告"
    section = doc.sections[0]
    assert round(section.top_margin / Mm(1)) == 37 and round(section.left_margin / Mm(1)) == 28
    t2, t3, t4 = doc.tables
    g3 = grid(t3)
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert [g3[r][c] for r in range(3) for c in range(3)] == [note] * 9
    assert g3[0][3:] == ["申请人情况"] * 7
    assert g3[1][3:] == ["自然人", *["法人或其他组织"] * 5, "总计"]
    assert g3[2][4:9] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert g3[3][0] == "一、本年新收政府信息公开申请数量"
    assert g3[4][0] == "二、上年结转政府信息公开申请数量"
    assert {g3[r][0] for r in range(5, 27)} == {"三、本年度办理结果"}
    assert g3[6][1] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert {g3[r][1] for r in range(7, 15)} == {"（三）不予公开"}
    assert [g3[r][2] for r in (7, 14, 15, 26)] == [
        "1.属于国家秘密",
        "8.属于行政查询事项",
        "1.本机关不掌握相关政府信息",
        "（七）总计",
    ]
    assert g3[24][2] == "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    assert g3[27][0] == "四、结转下年度继续办理"
    g4 = grid(t4)
    assert g4[0][:5] == ["行政复议"] * 5 and g4[0][5:] == ["行政诉讼"] * 10
    assert g4[1][5] == "未经复议直接起诉" and g4[1][10] == "复议后起诉"
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert g4[1][:5] == heads and g4[2][:5] == heads  # one cell spanning rows 2–3
    assert t4.rows[1].cells[0]._tc is t4.rows[2].cells[0]._tc
    assert g4[2][5:10] == heads and g4[2][10:] == heads
    assert [r[0] for r in grid(t2) if r[0].startswith("第二十条")] == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ]
    body = doc.element.body.xml
    assert 'w:eastAsia="仿宋_GB2312"' in body and 'w:eastAsia="黑体"' in body


def test_report_breaking_the_previous_year_link_is_refused(
    app_ctx, admin, loaded, run_cli, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """After 2020's report is exported, a late-entered 2020 request makes 2021's export refused."""
    assert run_report(run_cli, 2020, tmp_path / "2020.docx")[0] == 0
    kf = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    RequestService(app_ctx.db, admin).create_request(
        RequestInput("补录-1", date(2020, 12, 30), Channel.POST, ApplicantType.NATURAL_PERSON, kf)
    )
    out = tmp_path / "2021.docx"
    code, stdout, stderr = run_report(run_cli, 2021, out)
    assert code == 1 and not out.exists()
    assert "上年结转与2020年报告的结转下年度不一致" in stderr and "自然人 1≠0" in stderr
    assert json.loads(stdout)["problems"]
    with pytest.raises(Exception, match="勾稽关系"):
        from gongkai_desktop.progress import run_job

        run_job(AnnualReportService(app_ctx.db, admin).export_job(2021, out))


def test_inputs_and_edited_sections_are_kept_per_year(
    app_ctx, admin, loaded, run_cli, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Edited text goes into the .docx; other sections keep the data-built draft; 2022 starts at 0."""
    service = AnnualReportService(app_ctx.db, admin)
    data = service.report(2021)
    data = service.save(
        2021,
        sections={
            "problems": "一是人手不足。二是培训不够。",
            "overview_requests": data.drafts["overview_requests"],
        },
        expected_version=data.version,
    )
    assert data.edited == {"problems": "一是人手不足。二是培训不够。"}
    assert data.inputs == YearInputs(12, 3, 1, Decimal("2.5"))
    assert service.report(2022).inputs == YearInputs()
    out = tmp_path / "r.docx"
    assert run_report(run_cli, 2021, out)[0] == 0
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert "一是人手不足。二是培训不够。" in texts
    assert any("共收到政府信息公开申请25件" in t for t in texts)


def test_only_admin_saves_and_exports(app_ctx, liaison, loaded, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A liaison may read the numbers but not edit or export the report."""
    service = AnnualReportService(app_ctx.db, liaison)
    assert service.report(2021).table3["本年新收"][-1] == 25
    with pytest.raises(PermissionDenied):
        service.save(2021, inputs=YearInputs(1, 1, 1, Decimal(0)))
    from gongkai_desktop.progress import run_job

    with pytest.raises(PermissionDenied):
        run_job(service.export_job(2021, tmp_path / "x.docx"))


@pytest.mark.slow
def test_report_converts_with_libreoffice(loaded, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """LibreOffice converts the report to a PDF of several A4 pages."""
    out = tmp_path / "report.docx"
    assert run_report(run_cli, 2021, out)[0] == 0
    pdf = convert_with_libreoffice(out, tmp_path).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 3


def test_font_names_set_by_the_admin_reach_the_document(app_ctx, admin, loaded, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The 常用字体 set with a typed title font: the title uses the typed name, the body 仿宋."""
    service = AdminService(app_ctx.db, admin)
    service.set_setting("word_fonts", "fallback")
    service.set_setting("font_title", "华文中宋")
    out = tmp_path / "fonts.docx"
    code, _, stderr = run_report(run_cli, 2021, out)
    assert code == 0, stderr
    body = Document(str(out)).element.body.xml
    assert 'w:eastAsia="华文中宋"' in body and 'w:eastAsia="仿宋"' in body
    assert "方正小标宋简体" not in body and "仿宋_GB2312" not in body
