"""The rules of 政策解读: field validation, the sync rule (同步审签、同步发布) and quoted terms."""

from __future__ import annotations

from datetime import date

from gongkai_desktop.calendar import WorkingCalendar
from gongkai_desktop.domain.interpretation import (
    MAX_LENGTHS,
    InterpretationFields,
    InterpretationForm,
    InterpretationSection,
    InterpretationStatus,
    quoted_terms,
    status_of,
    sync_problems,
    validate_interpretation,
)

CALENDAR = WorkingCalendar()


def fields(**kw) -> InterpretationFields:  # type: ignore[no-untyped-def]
    base = {
        "title": "《防止返贫动态监测和帮扶管理办法》政策解读",
        "document_title": "防止返贫动态监测和帮扶管理办法",
        "document_number": "赣乡振规〔2021〕3号",
    }
    base.update(kw)
    return InterpretationFields(**base)


def problem_fields(f: InterpretationFields) -> list[str]:
    return [p.field for p in validate_interpretation(f)]


def test_complete_fields_have_no_problems():
    """A titled interpretation with known forms, role and sections and ordered dates is valid."""
    f = fields(
        forms=("text", "graphic"),
        interpreter_role="division_head",
        sections={"background": "依据……", "keywords": "「监测对象」是指……"},
        document_approved_on=date(2021, 3, 1),
        approved_on=date(2021, 3, 1),
        document_published_on=date(2021, 3, 5),
        published_on=date(2021, 3, 5),
    )
    assert validate_interpretation(f) == []


def test_missing_titles_and_forms_are_problems():
    """Both titles are required and at least one form must be chosen."""
    f = fields(title="  ", document_title="", forms=())
    assert problem_fields(f) == ["title", "document_title", "forms"]
    messages = [p.message for p in validate_interpretation(f)]
    assert "必须填写被解读的政策文件名称" in messages and "至少选择一种解读形式" in messages


def test_unknown_values_and_lengths_are_problems():
    """Unknown form, role or section and over-long texts are each reported."""
    f = fields(
        title="题" * 301,
        document_number="号" * 65,
        forms=("text", "poster"),
        interpreter_role="mayor",
        interpreter="人" * 101,
        sections={"background": "x", "summary": "y"},
    )
    assert problem_fields(f) == [
        "title",
        "document_number",
        "forms",
        "interpreter_role",
        "interpreter",
        "sections",
    ]
    assert any("「poster」" in p.message for p in validate_interpretation(f))


def test_date_order_is_checked():
    """Publishing needs an approval first and no publication precedes its approval."""
    assert problem_fields(fields(published_on=date(2021, 3, 5))) == ["approved_on"]
    backwards = fields(approved_on=date(2021, 3, 6), published_on=date(2021, 3, 5))
    assert problem_fields(backwards) == ["published_on"]
    document = fields(document_approved_on=date(2021, 3, 6), document_published_on=date(2021, 3, 5))
    assert problem_fields(document) == ["document_published_on"]


def test_status_is_read_from_the_dates():
    """No dates: 起草中; approved: 已审签; published: 已发布."""
    assert status_of(None, None) is InterpretationStatus.DRAFT
    assert status_of(date(2021, 3, 1), None) is InterpretationStatus.APPROVED
    assert status_of(date(2021, 3, 1), date(2021, 3, 2)) is InterpretationStatus.PUBLISHED
    assert InterpretationStatus.DRAFT.label == "起草中"


def test_enums_carry_the_specs_labels():
    """The ten sections and eight forms are SPEC §7's, in its order."""
    assert [s.label for s in InterpretationSection][:3] == [
        "背景依据",
        "制定意义和总体考虑",
        "研判和起草过程",
    ]
    assert len(InterpretationSection) == 10 and len(InterpretationForm) == 8
    assert InterpretationForm("expert").label == "专家解读"


def test_in_sync_when_approved_and_published_with_the_document():
    """Same approval day and same publication day: nothing to flag."""
    f = fields(
        document_approved_on=date(2021, 3, 1),
        approved_on=date(2021, 3, 1),
        document_published_on=date(2021, 3, 5),
        published_on=date(2021, 3, 5),
    )
    assert sync_problems(f, CALENDAR, 0, date(2021, 12, 31)) == []


def test_approval_on_another_day_is_flagged():
    """An interpretation approved the day after its document breaks 同步审签."""
    f = fields(document_approved_on=date(2021, 3, 1), approved_on=date(2021, 3, 2))
    [problem] = sync_problems(f, CALENDAR)
    assert "2021-03-02" in problem and "2021-03-01" in problem and "不同步" in problem


def test_late_publication_with_no_tolerance():
    """With tolerance 0 any publication after the document's day is late."""
    f = fields(
        approved_on=date(2021, 3, 1),
        document_published_on=date(2021, 3, 5),
        published_on=date(2021, 3, 8),
    )
    [problem] = sync_problems(f, CALENDAR, 0)
    assert "晚于文件发布日期" in problem and "同日" in problem


def test_tolerance_counts_working_days_across_a_weekend():
    """Document out on Friday 5 March 2021, tolerance 2: Tuesday the 9th is in time, the 10th
    is late."""
    base = {"approved_on": date(2021, 3, 1), "document_published_on": date(2021, 3, 5)}
    assert sync_problems(fields(**base, published_on=date(2021, 3, 9)), CALENDAR, 2) == []
    [problem] = sync_problems(fields(**base, published_on=date(2021, 3, 10)), CALENDAR, 2)
    assert "2 个工作日内" in problem


def test_tolerance_skips_a_holiday_and_counts_a_make_up_day():
    """Document out on 30 Sept 2021: 1–7 Oct are holidays, Sat 9 Oct is a make-up working day,
    so with tolerance 2 the 9th is the last day in time and the 8th is late with tolerance 0."""
    base = {"approved_on": date(2021, 9, 28), "document_published_on": date(2021, 9, 30)}
    assert sync_problems(fields(**base, published_on=date(2021, 10, 9)), CALENDAR, 2) == []
    assert sync_problems(fields(**base, published_on=date(2021, 10, 11)), CALENDAR, 2)
    assert sync_problems(fields(**base, published_on=date(2021, 10, 8)), CALENDAR, 0)


def test_unpublished_interpretation_is_late_once_the_document_is_out():
    """After the document's publication (plus tolerance) an unpublished interpretation is
    flagged; before that, or without ``today``, it is not."""
    f = fields(document_published_on=date(2021, 3, 5))
    [problem] = sync_problems(f, CALENDAR, 0, today=date(2021, 3, 8))
    assert problem == "文件已于 2021-03-05 发布，解读尚未发布"
    assert sync_problems(f, CALENDAR, 2, today=date(2021, 3, 9)) == []
    assert sync_problems(f, CALENDAR, 0, today=date(2021, 3, 5)) == []
    assert sync_problems(f, CALENDAR, 0) == []


def test_a_year_without_holiday_data_is_said_not_guessed():
    """With a tolerance, a year the calendar does not know yields a message, not a guess."""
    f = fields(
        approved_on=date(2099, 3, 1),
        document_published_on=date(2099, 3, 5),
        published_on=date(2099, 3, 6),
    )
    [problem] = sync_problems(f, CALENDAR, 2)
    assert problem.startswith("无法判断解读是否同步发布") and "2099" in problem


def test_quoted_terms_in_every_quote_style_once_in_order():
    """「」, “” and ASCII quotes are found, each term once, in order of first appearance."""
    paragraphs = [
        "本办法所称「防止返贫监测对象」，是指……",
        "落实“两不愁三保障”要求，对「防止返贫监测对象」及时帮扶。",
        'The "负面清单" applies.',
    ]
    assert quoted_terms(paragraphs) == ["防止返贫监测对象", "两不愁三保障", "负面清单"]


def test_quoted_sentences_and_single_characters_are_not_terms():
    """Quoted text with sentence punctuation, one character or over 30 characters is skipped."""
    paragraphs = (
        "他说“今年要抓好落实，确保见效。”",
        "「好」",
        "「" + "长" * 31 + "」",
        "「公益性岗位」",
    )
    assert quoted_terms(paragraphs) == ["公益性岗位"]


def test_link_length_and_nul_are_problems_in_chinese():
    """A link over 500 characters and a NUL are Chinese problems, not database errors."""
    problems = validate_interpretation(
        fields(link="https://example.gov.cn/" + "a" * 480, notes="备\x00注")
    )
    assert [(p.field, p.message) for p in problems] == [
        ("link", "不能超过 500 个字（现有 503 个字）"),
        ("notes", "含有无法保存的控制字符（NUL），请删除后再保存"),
    ]
    assert validate_interpretation(fields(link="https://example.gov.cn/" + "a" * 477)) == []


def test_every_short_text_column_is_length_checked():
    """Every String column the user fills has its width checked by the validation."""
    from sqlalchemy import String

    from gongkai_desktop.db.interpretation_models import Interpretation

    widths = {
        c.name: c.type.length
        for c in Interpretation.__table__.columns
        if isinstance(c.type, String) and c.type.length is not None
    }
    not_typed = {"uuid", "forms", "interpreter_role", "document_file", "previous_file"}
    assert {k: v for k, v in widths.items() if k not in not_typed} == MAX_LENGTHS
    for name, width in MAX_LENGTHS.items():
        too_long = fields(**{name: "字" * (width + 1)})
        assert [p.field for p in validate_interpretation(too_long)] == [name]
