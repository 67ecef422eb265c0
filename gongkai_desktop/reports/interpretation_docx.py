"""A policy interpretation (政策解读) as a Word document in the official layout (GB/T 9704-2012).

The document has the title (关于《文件名称》的政策解读, unless the interpretation's own title already
reads as one), the sections that have text, in the order of ``InterpretationSection``, each under
a numbered level-1 heading (一、背景依据 …), then the public particulars (解读人, 文件文号) and the
unit with the 成文日期 as the signature: the public reads the bureau's interpretation, not a
division's, and the record's internal facts (审签 and 发布 dates, the interpreter's role, the form
and link kept for the ledger) stay out. An interpretation not yet approved is a draft and carries
a 草稿 mark on every page.

Inside a section, a line the user numbered （一） （二） … is a level-2 heading (楷体), and one
numbered 1. 2. … a level-3 heading, as GB/T 9704 lays out the levels under 一、; the numbers are
the user's own and are kept as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from ..domain.interpretation import (
    InterpretationFields,
    InterpretationSection,
    InterpretationStatus,
    status_of,
)
from .word import OfficialDocument, WordFonts, chinese_date

__all__ = [
    "build_interpretation",
    "heading_level",
    "interpretation_title",
    "DRAFT_NOTICE",
    "is_draft",
    "particulars",
    "write_interpretation",
]

# A title the user typed is kept when it already names what the document is.
_TITLE_WORDS = ("解读", "读懂", "图解", "问答", "答记者问")


def interpretation_title(fields: InterpretationFields) -> str:
    """The title: the interpretation's own when it reads as a title, else 关于《…》的政策解读."""
    own = " ".join(fields.title.split())
    if own and any(word in own for word in _TITLE_WORDS):
        return own
    document = " ".join(fields.document_title.split()).strip("《》")
    if document:
        return f"关于《{document}》的政策解读"
    return own or "政策解读"


def particulars(fields: InterpretationFields) -> list[str]:
    """The public lines of the information block (解读人, 文件文号), only those filled in."""
    lines: list[str] = []
    interpreter = fields.interpreter.strip()
    if interpreter:
        lines.append(f"解读人：{interpreter}")
    if fields.document_number.strip():
        lines.append(f"文件文号：{fields.document_number.strip()}")
    return lines


DRAFT_NOTICE = "该解读尚未审签，文件每页标有“草稿”，不得公开。"


def is_draft(fields: InterpretationFields) -> bool:
    """An interpretation not yet approved (审签) is a draft."""
    return status_of(fields.approved_on, fields.published_on) is InterpretationStatus.DRAFT


# （一） … （九十九）, with full- or half-width brackets; and 1. 1． 1、 (not 1.5, a number).
_LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]")
_LEVEL3 = re.compile(r"^\d{1,2}[.．、](?!\d)")


def heading_level(line: str) -> int | None:
    """The heading level a section's line asks for by its number (2 or 3), else None."""
    if _LEVEL2.match(line):
        return 2
    if _LEVEL3.match(line):
        return 3
    return None


def _section_paragraphs(text: str) -> Iterator[str]:
    """The paragraphs of a section's text: one per non-blank line."""
    for line in re.split(r"\r\n|\r|\n|\u2028|\u2029", text):
        line = line.strip(" \t\u3000\u00a0")
        if line:
            yield line


def build_interpretation(
    fields: InterpretationFields,
    *,
    unit_name: str,
    fonts: WordFonts | None = None,
    issued: date | None = None,
) -> OfficialDocument:
    """The interpretation laid out as an official document (see the module docstring), signed
    by the unit on ``issued`` (today by default)."""
    doc = OfficialDocument(fonts)
    if is_draft(fields):
        doc.draft_mark()
    doc.title(interpretation_title(fields))
    for section in InterpretationSection:
        paragraphs = list(_section_paragraphs(fields.sections.get(section.value, "") or ""))
        if not paragraphs:
            continue
        doc.heading(str(section.label), 1, numbered=True)
        for paragraph in paragraphs:
            level = heading_level(paragraph)
            if level is None:
                doc.paragraph(paragraph)
            else:
                doc.heading(paragraph, level)
    info = particulars(fields)
    if info:
        doc.blank_line()
        for line in info:
            doc.paragraph(line)
    doc.date_line(chinese_date(issued or date.today()), issuer=unit_name.strip() or None)
    return doc


def write_interpretation(
    fields: InterpretationFields,
    path: Path,
    *,
    unit_name: str,
    fonts: WordFonts,
    issued: date | None = None,
) -> Path:
    """Write the interpretation as a .docx through a temporary file renamed into place."""
    doc = build_interpretation(fields, unit_name=unit_name, fonts=fonts, issued=issued)
    return doc.save(path)
