"""Tests of 系统管理 (ui.pages.admin): divisions, users and settings through their dialogs, and the
service's refusal shown to a non-admin."""

from __future__ import annotations

import pytest
from support import ADMIN_PASSWORD

from gongkai_desktop.domain.labels import DivisionKind, Role
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.auth import AuthService
from ui.pages.admin import AdminPage
from ui.pages.admin.divisions import DivisionDialog, DivisionsTab
from ui.pages.admin.settings import SettingsTab
from ui.pages.admin.users import ResetPasswordDialog, UserDialog, UsersTab


@pytest.fixture
def admin_page(qtbot, ui_ctx):  # type: ignore[no-untyped-def]
    """Factory: the 系统管理 page of an actor, shown."""

    def make(actor):  # type: ignore[no-untyped-def]
        page = AdminPage(ui_ctx(actor))
        qtbot.addWidget(page)
        page.resize(1100, 700)
        page.show()
        return page

    return make


def division_names(tab: DivisionsTab) -> list[str]:
    return [d.name for d in tab.model.rows]


def test_add_division_through_dialog(admin_page, admin, app_ctx, drive_modal) -> None:  # type: ignore[no-untyped-def]
    """新增处室 opens the dialog; 确定 stores the division (audited) and selects it in the table."""
    page = admin_page(admin)
    page.show_tab("divisions")
    tab = page.tab("divisions")
    assert isinstance(tab, DivisionsTab)
    assert "综合处" in division_names(tab)

    def fill(dialog: DivisionDialog) -> None:
        dialog.name.setText("项目管理处")
        dialog.code.setText("XM")
        dialog.kind.setCurrentIndex(dialog.kind.findText("业务处"))
        dialog.buttons.accepted.emit()

    drive_modal(DivisionDialog, fill)
    tab.add_button.click()

    assert "项目管理处" in division_names(tab)
    assert tab.table.selected().name == "项目管理处"
    stored = AdminService(app_ctx.db, admin).division_by_name("项目管理处")
    assert (stored.code, stored.kind) == ("XM", DivisionKind.BUSINESS)
    rows = AdminService(app_ctx.db, admin).audit_log(action="division.add", limit=1)
    assert rows[0].entity_id == str(stored.id)


def test_division_dialog_shows_validation_in_place(admin_page, admin, drive_modal) -> None:  # type: ignore[no-untyped-def]
    """A duplicate name keeps the dialog open with the core's Chinese message."""
    page = admin_page(admin)
    page.show_tab("divisions")
    tab = page.tab("divisions")
    seen: list[str] = []

    def fill(dialog: DivisionDialog) -> None:
        dialog.name.setText("政法处")
        dialog.buttons.accepted.emit()
        assert dialog.isVisible()
        seen.append(dialog.error.text())

    drive_modal(DivisionDialog, fill)
    tab.add_button.click()
    assert seen == ["处室「政法处」已存在。"]


def test_deactivate_division(admin_page, admin, app_ctx, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """停用 asks first, then the division is inactive and shown as 已停用."""
    page = admin_page(admin)
    page.show_tab("divisions")
    tab = page.tab("divisions")
    assert tab.table.select_where(lambda d: d.name == "社会帮扶处")
    tab.toggle_button.click()
    assert message_boxes.last()[0] == "question"
    info = next(d for d in tab.model.rows if d.name == "社会帮扶处")
    assert not info.active
    assert tab.toggle_button.text() == "启用"


def test_add_user_through_dialog(admin_page, admin, app_ctx, drive_modal) -> None:  # type: ignore[no-untyped-def]
    """新增用户 creates a liaison of the chosen division who can log in with the given password."""
    page = admin_page(admin)
    page.show_tab("users")
    tab = page.tab("users")
    assert isinstance(tab, UsersTab)

    def fill(dialog: UserDialog) -> None:
        dialog.username.setText("lisi")
        dialog.display_name.setText("李四")
        dialog.role.setCurrentIndex(dialog.role.findText("联络员"))
        dialog.division.setCurrentIndex(dialog.division.findText("开发指导处"))
        assert dialog.passwords is not None
        dialog.passwords.first.setText("lisi-2024-kf")
        dialog.passwords.second.setText("lisi-2024-kf")
        dialog.buttons.accepted.emit()

    drive_modal(UserDialog, fill)
    tab.add_button.click()

    assert tab.table.selected().username == "lisi"
    actor = AuthService(app_ctx.db).login("lisi", "lisi-2024-kf")
    assert (actor.role, actor.division_name, actor.display_name) == (
        Role.LIAISON,
        "开发指导处",
        "李四",
    )


def test_user_dialog_refuses_mismatched_passwords(admin_page, admin, drive_modal) -> None:  # type: ignore[no-untyped-def]
    """The add-user dialog stays open and says the passwords differ; nothing is stored."""
    page = admin_page(admin)
    page.show_tab("users")
    tab = page.tab("users")
    messages: list[str] = []

    def fill(dialog: UserDialog) -> None:
        dialog.username.setText("wangwu")
        assert dialog.passwords is not None
        dialog.passwords.first.setText("wangwu-2024")
        dialog.passwords.second.setText("wangwu-2025")
        dialog.buttons.accepted.emit()
        messages.append(dialog.error.text())

    drive_modal(UserDialog, fill)
    tab.add_button.click()
    assert messages == ["两次输入的密码不一致。"]
    assert "wangwu" not in [u.username for u in tab.model.rows]


def test_edit_user_role_and_reset_password(  # type: ignore[no-untyped-def]
    admin_page, admin, liaison, app_ctx, drive_modal, message_boxes
) -> None:
    """编辑 changes the role; 重置密码 sets a new password that works."""
    page = admin_page(admin)
    page.show_tab("users")
    tab = page.tab("users")
    assert tab.table.select_where(lambda u: u.username == "lly_kf")

    def make_leader(dialog: UserDialog) -> None:
        assert not dialog.username.isEnabled() or dialog.username.isReadOnly()
        dialog.role.setCurrentIndex(dialog.role.findText("领导"))
        dialog.buttons.accepted.emit()

    drive_modal(UserDialog, make_leader)
    tab.edit_button.click()
    assert next(u for u in tab.model.rows if u.username == "lly_kf").role is Role.LEADER

    def new_password(dialog: ResetPasswordDialog) -> None:
        dialog.passwords.first.setText("fresh-pass-9")
        dialog.passwords.second.setText("fresh-pass-9")
        dialog.buttons.accepted.emit()

    assert tab.table.select_where(lambda u: u.username == "lly_kf")
    drive_modal(ResetPasswordDialog, new_password)
    tab.reset_button.click()
    assert message_boxes.texts("information") == ["已为 lly_kf 重置密码。"]
    assert AuthService(app_ctx.db).login("lly_kf", "fresh-pass-9").role is Role.LEADER


def test_liaison_refusal_is_shown(
    qtbot, ui_ctx, liaison, admin, app_ctx, drive_modal, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    """Even if a liaison reaches the divisions dialog, the service refuses, the refusal is shown in
    Chinese and audited, and nothing is stored."""
    tab = DivisionsTab(ui_ctx(liaison))
    qtbot.addWidget(tab)
    tab.show()
    tab.reload()

    def fill(dialog: DivisionDialog) -> None:
        dialog.name.setText("新处室")
        dialog.buttons.accepted.emit()

    drive_modal(DivisionDialog, fill)
    tab.add_button.click()

    kind, title, text = message_boxes.last()
    assert (kind, title) == ("warning", "无权操作")
    assert text == "只有管理员可以进行「系统管理」操作。"
    service = AdminService(app_ctx.db, admin)
    assert "新处室" not in [d.name for d in service.list_divisions(include_inactive=True)]
    denied = service.audit_log(outcome="denied", limit=1)[0]
    assert (denied.username, denied.action) == ("lly_kf", "division.add")


def test_liaison_users_tab_shows_refusal(qtbot, ui_ctx, liaison, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """Listing users is an admin operation: a liaison gets the refusal, not the list."""
    tab = UsersTab(ui_ctx(liaison))
    qtbot.addWidget(tab)
    tab.reload()
    assert tab.model.rows == []
    assert message_boxes.last()[1] == "无权操作"


def test_settings_are_saved(admin_page, admin, app_ctx, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """设置 shows the stored values and saves only what changed."""
    page = admin_page(admin)
    page.show_tab("settings")
    tab = page.tab("settings")
    assert isinstance(tab, SettingsTab)
    assert tab.editors["unit_name"].text() == "测试局"
    assert tab.editors["quarter_report_due_workdays"].value() == 5
    tab.editors["quarter_report_due_workdays"].setValue(7)
    tab.editors["unit_name"].setText("测试局（新）")
    assert tab.changes() == {"quarter_report_due_workdays": 7, "unit_name": "测试局（新）"}
    tab.save_button.click()
    service = AdminService(app_ctx.db, admin)
    assert service.get_setting("quarter_report_due_workdays") == 7
    assert service.get_setting("unit_name") == "测试局（新）"
    assert message_boxes.texts("information") == ["已保存 2 项设置。"]
    assert tab.changes() == {}


def test_admin_page_remembers_its_tab(admin_page, admin) -> None:  # type: ignore[no-untyped-def]
    """The tab last open comes back next time."""
    page = admin_page(admin)
    page.show_tab("audit")
    again = admin_page(admin)
    assert again.tabs.currentWidget() is again.tab("audit")


def test_change_own_password(qtbot, ui_ctx, liaison, app_ctx, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """文件 › 修改密码 needs the old password and then the new one works."""
    from support import LIAISON_PASSWORD

    from ui.dialogs.password import ChangePasswordDialog

    dialog = ChangePasswordDialog(ui_ctx(liaison))
    qtbot.addWidget(dialog)
    dialog.old.setText(ADMIN_PASSWORD)
    dialog.passwords.first.setText("brand-new-7")
    dialog.passwords.second.setText("brand-new-7")
    dialog.accept()
    assert dialog.error.text() == "原密码不正确。"
    dialog.old.setText(LIAISON_PASSWORD)
    dialog.accept()
    assert message_boxes.texts("information") == ["密码已修改，下次登录请使用新密码。"]
    assert AuthService(app_ctx.db).login("lly_kf", "brand-new-7").username == "lly_kf"
