"""The policy interpretation exported as a Word document in the official layout (GB/T 9704)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from support import convert_with_libreoffice

from gongkai_desktop.domain.interpretation import InterpretationFields
from gongkai_desktop.reports.interpretation_docx import interpretation_title, write_interpretation
from gongkai_desktop.reports.word import DRAFT_MARK, WordFonts, chinese_date

FONTS = WordFonts(
    title="方正小标宋_GBK",
    body="方正仿宋_GBK",
    heading1="方正黑体_GBK",
    heading2="方正楷体_GBK",
    table="方正仿宋_GBK",
)

FIELDS = InterpretationFields(
    title="《××省政务公开工作规定》",
    document_title="××省政务公开工作规定",
    document_number="×政办发〔2024〕12号",
    forms=("text", "graphic"),
    interpreter_role="division_head",
    interpreter="王明",
    document_approved_on=date(2024, 3, 1),
    approved_on=date(2024, 3, 1),
    document_published_on=date(2024, 3, 8),
    published_on=date(2024, 3, 8),
    link="https://www.example.gov.cn/zwgk/zcjd/202403/t20240308_123456.html",
    sections={
        # Deliberately not in the document's order: the export orders them.
        "next_steps": "省政府办公厅将加强督促检查，推动《规定》落实。",
        "background": (
            "为深入贯彻落实《中华人民共和国政府信息公开条例》，省政府办公厅起草了《规定》。\n\n"
            "\u3000\u3000《规定》是落实“公开为常态、不公开为例外”原则的重要举措。"
        ),
        "drafting": "   \n\u3000",
        "tasks": (
            "（一）加强主动公开。\r\n1. 公开目录每年更新。\n1.5亿元专项资金全部公开。\n"
            "（二）规范依申请公开。\n（三）做好政策解读。"
        ),
        "changes": "",
    },
)


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    return write_interpretation(
        FIELDS,
        tmp_path / "解读.docx",
        unit_name="××省人民政府办公厅",
        fonts=FONTS,
        issued=date(2024, 3, 8),
    )


def _paragraphs(path: Path) -> list:
    return [p for p in docx.Document(str(path)).paragraphs if p.text.strip()]


def test_title_and_numbered_headings_of_filled_sections_only(exported: Path) -> None:
    """The title comes first; only sections with text get a heading, numbered in section order."""
    paragraphs = _paragraphs(exported)
    assert paragraphs[0].text == "关于《××省政务公开工作规定》的政策解读"
    assert paragraphs[0].style.style_id == "Title"
    headings = [p.text for p in paragraphs if p.style.style_id == "Heading1"]
    assert headings == ["一、背景依据", "二、主要任务", "三、下一步工作"]


def test_section_text_is_split_into_paragraphs(exported: Path) -> None:
    """Each non-blank line of a section becomes its own indented body paragraph."""
    texts = [p.text for p in _paragraphs(exported)]
    start = texts.index("一、背景依据")
    assert texts[start + 1 : start + 3] == [
        "为深入贯彻落实《中华人民共和国政府信息公开条例》，省政府办公厅起草了《规定》。",
        "《规定》是落实“公开为常态、不公开为例外”原则的重要举措。",
    ]
    tasks = texts.index("二、主要任务")
    assert texts[tasks + 1 : tasks + 6] == [
        "（一）加强主动公开。",
        "1. 公开目录每年更新。",
        "1.5亿元专项资金全部公开。",
        "（二）规范依申请公开。",
        "（三）做好政策解读。",
    ]


def test_numbered_lines_of_a_section_are_level_2_and_3_headings(exported: Path) -> None:
    """Lines numbered （一） and 1. are level-2 (楷体) and level-3 (bold) headings."""
    paragraphs = _paragraphs(exported)
    style = {p.text: p.style.style_id for p in paragraphs}
    assert style["（一）加强主动公开。"] == "Heading2"
    assert style["（三）做好政策解读。"] == "Heading2"
    assert style["1. 公开目录每年更新。"] == "Heading3"
    assert style["1.5亿元专项资金全部公开。"] == "Normal"
    [level2] = [p for p in paragraphs if p.text == "（二）规范依申请公开。"]
    assert {r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in level2.runs} == {FONTS.heading2}
    [level3] = [p for p in paragraphs if p.text == "1. 公开目录每年更新。"]
    assert all(r.bold for r in level3.runs)
    assert {r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in level3.runs} == {FONTS.body}


def test_information_block_and_signature(exported: Path) -> None:
    """The public particulars follow the sections, then the unit (not a division) and the
    成文日期 given; 审签/发布 dates, the interpreter's role, form and link stay out."""
    texts = [p.text for p in _paragraphs(exported)]
    assert texts[-4:] == [
        "解读人：王明",
        "文件文号：×政办发〔2024〕12号",
        "××省人民政府办公厅",
        "2024年3月8日",
    ]
    whole = "\n".join(texts)
    for internal in ("审签", "发布日期", "处室负责人", "解读形式", "https://", "政务公开办公室"):
        assert internal not in whole
    paragraphs = _paragraphs(exported)
    assert paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert "草稿" not in docx.Document(str(exported)).sections[0].header._element.xml


def test_a_draft_is_marked_on_every_page(tmp_path: Path) -> None:
    """An interpretation not yet approved carries the 草稿 mark in the odd and even headers."""
    fields = InterpretationFields(title="关于《××规定》的解读", document_title="××规定")
    path = write_interpretation(
        fields, tmp_path / "d.docx", unit_name="××厅", fonts=FONTS, issued=date(2024, 3, 8)
    )
    section = docx.Document(str(path)).sections[0]
    for header in (section.header, section.even_page_header):
        assert [p.text for p in header.paragraphs] == [DRAFT_MARK]


def test_signature_date_defaults_to_today_not_a_record_date(tmp_path: Path) -> None:
    """Without a 成文日期 the signature is dated today, not the approval or publication day."""
    path = write_interpretation(FIELDS, tmp_path / "t.docx", unit_name="××厅", fonts=FONTS)
    assert _paragraphs(path)[-1].text == chinese_date(date.today())


def test_fonts_come_from_the_word_fonts_passed(exported: Path) -> None:
    """Title, headings and body runs name the East-Asian fonts of the WordFonts given."""
    by_style: dict[str, set[str]] = {}
    for p in _paragraphs(exported):
        for r in p.runs:
            by_style.setdefault(p.style.style_id, set()).add(r._r.rPr.rFonts.get(qn("w:eastAsia")))
    assert by_style["Title"] == {FONTS.title}
    assert by_style["Heading1"] == {FONTS.heading1}
    assert by_style["Normal"] == {FONTS.body}
    sizes = {
        r.font.size.pt for p in _paragraphs(exported) if p.style.style_id != "Title" for r in p.runs
    }
    assert sizes == {16.0}


def test_page_is_a4_with_official_margins(exported: Path) -> None:
    """A4 with margins 37/35/28/26 mm and page numbers in odd and even footers."""
    document = docx.Document(str(exported))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    for actual, mm in (
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(actual - Mm(mm)) < Mm(0.05)
    assert document.settings.odd_and_even_pages_header_footer is True
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml


def test_written_through_a_temporary_file(exported: Path) -> None:
    """Only the finished document is left in the folder, under its own name."""
    assert [p.name for p in exported.parent.iterdir()] == ["解读.docx"]
    assert docx.Document(str(exported)).core_properties.title == (
        "关于《××省政务公开工作规定》的政策解读"
    )


@pytest.mark.parametrize(
    ("title", "document_title", "expected"),
    [
        ("一图读懂《××规定》", "××规定", "一图读懂《××规定》"),
        ("《××规定》政策解读", "××规定", "《××规定》政策解读"),
        ("××规定", "《××规定》", "关于《××规定》的政策解读"),
        ("解读稿", "", "解读稿"),
    ],
)
def test_title_rules(title: str, document_title: str, expected: str) -> None:
    """A title that reads as one is kept; otherwise the title is made from the document's name."""
    fields = InterpretationFields(title=title, document_title=document_title)
    assert interpretation_title(fields) == expected


def test_minimal_interpretation(tmp_path: Path) -> None:
    """With no sections and no particulars the document holds the title and the signature."""
    fields = InterpretationFields(title="关于《××规定》的解读", document_title="××规定", forms=())
    path = write_interpretation(
        fields, tmp_path / "a.docx", unit_name="", fonts=WordFonts.fallback()
    )
    texts = [p.text for p in _paragraphs(path)]
    assert texts[0] == "关于《××规定》的解读"
    assert len(texts) == 2 and texts[1].endswith("日")


@pytest.mark.slow
def test_libreoffice_converts_the_interpretation(exported: Path, tmp_path: Path) -> None:
    """LibreOffice opens the exported interpretation and converts it to PDF."""
    pdf = convert_with_libreoffice(exported, tmp_path / "pdf")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "政策解读" in text and "三、下一步工作" in text
