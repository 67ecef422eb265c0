"""Every window on the screen it opens on: a dialog or window taller or wider than the screen's
usable area (a 1366×768 screen less its task bar: 1366×728) is shrunk to it and moved inside, so
its buttons are never off screen; long content scrolls inside (:func:`scrolling`).

Each of the program's windows and dialogs mixes in :class:`FitsOnScreen`; Qt's own message
boxes and file dialogs are small enough already.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

# The window frame (title bar and borders) when the window system has not told it yet.
FRAME_GUESS = QSize(16, 38)
_SKIPPED = (
    Qt.WindowType.Popup,
    Qt.WindowType.ToolTip,
    Qt.WindowType.SplashScreen,
    Qt.WindowType.Sheet,
)


def usable_area(widget: QWidget) -> QRect:
    """The part of the widget's screen that windows may use (the task bar left out)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def frame_extra(widget: QWidget) -> QSize:
    """How much larger the window is with its frame than without."""
    frame, inner = widget.frameGeometry(), widget.geometry()
    extra = QSize(frame.width() - inner.width(), frame.height() - inner.height())
    if extra.isEmpty() and QGuiApplication.platformName() not in ("offscreen", "minimal"):
        return FRAME_GUESS
    return extra


def fit_on_screen(window: QWidget) -> None:
    """Shrink ``window`` to the usable area of its screen where it is larger, and move it so that
    all of it (frame included) lies within that area."""
    area = usable_area(window)
    extra = frame_extra(window)
    most = QSize(area.width() - extra.width(), area.height() - extra.height())
    size = window.size()
    if size.width() > most.width() or size.height() > most.height():
        window.resize(size.boundedTo(most).expandedTo(window.minimumSize()))
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.left()), area.right() + 1 - frame.width())
    y = min(max(frame.y(), area.top()), area.bottom() + 1 - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        window.move(max(x, area.left()), max(y, area.top()))


class FitsOnScreen:
    """Mixed in before a window's Qt class: the window fits its screen each time it is shown.

    A per-class ``showEvent`` rather than an application-wide event filter: a Python filter on
    the application is handed every event of every object, including objects half way through
    their destruction, and PySide6 crashes wrapping those.
    """

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)  # type: ignore[misc]
        if self.windowType() not in _SKIPPED:  # type: ignore[attr-defined]
            fit_on_screen(self)  # type: ignore[arg-type]


def scrolling(content: QWidget, parent: QWidget | None = None) -> QScrollArea:
    """``content`` in a frameless scroll area that follows its width, for a dialog whose fields
    may be taller than the screen (the buttons stay outside, always visible)."""
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setWidget(content)
    return area
