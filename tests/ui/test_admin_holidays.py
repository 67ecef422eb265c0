"""Tests of 系统管理 › 节假日 (ui.pages.admin.holidays): importing a State Council notice with a
preview, and single-day adjustments."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gongkai_desktop.errors import CalendarMissing
from gongkai_desktop.services.calendar import calendar_of
from ui.pages.admin import AdminPage
from ui.pages.admin.holidays import HolidaysTab, NoticeImportDialog, OverrideDialog

NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月6日（农历除夕、周六）至2月14日（农历正月初八、周日）放假调休，共9天。2月20日（周六）上班。
"""


@pytest.fixture
def holidays_tab(qtbot, ui_ctx):  # type: ignore[no-untyped-def]
    """Factory: the 节假日 tab of an actor inside its page, shown."""
    pages: list[AdminPage] = []  # the page owns the tab: keep it alive for the test

    def make(actor):  # type: ignore[no-untyped-def]
        page = AdminPage(ui_ctx(actor))
        pages.append(page)
        qtbot.addWidget(page)
        page.show()
        page.show_tab("holidays")
        tab = page.tab("holidays")
        assert isinstance(tab, HolidaysTab)
        return tab

    return make


@pytest.fixture
def notice_dialog(qtbot, ui_ctx):  # type: ignore[no-untyped-def]
    """Factory: the notice import dialog of an actor for a year."""

    def make(actor, year: int = 2027) -> NoticeImportDialog:  # type: ignore[no-untyped-def]
        ctx = ui_ctx(actor)
        dialog = NoticeImportDialog(ctx, year, ctx.settings)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def test_notice_import_previews_then_stores(notice_dialog, admin, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """解析 lists every holiday and make-up day; only 保存 stores them, and 2027 then has working
    days."""
    with pytest.raises(CalendarMissing):
        calendar_of(app_ctx.db).is_working_day(date(2027, 1, 4))
    dialog = notice_dialog(admin)
    dialog.text.setPlainText(NOTICE_2027)
    assert not dialog.save_button.isEnabled()
    dialog.parse_button.click()

    rows = [
        [dialog.preview.item(r, c).text() for c in range(4)]
        for r in range(dialog.preview.rowCount())
    ]
    assert rows == [
        ["放假", "元旦", "2027-01-01（星期五）至 2027-01-03（星期日）", "3"],
        ["放假", "春节", "2027-02-06（星期六）至 2027-02-14（星期日）", "9"],
        ["调休上班", "", "2027-02-20（星期六）", "1"],
    ]
    assert "识别出 2 个节日" in dialog.summary.text()
    with pytest.raises(CalendarMissing):
        calendar_of(app_ctx.db).is_working_day(date(2027, 1, 4))

    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    assert dialog.result() == NoticeImportDialog.DialogCode.Accepted
    assert dialog.stored_days == 13
    calendar = calendar_of(app_ctx.db)
    assert calendar.is_working_day(date(2027, 1, 1)) is False
    assert calendar.is_working_day(date(2027, 1, 4)) is True
    assert calendar.is_working_day(date(2027, 2, 10)) is False
    assert calendar.is_working_day(date(2027, 2, 20)) is True  # a Saturday made a working day
    assert calendar.working_day_after(date(2027, 2, 5), 1) == date(2027, 2, 15)


def test_notice_parse_errors_are_listed_in_chinese(notice_dialog, admin, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """A notice whose weekday contradicts its date is refused with the problem line; nothing is
    stored and 保存 stays disabled."""
    dialog = notice_dialog(admin)
    dialog.text.setPlainText(NOTICE_2027.replace("1月1日（周五）", "1月1日（周四）"))
    dialog.parse_button.click()
    assert dialog.error.isVisible()
    assert "无法识别或前后矛盾" in dialog.error.text()
    assert "2027年1月1日是星期五" in dialog.error.text()
    assert dialog.preview.rowCount() == 0
    assert not dialog.save_button.isEnabled()
    dialog.year.setValue(2028)
    dialog.text.setPlainText("")
    dialog.parse_button.click()
    assert dialog.error.text() == "请先粘贴通知全文或打开通知文本文件。"


def test_editing_text_after_parse_needs_a_new_parse(notice_dialog, admin) -> None:  # type: ignore[no-untyped-def]
    """Changing the text or the year after 解析 disables 保存 until parsed again."""
    dialog = notice_dialog(admin)
    dialog.text.setPlainText(NOTICE_2027)
    dialog.parse_button.click()
    assert dialog.save_button.isEnabled()
    dialog.year.setValue(2028)
    assert not dialog.save_button.isEnabled()
    assert dialog.preview.rowCount() == 0


def test_notice_opened_from_gb18030_file(
    notice_dialog, admin, tmp_path: Path, open_file_dialog
) -> None:  # type: ignore[no-untyped-def]
    """打开文本文件 reads a GB18030 .txt (as saved by Windows Notepad) and parses it at once."""
    path = tmp_path / "通知.txt"
    path.write_bytes(NOTICE_2027.encode("gb18030"))
    open_file_dialog(path)
    dialog = notice_dialog(admin)
    dialog.open_button.click()
    assert "春节" in dialog.text.toPlainText()
    assert dialog.preview.rowCount() == 3
    assert dialog.source == "通知.txt"


def test_notice_file_is_read_by_the_cores_reader_and_limit(
    notice_dialog, admin, tmp_path: Path, open_file_dialog, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The dialog reads notice files with ``gongkai_desktop.calendar``'s reader and size limit
    (one limit for the GUI and the command line)."""
    import gongkai_desktop.calendar as core

    monkeypatch.setattr(core, "MAX_NOTICE_BYTES", 10)
    path = tmp_path / "通知.txt"
    path.write_bytes(NOTICE_2027.encode("gb18030"))
    open_file_dialog(path)
    dialog = notice_dialog(admin)
    dialog.open_button.click()
    assert dialog.text.toPlainText() == ""
    assert "文件过大" in dialog.error.text()


def test_tab_import_lists_year_and_overrides(  # type: ignore[no-untyped-def]
    holidays_tab, admin, drive_modal, message_boxes
) -> None:
    """导入通知 from the tab: afterwards the year shows its days and appears among arranged years."""
    tab = holidays_tab(admin)

    def paste_and_save(dialog: NoticeImportDialog) -> None:
        dialog.year.setValue(2027)
        dialog.text.setPlainText(NOTICE_2027)
        dialog.parse_button.click()
        dialog.save_button.click()

    drive_modal(NoticeImportDialog, paste_and_save)
    tab.import_button.click()
    assert message_boxes.texts("information") == ["已保存2027年的节假日安排（13 天）。"]
    assert tab.year.value() == 2027
    assert tab.status.text() == "2027年：已导入节假日安排"
    assert [tab.years.item(i).text() for i in range(tab.years.count())] == ["2027年"]
    assert len(tab.model.rows) == 13
    assert tab.model.rows[0].day == date(2027, 1, 1)


def test_manual_override_add_and_remove(  # type: ignore[no-untyped-def]
    holidays_tab, admin, app_ctx, drive_modal, message_boxes
) -> None:
    """新增调整 marks one day; 删除调整 (after confirmation) removes it again."""
    from PySide6.QtCore import QDate

    tab = holidays_tab(admin)
    tab.year.setValue(2025)
    assert calendar_of(app_ctx.db).is_working_day(date(2025, 6, 3))

    def mark_holiday(dialog: OverrideDialog) -> None:
        dialog.day.setDate(QDate(2025, 6, 3))
        dialog.kind.setCurrentIndex(0)
        dialog.name.setText("本地假日")
        dialog.buttons.accepted.emit()

    drive_modal(OverrideDialog, mark_holiday)
    tab.add_button.click()
    assert [(o.day, o.is_workday, o.name) for o in tab.model.rows] == [
        (date(2025, 6, 3), False, "本地假日")
    ]
    assert not calendar_of(app_ctx.db).is_working_day(date(2025, 6, 3))

    tab.table.select_first()
    tab.remove_button.click()
    assert message_boxes.last()[0] == "question"
    assert tab.model.rows == []
    assert calendar_of(app_ctx.db).is_working_day(date(2025, 6, 3))


def test_liaison_cannot_store_a_notice(notice_dialog, liaison, app_ctx, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """The service refuses a liaison's import; the dialog shows the refusal and closes."""
    dialog = notice_dialog(liaison)
    dialog.text.setPlainText(NOTICE_2027)
    dialog.parse_button.click()
    dialog.save_button.click()
    assert message_boxes.last()[1] == "无权操作"
    assert dialog.result() == NoticeImportDialog.DialogCode.Rejected
    assert not calendar_of(app_ctx.db).has_year(2027)
