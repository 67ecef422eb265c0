"""Counting rules and balance checks of the annual report's tables (SPEC §10.2), on plain values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gongkai_desktop.domain import annual_report as ar
from gongkai_desktop.domain import report_narrative as rn
from gongkai_desktop.domain.requests import OUTCOME_LABELS, ApplicantType, CaseResult, CaseType

P = ApplicantType.NATURAL_PERSON
B = ApplicantType.BUSINESS
L = ApplicantType.LEGAL_SERVICE


def col(t: ApplicantType) -> int:
    return list(ApplicantType).index(t)


def test_table3_rows_are_25_in_the_national_order() -> None:
    """Table 三 has 本年新收, 上年结转, the 21 outcomes, 总计, 结转下年度: 25 rows of 7 numbers."""
    table = ar.table3([], 2021)
    assert list(table) == ["本年新收", "上年结转", *OUTCOME_LABELS, "总计", "结转下年度"]
    assert all(len(v) == 7 for v in table.values())
    assert ar.APPLICANT_COLUMNS == (
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    )


def test_new_requests_are_those_received_in_the_year() -> None:
    """本年新收 counts receipts from 1 January to 31 December of Y only."""
    facts = [
        ar.RequestFacts(date(2020, 12, 31), P),
        ar.RequestFacts(date(2021, 1, 1), P),
        ar.RequestFacts(date(2021, 12, 31), B),
        ar.RequestFacts(date(2022, 1, 1), B),
    ]
    row = ar.table3(facts, 2021)["本年新收"]
    assert row[col(P)] == 1 and row[col(B)] == 1 and row[-1] == 2


def test_carried_in_are_earlier_requests_not_answered_before_the_year() -> None:
    """上年结转: received before Y and unanswered on 1 January (answered on 1 January still counts)."""
    facts = [
        ar.RequestFacts(date(2020, 12, 20), P, date(2020, 12, 31), "予以公开"),  # closed before
        ar.RequestFacts(date(2020, 12, 20), P, date(2021, 1, 1), "予以公开"),  # carried in
        ar.RequestFacts(date(2019, 6, 1), L),  # still open: carried in
        ar.RequestFacts(date(2021, 1, 5), P),  # new, not carried
    ]
    row = ar.table3(facts, 2021)["上年结转"]
    assert row[col(P)] == 1 and row[col(L)] == 1 and row[-1] == 2


def test_results_are_answers_in_the_year_by_outcome() -> None:
    """Outcome rows count answers given in Y by outcome, whenever the request came in."""
    facts = [
        ar.RequestFacts(date(2020, 12, 1), P, date(2021, 1, 4), "部分公开"),
        ar.RequestFacts(date(2021, 3, 1), B, date(2021, 3, 20), "部分公开"),
        ar.RequestFacts(date(2021, 12, 20), B, date(2022, 1, 10), "予以公开"),  # answered next year
        ar.RequestFacts(date(2021, 5, 1), P, date(2021, 5, 10), "不予处理-重复申请"),
    ]
    table = ar.table3(facts, 2021)
    assert table["部分公开"][col(P)] == 1 and table["部分公开"][col(B)] == 1
    assert table["予以公开"][-1] == 0
    assert table["不予处理-重复申请"][-1] == 1
    assert table["总计"][-1] == 3


def test_carried_out_are_requests_open_at_year_end() -> None:
    """结转下年度: received by 31 December and not answered by then."""
    facts = [
        ar.RequestFacts(date(2021, 12, 31), P),
        ar.RequestFacts(date(2021, 12, 20), B, date(2022, 1, 10), "予以公开"),
        ar.RequestFacts(date(2021, 12, 20), B, date(2021, 12, 31), "予以公开"),
        ar.RequestFacts(date(2022, 1, 2), P),
    ]
    row = ar.table3(facts, 2021)["结转下年度"]
    assert row[col(P)] == 1 and row[col(B)] == 1 and row[-1] == 2


def test_consistent_data_balances_and_links_years() -> None:
    """From consistent data, 一+二 = （七）+四 per column and 上年结转(Y) = 结转下年度(Y−1)."""
    facts = [
        ar.RequestFacts(date(2020, 11, 2), P, date(2021, 1, 8), "予以公开"),
        ar.RequestFacts(date(2020, 12, 28), B),
        ar.RequestFacts(
            date(2021, 2, 1), L, date(2021, 2, 20), "无法提供-本机关不掌握相关政府信息"
        ),
        ar.RequestFacts(date(2021, 12, 30), P),
    ]
    t2020, t2021 = ar.table3(facts, 2020), ar.table3(facts, 2021)
    assert ar.check_table3(t2021, t2020["结转下年度"], 2021) == []
    assert t2021["上年结转"] == t2020["结转下年度"] == [1, 1, 0, 0, 0, 0, 2]


def test_balance_rule_is_named_when_broken() -> None:
    """A column where 一+二 ≠ （七）+四 is refused with the rule and the column named."""
    table = ar.table3([], 2021)
    table["本年新收"] = [1, 0, 0, 0, 0, 0, 1]
    problems = ar.check_table3(table)
    assert any("「自然人」列不平衡" in p and "第一项加第二项之和" in p for p in problems)


def test_answer_before_receipt_breaks_the_balance() -> None:
    """Data with an answer before its receipt cannot balance, and the check says so."""
    facts = [ar.RequestFacts(date(2021, 1, 10), P, date(2020, 12, 30), "予以公开")]
    problems = ar.check_table3(ar.table3(facts, 2021), [0] * 7, 2021)
    assert any("不平衡" in p for p in problems)


def test_row_total_rule_is_named_when_broken() -> None:
    """A 总计 column that is not the sum of the six applicant columns is named."""
    table = ar.table3([ar.RequestFacts(date(2021, 3, 1), P)], 2021)
    table["本年新收"][-1] = 5
    assert any("总计 5 不等于六类申请人之和 1" in p for p in ar.check_table3(table))


def test_previous_year_link_is_checked() -> None:
    """上年结转 differing from last year's 结转下年度 is refused naming the year and column."""
    table = ar.table3([ar.RequestFacts(date(2020, 12, 30), P)], 2021)
    problems = ar.check_table3(table, [0] * 7, 2021)
    assert len(problems) == 1
    assert "2020年报告的结转下年度不一致" in problems[0] and "自然人 1≠0" in problems[0]


def test_table4_counts_cases_of_the_year_by_result() -> None:
    """Cases received in Y or open on 1 January count; closed by 31 December → result, else 尚未审结."""
    facts = [
        ar.CaseFacts(CaseType.REVIEW, date(2021, 2, 1), date(2021, 4, 1), CaseResult.UPHELD),
        ar.CaseFacts(CaseType.REVIEW, date(2021, 11, 1), date(2022, 1, 15), CaseResult.CORRECTED),
        ar.CaseFacts(CaseType.REVIEW, date(2020, 5, 1), date(2020, 8, 1), CaseResult.UPHELD),
        ar.CaseFacts(CaseType.LITIGATION_DIRECT, date(2020, 10, 1)),
        ar.CaseFacts(
            CaseType.LITIGATION_AFTER_REVIEW, date(2020, 10, 1), date(2021, 3, 1), CaseResult.OTHER
        ),
        ar.CaseFacts(
            CaseType.LITIGATION_AFTER_REVIEW,
            date(2021, 6, 1),
            date(2021, 9, 1),
            CaseResult.CORRECTED,
        ),
        ar.CaseFacts(CaseType.REVIEW, date(2022, 1, 3)),
    ]
    t = ar.table4(facts, 2021)
    assert t["行政复议"] == {"结果维持": 1, "结果纠正": 0, "其他结果": 0, "尚未审结": 1, "总计": 2}
    assert t["行政诉讼（未经复议直接起诉）"]["尚未审结"] == 1
    assert t["行政诉讼（复议后起诉）"] == {
        "结果维持": 0,
        "结果纠正": 1,
        "其他结果": 1,
        "尚未审结": 0,
        "总计": 2,
    }
    assert ar.check_table4(t) == []
    t["行政复议"]["总计"] = 3
    assert ar.check_table4(t)


def test_table2_counts_documents_by_level() -> None:
    """Issued in Y by 成文日期; abolished/expired in Y; valid at 31 December (已修订 stays valid)."""
    docs = [
        ar.DocumentFacts("规章", date(2021, 3, 1), "现行有效"),
        ar.DocumentFacts("规章", date(2018, 3, 1), "已废止", date(2021, 6, 1)),
        ar.DocumentFacts("行政规范性文件", date(2021, 5, 1), "已修订", date(2021, 9, 1)),
        ar.DocumentFacts("行政规范性文件", date(2019, 5, 1), "已失效", date(2021, 12, 31)),
        ar.DocumentFacts("行政规范性文件", date(2019, 5, 1), "已废止", date(2022, 2, 1)),
        ar.DocumentFacts("行政规范性文件", date(2022, 1, 5), "现行有效"),
        ar.DocumentFacts("行政规范性文件", date(2015, 1, 5), "现行有效"),
    ]
    t = ar.table2(docs, 2021, ar.YearInputs(3, 4, 5, Decimal("1.25")))
    assert t["规章"] == {"本年制发件数": 1, "本年废止件数": 1, "现行有效件数": 1}
    assert t["行政规范性文件"] == {"本年制发件数": 1, "本年废止件数": 1, "现行有效件数": 3}
    assert t["行政许可"] == {"本年处理决定数量": 3}
    assert t["行政处罚"] == {"本年处理决定数量": 4}
    assert t["行政强制"] == {"本年处理决定数量": 5}
    assert t["行政事业性收费"] == {"本年收费金额（单位：万元）": Decimal("1.25")}


def test_printed_labels_follow_the_form() -> None:
    """Items are numbered within their group as on the form (「8.属于行政查询事项」)."""
    assert ar.printed_item("不予公开-属于行政查询事项") == "8.属于行政查询事项"
    assert ar.printed_item("其他处理-其他") == "3.其他"
    assert ar.TABLE3_NOTE == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@pytest.mark.parametrize(
    ("part", "whole", "text"), [(1, 3, "33.3%"), (0, 0, "—"), (5, 5, "100.0%")]
)
def test_percent(part: int, whole: int, text: str) -> None:
    """Rates are shown with one decimal, and 「—」 when nothing was answered."""
    assert ar.percent(part, whole) == text


def test_drafts_quote_the_numbers() -> None:
    """The 依申请公开 draft quotes received, carried-in, closed, on-time rate and carry-out."""
    facts = [
        ar.RequestFacts(date(2020, 12, 28), B, date(2021, 1, 8), "予以公开"),
        ar.RequestFacts(date(2021, 2, 1), P, date(2021, 2, 20), "部分公开"),
        ar.RequestFacts(date(2021, 12, 30), P),
    ]
    t3 = ar.table3(facts, 2021)
    figures = rn.ReportFigures(
        2021,
        "某某局",
        ar.table2([], 2021, ar.YearInputs()),
        t3,
        ar.table4([], 2021),
        rn.RequestYearStats(answered=2, answered_on_time=1, fee_cents=3550),
    )
    drafts = rn.draft_sections(figures)
    text = drafts["overview_requests"]
    assert "共收到政府信息公开申请2件" in text and "上年结转1件" in text
    assert "本年度办结2件" in text and "按期答复率50.0%" in text
    assert "结转下年度继续办理1件" in text and "35.5元" in text
    assert set(drafts) == set(ar.SECTION_TITLES)
