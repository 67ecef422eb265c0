"""年度任务 GUI: the import dialog's editable preview and name decisions, the 年度任务 page for a
liaison and an admin, the report and review dialogs, the exports, and 1366×768 screenshots."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from gongkai_desktop.db.models import Division
from gongkai_desktop.db.plan_models import PlanTask, TaskReport
from gongkai_desktop.domain.plan import ReviewResult, TaskStatus
from gongkai_desktop.importers.plan import parse_plan_file
from gongkai_desktop.services.plan import PlanService

SEED = Path(__file__).resolve().parents[2] / "resources" / "samples" / "plan-2021.txt"
DAY = date(2021, 7, 20)
SCREEN = (1366, 728)  # a 1366×768 screen less its task bar


def _screenshot(widget, tmp_path: Path, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Save a PNG of the widget; also into $GONGKAI_SHOTS_DIR when set (for looking at)."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()  # let pending layout changes land before grabbing
    target = tmp_path / f"{name}.png"
    assert widget.grab().save(str(target))
    folder = os.environ.get("GONGKAI_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(target, Path(folder) / target.name)
    return target


def _assert_not_blank(path: Path) -> None:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert (image.width(), image.height()) == SCREEN
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37)
               for y in range(0, image.height(), 29)}  # fmt: skip
    assert len(colours) > 8


@pytest.fixture
def seeded(app_ctx, admin, liaison):  # type: ignore[no-untyped-def]
    """The seed imported for 2021; 开发指导处 reported Q1 of task 1 (需整改) and task 2 (合格)."""
    PlanService(app_ctx.db, admin).import_plan(2021, parse_plan_file(SEED).tasks)
    mine = PlanService(app_ctx.db, liaison)
    for no, result in ((1, ReviewResult.RECTIFY), (2, ReviewResult.PASS)):
        a = mine.find_assignment(2021, no, "开发指导处")
        report = mine.save_report(
            a.id, 1, progress=f"第{no}项一季度进展", status=TaskStatus.IN_PROGRESS,
            today=date(2021, 4, 6),
        )  # fmt: skip
        PlanService(app_ctx.db, admin).review_report(report.id, result, "请补充会议纪要")
    return admin


def _page(qtbot, ui_ctx, actor):  # type: ignore[no-untyped-def]
    from ui.pages.plan import PlanPage

    page = PlanPage(ui_ctx(actor), today=DAY)
    qtbot.addWidget(page)
    page.resize(*SCREEN)
    page.show()
    qtbot.waitExposed(page)
    return page


def _task_numbers(page) -> list[int]:  # type: ignore[no-untyped-def]
    return [t.no for t in page.shown_tasks]


def _select_task(page, no: int) -> None:  # type: ignore[no-untyped-def]
    tree = page.tree
    for i in range(tree.topLevelItemCount()):
        section = tree.topLevelItem(i)
        for j in range(section.childCount()):
            if section.child(j).text(0) == str(no):
                tree.setCurrentItem(section.child(j))
                return
    raise AssertionError(f"task {no} not shown")


def _select_cell(page, division: str, quarter: int) -> None:  # type: ignore[no-untyped-def]
    for row in range(page.grid.rowCount()):
        if page.grid.item(row, 0).text() == division:
            page.grid.setCurrentCell(row, 1 + quarter)
            return
    raise AssertionError(f"{division} not in the grid")


# ---- import dialog -----------------------------------------------------------------------------


def test_import_dialog_preview_decisions_and_import(qtbot, app_ctx, admin, ui_ctx, tmp_path,
                                                    open_file_dialog):  # fmt: skip
    """The chosen file fills an editable preview; unknown names are highlighted and block the
    import until each has a decision; an edited title and the decisions are what is stored."""
    from ui.dialogs.plan_import import COL_LEAD, COL_RESOLVED, COL_TITLE, PlanImportDialog

    plan = tmp_path / "2021年工作要点.txt"
    text = SEED.read_text(encoding="utf-8").replace("稽查处", "督查处")
    plan.write_text(text.replace("机关纪委", "纪检组"), encoding="utf-8")
    dialog = PlanImportDialog(ui_ctx(admin), year=2030)
    qtbot.addWidget(dialog)
    dialog.resize(*SCREEN)
    dialog.show()
    open_file_dialog(plan)
    qtbot.mouseClick(dialog.browse, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 17 and dialog.year.value() == 2021
    assert dialog.table.item(1, COL_LEAD).text() == "综合处、督查处"
    assert dialog.table.item(1, COL_LEAD).background().color().name() == "#fde2e0"
    assert dialog.table.item(0, COL_LEAD).background().style() == Qt.BrushStyle.NoBrush
    assert dialog.table.item(0, COL_RESOLVED).text() == "牵头：政法处；责任：开发指导处、社会帮扶处"
    assert list(dialog._decisions_widgets) == ["督查处", "纪检组"]
    assert not dialog.import_button.isEnabled()
    assert "还有 2 个处室名称未处理" in dialog.summary.text()
    _screenshot(dialog, tmp_path, "plan_import_preview")
    _assert_not_blank(tmp_path / "plan_import_preview.png")

    dialog.table.item(0, COL_TITLE).setText("加大决策公开力度")
    decide = dialog._decisions_widgets
    decide["督查处"].setCurrentIndex(decide["督查处"].findData("map:稽查处"))
    assert not dialog.import_button.isEnabled()
    decide["纪检组"].setCurrentIndex(decide["纪检组"].findData("add:business"))
    assert dialog.import_button.isEnabled()
    assert "牵头：综合处、稽查处" in dialog.table.item(1, COL_RESOLVED).text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.result is not None and dialog.result.created == 17
    assert dialog.result.divisions_added == ("纪检组",)
    with app_ctx.db.read() as s:
        assert s.scalar(select(PlanTask.title).where(PlanTask.no == 1)) == "加大决策公开力度"
        assert s.scalar(select(Division.kind).where(Division.name == "纪检组")) == "business"


def test_import_dialog_shows_the_refusal_to_a_liaison(qtbot, app_ctx, liaison, ui_ctx):
    """A liaison who reaches the dialog gets the service's refusal inline; nothing is stored."""
    from ui.dialogs.plan_import import PlanImportDialog

    dialog = PlanImportDialog(ui_ctx(liaison), year=2021)
    qtbot.addWidget(dialog)
    dialog.set_parsed(parse_plan_file(SEED))
    assert dialog.import_button.isEnabled()
    dialog.do_import()
    assert "管理员" in dialog.error.text() and dialog.result is None
    with app_ctx.db.read() as s:
        assert s.scalar(select(PlanTask.id)) is None


# ---- the page ----------------------------------------------------------------------------------


def test_liaison_sees_my_tasks_first_with_overdue_and_rectify(qtbot, seeded, liaison, ui_ctx,
                                                              tmp_path):  # fmt: skip
    """A liaison opens on 我的任务 (their division's 7 tasks), sees what is overdue or to
    rectify, can report only in their own row, and has no review or import buttons."""
    page = _page(qtbot, ui_ctx, liaison)
    assert page.scope.currentData() == "mine"
    assert _task_numbers(page) == [1, 2, 5, 6, 8, 14, 16]
    assert page.tree.topLevelItem(0).text(0) == "二、加大公开力度"
    banner = page.attention.text()
    assert (
        banner.startswith("开发指导处需要处理：逾期未报") and "需整改 1 项（第1项一季度）" in banner
    )
    assert "第5项一季度" in banner and "第1项二季度" in banner
    assert page.import_button.isHidden() and page.review_button.isHidden()
    _select_task(page, 1)
    assert page.task_text.toPlainText().startswith("加大决策公开。将决策预公开")
    _select_cell(page, "开发指导处", 1)
    assert "需整改" in page.report_view.toPlainText()
    assert "请补充会议纪要" in page.report_view.toPlainText()
    assert page.report_button.isEnabled() and page.report_button.text() == "修改进展…"
    _select_cell(page, "政法处", 1)
    assert not page.report_button.isEnabled()
    _select_cell(page, "开发指导处", 4)
    assert not page.report_button.isEnabled()  # the fourth quarter has not begun
    _select_cell(page, "开发指导处", 1)
    shot = _screenshot(page, tmp_path, "plan_page_liaison")
    _assert_not_blank(shot)
    page.scope.setCurrentIndex(page.scope.findData("all"))
    assert len(page.shown_tasks) == 17


def test_admin_filters_and_sees_every_division(qtbot, seeded, ui_ctx, tmp_path):
    """An admin sees all 17 tasks grouped under 4 sections; division, role, quarter and state
    filters narrow the list; the quarter column counts every division."""
    page = _page(qtbot, ui_ctx, seeded)
    assert page.scope.currentData() == "all" and len(page.shown_tasks) == 17
    assert page.tree.topLevelItemCount() == 4
    page.quarter.setCurrentIndex(0)
    first = page.tree.topLevelItem(0).child(0)
    assert first.text(4) == "已报 1/3，逾期未报 2，需整改 1"
    page.division.setCurrentIndex(page.division.findText("政法处"))
    page.role.setCurrentIndex(page.role.findData("lead"))
    assert _task_numbers(page) == [1, 6, 7, 8, 9, 10, 12]
    assert page.attention.text().startswith("政法处需要处理：逾期未报 14 项")
    page.division.setCurrentIndex(0)
    page.role.setCurrentIndex(0)
    page.state.setCurrentIndex(page.state.findData("合格"))
    assert _task_numbers(page) == [2]
    page.state.setCurrentIndex(0)
    _select_task(page, 1)
    shot = _screenshot(page, tmp_path, "plan_page_admin")
    _assert_not_blank(shot)


def test_report_dialog_saves_the_divisions_quarter(qtbot, app_ctx, seeded, liaison, ui_ctx,
                                                   drive_modal, tmp_path):  # fmt: skip
    """填报进展 opens the dialog; the text, status, link and a file are saved for the liaison's
    division and the grid shows them."""
    from ui.dialogs.plan_report import ReportDialog

    page = _page(qtbot, ui_ctx, liaison)
    _select_task(page, 6)
    _select_cell(page, "开发指导处", 2)
    assert page.report_button.text() == "填报进展…"
    evidence = tmp_path / "截图.png"
    evidence.write_bytes(b"\x89PNG evidence")

    def fill(dialog: ReportDialog) -> None:
        dialog.status.setCurrentIndex(dialog.status.findData(TaskStatus.DONE.value))
        dialog.progress.setPlainText("已在门户网站发布解读 3 篇")
        dialog.links.setPlainText("https://example.org/jd/1\n")
        dialog.queue_file(evidence)
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save),
                         Qt.MouseButton.LeftButton)  # fmt: skip
        assert dialog.error.isHidden(), dialog.error.text()

    drive_modal(ReportDialog, fill)
    page.open_report()
    with app_ctx.db.read() as s:
        report = s.scalars(select(TaskReport).where(TaskReport.quarter == 2)).one()
    assert report.progress == "已在门户网站发布解读 3 篇" and report.status == "done"
    assert (
        "已完成" in page.report_view.toPlainText() and "截图.png" in page.report_view.toPlainText()
    )
    row = next(
        r for r in range(page.grid.rowCount()) if page.grid.item(r, 0).text() == "开发指导处"
    )
    assert page.grid.item(row, 3).text() == "已完成\n逾期报送\n待审核"  # reported after 7 July


def test_review_dialog_by_admin(qtbot, app_ctx, seeded, ui_ctx, drive_modal):
    """督查审核 turns a 需整改 report into 合格 with the admin's comment."""
    from ui.dialogs.plan_report import ReviewDialog

    page = _page(qtbot, ui_ctx, seeded)
    _select_task(page, 1)
    _select_cell(page, "开发指导处", 1)
    assert page.review_button.isEnabled()

    def review(dialog: ReviewDialog) -> None:
        assert dialog.rectify.isChecked()
        dialog.passed.setChecked(True)
        dialog.comment.setPlainText("已按要求补充")
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save),
                         Qt.MouseButton.LeftButton)  # fmt: skip

    drive_modal(ReviewDialog, review)
    page.open_review()
    with app_ctx.db.read() as s:
        results = set(s.scalars(select(TaskReport.review_result)))
    assert results == {"pass"}
    assert "督查结论：合格" in page.report_view.toPlainText()


def test_exports_from_the_page_run_on_the_worker(qtbot, seeded, ui_ctx, tmp_path, monkeypatch,
                                                 message_boxes):  # fmt: skip
    """导出任务分解表 and 生成督查通报 write the files chosen and say so; the 通报 takes its 截至
    (offered: the quarter's due date) and 成文日期 from the dates dialog."""
    page = _page(qtbot, ui_ctx, seeded)
    targets = iter([tmp_path / "分解表.xlsx", tmp_path / "通报"])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(next(targets)), ""))
    offered = []

    def dates(parent, title, as_of, issued):  # type: ignore[no-untyped-def]
        offered.append(as_of)
        return date(2021, 4, 9), date(2021, 4, 12)

    monkeypatch.setattr("ui.pages.plan_exports.ask_bulletin_dates", dates)
    page.quarter.setCurrentIndex(0)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    ws = openpyxl.load_workbook(tmp_path / "分解表.xlsx")["任务分解表"]
    assert ws.max_row - 1 == sum(len(t.assignments) for t in page.overview.tasks)
    qtbot.mouseClick(page.bulletin_button, Qt.MouseButton.LeftButton)
    document = docx.Document(str(tmp_path / "通报.docx"))
    assert document.paragraphs[0].text.replace("\n", "").startswith("关于2021年第一季度政务公开工作要点")
    assert offered == [page.overview.due_dates[1]]
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[-1] == "2021年4月12日"
    assert any("截至2021年4月9日" in t for t in texts)
    kinds = [kind for kind, _title, _text in message_boxes.calls]
    assert kinds == ["information", "information"]
    assert "已生成2021年第一季度督查通报" in message_boxes.texts()[1]


def test_page_is_registered_and_opens_in_the_main_window(qtbot, seeded, main_window):
    """The registry names the page; the main window shows it under 年度任务."""
    from ui.pages import page_by_key
    from ui.pages.plan import PlanPage

    assert page_by_key("tasks").factory == "ui.pages.plan:PlanPage"
    window = main_window(seeded)
    window.show_page("tasks")
    assert isinstance(window.page("tasks"), PlanPage)
    assert window.title.text() == "年度任务"
