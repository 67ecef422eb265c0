"""The request clock's cases of 条例 第三十条–第三十五条 (and the 2008 条例) through the service, the
import and the annual report's on-time count.

Dates are counted by hand from the State Council notices: 2021-03-01 (Monday) + 20 working days is
2021-03-29; 清明 2021 is 4月3日至5日; 2019-03-01 (Friday) + 15 working days is 2019-03-22.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import openpyxl
import pytest

from gongkai_desktop.calendar import WorkingCalendar
from gongkai_desktop.domain.request_clock import (
    RequestClock,
    answer_deadline,
    clock_problems,
    request_status,
)
from gongkai_desktop.domain.requests import (
    OUTCOME_NO_CORRECTION,
    RECEIPT_DATE_LAW,
    ApplicantType,
    Channel,
    RequestState,
    receipt_date_rule,
)
from gongkai_desktop.errors import ValidationError
from gongkai_desktop.importers.requests_xlsx import COLUMN_FIELDS
from gongkai_desktop.services.admin import AdminService
from gongkai_desktop.services.annual_report import AnnualReportService
from gongkai_desktop.services.requests import RequestInput, RequestService
from tests.conftest import ADMIN_PASSWORD

MARCH_1 = date(2021, 3, 1)


@pytest.fixture
def register(app_ctx, admin):  # type: ignore[no-untyped-def]
    """Factory: store a request of 开发指导处 through the service."""
    service = RequestService(app_ctx.db, admin)
    kf = AdminService(app_ctx.db, admin).division_by_name("开发指导处").id
    count = iter(range(1, 1000))

    def make(receipt: date = MARCH_1, **kw):  # type: ignore[no-untyped-def]
        data = RequestInput(
            reg_no=f"Q-{next(count):03d}",
            receipt_date=receipt,
            channel=Channel.ONLINE,
            applicant_type=ApplicantType.NATURAL_PERSON,
            division_id=kf,
            applicant="张三",
            content="某项目批复文件",
            **kw,
        )
        return service.create_request(data)

    make.service = service  # type: ignore[attr-defined]
    return make


def _on_time(app_ctx, admin, year: int = 2021) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    stats = AnnualReportService(app_ctx.db, admin).report(year).stats
    return stats.answered, stats.answered_on_time


def test_extension_counts_only_when_approved_in_time(app_ctx, admin, register) -> None:  # type: ignore[no-untyped-def]
    """An extension approved within the original period moves the deadline; one approved after
    it or after the answer does not, is flagged, and the report counts the answer late."""
    answered = dict(answer_date=date(2021, 4, 9), outcome="予以公开", extension_days=10)
    ok = register(**answered, extension_approved_by="王主任", extension_approved_on=date(2021, 3, 25))
    after_deadline = register(
        **answered, extension_approved_by="王主任", extension_approved_on=date(2021, 3, 30)
    )
    after_answer = register(
        **answered, extension_approved_by="王主任", extension_approved_on=date(2021, 4, 12)
    )
    assert (ok.deadline, ok.state) == (date(2021, 4, 13), RequestState.CLOSED_ON_TIME)
    for row in (after_deadline, after_answer):
        assert (row.deadline, row.state) == (date(2021, 3, 29), RequestState.CLOSED_LATE)
        assert any("晚于原答复期限" in f for f in row.status.flags)
    assert _on_time(app_ctx, admin) == (3, 1)
    timeline = register.service.get_request(after_answer.id).timeline
    assert any("不顺延" in e.detail and e.warning for e in timeline)


def test_approval_the_same_day_as_an_early_answer_is_no_problem() -> None:
    """An answer within the original period is on time whatever the approval date."""
    cal = WorkingCalendar()
    clock = RequestClock(
        MARCH_1,
        extension_days=10,
        answer_date=date(2021, 3, 20),
        extension_approved_by="王主任",
        extension_approved_on=date(2021, 3, 22),
    )
    status = request_status(cal, clock, date(2021, 12, 31))
    assert status.state is RequestState.CLOSED_ON_TIME and status.deadline == date(2021, 3, 29)


def test_requests_before_15_may_2019_follow_the_2008_regulation(app_ctx, admin, register) -> None:  # type: ignore[no-untyped-def]
    """Received 2019-03-01: 15 working days (2019-03-22), an extension of at most 15."""
    late = register(date(2019, 3, 1), answer_date=date(2019, 3, 25), outcome="予以公开")
    assert (late.deadline, late.state) == (date(2019, 3, 22), RequestState.CLOSED_LATE)
    extended = register(
        date(2019, 3, 1),
        answer_date=date(2019, 4, 12),
        outcome="予以公开",
        extension_days=15,
        extension_approved_by="王主任",
        extension_approved_on=date(2019, 3, 20),
    )
    assert (extended.deadline, extended.state) == (date(2019, 4, 15), RequestState.CLOSED_ON_TIME)
    with pytest.raises(ValidationError, match="延期不得超过15个工作日"):
        register(
            date(2019, 3, 1),
            extension_days=20,
            extension_approved_by="王主任",
            extension_approved_on=date(2019, 3, 20),
        )
    assert register(date(2019, 5, 15)).deadline == date(2019, 6, 13)
    assert _on_time(app_ctx, admin, 2019) == (2, 1)
    timeline = register.service.get_request(late.id).timeline
    assert "适用2008年条例" in timeline[0].detail


def test_article_35_delay_is_kept_apart_from_the_extension(app_ctx, admin, register) -> None:  # type: ignore[no-untyped-def]
    """A 第三十五条 delay notified until 5月31日 makes a 5月20日 answer timely, shown as a delay."""
    row = register(
        answer_date=date(2021, 5, 20),
        outcome="予以公开",
        delay_reason="一年内申请三百余件，数量明显超过合理范围",
        delay_until=date(2021, 5, 31),
    )
    assert (row.deadline, row.state) == (date(2021, 5, 31), RequestState.CLOSED_ON_TIME)
    assert "第三十五条延迟答复（告知期限2021-05-31）" in row.status.flags
    assert row.data.extension_days == 0
    timeline = register.service.get_request(row.id).timeline
    deadline = next(e for e in timeline if e.title == "答复期限")
    assert "法定期限为2021-03-29" in deadline.detail
    assert any(e.title.startswith("延迟答复（条例第三十五条）") for e in timeline)
    assert _on_time(app_ctx, admin) == (1, 1)
    with pytest.raises(ValidationError, match="须写明理由"):
        register(delay_until=date(2021, 5, 31))


def test_correction_period_then_overdue_and_its_outcome(app_ctx, admin, register) -> None:  # type: ignore[no-untyped-def]
    """待补正 until the 补正期限, 逾期未补正 after it; the 逾期不补正 outcome is refused before it."""
    service = register.service
    row = register(correction_notice_date=date(2021, 3, 3), correction_due_date=date(2021, 3, 17))
    assert service.get_request(row.id, today=date(2021, 3, 17)).row.state is (
        RequestState.AWAITING_CORRECTION
    )
    overdue = service.get_request(row.id, today=date(2021, 3, 18)).row
    assert overdue.state is RequestState.CORRECTION_OVERDUE and overdue.state.is_open
    assert any("可按逾期不补正办结" in f for f in overdue.status.flags)
    early = replace(row.data, answer_date=date(2021, 3, 17), outcome=OUTCOME_NO_CORRECTION)
    with pytest.raises(ValidationError, match="届满前不能以「逾期不补正」办结"):
        service.update_request(row.id, early, row.version)
    closed = service.update_request(
        row.id, replace(early, answer_date=date(2021, 3, 18)), row.version
    )
    assert closed.state is RequestState.CLOSED_ON_TIME
    with pytest.raises(ValidationError, match="须填写告知申请人的补正期限"):
        register(
            correction_notice_date=date(2021, 3, 3),
            answer_date=date(2021, 4, 1),
            outcome=OUTCOME_NO_CORRECTION,
        )


def test_lapsed_correction_is_not_carried_into_next_year(app_ctx, admin, register) -> None:  # type: ignore[no-untyped-def]
    """A request left open after its 补正期限 counts in its year as 逾期不补正, not as carried over."""
    register(correction_notice_date=date(2021, 3, 3), correction_due_date=date(2021, 3, 17))
    register(date(2021, 12, 20), correction_notice_date=date(2021, 12, 22))  # no period given
    t3 = AnnualReportService(app_ctx.db, admin).report(2021).table3
    assert t3[OUTCOME_NO_CORRECTION][-1] == 1
    assert t3["结转下年度"][-1] == 1
    assert AnnualReportService(app_ctx.db, admin).report(2022).table3["上年结转"][-1] == 1


def test_third_party_consultation_days_follow_from_the_dates(app_ctx, admin, register) -> None:  # type: ignore[no-untyped-def]
    """Sent 3月3日, answered 3月10日: 5 working days excluded (deadline 4月6日). An answer after the
    15 working days (due 3月24日) is flagged; its 33 days are still excluded (5月17日)."""
    row = register(consultation_sent_on=date(2021, 3, 3), consultation_answered_on=date(2021, 3, 10))
    assert row.deadline == date(2021, 4, 6)
    assert not any("第三方" in f for f in row.status.flags)
    late = register(
        consultation_sent_on=date(2021, 3, 3),
        consultation_answered_on=date(2021, 4, 20),
        answer_date=date(2021, 4, 21),
        outcome="部分公开",
    )
    assert (late.deadline, late.state) == (date(2021, 5, 17), RequestState.CLOSED_ON_TIME)
    assert any("未在15个工作日内提出意见（应于2021-03-24前）" in f for f in late.status.flags)
    waiting = register(consultation_sent_on=date(2021, 3, 3))
    # While the reply is awaited the third party's 15 days are reserved: 3月1日 + 35 = 4月20日.
    status = register.service.get_request(waiting.id, today=date(2021, 3, 10)).row.status
    assert status.deadline == date(2021, 4, 20)
    assert not any("第三方" in f for f in status.flags)
    overdue = register.service.get_request(waiting.id, today=date(2021, 3, 26)).row.status
    assert overdue.deadline == date(2021, 4, 22) and any("第三方" in f for f in overdue.flags)
    timeline = register.service.get_request(row.id).timeline
    assert [e.title for e in timeline][1:3] == ["发出征求意见书（条例第三十二条）", "收到第三方意见"]
    with pytest.raises(ValidationError, match="答复日期早于发出日期"):
        register(consultation_sent_on=date(2021, 3, 10), consultation_answered_on=date(2021, 3, 3))


def test_receipt_date_guidance_names_every_case_of_article_31() -> None:
    """平常信函 is the day of confirming with the applicant; online and fax both sides' confirmation."""
    post = receipt_date_rule(Channel.POST)
    assert "签收之日" in post and "平常信函" in post and "确认之日为收到申请之日" in post
    assert "双方确认之日" in receipt_date_rule(Channel.ONLINE)
    assert "传真" in receipt_date_rule(Channel.FAX) and "双方确认之日" in receipt_date_rule(Channel.FAX)
    assert "提交之日" in receipt_date_rule(Channel.IN_PERSON)
    assert "实际收到" not in receipt_date_rule(Channel.OTHER)
    for words in ("提交之日", "签收之日", "平常信函", "确认之日", "互联网渠道", "传真"):
        assert words in RECEIPT_DATE_LAW


def test_clock_cases_through_the_import(app_ctx, admin, run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The template's new columns carry each case; the report's on-time count follows them."""
    headers = list(COLUMN_FIELDS)

    def row(reg_no: str, receipt: date, **kw: object) -> list[object]:
        values: dict[str, object] = {
            "登记编号": reg_no,
            "收到日期": receipt,
            "申请方式": "邮寄",
            "申请人类型": "自然人",
            "承办处室": "开发指导处",
            **kw,
        }
        return [values.get(h) for h in headers]

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in (
        row("I-1", MARCH_1, 征求意见发出日期=date(2021, 3, 3), 征求意见答复日期=date(2021, 3, 10),
            答复日期=date(2021, 4, 6), 办理结果="予以公开"),
        row("I-2", MARCH_1, 延迟答复原因="数量明显超过合理范围", 延迟答复期限=date(2021, 5, 31),
            答复日期=date(2021, 5, 20), 办理结果="予以公开"),
        row("I-3", MARCH_1, 补正告知日期=date(2021, 3, 3), 补正期限=date(2021, 3, 17),
            答复日期=date(2021, 3, 18), 办理结果=OUTCOME_NO_CORRECTION),
        row("I-4", MARCH_1, 延期工作日数=10, 延期审批人="王主任", 延期审批日期=date(2021, 4, 12),
            答复日期=date(2021, 4, 9), 办理结果="予以公开"),
    ):
        ws.append(r)
    path = tmp_path / "clock.xlsx"
    wb.save(path)
    code, _out, err = run_cli("--as", "admin", "import", "requests", str(path), password=ADMIN_PASSWORD)
    assert code == 0, err
    rows = {r.reg_no: r for r in RequestService(app_ctx.db, admin).list_requests()}
    assert rows["I-1"].deadline == date(2021, 4, 6) and rows["I-1"].state is RequestState.CLOSED_ON_TIME
    assert rows["I-2"].state is RequestState.CLOSED_ON_TIME
    assert rows["I-3"].state is RequestState.CLOSED_ON_TIME
    assert rows["I-4"].state is RequestState.CLOSED_LATE
    assert _on_time(app_ctx, admin) == (4, 3)

    bad = tmp_path / "bad.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    ws.append(row("B-1", MARCH_1, 补正告知日期=date(2021, 3, 3), 补正期限=date(2021, 3, 17),
                  答复日期=date(2021, 3, 10), 办理结果=OUTCOME_NO_CORRECTION))
    ws.append(row("B-2", date(2019, 3, 1), 延期工作日数=20))
    wb.save(bad)
    code, _out, err = run_cli("--as", "admin", "import", "requests", str(bad), password=ADMIN_PASSWORD)
    assert code == 1
    assert "第2行「办理结果」：补正期限（2021-03-17）届满前" in err
    assert "第3行「延期工作日数」：延期不得超过15个工作日" in err


def test_problem_rules_are_the_same_for_form_and_import() -> None:
    """Dates and days of consultation both given are refused; so is an approval without days."""
    both = RequestClock(MARCH_1, consultation_days=3, consultation_sent_on=date(2021, 3, 2))
    assert [c for c, _ in clock_problems(both, None)] == ["征求意见工作日数"]
    stray = RequestClock(MARCH_1, extension_approved_by="王主任")
    assert [c for c, _ in clock_problems(stray, None)] == ["延期工作日数"]
    cal = WorkingCalendar()
    assert answer_deadline(cal, RequestClock(MARCH_1)) == date(2021, 3, 29)
