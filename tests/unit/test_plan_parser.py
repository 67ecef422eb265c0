"""Plan documents: sections, numbered tasks, assignments, and the file readers' refusals."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.text.paragraph import Paragraph

from gongkai_desktop.domain.numerals import chinese_numeral
from gongkai_desktop.errors import InputTooLarge, ValidationError
from gongkai_desktop.importers import plan
from gongkai_desktop.importers.plan import (
    LEAD_KEYWORDS,
    RESPONSIBLE_KEYWORDS,
    ParsedPlan,
    chinese_numeral_value,
    parse_plan_file,
    parse_plan_text,
    read_plan_document,
)

PLANS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
SEED = PLANS / "plan-2021.txt"
BASIC = PLANS / "basic.txt"
# The same five tasks as basic.txt, each written in other notations or encodings.
NOTATION_VARIANTS = (
    "fullwidth.txt",
    "halfwidth.txt",
    "chinese-numbered.txt",
    "own-paragraph.txt",
    "crlf-bom.txt",
    "gb18030.txt",
)
ALL_FIXTURES = sorted(path.name for path in PLANS.glob("*.txt"))
SECTION_RE = re.compile(r"^[一二三四五六七八九十]+、")
NUMBERING_RE = re.compile(r"^\s*(\d+|[０-９]+)\s*[.．、]|^\s*[（(]\s*\S{1,3}\s*[)）]")


def _summary(parsed: ParsedPlan) -> list[tuple[int, str, str, tuple[str, ...], tuple[str, ...]]]:
    return [(t.no, t.section, t.title, t.lead, t.responsible) for t in parsed.tasks]


def _is_chinese(message: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", message) is not None


def _plan(*task_lines: str, section: str = "二、重点任务") -> str:
    return "\n".join(["2022年工作要点", "一、总体要求", "坚持依法公开。", section, *task_lines])


@pytest.fixture(scope="module")
def seed() -> ParsedPlan:
    return parse_plan_file(SEED)


def _task(parsed: ParsedPlan, no: int) -> plan.ParsedTask:
    (task,) = [t for t in parsed.tasks if t.no == no]
    return task


# --- the real 2021 plan ----------------------------------------------------------------------


def test_seed_has_17_tasks_numbered_in_order(seed: ParsedPlan) -> None:
    """The real plan yields its 17 tasks, numbered 1 to 17 in document order, with no warning."""
    assert [t.no for t in seed.tasks] == list(range(1, 18))
    assert [t.line for t in seed.tasks] == sorted(t.line for t in seed.tasks)
    assert seed.warnings == ()


def test_seed_tasks_fall_in_sections_two_to_five(seed: ParsedPlan) -> None:
    """Tasks sit in 二 (1–5), 三 (6–10), 四 (11–14), 五 (15–17); 一、总体要求 has none."""
    expected = {"二": range(1, 6), "三": range(6, 11), "四": range(11, 15), "五": range(15, 18)}
    headings = {
        line.strip()[0]: line.strip()
        for line in SEED.read_text("utf-8").splitlines()
        if SECTION_RE.match(line.strip())
    }
    for numeral, numbers in expected.items():
        assert [t.no for t in seed.tasks if t.section == headings[numeral]] == list(numbers)
    assert not [t for t in seed.tasks if t.section == headings["一"]]
    assert seed.tasks[0].section == "二、加大公开力度"


def test_seed_titles_are_the_text_up_to_the_first_full_stop(seed: ParsedPlan) -> None:
    """Each title is its task's text up to the first 。, numbering stripped; task 1 is 加大决策公开."""
    assert _task(seed, 1).title == "加大决策公开"
    for task in seed.tasks:
        assert task.text.startswith(task.title + "。")
        assert task.title in task.text
        assert not NUMBERING_RE.match(task.title)


def test_seed_task_texts_are_the_paragraphs_as_written(seed: ParsedPlan) -> None:
    """A task's text is its source line with the number stripped and the assignment kept."""
    lines = SEED.read_text("utf-8").splitlines()
    for task in seed.tasks:
        assert lines[task.line - 1] == f"{task.no}.{task.text}"


def test_seed_task_2_has_two_leads(seed: ParsedPlan) -> None:
    """Task 2 names two lead divisions and keeps the group word 各业务处 as written."""
    task = _task(seed, 2)
    assert task.lead == ("综合处", "稽查处")
    assert task.responsible == ("各业务处",)


def test_seed_task_3_has_responsible_only(seed: ParsedPlan) -> None:
    """Task 3 has no lead and four responsible divisions; its 乡村振兴(扶贫) bracket is ignored."""
    task = _task(seed, 3)
    assert task.lead == ()
    assert task.responsible == ("综合处", "计财处", "人事处", "机关纪委")
    assert "乡村振兴(扶贫)领域" in task.text


def test_seed_task_5_lead_from_qiantou_chushi(seed: ParsedPlan) -> None:
    """Task 5 writes its lead with 牵头处室, which counts as a lead keyword."""
    task = _task(seed, 5)
    assert "牵头处室" in task.text
    assert task.lead == ("计财处",)
    assert task.responsible == ("各业务处",)


def test_seed_task_7_has_lead_only(seed: ParsedPlan) -> None:
    """Task 7 names only a lead division."""
    task = _task(seed, 7)
    assert task.lead == ("政法处",)
    assert task.responsible == ()


def test_seed_every_task_is_assigned(seed: ParsedPlan) -> None:
    """Every task of the real plan has at least one division, each named in its own text."""
    for task in seed.tasks:
        assert task.lead or task.responsible
        for name in task.lead + task.responsible:
            assert name in task.text


def test_json_dict_has_the_cli_shape(seed: ParsedPlan) -> None:
    """to_json_dict gives exactly the `plan import --json` keys, lists for names, and is JSON."""
    data = seed.to_json_dict(2021)
    assert list(data) == ["year", "tasks"]
    assert data["year"] == 2021
    assert len(data["tasks"]) == 17
    first = data["tasks"][0]
    assert list(first) == ["no", "section", "title", "lead", "responsible", "text"]
    assert {k: first[k] for k in ("no", "section", "title", "lead", "responsible")} == {
        "no": 1,
        "section": "二、加大公开力度",
        "title": "加大决策公开",
        "lead": ["政法处"],
        "responsible": ["各业务处"],
    }
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


# --- notations and encodings -----------------------------------------------------------------


def test_basic_fixture_reads_as_written() -> None:
    """The reference variant gives its five tasks with the divisions written in it."""
    parsed = parse_plan_file(BASIC)
    assert _summary(parsed) == [
        (1, "二、推进主动公开", "做好乡村振兴(扶贫)领域信息公开", ("政法处",), ("各业务处",)),
        (
            2,
            "二、推进主动公开",
            "加强“放管服”改革信息公开",
            ("综合处", "稽查处"),
            ("计财处", "人事处", "机关纪委"),
        ),
        (3, "二、推进主动公开", "强化政策解读", ("政法处",), ()),
        (4, "三、回应社会关切", "做好政务舆情回应", (), ("各处室",)),
        (5, "三、回应社会关切", "办好依申请公开", ("综合处",), ("相关业务处",)),
    ]
    assert parsed.warnings == ()
    assert "（2022年底前完成制度修订）" in _task(parsed, 5).text


@pytest.mark.parametrize("name", NOTATION_VARIANTS)
def test_notation_does_not_change_the_result(name: str) -> None:
    """Full-/half-width digits, brackets, colons and separators, other numbering forms and
    keywords, assignments in their own paragraph, CRLF+BOM and GB18030 all parse like basic.txt."""
    parsed = parse_plan_file(PLANS / name)
    assert _summary(parsed) == _summary(parse_plan_file(BASIC))
    assert parsed.warnings == ()


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_names_and_titles_are_clean(name: str) -> None:
    """In every fixture, names carry no separator, bracket, colon or keyword and titles no number."""
    parsed = parse_plan_file(PLANS / name)
    assert parsed.tasks
    for task in parsed.tasks:
        assert task.title and task.title in task.text
        assert not NUMBERING_RE.match(task.title)
        assert not NUMBERING_RE.match(task.text)
        for division in task.lead + task.responsible:
            assert not set(division) & set("、，,；;:：()（） \u3000")
            assert not any(k in division for k in LEAD_KEYWORDS + RESPONSIBLE_KEYWORDS)


def test_fullwidth_variant_uses_other_forms() -> None:
    """The full-width fixture really uses １． 1． 1、, 牵头单位/配合单位 and full-width spaces."""
    raw = (PLANS / "fullwidth.txt").read_text("utf-8")
    for form in (
        "１．",
        "2．",
        "３、",
        "牵头单位：",
        "配合单位：",
        "牵头处室",
        "责任单位",
        "\u3000",
    ):
        assert form in raw


def test_halfwidth_variant_reads_commas_and_trailing_asides() -> None:
    """(牵头部门:X;责任部门:Y), `,` separators, `，` between parts and a later aside all work."""
    parsed = parse_plan_file(PLANS / "halfwidth.txt")
    assert "(牵头部门:综合处,稽查处;责任部门:计财处, 人事处,机关纪委)" in _task(parsed, 2).text
    assert _task(parsed, 3).text.endswith("(牵头部门:政法处)(每季度报送进展)")
    assert _task(parsed, 5).text.endswith("(牵头部门:综合处，责任部门:相关业务处)")


def test_crlf_bom_fixture_is_what_it_claims() -> None:
    """The CRLF fixture starts with a UTF-8 BOM and ends its lines with CRLF; the text drops both."""
    raw = (PLANS / "crlf-bom.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    text = read_plan_document(PLANS / "crlf-bom.txt")
    assert not text.startswith("\ufeff")
    parsed = parse_plan_text(text)
    assert all("\r" not in t.text for t in parsed.tasks)


def test_gb18030_fixture_needs_the_fallback() -> None:
    """The GB18030 fixture is not valid UTF-8, so reading it exercises the fallback encoding."""
    raw = (PLANS / "gb18030.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert read_plan_document(PLANS / "gb18030.txt") == raw.decode("gb18030")


def test_own_paragraph_variant_joins_paragraphs() -> None:
    """A task's paragraphs and its own-paragraph assignment join with newlines; later prose not."""
    parsed = parse_plan_file(PLANS / "own-paragraph.txt")
    assert _task(parsed, 1).text.endswith("原则。\n（牵头部门：政法处；责任部门：各业务处）")
    assert "\n同时公开行政许可事项清单的调整情况。\n" in _task(parsed, 2).text
    assert _task(parsed, 3).text.endswith("\n牵头部门：政法处")
    assert "以上任务" not in _task(parsed, 5).text


def test_subheadings_points_asides_and_a_missing_assignment() -> None:
    """（一） above 1. tasks is a sub-heading, （1） a point, 1.5亿元 prose; a bare task warns."""
    parsed = parse_plan_file(PLANS / "subheadings.txt")
    assert [(t.no, t.section) for t in parsed.tasks] == [
        (1, "一、重点任务"),
        (2, "一、重点任务"),
        (3, "一、重点任务"),
        (4, "二、保障措施"),
    ]
    assert all("推进" not in t.title for t in parsed.tasks)
    unassigned = _task(parsed, 2)
    assert (unassigned.lead, unassigned.responsible) == ((), ())
    assert unassigned.text.endswith("（由牵头单位汇总）。\n1.5亿元以上的项目须公开听证情况。")
    assert "（二）" not in unassigned.text
    points = _task(parsed, 3)
    assert "（1）公开专项资金使用情况" in points.text
    assert (points.lead, points.responsible) == (("计财处",), ("各业务处", "机关纪委"))
    assert _task(parsed, 4).responsible == ("人事处",)
    assert len(parsed.warnings) == 2
    assert any("第2项" in w and "做好意见征集反馈" in w for w in parsed.warnings)
    assert any("第14行" in w and "没有任务" in w for w in parsed.warnings)


# --- rules on small texts --------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix",
    [
        "1.",
        "1．",
        "1、",
        "１．",
        "１、",
        "1 . ",
        "（一）",
        "(一)",
        "（一)",
        "( 一 )",
        "(1)",
        "（１）",
    ],
)
def test_every_numbering_form_gives_number_one(prefix: str) -> None:
    """Each task numbering form is recognised and stripped, giving no 1 and a clean title."""
    parsed = parse_plan_text(_plan(f"{prefix}做好公开。具体内容。（牵头部门：政法处）"))
    assert [(t.no, t.title, t.lead) for t in parsed.tasks] == [(1, "做好公开", ("政法处",))]
    assert parsed.tasks[0].text == "做好公开。具体内容。（牵头部门：政法处）"


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("十九", 19), ("二十", 20), ("二十三", 23),
     ("九十九", 99), ("", None), ("十十", None), ("一二", None), ("零", None), ("百", None)],
)  # fmt: skip
def test_chinese_numeral_value(numeral: str, value: int | None) -> None:
    """Chinese numerals up to 九十九 convert; malformed ones give None."""
    assert chinese_numeral_value(numeral) == value


def test_sections_up_to_twenty() -> None:
    """Section headings 一、 to 二十、 are all recognised, each keeping its heading as written."""
    numerals = [chinese_numeral(n) for n in range(1, 21)]
    lines = []
    for n, numeral in enumerate(numerals, start=1):
        lines += [f"{numeral}、第{n}部分", f"{n}.任务{n}。（牵头部门：综合处）"]
    parsed = parse_plan_text("\n".join(lines))
    assert [(t.no, t.section) for t in parsed.tasks] == [
        (n, f"{numeral}、第{n}部分") for n, numeral in enumerate(numerals, start=1)
    ]


def test_last_keyword_group_is_the_assignment() -> None:
    """With several keyword groups the last one counts; groups without keywords never do."""
    parsed = parse_plan_text(
        _plan(
            "1.做好公开。原由（牵头部门：甲处）负责，现调整。（牵头部门：乙处；责任部门：丙处）（年底前）"
        )
    )
    task = parsed.tasks[0]
    assert (task.lead, task.responsible) == (("乙处",), ("丙处",))


def test_keyword_in_an_aside_is_not_an_assignment() -> None:
    """A bracket that mentions a keyword without a colon and not at its start is prose."""
    parsed = parse_plan_text(_plan("1.做好公开。材料（由牵头单位汇总后报送）。"))
    task = parsed.tasks[0]
    assert (task.lead, task.responsible) == ((), ())
    assert len(parsed.warnings) == 1 and "第1项" in parsed.warnings[0]


@pytest.mark.parametrize(
    "assignment",
    [
        "（牵头部门：甲处、乙处；责任部门：丙处、丁处、戊处）",
        "(牵头部门:甲处,乙处;责任部门:丙处,丁处,戊处)",
        "（牵头部门：甲处，乙处；责任部门：丙处，丁处，戊处)",
        "（牵头处室：甲处、乙处，配合处室：丙处,丁处，戊处）",
        "（牵头单位:甲处、乙处 责任单位:丙处 丁处 戊处）",
        "（牵头部门：甲处、乙处；配合部门：丙处、丁处；责任部门：戊处、丙处）",
        "(牵头部门 甲处、乙处；责任部门:丙处、丁处、戊处)",
    ],
)
def test_several_names_with_any_separator(assignment: str) -> None:
    """Names split at 、，, (and spaces); parts split at each keyword whatever separates them."""
    parsed = parse_plan_text(_plan(f"1.做好公开。内容。{assignment}"))
    task = parsed.tasks[0]
    assert (task.lead, task.responsible) == (("甲处", "乙处"), ("丙处", "丁处", "戊处"))
    assert parsed.warnings == ()


def test_brackets_inside_names_stay_whole() -> None:
    """A name with its own bracket (综合处（公开办）) is not split at the 、 inside it."""
    parsed = parse_plan_text(
        _plan("1.做好公开。内容。（牵头部门：综合处（公开办、网站）、政法处）")
    )
    assert parsed.tasks[0].lead == ("综合处（公开办、网站）", "政法处")


def test_title_keeps_brackets_and_quotes() -> None:
    """A title may hold brackets and quotes; it ends at the first 。 only."""
    parsed = parse_plan_text(
        _plan("1.落实“谁起草(牵头)、谁解读”要求（试行）。内容(扶贫)。(牵头部门:政法处)")
    )
    assert parsed.tasks[0].title == "落实“谁起草(牵头)、谁解读”要求（试行）"


def test_title_without_full_stop_ends_before_the_assignment() -> None:
    """A one-line task without 。 takes the line minus its assignment as the title."""
    parsed = parse_plan_text(_plan("1.做好新闻发布工作（牵头部门：政法处）"))
    assert parsed.tasks[0].title == "做好新闻发布工作"
    assert parsed.tasks[0].lead == ("政法处",)


def test_assignment_paragraph_after_an_assigned_task_wins_with_a_warning() -> None:
    """A second assignment paragraph replaces the inline one (last group rule) and is reported."""
    parsed = parse_plan_text(
        _plan("1.做好公开。内容。（牵头部门：甲处）", "（牵头部门：乙处；责任部门：丙处）")
    )
    task = parsed.tasks[0]
    assert (task.lead, task.responsible) == (("乙处",), ("丙处",))
    assert any("多处分工" in w for w in parsed.warnings)


def test_unclosed_assignment_bracket_is_read_with_a_warning() -> None:
    """An assignment whose closing bracket is missing is still read, and the user is told."""
    parsed = parse_plan_text(
        _plan("1.做好公开。内容(扶贫)。（牵头部门：政法处；责任部门：各业务处")
    )
    task = parsed.tasks[0]
    assert (task.lead, task.responsible) == (("政法处",), ("各业务处",))
    assert any("括号" in w for w in parsed.warnings)


def test_keyword_without_names_warns() -> None:
    """A keyword followed by no name is reported; the other part is still read."""
    parsed = parse_plan_text(_plan("1.做好公开。内容。（牵头部门：；责任部门：各业务处）"))
    assert parsed.tasks[0].responsible == ("各业务处",)
    assert any("牵头部门" in w and "没有写部门名称" in w for w in parsed.warnings)


def test_numbering_gaps_and_repeats_warn() -> None:
    """A skipped number (a task perhaps missed) and a repeated number are both reported."""
    parsed = parse_plan_text(
        _plan(
            "1.甲。（牵头部门：综合处）",
            "3.乙。（牵头部门：综合处）",
            "三、其他",
            "3.丙。（牵头部门：综合处）",
        )
    )
    assert [t.no for t in parsed.tasks] == [1, 3, 3]
    assert any("不连续" in w and "第1项之后是第3项" in w for w in parsed.warnings)
    assert any("编号 3 重复" in w for w in parsed.warnings)


def test_preamble_numbers_are_ignored() -> None:
    """Numbered lines before the first section heading (the preamble) are not tasks."""
    text = "工作要点\n1.依据一。（牵头部门：综合处）\n一、任务\n1.做好公开。（牵头部门：政法处）"
    parsed = parse_plan_text(text)
    assert [(t.title, t.lead) for t in parsed.tasks] == [("做好公开", ("政法处",))]


def test_plan_without_sections_still_yields_tasks() -> None:
    """A document with no 一、 heading at all gives its tasks with an empty section."""
    parsed = parse_plan_text("1.做好公开。（牵头部门：政法处）\n2.做好解读。（责任部门：各处）")
    assert [(t.no, t.section) for t in parsed.tasks] == [(1, ""), (2, "")]


def test_number_like_prose_is_not_a_task() -> None:
    """Lines such as 2021年…, 1.5亿元… and 1、2月份… do not start tasks."""
    parsed = parse_plan_text(
        _plan(
            "1.做好公开。内容。",
            "2021年起实施。",
            "1.5亿元资金。",
            "1、2月份完成。",
            "（责任部门：各处）",
        )
    )
    assert [t.no for t in parsed.tasks] == [1]
    assert parsed.tasks[0].responsible == ("各处",)
    assert parsed.tasks[0].text.count("\n") == 4


@pytest.mark.parametrize(
    "transform",
    [
        lambda s: s.replace("\n", "\r\n"),
        lambda s: s.replace("\n", "\r"),
        lambda s: "\ufeff" + s,
        lambda s: "\n\n".join("\u3000\u3000" + line + " \t" for line in s.split("\n")),
        lambda s: s.replace("\n", "\n\u00a0\u200b"),
    ],
    ids=["crlf", "cr", "bom", "blank-and-fullwidth-spaces", "nbsp-and-zero-width"],
)
def test_whitespace_and_line_endings_do_not_matter(transform: Callable[[str], str]) -> None:
    """Line endings, a BOM, blank lines and (full-width, no-break, zero-width) spaces are ignored."""
    text = SEED.read_text("utf-8")
    expected = parse_plan_text(text).to_json_dict(2021)
    assert parse_plan_text(transform(text)).to_json_dict(2021) == expected


def test_empty_document_warns() -> None:
    """A document without numbered tasks gives no task and a warning saying so."""
    parsed = parse_plan_text("2022年工作要点\n一、总体要求\n坚持依法公开。")
    assert parsed.tasks == ()
    assert len(parsed.warnings) == 1 and "没有找到编号任务" in parsed.warnings[0]


def test_huge_text_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text beyond the character limit is refused before parsing, in Chinese."""
    monkeypatch.setattr(plan, "MAX_TEXT_CHARS", 100)
    with pytest.raises(InputTooLarge) as info:
        parse_plan_text("字" * 101)
    assert _is_chinese(str(info.value))


# --- .docx -----------------------------------------------------------------------------------


def _write_docx(path: Path, lines: list[str]) -> Path:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def _add_outline_numbering(document: DocxDocument) -> str:
    """Add a list definition like Word's: level 0 “一、”, level 1 “1.” numbered across levels."""
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:lvlRestart w:val="0"/>'
        '<w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
        "</w:abstractNum>"
    )
    first_num = numbering.find(f"{{{numbering.nsmap['w']}}}num")
    if first_num is None:
        numbering.append(abstract)
    else:
        first_num.addprevious(abstract)
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    return "90"


def _number_paragraph(paragraph: Paragraph, num_id: str, level: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = int(num_id)


def test_seed_as_docx_gives_the_same_result(tmp_path: Path) -> None:
    """The real plan saved as .docx, one paragraph per line, parses exactly like the .txt."""
    lines = SEED.read_text("utf-8").splitlines()
    path = _write_docx(tmp_path / "plan-2021.docx", lines)
    assert parse_plan_file(path).to_json_dict(2021) == parse_plan_file(SEED).to_json_dict(2021)
    assert read_plan_document(path) == "\n".join(lines)


def test_docx_automatic_numbering_is_rebuilt(tmp_path: Path) -> None:
    """Word's automatic numbering (一、 headings, 1. tasks from numbering.xml) reads like typed."""
    document = docx.Document()
    num_id = _add_outline_numbering(document)
    for line in SEED.read_text("utf-8").splitlines():
        section = SECTION_RE.match(line)
        task = re.match(r"^\d+\.", line)
        if section:
            _number_paragraph(document.add_paragraph(line[section.end() :]), num_id, 0)
        elif task:
            _number_paragraph(document.add_paragraph(line[task.end() :]), num_id, 1)
        else:
            document.add_paragraph(line)
    path = tmp_path / "auto.docx"
    document.save(str(path))
    assert "\n1.加大决策公开" not in "\n" + "\n".join(
        p.text for p in docx.Document(path).paragraphs
    )
    assert parse_plan_file(path).to_json_dict(2021) == parse_plan_file(SEED).to_json_dict(2021)


def test_docx_numbering_from_a_paragraph_style(tmp_path: Path) -> None:
    """Numbering carried by a paragraph style (not the paragraph) and a start override count."""
    document = docx.Document()
    num_id = _add_outline_numbering(document)
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="90"/>'
            '<w:lvlOverride w:ilvl="1"><w:startOverride w:val="5"/></w:lvlOverride></w:num>'
        )
    )
    style = document.styles.add_style("任务编号", WD_STYLE_TYPE.PARAGRAPH)
    style_num_pr = style.element.get_or_add_pPr().get_or_add_numPr()
    style_num_pr.get_or_add_ilvl().val = 1
    style_num_pr.get_or_add_numId().val = 91
    _number_paragraph(document.add_paragraph("重点任务"), num_id, 0)
    document.add_paragraph("做好公开。（牵头部门：综合处）", style="任务编号")
    document.add_paragraph("做好解读。（牵头部门：政法处）", style="任务编号")
    path = tmp_path / "styled.docx"
    document.save(str(path))
    parsed = parse_plan_file(path)
    assert [(t.no, t.section, t.title) for t in parsed.tasks] == [
        (5, "一、重点任务", "做好公开"),
        (6, "一、重点任务", "做好解读"),
    ]


def test_docx_with_blank_and_indented_paragraphs(tmp_path: Path) -> None:
    """Blank paragraphs and full-width indentation in a .docx change nothing."""
    lines = []
    for line in SEED.read_text("utf-8").splitlines():
        lines += ["\u3000\u3000" + line, ""]
    path = _write_docx(tmp_path / "spaced.docx", lines)
    assert parse_plan_file(path).to_json_dict(2021) == parse_plan_file(SEED).to_json_dict(2021)


# --- refusals --------------------------------------------------------------------------------


def _refusal(path: Path, kind: type[Exception] = ValidationError) -> str:
    with pytest.raises(kind) as info:
        read_plan_document(path)
    message = str(info.value)
    assert _is_chinese(message), message
    return message


def test_text_renamed_docx_is_refused(tmp_path: Path) -> None:
    """A text file renamed to .docx is refused as not a Word file (and not as too large)."""
    path = tmp_path / "fake.docx"
    path.write_text("1.做好公开。（牵头部门：政法处）", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_plan_document(path)
    assert not isinstance(info.value, InputTooLarge)
    assert "不是有效的 Word" in str(info.value)


def test_workbook_renamed_docx_is_refused(tmp_path: Path) -> None:
    """A real Office zip that is not a Word document (an .xlsx) is refused in Chinese."""
    path = tmp_path / "book.docx"
    openpyxl.Workbook().save(path)
    assert "不是有效的 Word" in _refusal(path)


def test_zip_without_content_types_is_refused(tmp_path: Path) -> None:
    """A zip lacking [Content_Types].xml is not a Word document."""
    path = tmp_path / "plain.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    assert "不是有效的 Word" in _refusal(path)


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    """An entry inflating more than 100-fold is refused as too large, from the directory alone."""
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (8 * 1024 * 1024))
    assert path.stat().st_size < 100 * 1024
    assert "压缩比" in _refusal(path, InputTooLarge)


def test_too_many_zip_entries_are_refused(tmp_path: Path) -> None:
    """A zip with more entries than the limit is refused as too large."""
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(plan.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"part{index}.xml", "")
    assert "个部件，超过上限" in _refusal(path, InputTooLarge)


def test_total_uncompressed_size_is_limited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A genuine .docx whose parts add up to more than the uncompressed limit is refused."""
    path = _write_docx(tmp_path / "ok.docx", ["一、任务", "1.做好公开。（牵头部门：综合处）"])
    monkeypatch.setattr(plan, "MAX_UNCOMPRESSED_BYTES", 10_000)
    assert "解压后" in _refusal(path, InputTooLarge)


@pytest.mark.parametrize("suffix", [".docx", ".txt"])
def test_oversized_file_is_refused(tmp_path: Path, suffix: str) -> None:
    """A file over 20 MB is refused as too large before anything reads it."""
    path = tmp_path / f"big{suffix}"
    with path.open("wb") as handle:
        handle.truncate(plan.MAX_FILE_BYTES + 1)
    assert "过大" in _refusal(path, InputTooLarge)


@pytest.mark.parametrize("name", ["plan.doc", "plan.pdf", "plan.xlsx", "plan"])
def test_other_file_types_are_refused(tmp_path: Path, name: str) -> None:
    """Only .txt and .docx are read; .doc gets a hint to save as .docx."""
    path = tmp_path / name
    path.write_bytes(b"1.x")
    message = _refusal(path)
    assert ("另存为 .docx" in message) == (name == "plan.doc")


def test_missing_file_is_refused(tmp_path: Path) -> None:
    """A path that does not exist gives a Chinese 找不到文件 message."""
    assert "找不到文件" in _refusal(tmp_path / "none.txt")


def test_undecodable_text_is_refused(tmp_path: Path) -> None:
    """Bytes that are neither UTF-8 nor GB18030 are refused with a hint about the encoding."""
    path = tmp_path / "binary.txt"
    path.write_bytes(b"\x80\xff\x00\x81" * 10)
    assert "编码" in _refusal(path)


def test_utf16_text_with_bom_is_read(tmp_path: Path) -> None:
    """Notepad's “Unicode” (UTF-16 with BOM) is read like UTF-8."""
    path = tmp_path / "utf16.txt"
    path.write_bytes(SEED.read_text("utf-8").encode("utf-16"))
    assert parse_plan_file(path).to_json_dict(2021) == parse_plan_file(SEED).to_json_dict(2021)
