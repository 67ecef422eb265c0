"""The text of a policy document (政策文件) to interpret: .docx, .pdf or .txt, as paragraphs.

The interpretation workbench shows the document read-only beside the draft and compares it with
its previous version paragraph by paragraph, so every reader returns the same thing: the
non-empty paragraphs in reading order with their whitespace normalised (``normalise_space``).

The files are untrusted, and each is checked before it is parsed:

* .docx: the zip limits of ``xlsx_safety`` (size, members, zip bombs, member names), checked on
  the very bytes that are then parsed (``check_docx_bytes``), then every XML part's prolog is read
  with defusedxml, refusing a DTD or an entity declaration before python-docx parses anything. Body paragraphs and the paragraphs of table
  cells come in document order; Word's automatic numbering (``一、`` ``1.``) is written back in.
* .pdf: at most ``MAX_BYTES`` and ``MAX_PAGES`` pages, not encrypted. Lines are joined into
  paragraphs as Chinese text needs (see ``join_lines``).
* .txt: UTF-8 with or without a byte order mark (or UTF-16 with one), else GB18030; each
  non-empty line is a paragraph.

The text is counted while it is extracted: as soon as the paragraphs read so far pass
``MAX_TEXT_CHARS`` the reading stops and the file is refused, so a small file that inflates into
a huge text never gets read to its end.

Old Word files (.doc) and other types are refused with a message saying what to save them as.
Every failure is a ``ValidationError`` (or ``InputTooLarge``) with a Chinese message naming the
file.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
import statistics
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import GongkaiError, InputTooLarge, ValidationError
from ..progress import CancelToken
from . import xlsx_safety, zip_safety
from .budget import ReadBudget
from .docx_numbering import ListNumbering
from .xlsx_safety import DOCX, MAX_BYTES, _mb

__all__ = [
    "MAX_BYTES",
    "MAX_PAGES",
    "SUPPORTED_SUFFIXES",
    "PolicyText",
    "TextLine",
    "check_docx_bytes",
    "join_lines",
    "normalise_space",
    "read_policy_document",
]

log = logging.getLogger(__name__)

MAX_PAGES = 500
MAX_TEXT_CHARS = 5_000_000
SUPPORTED_SUFFIXES = (".docx", ".pdf", ".txt")


@dataclass(frozen=True)
class PolicyText:
    """The paragraphs of one policy document file, and the SHA-256 of the file's bytes."""

    paragraphs: tuple[str, ...]
    file_name: str
    sha256: str


def read_policy_document(path: Path, cancel: CancelToken | None = None) -> PolicyText:
    """Read a policy document (.docx, .pdf or .txt) into paragraphs; see the module docstring.

    The file is read once; everything is checked and parsed from those bytes, and ``sha256`` is
    theirs. The reading runs within a ``ReadBudget``: ``cancel`` (the worker's token) and the
    time limit are checked between XML chunks, paragraphs, PDF pages and content operators.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix in (".doc", ".wps", ".rtf"):
        raise ValidationError(
            f"不支持旧版 Word 等格式的文件“{file.name}”：请在 Word 或 WPS 中另存为 .docx 或 PDF 后再打开",
            path=str(file),
        )
    if suffix not in SUPPORTED_SUFFIXES:
        raise ValidationError(
            f"不支持的文件类型“{file.name}”：政策文件请另存为 Word（.docx）或 PDF 后再打开，"
            "纯文本（.txt）也可以",
            path=str(file),
        )
    budget = ReadBudget(file, cancel=cancel)
    data = _read_bytes(file)
    if suffix == ".docx":
        paragraphs = _docx_paragraphs(file, data, budget)
    elif suffix == ".pdf":
        paragraphs = _pdf_paragraphs(file, data, budget)
    else:
        paragraphs = _txt_paragraphs(file, data)
    if not paragraphs:
        hint = "；如果是扫描件，请提供 Word 版本或可复制文字的 PDF" if suffix == ".pdf" else ""
        raise ValidationError(f"文件“{file.name}”中没有可读取的文字{hint}", path=str(file))
    # The PDF's lines were counted before they were joined; joining may add a space per line.
    if sum(len(p) for p in paragraphs) > MAX_TEXT_CHARS:
        raise _too_much_text(file)
    return PolicyText(tuple(paragraphs), file.name, hashlib.sha256(data).hexdigest())


def _too_much_text(file: Path) -> InputTooLarge:
    return InputTooLarge(
        f"文件“{file.name}”的文字超过 {MAX_TEXT_CHARS} 个字，不像一份政策文件，已拒绝打开",
        path=str(file),
        limit=MAX_TEXT_CHARS,
    )


class _TextBudget:
    """The characters extracted so far from one file; refuses the file once they pass the cap."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.used = 0

    def spend(self, chars: int) -> None:
        self.used += chars
        if self.used > MAX_TEXT_CHARS:
            raise _too_much_text(self.file)


def _read_bytes(file: Path) -> bytes:
    """The whole file, after its size was checked (every supported file is read whole); a file
    that grew past the limit since is refused too, as no more than the limit is read."""

    def too_large(size: int) -> InputTooLarge:
        return InputTooLarge(
            f"文件“{file.name}”过大（{_mb(size)}），政策文件不能超过 {_mb(MAX_BYTES)}",
            path=str(file),
            size=size,
            limit=MAX_BYTES,
        )

    try:
        size = file.stat().st_size
        if not file.is_file():
            raise ValidationError(f"“{file.name}”不是文件", path=str(file))
        if size > MAX_BYTES:
            raise too_large(size)
        with open(file, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise too_large(len(data))
        return data
    except FileNotFoundError:
        raise ValidationError(f"找不到文件“{file.name}”", path=str(file)) from None
    except OSError as exc:
        raise ValidationError(
            f"无法读取文件“{file.name}”：{exc.strerror or exc}", path=str(file)
        ) from exc


# --- text ------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u3000\u00a0\u2002-\u200a\u202f\u205f]+")
_INVISIBLE = str.maketrans({"\ufeff": None, "\u200b": None, "\u200c": None, "\u200d": None})
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _is_wide(ch: str) -> bool:
    """A Chinese character or full-width punctuation mark."""
    return unicodedata.east_asian_width(ch) in "WF"


def normalise_space(text: str) -> str:
    """``text`` trimmed, with each run of white space (full-width and no-break spaces, tabs,
    line breaks) made one space and invisible characters removed.

    Spaces between Chinese characters stay: 第一条 为规范…… keeps the space after the article.
    """
    text = _XML_ILLEGAL.sub("", text.translate(_INVISIBLE))
    return _SPACES.sub(" ", text).strip()


def _clean(file: Path, texts: Iterable[str]) -> list[str]:
    """The non-empty normalised paragraphs, taken one by one within the file's text budget."""
    budget = _TextBudget(file)
    paragraphs: list[str] = []
    for text in texts:
        cleaned = normalise_space(text)
        if cleaned:
            budget.spend(len(cleaned))
            paragraphs.append(cleaned)
    return paragraphs


# --- .txt ------------------------------------------------------------------------------------

# The line breaks ``str.splitlines`` knows; runs of them only separate (empty lines are dropped).
_TXT_LINE = re.compile("[^\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def _txt_paragraphs(file: Path, data: bytes) -> list[str]:
    # Notepad's "Unicode" is UTF-16 with a byte order mark; otherwise UTF-8, then the GB family.
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ()
    for encoding in (*encodings, "utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        log.debug("read %s as %s", file, encoding)
        return _clean(file, (m.group() for m in _TXT_LINE.finditer(text)))
    raise ValidationError(
        f"无法识别文件“{file.name}”的文字编码，或它不是文本文件：请另存为 UTF-8 或 GB18030（GBK）"
        "编码的文本，或直接打开 Word（.docx）、PDF 文件",
        path=str(file),
    )


# --- .docx -----------------------------------------------------------------------------------


def _not_a_docx(file: Path) -> ValidationError:
    return ValidationError(DOCX.not_valid.format(name=file.name), path=str(file))


def check_docx_bytes(file: Path, data: bytes) -> None:
    """The limits of ``xlsx_safety.check_package_limits`` (Word's messages), applied to ``data``:
    the bytes that will be parsed, not the file on disk, which may change in between."""
    xlsx_safety.check_package_stream(io.BytesIO(data), len(data), file, DOCX, max_bytes=MAX_BYTES)


def _docx_paragraphs(file: Path, data: bytes, budget: ReadBudget) -> list[str]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_docx_bytes(file, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            zip_safety.scan_xml_parts(archive, file, DOCX, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as exc:
        raise _not_a_docx(file) from exc
    try:
        document = docx.Document(io.BytesIO(data))
        return _clean(file, _docx_texts(document, budget))
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        EOFError,
        zlib.error,
        etree.XMLSyntaxError,
    ) as exc:
        log.warning("refused %s: %r", file, exc, exc_info=exc)
        raise ValidationError(
            f"无法读取 Word 文件“{file.name}”：文件已损坏或不是有效的 .docx 格式；"
            "请在 Word 中打开后另存为 .docx 再试",
            path=str(file),
        ) from exc


def _docx_texts(document: Any, budget: ReadBudget) -> Iterator[str]:
    """Body paragraphs and table cell paragraphs in document order, with automatic numbers."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    numbering = ListNumbering(document)
    p_tag, tbl_tag, tr_tag, tc_tag = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
    containers = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:ins")}

    read = 0

    def numbered(p: Any, parent: Any) -> str:
        nonlocal read
        read += 1
        if read % 200 == 0:
            budget.check()
        return numbering.prefix(Paragraph(p, parent)) + _paragraph_text(p)

    def walk(element: Any, parent: Any, depth: int = 0) -> Iterator[str]:
        if depth > 20:  # tables nested this deep are not a real document
            return
        for child in element.iterchildren():
            if child.tag == p_tag:
                yield numbered(child, parent)
            elif child.tag == tbl_tag:
                for tr in child.iterchildren(tr_tag):
                    for tc in tr.iterchildren(tc_tag):
                        yield from walk(tc, parent, depth + 1)
            elif child.tag in containers:
                yield from walk(child, parent, depth + 1)

    yield from walk(document.element.body, document)


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


_TEXT_TAGS = {_w("t"): None, _w("tab"): "\t", _w("br"): "\n", _w("cr"): "\n"}
_TEXT_TAGS[_w("noBreakHyphen")] = "-"
# Deleted text of tracked changes, the fallback copy of a drawing and the content of text boxes
# (paragraphs of their own, and usually decoration) are not the paragraph's text.
_SKIPPED = frozenset(
    (
        _w("del"),
        _w("txbxContent"),
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
    )
)


def _paragraph_text(p: Any) -> str:
    """The visible text of a ``w:p``, content controls, fields and tracked insertions included
    (python-docx's ``Paragraph.text`` reads only plain runs and hyperlinks)."""
    parts: list[str] = []
    for el in p.iter(*_TEXT_TAGS):
        ancestor = el.getparent()
        skipped = False
        while ancestor is not None and ancestor is not p:
            if ancestor.tag in _SKIPPED:
                skipped = True
                break
            ancestor = ancestor.getparent()
        if skipped:
            continue
        fixed = _TEXT_TAGS[el.tag]
        parts.append((el.text or "") if fixed is None else fixed)
    return "".join(parts)


# --- .pdf ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextLine:
    """One printed line of a PDF page: its text, where it starts (x, y in points, y up) and the
    estimated x where it ends, and the font size."""

    text: str
    x: float
    y: float
    end: float
    size: float


_SENTENCE_END = re.compile(r"[。：；！？:;!?][”’」』）)》]*$")
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|"
    r"第[一二三四五六七八九十百零〇\d]{1,5}[章节条部分]|附件\s*\d*\s*[:：]?$|\d{1,2}[.．、](?!\d)|"
    r"[（(]\d{1,2}[)）])"
)
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－─\s]*\d{1,4}[-—–－─\s]*|第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4})$"
)


def _pdf_error(file: Path, reason: str) -> ValidationError:
    return ValidationError(f"无法读取 PDF 文件“{file.name}”：{reason}", path=str(file))


def _pdf_paragraphs(file: Path, data: bytes, budget: ReadBudget) -> list[str]:
    from pypdf import apply_configuration

    if b"%PDF-" not in data[:1024]:
        raise _pdf_error(file, "文件不是 PDF 格式，或已损坏")
    with apply_configuration(**PDF_LIMITS):
        return _pdf_read(file, data, budget)


# pypdf's own limits, tightened to what a text policy document needs: a page's content stream
# inflates to at most 16 MB and parses into at most 500 000 tokens, no stream decodes more than
# 64 MB in all, images are never decoded.
PDF_LIMITS: dict[str, int] = {
    "zlib_maximum_output_length": 16 * 1024 * 1024,
    "lzw_maximum_output_length": 16 * 1024 * 1024,
    "run_length_maximum_output_length": 16 * 1024 * 1024,
    "brotli_maximum_output_length": 16 * 1024 * 1024,
    "array_based_stream_maximum_output_length": 16 * 1024 * 1024,
    "stream_decoding_work_maximum_length": 64 * 1024 * 1024,
    "stream_parsing_work_maximum_count": 500_000,
    "xform_maximum_invocations_per_extraction": 500,
    "image_maximum_buffer_size": 16 * 1024 * 1024,
    "array_maximum_element_count": 50_000,
    "dictionary_maximum_element_count": 20_000,
}
MAX_PDF_OBJECTS = 200_000
# The budget is checked once per this many content-stream operators.
_OPERATORS_PER_CHECK = 2000


def _pdf_read(file: Path, data: bytes, budget: ReadBudget) -> list[str]:
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    # pypdf raises many kinds of exceptions on damaged input; whatever it raises while reading an
    # untrusted file means the file cannot be read, and the user needs that said in Chinese.
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        objects = sum(len(v) for v in reader.xref.values()) + len(reader.xref_objStm)
        if objects > MAX_PDF_OBJECTS:
            raise InputTooLarge(
                f"PDF 文件“{file.name}”含有 {objects} 个对象，超过上限 {MAX_PDF_OBJECTS} 个，"
                "不像正常的政策文件，已拒绝打开",
                path=str(file),
                objects=objects,
                limit=MAX_PDF_OBJECTS,
            )
        if reader.is_encrypted:
            raise _pdf_error(
                file,
                "文件已加密（设有打开密码或权限保护），无法提取文字；请取消加密后重新导出 PDF，"
                "或提供 Word（.docx）版本",
            )
        declared = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
        if isinstance(declared, IndirectObject):
            declared = declared.get_object()
        if int(declared) > MAX_PAGES:
            raise _too_many_pages(file, int(declared))
        pages = len(reader.pages)
        if pages > MAX_PAGES:
            raise _too_many_pages(file, pages)
        text = _TextBudget(file)
        lines: list[list[TextLine]] = []
        for page in reader.pages:
            budget.check()
            page_lines = _page_lines(page, budget)
            text.spend(sum(len(line.text) for line in page_lines))
            lines.append(page_lines)
    except GongkaiError:
        raise
    except Exception as exc:
        log.warning("refused %s: %r", file, exc, exc_info=exc)
        raise _pdf_error(file, "文件已损坏或格式不受支持；请用原软件重新导出 PDF") from exc
    return join_lines(lines)


def _too_many_pages(file: Path, pages: int) -> InputTooLarge:
    return InputTooLarge(
        f"PDF 文件“{file.name}”有 {pages} 页，超过上限 {MAX_PAGES} 页，已拒绝打开",
        path=str(file),
        pages=pages,
        limit=MAX_PAGES,
    )


def _multiply(m: Sequence[float], n: Sequence[float]) -> tuple[float, ...]:
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


def _text_width(text: str, size: float) -> float:
    """Estimated printed width: a Chinese character one em, anything else half of one.

    Characters Unicode leaves ambiguous (“ ” — …) are full width in Chinese fonts.
    """
    return sum(size if unicodedata.east_asian_width(ch) in "WFA" else size / 2 for ch in text)


def _page_lines(page: Any, budget: ReadBudget | None = None) -> list[TextLine]:
    """The lines of a page, top to bottom, from the positions pypdf reports for each text run."""
    runs: list[tuple[str, float, float, float]] = []
    operators = 0

    def each_operator(*_: Any) -> None:
        nonlocal operators
        operators += 1
        if budget is not None and operators % _OPERATORS_PER_CHECK == 0:
            budget.check()

    def visit(text: str, cm: Any, tm: Any, font: Any, font_size: Any) -> None:
        if not text or not text.strip("\n"):
            return
        try:
            m = _multiply([float(v) for v in tm], [float(v) for v in cm])
            scale = math.hypot(m[2], m[3]) or 1.0
            size = float(font_size) * scale
        except (TypeError, ValueError, IndexError):
            return
        if not (math.isfinite(m[4]) and math.isfinite(m[5]) and math.isfinite(size)):
            return
        size = size if size > 0.5 else 12.0
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if piece:
                # A run holding a line break continues on the next line at the same x.
                runs.append((piece, m[4], m[5] - i * size * 1.2, size))

    page.extract_text(orientations=(0,), visitor_text=visit, visitor_operand_before=each_operator)
    lines: list[list[tuple[str, float, float, float]]] = []
    for run in sorted(runs, key=lambda r: -r[2]):
        if lines and abs(lines[-1][0][2] - run[2]) < run[3] * 0.5:
            lines[-1].append(run)
        else:
            lines.append([run])
    out: list[TextLine] = []
    for line in lines:
        line.sort(key=lambda r: r[1])
        size = statistics.median(r[3] for r in line)
        # Runs far apart on one line (table columns, tab stops) stay apart by one space, even
        # between Chinese characters.
        segments: list[str] = [""]
        reach = line[0][1]
        for text, x, _, run_size in line:
            if segments[-1].strip() and x - reach > size * 2:
                segments.append("")
            segments[-1] += text
            reach = max(reach, x + _text_width(text, run_size))
        text = " ".join(t for t in (_tighten(normalise_space(seg)) for seg in segments) if t)
        if not text:
            continue
        raw = "".join(r[0] for r in line)
        first, last = line[0], line[-1]
        lead = len(raw) - len(raw.lstrip())
        x = first[1] + _text_width(raw[:lead], size)
        end = last[1] + _text_width(last[0].rstrip(), last[3])
        out.append(TextLine(text, x, first[2], end, size))
    out.sort(key=lambda t: -t.y)
    return out


def join_lines(pages: Sequence[Sequence[TextLine]]) -> list[str]:
    """Paragraphs from the printed lines of each page.

    Page numbers standing alone at the top or foot of a page are dropped. A line starts a new
    paragraph when it is indented or offset from the page's left edge (a first-line indent, a
    centred title, a signature), when it opens with a heading number (``一、`` ``（一）`` ``第三条``
    ``1.``), when the line before it stopped well short of the right edge, or when a wider gap
    than the usual line spacing lies above it. In a document that does not indent its
    paragraphs, a line before which the text ended a sentence (``。：；！？``) starts one too.
    Lines of one paragraph are joined without a space when either side is Chinese, and with one
    between two words of Latin text.
    """
    kept: list[list[TextLine]] = []
    for lines in pages:
        lines = list(lines)
        while lines and _PAGE_NUMBER.match(lines[-1].text):
            lines.pop()
        while lines and _PAGE_NUMBER.match(lines[0].text):
            lines.pop(0)
        kept.append(lines)

    lefts = [_left_edge(lines) for lines in kept]
    width = _text_width_of(kept, lefts)
    pitches = _line_pitches(kept)
    uses_indent = any(
        _indent_kind(line, left) == "indent"
        for left, lines in zip(lefts, kept, strict=True)
        for line in lines
    )
    paragraphs: list[str] = []
    previous: TextLine | None = None
    previous_right = 0.0
    for left, lines in zip(lefts, kept, strict=True):
        for i, line in enumerate(lines):
            gap = lines[i - 1].y - line.y if i else None
            pitch = pitches.get(round(line.size), 0.0)
            starts = (
                previous is None
                or _indent_kind(line, left) != "flush"
                or bool(_HEADING_START.match(line.text))
                or previous.end < previous_right - previous.size * 2
                or (gap is not None and pitch > 0 and gap > pitch * 1.6)
                or (not uses_indent and bool(_SENTENCE_END.search(previous.text)))
            )
            if starts or not paragraphs:
                paragraphs.append(line.text)
            else:
                paragraphs[-1] = _join(paragraphs[-1], line.text)
            previous, previous_right = line, left + width
    return [p.strip() for p in paragraphs if p.strip()]


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_SPACE_BY_WIDE = re.compile(rf"(?<=[{_WIDE}]) (?=[0-9A-Za-z])|(?<=[0-9A-Za-z%]) (?=[{_WIDE}])")


def _tighten(text: str) -> str:
    """Drop the spaces between Chinese and Latin text that text extraction infers from the gap
    Word and LibreOffice leave there (``2024 年`` for ``2024年``)."""
    return _SPACE_BY_WIDE.sub("", text)


def _join(left: str, right: str) -> str:
    if not left or not right:
        return left + right
    a, b = left[-1], right[0]
    if _is_wide(a) or _is_wide(b):
        return left + right
    if a in "-/–" or a.isspace() or b.isspace():
        return left + right  # a line may break after a hyphen or slash inside a word
    return left + " " + right


def _left_edge(lines: Sequence[TextLine]) -> float:
    """The leftmost start shared by two or more lines of a page (a stray line further left, such
    as a wide table, does not move it)."""
    if not lines:
        return 0.0
    starts: dict[int, int] = {}
    for line in lines:
        key = round(line.x / 2)
        starts[key] = starts.get(key, 0) + 1
    shared = [key * 2.0 for key, count in starts.items() if count >= 2]
    return min(shared) if shared else min(line.x for line in lines)


def _text_width_of(pages: Sequence[Sequence[TextLine]], lefts: Sequence[float]) -> float:
    """The width of the type area: where most lines end, measured from their page's left edge.

    Every line a paragraph wraps ends there; shorter lines end paragraphs (or are tables).
    """
    buckets: dict[int, int] = {}
    for left, lines in zip(lefts, pages, strict=True):
        for line in lines:
            if len(line.text) >= 8:
                key = round((line.end - left) / 4)
                buckets[key] = buckets.get(key, 0) + 1
    if not buckets:
        return max((line.end - left for left, lines in zip(lefts, pages, strict=True)
                    for line in lines), default=0.0)  # fmt: skip
    best = max(buckets, key=lambda key: (buckets[key], key))
    return best * 4.0


def _line_pitches(pages: Sequence[Sequence[TextLine]]) -> dict[int, float]:
    """The usual distance between consecutive lines of each font size (in whole points)."""
    gaps: dict[int, list[float]] = {}
    for lines in pages:
        for above, below in zip(lines, lines[1:], strict=False):
            if round(above.size) == round(below.size) and above.y > below.y:
                gaps.setdefault(round(below.size), []).append(above.y - below.y)
    return {size: statistics.median(values) for size, values in gaps.items()}


def _indent_kind(line: TextLine, left: float) -> str:
    """Where a line starts: "flush" at the left edge, "indent" for a first-line indent of one to
    four characters, "offset" further right (centred or right-aligned lines)."""
    shift = line.x - left
    if shift < line.size * 0.8:
        return "flush"
    if shift <= line.size * 4.5:
        return "indent"
    return "offset"
