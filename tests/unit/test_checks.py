"""The shared checks of links, 文号 and dates that cannot lie ahead."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai_desktop.domain.checks import (
    doc_number_problem,
    doc_number_warnings,
    future_problem,
    link_problem,
)


@pytest.mark.parametrize(
    "link", ["", "https://www.jiangxi.gov.cn/art/2021/3/5/art_1.html", "http://10.1.2.3/gk", "HTTP://x/1"]
)
def test_web_addresses_are_links(link: str) -> None:
    """http and https addresses with a host (or nothing at all) pass."""
    assert link_problem(link) == ""


@pytest.mark.parametrize(
    "link", ["www.jiangxi.gov.cn", "见门户网站", "ftp://files/a", "https://", "file:///c:/a.docx", "http://a b/"]
)
def test_other_texts_are_not_links(link: str) -> None:
    """Text without http(s):// and a host is refused, saying how a link starts."""
    assert "应以 http:// 或 https:// 开头" in link_problem(link)


@pytest.mark.parametrize(
    "number", ["赣乡振规〔2021〕3号", "国办发〔2026〕12号", "江西省人民政府令第250号", "令第1号", ""]
)
def test_regular_numbers_pass_without_warning(number: str) -> None:
    """发文字号 and 令号 of the usual shape are neither refused nor flagged."""
    assert doc_number_problem(number) == "" and doc_number_warnings(number, date(2026, 12, 2)) == []


@pytest.mark.parametrize("number", ["？？？", "2021年3号", "赣乡振规", "赣乡振规〔21〕3号", "3"])
def test_texts_of_no_number_shape_are_refused(number: str) -> None:
    """A text without 〔年份〕序号号 (or 令第N号) is no 文号."""
    assert "不符合「机关代字〔年份〕序号号」的格式" in doc_number_problem(number)


@pytest.mark.parametrize(
    ("number", "warning"),
    [
        ("赣乡振规[2021]3号", "六角括号"),
        ("赣乡振规（2021）3号", "六角括号"),
        ("赣乡振规〔2021〕第3号", "不加「第」"),
        ("赣乡振规〔2021〕003号", "不编虚位"),
        ("〔2021〕3号", "缺少机关代字"),
        ("赣乡振规〔2092〕3号", "年份 2092 不寻常"),
        ("赣乡振规 〔2021〕 3号", "多余的空格"),
    ],
)
def test_unusual_numbers_are_accepted_with_a_warning(number: str, warning: str) -> None:
    """A 文号 written in an unusual way is kept, with a warning saying what is unusual."""
    assert doc_number_problem(number) == ""
    assert any(warning in w for w in doc_number_warnings(number, date(2026, 12, 2)))


def test_a_date_after_today_is_a_problem() -> None:
    """Today passes; tomorrow is named with today's date."""
    assert future_problem("形成日期", date(2026, 12, 2), date(2026, 12, 2)) == ""
    assert future_problem("形成日期", date(2026, 12, 3), date(2026, 12, 2)) == (
        "形成日期（2026-12-03）晚于今天（2026-12-02），不能是将来的日期"
    )
