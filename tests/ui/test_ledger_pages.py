"""The 公开事项 and 规范性文件 pages: paging, filters, the form's validation and conflicts,
read-only rows for liaisons, the import preview and the export on the worker."""

from __future__ import annotations

import os
import random
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from gongkai_desktop.demo import DemoContext, foundation_step
from gongkai_desktop.demo.ledger import ledger_step
from gongkai_desktop.domain.disclosure import (
    DeadlineState,
    DisclosureAttribute,
    DocumentFields,
    ItemFields,
)
from gongkai_desktop.progress import CancelToken, run_job
from gongkai_desktop.reports.excel.ledger_items import write_items_template
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.ledger import ItemQuery, LedgerService
from gongkai_desktop.services.ledger_documents import DocumentService

SCREEN = (1366, 768)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GONGKAI_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def demo_items(app_ctx, admin):  # type: ignore[no-untyped-def]
    """650 demo items (more than three pages of the list)."""
    ctx = DemoContext(app_ctx, admin, date.today().year, 650, random.Random(3), CancelToken())
    run_job(foundation_step(ctx))
    run_job(ledger_step(ctx))
    return LedgerService(app_ctx.db, admin)


def build(qtbot, widget):  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    widget.resize(*SCREEN)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def items_page(qtbot, ui_ctx, actor):  # type: ignore[no-untyped-def]
    from ui.ledger.items_page import ItemsPage

    return build(qtbot, ItemsPage(ui_ctx(actor)))


def test_list_pages_rows_in_and_filters_in_sql(qtbot, ui_ctx, admin, demo_items, shots):
    """The list holds one page at first, fetches more on demand, and filters by state."""
    page = items_page(qtbot, ui_ctx, admin)
    items = page.items
    model = items.model
    assert model.rowCount() == 200 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 400
    items.update_summary()
    assert items.total == 650 and "共 650 条" in items.summary.text()
    page.grab().save(str(shots / "ledger-items.png"))
    items.state.setCurrentIndex(items.state.findText("逾期"))
    expected = demo_items.count_items(ItemQuery(state=DeadlineState.OVERDUE))
    assert 0 < len(model.rows) == min(expected, 200)
    assert {r.state for r in model.rows} == {DeadlineState.OVERDUE}
    items.search.setText("乡村振兴")
    qtbot.waitUntil(lambda: all("乡村振兴" in (r.title + r.notes) for r in model.rows))
    items.reset_filters()
    items._header_clicked(0)  # 标题, ascending
    titles = [r.title for r in model.rows]
    assert titles == sorted(titles) and items.sort_key == "title"


def test_list_sorted_by_state_scrolls_through_every_item_once(qtbot, ui_ctx, admin, demo_items):
    """状态 sorts most urgent first; scrolling fetches page after page (each after the last row
    shown) until all 650 items are there, none twice, still in state order."""
    from gongkai_desktop.domain.disclosure import state_rank
    from ui.ledger.item_model import STATE_COLUMN

    page = items_page(qtbot, ui_ctx, admin)
    items = page.items
    model = items.model
    items._header_clicked(STATE_COLUMN)
    assert (items.sort_key, items.descending) == ("state", False)
    assert model.rows[0].state is DeadlineState.OVERDUE
    last = model.rows[-1]
    # An edit shown in place must not move where the next page starts.
    moved = replace(last, attribute=DisclosureAttribute.WITHHELD, state=None)
    model.replace_row(moved)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 650 and len({r.id for r in model.rows}) == 650
    ranks = [state_rank(r.state) for r in model.rows if r.id != last.id]
    assert ranks == sorted(ranks)


def test_form_shows_validation_errors_in_chinese(qtbot, ui_ctx, admin, app_ctx, shots):
    """不予公开 without a ground: the form names the field, outlines it and stores nothing."""
    from ui.ledger.item_form import ItemDialog

    service = LedgerService(app_ctx.db, admin)
    dialog = build(qtbot, ItemDialog(ui_ctx(admin), service))
    dialog.resize(760, 640)
    dialog.title.setText("监测对象个人信息台账")
    dialog.category.setCurrentText("管理公开")
    dialog.attribute.setCurrentText("不予公开")
    dialog.save()
    assert "「不公开依据」：不予公开的事项必须选择不公开依据" in dialog.errors.text()
    assert dialog.errors.isVisible() and "c0392b" in dialog.ground.styleSheet()
    dialog.grab().save(str(shots / "ledger-form-error.png"))
    assert service.count_items(ItemQuery()) == 0
    dialog.ground.setCurrentText("第十五条-个人隐私")
    dialog.save()
    assert service.list_items(ItemQuery())[0].ground == "第十五条-个人隐私"


def test_form_shows_the_deadline_as_dates_are_typed(qtbot, ui_ctx, admin, app_ctx):
    """Choosing 主动公开 and a formation date shows the working-day deadline."""
    from ui.ledger.item_form import ItemDialog

    dialog = build(qtbot, ItemDialog(ui_ctx(admin), LedgerService(app_ctx.db, admin)))
    dialog.category.setCurrentText("执行公开")
    dialog.attribute.setCurrentText("主动公开")
    dialog.formed_on.setDate(date(2021, 9, 28))
    assert dialog.computed.text().startswith("2021-11-01（形成后 20 个工作日）")
    assert "门户网站" in dialog.warning.text()
    dialog.channels.boxes["门户网站"].setChecked(True)
    assert not dialog.warning.isVisible()


def test_liaison_sees_other_divisions_items_read_only(qtbot, ui_ctx, admin, liaison, app_ctx):
    """Another division's item opens without a save button and with an explanation."""
    from ui.ledger.item_form import ItemDialog

    sb = AdminService(app_ctx.db, admin).division_by_name("社会帮扶处").id
    row = LedgerService(app_ctx.db, admin).create_item(
        sb, ItemFields("他处室事项", "执行公开", "proactive", None, date(2021, 3, 1))
    )
    service = LedgerService(app_ctx.db, liaison)
    dialog = build(qtbot, ItemDialog(ui_ctx(liaison), service, service.get_item(row.id)))
    assert dialog.read_only and dialog.title.isReadOnly() and not dialog.category.isEnabled()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isVisible()
    assert "社会帮扶处" in dialog.banner.text()


def test_conflicting_edit_shows_both_versions_and_keeps_the_chosen_one(
    qtbot, ui_ctx, admin, app_ctx, drive_modal
):
    """Someone saves meanwhile: the dialog lists both titles; keeping mine saves over theirs."""
    from ui.conflict import ConflictDialog
    from ui.ledger.item_form import ItemDialog

    service = LedgerService(app_ctx.db, admin)
    kf = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    row = service.create_item(kf, ItemFields("原标题", "执行公开", "proactive", None, date(2021, 3, 1)))
    dialog = build(qtbot, ItemDialog(ui_ctx(admin), service, row))
    service.update_item(row.id, row.version, kf, replace(row.fields(), title="对方的标题"))
    dialog.title.setText("我的标题")
    seen: list[tuple[str, str, str]] = []

    def keep_mine(conflict: ConflictDialog) -> None:
        table = conflict.table
        seen.extend(
            tuple(table.item(r, c).text() for c in range(3))  # type: ignore[misc]
            for r in range(table.rowCount())
        )
        conflict.keep_mine.click()

    drive_modal(ConflictDialog, keep_mine)
    dialog.save()
    assert ("标题", "我的标题", "对方的标题") in seen
    assert service.get_item(row.id).title == "我的标题"


def test_document_conflict_can_take_the_other_version(
    qtbot, ui_ctx, admin, app_ctx, conflict_answers
):
    """规范性文件: the dialog marks the changed status and title; 采用对方版本 reloads theirs."""
    from ui.ledger.document_form import DocumentDialog

    kf = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    service = DocumentService(app_ctx.db, admin)
    fields = DocumentFields("开发〔2021〕1号", "原标题", "normative", date(2021, 3, 1))
    row = service.create_document(kf, fields)
    dialog = build(qtbot, DocumentDialog(ui_ctx(admin), service, service.get_document(row.id)))
    theirs = replace(fields, title="对方的标题", status="repealed", status_changed_on=date(2022, 1, 4))
    service.update_document(row.id, row.version, kf, theirs, "废止")
    dialog.title.setText("我的标题")
    conflict_answers.button = "take_theirs"
    dialog.save()
    table = conflict_answers.last().table
    rows = {
        table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
        for r in range(table.rowCount())
    }
    assert rows["标题"] == ("我的标题", "对方的标题")
    assert rows["状态"] == ("现行有效", "已废止")
    assert rows["状态变更日期"] == ("", "2022-01-04")
    assert rows["制发处室"] == ("开发指导处", "开发指导处")
    assert conflict_answers.last().differing == ["title", "status", "status_changed_on"]
    assert dialog.title.text() == "对方的标题" and dialog.isVisible()
    assert service.get_document(row.id).row.title == "对方的标题"


def test_import_dialog_previews_errors_then_imports_a_good_file(
    qtbot, ui_ctx, admin, app_ctx, tmp_path, message_boxes, shots
):
    """A file with errors lists them and cannot be imported; a correct one imports on the worker."""
    from ui.ledger.exchange import ImportDialog

    template = tmp_path / "t.xlsx"
    write_items_template(template)

    def fill(name: str, rows: list[list[object]]) -> Path:
        wb = openpyxl.load_workbook(template)
        for r, row in enumerate(rows, 2):
            for c, value in enumerate(row, 1):
                wb.worksheets[0].cell(row=r, column=c, value=value)
        wb.save(tmp_path / name)
        return tmp_path / name

    good = ["好的事项", "决策公开", "主动公开", None, "开发指导处", "2021-03-01", None, "门户网站"]
    bad = fill("bad.xlsx", [good, ["坏的事项", "决策公开", "主动公开", None, "火星处", "2021-13-01"]])
    dialog = build(qtbot, ImportDialog(ui_ctx(admin), "items"))
    dialog.resize(1000, 620)
    dialog.load_file(bad)
    errors = [dialog.errors_list.item(i).text() for i in range(dialog.errors_list.count())]
    assert errors == [
        "第3行「责任处室」：处室「火星处」不存在，请填写本单位处室的全称",
        "第3行「形成日期」：日期「2021-13-01」不存在",
    ]
    assert dialog.rows_table.rowCount() == 1 and not dialog.import_button.isEnabled()
    dialog.grab().save(str(shots / "ledger-import-preview.png"))
    dialog.load_file(fill("good.xlsx", [good]))
    assert dialog.import_button.isEnabled()
    dialog.run_import()
    assert dialog.result is not None and dialog.result.created == 1
    assert "已导入 1 行" in message_boxes.last()[2]
    assert LedgerService(app_ctx.db, admin).count_items(ItemQuery()) == 1


def test_export_runs_on_the_worker_and_writes_the_file(
    qtbot, ui_ctx, admin, demo_items, tmp_path, monkeypatch, message_boxes
):
    """导出 asks for a file, writes all rows off the GUI thread and reports the count."""
    from ui.ledger.exchange import export_ledger

    target = tmp_path / "导出.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page = items_page(qtbot, ui_ctx, admin)
    assert export_ledger(page, page.ctx, "items", None) == target
    book = openpyxl.load_workbook(target, read_only=True)
    rows = list(book.worksheets[0].iter_rows())
    book.close()
    assert len(rows) == 651 and "650 行" in message_boxes.last()[2]


def test_documents_page_lists_filters_and_shows_cleanup(qtbot, ui_ctx, admin, demo_items, shots):
    """The registry lists the demo's 60 documents, filters by status; 清理 shows decisions."""
    from ui.ledger.documents_page import DocumentsPage

    page = build(qtbot, DocumentsPage(ui_ctx(admin)))
    documents = page.documents
    assert documents.model.rowCount() == 60
    documents.status.setCurrentIndex(documents.status.findText("已废止"))
    assert documents.model.rowCount() > 0
    assert all(r.status.label == "已废止" for r in documents.model.rows)
    page.grab().save(str(shots / "ledger-documents.png"))
    page.tabs.setCurrentIndex(1)
    assert page.cleanup.decisions.rowCount() > 0


def test_documents_list_pages_rows_in_and_sorts_in_sql(qtbot, ui_ctx, admin, app_ctx, shots):
    """More documents than one page: the first page shows, fetchMore loads the next one."""
    from sqlalchemy import insert

    from gongkai_desktop.db.ledger_models import NormativeDocument
    from ui.ledger.documents_page import DocumentsPage

    kf = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    rows = [
        {
            "division_id": kf,
            "doc_number": f"赣乡振规〔{2010 + i % 12}〕{i}号",
            "title": f"关于第{i}项工作的通知",
            "level": "normative",
            "written_on": date(2010 + i % 12, 1 + i % 12, 1 + i % 28),
            "status": "valid" if i % 5 else "repealed",
            "status_changed_on": None if i % 5 else date(2023, 1, 1),
        }
        for i in range(450)
    ]
    with app_ctx.db.write() as session:
        session.execute(insert(NormativeDocument), rows)
    page = build(qtbot, DocumentsPage(ui_ctx(admin)))
    documents = page.documents
    model = documents.model
    assert model.rowCount() == 200 and model.canFetchMore()
    written = [r.written_on for r in model.rows]
    assert written == sorted(written, reverse=True)
    assert documents.summary.text() == "共 450 件，其中现行有效 360 件"
    page.grab().save(str(shots / "ledger-documents-paged.png"))
    model.fetchMore()
    assert model.rowCount() == 400 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 450 and not model.canFetchMore()
    assert len({r.id for r in model.rows}) == 450
    documents._header_clicked(1)  # 标题, ascending
    titles = [r.title for r in model.rows]
    assert documents.sort_key == "title" and model.rowCount() == 200
    assert titles == sorted(titles)
    documents.search.setText("第7项")
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert model.rows[0].doc_number.endswith("〕7号") and "共 1 件" in documents.summary.text()


def test_form_refuses_a_bad_link_and_number_and_clears_the_list_once_fixed(
    qtbot, ui_ctx, admin, app_ctx
):
    """保存 with 链接 「www.gov.cn」 and 文号 「？？？」 lists both; each fix leaves the list as it
    is typed, and an unusual 文号 is saved with a warning shown."""
    from ui.ledger.item_form import ItemDialog

    service = LedgerService(app_ctx.db, admin)
    dialog = build(qtbot, ItemDialog(ui_ctx(admin), service))
    dialog.resize(760, 640)
    dialog.title.setText("衔接资金分配结果")
    dialog.category.setCurrentText("结果公开")
    dialog.attribute.setCurrentText("主动公开")
    dialog.formed_on.setDate(date(2021, 3, 1))
    dialog.channels.boxes["门户网站"].setChecked(True)
    qtbot.keyClicks(dialog.link, "www.gov.cn")
    dialog.doc_number.setText("？？？")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "「链接」：「www.gov.cn」不是网址" in dialog.errors.text()
    assert "「文号」：文号「？？？」不符合" in dialog.errors.text()
    dialog.link.selectAll()
    qtbot.keyClicks(dialog.link, "https://www.gov.cn/a.html")
    assert "链接" not in dialog.errors.text() and dialog.errors.isVisible()
    dialog.doc_number.setText("赣乡振发[2021]3号")
    assert not dialog.errors.isVisible()
    assert "六角括号" in dialog.warning.text() and dialog.warning.isVisible()
    assert service.count_items(ItemQuery()) == 0
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert service.list_items(ItemQuery())[0].doc_number == "赣乡振发[2021]3号"
