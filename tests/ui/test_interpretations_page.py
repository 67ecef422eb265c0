"""The 政策解读 page and workbench: the list with its sync check, a new interpretation from the
registry, the document read-only beside the draft (quote, terms, old/new difference), the
autosaved draft recovered after a crash or set against a later save, validation, conflicts, a
record deleted elsewhere, the Word export, read-only users."""

from __future__ import annotations

import os
from dataclasses import replace
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
from gongkai_desktop.domain.labels import DivisionKind, Role
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
    assert window.editor.title.text() == "《关于加强项目库建设的通知》政策解读"
    assert window.editor.document_number.text() == "赣乡振规〔2021〕5号"
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
    assert window.source.document_file.text() == "通知.txt"
    assert "支持比例原则上不低于55%" in window.source.document_view.toPlainText()
    assert window.source.document_view.isReadOnly()

    # Select 「项目库实行动态管理」 in the document and quote it into 主要任务.
    text = window.source.document_view.toPlainText()
    start = text.index("项目库实行动态管理")
    cursor = window.source.document_view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len("项目库实行动态管理"), QTextCursor.MoveMode.KeepAnchor)
    window.source.document_view.setTextCursor(cursor)
    assert window.source.quote_button.isEnabled()
    tasks_row = list(InterpretationSection).index(InterpretationSection.TASKS)
    window.editor.section_list.setCurrentRow(tasks_row)
    window.quote_selection()
    tasks = window.editor.section_edits[InterpretationSection.TASKS.value].toPlainText()
    assert tasks == "“项目库实行动态管理”"

    terms = [window.source.terms.item(i).text() for i in range(window.source.terms.count())]
    assert terms == ["衔接资金", "产业发展"]
    window.source.terms.setCurrentRow(1)
    window.add_selected_term()
    keywords = window.editor.section_edits[InterpretationSection.KEYWORDS.value].toPlainText()
    assert keywords == "「产业发展」："

    open_file_dialog(write_text(tmp_path / "旧通知.txt", PREVIOUS))
    assert window.save()
    window.import_document(previous=True)
    assert "旧通知.txt" in window.source.diff_summary.text()
    assert "修改" in window.source.diff_summary.text()
    compared = window.source.diff_view.toPlainText()
    assert "不低于50%" in compared and "不低于55%" in compared
    window.write_outline()
    changes = window.editor.section_edits[InterpretationSection.CHANGES.value].toPlainText()
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
    edit = window.editor.section_edits[InterpretationSection.GOALS.value]
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
    goals = again.editor.section_edits[InterpretationSection.GOALS.value]
    assert goals.toPlainText().startswith("到2025年")
    assert again.save()
    assert service.draft(interpretation.row.id) is None
    assert service.get(interpretation.row.id).fields.sections[InterpretationSection.GOALS.value]


def test_validation_and_sync_messages_are_chinese(qtbot, ui_ctx, liaison, interpretation, shots):
    """An empty title is refused with its field named; a late publication is flagged live."""
    window = workbench(qtbot, ui_ctx, liaison, interpretation.row.id)
    window.editor.published_on.set_value(date(2021, 4, 12))
    assert "晚于文件发布日期" in window.editor.sync_label.text()
    window.editor.title.setText("")
    assert not window.save()
    assert "解读标题" in window.editor.error.text()
    window.editor.draft_tabs.setCurrentIndex(1)
    qtbot.wait(50)  # the tab lays out when first shown
    window.grab().save(str(shots / "interpretation-validation.png"))
    window.editor.title.setText("《关于做好衔接资金管理工作的通知》政策解读")
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
    other.update(interpretation.row.id, interpretation.row.version, replace(theirs, interpreter="王处长"))
    window.editor.interpreter.setText("李处长")
    window.dirty = True
    conflict_answers.button = "keep_mine"
    assert window.save()  # kept and stored
    dialog = conflict_answers.last()
    assert dialog is not None
    assert other.get(interpretation.row.id).fields.interpreter == "李处长"
    assert not window.dirty


def test_word_export_writes_the_interpretation(
    qtbot, ui_ctx, liaison, interpretation, tmp_path, monkeypatch, message_boxes
):
    """导出 Word writes a .docx with the title and the filled sections as headings."""
    target = tmp_path / "解读.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window = workbench(qtbot, ui_ctx, liaison, interpretation.row.id)
    window.export_word()
    assert target.exists()
    paragraphs = docx.Document(str(target)).paragraphs
    text = "\n".join(p.text for p in paragraphs)
    assert "关于做好衔接资金管理工作的通知" in paragraphs[0].text.replace("\n", "")
    assert "背景依据" in text and "根据中央有关文件精神制定。" in text
    assert "保障措施" not in text  # empty sections are left out
    assert message_boxes.last()[0] == "information"
    assert "草稿" not in message_boxes.last()[2]


def test_word_export_of_a_draft_is_marked_and_says_so(
    qtbot, ui_ctx, app_ctx, liaison, kf, tmp_path, monkeypatch, message_boxes
):
    """An interpretation not yet approved exports with 草稿 on every page, dated by the 成文日期
    field, and the message says it must not be published."""
    draft = InterpretationService(app_ctx.db, liaison).create(
        kf,
        InterpretationFields(
            title="《关于做好衔接资金管理工作的通知》政策解读",
            document_title="关于做好衔接资金管理工作的通知",
            sections={InterpretationSection.BACKGROUND.value: "根据中央有关文件精神制定。"},
        ),
    )
    target = tmp_path / "草稿.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window = workbench(qtbot, ui_ctx, liaison, draft.row.id)
    window.issue_date.set_value(date(2021, 4, 20))
    window.export_word()
    document = docx.Document(str(target))
    assert "草稿" in document.sections[0].header.paragraphs[0].text
    assert [p.text for p in document.paragraphs if p.text][-1] == "2021年4月20日"
    kind, _title, text = message_boxes.last()
    assert kind == "information" and "草稿" in text and "不得公开" in text


def test_leader_reads_only(qtbot, ui_ctx, interpretation, make_user):
    """A leader sees the workbench read-only and the page without new or delete buttons."""
    leader = make_user("leader1", "综合处", Role.LEADER)
    window = workbench(qtbot, ui_ctx, leader, interpretation.row.id)
    assert not window.save_button.isVisible()
    assert window.editor.section_edits[InterpretationSection.BACKGROUND.value].isReadOnly()
    assert not window.source.import_document_button.isVisible()
    assert not window.save()
    page = page_of(qtbot, ui_ctx, leader)
    assert not page.new_button.isVisible() and not page.delete_button.isVisible()
    # A leader writes for no division but reads them all, so can filter by each.
    offered = [page.division.itemText(i) for i in range(page.division.count())]
    assert page.division.isVisible() and "开发指导处" in offered and "综合处" in offered


def test_main_window_keeps_open_while_a_workbench_has_unsaved_work(
    main_window, liaison, interpretation, message_boxes
):
    """Closing the main window asks the open workbench; Cancel keeps both open."""
    window = main_window(liaison)
    window.show_page("interpretations")
    page = window.page("interpretations")
    bench = page.open_workbench(interpretation.row.id)
    bench.editor.interpreter.setText("张三")
    bench._on_edited()
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    window.close()
    assert window.isVisible() and bench.isVisible()
    message_boxes.answer = QMessageBox.StandardButton.Discard
    window.close()
    assert not window.isVisible()
    rows = InterpretationService(window.ctx.db, liaison).list_interpretations(InterpretationQuery())
    assert rows[0].interpreter == ""


def test_typing_in_the_particulars_is_autosaved_too(
    qtbot, ui_ctx, liaison, interpretation, message_boxes
):
    """Edits of the particulars are autosaved like sections and restored after a crash."""
    window = workbench(qtbot, ui_ctx, liaison, interpretation.row.id)
    window.autosave_timer.setInterval(30)
    window.editor.title.setText("《通知》政策解读（修改稿）")
    window.editor.title.textEdited.emit(window.editor.title.text())
    window.editor.interpreter.setText("李处长")
    window.editor.interpreter.textEdited.emit(window.editor.interpreter.text())
    window.editor.published_on.set_value(date(2021, 4, 9))
    window.editor.form_checks["expert"].setChecked(True)
    window.editor.link.setText("https://xczx.jiangxi.gov.cn/jd/9.html")
    window.editor.link.textEdited.emit(window.editor.link.text())
    service = InterpretationService(window.ctx.db, liaison)
    qtbot.waitUntil(lambda: service.draft(interpretation.row.id) is not None, timeout=3000)
    qtbot.waitUntil(lambda: not window._draft_dirty, timeout=3000)
    draft = service.draft(interpretation.row.id)
    assert draft is not None and draft.base_version == interpretation.row.version
    assert draft.fields.title == "《通知》政策解读（修改稿）"
    assert draft.fields.interpreter == "李处长"
    assert draft.fields.published_on == date(2021, 4, 9)
    assert "expert" in draft.fields.forms
    assert draft.fields.link == "https://xczx.jiangxi.gov.cn/jd/9.html"
    window.dirty = False
    window.hide()
    window.deleteLater()
    qtbot.wait(10)

    again = workbench(qtbot, ui_ctx, liaison, interpretation.row.id)
    assert message_boxes.last()[1] == "恢复草稿"
    assert again.editor.title.text() == "《通知》政策解读（修改稿）"
    assert again.editor.published_on.value() == date(2021, 4, 9)
    assert again.editor.form_checks["expert"].isChecked() and again.dirty


def test_draft_typed_on_an_older_version_is_a_conflict_keep_mine(
    qtbot, ui_ctx, liaison, admin, interpretation, conflict_answers, message_boxes
):
    """A draft on an older version is a conflict; keeping mine saves it and drops it."""
    mine = InterpretationService(ui_ctx(liaison).db, liaison)
    record = interpretation.row
    mine.save_draft(record.id, record.version, replace(interpretation.fields, interpreter="李处长"))
    other = InterpretationService(mine.db, admin)
    other.update(record.id, record.version, replace(interpretation.fields, notes="管理员补充"))
    conflict_answers.button = "keep_mine"
    window = workbench(qtbot, ui_ctx, liaison, record.id)
    dialog = conflict_answers.last()
    assert "interpreter" in dialog.differing and "notes" in dialog.differing
    assert message_boxes.calls == []  # no plain restore offer
    stored = mine.get(record.id)
    assert stored.row.version == 3 and stored.fields.interpreter == "李处长"
    assert stored.fields.notes == ""  # mine, as typed on version 1
    assert mine.draft(record.id) is None
    assert not window.dirty


def test_draft_typed_on_an_older_version_is_a_conflict_take_theirs(
    qtbot, ui_ctx, liaison, admin, interpretation, conflict_answers
):
    """Taking the stored version discards the draft and shows the stored record."""
    mine = InterpretationService(ui_ctx(liaison).db, liaison)
    record = interpretation.row
    mine.save_draft(record.id, record.version, replace(interpretation.fields, interpreter="李处长"))
    other = InterpretationService(mine.db, admin)
    other.update(record.id, record.version, replace(interpretation.fields, interpreter="王处长"))
    conflict_answers.button = "take_theirs"
    window = workbench(qtbot, ui_ctx, liaison, record.id)
    assert conflict_answers.last() is not None
    assert window.editor.interpreter.text() == "王处长" and not window.dirty
    assert mine.draft(record.id) is None
    assert mine.get(record.id).row.version == 2


def test_taking_theirs_in_a_save_conflict_discards_my_draft(
    qtbot, ui_ctx, liaison, admin, interpretation, conflict_answers
):
    """采用对方版本 after a failed save reloads the stored record and forgets the autosave."""
    window = workbench(qtbot, ui_ctx, liaison, interpretation.row.id)
    window.editor.interpreter.setText("李处长")
    window.editor.interpreter.textEdited.emit("李处长")
    window.autosave()
    service = InterpretationService(window.ctx.db, liaison)
    other = InterpretationService(window.ctx.db, admin)
    other.update(
        interpretation.row.id,
        interpretation.row.version,
        replace(interpretation.fields, interpreter="王处长"),
    )
    assert service.draft(interpretation.row.id) is not None
    conflict_answers.button = "take_theirs"
    assert not window.save()
    assert window.editor.interpreter.text() == "王处长" and not window.dirty
    assert service.draft(interpretation.row.id) is None


def test_close_with_save_closes_after_keeping_mine_in_a_conflict(
    qtbot, ui_ctx, liaison, admin, interpretation, conflict_answers, message_boxes
):
    """关闭 → 保存 → conflict → 保留我的修改: once mine is stored, the window closes."""
    window = workbench(qtbot, ui_ctx, liaison, interpretation.row.id)
    other = InterpretationService(window.ctx.db, admin)
    other.update(
        interpretation.row.id,
        interpretation.row.version,
        replace(interpretation.fields, interpreter="王处长"),
    )
    window.editor.interpreter.setText("李处长")
    window.editor.interpreter.textEdited.emit("李处长")
    conflict_answers.button = "keep_mine"
    message_boxes.answer = QMessageBox.StandardButton.Save
    assert window.close()
    assert other.get(interpretation.row.id).fields.interpreter == "李处长"


def test_saving_a_record_deleted_elsewhere_offers_a_text_export(
    qtbot, ui_ctx, liaison, admin, interpretation, message_boxes, monkeypatch, tmp_path
):
    """Saving a record deleted elsewhere says so, offers a .txt export, keeps the window."""
    window = workbench(qtbot, ui_ctx, liaison, interpretation.row.id)
    window.editor.section_edits[InterpretationSection.GOALS.value].setPlainText("到2025年全部入库。")
    window.editor.interpreter.setText("李处长")
    window.editor.interpreter.textEdited.emit("李处长")
    InterpretationService(window.ctx.db, admin).delete(
        interpretation.row.id, interpretation.row.version
    )
    offered: list[str] = []
    target = tmp_path / "解读.txt"

    def save_as(_parent, _caption, proposed, _filters):  # type: ignore[no-untyped-def]
        offered.append(proposed)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    message_boxes.answer = QMessageBox.StandardButton.Yes
    assert not window.save()
    kind, title, text = message_boxes.calls[0]
    assert (kind, title) == ("question", "解读已被删除") and "已被其他用户删除" in text
    assert Path(offered[0]).name == "《关于做好衔接资金管理工作的通知》政策解读.txt"
    exported = target.read_text(encoding="utf-8-sig")
    assert "解读人：李处长" in exported
    assert "【工作目标】\n到2025年全部入库。" in exported
    assert "已被其他用户删除" in window.editor.error.text()
    assert window.isVisible() and window.dirty
    # Closing still asks; 保存 fails again and keeps the window open.
    message_boxes.answer = QMessageBox.StandardButton.Save
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    assert not window.close()
    assert window.isVisible()


def test_liaison_of_another_division_reads_only(qtbot, ui_ctx, interpretation, make_user):
    """A liaison of another division opens the workbench read-only and cannot delete the row."""
    other = make_user("lly_sb", "社会帮扶处")
    window = workbench(qtbot, ui_ctx, other, interpretation.row.id)
    assert not window.editable and not window.save_button.isVisible()
    assert window.editor.title.isReadOnly() and not window.editor.published_on.isEnabled()
    assert window.editor.section_edits[InterpretationSection.BACKGROUND.value].isReadOnly()
    assert not window.source.import_document_button.isVisible()
    assert "只读" in window.autosave_label.text()
    assert not window.save()
    window.autosave()  # nothing to store, nothing refused
    page = page_of(qtbot, ui_ctx, other)
    page.table.select_where(lambda r: r.id == interpretation.row.id)
    assert page.open_button.isEnabled() and not page.delete_button.isEnabled()


def test_filter_menus_are_rebuilt_keeping_the_choice(
    qtbot, ui_ctx, admin, liaison, app_ctx, kf, interpretation
):
    """Year and division menus are rebuilt on showing and after a save, keeping the choice."""
    page = page_of(qtbot, ui_ctx, admin)
    years = lambda: [page.year.itemData(i) for i in range(page.year.count())]  # noqa: E731
    assert 2019 not in years()
    service = InterpretationService(app_ctx.db, admin)
    service.create(
        kf,
        InterpretationFields("《旧文件》政策解读", "旧文件", document_approved_on=date(2019, 5, 1)),
    )
    page.page_shown()
    assert 2019 in years()
    page.year.setCurrentIndex(page.year.findData(2021))
    AdminService(app_ctx.db, admin).add_division("新设处", DivisionKind.BUSINESS, "XS")
    service.create(
        kf,
        InterpretationFields("《更早的文件》政策解读", "更早的文件", document_approved_on=date(2018, 5, 1)),
    )
    window = page.open_workbench(interpretation.row.id)
    window.editor.notes.setPlainText("改")
    assert window.save()
    assert 2018 in years() and page.year.currentData() == 2021
    assert page.division.findText("新设处") >= 0
    assert [r.title for r in page.model.rows] == [interpretation.row.title]
    window.close()


def test_import_runs_on_the_worker_and_the_difference_is_computed_once(
    qtbot, ui_ctx, liaison, interpretation, tmp_path, open_file_dialog, monkeypatch
):
    """Import runs on the worker; the old/new difference is computed once per pair."""
    from ui.pages import interpretation_workbench as module
    from ui.pages import policy_text

    jobs: list[str] = []
    real_run = module.run_with_progress

    def recorded(parent, factory, title, *args, **kwargs):  # type: ignore[no-untyped-def]
        jobs.append(title)
        return real_run(parent, factory, title, *args, **kwargs)

    compared: list[int] = []
    real_compare = policy_text.compare_versions

    def counted(old, new):  # type: ignore[no-untyped-def]
        compared.append(1)
        return real_compare(old, new)

    monkeypatch.setattr(module, "run_with_progress", recorded)
    monkeypatch.setattr(policy_text, "compare_versions", counted)
    window = workbench(qtbot, ui_ctx, liaison, interpretation.row.id)
    open_file_dialog(write_text(tmp_path / "通知.txt", POLICY))
    window.import_document(previous=False)
    open_file_dialog(write_text(tmp_path / "旧通知.txt", PREVIOUS))
    window.import_document(previous=True)
    assert jobs == ["导入政策文件", "导入旧版本"]
    assert "不低于50%" in window.source.diff_view.toPlainText()
    assert len(compared) == 1
    window.editor.notes.setPlainText("补充")
    assert window.save()
    window.editor.notes.setPlainText("再补充")
    assert window.save()
    assert len(compared) == 1


def test_word_export_proposes_a_windows_safe_file_name(
    qtbot, ui_ctx, liaison, app_ctx, kf, tmp_path, monkeypatch, message_boxes
):
    """The default file name of the export has the characters Windows forbids replaced."""
    record = InterpretationService(app_ctx.db, liaison).create(
        kf, InterpretationFields('关于"一网通办"的解读: 问/答*?<版>|', "一网通办")
    )
    proposed: list[str] = []

    def save_as(_parent, _caption, name, _filters):  # type: ignore[no-untyped-def]
        proposed.append(name)
        return str(tmp_path / "x.docx"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    window = workbench(qtbot, ui_ctx, liaison, record.row.id)
    window.export_word()
    assert Path(proposed[0]).name == "关于_一网通办_的解读_ 问_答___版__.docx"
    assert (tmp_path / "x.docx").exists()
