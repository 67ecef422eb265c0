"""The Qt bindings keep Python's reference counts right: PySide6 6.12.0 released one reference to
None on every call of a void Qt method, so a session crashed ("deallocating None") after some
thousand clicks and repaints. The pinned version must not do that."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel


def test_void_qt_calls_keep_the_reference_count_of_none(qapp: QApplication) -> None:
    """Thousands of void calls (update, setText, processEvents) leave None's count as it was."""
    label = QLabel("政务公开")
    label.show()
    qapp.processEvents()
    before = sys.getrefcount(None)
    for i in range(2000):
        label.setText(str(i))
        label.update()
        qapp.processEvents()
    assert sys.getrefcount(None) >= before - 50
    label.close()
