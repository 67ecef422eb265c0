"""The 报表 page: tables as they print, balance checks, edited sections kept, the Word export."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gongkai_desktop.domain.requests import ApplicantType, Channel
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.annual_report import AnnualReportService
from gongkai_desktop.services.requests import RequestInput, RequestService


@pytest.fixture
def year_data(app_ctx, admin):  # type: ignore[no-untyped-def]
    """2021: three requests received (one carried over), one answered in 2022."""
    kf = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    service = RequestService(app_ctx.db, admin)
    service.create_request(
        RequestInput(
            "A",
            date(2021, 3, 1),
            Channel.POST,
            ApplicantType.NATURAL_PERSON,
            kf,
            answer_date=date(2021, 3, 15),
            outcome="予以公开",
        )
    )
    service.create_request(
        RequestInput(
            "B",
            date(2021, 4, 1),
            Channel.ONLINE,
            ApplicantType.BUSINESS,
            kf,
            answer_date=date(2021, 4, 20),
            outcome="不予公开-属于国家秘密",
        )
    )
    service.create_request(
        RequestInput("C", date(2021, 12, 28), Channel.ONLINE, ApplicantType.RESEARCH, kf)
    )
    return service


def build_page(qtbot, ui_ctx, actor, year: int = 2021):  # type: ignore[no-untyped-def]
    from ui.pages.reports import ReportsPage

    page = ReportsPage(ui_ctx(actor))
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    page.year.setValue(year)
    return page


def test_tables_show_the_counts_with_merged_cells(
    qtbot, ui_ctx, admin, year_data, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Table 三 shows 28 rows × 10 columns, merged labels and the counts; the check passes."""
    page = build_page(qtbot, ui_ctx, admin)
    t3 = page.table3
    assert (t3.rowCount(), t3.columnCount()) == (28, 10)
    assert t3.rowSpan(5, 0) == 22 and t3.columnSpan(0, 0) == 3 and t3.rowSpan(0, 0) == 3
    assert t3.item(3, 0).text() == "一、本年新收政府信息公开申请数量"
    assert [t3.item(3, c).text() for c in range(3, 10)] == ["1", "1", "1", "0", "0", "0", "3"]
    assert t3.item(27, 9).text() == "1"  # 结转下年度 总计
    assert "勾稽关系校验通过" in page.checks.text()
    assert page.table4.columnCount() == 15 and page.table2.columnCount() == 4
    assert page.grab().save(str(tmp_path / "reports.png"))


def test_edits_and_inputs_are_saved_per_year(qtbot, ui_ctx, admin, year_data, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """An edited section and the year's inputs are stored; another year keeps its own."""
    page = build_page(qtbot, ui_ctx, admin)
    page.sections.setCurrentRow(8)  # 五、存在的主要问题及改进情况
    page.text.setPlainText("人员力量不足。")
    page.licences.setValue(7)
    page.fees.setValue(1.5)
    assert "已修改" in page.section_state.text()
    assert page.save()
    stored = AnnualReportService(app_ctx.db, admin).report(2021)
    assert stored.edited == {"problems": "人员力量不足。"}
    assert stored.inputs.licences == 7 and stored.inputs.fees_wan == Decimal("1.5")
    page.year.setValue(2022)
    assert page.licences.value() == 0
    page.year.setValue(2021)
    page.sections.setCurrentRow(8)
    assert page.text.toPlainText() == "人员力量不足。"
    page.restore_draft()
    assert "根据数据起草" in page.section_state.text()


def test_export_writes_the_docx(
    qtbot, ui_ctx, admin, year_data, monkeypatch, message_boxes, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Export asks for a file, writes the report off the GUI thread, dated with the page's
    成文日期 field (today by default), and says where it is."""
    target = tmp_path / "年报.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page = build_page(qtbot, ui_ctx, admin)
    assert page.issue_date.value() == date.today()
    page.issue_date.set_value(date(2022, 1, 20))
    page.export()
    assert target.exists()
    assert message_boxes.last()[0] == "information"
    doc = Document(str(target))
    assert len(doc.tables) == 3
    assert [p.text for p in doc.paragraphs if p.text][-1] == "2022年1月20日"
    assert "上次导出" in page.status.text()


def test_last_export_is_shown_in_local_time(
    qtbot, ui_ctx, admin, app_ctx, year_data, monkeypatch, message_boxes, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """On a PC in Beijing time the export stored in UTC reads 8 hours later, without 「UTC」."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        target = tmp_path / "年报.docx"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
        page = build_page(qtbot, ui_ctx, admin)
        page.export()
        stored = datetime.fromisoformat(AnnualReportService(app_ctx.db, admin).report(2021).exported_at)
        beijing = stored + timedelta(hours=8)
        assert page.status.text() == f"上次导出：{beijing:%Y-%m-%d %H:%M}"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_unbalanced_year_is_shown_and_refused(
    qtbot, ui_ctx, admin, year_data, monkeypatch, message_boxes, app_ctx, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """After last year's report was exported, a late 2021 entry breaks 2022's link: shown, refused."""
    run_job(AnnualReportService(app_ctx.db, admin).export_job(2021, tmp_path / "2021.docx"))
    kf = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    year_data.create_request(
        RequestInput("LATE", date(2021, 12, 30), Channel.POST, ApplicantType.OTHER, kf)
    )
    page = build_page(qtbot, ui_ctx, admin, 2022)
    assert "不能导出" in page.checks.text() and "上年结转" in page.checks.text()
    page.export()
    kind, title, text = message_boxes.last()
    assert kind == "warning" and "勾稽关系" in text


def test_leader_reads_without_editing(qtbot, ui_ctx, year_data, make_user) -> None:  # type: ignore[no-untyped-def]
    """A leader sees the report but has no save or export and a read-only editor."""
    from gongkai_desktop.domain.labels import Role

    page = build_page(qtbot, ui_ctx, make_user("boss", "综合处", Role.LEADER))
    assert page.table3.item(3, 9).text() == "3"
    assert not page.export_button.isVisible() and page.text.isReadOnly()


def test_publication_date_is_recorded_on_the_page(qtbot, ui_ctx, admin, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """登记公开日期 stores the date the dashboard's 1月31日 rule reads; a date inside the year is
    refused on the page and nothing is stored."""
    from PySide6.QtCore import QDate

    from gongkai_desktop.services.compliance import ComplianceService

    page = build_page(qtbot, ui_ctx, admin, 2021)
    assert "尚未登记" in page.published_hint.text() and page.publish_button.isVisible()
    page.published_on.enabled.setChecked(True)
    page.published_on.edit.setDate(QDate(2021, 12, 20))
    page.publish_button.click()
    assert "2021年结束之后" in page.error.text()
    assert AnnualReportService(app_ctx.db, admin).report(2021).published_on is None
    page.published_on.edit.setDate(QDate(2022, 1, 25))
    page.publish_button.click()
    assert "已登记：2022-01-25" in page.published_hint.text()
    board = ComplianceService(app_ctx.db, admin).dashboard(2022, None, date(2022, 3, 1))
    tally = next(t for t in board.tallies if t.rule.id == "annual_report_by_january_31")
    assert (tally.met, tally.missed) == (1, 0)
    assert "已于 2022-01-25 公开" in tally.notes


def test_missing_data_is_shown_and_asked_about_before_export(
    qtbot, ui_ctx, admin, year_data, monkeypatch, message_boxes, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Sections the records cannot draft are listed on the page; export asks first, and 否
    writes nothing."""
    target = tmp_path / "年报.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page = build_page(qtbot, ui_ctx, admin)
    assert page.warnings.isVisible()
    assert "（一）主动公开" in page.warnings.text()
    message_boxes.answer = QMessageBox.StandardButton.No
    page.export()
    kind, _title, text = message_boxes.last()
    assert kind == "question" and "（一）主动公开" in text
    assert not target.exists()
