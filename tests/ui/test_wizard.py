"""Tests of the first-run wizard (ui.dialogs.wizard): it validates each page and stores only on 完成."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWizard

from gongkai_desktop.app import is_initialized
from gongkai_desktop.domain.labels import DivisionKind, Role
from gongkai_desktop.domain.permissions import SYSTEM_ACTOR
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.auth import AuthService
from ui.dialogs.wizard import DEMO_CHECKBOX_TEXT, FirstRunWizard

PASSWORD = "kaifang2024"


@pytest.fixture
def wizard(qtbot, app_ctx):  # type: ignore[no-untyped-def]
    """The wizard on a new, empty database, shown."""
    w = FirstRunWizard(app_ctx)
    qtbot.addWidget(w)
    w.show()
    return w


def fill_until_admin(wizard: FirstRunWizard) -> None:
    wizard.unit_page.name.setText("江西省测试局")
    wizard.next()
    assert wizard.currentPage() is wizard.divisions_page
    wizard.divisions_page.add_row("开发指导处", "", DivisionKind.BUSINESS)
    wizard.next()
    assert wizard.currentPage() is wizard.admin_page


def fill_admin(wizard: FirstRunWizard, second_password: str = PASSWORD) -> None:
    page = wizard.admin_page
    page.username.setText("zhangsan")
    page.display_name.setText("张三")
    page.passwords.first.setText(PASSWORD)
    page.passwords.second.setText(second_password)


def test_wizard_creates_unit_divisions_and_admin(wizard, app_ctx, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """完成 stores the unit name, the divisions (blank code numbered) and an admin who can log in."""
    fill_until_admin(wizard)
    fill_admin(wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.finish_page
    assert "江西省测试局" in wizard.finish_page.summary.text()
    assert not is_initialized(app_ctx.db), "nothing may be stored before 完成"

    wizard.accept()

    assert wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.admin_username() == "zhangsan"
    actor = AuthService(app_ctx.db).login("zhangsan", PASSWORD)
    assert actor.role is Role.ADMIN and actor.division_name == "综合处"
    assert actor.display_name == "张三"
    service = AdminService(app_ctx.db, actor)
    assert service.get_setting("unit_name") == "江西省测试局"
    divisions = {d.name: d for d in service.list_divisions()}
    assert list(divisions)[:6] == ["综合处", "政法处", "计财处", "人事处", "稽查处", "机关纪委"]
    assert divisions["开发指导处"].kind is DivisionKind.BUSINESS
    assert divisions["开发指导处"].code == "D01"
    assert message_boxes.calls == []


def test_wizard_refuses_mismatched_passwords(wizard, app_ctx) -> None:  # type: ignore[no-untyped-def]
    """Two different passwords keep the wizard on the admin page with a Chinese message."""
    fill_until_admin(wizard)
    fill_admin(wizard, second_password="kaifang2025")
    wizard.next()
    assert wizard.currentPage() is wizard.admin_page
    assert wizard.admin_page.error.isVisible()
    assert "两次输入的密码不一致" in wizard.admin_page.error.text()
    assert not is_initialized(app_ctx.db)


def test_wizard_refuses_weak_password(wizard) -> None:  # type: ignore[no-untyped-def]
    """The core's strength rule is shown before anything is stored."""
    fill_until_admin(wizard)
    page = wizard.admin_page
    page.username.setText("admin")
    page.passwords.first.setText("1234567890")
    page.passwords.second.setText("1234567890")
    wizard.next()
    assert wizard.currentPage() is page
    assert "字母和数字" in page.error.text()


def test_wizard_requires_exactly_one_openness_office(wizard) -> None:  # type: ignore[no-untyped-def]
    """Without a 综合处 (or with two) the divisions page does not let the user go on."""
    wizard.unit_page.name.setText("测试局")
    wizard.next()
    page = wizard.divisions_page
    page.set_kind(0, DivisionKind.OTHER)
    wizard.next()
    assert wizard.currentPage() is page
    assert "有且只有一个综合处" in page.error.text()
    page.set_kind(0, DivisionKind.OPENNESS_OFFICE)
    page.set_kind(1, DivisionKind.OPENNESS_OFFICE)
    wizard.next()
    assert "现在有 2 个" in page.error.text()


def test_wizard_refuses_empty_unit_name_and_duplicate_divisions(wizard) -> None:  # type: ignore[no-untyped-def]
    """An empty unit name and a repeated division name are refused in Chinese."""
    wizard.next()
    assert wizard.currentPage() is wizard.unit_page
    assert wizard.unit_page.error.text() == "请填写单位名称。"
    wizard.unit_page.name.setText("测试局")
    wizard.next()
    wizard.divisions_page.add_row("政法处", "", DivisionKind.BUSINESS)
    wizard.next()
    assert "处室名称「政法处」重复" in wizard.divisions_page.error.text()


def test_wizard_with_demo_data(wizard, app_ctx, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """The demo checkbox adds the demo accounts on top of the unit the user described."""
    fill_until_admin(wizard)
    fill_admin(wizard)
    wizard.next()
    assert wizard.finish_page.demo.text() == DEMO_CHECKBOX_TEXT
    wizard.finish_page.demo.setChecked(True)
    wizard.accept()
    assert wizard.result() == QWizard.DialogCode.Accepted
    service = AdminService(app_ctx.db, SYSTEM_ACTOR)
    assert service.get_setting("unit_name") == "江西省测试局"
    admin = AuthService(app_ctx.db).login("zhangsan", PASSWORD)
    usernames = {u.username for u in AdminService(app_ctx.db, admin).list_users()}
    assert {"zhangsan", "leader"} <= usernames
