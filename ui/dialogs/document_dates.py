"""The two dates of a 督查通报: 截至 (the day its counts stand on) and 成文日期 (the signature)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from ..dates import accept_when_dates_valid
from ..fit import FitsOnScreen
from ..ledger.widgets import date_edit


class BulletinDatesDialog(FitsOnScreen, QDialog):
    """截至 defaults to the quarter's report due date (never after today), 成文日期 to today."""

    def __init__(
        self, parent: QWidget | None, title: str, as_of: date, issued: date
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.as_of = date_edit(as_of)
        self.as_of.setToolTip("统计报送情况截至的日期：之后报送的进展不计入本通报")
        self.issued = date_edit(issued)
        self.issued.setToolTip("落款的成文日期")
        form.addRow("统计截至：", self.as_of)
        form.addRow("成文日期：", self.issued)
        note = QLabel("默认截至该季度的报送截止日（不晚于今天）。", self)
        note.setObjectName("hintLabel")
        form.addRow(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(accept_when_dates_valid(self))
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[date, date]:
        return self.as_of.value(), self.issued.value()


def ask_bulletin_dates(
    parent: QWidget | None, title: str, as_of: date, issued: date
) -> tuple[date, date] | None:
    """(截至, 成文日期) as the user confirmed them, or None when cancelled."""
    dialog = BulletinDatesDialog(parent, title, as_of, issued)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.values()
