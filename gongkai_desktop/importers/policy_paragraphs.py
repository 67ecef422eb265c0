"""What every policy document reader returns, and the text cap each works within.

``read_policy_document`` gives a ``PolicyText``: the non-empty paragraphs of the file in reading
order, their whitespace normalised (``normalise_space``), with the SHA-256 of the file's bytes.

The text is counted while it is extracted (``TextBudget``): as soon as the paragraphs read so far
pass ``MAX_TEXT_CHARS`` the reading stops and the file is refused, so a small file that inflates
into a huge text never gets read to its end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputTooLarge

__all__ = [
    "MAX_TEXT_CHARS",
    "PolicyText",
    "TextBudget",
    "check_text_length",
    "clean_paragraphs",
    "normalise_space",
    "too_much_text",
]

MAX_TEXT_CHARS = 5_000_000


@dataclass(frozen=True)
class PolicyText:
    """The paragraphs of one policy document file, and the SHA-256 of the file's bytes."""

    paragraphs: tuple[str, ...]
    file_name: str
    sha256: str


def too_much_text(file: Path) -> InputTooLarge:
    return InputTooLarge(
        f"文件“{file.name}”的文字超过 {MAX_TEXT_CHARS} 个字，不像一份政策文件，已拒绝打开",
        path=str(file),
        limit=MAX_TEXT_CHARS,
    )


class TextBudget:
    """The characters extracted so far from one file; refuses the file once they pass the cap."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.used = 0

    def spend(self, chars: int) -> None:
        self.used += chars
        if self.used > MAX_TEXT_CHARS:
            raise too_much_text(self.file)


def check_text_length(file: Path, paragraphs: Sequence[str]) -> None:
    """Refuse the file when its paragraphs, as returned, hold more than the cap."""
    if sum(len(p) for p in paragraphs) > MAX_TEXT_CHARS:
        raise too_much_text(file)


_SPACES = re.compile(r"[\s\u3000\u00a0\u2002-\u200a\u202f\u205f]+")
_INVISIBLE = str.maketrans({"\ufeff": None, "\u200b": None, "\u200c": None, "\u200d": None})
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def normalise_space(text: str) -> str:
    """``text`` trimmed, with each run of white space (full-width and no-break spaces, tabs,
    line breaks) made one space and invisible characters removed.

    Spaces between Chinese characters stay: 第一条 为规范…… keeps the space after the article.
    """
    text = _XML_ILLEGAL.sub("", text.translate(_INVISIBLE))
    return _SPACES.sub(" ", text).strip()


def clean_paragraphs(file: Path, texts: Iterable[str]) -> list[str]:
    """The non-empty normalised paragraphs, taken one by one within the file's text budget."""
    budget = TextBudget(file)
    paragraphs: list[str] = []
    for text in texts:
        cleaned = normalise_space(text)
        if cleaned:
            budget.spend(len(cleaned))
            paragraphs.append(cleaned)
    return paragraphs
