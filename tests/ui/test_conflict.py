"""The conflict dialog: every field of both versions, differences marked, the user's choice."""

from __future__ import annotations

from datetime import date

from gongkai_desktop.domain.requests import CaseResult, CaseType
from gongkai_desktop.errors import ConflictError
from gongkai_desktop.services.requests import CaseInput

LABELS = {"title": "标题", "day": "日期", "done": "已办结", "notes": "备注"}
MINE = {"title": "我的标题", "day": date(2026, 3, 2), "done": True, "notes": "同"}
THEIRS = {"title": "对方标题", "day": "2026-03-02", "done": False, "notes": "同"}


def build(qtbot, mine=MINE, theirs=THEIRS):  # type: ignore[no-untyped-def]
    from ui.conflict import ConflictDialog

    dialog = ConflictDialog(LABELS, mine, theirs)
    qtbot.addWidget(dialog)
    return dialog


def test_dialog_lists_every_field_and_marks_the_differing_ones(qtbot) -> None:  # type: ignore[no-untyped-def]
    """All fields in the labels' order; values shown as text; only differing rows marked."""
    from ui.conflict import DIFFERENT

    dialog = build(qtbot)
    table = dialog.table
    rows = [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]
    assert rows == [
        ("标题", "我的标题", "对方标题"),
        ("日期", "2026-03-02", "2026-03-02"),
        ("已办结", "是", "否"),
        ("备注", "同", "同"),
    ]
    assert dialog.differing == ["title", "done"]
    marked = [table.item(r, 1).background().color() == DIFFERENT.color() for r in range(4)]
    assert marked == [True, False, True, False]
    assert table.item(0, 2).font().bold() and not table.item(3, 2).font().bold()
    assert "2 处不同" in dialog.message.text()


def test_buttons_set_the_choice_and_closing_decides_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    """保留我的修改 / 采用对方版本 accept with their choice; 返回编辑 leaves it undecided."""
    from ui.conflict import Choice

    dialog = build(qtbot)
    assert dialog.keep_mine.text() == "保留我的修改" and dialog.take_theirs.text() == "采用对方版本"
    dialog.keep_mine.click()
    assert dialog.choice is Choice.KEEP_MINE and dialog.result() == dialog.DialogCode.Accepted
    dialog = build(qtbot)
    dialog.take_theirs.click()
    assert dialog.choice is Choice.TAKE_THEIRS
    dialog = build(qtbot)
    dialog.reject()
    assert dialog.choice is Choice.UNDECIDED


def test_ask_conflict_returns_the_answer(qtbot, conflict_answers) -> None:  # type: ignore[no-untyped-def]
    """``ask_conflict`` shows the dialog modally and returns the button the user pressed."""
    from ui.conflict import Choice, ask_conflict

    conflict_answers.button = "take_theirs"
    assert ask_conflict(None, LABELS, MINE, THEIRS) is Choice.TAKE_THEIRS
    conflict_answers.button = "back"
    assert ask_conflict(None, LABELS, MINE, MINE) is Choice.UNDECIDED
    assert conflict_answers.last().differing == []


def test_snapshot_becomes_the_forms_dataclass() -> None:
    """A stored snapshot (ISO dates, enum values, extra columns) fills the form's dataclass."""
    from ui.conflict import fields_from_snapshot, stored_version

    snapshot = {
        "id": 7,
        "version": 3,
        "case_no": "复1",
        "case_type": "review",
        "received_date": "2026-03-02",
        "closed_date": None,
        "result": "upheld",
        "request_id": 4,
        "division_id": 2,
        "notes": "",
    }
    case = fields_from_snapshot(CaseInput, snapshot, notes="改")
    assert case == CaseInput(
        "复1", CaseType.REVIEW, date(2026, 3, 2), None, CaseResult.UPHELD, 4, 2, "改"
    )
    assert stored_version(ConflictError("x", snapshot)) == 3
    assert stored_version(ConflictError("x")) is None
