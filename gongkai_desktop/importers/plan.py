"""Annual plan (年度工作要点) documents: sections, numbered tasks and their assignments.

A plan is prose written by people, so the parser is keyword-driven rather than position-driven:

* a section starts at a line ``一、…`` (Chinese numerals up to 九十九); the preamble before the
  first section is ignored, and so are sections whose paragraphs carry no numbered task;
* a task starts at a line numbered ``1.`` ``1．`` ``1、`` ``（一）`` ``(一)`` or ``（1）`` (full-width
  digits too). When a document uses several of these styles, the style whose lines carry
  assignments is the task style; a higher-level number (（一） above 1.) is then a sub-heading and a
  lower-level one (（1） below 1.) a point inside the task;
* the assignment is the last bracketed group of the task (full- or half-width brackets, mixed
  allowed) that starts with, or names with a colon, one of the lead keywords (牵头部门 / 牵头处室 /
  牵头单位) or responsible keywords (责任部门 / 责任处室 / 责任单位 / 配合部门 / 配合处室 /
  配合单位). It may also stand in its own paragraph after the task, with or without brackets.
  Inside it the text is split at each keyword, so the separator between the lead part and the
  responsible part (``；`` ``;`` ``，``) does not matter; names are split at ``、`` ``，`` ``,``.

Division names are returned exactly as written (group words such as 各业务处 included); matching
them to divisions is the import service's job. Nothing here touches the database.
"""

from __future__ import annotations

import io
import logging
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from ..errors import InputTooLarge, ValidationError
from ..progress import CancelToken
from . import zip_safety
from .budget import ReadBudget
from .docx_numbering import ListNumbering
from .zip_safety import DOCX, XmlCount, ZipLimits

__all__ = [
    "LEAD_KEYWORDS",
    "RESPONSIBLE_KEYWORDS",
    "ParsedPlan",
    "ParsedTask",
    "chinese_numeral_value",
    "parse_plan_file",
    "parse_plan_text",
    "read_plan_document",
]

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_TEXT_CHARS = 5_000_000
MAX_PARAGRAPHS = 20_000

LEAD_KEYWORDS = ("牵头部门", "牵头处室", "牵头单位")
RESPONSIBLE_KEYWORDS = (
    "责任部门",
    "责任处室",
    "责任单位",
    "配合部门",
    "配合处室",
    "配合单位",
)

_KEYWORD_RE = re.compile("(" + "|".join(LEAD_KEYWORDS + RESPONSIBLE_KEYWORDS) + r")\s*[:：]?")
_KEYWORD_COLON_RE = re.compile(
    "(?:" + "|".join(LEAD_KEYWORDS + RESPONSIBLE_KEYWORDS) + r")\s*[:：]"
)
_OPEN = "（("
_CLOSE = "）)"
_NAME_SEPARATORS = "、，,；;"
_NAME_TRIM = " \t\u3000。.：:"
_TITLE_TRIM = " \t\u3000；;，,：:、"
_INVISIBLE = str.maketrans({"\ufeff": None, "\u200b": None, "\u200c": None, "\u200d": None})
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMERAL = "[一二三四五六七八九十]{1,3}"
_SECTION_RE = re.compile(rf"^({_CN_NUMERAL})\s*、")
# (?!\d) keeps "1.5亿元" and "1、2月份" from being read as task numbers.
_TASK_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("arabic", re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*")),
    ("paren_chinese", re.compile(rf"^[（(]\s*({_CN_NUMERAL})\s*[)）]\s*")),
    ("paren_arabic", re.compile(r"^[（(]\s*(\d{1,3})\s*[)）]\s*")),
)
_STYLE_RANK = {"paren_chinese": 0, "arabic": 1, "paren_arabic": 2}


@dataclass(frozen=True)
class ParsedTask:
    """One numbered task of the plan, with division names exactly as the document writes them.

    ``text`` is the whole task as written, numbering stripped, assignment kept; a task spread over
    several paragraphs (or with its assignment in a paragraph of its own) has them joined by
    newlines. ``line`` is the line (paragraph, for .docx) where the task's number stands.
    """

    no: int
    section: str
    title: str
    text: str
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    line: int

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "no": self.no,
            "section": self.section,
            "title": self.title,
            "lead": list(self.lead),
            "responsible": list(self.responsible),
            "text": self.text,
        }


@dataclass(frozen=True)
class ParsedPlan:
    """The tasks found, in document order, and Chinese warnings for the preview."""

    tasks: tuple[ParsedTask, ...]
    warnings: tuple[str, ...] = ()

    def to_json_dict(self, year: int) -> dict[str, Any]:
        """The shape ``gongkai plan import --json`` prints."""
        return {"year": year, "tasks": [task.to_json_dict() for task in self.tasks]}


def chinese_numeral_value(numeral: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 九十九 → 99; anything else → None."""
    if len(numeral) == 1 and numeral in _CN_DIGITS:
        return _CN_DIGITS[numeral]
    tens, sep, ones = numeral.partition("十")
    if not sep or "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    tens_value = _CN_DIGITS.get(tens) if tens else 1
    ones_value = _CN_DIGITS.get(ones) if ones else 0
    if tens_value is None or ones_value is None:
        return None
    return tens_value * 10 + ones_value


# --- text ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    number: int
    text: str
    kind: str  # "section" | "task" | "assignment" | "other"
    style: str = ""
    task_no: int = 0
    rest: str = ""


@dataclass
class _Draft:
    no: int
    section: str
    line: int
    lines: list[str]
    has_assignment: bool = False
    assignment_lines: list[int] = field(default_factory=list)


def parse_plan_text(text: str) -> ParsedPlan:
    """Find the sections, numbered tasks and assignments of a plan document's text."""
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLarge(
            f"工作要点文本过长（{len(text)} 个字符），不能超过 {MAX_TEXT_CHARS} 个字符",
            chars=len(text),
        )
    lines = list(_classify(text))
    warnings: list[str] = []
    has_sections = any(line.kind == "section" for line in lines)
    style = _task_style(lines)

    drafts: list[_Draft] = []
    section = ""
    in_body = not has_sections  # the preamble before the first section heading is not read
    current: _Draft | None = None

    def finish() -> None:
        nonlocal current
        if current is not None:
            drafts.append(current)
        current = None

    for line in lines:
        if line.kind == "section":
            finish()
            section = line.text
            in_body = True
            continue
        if not in_body:
            continue
        if line.kind == "task" and line.style == style:
            finish()
            current = _Draft(line.task_no, section, line.number, [line.rest])
            if _find_assignment(line.rest) is not None:
                current.has_assignment = True
                current.assignment_lines.append(line.number)
            continue
        if line.kind == "task" and style and _STYLE_RANK[line.style] < _STYLE_RANK[style]:
            # Official documents nest 一、 > （一） > 1. > （1）: a number of a higher level than the
            # tasks' is a sub-heading, one of a lower level is a point inside the current task.
            finish()
            continue
        if current is None:
            if line.kind == "assignment":
                warnings.append(f"第{line.number}行的分工说明前面没有任务，已忽略")
            continue
        if current.has_assignment:
            if line.kind == "assignment":
                current.lines.append(line.text)
                current.assignment_lines.append(line.number)
            else:
                # Prose after a task's assignment (a closing remark, a sub-heading) is no part of it.
                finish()
            continue
        current.lines.append(line.text)
        if _find_assignment(line.text) is not None:
            current.has_assignment = True
            current.assignment_lines.append(line.number)
    finish()

    tasks = [_build_task(draft, warnings) for draft in drafts]
    warnings.extend(_numbering_warnings(tasks))
    if not tasks:
        warnings.append("没有找到编号任务：任务段落应以“1.”“1、”“（一）”等编号开头")
    return ParsedPlan(tuple(tasks), tuple(warnings))


def _classify(text: str) -> Iterator[_Line]:
    cleaned = text.translate(_INVISIBLE)
    for number, raw in enumerate(cleaned.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        section = _SECTION_RE.match(line)
        if section and chinese_numeral_value(section.group(1)) is not None:
            yield _Line(number, line, "section")
            continue
        numbered = _match_task_number(line)
        if numbered is not None:
            style, no, rest = numbered
            yield _Line(number, line, "task", style, no, rest)
            continue
        kind = "assignment" if _is_assignment_line(line) else "other"
        yield _Line(number, line, kind)


def _match_task_number(line: str) -> tuple[str, int, str] | None:
    # Digits are mapped one to one, so offsets found in the mapped line hold in the original.
    ascii_digits = line.translate(_FULLWIDTH_DIGITS)
    for style, pattern in _TASK_STYLES:
        match = pattern.match(ascii_digits)
        if match is None:
            continue
        value = match.group(1)
        no = int(value) if value.isdigit() else chinese_numeral_value(value)
        if no:
            return style, no, line[match.end() :]
    return None


def _task_style(lines: list[_Line]) -> str | None:
    """The numbering style of tasks: the one whose lines carry assignments, then the commonest."""
    scores: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        if line.kind != "task":
            continue
        score = scores.setdefault(line.style, [0, 0, -index])
        score[1] += 1
        if _carries_assignment(lines, index):
            score[0] += 1
    if not scores:
        return None
    return max(scores, key=lambda style: scores[style])


def _carries_assignment(lines: list[_Line], index: int) -> bool:
    """Whether a numbered line's own paragraphs (up to the next number or heading) assign it."""
    if _find_assignment(lines[index].rest) is not None:
        return True
    for line in lines[index + 1 :]:
        if line.kind == "assignment":
            return True
        if line.kind != "other":
            return False
        if _find_assignment(line.text) is not None:
            return True
    return False


def _build_task(draft: _Draft, warnings: list[str]) -> ParsedTask:
    text = "\n".join(draft.lines).strip()
    found = _find_assignment(text)
    lead: list[str] = []
    responsible: list[str] = []
    body = text
    if found is not None:
        start, end, content, closed = found
        body = text[:start] + text[end:]
        problems = _read_assignment(content, lead, responsible)
        for problem in problems:
            warnings.append(f"第{draft.no}项任务（第{draft.line}行）：{problem}")
        if not closed:
            warnings.append(f"第{draft.no}项任务（第{draft.line}行）：分工说明的括号没有闭合")
    title = re.split(r"[。\n]", body.strip(), maxsplit=1)[0].strip(_TITLE_TRIM)
    if not title:
        warnings.append(f"第{draft.no}项任务（第{draft.line}行）没有标题")
    if found is None:
        warnings.append(
            f"第{draft.no}项任务“{title}”（第{draft.line}行）没有找到牵头部门或责任部门，"
            "请在预览中补充"
        )
    if len(draft.assignment_lines) > 1:
        warnings.append(
            f"第{draft.no}项任务有多处分工说明，采用最后一处（第{draft.assignment_lines[-1]}行）"
        )
    return ParsedTask(
        no=draft.no,
        section=draft.section,
        title=title,
        text=text,
        lead=tuple(lead),
        responsible=tuple(responsible),
        line=draft.line,
    )


def _numbering_warnings(tasks: list[ParsedTask]) -> Iterator[str]:
    seen: dict[int, int] = {}
    previous: ParsedTask | None = None
    for task in tasks:
        if task.no in seen:
            yield f"任务编号 {task.no} 重复出现（第{seen[task.no]}行、第{task.line}行）"
        else:
            seen[task.no] = task.line
        if previous is not None and task.no > previous.no + 1:
            yield (
                f"任务编号不连续：第{previous.no}项之后是第{task.no}项（第{task.line}行），"
                "请检查是否有任务未被识别"
            )
        previous = task


# --- assignments -----------------------------------------------------------------------------


def _qualifies(content: str) -> bool:
    """Whether a bracketed text is an assignment rather than an aside that mentions a keyword."""
    stripped = content.strip()
    if _KEYWORD_COLON_RE.search(stripped):
        return True
    return _KEYWORD_RE.match(stripped) is not None


def _bracket_groups(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Closed groups as (start, end) spans, brackets included, and the openers never closed."""
    stack: list[int] = []
    groups: list[tuple[int, int]] = []
    for index, char in enumerate(text):
        if char in _OPEN:
            stack.append(index)
        elif char in _CLOSE and stack:
            groups.append((stack.pop(), index + 1))
    return groups, stack


def _find_assignment(text: str) -> tuple[int, int, str, bool] | None:
    """The assignment of a task's text: (start, end, content, closed), or None.

    Candidates are bracketed groups and bracket-less lines that start with a keyword; the last one
    wins, the outermost one when two end together. A bracket left open is accepted (to the end
    of its line) only when no closed group qualifies.
    """
    groups, unclosed = _bracket_groups(text)
    candidates: list[tuple[int, int, str, bool]] = [
        (start, end, text[start + 1 : end - 1], True)
        for start, end in groups
        if _qualifies(text[start + 1 : end - 1])
    ]
    offset = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if _KEYWORD_COLON_RE.match(stripped):
            start = offset + raw.index(stripped)
            candidates.append((start, start + len(stripped), stripped, True))
        offset += len(raw) + 1
    if not candidates:
        for start in unclosed:
            line_end = text.find("\n", start)
            end = len(text) if line_end < 0 else line_end
            content = text[start + 1 : end]
            if _qualifies(content):
                candidates.append((start, end, content, False))
    if not candidates:
        return None
    return max(candidates, key=lambda candidate: (candidate[1], -candidate[0]))


def _is_assignment_line(line: str) -> bool:
    """A paragraph that is nothing but an assignment, e.g. ``（牵头部门：政法处）``."""
    core = line.rstrip("。.；;， ")
    if _KEYWORD_COLON_RE.match(core):
        return True
    if len(core) < 2 or core[0] not in _OPEN or core[-1] not in _CLOSE:
        return False
    groups, _ = _bracket_groups(core)
    return (0, len(core)) in groups and _qualifies(core[1:-1])


def _read_assignment(content: str, lead: list[str], responsible: list[str]) -> list[str]:
    """Split an assignment at each keyword and collect the names; returns the problems found."""
    problems: list[str] = []
    matches = list(_KEYWORD_RE.finditer(content))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(content)
        names = _split_names(content[match.end() : end])
        keyword = match.group(1)
        if not names:
            problems.append(f"“{keyword}”后面没有写部门名称")
        target = lead if keyword in LEAD_KEYWORDS else responsible
        target.extend(name for name in names if name not in target)
    return problems


def _split_names(part: str) -> list[str]:
    """Names separated by 、，, (and stray ；;) outside brackets, so 综合处（公开办） stays whole."""
    names: list[str] = []
    depth = 0
    current: list[str] = []
    for char in part:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
        if depth == 0 and (char in _NAME_SEPARATORS or char.isspace()):
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    return [name for name in (raw.strip(_NAME_TRIM) for raw in names) if name]


# --- files -----------------------------------------------------------------------------------


def parse_plan_file(path: str | os.PathLike[str], cancel: CancelToken | None = None) -> ParsedPlan:
    """Read a .txt or .docx plan document and parse it (``cancel`` stops the reading)."""
    return parse_plan_text(read_plan_document(path, cancel))


def read_plan_document(path: str | os.PathLike[str], cancel: CancelToken | None = None) -> str:
    """The text of a plan document, one paragraph a line; refuses what is not a safe .txt/.docx.

    A .docx passes the same zip and XML checks as every zip-based input (``zip_safety``); the
    reading runs within a ``ReadBudget`` that ``cancel`` can stop.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".doc":
        raise ValidationError(
            f"不支持旧版 Word 文件“{file.name}”：请在 Word 中另存为 .docx 后再导入",
            path=str(file),
        )
    if suffix not in (".txt", ".docx"):
        raise ValidationError(
            f"不支持的文件类型“{file.name}”：工作要点只能从 .txt 或 .docx 文件导入",
            path=str(file),
        )
    try:
        size = file.stat().st_size
    except FileNotFoundError:
        raise ValidationError(f"找不到文件：{file}", path=str(file)) from None
    except OSError as exc:
        raise ValidationError(
            f"无法读取文件：{file}（{exc.strerror or exc}）", path=str(file)
        ) from exc
    if not file.is_file():
        raise ValidationError(f"“{file}”不是文件", path=str(file))
    if size > MAX_FILE_BYTES:
        raise InputTooLarge(
            f"文件“{file.name}”过大（{size / 1024 / 1024:.1f} MB），"
            f"工作要点文件不能超过 {MAX_FILE_BYTES // 1024 // 1024} MB",
            path=str(file),
            size=size,
        )
    if suffix == ".txt":
        return _read_txt(file)
    return _read_docx(file, ReadBudget(file, cancel=cancel))


def _read_txt(file: Path) -> str:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ValidationError(
            f"无法读取文件：{file}（{exc.strerror or exc}）", path=str(file)
        ) from exc
    # Notepad's "Unicode" is UTF-16 with a byte order mark; otherwise UTF-8, then the GB family.
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ()
    for encoding in (*encodings, "utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            log.debug("read %s as %s", file, encoding)
            return text
    raise ValidationError(
        f"无法识别文件“{file.name}”的文字编码：请将其另存为 UTF-8 或 GB18030（GBK）编码的"
        "文本文件后再导入",
        path=str(file),
    )


def _not_a_docx(file: Path) -> ValidationError:
    return ValidationError(PLAN_DOCX.not_valid.format(name=file.name), path=str(file))


# A plan is a few pages of text: the Word limits, tightened.
PLAN_DOCX = replace(
    DOCX,
    not_valid="“{name}”不是有效的 Word（.docx）文件：文件可能已损坏、已加密，"
    "或是改了扩展名的其他格式",
    counts=(XmlCount(r"word/document\.xml", "p", MAX_PARAGRAPHS, "段落"),),
)


def plan_limits() -> ZipLimits:
    """The whole-file limits of a plan .docx."""
    return ZipLimits(
        max_bytes=MAX_FILE_BYTES,
        max_entries=MAX_ZIP_ENTRIES,
        max_uncompressed=MAX_UNCOMPRESSED_BYTES,
        max_ratio=MAX_COMPRESSION_RATIO,
    )


def _read_docx(file: Path, budget: ReadBudget) -> str:
    """The paragraphs of a plan .docx after the one zip/XML check of every zip-based input,
    all from the same bytes (the file may change on disk in between)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise zip_safety.cannot_read(file, exc) from exc
    zip_safety.check_zip_stream(io.BytesIO(data), len(data), file, PLAN_DOCX, plan_limits())
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            zip_safety.scan_xml_parts(archive, file, PLAN_DOCX, budget)
        document = docx.Document(io.BytesIO(data))
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        EOFError,
        zlib.error,
        etree.XMLSyntaxError,
    ) as exc:
        raise _not_a_docx(file) from exc
    lines = []
    for i, text in enumerate(_paragraph_texts(document)):
        if i % 200 == 0:
            budget.check()
        lines.append(text)
    text = "\n".join(lines)
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLarge(
            f"文件“{file.name}”的文字超过 {MAX_TEXT_CHARS} 个字，不像一份工作要点，已拒绝打开",
            path=str(file),
            limit=MAX_TEXT_CHARS,
        )
    return text


# --- automatic numbering in .docx --------------------------------------------------------------
# Word often numbers headings and tasks automatically, so "二、" and "1." are not in the runs'
# text. The numbers are rebuilt from numbering.xml, enough for the formats plans use.


def _paragraph_texts(document: Any) -> Iterator[str]:
    numbering = ListNumbering(document)
    for paragraph in document.paragraphs:
        yield numbering.prefix(paragraph) + paragraph.text
