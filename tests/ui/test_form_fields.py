"""The date and date-time fields of the forms: a required one is always on and, when a form is
cleared, shows today; an optional one turns off and never keeps the previous record's value."""

from __future__ import annotations

from datetime import date, datetime

from ui.pages.engagement_form import DateTimeField
from ui.pages.requests_form import DateField


def test_required_date_cleared_is_on_with_today(qtbot) -> None:  # type: ignore[no-untyped-def]
    """set_value(None) on a required date leaves the editor enabled, showing today."""
    field = DateField(optional=False)
    qtbot.addWidget(field)
    field.set_value(date(2021, 3, 1))
    field.set_value(None)
    assert field.edit.isEnabled() and field.value() == date.today()


def test_optional_date_cleared_is_off_and_forgets_the_old_value(qtbot) -> None:  # type: ignore[no-untyped-def]
    """An optional date cleared is empty; ticking it shows today, not the previous record's date."""
    field = DateField()
    qtbot.addWidget(field)
    field.set_value(date(2021, 3, 1))
    field.set_value(None)
    assert field.value() is None and not field.edit.isEnabled()
    field.enabled.setChecked(True)
    assert field.value() == date.today()


def test_date_time_fields_follow_the_same_rule(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The date-time field behaves like the date field, to the minute."""
    required = DateTimeField(optional=False)
    optional = DateTimeField()
    qtbot.addWidget(required)
    qtbot.addWidget(optional)
    required.set_value(None)
    assert required.edit.isEnabled() and required.value() is not None
    optional.set_value(datetime(2021, 3, 1, 8, 30))
    assert optional.value() == datetime(2021, 3, 1, 8, 30)
    optional.set_value(None)
    optional.enabled.setChecked(True)
    assert optional.value().date() == date.today()
