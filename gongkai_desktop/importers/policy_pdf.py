"""Policy documents in PDF read into paragraphs, the untrusted file checked first.

Besides the file size checked when it is read, a PDF is refused over ``MAX_PAGES`` pages or
``MAX_PDF_OBJECTS`` objects, or when it is encrypted; pypdf's own limits are tightened to what a
text document needs (``PDF_LIMITS``). The text runs of each page are gathered into printed lines (``TextLine``) and
the lines joined into paragraphs as Chinese text needs (see ``join_lines``).
"""

from __future__ import annotations

import io
import logging
import math
import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import GongkaiError, InputTooLarge, ValidationError
from .budget import ReadBudget
from .policy_paragraphs import TextBudget, normalise_space

__all__ = ["MAX_PAGES", "MAX_PDF_OBJECTS", "PDF_LIMITS", "TextLine", "join_lines", "pdf_paragraphs"]

log = logging.getLogger(__name__)

MAX_PAGES = 500


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


def pdf_paragraphs(file: Path, data: bytes, budget: ReadBudget) -> list[str]:
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
        text = TextBudget(file)
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


def _is_wide(ch: str) -> bool:
    """A Chinese character or full-width punctuation mark."""
    return unicodedata.east_asian_width(ch) in "WF"


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
