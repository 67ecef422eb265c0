"""Dates typed, not set: every kind of date field the forms use keeps exactly the date typed
(2027-03-15, 2027年3月15日, pasted), refuses a date that does not exist in Chinese, and a form
with such a date saves nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

from gongkai_desktop.services.ledger import ItemQuery, LedgerService
from gongkai_desktop.services.ledger_catalogue import RepostService
from ui.dates import DateEdit, DateTimeEdit, parse_date_text, parse_datetime_text
from ui.ledger.widgets import OptionalDate, date_edit
from ui.pages.engagement_form import DateTimeField
from ui.pages.requests_form import DateField


def type_text(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type as a user does: ASCII as key presses, 年/月/日 as the input method commits them."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:
            event = QInputMethodEvent("", [])
            event.setCommitString(ch)
            QApplication.sendEvent(widget, event)


def click_into(qtbot, edit: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Click into the middle of the field's text, as a user selecting the field does."""
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(edit.width() // 3, 8))


def _date_edit() -> tuple[QWidget, DateEdit, Callable[[], object]]:
    edit = date_edit(date(2026, 12, 2))
    return edit, edit, edit.value


def _required() -> tuple[QWidget, DateEdit, Callable[[], object]]:
    field = DateField(optional=False)
    field.set_value(date(2026, 12, 2))
    return field, field.edit, field.value  # type: ignore[return-value]


def _switchable() -> tuple[QWidget, DateEdit, Callable[[], object]]:
    field = DateField()
    field.set_value(None)
    return field, field.edit, field.value  # type: ignore[return-value]


def _optional_ledger() -> tuple[QWidget, DateEdit, Callable[[], object]]:
    field = OptionalDate("已公开")
    return field, field.edit, field.value


DATE_KINDS = {
    "date": _date_edit,
    "required": _required,
    "switchable": _switchable,
    "optional": _optional_ledger,
}


def show(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    widget.resize(320, 40)
    widget.show()
    qtbot.waitExposed(widget)


def switch_on(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Tick the field's 已填写 box with the mouse when it has one that is off."""
    box = getattr(widget, "enabled", None) or getattr(widget, "check", None)
    if box is not None and box.isVisible() and not box.isChecked():
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))
        assert box.isChecked()


@pytest.mark.parametrize("kind", list(DATE_KINDS))
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2027-03-15", date(2027, 3, 15)),
        ("2025-05-05", date(2025, 5, 5)),
        ("2027年3月15日", date(2027, 3, 15)),
        ("2027/3/15", date(2027, 3, 15)),
    ],
)
def test_a_typed_date_is_kept_exactly(qtbot, kind: str, typed: str, expected: date) -> None:  # type: ignore[no-untyped-def]
    """Clicking into a date field and typing a whole date gives exactly that date, year too."""
    widget, edit, value = DATE_KINDS[kind]()
    show(qtbot, widget)
    switch_on(qtbot, widget)
    click_into(qtbot, edit)
    type_text(qtbot, edit, typed)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert value() == expected
    assert edit.problem() == ""


@pytest.mark.parametrize("kind", list(DATE_KINDS))
def test_a_pasted_date_is_kept_exactly(qtbot, kind: str) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+V of 「2025年5月5日」 over the selected date gives 2025-05-05."""
    widget, edit, value = DATE_KINDS[kind]()
    show(qtbot, widget)
    switch_on(qtbot, widget)
    QGuiApplication.clipboard().setText(" 2025年5月5日 ")
    click_into(qtbot, edit)
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert value() == date(2025, 5, 5)


def test_tab_into_the_field_and_type_replaces_the_date(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Reaching the field with Tab selects it whole, so typing replaces the old date."""
    form = QWidget()
    first = DateEdit(date(2026, 12, 2), form)
    second = DateEdit(date(2026, 12, 2), form)
    second.move(0, 40)
    show(qtbot, form)
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    assert second.hasFocus()
    type_text(qtbot, second, "2027-03-15")
    assert second.value() == date(2027, 3, 15)


@pytest.mark.parametrize("kind", list(DATE_KINDS))
def test_an_impossible_date_is_refused_in_chinese(qtbot, kind: str) -> None:  # type: ignore[no-untyped-def]
    """2027-02-30 is marked, explained in Chinese, and never taken for another date."""
    widget, edit, _value = DATE_KINDS[kind]()
    show(qtbot, widget)
    switch_on(qtbot, widget)
    click_into(qtbot, edit)
    type_text(qtbot, edit, "2027-02-30")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.problem() == "日期「2027-02-30」不存在"
    assert edit.property("invalidDate") is True and edit.toolTip() == edit.problem()
    assert edit.text() == "2027-02-30"  # what was typed stays, to be corrected
    type_text(qtbot, edit, "\b")
    assert edit.problem() == "" and edit.value() == date(2027, 2, 3)


def test_keys_step_the_day_and_month(qtbot) -> None:  # type: ignore[no-untyped-def]
    """↑/↓ change the date by a day, PgUp/PgDn by a month, as in QDateEdit."""
    edit = DateEdit(date(2027, 1, 31))
    show(qtbot, edit)
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert edit.value() == date(2027, 2, 1)
    qtbot.keyClick(edit, Qt.Key.Key_PageUp)
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    assert edit.value() == date(2027, 2, 28)


def test_the_calendar_picks_a_day(qtbot) -> None:  # type: ignore[no-untyped-def]
    """F4 opens the calendar on the field's date; Enter there takes the day chosen."""
    edit = DateEdit(date(2027, 3, 15))
    show(qtbot, edit)
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_F4)
    popup = edit._popup
    assert popup is not None and popup.isVisible()
    assert popup.calendar.selectedDate().toPython() == date(2027, 3, 15)
    popup.calendar.setSelectedDate(popup.calendar.selectedDate().addDays(3))
    popup.calendar.activated.emit(popup.calendar.selectedDate())
    assert edit.value() == date(2027, 3, 18) and not popup.isVisible()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2027-03-15 09:30", datetime(2027, 3, 15, 9, 30)),
        ("2027年3月15日 9:05", datetime(2027, 3, 15, 9, 5)),
        ("2027年3月15日9时30分", datetime(2027, 3, 15, 9, 30)),
    ],
)
def test_a_typed_date_and_time_is_kept_exactly(qtbot, typed: str, expected: datetime) -> None:  # type: ignore[no-untyped-def]
    """A switchable date-time field takes the date and clock time typed, to the minute."""
    field = DateTimeField()
    field.set_value(None)
    show(qtbot, field)
    switch_on(qtbot, field)
    click_into(qtbot, field.edit)
    type_text(qtbot, field.edit, typed)
    qtbot.keyClick(field.edit, Qt.Key.Key_Tab)
    assert field.value() == expected


def test_a_date_time_without_a_time_or_with_25_oclock_is_refused(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A date-time field asks for the time, and refuses 25:10."""
    edit = DateTimeEdit(datetime(2026, 12, 2, 8, 0))
    show(qtbot, edit)
    click_into(qtbot, edit)
    type_text(qtbot, edit, "2027-03-15")
    assert "应为日期和时间" in edit.problem()
    type_text(qtbot, edit, " 25:10")
    assert edit.problem() == "时间「25:10」不存在"
    assert edit.value() == datetime(2026, 12, 2, 8, 0)


def test_the_parsers_explain_what_they_refuse() -> None:
    """Text that is no date is refused with the forms it should take; a time in a date field too."""
    with pytest.raises(ValueError, match="不是可识别的日期"):
        parse_date_text("下周一")
    with pytest.raises(ValueError, match="只填日期"):
        parse_date_text("2027-03-15 09:30")
    with pytest.raises(ValueError, match="年份超出"):
        parse_date_text("0227-03-15")
    assert parse_date_text("２０２７－０３－１５") == date(2027, 3, 15)
    assert parse_datetime_text("2027/3/15 8:05") == datetime(2027, 3, 15, 8, 5)


def test_the_item_form_stores_the_dates_typed(qtbot, ui_ctx, admin, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """形成日期 typed and 公开日期 ticked and typed in 年月日 are stored exactly, via 保存."""
    from ui.ledger.item_form import ItemDialog

    service = LedgerService(app_ctx.db, admin)
    dialog = ItemDialog(ui_ctx(admin), service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.title.setText("2025年部门预算")
    dialog.category.setCurrentText("执行公开")
    dialog.attribute.setCurrentText("主动公开")
    click_into(qtbot, dialog.formed_on)
    type_text(qtbot, dialog.formed_on, "2025-05-05")
    switch_on(qtbot, dialog.published_on)
    click_into(qtbot, dialog.published_on.edit)
    type_text(qtbot, dialog.published_on.edit, "2025年5月20日")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (item,) = service.list_items(ItemQuery())
    assert (item.formed_on, item.published_on) == (date(2025, 5, 5), date(2025, 5, 20))


def test_the_item_form_refuses_an_impossible_date(qtbot, ui_ctx, admin, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """保存 with 公开日期 「2025-02-29」 names the field and the reason, and stores nothing."""
    from ui.ledger.item_form import ItemDialog

    service = LedgerService(app_ctx.db, admin)
    dialog = ItemDialog(ui_ctx(admin), service)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title.setText("2025年部门预算")
    dialog.category.setCurrentText("执行公开")
    dialog.attribute.setCurrentText("主动公开")
    dialog.formed_on.setDate(date(2025, 2, 3))
    switch_on(qtbot, dialog.published_on)
    click_into(qtbot, dialog.published_on.edit)
    type_text(qtbot, dialog.published_on.edit, "2025-02-29")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "日期「2025-02-29」不存在" in dialog.errors.text()
    assert "公开日期" in dialog.errors.text()
    assert service.count_items(ItemQuery()) == 0


def test_the_repost_form_stores_the_times_typed(qtbot, ui_ctx, admin, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """转载: the release and repost times typed are stored to the minute."""
    from ui.ledger.reposts import RepostDialog

    service = RepostService(app_ctx.db, admin)
    divisions = LedgerService(app_ctx.db, admin).divisions()
    dialog = RepostDialog(service, divisions, None, divisions[0][0])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.title.setText("国务院办公厅关于做好2025年政务公开工作的通知")
    dialog.issuer.setText("国务院办公厅")
    click_into(qtbot, dialog.released)
    type_text(qtbot, dialog.released, "2025-05-05 09:30")
    qtbot.mouseClick(dialog.reposted_check, Qt.MouseButton.LeftButton, pos=QPoint(6, 8))
    click_into(qtbot, dialog.reposted)
    type_text(qtbot, dialog.reposted, "2025年5月6日 8:15")
    dialog.save()
    (row,) = service.list_reposts(2025)
    assert (row.released_at, row.reposted_at) == (
        datetime(2025, 5, 5, 9, 30),
        datetime(2025, 5, 6, 8, 15),
    )
