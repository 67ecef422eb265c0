"""The 决策与征求意见 page: the list with its rule check, a decision created through its dialog
with the five steps, a consultation added and its problem shown live, conflicts, the Word
explanation, and read-only users."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from gongkai_desktop.domain.decisions import (
    ConsultationFields,
    DecisionFields,
    DecisionStep,
    DecisionType,
    StepEntry,
)
from gongkai_desktop.domain.disclosure import DocumentFields
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.decisions import DecisionService
from gongkai_desktop.services.ledger_documents import DocumentService

SCREEN = (1366, 768)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GONGKAI_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def kf(app_ctx, admin) -> int:  # type: ignore[no-untyped-def]
    return AdminService(app_ctx.db, admin).division_by_name("开发指导处").id


@pytest.fixture
def decision(app_ctx, liaison, kf):  # type: ignore[no-untyped-def]
    """A 规范性文件 of 开发指导处 with one finished consultation, recorded by its liaison."""
    service = DecisionService(app_ctx.db, liaison)
    detail = service.create(
        kf,
        DecisionFields(
            "防止返贫动态监测和帮扶管理办法",
            DecisionType.NORMATIVE.value,
            "赣乡振规〔2021〕3号",
        ),
    )
    service.create_consultation(
        detail.row.id,
        ConsultationFields(
            date(2021, 3, 1),
            date(2021, 3, 15),
            subject="防止返贫动态监测和帮扶管理办法（征求意见稿）",
            received=20,
            adopted=10,
            partly_adopted=4,
            not_adopted=6,
            reasons="关于扩大监测范围的建议：监测范围由国家统一规定，未予采纳。",
            result_published_on=date(2021, 3, 25),
        ),
    )
    return service.get(detail.row.id)


def build(qtbot, widget):  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    widget.resize(*SCREEN)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def page_of(qtbot, ui_ctx, actor):  # type: ignore[no-untyped-def]
    from ui.pages.decisions import DecisionsPage

    return build(qtbot, DecisionsPage(ui_ctx(actor)))


def dialog_of(qtbot, ui_ctx, actor, decision_id):  # type: ignore[no-untyped-def]
    from ui.pages.decision_dialog import DecisionDialog

    ctx = ui_ctx(actor)
    dialog = DecisionDialog(ctx, DecisionService(ctx.db, actor), decision_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_list_shows_rule_problems_in_red_and_filters_them(
    qtbot, ui_ctx, admin, app_ctx, kf, decision, shots
):
    """A 规范性文件 consulted for too short a time is flagged in red in the check column; 只看有问题
    keeps exactly the flagged ones; the summary counts them."""
    service = DecisionService(app_ctx.db, admin)
    short = service.create(kf, DecisionFields("乙办法", DecisionType.NORMATIVE.value)).row
    service.create_consultation(
        short.id,
        ConsultationFields(
            date(2021, 9, 28), date(2021, 10, 12), result_published_on=date(2021, 10, 14)
        ),
    )
    page = page_of(qtbot, ui_ctx, admin)
    from ui.pages.decisions import CHECK_COLUMN

    titles = [r.title for r in page.model.rows]
    assert set(titles) == {"乙办法", "防止返贫动态监测和帮扶管理办法"}
    row = titles.index("乙办法")
    index = page.model.index(row, CHECK_COLUMN)
    assert page.model.data(index).startswith("⚠ 征求意见期限不足")
    colour = page.model.data(index, Qt.ItemDataRole.ForegroundRole)
    assert colour is not None and colour.color().name() == "#b03a2e"
    fine = page.model.index(titles.index("防止返贫动态监测和帮扶管理办法"), CHECK_COLUMN)
    assert page.model.data(fine) == "符合要求"
    assert page.model.data(fine, Qt.ItemDataRole.ForegroundRole) is None
    assert "违反规则 1 项" in page.summary.text()
    page.with_problems.setChecked(True)
    assert [r.title for r in page.model.rows] == ["乙办法"]
    page.with_problems.setChecked(False)
    page.grab().save(str(shots / "decisions-list.png"))
    page.search.setText("返贫")
    page.refresh()
    assert [r.title for r in page.model.rows] == ["防止返贫动态监测和帮扶管理办法"]


def test_new_decision_through_the_dialog_with_steps_and_a_consultation(
    qtbot, ui_ctx, liaison, app_ctx, drive_modal, shots, message_boxes
):
    """A liaison creates a major decision in the dialog (steps with dates and notes), the
    dialog stays open on the saved record, a consultation is added through its own dialog, and
    the list shows the decision with its consultation."""
    from ui.pages.consultation_dialog import ConsultationDialog
    from ui.pages.decision_dialog import DecisionDialog

    page = page_of(qtbot, ui_ctx, liaison)
    seen: dict[str, object] = {}

    def fill_consultation(dialog: ConsultationDialog) -> None:
        dialog.started_on.set_value(date(2021, 3, 1))
        dialog.ended_on.set_value(date(2021, 4, 1))
        dialog.channel_checks["hearing"].setChecked(True)
        dialog.counts["received"].setValue(12)
        dialog.counts["adopted"].setValue(8)
        dialog.result_published_on.set_value(date(2021, 4, 9))
        assert "共 31 日" in dialog.period.text()
        assert "不少于 30 日" in dialog.period.text()
        seen["consultation_check"] = dialog.check.text()
        dialog.accept()

    def fill(dialog: DecisionDialog) -> None:
        assert not dialog.division.isEnabled()  # a liaison records their own division's
        # consultations come after the first save
        assert not dialog.consultations.add_button.isEnabled()
        dialog.title.setText("江西省巩固拓展脱贫攻坚成果实施方案")
        dialog.decision_type.setCurrentIndex(dialog.decision_type.findData("major"))
        dialog.predisclosed_on.set_value(date(2021, 2, 26))
        days = {
            "participation": date(2021, 3, 1),
            "expert": date(2021, 4, 10),
            "risk": date(2021, 4, 15),
            "legality": date(2021, 4, 25),
            "collective": date(2021, 5, 10),
        }
        for key, day in days.items():
            dialog.step_dates[key].set_value(day)
            dialog.step_notes[key].setText(f"{key} 已完成")
        dialog._on_edited()
        assert "未见问题" in dialog.check.text()
        assert dialog.save()
        assert dialog.detail is not None and dialog.windowTitle().startswith("决策：")
        assert dialog.consultations.add_button.isEnabled()
        dialog.grab().save(str(shots / "decision-dialog.png"))
        drive_modal(ConsultationDialog, fill_consultation)
        dialog.consultations.add()
        assert dialog.consultations.model.rows[0].fields.received == 12
        seen["hint"] = dialog.consultations.hint.text()
        dialog.reject()

    drive_modal(DecisionDialog, fill)
    page.new_decision()
    assert "未见问题" in str(seen["consultation_check"])
    assert seen["hint"] == "共 1 次，采纳情况已公开 1 次。"
    [row] = page.model.rows
    assert (row.title, row.consultation_count, row.problems) == (
        "江西省巩固拓展脱贫攻坚成果实施方案",
        1,
        (),
    )
    stored = DecisionService(app_ctx.db, liaison).get(row.id)
    assert stored.fields.step(DecisionStep.COLLECTIVE) == StepEntry(
        date(2021, 5, 10), "collective 已完成"
    )
    assert page.table.selected().id == row.id


def test_registry_fills_the_document_number_of_a_new_decision(
    qtbot, ui_ctx, liaison, app_ctx, admin, kf
):
    """从登记簿选择 offers the division's registered 规范性文件 with their titles as tooltips;
    picking one fills 文号 and the blank title and makes the decision a 规范性文件."""
    DocumentService(app_ctx.db, admin).create_document(
        kf, DocumentFields("赣乡振规〔2021〕5号", "关于加强项目库建设的通知", "normative", date(2021, 5, 6))
    )
    dialog = dialog_of(qtbot, ui_ctx, liaison, None)
    registry = dialog.registry
    assert [registry.itemText(i) for i in range(registry.count())] == [
        "从登记簿选择…",
        "赣乡振规〔2021〕5号　关于加强项目库建设的通知",
    ]
    assert registry.itemData(1, Qt.ItemDataRole.ToolTipRole) == "关于加强项目库建设的通知"
    dialog.decision_type.setCurrentIndex(dialog.decision_type.findData("major"))
    registry.activated.emit(1)
    assert dialog.document_number.text() == "赣乡振规〔2021〕5号"
    assert dialog.title.text() == "关于加强项目库建设的通知"
    assert dialog.decision_type.currentData() == DecisionType.NORMATIVE.value
    assert registry.currentIndex() == 0 and dialog.dirty
    dialog.dirty = False


def test_consultation_problems_show_live_and_after_saving(
    qtbot, ui_ctx, liaison, decision, message_boxes
):
    """Typing a too-short period and counts above those received shows the breaches in red in
    the consultation dialog before saving; saved, they show in the decision's check."""
    from ui.pages.consultation_dialog import ConsultationDialog

    dialog = dialog_of(qtbot, ui_ctx, liaison, decision.row.id)
    c = ConsultationDialog(
        dialog.service,
        decision.row.id,
        dialog.fields(),
        None,
        dialog.calendar,
        dialog.rules,
        parent=dialog,
    )
    qtbot.addWidget(c)
    c.started_on.set_value(date(2021, 9, 28))
    c.ended_on.set_value(date(2021, 10, 12))
    c.counts["received"].setValue(3)
    c.counts["adopted"].setValue(4)
    text = c.check.text()
    assert "征求意见期限不足：规范性文件公开征求意见不少于 7 个工作日" in text
    assert "合计 4 条，多于收到的 3 条意见" in text
    assert "#b03a2e" in c.check.styleSheet()
    c.accept()
    assert c.result() == c.DialogCode.Accepted and c.saved_row is not None
    dialog._reload_consultations()
    assert "第 2 次征求意见：征求意见期限不足" in dialog.check.text()
    assert "#b03a2e" in dialog.check.styleSheet()
    # A step dated after the decision shows at once, before saving.
    dialog.decision_type.setCurrentIndex(dialog.decision_type.findData("major"))
    dialog.step_dates["collective"].set_value(date(2021, 5, 10))
    assert "已于 2021-05-10 集体讨论决定，但「公众参与」程序未填写日期" in dialog.check.text()
    dialog.dirty = False


def test_validation_error_keeps_the_consultation_dialog_open(qtbot, ui_ctx, liaison, decision):
    """A consultation without a channel is refused with its field named in Chinese."""
    from ui.pages.consultation_dialog import ConsultationDialog

    dialog = dialog_of(qtbot, ui_ctx, liaison, decision.row.id)
    c = ConsultationDialog(
        dialog.service, decision.row.id, dialog.fields(), None, dialog.calendar, dialog.rules
    )
    qtbot.addWidget(c)
    for check in c.channel_checks.values():
        check.setChecked(False)
    c.accept()
    assert "「征求意见方式」：至少选择一种征求意见方式" in c.error.text()
    assert c.result() != c.DialogCode.Accepted


def test_conflicting_save_shows_both_versions(
    qtbot, ui_ctx, liaison, admin, decision, conflict_answers
):
    """Saving a decision someone else changed meanwhile shows the conflict; keeping mine stores
    mine."""
    dialog = dialog_of(qtbot, ui_ctx, liaison, decision.row.id)
    other = DecisionService(dialog.ctx.db, admin)
    other.update(
        decision.row.id, decision.row.version, replace(decision.fields, notes="管理员的备注")
    )
    dialog.title.setText("防止返贫动态监测和帮扶管理办法（修订）")
    dialog._on_edited()
    conflict_answers.button = "keep_mine"
    assert not dialog.save()
    shown = conflict_answers.last()
    assert "notes" in shown.differing and "title" in shown.differing
    stored = other.get(decision.row.id)
    assert stored.row.title == "防止返贫动态监测和帮扶管理办法（修订）"
    assert dialog.version == stored.row.version and not dialog.dirty


def test_conflicting_consultation_save_takes_theirs(
    qtbot, ui_ctx, liaison, admin, decision, conflict_answers
):
    """A consultation changed elsewhere: taking their version reloads it into the dialog."""
    from ui.pages.consultation_dialog import ConsultationDialog

    dialog = dialog_of(qtbot, ui_ctx, liaison, decision.row.id)
    [row] = dialog.detail.consultations
    other = DecisionService(dialog.ctx.db, admin)
    other.update_consultation(row.id, row.version, replace(row.fields, received=25, adopted=15))
    c = ConsultationDialog(
        dialog.service, decision.row.id, dialog.fields(), row, dialog.calendar, dialog.rules
    )
    qtbot.addWidget(c)
    c.counts["received"].setValue(21)
    conflict_answers.button = "take_theirs"
    c.accept()
    assert conflict_answers.last().differing == ["received", "adopted"]
    assert c.counts["received"].value() == 25 and c.row is not None and c.row.version == 2


def test_export_writes_the_explanation(
    qtbot, ui_ctx, liaison, decision, tmp_path, monkeypatch, message_boxes
):
    """导出说明 asks where to save (the file name proposed from the draft) and writes the Word
    explanation with the numbers and the reasons, signed by the unit on the 成文日期 chosen."""
    target = tmp_path / "说明.docx"
    proposed: list[str] = []

    def save_dialog(_parent, _caption, default, *_args, **_kw):  # type: ignore[no-untyped-def]
        proposed.append(default)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    dialog = dialog_of(qtbot, ui_ctx, liaison, decision.row.id)
    dialog.consultations.table.select_first()
    dialog.consultations.issue_date.set_value(date(2021, 3, 25))
    dialog.export_explanation()
    assert (
        Path(proposed[0]).name
        == "防止返贫动态监测和帮扶管理办法（征求意见稿）意见收集和采纳情况说明.docx"
    )
    assert target.exists()
    texts = [p.text for p in docx.Document(str(target)).paragraphs]
    assert texts[0].replace("\n", "").startswith("关于《防止返贫动态监测和帮扶管理办法（征求意见稿）》")
    assert "征求意见期间，共收到意见建议20条。" in texts
    assert "关于扩大监测范围的建议：监测范围由国家统一规定，未予采纳。" in texts
    assert [t for t in texts if t][-2:] == ["测试局", "2021年3月25日"]
    assert message_boxes.last()[0] == "information"


def test_export_proposes_a_windows_safe_file_name(
    qtbot, ui_ctx, liaison, decision, app_ctx, tmp_path, monkeypatch, message_boxes
):
    """The explanation's proposed file name has the characters Windows forbids replaced and
    still ends in 意见收集和采纳情况说明."""
    service = DecisionService(app_ctx.db, liaison)
    row = decision.consultations[0]
    subject = '关于"一网通办"的办法: 问/答*?<稿>|'
    service.update_consultation(row.id, row.version, replace(row.fields, subject=subject))
    proposed: list[str] = []

    def save_as(_parent, _caption, name, _filters):  # type: ignore[no-untyped-def]
        proposed.append(name)
        return str(tmp_path / "x.docx"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    dialog = dialog_of(qtbot, ui_ctx, liaison, decision.row.id)
    dialog.consultations.table.select_first()
    dialog.export_explanation()
    assert Path(proposed[0]).name == "关于_一网通办_的办法_ 问_答___稿__意见收集和采纳情况说明.docx"
    assert (tmp_path / "x.docx").exists()


def test_export_without_reasons_is_refused_with_what_to_fill_in(
    qtbot, ui_ctx, liaison, decision, app_ctx, tmp_path, monkeypatch, message_boxes
):
    """With 未采纳理由 emptied, 导出说明 writes nothing and the warning names the draft and the
    missing reasons."""
    service = DecisionService(app_ctx.db, liaison)
    row = decision.consultations[0]
    service.update_consultation(row.id, row.version, replace(row.fields, reasons=""))
    target = tmp_path / "说明.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog = dialog_of(qtbot, ui_ctx, liaison, decision.row.id)
    dialog.consultations.table.select_first()
    dialog.export_explanation()
    assert not target.exists()
    kind, _title, text = message_boxes.last()
    assert kind == "warning"
    assert "《防止返贫动态监测和帮扶管理办法（征求意见稿）》" in text
    assert "未采纳意见6条" in text and "未采纳理由" in text


def test_leader_and_other_divisions_read_only(qtbot, ui_ctx, decision, make_user, app_ctx):
    """A leader sees no 新建/删除 on the page and the decision read-only (no 保存, no new or
    deleted consultations, but can view and export); so does a liaison of another division."""
    leader = make_user("leader1", "综合处", Role.LEADER)
    page = page_of(qtbot, ui_ctx, leader)
    assert not page.new_button.isVisible() and not page.delete_button.isVisible()
    assert [r.title for r in page.model.rows] == ["防止返贫动态监测和帮扶管理办法"]
    page.division.setCurrentIndex(page.division.findText("社会帮扶处"))  # leaders filter too
    assert page.model.rows == []
    for actor in (leader, make_user("lly_sb", "社会帮扶处")):
        dialog = dialog_of(qtbot, ui_ctx, actor, decision.row.id)
        consultations = dialog.consultations
        assert not dialog.save_button.isVisible() and not consultations.add_button.isVisible()
        assert dialog.title.isReadOnly() and not dialog.step_dates["expert"].isEnabled()
        assert "只读" in dialog.banner.text()
        assert consultations.edit_button.text() == "查看…" and consultations.export_button.isEnabled()
        assert not dialog.save()
        dialog.close()
    assert DecisionService(app_ctx.db, leader).get(decision.row.id).row.version == 1


def test_closing_with_unsaved_changes_asks(qtbot, ui_ctx, liaison, decision, message_boxes):
    """关闭 with unsaved edits asks; 取消 keeps the dialog, 不保存 closes without storing."""
    from PySide6.QtWidgets import QMessageBox

    dialog = dialog_of(qtbot, ui_ctx, liaison, decision.row.id)
    dialog.notes.setPlainText("待补充")
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    dialog.close_button.click()
    assert dialog.isVisible() and message_boxes.last()[1] == "关闭决策"
    message_boxes.answer = QMessageBox.StandardButton.Discard
    dialog.close_button.click()
    assert not dialog.isVisible()
    assert DecisionService(dialog.ctx.db, liaison).get(decision.row.id).fields.notes == ""


def test_settings_page_offers_the_consultation_rules(qtbot, ui_ctx, admin):
    """系统管理 › 设置 edits the minimum periods and the result deadline with their defaults."""
    from ui.pages.admin.settings import SettingsTab

    tab = SettingsTab(ui_ctx(admin))
    qtbot.addWidget(tab)
    tab.reload()
    values = {
        key: tab.editors[key].value()  # type: ignore[attr-defined]
        for key in (
            "major_consultation_days",
            "market_consultation_days",
            "normative_consultation_workdays",
            "consultation_result_workdays",
        )
    }
    assert values == {
        "major_consultation_days": 30,
        "market_consultation_days": 30,
        "normative_consultation_workdays": 7,
        "consultation_result_workdays": 10,
    }


def test_keyboard_opens_a_decision_and_saves_it(
    qtbot, ui_ctx, liaison, decision, drive_modal, message_boxes
):
    """Enter on a row opens the decision; Ctrl+S saves the dialog's changes."""
    from ui.pages.decision_dialog import DecisionDialog

    page = page_of(qtbot, ui_ctx, liaison)
    page.table.setFocus()
    page.table.selectRow(0)

    def edit_and_save(dialog: DecisionDialog) -> None:
        dialog.notes.setPlainText("用键盘保存")
        assert dialog.dirty
        try:
            dialog.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
            qtbot.keyClick(dialog.notes, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
            saved = not dialog.dirty
        finally:
            dialog.dirty = False  # whatever happened, closing must not ask
        assert saved
        dialog.reject()

    drive_modal(DecisionDialog, edit_and_save)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    stored = DecisionService(page.ctx.db, liaison).get(decision.row.id)
    assert stored.fields.notes == "用键盘保存"


def test_closing_the_consultation_dialog_with_unsaved_changes_asks(
    qtbot, ui_ctx, liaison, decision, message_boxes
):
    """Closing an edited consultation asks; 取消 keeps it, 放弃 drops the edits, 保存 stores."""
    from PySide6.QtWidgets import QMessageBox

    from ui.pages.consultation_dialog import ConsultationDialog

    dialog = dialog_of(qtbot, ui_ctx, liaison, decision.row.id)
    [row] = dialog.detail.consultations

    def opened() -> ConsultationDialog:
        current = dialog.service.get_consultation(row.id)
        c = ConsultationDialog(
            dialog.service,
            decision.row.id,
            dialog.fields(),
            current,
            dialog.calendar,
            dialog.rules,
            parent=dialog,
        )
        qtbot.addWidget(c)
        c.show()
        qtbot.waitExposed(c)
        return c

    c = opened()
    c.close()  # nothing edited: closes without asking
    assert not c.isVisible() and message_boxes.calls == []

    c = opened()
    c.counts["received"].setValue(30)
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    qtbot.keyClick(c, Qt.Key.Key_Escape)
    assert c.isVisible() and message_boxes.last()[1] == "关闭征求意见"
    message_boxes.answer = QMessageBox.StandardButton.Discard
    c.close()
    assert not c.isVisible()
    assert dialog.service.get_consultation(row.id).fields.received == 20

    c = opened()
    c.counts["received"].setValue(30)
    message_boxes.answer = QMessageBox.StandardButton.Save
    c.buttons.button(c.buttons.StandardButton.Cancel).click()
    assert not c.isVisible() and c.result() == c.DialogCode.Accepted
    assert dialog.service.get_consultation(row.id).fields.received == 30


def test_export_refused_for_inconsistent_counts_is_shown(
    qtbot, ui_ctx, liaison, decision, tmp_path, monkeypatch, message_boxes
):
    """导出说明 of a consultation whose counts do not add up shows why, and writes nothing."""
    [row] = decision.consultations
    DecisionService(ui_ctx(liaison).db, liaison).update_consultation(
        row.id, row.version, replace(row.fields, received=25)
    )
    target = tmp_path / "说明.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    dialog = dialog_of(qtbot, ui_ctx, liaison, decision.row.id)
    dialog.consultations.table.select_first()
    dialog.export_explanation()
    kind, _title, text = message_boxes.last()
    assert kind == "warning" and "尚有 5 条未说明处理情况" in text
    assert not target.exists()


def test_consultation_dates_typed_are_stored_exactly(qtbot, ui_ctx, liaison, decision):
    """征求意见 开始/截止 (required dates) typed with the keyboard, one in 年月日, are stored as typed;
    an impossible 截止日期 keeps the dialog open and stores nothing."""
    from test_date_typing import click_into, type_text

    from ui.pages.consultation_dialog import ConsultationDialog

    dialog = dialog_of(qtbot, ui_ctx, liaison, decision.row.id)
    c = ConsultationDialog(
        dialog.service, decision.row.id, dialog.fields(), None, dialog.calendar, dialog.rules
    )
    qtbot.addWidget(c)
    c.show()
    qtbot.waitExposed(c)
    c.subject.setText("防止返贫动态监测和帮扶管理办法（修订征求意见稿）")
    click_into(qtbot, c.started_on.edit)
    type_text(qtbot, c.started_on.edit, "2025-05-05")
    click_into(qtbot, c.ended_on.edit)
    type_text(qtbot, c.ended_on.edit, "2025年6月31日")
    c.accept()
    assert "「截止日期」：日期「2025年6月31日」不存在" in c.error.text()
    assert len(dialog.service.get(decision.row.id).consultations) == 1
    c.ended_on.edit.selectAll()
    type_text(qtbot, c.ended_on.edit, "2025年6月30日")
    c.accept()
    stored = [k.fields for k in dialog.service.get(decision.row.id).consultations]
    assert (date(2025, 5, 5), date(2025, 6, 30)) in [(f.started_on, f.ended_on) for f in stored]
