"""The one date field of every form, and its date-and-time sibling.

A date is typed as text and read whole when it is complete: 2027-03-15, 2027/3/15, 2027年3月15日
(full-width digits too), typed or pasted, so a typed year is never replaced by the section-wise
editing of ``QDateEdit``. A date that does not exist (2027-02-30) or cannot be read is refused:
the field is outlined with the reason as its tool tip, and :func:`check_dates`, which every
form's 保存 calls, refuses to save with the field's name and the reason, so a form never stores
the date shown before. ↑/↓ step a day, PgUp/PgDn a month, F4 or Alt+↓ opens the calendar.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QDateTime, QEvent, QPoint, QPointF, Qt, QTime, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QIcon,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QFormLayout,
    QFrame,
    QLayout,
    QLineEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from gongkai_desktop.errors import ValidationError
from gongkai_desktop.importers.xlsx_safety import parse_date_cell

DATE_HINT = "如 2027-03-15 或 2027年3月15日"
DATETIME_HINT = "如 2027-03-15 09:30"
_TIME = re.compile(r"(.+?)(?:\s+|T|(?<=日))(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*分?")


def parse_date_text(text: str) -> date:
    """The date written in ``text``; ValueError with the Chinese reason when there is none."""
    if not text.strip():
        raise ValueError("请填写日期，" + DATE_HINT)
    if _TIME.fullmatch(unicodedata.normalize("NFKC", text).strip()):
        raise ValueError(f"「{text.strip()}」带有时间，这里只填日期，{DATE_HINT}")
    return parse_date_cell(text)


def parse_datetime_text(text: str) -> datetime:
    """The date and clock time (to the minute) written in ``text``; ValueError saying why not."""
    normal = unicodedata.normalize("NFKC", text).strip()
    if not normal:
        raise ValueError("请填写日期和时间，" + DATETIME_HINT)
    match = _TIME.fullmatch(normal)
    if match is None:
        raise ValueError(f"「{text.strip()}」应为日期和时间，{DATETIME_HINT}")
    day = parse_date_cell(match.group(1))
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour > 23 or minute > 59:
        raise ValueError(f"时间「{hour}:{minute:02d}」不存在")
    return datetime.combine(day, time(hour, minute))


def date_problems(root: QWidget) -> list[str]:
    """What is wrong with the date fields in use under ``root`` (enabled and editable), each with
    the field's label."""
    problems = []
    for edit in root.findChildren(DateEdit):
        if edit.problem() and edit.isEnabled() and not edit.isReadOnly():
            label = field_label(edit)
            problems.append(f"「{label}」：{edit.problem()}" if label else edit.problem())
    return problems


def check_dates(root: QWidget) -> None:
    """Refuse to save while a date field under ``root`` holds text that is not a date."""
    problems = date_problems(root)
    if problems:
        raise ValidationError("日期填写有误，未保存：", problems=problems)


def accept_when_dates_valid(dialog: QDialog) -> Callable[[], None]:
    """A slot for a plain dialog's 确定: accept unless a date field holds text that is not a
    date (then say so, and the dialog stays open with what was typed)."""

    def accept() -> None:
        try:
            check_dates(dialog)
        except ValidationError as exc:
            from .messages import show_error

            show_error(dialog, exc)
            return
        dialog.accept()

    return accept


def field_label(widget: QWidget) -> str:
    """The name of the field ``widget`` is (part of): its accessible name, else the text of its
    form label (the row's label when it shares a row with others), without 「：」."""
    child = widget
    parent = child.parentWidget()
    while parent is not None:
        if child.accessibleName():
            return child.accessibleName()
        layout = parent.layout()
        if isinstance(layout, QFormLayout):
            label = _row_label(layout, child)
            if label:
                return label.rstrip("：: ")
        child, parent = parent, parent.parentWidget()
    return ""


def _row_label(form: QFormLayout, widget: QWidget) -> str:
    for row in range(form.rowCount()):
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        if field is None or label is None or label.widget() is None:
            continue
        if field.widget() is widget or (field.layout() is not None and _holds(field.layout(), widget)):
            return str(getattr(label.widget(), "text", lambda: "")())
    return ""


def _holds(layout: QLayout, widget: QWidget) -> bool:
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is widget or (item.layout() is not None and _holds(item.layout(), widget)):
            return True
    return False


@functools.cache
def _drop_down_icon() -> QIcon:
    """A small grey ▾, as the drop-down arrow of the other fields."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#5f6670"))
    painter.drawPolygon(QPolygonF([QPointF(4.5, 6.5), QPointF(11.5, 6.5), QPointF(8, 10.5)]))
    painter.end()
    return QIcon(pixmap)


class _CalendarPopup(QFrame):
    """The calendar under a date field; a click or Enter picks the day."""

    def __init__(self, field: DateEdit) -> None:
        super().__init__(field, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget(self)
        self.calendar.setGridVisible(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.calendar)
        self.calendar.clicked.connect(self._pick)
        self.calendar.activated.connect(self._pick)
        self.field = field

    def _pick(self, day: QDate) -> None:
        self.hide()
        self.field.set_day(day)
        self.field.setFocus()


class DateEdit(QLineEdit):
    """A date typed whole (see the module's note); ``date()``/``setDate()`` as ``QDateEdit``."""

    dateChanged = Signal(QDate)
    display = "%Y-%m-%d"
    hint = DATE_HINT

    def __init__(self, value: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value: datetime = datetime.combine(value or date.today(), time())
        self._problem = ""
        self._popup: _CalendarPopup | None = None
        self.setPlaceholderText(self.hint)
        self.setToolTip(self.hint)
        self.calendar_action = self.addAction(
            _drop_down_icon(), QLineEdit.ActionPosition.TrailingPosition
        )
        self.calendar_action.setToolTip("选择日期（F4）")
        self.calendar_action.triggered.connect(self.show_calendar)
        self.setText(self._value.strftime(self.display))
        self.textChanged.connect(self._text_changed)

    # ----- reading and writing ---------------------------------------------------------------
    def parse(self, text: str) -> datetime:
        return datetime.combine(parse_date_text(text), time())

    def problem(self) -> str:
        """Why the text is not a date, in Chinese; empty when it is one."""
        return self._problem

    def value(self) -> date:
        """The last complete date typed (while the text is unfinished, the one before)."""
        return self._value.date()

    def date(self) -> QDate:
        """The last complete date typed (while the text is unfinished, the one before)."""
        d = self._value
        return QDate(d.year, d.month, d.day)

    def setDate(self, value: QDate | date) -> None:  # noqa: N802 - QDateEdit's name
        day = value.toPython() if isinstance(value, QDate) else value
        self._set(datetime.combine(day, self._value.time()))

    def set_day(self, day: QDate) -> None:
        self.setDate(day)

    def _set(self, value: datetime) -> None:
        self.setText(value.strftime(self.display))
        self._text_changed(self.text())

    def _text_changed(self, text: str) -> None:
        try:
            parsed = self.parse(text)
        except ValueError as exc:
            self._problem = str(exc)
            self._mark(True)
            return
        self._problem = ""
        self._mark(False)
        if parsed != self._value:
            self._value = parsed
            self._emit()

    def _emit(self) -> None:
        self.dateChanged.emit(self.date())

    def _mark(self, invalid: bool) -> None:
        if bool(self.property("invalidDate")) == invalid:
            return
        self.setProperty("invalidDate", invalid)
        self.setToolTip(self._problem or self.hint)
        self.style().unpolish(self)
        self.style().polish(self)

    # ----- keys, focus, calendar ---------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        key, mods = event.key(), event.modifiers()
        steps = {
            Qt.Key.Key_Up: timedelta(days=1),
            Qt.Key.Key_Down: timedelta(days=-1),
        }
        if self.isReadOnly():
            super().keyPressEvent(event)
        elif key == Qt.Key.Key_F4 or (
            key == Qt.Key.Key_Down and mods & Qt.KeyboardModifier.AltModifier
        ):
            self.show_calendar()
        elif key in steps and not self._problem:
            self._set(self._value + steps[key])
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown) and not self._problem:
            months = 1 if key == Qt.Key.Key_PageUp else -1
            shifted = QDate(self.date()).addMonths(months).toPython()
            self._set(datetime.combine(shifted, self._value.time()))
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """A click into the field selects the whole date, so what is typed replaces it."""
        entering = not self.hasFocus()
        super().mousePressEvent(event)
        if entering and event.button() == Qt.MouseButton.LeftButton:
            self.selectAll()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        if self._problem:
            QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), self._problem, self)
        elif self.text() != self._value.strftime(self.display):
            self.setText(self._value.strftime(self.display))  # written the usual way

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.EnabledChange, QEvent.Type.ReadOnlyChange):
            self.calendar_action.setEnabled(self.isEnabled() and not self.isReadOnly())

    def show_calendar(self) -> None:
        if self.isReadOnly() or not self.isEnabled():
            return
        if self._popup is None:
            self._popup = _CalendarPopup(self)
        self._popup.calendar.setSelectedDate(self.date())
        self._popup.adjustSize()
        self._popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self._popup.show()
        self._popup.calendar.setFocus()


class DateTimeEdit(DateEdit):
    """A date and clock time to the minute, typed whole: 2027-03-15 09:30."""

    dateTimeChanged = Signal(QDateTime)
    display = "%Y-%m-%d %H:%M"
    hint = DATETIME_HINT

    def __init__(self, value: datetime | None = None, parent: QWidget | None = None) -> None:
        super().__init__(None, parent)
        self._set((value or datetime.now()).replace(second=0, microsecond=0))

    def parse(self, text: str) -> datetime:
        return parse_datetime_text(text)

    def value(self) -> datetime:  # type: ignore[override]
        return self._value

    def time(self) -> QTime:
        return QTime(self._value.hour, self._value.minute)

    def dateTime(self) -> QDateTime:  # noqa: N802 - QDateTimeEdit's name
        return QDateTime(self.date(), self.time())

    def setDateTime(self, value: QDateTime | datetime) -> None:  # noqa: N802
        moment = value.toPython() if isinstance(value, QDateTime) else value
        self._set(moment.replace(second=0, microsecond=0))

    def _emit(self) -> None:
        super()._emit()
        self.dateTimeChanged.emit(self.dateTime())
