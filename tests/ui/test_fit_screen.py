"""Every dialog and window opens within a 1366×728 screen (1366×768 less the task bar), with
each of its buttons inside the screen and inside the window, and long content scrolling inside.

The tests run on an offscreen screen of exactly that size (tests/screen-1366x728.json)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QApplication, QWidget

from gongkai_desktop.demo import demo_job
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.decisions import DecisionService
from gongkai_desktop.services.interpretations import InterpretationService
from gongkai_desktop.services.ledger import ItemQuery, LedgerService
from gongkai_desktop.services.ledger_catalogue import RepostService
from gongkai_desktop.services.ledger_documents import DocumentQuery, DocumentService
from gongkai_desktop.services.plan import PlanService

SCREEN = QRect(0, 0, 1366, 728)


def test_the_test_screen_is_an_office_screen(qapp) -> None:  # type: ignore[no-untyped-def]
    """The offscreen screen is 1366×728, so every check below is made against it."""
    assert QGuiApplication.primaryScreen().availableGeometry() == SCREEN


def outside(window: QWidget) -> list[str]:
    """The buttons of ``window`` that are not wholly inside the screen and the window (buttons
    inside a scrolled area may be scrolled out of view: the scroll bar reaches them)."""
    window_rect = QRect(window.mapToGlobal(QPoint(0, 0)), window.size())
    problems = []
    for button in window.findChildren(QAbstractButton):
        if not button.isVisibleTo(window) or _in_scroll_area(button, window):
            continue
        rect = QRect(button.mapToGlobal(QPoint(0, 0)), button.size())
        if not (SCREEN.contains(rect) and window_rect.contains(rect)):
            problems.append(f"「{button.text() or button.toolTip() or type(button).__name__}」{rect}")
    return problems


def _in_scroll_area(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def check_fits(qtbot, window: QWidget, name: str, shots: Path | None = None) -> None:  # type: ignore[no-untyped-def]
    """Show ``window`` as the program does and check it and its buttons lie on the screen (a
    picture of it goes to ``shots``)."""
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    if shots is not None:
        window.grab().save(str(shots / f"dialog-{name}.png"))
    frame = window.frameGeometry()
    assert SCREEN.contains(frame), f"{name} opens at {frame}, beyond the screen {SCREEN}"
    hint = window.minimumSizeHint()
    assert hint.width() <= SCREEN.width() and hint.height() <= SCREEN.height(), (
        f"{name} cannot shrink to the screen: it needs {hint}"
    )
    assert not outside(window), f"{name}: buttons off screen or cut off: {outside(window)}"


@pytest.fixture
def demo(app_ctx, admin) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The demo data of this year, small."""
    run_job(demo_job(app_ctx, admin, scale=10))
    yield app_ctx


def _services(app_ctx: Any, actor: Any) -> dict[str, Any]:
    return {
        "ledger": LedgerService(app_ctx.db, actor),
        "documents": DocumentService(app_ctx.db, actor),
        "decisions": DecisionService(app_ctx.db, actor),
        "interpretations": InterpretationService(
            app_ctx.db, actor, app_ctx.paths.attachments_dir
        ),
        "reposts": RepostService(app_ctx.db, actor),
        "plan": PlanService(app_ctx.db, actor),
    }


def _record_dialogs(ctx: Any, s: dict[str, Any]) -> dict[str, Callable[[], QWidget]]:
    from gongkai_desktop.services.calendar import calendar_of
    from ui.ledger.document_form import DocumentDialog
    from ui.ledger.documents_page import NewCampaignDialog
    from ui.ledger.exchange import ImportDialog
    from ui.ledger.item_form import ItemDialog
    from ui.ledger.items_page import MarkPublishedDialog
    from ui.ledger.reposts import RepostDialog
    from ui.pages.consultation_dialog import ConsultationDialog
    from ui.pages.decision_dialog import DecisionDialog
    from ui.pages.interpretation_workbench import InterpretationWorkbench
    from ui.pages.interpretations import NewInterpretationDialog

    item = s["ledger"].list_items(ItemQuery())[0]
    document = s["documents"].list_documents(DocumentQuery())[0]
    decision = next(
        d for d in s["decisions"].list_decisions() if d.consultation_count
    )
    detail = s["decisions"].get(decision.id)
    interpretation = s["interpretations"].list_interpretations()[0]
    divisions = s["ledger"].divisions()
    repost = s["reposts"].list_reposts()[0]
    return {
        "公开事项（新增）": lambda: ItemDialog(ctx, s["ledger"]),
        "公开事项": lambda: ItemDialog(ctx, s["ledger"], s["ledger"].get_item(item.id)),
        "规范性文件（新增）": lambda: DocumentDialog(ctx, s["documents"]),
        "规范性文件": lambda: DocumentDialog(
            ctx, s["documents"], s["documents"].get_document(document.id)
        ),
        "转载": lambda: RepostDialog(s["reposts"], divisions, repost, divisions[0][0]),
        "新建清理工作": lambda: NewCampaignDialog(),
        "标记为已公开": lambda: MarkPublishedDialog(3),
        "导入公开事项": lambda: ImportDialog(ctx, "items"),
        "决策（新增）": lambda: DecisionDialog(ctx, s["decisions"]),
        "决策": lambda: DecisionDialog(ctx, s["decisions"], decision.id),
        "征求意见": lambda: ConsultationDialog(
            s["decisions"],
            decision.id,
            detail.fields,
            detail.consultations[0],
            calendar_of(ctx.db),
            s["decisions"].rules(),
        ),
        "新建政策解读": lambda: NewInterpretationDialog(s["interpretations"], ctx.actor.role),
        "政策解读工作台": lambda: InterpretationWorkbench(ctx, interpretation.id),
    }


def _other_dialogs(ctx: Any, s: dict[str, Any]) -> dict[str, Callable[[], QWidget]]:
    from gongkai_desktop.services.admin import AdminService
    from gongkai_desktop.services.engagement import EngagementService
    from ui.conflict import ConflictDialog
    from ui.context import ui_settings
    from ui.dialogs.login import LoginDialog
    from ui.dialogs.password import ChangePasswordDialog
    from ui.dialogs.plan_import import PlanImportDialog
    from ui.dialogs.plan_report import ReportDialog, ReviewDialog
    from ui.dialogs.wizard import FirstRunWizard
    from ui.main_window import MainWindow
    from ui.pages.admin.divisions import DivisionDialog
    from ui.pages.admin.holidays import NoticeImportDialog, OverrideDialog
    from ui.pages.admin.users import ResetPasswordDialog, UserDialog
    from ui.pages.engagement_rules import RosterDialog

    overview = s["plan"].overview(date.today().year)
    task = next(t for t in overview.tasks if t.assignments)
    assignment = task.assignments[0]
    reported = next(
        ((t, a, q) for t in overview.tasks for a in t.assignments for q in (1, 2, 3, 4)
         if a.report(q) is not None),
        None,
    )  # fmt: skip
    admin = AdminService(ctx.db, ctx.actor)
    user = admin.list_users()[0]
    division = admin.list_divisions()[0]
    long_text = {f"f{i}": "很长的内容" * 20 for i in range(14)}
    dialogs: dict[str, Callable[[], QWidget]] = {
        "主窗口": lambda: MainWindow(ctx),
        "登录": lambda: LoginDialog(ctx.db, ui_settings(ctx.app)),
        "首次使用向导": lambda: FirstRunWizard(ctx.app),
        "修改密码": lambda: ChangePasswordDialog(ctx),
        "用户": lambda: UserDialog(ctx, user),
        "重置密码": lambda: ResetPasswordDialog(ctx, user),
        "处室": lambda: DivisionDialog(ctx, division),
        "导入放假通知": lambda: NoticeImportDialog(ctx, 2027, ctx.settings),
        "新增日期调整": lambda: OverrideDialog(ctx, 2027),
        "分管领导名单": lambda: RosterDialog(EngagementService(ctx.db, ctx.actor)),
        "导入工作要点": lambda: PlanImportDialog(ctx),
        "季度报告": lambda: ReportDialog(
            ctx, task, assignment, 1, overview.due_dates.get(1)
        ),
        "数据冲突": lambda: ConflictDialog(
            {k: f"字段{k}" for k in long_text}, long_text, {k: "别人的" for k in long_text}
        ),
    }
    if reported is not None:
        dialogs["审核季度报告"] = lambda: ReviewDialog(ctx, *reported)
    return dialogs


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GONGKAI_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_every_dialog_and_window_fits_1366x728(qtbot, ui_ctx, admin, demo, cjk_font, shots) -> None:  # type: ignore[no-untyped-def]
    """Each dialog and window, filled with demo data, lies within the screen with every button
    visible inside it."""
    ctx = ui_ctx(admin)
    services = _services(demo, admin)
    failures = []
    for name, make in {**_record_dialogs(ctx, services), **_other_dialogs(ctx, services)}.items():
        window = make()
        try:
            check_fits(qtbot, window, name, shots)
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
        finally:
            window.hide()
    assert not failures, "\n".join(failures)


def test_a_liaisons_windows_fit_too(qtbot, ui_ctx, liaison, demo, cjk_font) -> None:  # type: ignore[no-untyped-def]
    """A liaison's main window and record dialogs (read-only banners included) fit as well."""
    from ui.main_window import MainWindow

    ctx = ui_ctx(liaison)
    check_fits(qtbot, MainWindow(ctx), "主窗口（联络员）")
    failures = []
    for name, make in _record_dialogs(ctx, _services(demo, liaison)).items():
        window = make()
        try:
            check_fits(qtbot, window, name)
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
        finally:
            window.hide()
    assert not failures, "\n".join(failures)
