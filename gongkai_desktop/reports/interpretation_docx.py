"""A policy interpretation (政策解读) as a Word document in the official layout (GB/T 9704-2012).

The document has the title (关于《文件名称》的政策解读, unless the interpretation's own title already
reads as one), the sections that have text, in the order of ``InterpretationSection``, each under
a numbered level-1 heading (一、背景依据 …), then a block of particulars (解读人, 解读形式, 文号,
dates, link) and the drafting division with the date as the signature.

Inside a section, a line the user numbered （一） （二） … is a level-2 heading (楷体), and one
numbered 1. 2. … a level-3 heading, as GB/T 9704 lays out the levels under 一、; the numbers are
the user's own and are kept as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ..domain.interpretation import (
    InterpretationFields,
    InterpretationForm,
    InterpretationSection,
    InterpreterRole,
)
from .word import OfficialDocument, WordFonts

__all__ = [
    "build_interpretation",
    "heading_level",
    "interpretation_title",
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


def _chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _label(enum: type[InterpretationForm] | type[InterpreterRole], value: str) -> str:
    try:
        return enum(value).label
    except ValueError:
        return value


def particulars(fields: InterpretationFields) -> list[str]:
    """The lines of the information block: only what was filled in, one ``名称：内容`` a line."""
    lines: list[str] = []
    interpreter = fields.interpreter.strip()
    role = _label(InterpreterRole, fields.interpreter_role) if fields.interpreter_role else ""
    if interpreter and role:
        lines.append(f"解读人：{interpreter}（{role}）")
    elif interpreter or role:
        lines.append(f"解读人：{interpreter or role}")
    forms = "、".join(_label(InterpretationForm, f) for f in fields.forms)
    if forms:
        lines.append(f"解读形式：{forms}")
    if fields.document_number.strip():
        lines.append(f"文件文号：{fields.document_number.strip()}")
    for label, value in (
        ("文件审签日期", fields.document_approved_on),
        ("解读审签日期", fields.approved_on),
        ("文件发布日期", fields.document_published_on),
        ("解读发布日期", fields.published_on),
    ):
        if value is not None:
            lines.append(f"{label}：{_chinese_date(value)}")
    if fields.link.strip():
        lines.append(f"解读链接：{fields.link.strip()}")
    return lines


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
    division_name: str,
    unit_name: str,
    fonts: WordFonts | None = None,
    issued: date | None = None,
) -> OfficialDocument:
    """The interpretation laid out as an official document (see the module docstring).

    The signature date is ``issued``, else the interpretation's publication or approval date,
    else today.
    """
    doc = OfficialDocument(fonts)
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
            # A link cannot break between words; justified, the line holding its first part
            # would spread the label's characters across the page.
            doc.document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.LEFT
    signed = issued or fields.published_on or fields.approved_on or date.today()
    issuer = f"{unit_name.strip()}{division_name.strip()}" or None
    doc.date_line(_chinese_date(signed), issuer=issuer)
    return doc


def write_interpretation(
    fields: InterpretationFields,
    path: Path,
    *,
    division_name: str,
    unit_name: str,
    fonts: WordFonts,
    issued: date | None = None,
) -> Path:
    """Write the interpretation as a .docx through a temporary file renamed into place."""
    doc = build_interpretation(
        fields, division_name=division_name, unit_name=unit_name, fonts=fonts, issued=issued
    )
    return doc.save(path)
