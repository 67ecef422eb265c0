"""The 新闻发布与回应 page: a tab per kind listing its records, records created and edited through
the generic form, a broken rule shown red and summarised above the tabs, read-only users, the
conflict dialog, the 分管领导 list, and the page at 1366×768."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLineEdit, QMessageBox, QPlainTextEdit

from gongkai_desktop.domain.engagement import KINDS
from gongkai_desktop.domain.engagement_choices import EngagementKind, SpeakerRole
from gongkai_desktop.domain.engagement_fields import Speaker
from gongkai_desktop.domain.labels import Role
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.engagement import EngagementService
from gongkai_desktop.services.engagement_records import EngagementQuery
from ui.list_keys import list_keys_of

K = EngagementKind
SCREEN = (1366, 768)
YEAR = date.today().year
SEEN = datetime(YEAR, 1, 2, 9, 0)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GONGKAI_SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def styled(qapp):  # type: ignore[no-untyped-def]
    """The program's font and style sheet (for screenshots), restored afterwards."""
    from ui import startup

    before, sheet = QFont(qapp.font()), qapp.styleSheet()
    startup.apply_font(qapp)
    startup.apply_style(qapp)
    yield
    qapp.setFont(before)
    qapp.setStyleSheet(sheet)


@pytest.fixture
def division(app_ctx, admin):  # type: ignore[no-untyped-def]
    service = AdminService(app_ctx.db, admin)
    return lambda name: service.division_by_name(name).id


@pytest.fixture
def records(app_ctx, admin, division):  # type: ignore[no-untyped-def]
    """One record of each kind this year in 开发指导处, and a 舆情 answered after 60 hours."""
    service = EngagementService(app_ctx.db, admin)
    kf = division("开发指导处")
    made = {
        K.PRESS_CONFERENCE: service.create(
            K.PRESS_CONFERENCE,
            {
                "held_on": date(YEAR, 1, 2),
                "topic": "年度工作新闻发布会",
                "speakers": [Speaker(SpeakerRole.SPOKESPERSON, "王建华")],
            },
            kf,
        ),
        K.PUBLIC_OPINION: service.create(
            K.PUBLIC_OPINION,
            {
                "subject": "网传某县脱贫户被取消帮扶资格",
                "source": "微博",
                "first_seen_at": SEEN,
                "level": "ordinary",
                "responded_at": SEEN + timedelta(hours=60),
                "response_channel": "门户网站",
            },
            kf,
        ),
        K.INTERACTION: service.create(
            K.INTERACTION,
            {"form": "message", "subject": "咨询小额信贷申请条件", "received_on": date(YEAR, 1, 2)},
            kf,
        ),
        K.PROPOSAL: service.create(
            K.PROPOSAL,
            {
                "proposal_type": "npc",
                "number": "第12号",
                "title": "关于加强产业帮扶的建议",
                "received_on": date(YEAR, 1, 2),
            },
            kf,
        ),
        K.MEETING: service.create(
            K.MEETING,
            {
                "meeting_kind": "deployment",
                "held_on": date(YEAR, 1, 2),
                "subject": "专题研究部署政务公开工作",
            },
            kf,
        ),
        K.RECTIFICATION: service.create(
            K.RECTIFICATION,
            {
                "source": "inspection",
                "problem": "政策解读栏目更新不及时",
                "found_on": date(YEAR, 1, 2),
            },
            kf,
        ),
    }
    service.create(
        K.PUBLIC_OPINION,
        {
            "subject": "网民反映项目进展缓慢",
            "source": "12345热线",
            "first_seen_at": SEEN,
            "level": "ordinary",
            "responded_at": SEEN + timedelta(hours=5),
            "response_channel": "门户网站",
        },
        kf,
    )
    return made


def page_for(qtbot, ui_ctx, actor):  # type: ignore[no-untyped-def]
    from ui.pages.engagement import EngagementPage

    page = EngagementPage(ui_ctx(actor))
    qtbot.addWidget(page)
    page.resize(*SCREEN)
    page.show()
    qtbot.waitExposed(page)
    return page


def open_tab(page, kind):  # type: ignore[no-untyped-def]
    tab = page.tab_of(kind)
    page.tabs.setCurrentWidget(tab)
    return tab


def command(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """新增/保存 as the main window's 编辑 menu (Ctrl+N, Ctrl+S) hands it to the page."""
    keys = list_keys_of(page)
    assert keys is not None and keys.trigger(name), name


def test_each_tab_lists_its_kind(qtbot, ui_ctx, admin, records, styled, shots):
    """The six tabs carry the kinds' labels; each lists its record with the kind's own columns
    and shows the selected one in its form."""
    page = page_for(qtbot, ui_ctx, admin)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        s.label for s in KINDS.values()
    ]
    for i, (kind, record) in enumerate(records.items()):
        page.tabs.setCurrentIndex(i)
        tab = page.kind_tabs[i]
        expected = 2 if kind is K.PUBLIC_OPINION else 1
        assert tab.model.rowCount() == expected, kind
        assert record.id in [r.id for r in tab.model.rows]
        headers = [c.title for c in tab.model.columns]
        assert headers[0] == KINDS[kind].fields[0].label and "状态与问题" in headers
        assert tab.current is not None and tab.current.kind is kind
        assert tab.title.text().startswith(f"{KINDS[kind].label}：")
        qtbot.wait(20)  # let the shown tab lay itself out before the picture
        page.grab().save(str(shots / f"engagement-{kind.value}.png"))


def test_a_liaison_creates_and_edits_a_conference_through_the_form(qtbot, ui_ctx, liaison, app_ctx):
    """新增 → fill the form (a 分管领导 added with Enter) → 保存 stores it in the liaison's
    division; changing the topic and pressing Ctrl+S saves version 2."""
    page = page_for(qtbot, ui_ctx, liaison)
    tab = open_tab(page, K.PRESS_CONFERENCE)
    command(page, "new")
    assert tab.current is None and tab.title.text() == "新新闻发布会"
    form = tab.form
    held_on = form.widgets["held_on"]
    # A required date is on and ready to type into, as a user meets it after 新增.
    assert held_on.edit.isEnabled() and held_on.value() == date.today()
    held_on.edit.setDate(QDate(YEAR, 1, 3))
    form.widgets["topic"].setText("防止返贫监测帮扶新闻发布会")
    speakers = form.widgets["speakers"]
    speakers.role.setCurrentIndex(speakers.role.findData(SpeakerRole.DEPUTY.value))
    speakers.name.setText("徐长青")
    qtbot.keyClick(speakers.name, Qt.Key.Key_Return)
    assert speakers.list.count() == 1 and speakers.name.text() == ""
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert not tab.error.isVisible()
    assert tab.current is not None and tab.current.version == 1
    assert tab.current.division_name == "开发指导处"
    assert tab.current["speakers"] == (Speaker(SpeakerRole.DEPUTY, "徐长青"),)
    assert tab.model.rowCount() == 1

    form.widgets["topic"].setText("防止返贫监测帮扶工作新闻发布会")
    command(page, "save")
    stored = EngagementService(app_ctx.db, liaison).list_records(
        EngagementQuery(K.PRESS_CONFERENCE)
    )
    assert [(r["topic"], r.version) for r in stored] == [("防止返贫监测帮扶工作新闻发布会", 2)]
    assert tab.model.rows[0]["topic"] == "防止返贫监测帮扶工作新闻发布会"


def test_a_form_error_is_shown_under_the_form(qtbot, ui_ctx, liaison):
    """A 舆情 without its subject is not saved; the form says which field, in Chinese."""
    page = page_for(qtbot, ui_ctx, liaison)
    tab = open_tab(page, K.PUBLIC_OPINION)
    tab.new_record()
    tab.form.widgets["source"].setText("微博")
    tab.save()
    assert tab.error.isVisible()
    assert "「舆情事项」：必须填写" in tab.error.text()
    assert tab.model.rowCount() == 0


def test_a_late_response_is_red_and_the_broken_rules_are_summarised(qtbot, ui_ctx, admin, records):
    """The 舆情 answered after 60 hours has a red state cell saying why; the summary above the
    tabs counts it as missed; 只看不符合规则的 keeps only it."""
    page = page_for(qtbot, ui_ctx, admin)
    tab = open_tab(page, K.PUBLIC_OPINION)
    state = [c.title for c in tab.model.columns].index("状态与问题")
    rows = {r["subject"]: i for i, r in enumerate(tab.model.rows)}
    late = tab.model.index(rows["网传某县脱贫户被取消帮扶资格"], state)
    assert late.data() == "超时回应：回应用时 60 小时，超过 48 小时"
    assert late.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#c0392b"
    fine = tab.model.index(rows["网民反映项目进展缓慢"], state)
    assert fine.data() == "已回应" and fine.data(Qt.ItemDataRole.BackgroundRole) is None
    assert "不符合规则 1 条" in tab.summary.text()
    summary = page.rules.text.text()
    assert f"{YEAR}年规则检查" in summary and "未达标" in summary
    assert "政务舆情回应超时 1 项" in summary
    page.problems_only.setChecked(True)
    assert [r["subject"] for r in tab.model.rows] == ["网传某县脱贫户被取消帮扶资格"]
    page.problems_only.setChecked(False)
    page.search.setText("热线")
    page.search.returnPressed.emit()
    assert [r["subject"] for r in tab.model.rows] == ["网民反映项目进展缓慢"]


def test_a_leader_reads_but_cannot_change(qtbot, ui_ctx, make_user, records):
    """A leader sees every tab's records with no 新增 / 保存 / 删除 and a read-only form."""
    leader = make_user("ld", "综合处", Role.LEADER)
    page = page_for(qtbot, ui_ctx, leader)
    assert not page.rules.roster_button.isVisible()
    for kind in K:
        tab = open_tab(page, kind)
        assert tab.model.rowCount() >= 1
        assert not tab.new_button.isVisible() and not tab.save_button.isVisible()
        assert not tab.delete_button.isVisible()
        assert tab.read_only.text() == "领导账号只能查看。"
        for edit in tab.form.findChildren(QLineEdit):
            if edit.parent() is tab.form:
                assert edit.isReadOnly()
        for text in tab.form.findChildren(QPlainTextEdit):
            assert text.isReadOnly()
        assert not tab.form.division.isEnabled()
    tab = open_tab(page, K.PRESS_CONFERENCE)
    tab.save()  # the shortcut's way in does nothing either
    assert tab.current.version == 1


def test_another_divisions_record_is_read_only_for_a_liaison(qtbot, ui_ctx, make_user, records):
    """A liaison of 社会帮扶处 reads 开发指导处's record but may neither save nor delete it."""
    other = make_user("lly_sb", "社会帮扶处")
    page = page_for(qtbot, ui_ctx, other)
    tab = open_tab(page, K.PROPOSAL)
    assert tab.current is not None and not tab.current.editable
    assert not tab.save_button.isEnabled() and not tab.delete_button.isEnabled()
    assert tab.read_only.text() == "开发指导处的记录，只能查看。"
    assert not tab.form.widgets["proposal_type"].isEnabled()
    assert tab.new_button.isVisible()  # their own division's records they may add


def test_a_version_clash_opens_the_conflict_dialog(
    qtbot, ui_ctx, liaison, app_ctx, records, conflict_answers
):
    """Saving over a record changed meanwhile shows both versions; 保留我的修改 saves the user's
    text over the stored version."""
    page = page_for(qtbot, ui_ctx, liaison)
    tab = open_tab(page, K.MEETING)
    record = records[K.MEETING]
    EngagementService(app_ctx.db, liaison).update(
        K.MEETING, record.id, record.version, {**record.values, "subject": "对方改过的主题"}
    )
    tab.form.widgets["subject"].setText("我改的主题")
    tab.save()
    dialog = conflict_answers.last()
    assert dialog.differing == ["subject"]
    assert dialog.table.item(3, 1).text() == "我改的主题"  # the rows follow the form
    assert dialog.table.item(3, 2).text() == "对方改过的主题"
    stored = EngagementService(app_ctx.db, liaison).get(K.MEETING, record.id)
    assert stored["subject"] == "我改的主题" and stored.version == 3
    assert tab.current.version == 3


def test_the_admin_keeps_the_deputy_list(qtbot, ui_ctx, admin, app_ctx, records, drive_modal):
    """分管领导名单… takes one name a line; the summary then checks each of them."""
    from ui.pages.engagement_rules import RosterDialog

    page = page_for(qtbot, ui_ctx, admin)
    assert page.rules.roster_button.isVisible()
    assert "未设置分管领导名单" in page.rules.text.text()

    def fill(dialog: RosterDialog) -> None:
        dialog.names.setPlainText("张某某\n李某某\n")
        dialog.buttons.accepted.emit()

    drive_modal(RosterDialog, fill)
    page.rules.roster_button.click()
    assert EngagementService(app_ctx.db, admin).deputy_roster() == ("张某某", "李某某")
    summary = page.rules.text.text()
    assert "未设置分管领导名单" not in summary
    assert "分管领导张某某" in page.rules.toolTip()


def test_the_page_fits_1366x768_with_demo_data(qtbot, app_ctx, admin, ui_ctx, styled, shots):
    """With the demo's data the main window shows the page at 1366×768 within the screen, and
    each tab lists records."""
    from gongkai_desktop.demo import demo_job
    from gongkai_desktop.progress import run_job
    from ui.main_window import MainWindow
    from ui.pages.engagement import EngagementPage

    run_job(demo_job(app_ctx, admin, scale=10))
    window = MainWindow(ui_ctx(admin))
    qtbot.addWidget(window)
    window.resize(*SCREEN)
    window.show()
    window.show_page("engagement")
    page = window.page("engagement")
    assert isinstance(page, EngagementPage)
    hint = window.minimumSizeHint()
    assert hint.width() <= SCREEN[0] and hint.height() <= SCREEN[1]
    page.year.setCurrentIndex(page.year.findData(None))  # early in a year, this year is empty
    for i, tab in enumerate(page.kind_tabs):
        page.tabs.setCurrentIndex(i)
        assert tab.model.rowCount() > 0, tab.spec.label
        qtbot.wait(20)
        window.grab().save(str(shots / f"engagement-demo-{tab.spec.kind.value}.png"))


def _edit_other_opinion(page):  # type: ignore[no-untyped-def]
    """Open the 舆情 tab, note the shown record and change its subject without saving."""
    tab = open_tab(page, K.PUBLIC_OPINION)
    editing = tab.current
    tab.form.widgets["subject"].setText("改过但没有保存的事项")
    assert tab.dirty
    return tab, editing


def test_cancel_keeps_unsaved_edits_when_another_row_is_chosen(
    qtbot, ui_ctx, admin, records, message_boxes
):
    """Choosing another row with unsaved edits asks; 取消 keeps the edits and the row selected."""
    page = page_for(qtbot, ui_ctx, admin)
    tab, editing = _edit_other_opinion(page)
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    tab.table.select_where(lambda r: r.id != editing.id)
    assert message_boxes.last()[0] == "question" and "尚未保存" in message_boxes.last()[2]
    assert tab.current.id == editing.id and tab.table.selected().id == editing.id
    assert tab.form.widgets["subject"].text() == "改过但没有保存的事项" and tab.dirty


def test_discard_and_save_answers_when_another_row_is_chosen(
    qtbot, ui_ctx, admin, app_ctx, records, message_boxes
):
    """放弃 shows the other row and stores nothing; 保存 stores the edits first."""
    page = page_for(qtbot, ui_ctx, admin)
    tab, editing = _edit_other_opinion(page)
    message_boxes.answer = QMessageBox.StandardButton.Discard
    tab.table.select_where(lambda r: r.id != editing.id)
    assert tab.current.id != editing.id and not tab.dirty
    service = EngagementService(app_ctx.db, admin)
    assert service.get(K.PUBLIC_OPINION, editing.id).version == editing.version

    tab.table.select_where(lambda r: r.id == editing.id)
    tab.form.widgets["subject"].setText("改过并保存的事项")
    message_boxes.answer = QMessageBox.StandardButton.Save
    tab.table.select_where(lambda r: r.id != editing.id)
    assert tab.current.id != editing.id and not tab.dirty
    assert tab.table.selected().id == tab.current.id
    assert service.get(K.PUBLIC_OPINION, editing.id)["subject"] == "改过并保存的事项"


def test_new_filters_tabs_and_closing_ask_before_dropping_edits(
    qtbot, ui_ctx, admin, records, message_boxes
):
    """Ctrl+N, 只看不符合规则的, the year, another tab, coming back to the page and closing all ask;
    取消 leaves everything as it was."""
    page = page_for(qtbot, ui_ctx, admin)
    tab, editing = _edit_other_opinion(page)
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    command(page, "new")
    page.problems_only.setChecked(True)
    all_years = page.year.findData(None)
    page.year.setCurrentIndex(all_years)
    page.tabs.setCurrentWidget(page.tab_of(K.MEETING))
    page.page_shown()
    assert not page.close_windows()
    assert len(message_boxes.texts("question")) == 6
    assert not page.problems_only.isChecked() and page.year.currentIndex() != all_years
    assert page.current_tab() is tab and tab.current.id == editing.id
    assert tab.form.widgets["subject"].text() == "改过但没有保存的事项" and tab.dirty

    message_boxes.answer = QMessageBox.StandardButton.Discard
    page.problems_only.setChecked(True)
    assert not tab.dirty and [r["subject"] for r in tab.model.rows] == [
        "网传某县脱贫户被取消帮扶资格"
    ]
    assert page.close_windows()


def test_closing_the_main_window_asks_about_unsaved_edits(
    qtbot, main_window, admin, records, message_boxes
):
    """The main window stays open when the user cancels leaving an edited record."""
    window = main_window(admin)
    window.show_page("engagement")
    page = window.page("engagement")
    tab, _editing = _edit_other_opinion(page)
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    window.close()
    assert window.isVisible() and tab.dirty
    message_boxes.answer = QMessageBox.StandardButton.Discard
    window.close()
    assert not window.isVisible()
