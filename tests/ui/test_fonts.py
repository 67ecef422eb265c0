"""Without a Chinese font the program says so once, in the log and a dialog."""

from __future__ import annotations

import logging

import pytest

from ui import fonts


@pytest.fixture
def fresh(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fonts, "_warned", False)


def test_no_chinese_font_is_said_once_in_log_and_dialog(qapp, fresh, monkeypatch, message_boxes, caplog):  # type: ignore[no-untyped-def]
    """Two checks on a PC without a Chinese font: one warning line, one dialog naming the
    Debian package."""
    monkeypatch.setattr(fonts.QFontDatabase, "families", lambda *a: [])
    with caplog.at_level(logging.WARNING, logger="ui.fonts"):
        assert fonts.warn_if_no_chinese_font() is False
        assert fonts.warn_if_no_chinese_font() is False
    assert [r.levelname for r in caplog.records if r.name == "ui.fonts"] == ["WARNING"]
    assert len(message_boxes.calls) == 1
    kind, title, text = message_boxes.calls[0]
    assert kind == "warning" and title == "缺少中文字体" and "fonts-noto-cjk" in text


def test_installed_chinese_font_is_silent(qapp, fresh, message_boxes) -> None:  # type: ignore[no-untyped-def]
    """With a Chinese font (as CI installs) nothing is shown (skipped on a PC without one)."""
    from support import require_cjk_font

    require_cjk_font()
    assert fonts.chinese_font_families()
    assert fonts.warn_if_no_chinese_font() is True
    assert message_boxes.calls == []
