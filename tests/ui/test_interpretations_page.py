"""The 政策解读 page and workbench: the list with its sync check, a new interpretation from the
registry, the document read-only beside the draft (quote, terms, old/new difference), the
autosaved draft recovered after a crash, validation, conflicts, the Word export, read-only users."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import docx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gongkai_desktop.domain.disclosure import DocumentFields
from gongkai_desktop.domain.interpretation import (
    InterpretationFields,
    InterpretationSection,
    InterpretationStatus,
)
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.interpretations import InterpretationQuery, InterpretationService
from gongkai_desktop.services.ledger_documents import DocumentService

SCREEN = (1366, 768)

POLICY = """江西省乡村振兴局关于做好2021年衔接推进乡村振兴补助资金管理工作的通知
各设区市乡村振兴局：
为规范「衔接资金」管理，提高资金使用效益，现就有关事项通知如下。
一、资金重点支持“产业发展”项目，支持比例原则上不低于55%。
二、项目库实行动态管理，每年调整一次。
三、本通知自印发之日起施行。
"""
PREVIOUS = """江西省乡村振兴局关于做好2021年衔接推进乡村振兴补助资金管理工作的通知
各设区市乡村振兴局：
为规范资金管理，现就有关事项通知如下。
一、资金重点支持产业发展项目，支持比例原则上不低于50%。
二、项目库实行动态管理，每年调整一次。
三、资金使用情况每季度公示一次。
"""


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GONGKAI_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def kf(app_ctx, admin) -> int:  # type: ignore[no-untyped-def]
    return AdminService(app_ctx.db, admin).division_by_name("开发指导处").id


@pytest.fixture
def interpretation(app_ctx, liaison, kf):  # type: ignore[no-untyped-def]
    """An interpretation of 开发指导处 drafted by its liaison."""
    service = InterpretationService(app_ctx.db, liaison)
    return service.create(
        kf,
        InterpretationFields(
            title="《关于做好衔接资金管理工作的通知》政策解读",
            document_title="关于做好衔接资金管理工作的通知",
            document_number="赣乡振规〔2021〕3号",
            document_approved_on=date(2021, 4, 6),
            approved_on=date(2021, 4, 6),
            document_published_on=date(2021, 4, 9),
            sections={InterpretationSection.BACKGROUND.value: "根据中央有关文件精神制定。"},
        ),
    )


def build(qtbot, widget):  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    widget.resize(*SCREEN)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def page_of(qtbot, ui_ctx, actor):  # type: ignore[no-untyped-def]
    from ui.pages.interpretations import InterpretationsPage

    return build(qtbot, InterpretationsPage(ui_ctx(actor)))


def workbench(qtbot, ui_ctx, actor, interpretation_id):  # type: ignore[no-untyped-def]
    from ui.pages.interpretation_workbench import InterpretationWorkbench

    window = InterpretationWorkbench(ui_ctx(actor), interpretation_id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_list_shows_sync_problems_and_filters_them(qtbot, ui_ctx, admin, app_ctx, kf, shots):
    """An interpretation approved a day after its document is flagged in red; 只看不同步 keeps
    exactly the flagged ones."""
    service = InterpretationService(app_ctx.db, admin)
    fine = InterpretationFields(
        "《甲》政策解读", "甲", approved_on=date(2021, 3, 1), document_approved_on=date(2021, 3, 1)
    )
    late = InterpretationFields(
        "《乙》政策解读", "乙", approved_on=date(2021, 3, 2), document_approved_on=date(2021, 3, 1)
    )
    service.create(kf, fine)
    service.create(kf, late)
    page = page_of(qtbot, ui_ctx, admin)
    titles = {r.title: r for r in page.model.rows}
    assert not titles["《甲》政策解读"].sync_problems
    assert "不同步" in titles["《乙》政策解读"].sync_problems[0]
    row = [r.title for r in page.model.rows].index("《乙》政策解读")
    from ui.pages.interpretations import SYNC_COLUMN

    colour = page.model.data(page.model.index(row, SYNC_COLUMN), Qt.ItemDataRole.ForegroundRole)
    assert colour is not None and colour.color().name() == "#b03a2e"
    assert "不同步 1 篇" in page.summary.text()
    page.out_of_sync.setChecked(True)
    assert [r.title for r in page.model.rows] == ["《乙》政策解读"]
    page.grab().save(str(shots / "interpretations-list.png"))


def test_new_interpretation_from_the_registry_opens_the_workbench(
    qtbot, ui_ctx, liaison, app_ctx, admin, kf, drive_modal
):
    """Picking a registered 规范性文件 fills name and 文号; creating opens its workbench."""
    from ui.pages.interpretations import NewInterpretationDialog

    DocumentService(app_ctx.db, admin).create_document(
        kf, DocumentFields("赣乡振规〔2021〕5号", "关于加强项目库建设的通知", "normative", date(2021, 5, 6))
    )
    page = page_of(qtbot, ui_ctx, liaison)

    def fill(dialog: NewInterpretationDialog) -> None:
        assert not dialog.division.isEnabled()  # a liaison interprets their own division's papers
        dialog.document.setCurrentIndex(dialog.document.findText("赣乡振规〔2021〕5号", Qt.MatchFlag.MatchStartsWith))
        assert dialog.document_title.text() == "关于加强项目库建设的通知"
        dialog.submit()

    drive_modal(NewInterpretationDialog, fill)
    page.new_interpretation()
    assert len(page.workbenches) == 1
    window = next(iter(page.workbenches.values()))
    assert window.title.text() == "《关于加强项目库建设的通知》政策解读"
    assert window.document_number.text() == "赣乡振规〔2021〕5号"
    assert [r.title for r in page.model.rows] == ["《关于加强项目库建设的通知》政策解读"]
    window.dirty = False
    window.close()
    assert page.workbenches == {}


def test_workbench_quotes_the_document_offers_terms_and_compares_versions(
    qtbot, ui_ctx, liaison, interpretation, tmp_path, open_file_dialog, shots
):
    """The imported document shows read-only; a selected passage is quoted into the section
    being written; quoted terms go to 关键词诠释; an old version gives the difference."""
    window = workbench(qtbot, ui_ctx, liaison, interpretation.row.id)
    open_file_dialog(write_text(tmp_path / "通知.txt", POLICY))
    window.import_document(previous=False)
    assert window.document_file.text() == "通知.txt"
    assert "支持比例原则上不低于55%" in window.document_view.toPlainText()
    assert window.document_view.isReadOnly()

    # Select 「项目库实行动态管理」 in the document and quote it into 主要任务.
    text = window.document_view.toPlainText()
    start = text.index("项目库实行动态管理")
    cursor = window.document_view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len("项目库实行动态管理"), QTextCursor.MoveMode.KeepAnchor)
    window.document_view.setTextCursor(cursor)
    assert window.quote_button.isEnabled()
    window.section_list.setCurrentRow(list(InterpretationSection).index(InterpretationSection.TASKS))
    window.quote_selection()
    tasks = window.section_edits[InterpretationSection.TASKS.value].toPlainText()
    assert tasks == "“项目库实行动态管理”"

    terms = [window.terms.item(i).text() for i in range(window.terms.count())]
    assert terms == ["衔接资金", "产业发展"]
    window.terms.setCurrentRow(1)
    window.add_selected_term()
    keywords = window.section_edits[InterpretationSection.KEYWORDS.value].toPlainText()
    assert keywords == "「产业发展」："

    open_file_dialog(write_text(tmp_path / "旧通知.txt", PREVIOUS))
    assert window.save()
    window.import_document(previous=True)
    assert "旧通知.txt" in window.diff_summary.text()
    assert "修改" in window.diff_summary.text()
    assert "不低于50%" in window.diff_view.toPlainText() and "不低于55%" in window.diff_view.toPlainText()
    window.write_outline()
    changes = window.section_edits[InterpretationSection.CHANGES.value].toPlainText()
    assert "50%" in changes and "55%" in changes
    window.grab().save(str(shots / "interpretation-workbench.png"))
    assert window.save()
    stored = InterpretationService(window.ctx.db, liaison).get(interpretation.row.id)
    assert stored.fields.sections[InterpretationSection.TASKS.value] == "“项目库实行动态管理”"
    assert stored.previous_file == "旧通知.txt"


def test_typing_is_autosaved_and_offered_back_after_a_crash(
    qtbot, ui_ctx, liaison, interpretation, message_boxes
):
    """Sections typed are kept as a draft within seconds; reopening after a crash offers it."""
    window = workbench(qtbot, ui_ctx, liaison, interpretation.row.id)
    window.autosave_timer.setInterval(30)
    edit = window.section_edits[InterpretationSection.GOALS.value]
    edit.setPlainText("到2025年，项目库入库项目全部实现动态管理。")
    service = InterpretationService(window.ctx.db, liaison)
    qtbot.waitUntil(lambda: service.draft(interpretation.row.id) is not None, timeout=3000)
    assert "自动保存" in window.autosave_label.text()
    # A crash: the window goes away without saving or asking.
    window.dirty = False
    window.hide()
    window.deleteLater()
    qtbot.wait(10)

    message_boxes.answer = QMessageBox.StandardButton.Yes
    again = workbench(qtbot, ui_ctx, liaison, interpretation.row.id)
    assert message_boxes.last()[1] == "恢复草稿"
    assert again.section_edits[InterpretationSection.GOALS.value].toPlainText().startswith("到2025年")
    assert again.save()
    assert service.draft(interpretation.row.id) is None
    assert service.get(interpretation.row.id).fields.sections[InterpretationSection.GOALS.value]


def test_validation_and_sync_messages_are_chinese(qtbot, ui_ctx, liaison, interpretation, shots):
    """An empty title is refused with its field named; a late publication is flagged live."""
    window = workbench(qtbot, ui_ctx, liaison, interpretation.row.id)
    window.published_on.set_value(date(2021, 4, 12))
    assert "晚于文件发布日期" in window.sync_label.text()
    window.title.setText("")
    assert not window.save()
    assert "解读标题" in window.error.text()
    window.draft_tabs.setCurrentIndex(1)
    qtbot.wait(50)  # the tab lays out when first shown
    window.grab().save(str(shots / "interpretation-validation.png"))
    window.title.setText("《关于做好衔接资金管理工作的通知》政策解读")
    assert window.save()
    row = InterpretationService(window.ctx.db, liaison).get(interpretation.row.id).row
    assert row.status is InterpretationStatus.PUBLISHED and row.sync_problems


def test_conflicting_save_shows_both_versions(
    qtbot, ui_ctx, liaison, admin, interpretation, conflict_answers
):
    """Saving over a change made elsewhere shows the conflict; keeping mine stores mine."""
    window = workbench(qtbot, ui_ctx, liaison, interpretation.row.id)
    other = InterpretationService(window.ctx.db, admin)
    theirs = other.get(interpretation.row.id).fields
    from dataclasses import replace

    other.update(interpretation.row.id, interpretation.row.version, replace(theirs, interpreter="王处长"))
    window.interpreter.setText("李处长")
    window.dirty = True
    conflict_answers.button = "keep_mine"
    window.save()
    dialog = conflict_answers.last()
    assert dialog is not None
    assert other.get(interpretation.row.id).fields.interpreter == "李处长"


def test_word_export_writes_the_interpretation(
    qtbot, ui_ctx, liaison, interpretation, tmp_path, monkeypatch, message_boxes
):
    """导出 Word writes a .docx with the title and the filled sections as headings."""
    target = tmp_path / "解读.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window = workbench(qtbot, ui_ctx, liaison, interpretation.row.id)
    window.export_word()
    assert target.exists()
    text = "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert "关于做好衔接资金管理工作的通知" in text
    assert "背景依据" in text and "根据中央有关文件精神制定。" in text
    assert "保障措施" not in text  # empty sections are left out
    assert message_boxes.last()[0] == "information"


def test_other_divisions_and_leaders_read_only(qtbot, ui_ctx, interpretation, make_user):
    """A leader (and a liaison of another division) sees the workbench read-only."""
    leader = make_user("leader1", "综合处", Role.LEADER)
    window = workbench(qtbot, ui_ctx, leader, interpretation.row.id)
    assert not window.save_button.isVisible()
    assert window.section_edits[InterpretationSection.BACKGROUND.value].isReadOnly()
    assert not window.import_document_button.isVisible()
    assert not window.save()
    page = page_of(qtbot, ui_ctx, leader)
    assert not page.new_button.isVisible() and not page.delete_button.isVisible()


def test_main_window_keeps_open_while_a_workbench_has_unsaved_work(
    main_window, liaison, interpretation, message_boxes
):
    """Closing the main window asks the open workbench; Cancel keeps both open."""
    window = main_window(liaison)
    window.show_page("interpretations")
    page = window.page("interpretations")
    bench = page.open_workbench(interpretation.row.id)
    bench.interpreter.setText("张三")
    bench._on_edited()
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    window.close()
    assert window.isVisible() and bench.isVisible()
    message_boxes.answer = QMessageBox.StandardButton.Discard
    window.close()
    assert not window.isVisible()
    rows = InterpretationService(window.ctx.db, liaison).list_interpretations(InterpretationQuery())
    assert rows[0].interpreter == ""
