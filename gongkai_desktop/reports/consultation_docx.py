"""意见收集和采纳情况说明: the account of one public consultation as a Word document in the
official layout (GB/T 9704-2012).

Title 关于《征求意见稿》意见收集和采纳情况的说明; an opening paragraph saying what was consulted on,
how and when; 一、意见收集情况 (opinions received, where the draft was published); 二、意见采纳情况
(adopted, partly adopted, not adopted, with a small table); 三、未采纳意见及理由; then the unit with
the 成文日期 as the signature (the public reads the bureau's account, not a division's). The
writer never prints a placeholder: an account whose 未采纳理由 is missing is refused before it is
built (``domain.decisions.explanation_problems``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ..domain.decisions import ConsultationFields, DecisionFields, channel_labels
from .word import Cell, OfficialDocument, WordFonts, chinese_date

__all__ = ["build_explanation", "explanation_title", "subject_of", "write_explanation"]

def subject_of(decision: DecisionFields, consultation: ConsultationFields) -> str:
    """What was consulted on, without book-title marks: the draft named, else the decision."""
    text = " ".join((consultation.subject or decision.title).split())
    return text.strip("《》") or "征求意见稿"


def explanation_title(decision: DecisionFields, consultation: ConsultationFields) -> str:
    """The title (the writer breaks it between words)."""
    return f"关于《{subject_of(decision, consultation)}》意见收集和采纳情况的说明"


def _lines(text: str) -> Iterator[str]:
    for line in re.split(r"\r\n|\r|\n|\u2028|\u2029", text):
        line = line.strip(" \t\u3000\u00a0")
        if line:
            yield line


def _rate(consultation: ConsultationFields) -> str:
    """采纳率 (adopted and partly adopted among those received), or a dash without opinions."""
    if consultation.received <= 0:
        return "—"
    share = (consultation.adopted + consultation.partly_adopted) / consultation.received
    return f"{share * 100:.1f}%"


def opening(decision: DecisionFields, consultation: ConsultationFields, unit_name: str) -> str:
    """The first paragraph: who consulted on what, when and how."""
    c = consultation
    who = unit_name.strip() or "我单位"
    channels = "、".join(channel_labels(c.channels)) or "多种"
    when = ""
    if c.started_on is not None and c.ended_on is not None:
        when = f"于{chinese_date(c.started_on)}至{chinese_date(c.ended_on)}"
    audience = "向社会公开征求意见" if c.is_public else "广泛听取意见"
    return (
        f"为提高决策的科学性、民主性和合法性，{who}{when}通过{channels}等方式，"
        f"就《{subject_of(decision, c)}》{audience}。现将意见收集和采纳情况说明如下。"
    )


def build_explanation(
    decision: DecisionFields,
    consultation: ConsultationFields,
    *,
    unit_name: str,
    fonts: WordFonts | None = None,
    issued: date | None = None,
) -> OfficialDocument:
    """The explanation laid out as an official document (see the module docstring), signed by
    the unit on ``issued`` (today by default). Refuses (ValueError) opinions not adopted
    without their reasons, which the service reports to the user beforehand."""
    c = consultation
    doc = OfficialDocument(fonts)
    doc.title(explanation_title(decision, c))
    doc.paragraph(opening(decision, c, unit_name))

    doc.heading("意见收集情况", 1, numbered=True)
    if c.received > 0:
        doc.paragraph(f"征求意见期间，共收到意见建议{c.received}条。")
    else:
        doc.paragraph("征求意见期间，未收到意见建议。")
    if c.link.strip():
        doc.paragraph(f"征求意见稿全文：{c.link.strip()}")
        # A link cannot break between words; justified, its line would be spread apart.
        doc.document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.LEFT

    doc.heading("意见采纳情况", 1, numbered=True)
    if c.received > 0:
        text = (
            f"对收到的意见建议逐条进行了认真研究，其中采纳{c.adopted}条，"
            f"部分采纳{c.partly_adopted}条，未采纳{c.not_adopted}条，"
            f"采纳率（含部分采纳）为{_rate(c)}。"
        )
        rest = c.received - c.handled
        if rest > 0:
            text += f"另有{rest}条意见未归入以上情形。"
        doc.paragraph(text)
        doc.table(
            [["收到意见（条）", "采纳（条）", "部分采纳（条）", "未采纳（条）", "采纳率"]],
            [
                [
                    c.received,
                    c.adopted,
                    c.partly_adopted,
                    c.not_adopted,
                    Cell(_rate(c), align="center"),
                ]
            ],
        )
    else:
        doc.paragraph("无需采纳的意见建议。")

    doc.heading("未采纳意见及理由", 1, numbered=True)
    reasons = list(_lines(c.reasons))
    rest = c.received - c.handled
    if c.not_adopted <= 0 and not reasons:
        if c.received <= 0:
            doc.paragraph("征求意见期间未收到意见建议，无未采纳的意见。")
        elif rest > 0:
            doc.paragraph(f"无未采纳的意见；另有{rest}条意见的处理情况尚未说明。")
        else:
            doc.paragraph("收到的意见建议均已采纳或部分采纳，无未采纳的意见。")
    elif reasons:
        for line in reasons:
            doc.paragraph(line)
    else:
        raise ValueError("未采纳的意见没有理由，不能写入公开的说明")

    doc.paragraph("衷心感谢社会各界的关心和支持！")
    doc.date_line(chinese_date(issued or date.today()), issuer=unit_name.strip() or None)
    return doc


def write_explanation(
    decision: DecisionFields,
    consultation: ConsultationFields,
    path: Path,
    *,
    unit_name: str,
    fonts: WordFonts,
    issued: date | None = None,
) -> Path:
    """Write the explanation as a .docx through a temporary file renamed into place."""
    doc = build_explanation(decision, consultation, unit_name=unit_name, fonts=fonts, issued=issued)
    return doc.save(path)
