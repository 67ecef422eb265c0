"""The text of a policy document (政策文件) to interpret: .docx, .pdf or .txt, as paragraphs.

The interpretation workbench shows the document read-only beside the draft and compares it with
its previous version paragraph by paragraph, so every reader returns the same thing: the
non-empty paragraphs in reading order with their whitespace normalised (``normalise_space``).

The files are untrusted, and each is checked before it is parsed:

* .docx: the zip limits of ``xlsx_safety`` (size, members, zip bombs, member names), checked on
  the very bytes that are then parsed (``check_docx_bytes``), then every XML part's prolog is read
  with defusedxml, refusing a DTD or an entity declaration before python-docx parses anything. Body paragraphs and the paragraphs of table
  cells come in document order; Word's automatic numbering (``一、`` ``1.``) is written back in
  (``policy_docx``).
* .pdf: at most ``MAX_BYTES`` and ``MAX_PAGES`` pages, not encrypted. Lines are joined into
  paragraphs as Chinese text needs (see ``join_lines``; ``policy_pdf``).
* .txt: UTF-8 with or without a byte order mark (or UTF-16 with one), else GB18030; each
  non-empty line is a paragraph.

The text is counted while it is extracted: as soon as the paragraphs read so far pass
``MAX_TEXT_CHARS`` the reading stops and the file is refused, so a small file that inflates into
a huge text never gets read to its end (``policy_paragraphs``).

Old Word files (.doc) and other types are refused with a message saying what to save them as.
Every failure is a ``ValidationError`` (or ``InputTooLarge``) with a Chinese message naming the
file.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from ..errors import InputTooLarge, ValidationError
from ..progress import CancelToken
from .budget import ReadBudget
from .policy_docx import check_docx_bytes, docx_paragraphs
from .policy_paragraphs import (
    MAX_TEXT_CHARS,
    PolicyText,
    check_text_length,
    clean_paragraphs,
    normalise_space,
)
from .policy_pdf import MAX_PAGES, TextLine, join_lines, pdf_paragraphs
from .xlsx_safety import MAX_BYTES, _mb

__all__ = [
    "MAX_BYTES",
    "MAX_PAGES",
    "MAX_TEXT_CHARS",
    "SUPPORTED_SUFFIXES",
    "PolicyText",
    "TextLine",
    "check_docx_bytes",
    "join_lines",
    "normalise_space",
    "read_policy_document",
]

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".docx", ".pdf", ".txt")


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
        paragraphs = docx_paragraphs(file, data, budget)
    elif suffix == ".pdf":
        paragraphs = pdf_paragraphs(file, data, budget)
    else:
        paragraphs = _txt_paragraphs(file, data)
    if not paragraphs:
        hint = "；如果是扫描件，请提供 Word 版本或可复制文字的 PDF" if suffix == ".pdf" else ""
        raise ValidationError(f"文件“{file.name}”中没有可读取的文字{hint}", path=str(file))
    # The PDF's lines were counted before they were joined; joining may add a space per line.
    check_text_length(file, paragraphs)
    return PolicyText(tuple(paragraphs), file.name, hashlib.sha256(data).hexdigest())


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
        return clean_paragraphs(file, (m.group() for m in _TXT_LINE.finditer(text)))
    raise ValidationError(
        f"无法识别文件“{file.name}”的文字编码，或它不是文本文件：请另存为 UTF-8 或 GB18030（GBK）"
        "编码的文本，或直接打开 Word（.docx）、PDF 文件",
        path=str(file),
    )
