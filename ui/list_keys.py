"""What every list page has in common, wired once: the same keys (Ctrl+N 新增, Ctrl+S 保存, Ctrl+F
搜索, Delete 删除, Enter 打开) shown in the buttons' tooltips and in the main window's 编辑 menu,
buttons that need a selection disabled without one, and a hint in an empty list saying what to do
(or that the filters hide everything).

A page makes one ``ListKeys`` after building its widgets; the main window finds it as the page's
``list_keys`` attribute (or that of the page's current tab, for a page of tabs). Ctrl+N, Ctrl+S
and Ctrl+F belong to the main window's 编辑 menu, which hands them to the page on screen; Delete
and Enter belong to the list itself, so that a text field keeps them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)
from shiboken6 import isValid

from .remember import KEEPS_LAYOUT, restore_layout, save_layout

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Command:
    name: str
    label: str
    keys: tuple[str, ...]  # the first is shown

    @property
    def shown_key(self) -> str:
        return QKeySequence(self.keys[0]).toString(QKeySequence.SequenceFormat.NativeText)


COMMANDS: tuple[Command, ...] = (
    Command("new", "新增", ("Ctrl+N",)),
    Command("save", "保存", ("Ctrl+S",)),
    Command("search", "搜索", ("Ctrl+F",)),
    Command("delete", "删除", ("Delete",)),
    Command("open", "打开", ("Return", "Enter")),
)
BY_NAME = {c.name: c for c in COMMANDS}
# Keys that a text field uses itself: they act on the list only while the list has the focus.
LIST_ONLY = frozenset({"delete", "open"})
FILTERED_HINT = "没有符合筛选条件的记录。可以修改筛选条件或清空搜索框。"
FILTERED_HINT_NO_SEARCH = "没有符合筛选条件的记录。可以修改筛选条件。"


def with_key(tooltip: str, command: Command) -> str:
    return f"{tooltip}（{command.shown_key}）" if tooltip else command.shown_key


class EmptyHint(QLabel):
    """A grey sentence in the middle of an empty list's viewport."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view.viewport())
        self.setObjectName("emptyHint")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.view = view
        view.viewport().installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        area = self.view.viewport().rect().adjusted(24, 24, -24, -24)
        self.setGeometry(area.x(), area.y(), area.width(), min(area.height(), 120))

    def show_text(self, text: str) -> None:
        self.setText(text)
        self._place()
        self.setVisible(bool(text))
        self.raise_()


class ListKeys(QObject):
    """The keys, tooltips, selection-dependent buttons and empty hint of one list page.

    ``buttons`` maps a command of ``COMMANDS`` to the button it presses (``search`` to the search
    box it focuses); ``needs_selection`` are disabled while nothing is selected (a button the page
    disabled itself, for lack of permission, stays disabled); ``empty`` is what an empty list says;
    ``filters`` are the page's filter widgets: when one of them is set, an empty list says the
    filters hide everything instead.
    """

    def __init__(
        self,
        page: QWidget,
        view: QAbstractItemView,
        *,
        new: QAbstractButton | None = None,
        save: QAbstractButton | None = None,
        search: QLineEdit | None = None,
        delete: QAbstractButton | None = None,
        open: QAbstractButton | None = None,  # noqa: A002 - the command's name
        needs_selection: Iterable[QAbstractButton] = (),
        empty: str = "",
        filters: Sequence[QWidget] = (),
    ) -> None:
        super().__init__(page)
        self.page = page
        self.view = view
        self.search = search
        self.buttons: dict[str, QAbstractButton] = {
            name: button
            for name, button in (("new", new), ("save", save), ("delete", delete), ("open", open))
            if button is not None
        }
        self.needs_selection = list(dict.fromkeys(needs_selection))
        self.allowed = {button: button.isEnabled() for button in self.needs_selection}
        self.empty = empty
        self.filters = list(filters)
        self.hint = EmptyHint(view)
        page.setProperty(KEEPS_LAYOUT, True)
        settings = getattr(getattr(page, "ctx", None), "settings", None)
        self.settings: QSettings | None = settings if isinstance(settings, QSettings) else None
        name = view.objectName()
        self.group = f"layout/{type(page).__name__}" + (f"-{name}" if name else "")
        self.restore()
        self.shortcuts: list[QShortcut] = []
        for command in COMMANDS:
            if command.name == "search" and search is None:
                continue
            if command.name != "search" and command.name not in self.buttons:
                continue
            self._bind(command)
        if search is not None:
            search.setToolTip(
                with_key(search.toolTip() or search.placeholderText(), BY_NAME["search"])
            )
        self._watch_model()
        self.update()

    def _bind(self, command: Command) -> None:
        button = self.buttons.get(command.name)
        if button is not None:
            button.setToolTip(with_key(button.toolTip() or button.text().rstrip("…"), command))
        if command.name not in LIST_ONLY:
            return  # the 编辑 menu's
        for key in command.keys:
            shortcut = QShortcut(QKeySequence(key), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda name=command.name: self.trigger(name))
            self.shortcuts.append(shortcut)

    def _watch_model(self) -> None:
        model = self.view.model()
        for signal in (
            model.modelReset,
            model.rowsInserted,
            model.rowsRemoved,
            model.layoutChanged,
        ):
            signal.connect(self.update)
        self.view.selectionModel().selectionChanged.connect(self.update)

    @classmethod
    def of_page(
        cls, page: QWidget, view: QAbstractItemView, *, selection: bool = False, **kw: object
    ) -> ListKeys:
        """The usual page: its ``new_button``, ``save_button``, ``search``, ``delete_button`` and
        ``open_button`` (those it has); with ``selection``, 打开 and 删除 wait for a selection."""
        found = {
            name: getattr(page, attribute, None)
            for name, attribute in (
                ("new", "new_button"),
                ("save", "save_button"),
                ("search", "search"),
                ("delete", "delete_button"),
                ("open", "open_button"),
            )
        }
        if selection:
            kw["needs_selection"] = (
                *(b for b in (found["open"], found["delete"]) if b is not None),
                *kw.get("needs_selection", ()),  # type: ignore[misc]
            )
        return cls(page, view, **found, **kw)  # type: ignore[arg-type]

    def set_search(self, search: QLineEdit, filters: Sequence[QWidget] = ()) -> None:
        """The search box (and filters) of the page around this list, when they are not the
        list's own (one box above several tabs)."""
        self.search = search
        self.filters = [*self.filters, *filters]
        self.restore()
        search.setToolTip(with_key(search.placeholderText(), BY_NAME["search"]))
        self.update()

    # ----- the layout kept per user ------------------------------------------------------------
    def restore(self) -> None:
        if self.settings is not None:
            restore_layout(self.settings, self.group, self.page, self.view, self.filters)

    def save(self) -> None:
        if self.settings is not None and isValid(self.view):
            save_layout(self.settings, self.group, self.page, self.view, self.filters)

    # ----- commands --------------------------------------------------------------------------
    def available(self, name: str) -> bool:
        """Whether ``name`` would do something now (for the 编辑 menu)."""
        if name == "search":
            return self.search is not None and self.search.isEnabled()
        button = self.buttons.get(name)
        return button is not None and button.isVisibleTo(self.page) and button.isEnabled()

    def commands(self) -> list[Command]:
        """The commands this page has, in menu order."""
        return [
            c for c in COMMANDS if (c.name == "search" and self.search) or c.name in self.buttons
        ]

    def trigger(self, name: str) -> bool:
        """Carry out a command as its button would; False when it is not available now."""
        if not self.available(name):
            return False
        if name == "search":
            assert self.search is not None
            self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.search.selectAll()
            return True
        self.buttons[name].click()
        return True

    # ----- state -----------------------------------------------------------------------------
    def has_selection(self) -> bool:
        selection = self.view.selectionModel()
        return selection is not None and selection.hasSelection()

    def set_allowed(self, button: QAbstractButton, allowed: bool) -> None:
        """The page's own permission for a selection-dependent button."""
        self.allowed[button] = allowed
        self.update()

    def filtering(self) -> bool:
        for widget in (*self.filters, *((self.search,) if self.search else ())):
            if isinstance(widget, QComboBox) and widget.isVisible() and widget.currentIndex() > 0:
                return True
            if isinstance(widget, QCheckBox) and widget.isChecked():
                return True
            if isinstance(widget, QLineEdit) and widget.text().strip():
                return True
        return False

    def update(self, *_args: object) -> None:
        if not isValid(self.view) or not isValid(self.hint):
            return  # the model outlives the list while the page is taken apart
        selected = self.has_selection()
        for button in self.needs_selection:
            button.setEnabled(self.allowed.get(button, True) and selected)
        if self.view.model().rowCount() > 0:
            self.hint.show_text("")
        else:
            filtered = FILTERED_HINT if self.search is not None else FILTERED_HINT_NO_SEARCH
            self.hint.show_text(filtered if self.filtering() else self.empty)


def list_keys_of(widget: QWidget | None) -> ListKeys | None:
    """The ``ListKeys`` of a page, or of the tab a page of tabs (its ``tabs``) shows."""
    for _depth in range(4):
        if widget is None:
            return None
        keys = getattr(widget, "list_keys", None)
        if isinstance(keys, ListKeys):
            return keys
        tabs = getattr(widget, "tabs", None)
        widget = tabs.currentWidget() if isinstance(tabs, QTabWidget) else None
    return None
