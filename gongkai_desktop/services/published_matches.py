"""A request for disclosure against what is already published (条例 第三十六条第（一）项).

When a request is registered, its content is looked up among the published 主动公开 items and
the normative documents: the terms are the content's three-character runs (what the lists'
trigram index holds), the ledger's own full-text search finds the candidates
(:func:`~gongkai_desktop.search.published_items_matching_any`, the documents list's LIKE match),
and each candidate is ranked by how much of its title the request repeats, with a 文号 or a whole
title named in the request weighing most. Choosing one drafts the 告知 answer: 「已主动公开，获取
方式…」 with the channel and the link, under table 三's 予以公开 row.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..db.ledger_models import DisclosureItem, NormativeDocument
from ..domain.disclosure import PORTAL, mask_to_channels
from ..domain.permissions import Action
from ..search import contains_term, published_items_matching_any
from .base import Service, division_names

OUTCOME_ALREADY_PUBLISHED = "予以公开"
CANDIDATES = 60
MAX_TERMS = 60

ITEM = "item"
DOCUMENT = "document"
KIND_LABELS = {ITEM: "公开事项", DOCUMENT: "规范性文件"}

# Words of the request itself, not of what it asks for: dropped before comparing with titles.
_REQUEST_WORDS = (
    "申请公开",
    "请求公开",
    "要求公开",
    "申请获取",
    "申请提供",
    "请提供",
    "请公开",
    "本人",
    "贵局",
    "贵单位",
    "你局",
    "贵机关",
    "相关信息",
    "有关信息",
    "政府信息",
    "的全文",
    "复印件",
    "电子版",
    "纸质版",
)
_NOT_TEXT = re.compile(r"[\s\W_]+", re.UNICODE)
_QUOTED = re.compile(r"[《“「\"]([^》”」\"]{4,})[》”」\"]")


def normalised(text: str) -> str:
    """Full-width folded, the request's own words and all punctuation removed."""
    text = unicodedata.normalize("NFKC", text)
    for word in _REQUEST_WORDS:
        text = text.replace(word, " ")
    return _NOT_TEXT.sub("", text)


def trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)}


def similarity(content: str, title: str, doc_number: str = "") -> float:
    """How well a title answers a request's content (0 … about 3).

    The share of three-character runs the two have in common (cosine), plus 1 when the request
    names the 文号 and 1 when it quotes the whole title (《…》 or as written).
    """
    c, t = normalised(content), normalised(title)
    cg, tg = trigrams(c), trigrams(t)
    score = len(cg & tg) / math.sqrt(len(cg) * len(tg)) if cg and tg else 0.0
    number = normalised(doc_number)
    if len(number) >= 4 and number in c:
        score += 1.0
    if len(t) >= 4 and t in c:
        score += 1.0
    return score


def search_terms(content: str) -> list[str]:
    """The content's runs to look up: quoted titles first, then every three-character run."""
    quoted = [normalised(q) for q in _QUOTED.findall(unicodedata.normalize("NFKC", content))]
    runs = sorted(trigrams(normalised(content)))
    return [q for q in quoted if len(q) >= 3] + runs


@dataclass(frozen=True)
class PublishedMatch:
    """A published record that may already answer a request."""

    kind: str
    id: int
    title: str
    doc_number: str
    published_on: date | None
    channels: tuple[str, ...]
    link: str
    division_name: str
    score: float

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def channel_text(self) -> str:
        return "、".join(self.channels) or "（未登记公开渠道）"


def answer_draft(match: PublishedMatch) -> str:
    """The 告知 of 条例第三十六条第（一）项: already published, and how to get it."""
    when = f"于{match.published_on:%Y年%m月%d日}" if match.published_on else ""
    number = f"（{match.doc_number}）" if match.doc_number else ""
    where = match.link or "（未登记链接，请补充获取途径）"
    return (
        f"经查，您申请获取的政府信息已{when}主动公开，获取方式：通过{match.channel_text}查阅"
        f"《{match.title}》{number}，网址：{where}。"
        "根据《中华人民共和国政府信息公开条例》第三十六条第（一）项，特此告知。"
    )


def _item_matches(session: Session, content: str, names: dict[int, str]) -> list[PublishedMatch]:
    ids = published_items_matching_any(session, search_terms(content)[:MAX_TERMS], CANDIDATES)
    if not ids:
        return []
    rows = session.scalars(select(DisclosureItem).where(DisclosureItem.id.in_(ids)))
    return [
        PublishedMatch(
            ITEM,
            r.id,
            r.title,
            r.doc_number,
            r.published_on,
            mask_to_channels(r.channels),
            r.link,
            names.get(r.division_id, ""),
            similarity(content, r.title, r.doc_number),
        )
        for r in rows
    ]


def _document_matches(
    session: Session, content: str, names: dict[int, str]
) -> list[PublishedMatch]:
    terms = search_terms(content)[:MAX_TERMS]
    if not terms:
        return []
    doc = NormativeDocument
    stmt = (
        select(doc)
        .where(
            or_(*(contains_term(t, doc.title, doc.doc_number) for t in terms)),
            doc.deleted_at.is_(None),
            doc.published_on.is_not(None),
        )
        .order_by(doc.published_on.desc(), doc.id.desc())
        .limit(CANDIDATES * 4)
    )
    return [
        PublishedMatch(
            DOCUMENT,
            d.id,
            d.title,
            d.doc_number,
            d.published_on,
            (PORTAL,) if d.link else (),
            d.link,
            names.get(d.division_id, ""),
            similarity(content, d.title, d.doc_number),
        )
        for d in session.scalars(stmt)
    ]


class PublishedMatchService(Service):
    def matches(self, content: str, limit: int = 5, minimum: float = 0.2) -> list[PublishedMatch]:
        """The published items and documents that best match a request's content, best first
        (more recent first among equals); weak resemblances (below ``minimum``) are left out."""
        self.require(Action.READ, what="request.match", entity="disclosure_request")
        if len(normalised(content)) < 3:
            return []
        with self.db.read() as session:
            names = division_names(session)
            found = _item_matches(session, content, names) + _document_matches(
                session, content, names
            )
        found = [m for m in found if m.score >= minimum]
        found.sort(key=lambda m: (-m.score, -(m.published_on or date.min).toordinal(), m.kind))
        return found[:limit]
