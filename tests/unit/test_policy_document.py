"""Policy documents to interpret: .docx, .pdf and .txt read into paragraphs, untrusted files refused."""

from __future__ import annotations

import hashlib
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt
from pypdf import PdfWriter
from support import convert_with_libreoffice
from test_xlsx_safety import deflated, forbid_member_reads, write_raw_zip, zeros_bomb

from gongkai_desktop.errors import InputTooLarge, ValidationError
from gongkai_desktop.importers import policy_document, policy_docx, policy_paragraphs, policy_pdf
from gongkai_desktop.importers.policy_document import (
    TextLine,
    join_lines,
    normalise_space,
    read_policy_document,
)

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="x"/>'

LONG = (
    "为深入贯彻落实《中华人民共和国政府信息公开条例》，进一步提升政务公开工作质量和水平，"
    "推动政务公开工作制度化、标准化、信息化，结合本省实际，现就有关事项通知如下。"
)
WITH_LATIN = (
    "各处室要按照GB/T 9704-2012的要求排版公文，2024年起通过门户网站和政务新媒体发布，"
    "并在每季度结束后5个工作日内报送工作进展，确保各项任务按期完成、取得实效、经得起检验。"
)


def _docx_with_table(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("关于进一步加强政务公开工作的通知")
    document.add_paragraph("")
    document.add_paragraph("\u3000\u3000一、总体要求  ")
    document.add_paragraph("坚持公开为常态、   不公开为例外。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "事项"
    table.cell(0, 1).text = "责任处室"
    table.cell(1, 0).text = "政策解读"
    cell = table.cell(1, 1)
    cell.text = "政策法规处"
    cell.add_paragraph("各业务处")
    document.add_paragraph("二、工作措施")
    document.save(str(path))
    return path


def test_docx_paragraphs_and_table_cells_in_document_order(tmp_path: Path) -> None:
    """Body and table cell paragraphs come in order, empty ones dropped, spaces normalised."""
    path = _docx_with_table(tmp_path / "通知.docx")
    text = read_policy_document(path)
    assert text.paragraphs == (
        "关于进一步加强政务公开工作的通知",
        "一、总体要求",
        "坚持公开为常态、 不公开为例外。",
        "事项",
        "责任处室",
        "政策解读",
        "政策法规处",
        "各业务处",
        "二、工作措施",
    )
    assert text.file_name == "通知.docx"
    assert text.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_docx_automatic_numbering_and_content_controls_are_read(tmp_path: Path) -> None:
    """Word's automatic 一、 numbering is written back; text in a content control is kept."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:lvl w:ilvl="0">'
            '<w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>'
            "</w:lvl></w:abstractNum>"
        )
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    for title in ("总体要求", "主要任务"):
        num_pr = document.add_paragraph(title)._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = 90
    paragraph = document.add_paragraph("本办法自")
    paragraph._p.append(
        parse_xml(
            f"<w:sdt {nsdecls('w')}><w:sdtContent><w:r><w:t>2024年3月1日</w:t></w:r>"
            "</w:sdtContent></w:sdt>"
        )
    )
    paragraph.add_run("起施行。")
    path = tmp_path / "auto.docx"
    document.save(str(path))
    assert read_policy_document(path).paragraphs == (
        "一、总体要求",
        "二、主要任务",
        "本办法自2024年3月1日起施行。",
    )


def test_docx_zip_bomb_refused_before_inflating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A .docx whose document part declares 1 GiB is refused from the zip directory alone."""
    path = tmp_path / "bomb.docx"
    write_raw_zip(
        path,
        [
            ("[Content_Types].xml", *deflated(CONTENT_TYPES)),
            ("word/document.xml", *zeros_bomb()),
        ],
    )
    forbid_member_reads(monkeypatch)
    start = time.perf_counter()
    with pytest.raises(InputTooLarge) as info:
        read_policy_document(path)
    assert time.perf_counter() - start < 1.0
    assert "bomb.docx" in str(info.value)
    assert "解压后有 1024 MB" in str(info.value)


def test_docx_high_ratio_member_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A member compressed far beyond 100:1 is refused as a bomb, with Word named."""
    path = tmp_path / "ratio.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("word/document.xml", bytes(20 * 1024 * 1024))
    forbid_member_reads(monkeypatch)
    with pytest.raises(InputTooLarge, match="疑似压缩炸弹"):
        read_policy_document(path)


def test_docx_with_a_dtd_is_refused_by_defusedxml(tmp_path: Path) -> None:
    """A part declaring entities (billion laughs) is refused before python-docx parses it."""
    good = _docx_with_table(tmp_path / "good.docx")
    path = tmp_path / "entities.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                body = data.decode("utf-8").split("?>", 1)[1]
                data = (
                    '<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + body
                ).encode("utf-8")
            dst.writestr(item, data)
    with pytest.raises(ValidationError, match="DTD 或实体定义") as info:
        read_policy_document(path)
    assert "entities.docx" in str(info.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "不是有效的 Word 文档（.docx）"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "不是有效的 Word 文档（.docx）"),
        (b"PK\x03\x04 truncated", "不是有效的 Word 文档（.docx）"),
    ],
)
def test_damaged_docx_refused_in_chinese(tmp_path: Path, content: bytes, message: str) -> None:
    """Empty, OLE (renamed .doc or encrypted) and truncated files name the file and the fix."""
    path = tmp_path / "坏文件.docx"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message) as info:
        read_policy_document(path)
    assert "坏文件.docx" in str(info.value)
    assert "另存为 .docx" in str(info.value)


def test_office_package_without_a_document_refused(tmp_path: Path) -> None:
    """A well-formed package that python-docx cannot open gives a Chinese message, not KeyError."""
    path = tmp_path / "空壳.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"/>',
        )
        zf.writestr("_rels/.rels", "<broken")
    with pytest.raises(ValidationError) as info:
        read_policy_document(path)
    assert "空壳.docx" in str(info.value)


def test_txt_in_gb18030(tmp_path: Path) -> None:
    """A GB18030 (GBK) text file reads as its non-empty lines, whitespace normalised."""
    path = tmp_path / "规定.txt"
    text = "××省政务公开工作规定\r\n\r\n\u3000\u3000第一条  为规范政务公开工作，制定本规定。\r\n  第二条 本规定适用于本省。\r\n"
    path.write_bytes(text.encode("gb18030"))
    result = read_policy_document(path)
    assert result.paragraphs == (
        "××省政务公开工作规定",
        "第一条 为规范政务公开工作，制定本规定。",
        "第二条 本规定适用于本省。",
    )
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_txt_in_utf8_with_or_without_bom(tmp_path: Path, bom: bytes) -> None:
    """UTF-8 text reads the same with and without a byte order mark."""
    path = tmp_path / "a.txt"
    path.write_bytes(bom + "第一条 总则\n第二条 适用范围".encode())
    assert read_policy_document(path).paragraphs == ("第一条 总则", "第二条 适用范围")


def test_binary_file_named_txt_refused(tmp_path: Path) -> None:
    """A file with NUL bytes is not taken for text."""
    path = tmp_path / "x.txt"
    path.write_bytes(b"\x00\x01\x02abc\x00")
    with pytest.raises(ValidationError, match="不是文本文件"):
        read_policy_document(path)


@pytest.mark.parametrize("name", ["旧文件.doc", "文件.wps"])
def test_old_word_files_refused(tmp_path: Path, name: str) -> None:
    """.doc (and WPS's own format) are refused, telling the user to save as .docx or PDF."""
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(ValidationError, match=r"另存为 \.docx 或 PDF") as info:
        read_policy_document(path)
    assert name in str(info.value)


@pytest.mark.parametrize("name", ["表格.xlsx", "文件.odt", "图片.png", "无扩展名"])
def test_other_types_refused(tmp_path: Path, name: str) -> None:
    """Anything but .docx, .pdf and .txt is refused with what to save it as."""
    path = tmp_path / name
    path.write_bytes(b"whatever")
    with pytest.raises(ValidationError, match=r"不支持的文件类型.*Word（\.docx）或 PDF"):
        read_policy_document(path)


def test_missing_file_refused(tmp_path: Path) -> None:
    """A file that is not there gives a Chinese message naming it, not an OSError."""
    with pytest.raises(ValidationError, match="找不到文件“无.docx”"):
        read_policy_document(tmp_path / "无.docx")


def test_file_size_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file over the size limit is refused from its size alone."""
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(4096))
    monkeypatch.setattr(policy_document, "MAX_BYTES", 1024)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    with pytest.raises(InputTooLarge, match="过大（4 KB），政策文件不能超过 1 KB"):
        read_policy_document(path)


# --- PDF -------------------------------------------------------------------------------------


def _blank_pdf(path: Path, pages: int = 1, password: str | None = None) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(password, algorithm="RC4-128")
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def test_encrypted_pdf_refused(tmp_path: Path) -> None:
    """A PDF with a password is refused with a Chinese message naming it."""
    path = _blank_pdf(tmp_path / "加密.pdf", password="secret")
    with pytest.raises(ValidationError, match="已加密") as info:
        read_policy_document(path)
    assert "加密.pdf" in str(info.value)


def test_pdf_page_limit(tmp_path: Path) -> None:
    """A PDF of more than 500 pages is refused before any text is extracted."""
    path = _blank_pdf(tmp_path / "厚.pdf", pages=501)
    with pytest.raises(InputTooLarge, match="有 501 页，超过上限 500 页"):
        read_policy_document(path)


def test_pdf_without_text_refused(tmp_path: Path) -> None:
    """A PDF with no text layer (a scan) says so."""
    path = _blank_pdf(tmp_path / "扫描件.pdf")
    with pytest.raises(ValidationError, match="没有可读取的文字；如果是扫描件"):
        read_policy_document(path)


@pytest.mark.parametrize(
    "content", [b"not a pdf at all", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF", b""]
)
def test_damaged_pdf_refused_in_chinese(tmp_path: Path, content: bytes) -> None:
    """Damaged or fake PDFs give a ValidationError naming the file, never a pypdf exception."""
    path = tmp_path / "损坏.pdf"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as info:
        read_policy_document(path)
    assert "损坏.pdf" in str(info.value)


def _line(text: str, x: float, y: float, end: float, size: float = 16.0) -> TextLine:
    return TextLine(text, x, y, end, size)


def test_join_lines_uses_indentation_short_lines_and_page_numbers() -> None:
    """Indented lines start paragraphs, wrapped lines join without spaces across pages, page
    numbers go, and a sentence ending at the right edge does not split an indented document."""
    left, right, pitch = 80.0, 512.0, 28.9
    page1 = [
        _line("关于加强政务公开的通知", 150, 700, 326),
        _line("为深入贯彻落实条例，提升政务公开质量，", left + 32, 650, right),
        _line("现就有关事项通知如下。各处室要高度重视。", left, 650 - pitch, right),
        _line("认真组织实施，确保各项任务落到实处，按时", left, 650 - 2 * pitch, right),
        _line("— 1 —", 460, 74, 503, 14),
    ]
    page2 = [
        _line("报送进展。", left, 714, left + 80),
        _line("一、总体要求", left + 32, 714 - pitch, left + 128),
        _line("English text wrapped", left + 32, 714 - 2 * pitch, right),
        _line("onto a second line.", left, 714 - 3 * pitch, left + 150),
        _line("2", 300, 74, 308, 14),
    ]
    assert join_lines([page1, page2]) == [
        "关于加强政务公开的通知",
        "为深入贯彻落实条例，提升政务公开质量，现就有关事项通知如下。各处室要高度重视。"
        "认真组织实施，确保各项任务落到实处，按时报送进展。",
        "一、总体要求",
        "English text wrapped onto a second line.",
    ]


def test_join_lines_without_indentation_splits_after_sentence_ends() -> None:
    """In a document that does not indent, a line ending in 。：；！？ ends its paragraph."""
    left, right = 80.0, 512.0
    lines = [
        _line("第一条 为规范政务公开工作，根据有关规定，结合实际", left, 700, right),
        _line("制定本办法。", left + 0.5, 671, right),
        _line("第二条 本办法适用于本省各级行政机关，法律法规另有", left, 642, right),
        _line("规定的从其规定：", left, 613, right),
        _line("各级行政机关应当建立健全政务公开工作机制！", left, 584, right),
    ]
    assert join_lines([lines]) == [
        "第一条 为规范政务公开工作，根据有关规定，结合实际制定本办法。",
        "第二条 本办法适用于本省各级行政机关，法律法规另有规定的从其规定：",
        "各级行政机关应当建立健全政务公开工作机制！",
    ]


def test_normalise_space() -> None:
    """Runs of white space (full-width too) become one space; invisible characters go."""
    assert normalise_space("\u3000\u3000第一条\u3000 总则\u200b  \t规定\n ") == "第一条 总则 规定"
    assert normalise_space("GB/T   9704\xa0标准") == "GB/T 9704 标准"


@pytest.mark.slow
def test_pdf_made_by_libreoffice_reads_back_as_paragraphs(tmp_path: Path) -> None:
    """A .docx converted to PDF reads back paragraph by paragraph: Chinese lines joined without
    spaces, across a page break too, headings and a short last paragraph kept apart."""
    expected = ["关于进一步加强政务公开工作的通知", "一、总体要求"]
    expected += [f"（{n}）{LONG}" for n in "一二三四五六七八九"]
    expected += ["二、工作要求", WITH_LATIN, "请认真贯彻执行。"]
    document = docx.Document()
    for i, text in enumerate(expected):
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Pt(24) if i else Pt(96)
        for run in paragraph.runs:
            run.font.size = Pt(12)
    source = tmp_path / "policy.docx"
    document.save(str(source))
    pdf = convert_with_libreoffice(source, tmp_path / "pdf")
    from pypdf import PdfReader

    assert len(PdfReader(pdf).pages) >= 2, "the test needs a paragraph crossing a page"
    result = read_policy_document(pdf)
    assert list(result.paragraphs) == [normalise_space(t) for t in expected]
    assert result.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()


def test_docx_limits_are_checked_on_the_bytes_that_are_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Zip limits judge the bytes parsed: a bomb swapped out after reading is refused."""
    path = tmp_path / "换过.docx"
    write_raw_zip(
        path,
        [
            ("[Content_Types].xml", *deflated(CONTENT_TYPES)),
            ("word/document.xml", *zeros_bomb()),
        ],
    )
    harmless = _docx_with_table(tmp_path / "无害.docx").read_bytes()
    read = policy_document._read_bytes

    def read_then_swap(file: Path) -> bytes:
        data = read(file)
        file.write_bytes(harmless)
        return data

    monkeypatch.setattr(policy_document, "_read_bytes", read_then_swap)
    forbid_member_reads(monkeypatch)
    with pytest.raises(InputTooLarge, match="解压后有 1024 MB"):
        read_policy_document(path)


def test_docx_bytes_check_refuses_what_the_file_check_refuses(tmp_path: Path) -> None:
    """The check on bytes refuses too many members and unsafe names as the file check does."""
    many = tmp_path / "多.docx"
    write_raw_zip(many, [(f"m{i}.xml", *deflated(b"<a/>")) for i in range(10_001)])
    with pytest.raises(InputTooLarge, match="10001 个部件，超过上限 10000 个"):
        read_policy_document(many)
    escape = tmp_path / "越界.docx"
    write_raw_zip(
        escape,
        [("[Content_Types].xml", *deflated(CONTENT_TYPES)), ("../evil.xml", *deflated(b"<a/>"))],
    )
    with pytest.raises(ValidationError, match="不安全的路径“../evil.xml”"):
        read_policy_document(escape)


def test_docx_text_cap_stops_the_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A .docx over the text cap is refused as soon as the text read passes the cap."""
    document = docx.Document()
    for i in range(400):
        document.add_paragraph(f"第{i}段：" + "公开" * 20)
    path = tmp_path / "长.docx"
    document.save(str(path))
    monkeypatch.setattr(policy_paragraphs, "MAX_TEXT_CHARS", 500)
    read: list[object] = []
    text_of = policy_docx._paragraph_text
    monkeypatch.setattr(policy_docx, "_paragraph_text", lambda p: read.append(p) or text_of(p))
    with pytest.raises(InputTooLarge, match="超过 500 个字"):
        read_policy_document(path)
    assert len(read) < 20


def test_pdf_text_cap_stops_at_the_page_that_passes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF is refused at the page where the text passes the cap; later pages are not read."""
    path = _blank_pdf(tmp_path / "长.pdf", pages=30)
    pages: list[object] = []

    def lines_of(page: object, budget: object = None) -> list[TextLine]:
        pages.append(page)
        return [TextLine("政务公开" * 50, 72.0, 700.0, 500.0, 12.0)]

    monkeypatch.setattr(policy_pdf, "_page_lines", lines_of)
    monkeypatch.setattr(policy_paragraphs, "MAX_TEXT_CHARS", 500)
    with pytest.raises(InputTooLarge, match="超过 500 个字"):
        read_policy_document(path)
    assert len(pages) == 3


def test_txt_text_cap_stops_the_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A text file is refused once the lines read so far pass the cap."""
    path = tmp_path / "长.txt"
    path.write_text("\n".join(f"第{i}行" + "公开" * 20 for i in range(2000)), encoding="utf-8")
    monkeypatch.setattr(policy_paragraphs, "MAX_TEXT_CHARS", 500)
    seen: list[str] = []
    normalise = policy_paragraphs.normalise_space
    monkeypatch.setattr(
        policy_paragraphs, "normalise_space", lambda t: seen.append(t) or normalise(t)
    )
    with pytest.raises(InputTooLarge, match="超过 500 个字"):
        read_policy_document(path)
    assert len(seen) < 20


def test_txt_lines_split_like_splitlines(tmp_path: Path) -> None:
    """Every line break str.splitlines knows (CR LF, CR, U+2028 …) separates paragraphs."""
    path = tmp_path / "换行.txt"
    path.write_text("第一行\r\n第二行\r第三行\u2028第四行\x0c\n\n第五行", encoding="utf-8")
    assert read_policy_document(path).paragraphs == (
        "第一行",
        "第二行",
        "第三行",
        "第四行",
        "第五行",
    )


def _numbered_docx(path: Path, fmt: str, start: str, override: str | None = None) -> Path:
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="91"><w:lvl w:ilvl="0">'
            f'<w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/>'
            "</w:lvl></w:abstractNum>"
        )
    )
    extra = (
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{override}"/></w:lvlOverride>'
        if override is not None
        else ""
    )
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="91"/>{extra}</w:num>'
        )
    )
    for title in ("总体要求", "主要任务"):
        num_pr = document.add_paragraph(title)._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = 91
    document.save(str(path))
    return path


@pytest.mark.parametrize(
    ("fmt", "start", "override"),
    [
        ("upperLetter", "2000000000", None),
        ("lowerLetter", "1", "1999999999"),
        ("decimal", "-5", "99999999999999"),
        ("chineseCounting", "123456789", None),
    ],
)
def test_crafted_list_start_values_are_clamped(
    tmp_path: Path, fmt: str, start: str, override: str | None
) -> None:
    """Huge list start values are clamped to 10000, so numbers stay short."""
    path = _numbered_docx(tmp_path / "编号.docx", fmt, start, override)
    assert read_policy_document(path).paragraphs == ("10000.总体要求", "10001.主要任务")


def test_negative_list_start_counts_from_zero(tmp_path: Path) -> None:
    """A negative start value is taken as 0, Word's lowest."""
    path = _numbered_docx(tmp_path / "负数.docx", "decimal", "-5")
    assert read_policy_document(path).paragraphs == ("0.总体要求", "1.主要任务")


def test_letter_numbers_stay_as_word_writes_them(tmp_path: Path) -> None:
    """Within the bounds, letter numbering reads as Word shows it (AA after Z)."""
    path = _numbered_docx(tmp_path / "字母.docx", "upperLetter", "26")
    assert read_policy_document(path).paragraphs == ("Z.总体要求", "AA.主要任务")
