"""The 依申请公开 page: the register's order and colours, the form, the timeline, permissions."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gongkai_desktop.domain.requests import ApplicantType, CaseType, Channel, RequestState
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.calendar import calendar_of
from gongkai_desktop.services.requests import CaseInput, RequestInput, RequestService

SCREEN = (1366, 768)


def working_days_ago(app_ctx, n: int) -> date:  # type: ignore[no-untyped-def]
    cal = calendar_of(app_ctx.db)
    today = date.today()
    d = today
    while cal.working_days_between(d, today) < n:
        d -= timedelta(days=1)
    return d


@pytest.fixture
def register(app_ctx, admin):  # type: ignore[no-untyped-def]
    """Three requests of 开发指导处: one overdue, one open, one answered; plus one of 社会帮扶处."""
    admin_service = AdminService(app_ctx.db, admin)
    kf = admin_service.division_by_name("开发指导处").id
    sb = admin_service.division_by_name("社会帮扶处").id
    service = RequestService(app_ctx.db, admin)

    def make(reg_no: str, ago: int, division: int, **kw):  # type: ignore[no-untyped-def]
        return service.create_request(
            RequestInput(
                reg_no,
                working_days_ago(app_ctx, ago),
                Channel.POST,
                ApplicantType.NATURAL_PERSON,
                division,
                applicant=f"申请人{reg_no}",
                **kw,
            )
        )

    make("R-OPEN", 2, kf)
    make("R-DONE", 40, kf, answer_date=working_days_ago(app_ctx, 30), outcome="予以公开")
    make("R-LATE", 30, kf)
    make("R-SB", 5, sb)
    return service


def build_page(qtbot, ui_ctx, actor):  # type: ignore[no-untyped-def]
    from ui.pages.requests import RequestsPage

    page = RequestsPage(ui_ctx(actor))
    qtbot.addWidget(page)
    page.resize(*SCREEN)
    page.show()
    qtbot.waitExposed(page)
    return page


def shown_numbers(page) -> list[str]:  # type: ignore[no-untyped-def]
    table = page.requests.table
    return [table.proxy.index(r, 0).data() for r in range(table.proxy.rowCount())]


def test_register_lists_overdue_first_and_screenshot(
    qtbot, ui_ctx, admin, register, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Overdue on top with a red state cell, then open ones, then closed; a 1366×768 screenshot."""
    page = build_page(qtbot, ui_ctx, admin)
    numbers = shown_numbers(page)
    assert numbers[0] == "R-LATE" and numbers[-1] == "R-DONE"
    assert set(numbers) == {"R-LATE", "R-OPEN", "R-SB", "R-DONE"}
    table = page.requests.table
    state_col = 7
    assert table.proxy.index(0, state_col).data() == "逾期"
    brush = table.proxy.index(0, state_col).data(Qt.ItemDataRole.BackgroundRole)
    assert brush is not None and brush.color().name() == "#c0392b"
    assert "逾期 1 件" in page.requests.summary.text()
    shot = tmp_path / "requests.png"
    assert page.grab().save(str(shot))
    assert shot.stat().st_size > 10_000


def test_register_sorts_by_the_date_columns(qtbot, ui_ctx, admin, register) -> None:  # type: ignore[no-untyped-def]
    """Clicking 收到日期 or 答复期限 orders the register by those dates, both ways."""
    from ui.models import ROW_ROLE

    page = build_page(qtbot, ui_ctx, admin)
    table = page.requests.table

    def shown(key):  # type: ignore[no-untyped-def]
        return [key(table.proxy.index(r, 0).data(ROW_ROLE)) for r in range(table.proxy.rowCount())]

    table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert shown(lambda r: r.reg_no) == ["R-DONE", "R-LATE", "R-SB", "R-OPEN"]
    received = shown(lambda r: r.data.receipt_date)
    assert received == sorted(received)
    table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    deadlines = shown(lambda r: r.deadline)
    assert deadlines == sorted(deadlines, reverse=True) and len(set(deadlines)) == 4


def test_selecting_shows_form_and_timeline(qtbot, ui_ctx, admin, register, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Selecting a request fills the form and the timeline with its deadline."""
    page = build_page(qtbot, ui_ctx, admin)
    tab = page.requests
    assert tab.table.select_where(lambda r: r.reg_no == "R-DONE")
    assert tab.form.reg_no.text() == "R-DONE"
    assert tab.form.outcome.currentText() == "予以公开"
    assert "签收" in tab.form.receipt_rule.text()
    html = tab.timeline.toPlainText()
    assert "收到申请（邮寄）" in html and "答复期限" in html and "办理结果：予以公开" in html
    tab.detail_tabs.setCurrentIndex(1)
    assert page.grab().save(str(tmp_path / "detail.png"))


def test_new_request_is_saved_through_the_form(qtbot, ui_ctx, admin, register, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """Filling the form and saving registers the request, which then shows its deadline."""
    page = build_page(qtbot, ui_ctx, admin)
    tab = page.requests
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    tab.form.reg_no.setText("R-NEW")
    tab.form.applicant.setText("赵六")
    tab.form.receipt.set_value(date(2021, 9, 24))
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert not tab.error.isVisible()
    rows = {r.reg_no: r for r in RequestService(app_ctx.db, admin).list_requests()}
    assert rows["R-NEW"].deadline == date(2021, 10, 27)
    assert tab.current is not None and tab.current.reg_no == "R-NEW"
    assert "2021-10-27" in tab.title.text()


def test_invalid_form_shows_reasons_and_saves_nothing(
    qtbot, ui_ctx, admin, register, app_ctx
) -> None:  # type: ignore[no-untyped-def]
    """An extension over what was approved (no approver) is refused inline, nothing stored."""
    page = build_page(qtbot, ui_ctx, admin)
    tab = page.requests
    tab.new_request()
    tab.form.reg_no.setText("R-BAD")
    tab.form.extension.setValue(10)
    tab.save()
    assert tab.error.isVisible() and "审批人" in tab.error.text()
    assert "R-BAD" not in {r.reg_no for r in RequestService(app_ctx.db, admin).list_requests()}


def dialog_rows(dialog) -> dict[str, tuple[str, str, bool]]:  # type: ignore[no-untyped-def]
    """A conflict dialog's table: field label → (mine, theirs, marked as different)."""
    from ui.conflict import DIFFERENT

    rows = {}
    for r in range(dialog.table.rowCount()):
        label, mine, theirs = (dialog.table.item(r, c) for c in range(3))
        marked = mine.background().color() == DIFFERENT.color() and mine.font().bold()
        rows[label.text()] = (mine.text(), theirs.text(), marked)
    return rows


@pytest.mark.parametrize(
    ("button", "stored"),
    [
        ("keep_mine", ("乙的修改", "乙补充")),
        ("take_theirs", ("甲的修改", "")),
        ("back", ("甲的修改", "")),
    ],
)
def test_request_edited_in_two_sessions_shows_both_versions_and_keeps_the_chosen_one(
    qtbot, ui_ctx, admin, liaison, register, app_ctx, conflict_answers, button, stored
) -> None:  # type: ignore[no-untyped-def]
    """Two sessions edit one request: the second save shows both versions with the differing
    fields marked; 保留我的修改 stores mine, 采用对方版本 reloads theirs, 返回编辑 keeps the edit."""
    pages = [build_page(qtbot, ui_ctx, actor) for actor in (admin, liaison)]
    first, second = (page.requests for page in pages)
    for tab in (first, second):
        assert tab.table.select_where(lambda r: r.reg_no == "R-OPEN")
    request_id = second.current.id
    first.form.applicant.setText("甲的修改")
    first.save()
    assert not first.error.isVisible() and not conflict_answers.shown
    theirs_version = first.current.version

    second.form.applicant.setText("乙的修改")
    second.form.notes.setText("乙补充")
    conflict_answers.button = button
    second.save()

    [dialog] = conflict_answers.shown
    rows = dialog_rows(dialog)
    assert rows["申请人"] == ("乙的修改", "甲的修改", True)
    assert rows["备注"] == ("乙补充", "", True)
    assert rows["登记编号"] == ("R-OPEN", "R-OPEN", False)
    assert rows["承办处室"] == ("开发指导处", "开发指导处", False)
    assert rows["申请方式"] == ("邮寄", "邮寄", False)
    assert dialog.differing == ["applicant", "notes"]
    row = RequestService(app_ctx.db, admin).get_request(request_id).row
    assert (row.data.applicant, row.data.notes) == stored
    if button == "keep_mine":
        assert row.version == theirs_version + 1 and second.current.version == row.version
        assert second.form.applicant.text() == "乙的修改" and not second.error.isVisible()
    elif button == "take_theirs":
        assert row.version == theirs_version and second.current.version == theirs_version
        assert second.form.applicant.text() == "甲的修改"
        assert second.form.notes.text() == ""
    else:
        assert row.version == theirs_version
        assert second.form.applicant.text() == "乙的修改"


def test_conflict_without_the_stored_values_is_shown_and_reloaded(
    qtbot, ui_ctx, admin, liaison, register, app_ctx, conflict_answers, message_boxes, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A conflict reported without a snapshot (the service always sends one): the message is
    shown, the stored request is reloaded, and nothing is saved over it."""
    from gongkai_desktop.errors import ConflictError

    pages = [build_page(qtbot, ui_ctx, actor) for actor in (admin, liaison)]
    first, second = (page.requests for page in pages)
    for tab in (first, second):
        assert tab.table.select_where(lambda r: r.reg_no == "R-OPEN")
    first.form.applicant.setText("甲的修改")
    first.save()
    update = second.service.update_request

    def without_snapshot(*args):  # type: ignore[no-untyped-def]
        try:
            return update(*args)
        except ConflictError as exc:
            raise ConflictError(exc.message) from exc

    monkeypatch.setattr(second.service, "update_request", without_snapshot)
    second.form.applicant.setText("乙的修改")
    second.save()
    assert conflict_answers.shown == []
    assert "已被其他用户修改" in message_boxes.last()[2]
    assert second.form.applicant.text() == "甲的修改"
    row = RequestService(app_ctx.db, admin).get_request(second.current.id).row
    assert row.data.applicant == "甲的修改" and row.version == first.current.version


@pytest.mark.parametrize(("button", "stored"), [("keep_mine", "乙"), ("take_theirs", "甲")])
def test_case_edited_in_two_sessions_shows_both_versions(
    qtbot, ui_ctx, admin, liaison, register, conflict_answers, button, stored
) -> None:  # type: ignore[no-untyped-def]
    """The case form too: a save over a case changed meanwhile asks, and the choice is stored."""
    request_id = register.find_request_id("R-DONE")
    register.create_case(
        CaseInput("复〔2026〕2号", CaseType.REVIEW, date(2026, 3, 2), request_id=request_id)
    )
    pages = [build_page(qtbot, ui_ctx, actor) for actor in (admin, liaison)]
    for page in pages:
        page.tabs.setCurrentIndex(1)
        assert page.cases.table.select_where(lambda c: c.case_no == "复〔2026〕2号")
    first, second = (page.cases for page in pages)
    first.notes.setText("甲")
    first.save()
    second.notes.setText("乙")
    conflict_answers.button = button
    second.save()
    rows = dialog_rows(conflict_answers.last())
    assert rows["备注"] == ("乙", "甲", True)
    assert rows["关联申请"] == ("R-DONE", "R-DONE", False)
    assert rows["收到日期"] == ("2026-03-02", "2026-03-02", False)
    [case] = register.list_cases()
    assert case.data.notes == stored and second.notes.text() == stored
    assert second.current is not None and second.current.version == case.version


def test_liaison_sees_own_division_and_filters(qtbot, ui_ctx, register, liaison) -> None:  # type: ignore[no-untyped-def]
    """A liaison's register holds only their division; the state filter narrows it to 逾期."""
    page = build_page(qtbot, ui_ctx, liaison)
    assert set(shown_numbers(page)) == {"R-LATE", "R-OPEN", "R-DONE"}
    tab = page.requests
    tab.state.setCurrentIndex(tab.state.findText(RequestState.OVERDUE.label))
    assert shown_numbers(page) == ["R-LATE"]
    assert tab.form.reg_no.isReadOnly() is False


def test_leader_cannot_edit(qtbot, ui_ctx, register, make_user) -> None:  # type: ignore[no-untyped-def]
    """A leader sees every request but no new/save/delete buttons and a read-only form."""
    from gongkai_desktop.domain.labels import Role

    leader = make_user("boss", "综合处", Role.LEADER)
    page = build_page(qtbot, ui_ctx, leader)
    tab = page.requests
    assert len(shown_numbers(page)) == 4
    assert not tab.save_button.isVisible() and not tab.new_button.isVisible()
    assert tab.form.reg_no.isReadOnly()


def test_cases_tab_links_a_case_to_a_request(qtbot, ui_ctx, admin, register) -> None:  # type: ignore[no-untyped-def]
    """A case entered on the cases tab is linked to its request by 登记编号."""
    page = build_page(qtbot, ui_ctx, admin)
    page.tabs.setCurrentIndex(1)
    cases = page.cases
    cases.case_no.setText("复〔2026〕1号")
    cases.request_no.setText("R-DONE")
    cases.save()
    assert not cases.error.isVisible()
    [case] = register.list_cases()
    assert case.request_reg_no == "R-DONE" and case.division_name == "开发指导处"
    cases.request_no.setText("NOPE")
    cases.new_case()
    cases.case_no.setText("诉1")
    cases.request_no.setText("NOPE")
    cases.save()
    assert "没有登记编号为「NOPE」的申请" in cases.error.text()


def test_lapsed_correction_offers_the_no_correction_outcome(  # type: ignore[no-untyped-def]
    qtbot, ui_ctx, admin, app_ctx
) -> None:
    """A request past its 补正期限 shows 逾期未补正 and a button that fills in the 逾期不补正
    outcome; 保存 then closes it. A request still inside its period shows no such button."""
    from gongkai_desktop.domain.requests import OUTCOME_NO_CORRECTION

    kf = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    service = RequestService(app_ctx.db, admin)
    today = date.today()
    lapsed = service.create_request(
        RequestInput(
            "R-LAPSED",
            today - timedelta(days=40),
            Channel.POST,
            ApplicantType.NATURAL_PERSON,
            kf,
            correction_notice_date=today - timedelta(days=38),
            correction_due_date=today - timedelta(days=20),
        )
    )
    waiting = service.create_request(
        RequestInput(
            "R-WAIT",
            today - timedelta(days=3),
            Channel.POST,
            ApplicantType.NATURAL_PERSON,
            kf,
            correction_notice_date=today - timedelta(days=1),
            correction_due_date=today + timedelta(days=14),
        )
    )
    page = build_page(qtbot, ui_ctx, admin)
    tab = page.requests
    tab.show_request(waiting.id)
    assert "待补正" in tab.title.text() and not tab.no_correction_button.isVisible()
    tab.show_request(lapsed.id)
    assert "逾期未补正" in tab.title.text() and tab.no_correction_button.isVisible()
    tab.no_correction_button.click()
    assert tab.form.outcome.currentData() == OUTCOME_NO_CORRECTION
    tab.save()
    row = service.get_request(lapsed.id).row
    assert row.data.outcome == OUTCOME_NO_CORRECTION and row.data.answer_date == today
    assert row.state is RequestState.CLOSED_ON_TIME


def test_new_request_is_offered_what_is_already_published(  # type: ignore[no-untyped-def]
    qtbot, ui_ctx, admin, app_ctx
) -> None:
    """Typing the content lists the published item it names first; 据此起草告知 fills in 予以公开,
    today's answer date and a 告知 with the channel and link; 保存 stores them."""
    from gongkai_desktop.domain.disclosure import ItemFields
    from gongkai_desktop.services.ledger import LedgerService

    kf = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    link = "http://xczx.example.gov.cn/art/2025/3/10/art_7.html"
    for title in ("会昌县2025年巩固拓展脱贫攻坚成果项目库公示", "2025年度消费帮扶工作实施方案"):
        LedgerService(app_ctx.db, admin).create_item(
            kf,
            ItemFields(title, "决策公开", "proactive", None, date(2025, 3, 3), date(2025, 3, 10),
                       ("门户网站",), link),
        )
    page = build_page(qtbot, ui_ctx, admin)
    tab = page.requests
    tab.new_request()
    tab.form.reg_no.setText("R-PUB")
    tab.form.content.setPlainText("申请获取2025年度消费帮扶工作实施方案")
    qtbot.waitUntil(lambda: tab.matches.list.count() > 0, timeout=3000)
    assert tab.matches.list.item(0).text().startswith("2025年度消费帮扶工作实施方案")
    assert link in tab.matches.list.item(0).text()
    tab.matches.draft_button.click()
    assert tab.form.outcome.currentData() == "予以公开"
    assert link in tab.form.answer_text.toPlainText() and "门户网站" in tab.form.answer_text.toPlainText()
    tab.save()
    stored = next(r for r in RequestService(app_ctx.db, admin).list_requests() if r.reg_no == "R-PUB")
    assert stored.data.outcome == "予以公开" and link in stored.data.answer_text
    assert stored.data.answer_date == date.today()
