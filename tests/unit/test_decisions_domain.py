"""决策公开与征求意见 rules (SPEC §8): validation, consultation periods in days and working days,
opinion counts, the adoption result's publication, the statutory steps and the settings."""

from __future__ import annotations

from datetime import date

from gongkai_desktop.calendar import WorkingCalendar
from gongkai_desktop.domain.decisions import (
    ConsultationChannel,
    ConsultationFields,
    ConsultationRules,
    DecisionFields,
    DecisionStep,
    DecisionType,
    StepEntry,
    consultation_findings,
    decision_findings,
    minimum_period,
    opinion_problems,
    period_problems,
    result_findings,
    step_problems,
    validate_consultation,
    validate_decision,
)

CALENDAR = WorkingCalendar()
RULES = ConsultationRules()
MAJOR = DecisionFields("江西省巩固拓展脱贫攻坚成果实施方案", DecisionType.MAJOR.value)
NORMATIVE = DecisionFields("防止返贫动态监测和帮扶管理办法", DecisionType.NORMATIVE.value)


def consultation(start: date, end: date, **kw) -> ConsultationFields:  # type: ignore[no-untyped-def]
    return ConsultationFields(start, end, **kw)


def steps(**days: date | None) -> dict[str, StepEntry]:
    return {key: StepEntry(on) for key, on in days.items()}


# --- lists and validation --------------------------------------------------------------------


def test_closed_lists_carry_the_statutory_labels():
    """Types, the five steps in their statutory order and the channels read as SPEC §8 says."""
    assert DecisionType.labels() == ("重大行政决策", "规范性文件", "重大民生事项", "其他")
    assert DecisionStep.labels() == (
        "公众参与",
        "专家论证",
        "风险评估",
        "合法性审核",
        "集体讨论决定",
    )
    assert ConsultationChannel.labels() == (
        "网上征求意见",
        "听证座谈",
        "调查研究",
        "咨询协商",
        "媒体沟通",
    )


def test_decision_validation_names_each_problem_in_chinese():
    """A blank title, an unknown type, an unknown step and an over-long 文号 are refused."""
    bad = DecisionFields(
        "  ", "policy", document_number="号" * 65, steps={"vote": StepEntry(date(2021, 1, 1))}
    )
    assert [(p.field, p.message) for p in validate_decision(bad)] == [
        ("title", "必须填写"),
        ("decision_type", "请选择决策类型"),
        ("document_number", "不能超过 64 个字"),
        ("steps", "「vote」不是法定程序"),
    ]
    assert validate_decision(MAJOR) == []


def test_consultation_validation():
    """Channels and both dates are required, the end not before the start, counts are whole and
    not negative, and the result is published after the consultation closed."""
    bad = ConsultationFields(
        date(2021, 3, 10),
        date(2021, 3, 1),
        channels=(),
        received=-1,
        adopted=1.5,  # type: ignore[arg-type]
        result_published_on=date(2021, 2, 1),
    )
    assert [(p.field, p.message) for p in validate_consultation(bad)] == [
        ("channels", "至少选择一种征求意见方式"),
        ("ended_on", "截止日期不能早于开始日期"),
        ("received", "应为 0 或正整数"),
        ("adopted", "应为整数"),
        ("result_published_on", "采纳情况应在征求意见截止后公开"),
    ]
    missing = ConsultationFields(None, None, channels=("fax",))
    assert [p.field for p in validate_consultation(missing)] == [
        "channels",
        "started_on",
        "ended_on",
    ]
    assert validate_consultation(consultation(date(2021, 3, 1), date(2021, 3, 31))) == []


# --- the consultation period -----------------------------------------------------------------


def test_major_decision_needs_thirty_days_opening_day_not_counted():
    """1 March to 31 March is 30 days (the opening day is not counted); to 30 March is short,
    and the sentence names the earliest allowed last day."""
    assert (
        period_problems(MAJOR, consultation(date(2021, 3, 1), date(2021, 3, 31)), CALENDAR, RULES)
        == []
    )
    assert period_problems(
        MAJOR, consultation(date(2021, 3, 1), date(2021, 3, 30)), CALENDAR, RULES
    ) == [
        "征求意见期限不足：重大行政决策公开征求意见不少于 30 日，自 2021-03-01 起应至少征求至 "
        "2021-03-31，实际截至 2021-03-30（29 日）"
    ]


def test_rule_level_texts_need_thirty_days_whatever_their_type():
    """A 规章-level text needs 30 days even when recorded as 其他 or 规范性文件."""
    for kind in (DecisionType.OTHER, DecisionType.NORMATIVE):
        rule = DecisionFields("江西省农村扶贫开发办法", kind.value, rule_level=True)
        minimum = minimum_period(rule, RULES)
        assert minimum is not None and (minimum.length, minimum.working) == (30, False)
        [problem] = period_problems(
            rule, consultation(date(2021, 3, 1), date(2021, 3, 20)), CALENDAR, RULES
        )
        assert problem.startswith("征求意见期限不足：规章公开征求意见不少于 30 日")


def test_normative_document_needs_seven_working_days_across_a_holiday():
    """Opened on 28 Sept 2021: the 国庆 holiday (1–7 Oct) does not count, the make-up Saturday
    9 Oct does, so the 7th working day is 13 Oct; closing on 12 Oct is one working day short."""
    start = date(2021, 9, 28)
    assert (
        period_problems(NORMATIVE, consultation(start, date(2021, 10, 13)), CALENDAR, RULES) == []
    )
    assert period_problems(NORMATIVE, consultation(start, date(2021, 10, 12)), CALENDAR, RULES) == [
        "征求意见期限不足：规范性文件公开征求意见不少于 7 个工作日，自 2021-09-28 起应至少征求至 "
        "2021-10-13，实际截至 2021-10-12（6 个工作日）"
    ]


def test_market_related_normative_document_needs_thirty_days():
    """A 规范性文件 closely related to market entities needs 30 days, not 7 working days."""
    market = DecisionFields(
        "衔接资金项目管理办法", DecisionType.NORMATIVE.value, market_related=True
    )
    ten_working_days = consultation(date(2021, 3, 1), date(2021, 3, 15))
    assert period_problems(NORMATIVE, ten_working_days, CALENDAR, RULES) == []
    [problem] = period_problems(market, ten_working_days, CALENDAR, RULES)
    assert "涉及市场主体的规范性文件公开征求意见不少于 30 日" in problem


def test_no_minimum_for_other_types_or_meetings():
    """Livelihood matters have no minimum period; a hearing on its own is not a public
    consultation the minimum applies to."""
    livelihood = DecisionFields("民生实事项目", DecisionType.LIVELIHOOD.value)
    short = consultation(date(2021, 3, 1), date(2021, 3, 2))
    assert minimum_period(livelihood, RULES) is None
    assert period_problems(livelihood, short, CALENDAR, RULES) == []
    hearing = consultation(date(2021, 3, 1), date(2021, 3, 1), channels=("hearing",))
    assert period_problems(MAJOR, hearing, CALENDAR, RULES) == []


def test_minimums_follow_the_settings():
    """Changed settings change the verdict: 10 working days for 规范性文件, 45 days for major
    decisions."""
    rules = ConsultationRules(major_days=45, normative_workdays=10)
    eight_working_days = consultation(date(2021, 3, 1), date(2021, 3, 11))
    assert period_problems(NORMATIVE, eight_working_days, CALENDAR, RULES) == []
    [problem] = period_problems(NORMATIVE, eight_working_days, CALENDAR, rules)
    assert "不少于 10 个工作日" in problem and "至少征求至 2021-03-15" in problem
    [problem] = period_problems(
        MAJOR, consultation(date(2021, 3, 1), date(2021, 4, 1)), CALENDAR, rules
    )
    assert "不少于 45 日" in problem


def test_a_year_without_holiday_data_is_a_stated_problem():
    """Working days in a year the calendar lacks give a Chinese sentence, never an exception."""
    far = consultation(date(2099, 3, 2), date(2099, 3, 20))
    [problem] = period_problems(NORMATIVE, far, CALENDAR, RULES)
    assert problem.startswith("无法判断征求意见期限是否足够：缺少2099年的节假日安排")
    found = result_findings(far, CALENDAR, RULES, date(2099, 4, 1))
    assert found.problems[0].startswith("无法判断采纳情况公开期限：缺少2099年的节假日安排")


# --- opinions and the adoption result --------------------------------------------------------


def test_opinion_counts_must_add_up_and_rejections_need_reasons():
    """Adopted + partly + not adopted above the number received is flagged, as are opinions
    not adopted without a reason; equal or fewer is fine."""
    too_many = consultation(
        date(2021, 3, 1), date(2021, 3, 31), received=10, adopted=6, partly_adopted=3, not_adopted=2
    )
    assert opinion_problems(too_many) == [
        "采纳 6 条、部分采纳 3 条、未采纳 2 条，合计 11 条，多于收到的 10 条意见",
        "有 2 条意见未采纳，尚未说明不予采纳的理由",
    ]
    fine = consultation(
        date(2021, 3, 1),
        date(2021, 3, 31),
        received=10,
        adopted=6,
        not_adopted=2,
        reasons="超出职权",
    )
    assert opinion_problems(fine) == []


def test_adoption_result_at_risk_then_missed_across_a_holiday():
    """Closed on 29 Sept 2021: the result is due on the 10th working day after (19 Oct, the
    National Day holiday skipped); unpublished it is at risk until then, missed after; published
    late it is flagged, in time it is fine; while the consultation runs nothing is due."""
    c = consultation(date(2021, 9, 1), date(2021, 9, 29))
    assert not result_findings(c, CALENDAR, RULES, date(2021, 9, 29))
    at_risk = result_findings(c, CALENDAR, RULES, date(2021, 10, 15))
    assert at_risk.problems == ()
    assert at_risk.warnings == (
        "征求意见已于 2021-09-29 截止，采纳情况须于 2021-10-19 前公开（还剩 2 个工作日）",
    )
    missed = result_findings(c, CALENDAR, RULES, date(2021, 10, 20))
    assert missed.problems == (
        "征求意见已于 2021-09-29 截止，采纳情况应于 2021-10-19 前公开，至今未公开",
    )
    late = ConsultationFields(c.started_on, c.ended_on, result_published_on=date(2021, 10, 22))
    assert result_findings(late, CALENDAR, RULES, date(2021, 11, 1)).problems == (
        "采纳情况于 2021-10-22 公开，晚于 2021-10-19（应在征求意见截止后 10 个工作日内公开）",
    )
    on_time = ConsultationFields(c.started_on, c.ended_on, result_published_on=date(2021, 10, 19))
    assert not result_findings(on_time, CALENDAR, RULES, date(2021, 11, 1))


def test_result_deadline_follows_its_setting():
    """With 5 working days allowed, the same consultation is due on 12 Oct 2021, missed after."""
    c = consultation(date(2021, 9, 1), date(2021, 9, 29))
    rules = ConsultationRules(result_workdays=5)
    assert (
        "2021-10-12 前公开" in result_findings(c, CALENDAR, rules, date(2021, 10, 11)).warnings[0]
    )
    assert "至今未公开" in result_findings(c, CALENDAR, rules, date(2021, 10, 13)).problems[0]


# --- the statutory steps ---------------------------------------------------------------------


def test_major_decision_steps_complete_and_in_order():
    """All five steps dated in order, predisclosed before the decision: no problem."""
    fields = DecisionFields(
        MAJOR.title,
        MAJOR.decision_type,
        predisclosed_on=date(2021, 3, 1),
        steps=steps(
            participation=date(2021, 3, 1),
            expert=date(2021, 4, 10),
            risk=date(2021, 4, 15),
            legality=date(2021, 4, 25),
            collective=date(2021, 5, 10),
        ),
    )
    assert step_problems(fields) == []


def test_missing_and_late_steps_are_flagged_once_decided():
    """After 集体讨论决定, a step without a date and a step on or after the decision are named."""
    fields = DecisionFields(
        MAJOR.title,
        MAJOR.decision_type,
        predisclosed_on=date(2021, 5, 12),
        steps=steps(
            participation=date(2021, 3, 1),
            risk=date(2021, 4, 15),
            legality=date(2021, 5, 10),
            collective=date(2021, 5, 10),
        ),
    )
    assert step_problems(fields) == [
        "已于 2021-05-10 集体讨论决定，但「专家论证」程序未填写日期",
        "「合法性审核」（2021-05-10）应在集体讨论决定（2021-05-10）之前",
        "预公开日期（2021-05-12）应在集体讨论决定（2021-05-10）之前",
    ]


def test_legality_review_before_the_draft_is_out_of_order():
    """合法性审核 dated before 专家论证 is out of order even before the decision is taken; an
    undecided decision is not asked for the missing steps."""
    fields = DecisionFields(
        MAJOR.title,
        MAJOR.decision_type,
        steps=steps(expert=date(2021, 4, 10), legality=date(2021, 4, 1)),
    )
    assert step_problems(fields) == [
        "「合法性审核」（2021-04-01）早于「专家论证」（2021-04-10）：合法性审核应在公众参与、"
        "专家论证、风险评估之后进行"
    ]
    other = DecisionFields("其他事项", DecisionType.OTHER.value, steps=fields.steps)
    assert step_problems(other) == []


def test_decision_findings_name_the_consultation_when_there_are_several():
    """With two consultations each sentence says which one; with one, no prefix."""
    short = consultation(date(2021, 3, 1), date(2021, 3, 10))
    hearing = consultation(
        date(2021, 3, 5), date(2021, 3, 5), channels=("hearing",), received=3, adopted=4
    )
    today = date(2021, 3, 2)
    found = decision_findings(MAJOR, [short, hearing], CALENDAR, RULES, today)
    assert found.problems[0].startswith("第 1 次征求意见：征求意见期限不足")
    assert found.problems[1].startswith("第 2 次征求意见：采纳 4 条")
    single = decision_findings(MAJOR, [short], CALENDAR, RULES, today)
    assert single.problems[0].startswith("征求意见期限不足") and single.warnings == ()
    both = consultation_findings(MAJOR, short, CALENDAR, RULES, date(2021, 3, 15))
    assert both.problems and both.warnings  # too short, and its result now due


def test_characters_xml_cannot_hold_are_refused_in_chinese():
    """Control characters pasted into any text are refused before saving, the field named."""
    bad = "办法\x0b（征求意见稿）"
    decision = DecisionFields(
        bad, DecisionType.NORMATIVE.value, steps={"expert": StepEntry(None, "论证\x01")}
    )
    assert {p.field for p in validate_decision(decision)} == {"title", "expert_note"}
    assert "控制字符" in validate_decision(decision)[0].message
    c = consultation(date(2021, 3, 1), date(2021, 3, 12), reasons="理由\x00", link="http://a\x1f")
    assert {p.field for p in validate_consultation(c)} == {"reasons", "link"}
    assert (
        validate_consultation(
            consultation(date(2021, 3, 1), date(2021, 3, 12), reasons="一\n二\t三")
        )
        == []
    )
