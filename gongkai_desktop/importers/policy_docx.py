"""Policy documents in Word (.docx) read into paragraphs, the untrusted file checked first.

The zip limits of ``xlsx_safety`` (size, members, zip bombs, member names) are checked on the very
bytes that are then parsed (``check_docx_bytes``), then every XML part's prolog is read with
defusedxml, refusing a DTD or an entity declaration before python-docx parses anything. Body
paragraphs and the paragraphs of table cells come in document order; Word's automatic numbering
(``一、`` ``1.``) is written back in.
"""

from __future__ import annotations

import io
import logging
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import ValidationError
from . import xlsx_safety, zip_safety
from .budget import ReadBudget
from .docx_numbering import ListNumbering
from .policy_paragraphs import clean_paragraphs
from .xlsx_safety import DOCX, MAX_BYTES

__all__ = ["check_docx_bytes", "docx_paragraphs"]

log = logging.getLogger(__name__)


def _not_a_docx(file: Path) -> ValidationError:
    return ValidationError(DOCX.not_valid.format(name=file.name), path=str(file))


def check_docx_bytes(file: Path, data: bytes) -> None:
    """The limits of ``xlsx_safety.check_package_limits`` (Word's messages), applied to ``data``:
    the bytes that will be parsed, not the file on disk, which may change in between."""
    xlsx_safety.check_package_stream(io.BytesIO(data), len(data), file, DOCX, max_bytes=MAX_BYTES)


def docx_paragraphs(file: Path, data: bytes, budget: ReadBudget) -> list[str]:
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
        return clean_paragraphs(file, _docx_texts(document, budget))
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
