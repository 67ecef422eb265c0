"""考核评议 page: the 汇总 of a year computed on the worker, a division's indicators and the
records behind one (double-click opens their page), 扣分/调整 through the dialog, the workbook
export, and a liaison who sees only their own division."""

from __future__ import annotations

import evaluation_data as data
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog

from gongkai_desktop.domain.evaluation import shown


def open_page(qtbot, main_window, actor, year: int = 2025):  # type: ignore[no-untyped-def]
    window = main_window(actor)
    window.resize(1366, 768)
    window.show_page("evaluation")
    page = window.page("evaluation")
    qtbot.waitUntil(lambda: page.result is not None, timeout=10000)
    page.result = None
    page.year.setValue(year)
    page.refresh()
    qtbot.waitUntil(
        lambda: page.result is not None and page.result.period.year == year, timeout=10000
    )
    return window, page


def _row_of(page, name: str) -> int:  # type: ignore[no-untyped-def]
    proxy = page.summary.proxy
    return next(r for r in range(proxy.rowCount()) if proxy.index(r, 1).data() == name)


def test_summary_detail_and_records_follow_the_selection(qtbot, main_window, admin, scored, shots):
    """The 汇总 lists the eight divisions by rank with the hand totals; choosing 开发指导处 shows
    its thirteen indicators, YSQ1's two requests, and a double-click opens 依申请公开."""
    window, page = open_page(qtbot, main_window, admin)
    proxy = page.summary.proxy
    rows = [(proxy.index(r, 0).data(), proxy.index(r, 1).data()) for r in range(proxy.rowCount())]
    assert [name for _rank, name in rows][:1] == ["综合处"] and len(rows) == 8
    totals = {proxy.index(r, 1).data(): proxy.index(r, 2).data() for r in range(8)}
    assert totals == {name: total for name, (total, _g, _r) in data.ANNUAL_EXPECTED.items()}
    page.summary.selectRow(_row_of(page, "开发指导处"))
    assert page.detail_model.rowCount() == 13 and "61.67" in page.detail_title.text()
    ysq = next(r for r in range(13) if page.detail.proxy.index(r, 0).data() == "YSQ1")
    page.detail.selectRow(ysq)
    assert page.records_model.rowCount() == 2
    assert [page.records.proxy.index(r, 0).data() for r in range(2)] == ["未达标", "达标"]
    page.records.selectRow(0)
    page.open_record()
    assert window.current_key() == "requests"
    window.show_page("evaluation")
    page.grab().save(str(shots / "evaluation-page.png"))


def test_a_deduction_entered_in_the_dialog_changes_the_total(
    qtbot, main_window, admin, scored, drive_modal
):
    """扣分 of 1.15 for 社会帮扶处 through the dialog recomputes: 71.15 becomes 70.00."""
    from ui.pages.evaluation_dialogs import AdjustmentsDialog

    _window, page = open_page(qtbot, main_window, admin)
    page.summary.selectRow(_row_of(page, "社会帮扶处"))

    def enter(dialog: AdjustmentsDialog) -> None:
        assert dialog.division.currentText() == "社会帮扶处"
        dialog.points.setValue(1.15)
        dialog.reason.setText("不应公开而公开")
        dialog.add_button.click()
        assert dialog.model.rowCount() == 3
        dialog.reject()

    drive_modal(AdjustmentsDialog, enter)
    page.result = None
    page.edit_adjustments()
    qtbot.waitUntil(lambda: page.result is not None, timeout=10000)
    sb = next(d for d in page.result.divisions if d.division_name == "社会帮扶处")
    assert str(shown(sb.total)) == "70.00" and sb.rank == 3


def test_export_writes_the_workbook(
    qtbot, main_window, admin, scored, message_boxes, monkeypatch, tmp_path
):
    """导出 Excel writes the workbook of what is shown (8 division sheets besides the others)."""
    target = tmp_path / "评议.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    _window, page = open_page(qtbot, main_window, admin)
    page.export_workbook()
    assert message_boxes.texts("information") == [f"已导出：{target}"]
    assert len(load_workbook(target).sheetnames) == 11


def test_a_liaison_sees_only_their_division_and_no_admin_buttons(
    qtbot, main_window, scored, liaison
):
    """The liaison's 汇总 holds 开发指导处 alone (rank 4 of the bureau); 扣分/调整 and 指标 are hidden."""
    _window, page = open_page(qtbot, main_window, liaison)
    assert page.summary_model.rowCount() == 1
    assert page.summary.proxy.index(0, 0).data() == "4"
    assert not page.adjust_button.isVisible() and not page.indicators_button.isVisible()
    assert not page.bulletin_button.isVisible()
    assert page.export_button.isVisible()


def test_quarter_view_shows_not_applicable_divisions_without_rank(
    qtbot, main_window, admin, scored
):
    """第二季度: five divisions have nothing to measure and show 不适用 with no rank."""
    _window, page = open_page(qtbot, main_window, admin)
    page.result = None
    page.period.setCurrentIndex(2)
    qtbot.waitUntil(
        lambda: page.result is not None and page.result.period.quarter == 2, timeout=10000
    )
    proxy = page.summary.proxy
    grades = [proxy.index(r, 3).data() for r in range(proxy.rowCount())]
    assert grades.count("不适用") == 5
    ranks = [
        proxy.index(r, 0).data()
        for r in range(proxy.rowCount())
        if proxy.index(r, 3).data() == "不适用"
    ]
    assert set(ranks) == {"—"}


def test_indicator_dialog_saves_the_years_table_and_parameters(qtbot, ui_ctx, admin, monkeypatch):
    """Editing a weight and the case deduction in the dialog stores the year's own table and
    the parameter; a row with a weight that is no number is refused and nothing changes."""
    from decimal import Decimal

    from PySide6.QtWidgets import QTableWidgetItem

    from gongkai_desktop.services.evaluation import EvaluationService
    from ui.pages.evaluation_dialogs import IndicatorsDialog

    ctx = ui_ctx(admin)
    service = EvaluationService(ctx.db, admin)
    dialog = IndicatorsDialog(service, 2025, ctx.settings)
    qtbot.addWidget(dialog)
    dialog.table.setItem(0, 2, QTableWidgetItem("20"))
    dialog.penalty.setValue(3)
    assert "105.00" in dialog.total.text()
    dialog.save()
    assert service.indicators(2025)[0].weight == Decimal(20)
    assert service.parameters()[0] == Decimal(3)
    again = IndicatorsDialog(service, 2026, ctx.settings)
    qtbot.addWidget(again)
    again.table.setItem(1, 2, QTableWidgetItem("十"))
    shown_errors: list[str] = []
    monkeypatch.setattr(
        "ui.pages.evaluation_dialogs.show_error",
        lambda _parent, error, title="": shown_errors.append(str(error)),
    )
    again.save()
    assert shown_errors and "第2行的权重" in shown_errors[0]
    assert not service.has_own_indicators(2026)


def test_bulletin_needs_a_quarter_and_is_written_for_one(
    qtbot, main_window, admin, scored, message_boxes, monkeypatch, tmp_path
):
    """导出督查通报 on the year view asks for a quarter; on 第三季度 it writes the Word file."""
    from docx import Document

    target = tmp_path / "通报.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    _window, page = open_page(qtbot, main_window, admin)
    page.export_bulletin()
    assert "请先在「期间」中选择一个季度" in message_boxes.texts("information")[-1]
    page.result = None
    page.period.setCurrentIndex(3)
    qtbot.waitUntil(lambda: page.result is not None, timeout=10000)
    page.export_bulletin()
    assert message_boxes.texts("information")[-1] == f"已导出：{target}"
    assert "督查情况的通报" in "".join(p.text for p in Document(str(target)).paragraphs[:3])
