"""The list of one kind of 新闻发布与回应 record, configured by the kind's description: the listed
fields as columns, the state and its problems right after the fields that name a record, the
division last; a broken rule makes the state cell red (and the row's text red), a limit still
running makes it amber."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from gongkai_desktop.domain.engagement_fields import FieldSpec, FieldType, KindSpec, display
from gongkai_desktop.services.engagement_records import EngagementRecord

from ..models import Column, RowTableModel

RED, AMBER, GREEN = "#c0392b", "#a86200", "#2e7d32"
_RED_BG, _AMBER_BG = QBrush(QColor("#c0392b")), QBrush(QColor("#f8d98b"))
_WHITE, _DARK_AMBER = QBrush(QColor("#ffffff")), QBrush(QColor("#5a3b00"))
_RED_TEXT = QBrush(QColor(RED))
STATE_TITLE = "状态与问题"


def state_text(record: EngagementRecord) -> str:
    """The state, then what breaks a rule (or is still owed)."""
    notes = record.problems or record.pending
    if not notes:
        return record.state
    return f"{record.state}：{'；'.join(notes)}" if record.state else "；".join(notes)


def _cell(f: FieldSpec, value: Any, names: dict[int, str]) -> str:
    return " ".join(display(f, value, names).split())


def _sort_value(f: FieldSpec, value: Any, names: dict[int, str]) -> Any:
    if f.type in (FieldType.DATE, FieldType.DATETIME):
        return value
    return _cell(f, value, names)


def columns_for(spec: KindSpec, names: dict[int, str]) -> list[Column]:
    """The list's columns: the kind's listed fields, its division, and the state."""
    columns = [
        Column(
            f.label,
            lambda r, f=f: _cell(f, r[f.name], names),
            sort=lambda r, f=f: _sort_value(f, r[f.name], names),
            tooltip=(lambda r, f=f: display(f, r[f.name], names))
            if f.type in (FieldType.TEXT, FieldType.LONG_TEXT, FieldType.SPEAKERS)
            else None,
        )
        for f in spec.fields
        if f.listed
    ]
    # The state right after the fields that identify a record, so that a broken rule is in
    # sight without scrolling; the division last.
    columns.insert(
        min(3, len(columns)),
        Column(
            STATE_TITLE,
            state_text,
            sort=lambda r: (not r.problems, not r.pending, r.state),
            tooltip=lambda r: "\n".join((*r.problems, *r.pending)) or r.state,
        ),
    )
    columns.append(Column(spec.division_label, lambda r: r.division_name))
    return columns


def column_widths(spec: KindSpec, columns: list[Column]) -> dict[int, int]:
    """The columns that need room: the state, the field that names a record, and the lists of
    people, participants or divisions."""
    fields = {f.label: f for f in spec.fields if f.listed}
    widths: dict[int, int] = {}
    for i, column in enumerate(columns):
        f = fields.get(column.title)
        if column.title == STATE_TITLE:
            widths[i] = 230
        elif f is None:
            continue
        elif f.name == spec.title_field:
            widths[i] = 220
        elif f.type in (FieldType.SPEAKERS, FieldType.DIVISIONS, FieldType.LONG_TEXT):
            widths[i] = 170
    return widths


class RecordModel(RowTableModel):
    """Records of one kind; a broken rule makes the state cell red (and the row's text red), a
    limit still running makes it amber."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if index.isValid() and role in (
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.BackgroundRole,
        ):
            row: EngagementRecord = self.rows[index.row()]
            is_state = self.columns[index.column()].title == STATE_TITLE
            if row.problems:
                if is_state:
                    return _WHITE if role == Qt.ItemDataRole.ForegroundRole else _RED_BG
                if role == Qt.ItemDataRole.ForegroundRole:
                    return _RED_TEXT
            elif row.pending and is_state:
                return _DARK_AMBER if role == Qt.ItemDataRole.ForegroundRole else _AMBER_BG
        return super().data(index, role)
