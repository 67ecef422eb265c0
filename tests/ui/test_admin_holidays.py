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
二、春节：2月5日（农历除夕、周五）至2月13日（农历正月初八、周六）放假调休，共9天。2月20日（周六）上班。
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


def test_notice_import_previews_then_stores(notice_dialog, admin, app_ctx, notice_text) -> None:  # type: ignore[no-untyped-def]
    """解析 lists every holiday and make-up day and the unused sentences; only 保存 stores them,
    and 2027 then has working days."""
    with pytest.raises(CalendarMissing):
        calendar_of(app_ctx.db).is_working_day(date(2027, 1, 4))
    dialog = notice_dialog(admin)
    dialog.text.setPlainText(notice_text("notice-2027"))
    assert not dialog.save_button.isEnabled()
    dialog.parse_button.click()

    rows = [
        [dialog.preview.item(r, c).text() for c in range(4)]
        for r in range(dialog.preview.rowCount())
    ]
    assert rows[:2] == [
        ["放假", "元旦", "2027-01-01（星期五）至 2027-01-03（星期日）", "3"],
        ["放假", "春节", "2027-02-05（星期五）至 2027-02-13（星期六）", "9"],
    ]
    assert ["调休上班", "", "2027-02-20（星期六）", "1"] in rows
    assert "识别出 7 个节日" in dialog.summary.text()
    assert not dialog.missing.isVisible()
    with pytest.raises(CalendarMissing):
        calendar_of(app_ctx.db).is_working_day(date(2027, 1, 4))

    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    assert dialog.result() == NoticeImportDialog.DialogCode.Accepted
    assert dialog.stored_days == 34
    calendar = calendar_of(app_ctx.db)
    assert calendar.is_working_day(date(2027, 1, 1)) is False
    assert calendar.is_working_day(date(2027, 1, 4)) is True
    assert calendar.is_working_day(date(2027, 2, 10)) is False
    assert calendar.is_working_day(date(2027, 2, 20)) is True  # a Saturday made a working day
    assert calendar.working_day_after(date(2027, 2, 4), 1) == date(2027, 2, 15)


def test_encouraging_sentence_is_shown_as_unused(notice_dialog, admin, notice_text) -> None:  # type: ignore[no-untyped-def]
    """The 2024 notice's 「鼓励…除夕（2月9日）休息」 is in the unused list and not in the preview."""
    dialog = notice_dialog(admin, 2024)
    dialog.text.setPlainText(notice_text("notice-2024"))
    dialog.parse_button.click()
    unused = [dialog.unused.item(i).text() for i in range(dialog.unused.count())]
    assert "春节：鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。" in unused
    dates = [dialog.preview.item(r, 2).text() for r in range(dialog.preview.rowCount())]
    assert not any(d.startswith("2024-02-09") for d in dates)


def test_missing_festivals_block_save_until_added_by_hand(  # type: ignore[no-untyped-def]
    notice_dialog, admin, app_ctx, drive_modal
) -> None:
    """A two-festival notice names the five missing; after adding them by hand it can be saved."""
    from PySide6.QtCore import QDate

    from ui.pages.admin.holidays import FestivalDaysDialog

    dialog = notice_dialog(admin)
    dialog.text.setPlainText(NOTICE_2027)
    dialog.parse_button.click()
    assert dialog.missing.isVisible()
    assert "清明节、劳动节、端午节、中秋节、国庆节" in dialog.missing.text()
    assert not dialog.save_button.isEnabled()
    for name, start, end, workdays in (
        ("清明节", (2027, 4, 3), (2027, 4, 5), ""),
        ("劳动节", (2027, 5, 1), (2027, 5, 5), "2027-04-25、2027-05-08"),
        ("端午节", (2027, 6, 9), (2027, 6, 9), ""),
        ("中秋节", (2027, 9, 15), (2027, 9, 15), ""),
        ("国庆节", (2027, 10, 1), (2027, 10, 7), "2027-09-26、2027-10-09"),
    ):
        def fill(d: FestivalDaysDialog, name=name, start=start, end=end, workdays=workdays) -> None:
            assert d.festival.itemText(0) == name
            d.start.setDate(QDate(*start))
            d.end.setDate(QDate(*end))
            d.workdays.setText(workdays)
            d.buttons.accepted.emit()

        drive_modal(FestivalDaysDialog, fill)
        dialog.add_festival_button.click()
    assert not dialog.missing.isVisible() and dialog.save_button.isEnabled()
    assert "手工补充 9 项" in dialog.summary.text()
    dialog.save_button.click()
    calendar = calendar_of(app_ctx.db)
    assert calendar.working_day_after(date(2027, 9, 30), 1) == date(2027, 10, 8)
    assert calendar.is_working_day(date(2027, 10, 9))


def test_amendment_imported_from_the_dialog(notice_dialog, admin, app_ctx, notice_text) -> None:  # type: ignore[no-untyped-def]
    """调整通知 reads the 2020 extension against the stored 2020 notice and stores it apart."""
    from gongkai_desktop.services.calendar import CalendarService

    service = CalendarService(app_ctx.db, admin)
    service.store_notice(service.preview_notice(notice_text("notice-2020"), 2020))
    dialog = notice_dialog(admin, 2020)
    dialog.kind.setCurrentIndex(1)
    dialog.text.setPlainText(notice_text("amendment-2020"))
    dialog.parse_button.click()
    assert dialog.preview.item(0, 1).text() == "春节（延长）"
    dialog.save_button.click()
    assert [n.kind for n in service.notices(2020)] == ["notice", "amendment"]
    assert not calendar_of(app_ctx.db).is_working_day(date(2020, 2, 1))


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


def test_notice_of_another_year_is_refused_naming_both_years(notice_dialog, admin, notice_text) -> None:  # type: ignore[no-untyped-def]
    """The 2027 notice with its title wrapped over two lines, parsed as 2021, is refused by the
    year it states (2021's weekdays are 2027's, so the dates alone would pass); 保存 stays off."""
    dialog = notice_dialog(admin, 2021)
    dialog.text.setPlainText(notice_text("notice-2027").replace("2027年部分", "2027年\n部分", 1))
    dialog.parse_button.click()
    assert "这份通知是2027年的节假日安排，而导入的年份是2021年" in dialog.error.text()
    assert dialog.preview.rowCount() == 0
    assert not dialog.save_button.isEnabled()


def test_editing_text_after_parse_needs_a_new_parse(notice_dialog, admin, notice_text) -> None:  # type: ignore[no-untyped-def]
    """Changing the text or the year after 解析 disables 保存 until parsed again."""
    dialog = notice_dialog(admin)
    dialog.text.setPlainText(notice_text("notice-2027"))
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
    """The dialog reads notice files with the core's reader and size limit (one limit for the GUI
    and the command line)."""
    import gongkai_desktop.notices as core

    monkeypatch.setattr(core, "MAX_NOTICE_BYTES", 10)
    path = tmp_path / "通知.txt"
    path.write_bytes(NOTICE_2027.encode("gb18030"))
    open_file_dialog(path)
    dialog = notice_dialog(admin)
    dialog.open_button.click()
    assert dialog.text.toPlainText() == ""
    assert "文件过大" in dialog.error.text()


def test_tab_import_lists_year_and_overrides(  # type: ignore[no-untyped-def]
    holidays_tab, admin, drive_modal, message_boxes, notice_text
) -> None:
    """导入通知 from the tab: afterwards the year shows its days and appears among arranged years."""
    tab = holidays_tab(admin)

    def paste_and_save(dialog: NoticeImportDialog) -> None:
        dialog.year.setValue(2027)
        dialog.text.setPlainText(notice_text("notice-2027"))
        dialog.parse_button.click()
        dialog.save_button.click()

    drive_modal(NoticeImportDialog, paste_and_save)
    tab.import_button.click()
    assert message_boxes.texts("information") == ["已保存2027年的节假日安排（34 天）。"]
    assert tab.year.value() == 2027
    assert tab.status.text() == "2027年：已导入节假日安排"
    assert [tab.years.item(i).text() for i in range(tab.years.count())] == ["2027年"]
    assert len(tab.model.rows) == 34
    assert tab.model.rows[0].day == date(2027, 1, 1)
    assert tab.model.rows[0].source_label == "节假日安排通知"
    tab.table.select_first()
    assert not tab.remove_button.isEnabled()  # a notice's day changes only by importing it again


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


def test_liaison_cannot_store_a_notice(notice_dialog, liaison, app_ctx, message_boxes, notice_text) -> None:  # type: ignore[no-untyped-def]
    """The service refuses a liaison's import; the dialog shows the refusal and closes."""
    dialog = notice_dialog(liaison)
    dialog.text.setPlainText(notice_text("notice-2027"))
    dialog.parse_button.click()
    dialog.save_button.click()
    assert message_boxes.last()[1] == "无权操作"
    assert dialog.result() == NoticeImportDialog.DialogCode.Rejected
    assert not calendar_of(app_ctx.db).has_year(2027)
