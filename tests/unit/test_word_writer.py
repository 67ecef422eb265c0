"""The official-document Word writer: page setup, fonts, spacing, page numbers, tables, saving."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from support import convert_with_libreoffice, pdf_text_lines

from gongkai_desktop.errors import GongkaiError
from gongkai_desktop.reports.word import (
    Cell,
    OfficialDocument,
    WordFonts,
    chinese_numeral,
    template,
)
from gongkai_desktop.reports.word.document import signature_offsets
from gongkai_desktop.reports.word.fonts import SIZE_3HAO
from gongkai_desktop.reports.word.title_lines import display_width

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
TABLE3_GROUPS: list[tuple[str, list[str]]] = [
    ("（一）予以公开", []),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", []),
    (
        "（三）不予公开",
        [
            "1.属于国家秘密",
            "2.其他法律行政法规禁止公开",
            "3.危及“三安全一稳定”",
            "4.保护第三方合法权益",
            "5.属于三类内部事务信息",
            "6.属于四类过程性信息",
            "7.属于行政执法案卷",
            "8.属于行政查询事项",
        ],
    ),
    (
        "（四）无法提供",
        ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"],
    ),
    (
        "（五）不予处理",
        [
            "1.信访举报投诉类申请",
            "2.重复申请",
            "3.要求提供公开出版物",
            "4.无正当理由大量反复申请",
            "5.要求行政机关确认或重新出具已获取信息",
        ],
    ),
    (
        "（六）其他处理",
        [
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "3.其他",
        ],
    ),
    ("（七）总计", []),
]

BODY_TEXT = (
    "2024年，本机关坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，"
    "认真落实《中华人民共和国政府信息公开条例》和国务院办公厅关于政务公开工作的部署要求，"
    "围绕中心工作，聚焦群众关切，持续深化政务公开，不断提升政府透明度和公信力，"
    "为推进治理体系和治理能力现代化提供了有力支撑。"
)

SECOND_TEXT = (
    "全年通过门户网站、政务新媒体等渠道主动公开政府信息，及时回应社会关切，"
    "依法规范办理政府信息公开申请，各项工作有序推进。"
)


def _numbers(seed: int) -> list[int]:
    values = [(seed * 7 + i * 3) % 11 for i in range(6)]
    return [*values, sum(values)]


def table3_rows() -> tuple[list[list[Cell | str]], list[list[Cell | str | int]]]:
    """Header and body rows of the annual report's table 三 (3 label columns + 7 numbers)."""
    header: list[list[Cell | str]] = [
        [Cell(TABLE3_NOTE, rowspan=3, colspan=3), Cell("申请人情况", colspan=7)],
        [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)],
        ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
    ]
    body: list[list[Cell | str | int]] = [
        [Cell("一、本年新收政府信息公开申请数量", colspan=3), *_numbers(1)],
        [Cell("二、上年结转政府信息公开申请数量", colspan=3), *_numbers(2)],
    ]
    result_rows = sum(max(1, len(items)) for _, items in TABLE3_GROUPS)
    first = True
    seed = 3
    for label, items in TABLE3_GROUPS:
        lead: list[Cell | str | int] = []
        if first:
            lead.append(Cell("三、本年度办理结果", rowspan=result_rows))
            first = False
        if not items:
            body.append([*lead, Cell(label, colspan=2), *_numbers(seed)])
            seed += 1
            continue
        for i, item in enumerate(items):
            row = [*lead] if i == 0 else []
            if i == 0:
                row.append(Cell(label, rowspan=len(items)))
            body.append([*row, item, *_numbers(seed)])
            seed += 1
            lead = []
    body.append([Cell("四、结转下年度继续办理", colspan=3), *_numbers(seed)])
    return header, body


TABLE3_WIDTHS = [1.4, 1.9, 5.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1]


def build_sample(fonts: WordFonts | None = None) -> OfficialDocument:
    """A two-plus-page report: title, headings of levels 1 and 2, body text, table 三."""
    doc = OfficialDocument(fonts)
    doc.title("××省××厅2024年政府信息公开工作年度报告")
    doc.paragraph(
        "本报告根据《中华人民共和国政府信息公开条例》第五十条规定编制。"
        "报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。"
    )
    doc.heading("总体情况", 1, numbered=True)
    for sub in ("主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障"):
        doc.heading(sub, 2, numbered=True)
        doc.paragraph(BODY_TEXT)
        doc.paragraph(SECOND_TEXT)
    doc.heading("收到和处理政府信息公开申请情况", 1, numbered=True)
    header, body = table3_rows()
    doc.table(header, body, TABLE3_WIDTHS)
    doc.note("注：本表数据均为本机关本年度实际办理数。")
    doc.heading("存在的主要问题及改进情况", 1, numbered=True)
    doc.paragraph(BODY_TEXT)
    doc.date_line("2025年1月20日", issuer="××省××厅")
    return doc


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    return build_sample().save(tmp_path / "报告.docx")


def _part_xml(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name).decode("utf-8")


def _body_paragraphs(path: Path) -> list:
    return docx.Document(str(path)).paragraphs


def test_page_is_a4_with_official_margins(sample_path: Path) -> None:
    """The section is A4 with margins 37/35/28/26 mm (top/bottom/left/right)."""
    section = docx.Document(str(sample_path)).sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    for actual, mm in (
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(actual - Mm(mm)) < Mm(0.05)


def test_type_area_holds_22_lines() -> None:
    """22 lines of 28.9 pt fit the 225 mm type area and a 23rd does not."""
    assert template.LINE_PITCH == 578
    assert 22 * template.LINE_PITCH <= template.TEXT_HEIGHT < 23 * template.LINE_PITCH
    assert abs(template.TEXT_WIDTH - Mm(156).twips) <= 2


def test_every_run_names_an_east_asian_font(sample_path: Path) -> None:
    """Every run in the body and the footers carries rFonts with eastAsia, ascii and hAnsi."""
    document = docx.Document(str(sample_path))
    roots = [document.element.body]
    section = document.sections[0]
    roots += [section.footer.part.element, section.even_page_footer.part.element]
    runs = [r for root in roots for r in root.iter(f"{W}r")]
    assert len(runs) > 50
    for r in runs:
        fonts = r.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None
        for attr in ("eastAsia", "ascii", "hAnsi"):
            assert fonts.get(qn(f"w:{attr}"))


def test_fonts_by_role(sample_path: Path) -> None:
    """Title, headings and body text use the configured East-Asian fonts."""
    fonts = WordFonts()
    by_style: dict[str, set[str]] = {}
    for p in _body_paragraphs(sample_path):
        for r in p.runs:
            east_asia = r._r.rPr.rFonts.get(qn("w:eastAsia"))
            by_style.setdefault(p.style.style_id, set()).add(east_asia)
    assert by_style["Title"] == {fonts.title}
    assert by_style["Heading1"] == {fonts.heading1}
    assert by_style["Heading2"] == {fonts.heading2}
    assert fonts.body in by_style["Normal"]


def test_fallback_fonts_are_written(tmp_path: Path) -> None:
    """WordFonts.fallback() puts 宋体/黑体/楷体/仿宋 into the runs and makes the title bold."""
    path = build_sample(WordFonts.fallback()).save(tmp_path / "fallback.docx")
    xml = _part_xml(path, "word/document.xml")
    assert "GB2312" not in xml and "方正" not in xml
    title = next(p for p in _body_paragraphs(path) if p.style.style_id == "Title")
    assert title.runs[0].font.bold is True
    assert title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_defaults_and_styles_are_chinese(sample_path: Path) -> None:
    """docDefaults and the used styles name East-Asian fonts, with no theme fonts left."""
    styles = docx.Document(str(sample_path)).styles.element
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(f"{W}rFonts").get(qn("w:eastAsia")) == WordFonts().body
    assert defaults.find(f"{W}lang").get(qn("w:eastAsia")) == "zh-CN"
    for style_id in ("Normal", "Title", "Heading1", "Heading2", "Heading3", "Footer"):
        style = next(s for s in styles.iter(f"{W}style") if s.get(qn("w:styleId")) == style_id)
        assert style.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia"))
    assert "eastAsiaTheme" not in _part_xml(sample_path, "word/styles.xml")
    assert "Theme=" not in _part_xml(sample_path, "word/styles.xml")


def test_no_japanese_language_or_fonts_left(sample_path: Path) -> None:
    """No XML part says ja-JP; the theme font language is zh-CN; stale parts are gone."""
    with zipfile.ZipFile(sample_path) as zf:
        names = zf.namelist()
        for name in names:
            if name.endswith((".xml", ".rels")):
                assert "ja-JP" not in zf.read(name).decode("utf-8"), name
    assert "word/stylesWithEffects.xml" not in names
    assert "docProps/thumbnail.jpeg" not in names
    settings = _part_xml(sample_path, "word/settings.xml")
    assert re.search(r'<w:themeFontLang [^>]*w:eastAsia="zh-CN"', settings)
    font_table = _part_xml(sample_path, "word/fontTable.xml")
    assert "ＭＳ" not in font_table
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>' in (
        font_table
    )


def test_type_sizes(sample_path: Path) -> None:
    """Title 22 pt, headings and body 16 pt, table text 10.5 pt, page numbers 14 pt."""
    document = docx.Document(str(sample_path))
    sizes: dict[str, set[float]] = {}
    for p in document.paragraphs:
        for r in p.runs:
            sizes.setdefault(p.style.style_id, set()).add(r.font.size.pt)
    assert sizes["Title"] == {22.0}
    assert sizes["Heading1"] == sizes["Heading2"] == {16.0}
    assert 16.0 in sizes["Normal"]
    table_sizes = {
        r.font.size.pt for c in document.tables[0]._cells for p in c.paragraphs for r in p.runs
    }
    assert table_sizes == {10.5}
    footer = document.sections[0].footer.paragraphs[0]
    assert {r.font.size.pt for r in footer.runs} == {14.0}


def test_body_line_spacing_is_exact_28_9_pt(sample_path: Path) -> None:
    """Body paragraphs and headings use an exact line height of 28.9 pt."""
    checked = 0
    for p in _body_paragraphs(sample_path):
        body_size = p.runs and p.runs[0].font.size == Pt(16)
        if p.style.style_id in ("Normal", "Heading1", "Heading2") and body_size:
            spacing = p._p.pPr.find(f"{W}spacing")
            assert spacing.get(qn("w:lineRule")) == "exact"
            assert spacing.get(qn("w:line")) == "578"
            assert p.paragraph_format.line_spacing == Pt(28.9)
            checked += 1
    assert checked > 10


def test_first_line_indent_is_two_characters(sample_path: Path) -> None:
    """Body paragraphs indent the first line by 200 hundredths of a character and 32 pt."""
    body = [p for p in _body_paragraphs(sample_path) if p.style.style_id == "Normal" and p.text]
    indented = [p for p in body if p.paragraph_format.first_line_indent]
    assert len(indented) >= 10
    for p in indented:
        ind = p._p.pPr.find(f"{W}ind")
        assert ind.get(qn("w:firstLineChars")) == "200"
        assert p.paragraph_format.first_line_indent == Pt(32)


def test_page_number_footers(sample_path: Path) -> None:
    """Odd/even footers hold a PAGE field as — N —; odd on the right, even on the left."""
    document = docx.Document(str(sample_path))
    assert document.settings.odd_and_even_pages_header_footer is True
    assert "<w:evenAndOddHeaders/>" in _part_xml(sample_path, "word/settings.xml")
    section = document.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        assert not footer.is_linked_to_previous
        p = footer.paragraphs[0]
        ftr = footer.part.element
        assert [f.get(qn("w:fldCharType")) for f in ftr.iter(f"{W}fldChar")] == [
            "begin",
            "separate",
            "end",
        ]
        assert [i.text.strip() for i in ftr.iter(f"{W}instrText")] == ["PAGE"]
        assert re.fullmatch(r"— \d —", p.text)
        assert p._p.pPr.find(f"{W}jc").get(qn("w:val")) == side
        fonts = {r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in p.runs}
        assert fonts == {"宋体"}


def test_table_header_repeats_and_spans_merge(sample_path: Path) -> None:
    """Header rows carry tblHeader; declared spans become gridSpan and vMerge."""
    document = docx.Document(str(sample_path))
    table = document.tables[0]
    rows = table._tbl.tr_lst
    assert len(rows) == 3 + 25
    flags = [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in rows]
    assert flags == [True] * 3 + [False] * 25
    # The corner note spans 3 columns and 3 rows; 申请人情况 spans the 7 number columns.
    first = rows[0].tc_lst
    assert first[0].grid_span == 3 and first[0].vMerge == "restart"
    assert first[1].grid_span == 7
    assert rows[1].tc_lst[0].grid_span == 3 and rows[1].tc_lst[0].vMerge == "continue"
    assert rows[1].tc_lst[1].vMerge == "restart"  # 自然人 over two header rows
    assert rows[1].tc_lst[2].grid_span == 5  # 法人或其他组织
    # Merged cells resolve to one cell in python-docx's grid view.
    assert table.cell(0, 0) is not None and table.cell(2, 2).text == TABLE3_NOTE
    assert table.cell(1, 4).text == "法人或其他组织" == table.cell(1, 8).text
    assert table.cell(5, 0).text == "三、本年度办理结果" == table.cell(26, 0).text
    assert table.cell(7, 1).text == "（三）不予公开" == table.cell(14, 1).text
    assert table.cell(27, 0).text == "四、结转下年度继续办理"
    for tr in rows:
        for tc in tr.tc_lst:
            assert tc.find(f"{W}tcPr/{W}vAlign").get(qn("w:val")) == "center"


def test_table_is_full_width_with_borders(sample_path: Path) -> None:
    """The table spans the 156 mm text width in fixed layout and draws all borders."""
    tbl = docx.Document(str(sample_path)).tables[0]._tbl
    tbl_w = tbl.tblPr.find(f"{W}tblW")
    assert tbl_w.get(qn("w:type")) == "dxa"
    width = int(tbl_w.get(qn("w:w")))
    assert abs(width - Mm(156).twips) <= 2
    assert sum(int(col.get(qn("w:w"))) for col in tbl.tblGrid.iter(f"{W}gridCol")) == width
    assert tbl.tblPr.find(f"{W}tblLayout").get(qn("w:type")) == "fixed"
    borders = tbl.tblPr.find(f"{W}tblBorders")
    assert {b.tag.removeprefix(W) for b in borders} == {
        "top",
        "left",
        "bottom",
        "right",
        "insideH",
        "insideV",
    }


def test_table_rows_that_do_not_fill_the_grid_are_refused() -> None:
    """A row that is short of columns, or a header span into the body, raises ValueError."""
    doc = OfficialDocument()
    with pytest.raises(ValueError, match="fills 2 of 3"):
        doc.table([["a", "b", "c"]], [["1", "2"]])
    with pytest.raises(ValueError, match="header cell spans into the body"):
        doc.table([[Cell("a", rowspan=2), "b"]], [["1"]])
    with pytest.raises(ValueError, match="column widths"):
        doc.table([["a", "b"]], [[1, 2]], col_widths=[1])


def test_heading_numbers() -> None:
    """Numbered headings count 一、二、… and restart （一） under each level-1 heading."""
    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 20, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]
    doc = OfficialDocument()
    doc.heading("甲", 1, numbered=True)
    doc.heading("乙", 2, numbered=True)
    doc.heading("丙", 2, numbered=True)
    doc.heading("丁", 1, numbered=True)
    doc.heading("戊", 2, numbered=True)
    doc.heading("己", 3, numbered=True)
    doc.heading("庚", 4, numbered=True)
    texts = [p.text for p in doc.document.paragraphs]
    assert texts == ["一、甲", "（一）乙", "（二）丙", "二、丁", "（一）戊", "1.己", "（1）庚"]


def test_page_break_starts_the_next_block_on_a_new_page() -> None:
    """page_break() marks the next paragraph pageBreakBefore; a trailing break adds nothing."""
    doc = OfficialDocument()
    doc.paragraph("第一页")
    doc.page_break()
    doc.heading("二、第二页", 1)
    doc.page_break()
    doc.table([["甲", "乙"]], [[1, 2]])
    doc.page_break()
    paragraphs = doc.document.paragraphs
    assert [p.paragraph_format.page_break_before for p in paragraphs[:2]] == [None, True]
    breaks = doc.document.element.body.findall(f"{W}p/{W}r/{W}br")
    assert [b.get(qn("w:type")) for b in breaks] == ["page"]
    assert doc.document.element.body[-2].tag == f"{W}tbl"


def test_title_is_followed_by_one_blank_line_and_centred(tmp_path: Path) -> None:
    """The title is centred and one empty body line separates it from the text."""
    path = build_sample().save(tmp_path / "a.docx")
    paragraphs = _body_paragraphs(path)
    assert paragraphs[0].style.style_id == "Title"
    assert paragraphs[0].paragraph_format.alignment == 1  # centre
    assert paragraphs[1].text == "" and paragraphs[2].text.startswith("本报告")


def test_save_is_atomic(tmp_path: Path) -> None:
    """A successful save leaves only the target in the folder, no temporary file."""
    target = build_sample().save(tmp_path / "out.docx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.docx"]
    assert docx.Document(str(target)).paragraphs[0].text.startswith("××省")


def test_failed_save_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If writing fails half-way, neither the target nor a temporary file is left behind."""
    target = tmp_path / "out.docx"
    doc = build_sample()

    def broken_save(path_or_stream: str) -> None:
        Path(path_or_stream).write_bytes(b"PK\x03\x04 half a zip")
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(doc.document, "save", broken_save)
    with pytest.raises(RuntimeError):
        doc.save(target)
    assert list(tmp_path.iterdir()) == []


def test_failed_save_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save that fails with a full disk leaves the old file intact and reports it in Chinese."""
    target = build_sample().save(tmp_path / "out.docx")
    before = target.read_bytes()
    doc = build_sample()

    def disk_full(path_or_stream: str) -> None:
        Path(path_or_stream).write_bytes(b"PK")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(doc.document, "save", disk_full)
    with pytest.raises(GongkaiError, match="写入文件失败"):
        doc.save(target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.docx"]


def test_to_bytes_is_a_docx() -> None:
    """to_bytes() returns a .docx package that python-docx reads back."""
    data = build_sample().to_bytes()
    assert data[:2] == b"PK"
    assert docx.Document(io.BytesIO(data)).paragraphs[0].text.startswith("××省")


def _pdf_page_count(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        out = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


@pytest.mark.slow
def test_libreoffice_converts_the_sample_to_pdf(tmp_path: Path) -> None:
    """LibreOffice accepts the document and renders it on at least two pages."""
    source = build_sample().save(tmp_path / "sample.docx")
    pdf = convert_with_libreoffice(source, tmp_path / "pdf")
    assert pdf.exists()
    assert _pdf_page_count(pdf) >= 2


def test_page_carries_a_character_grid_of_28_by_22(sample_path: Path) -> None:
    """docGrid is linesAndChars with the 3号 pitch for 28 characters; body runs are condensed
    so 28 of them fit the type line and do not snap to the grid."""
    sect = docx.Document(str(sample_path)).element.body.sectPr
    grid = sect.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert int(grid.get(qn("w:linePitch"))) == template.LINE_PITCH
    pitch_pt = SIZE_3HAO + int(grid.get(qn("w:charSpace"))) / 4096
    text_width_pt = template.TEXT_WIDTH / 20
    assert int(text_width_pt // pitch_pt) == 28
    body = next(p for p in _body_paragraphs(sample_path) if p.text.startswith("本报告"))
    spacing = body.runs[0]._r.rPr.find(qn("w:spacing"))
    condensed_pt = SIZE_3HAO + int(spacing.get(qn("w:val"))) / 20
    assert int(text_width_pt // condensed_pt) == 28
    assert body._p.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"


@pytest.mark.slow
def test_libreoffice_sets_28_characters_on_a_body_line(tmp_path: Path) -> None:
    """Converted by LibreOffice, every full line of an unindented body paragraph holds 28
    characters and an indented first line 26."""
    doc = OfficialDocument()
    doc.title("测试")
    doc.paragraph("一二三四五六七八九十" * 10, indent=False)
    doc.paragraph("甲乙丙丁戊己庚辛壬癸" * 6)
    pdf = convert_with_libreoffice(doc.save(tmp_path / "grid.docx"), tmp_path / "pdf")
    lines = [line.strip().replace(" ", "") for line in pdf_text_lines(pdf) if line.strip()]
    first = [line for line in lines if line[0] in "一二三四五六七八九十"]
    assert [len(line) for line in first] == [28, 28, 28, 16]
    second = [line for line in lines if line[0] in "甲乙丙丁戊己庚辛壬癸"]
    assert [len(line) for line in second] == [26, 28, 6]


def test_signature_stands_as_gb_t_9704_7_3_5_2_says() -> None:
    """The issuer 右空二字 and the date two characters right of its start; a long date stands
    右空二字 with the issuer moved left."""
    unit = "某省发展和改革委员会"  # 10 characters
    assert signature_offsets(unit, "2026年1月20日") == [(unit, 2.0), ("2026年1月20日", 3.5)]
    short = "某省某局"
    assert signature_offsets(short, "2026年12月31日") == [(short, 7.0), ("2026年12月31日", 2.0)]
    for issuer, date in ((unit, "2026年1月20日"), (short, "2026年12月31日")):
        (i_line, i_right), (d_line, d_right) = signature_offsets(issuer, date)
        issuer_start = -i_right - display_width(i_line)
        date_start = -d_right - display_width(d_line)
        assert date_start - issuer_start == 2
        assert min(i_right, d_right) == 2
    assert signature_offsets(None, "2026年1月20日") == [("2026年1月20日", 2.0)]


def test_signature_lines_carry_their_right_indents(sample_path: Path) -> None:
    """The written signature paragraphs carry the offsets in hundredths of a character."""
    paragraphs = _body_paragraphs(sample_path)
    issuer, date = paragraphs[-2], paragraphs[-1]
    expected = signature_offsets("××省××厅", "2025年1月20日")
    for paragraph, (text, right) in zip((issuer, date), expected, strict=True):
        assert paragraph.text == text
        ind = paragraph._p.pPr.find(qn("w:ind"))
        assert int(ind.get(qn("w:rightChars"))) == round(right * 100)


def test_signature_is_kept_with_the_last_line_of_text(sample_path: Path) -> None:
    """The last body paragraph, the blank line and the issuer keep with the next paragraph, so
    the signature never stands alone on a page."""
    paragraphs = _body_paragraphs(sample_path)
    last_text, blank, issuer, date = paragraphs[-4:]
    assert last_text.text and not blank.text
    for p in (last_text, blank, issuer):
        assert p._p.pPr.find(qn("w:keepNext")) is not None, p.text
    assert date._p.pPr.find(qn("w:keepNext")) is None
