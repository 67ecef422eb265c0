"""The shared table model: rows sort by their Python sort keys (dates, datetimes, tuples, None)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import Qt


@dataclass(frozen=True)
class Row:
    name: str
    day: date | None
    at: datetime


ROWS = [
    Row("b", date(2021, 3, 1), datetime(2021, 3, 1, 9, 30)),
    Row("a", date(2020, 12, 31), datetime(2021, 3, 1, 8, 0)),
    Row("d", None, datetime(2019, 1, 1)),
    Row("c", date(2021, 1, 15), datetime(2022, 5, 5)),
    Row("e", date(2021, 1, 15), datetime(2020, 5, 5)),
]


def build(qtbot):  # type: ignore[no-untyped-def]
    from ui.models import Column, RowTableModel
    from ui.widgets import RecordTable

    model = RowTableModel(
        [
            Column("名称", lambda r: r.name),
            Column("日期", lambda r: r.day.isoformat() if r.day else "", sort=lambda r: r.day),
            Column("时间", lambda r: f"{r.at:%m-%d %H:%M}", sort=lambda r: r.at),
            Column("组合", lambda r: "", sort=lambda r: (r.day is None, r.at.hour, r.name)),
        ]
    )
    table = RecordTable(model)
    qtbot.addWidget(table)
    model.set_rows(ROWS)
    return table


def names(table) -> str:  # type: ignore[no-untyped-def]
    return "".join(table.proxy.index(r, 0).data() for r in range(table.proxy.rowCount()))


def test_dates_sort_by_date_and_missing_ones_last(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A ``date`` sort key orders the rows by date (ties keep their order), None last."""
    table = build(qtbot)
    table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert names(table) == "acebd"
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert names(table) == "dbcea"


def test_datetimes_and_tuples_sort_too(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Datetimes (not their month-first text) and tuples of mixed values sort in Python order."""
    table = build(qtbot)
    table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    assert names(table) == "deabc"
    table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    assert names(table) == "ceabd"


def test_new_rows_are_sorted_in(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Rows pushed in later (replaced or appended) take their place in the current order."""
    table = build(qtbot)
    table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    table.source.append_rows([Row("f", date(1999, 1, 1), datetime(2000, 1, 1))])
    assert names(table) == "facebd"
    table.source.set_rows(ROWS[:2])
    assert names(table) == "ab"
