"""政策解读 (SPEC §7): the closed lists, the fields of one interpretation, and its rules.

The drafting division interprets its own document (谁起草、谁解读), and the interpretation is
approved and published together with the document (同步审签、发布与解读同步): its approval date is
the document's, and it is published no later than the document plus a tolerance of working days
(a business setting, 0 by default). ``sync_problems`` states each breach in Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from ..calendar import WorkingCalendar
from ..errors import CalendarMissing
from .checks import doc_number_problem, link_problem
from .disclosure import Problem
from .labels import LabelledEnum


class InterpretationSection(LabelledEnum):
    """The structured sections of a draft, in the order the exported document prints them."""

    BACKGROUND = ("background", "背景依据")
    SIGNIFICANCE = ("significance", "制定意义和总体考虑")
    DRAFTING = ("drafting", "研判和起草过程")
    GOALS = ("goals", "工作目标")
    TASKS = ("tasks", "主要任务")
    SAFEGUARDS = ("safeguards", "保障措施")
    SCOPE = ("scope", "涉及范围")
    KEYWORDS = ("keywords", "关键词诠释")
    CHANGES = ("changes", "新旧政策差异")
    NEXT_STEPS = ("next_steps", "下一步工作")


class InterpretationForm(LabelledEnum):
    TEXT = ("text", "文字解读")
    GRAPHIC = ("graphic", "政策图解")
    PRESS_CONFERENCE = ("press_conference", "新闻发布会")
    SOCIAL_MEDIA = ("social_media", "微博微信")
    AUDIO_VIDEO = ("audio_video", "音频视频")
    ONLINE_INTERVIEW = ("online_interview", "在线访谈")
    CASE_STUDY = ("case_study", "事例讲解")
    EXPERT = ("expert", "专家解读")


class InterpreterRole(LabelledEnum):
    DIVISION_HEAD = ("division_head", "处室负责人")
    BUREAU_LEADER = ("bureau_leader", "局领导")
    EXPERT = ("expert", "专家")


class InterpretationStatus(LabelledEnum):
    """Where an interpretation stands, read from its dates."""

    DRAFT = ("draft", "起草中")
    APPROVED = ("approved", "已审签")
    PUBLISHED = ("published", "已发布")


# The business setting the admin edits in 系统管理 (``services.admin.SETTING_DEFAULTS``); its
# bounds are the settings page's.
SYNC_TOLERANCE_SETTING = "interpretation_tolerance_workdays"
DEFAULT_SYNC_TOLERANCE = 0
MAX_SYNC_TOLERANCE = 30

INTERPRETATION_FIELD_LABELS = {
    "title": "解读标题",
    "document_title": "政策文件名称",
    "document_number": "文号",
    "forms": "解读形式",
    "interpreter_role": "解读人身份",
    "interpreter": "解读人",
    "document_approved_on": "文件审签日期",
    "approved_on": "解读审签日期",
    "document_published_on": "文件发布日期",
    "published_on": "解读发布日期",
    "link": "解读链接",
    "notes": "备注",
    "sections": "解读内容",
}


@dataclass(frozen=True)
class InterpretationFields:
    """What a user enters for one interpretation (the section texts included)."""

    title: str
    document_title: str
    document_number: str = ""
    forms: tuple[str, ...] = (InterpretationForm.TEXT.value,)  # InterpretationForm values
    interpreter_role: str | None = None  # InterpreterRole value
    interpreter: str = ""
    document_approved_on: date | None = None
    approved_on: date | None = None
    document_published_on: date | None = None
    published_on: date | None = None
    link: str = ""
    notes: str = ""
    # InterpretationSection value → text; sections left out are empty.
    sections: Mapping[str, str] = field(default_factory=dict)


def status_of(approved_on: date | None, published_on: date | None) -> InterpretationStatus:
    if published_on is not None:
        return InterpretationStatus.PUBLISHED
    if approved_on is not None:
        return InterpretationStatus.APPROVED
    return InterpretationStatus.DRAFT


# The longest text each short field may hold: the widths of the record's String columns
# (``db.interpretation_models.Interpretation``), so a long entry is refused in Chinese here and
# never reaches the database as a raw error.
MAX_LENGTHS = {
    "title": 300,
    "document_title": 300,
    "document_number": 64,
    "interpreter": 100,
    "link": 500,
}
# A NUL cannot be stored in a PostgreSQL text column; no one types one on purpose.
_NUL = "\x00"


def _too_long(fields: InterpretationFields, name: str) -> Problem | None:
    limit = MAX_LENGTHS[name]
    length = len(getattr(fields, name).strip())
    if length > limit:
        return Problem(name, f"不能超过 {limit} 个字（现有 {length} 个字）")
    return None


def validate_interpretation(fields: InterpretationFields) -> list[Problem]:
    """Every problem of the fields (empty when they can be saved)."""
    problems: list[Problem] = []

    def check_length(name: str) -> None:
        problem = _too_long(fields, name)
        if problem is not None:
            problems.append(problem)

    if not fields.title.strip():
        problems.append(Problem("title", "必须填写"))
    else:
        check_length("title")
    if not fields.document_title.strip():
        problems.append(Problem("document_title", "必须填写被解读的政策文件名称"))
    else:
        check_length("document_title")
    check_length("document_number")
    if _too_long(fields, "document_number") is None and (
        problem := doc_number_problem(fields.document_number)
    ):
        problems.append(Problem("document_number", problem))
    if not fields.forms:
        problems.append(Problem("forms", "至少选择一种解读形式"))
    for form in fields.forms:
        try:
            InterpretationForm(form)
        except ValueError:
            problems.append(Problem("forms", f"「{form}」不是有效的解读形式"))
    if fields.interpreter_role is not None:
        try:
            InterpreterRole(fields.interpreter_role)
        except ValueError:
            problems.append(Problem("interpreter_role", f"「{fields.interpreter_role}」不是有效的身份"))
    check_length("interpreter")
    check_length("link")
    if _too_long(fields, "link") is None and (problem := link_problem(fields.link)):
        problems.append(Problem("link", problem))
    texts = {name: getattr(fields, name) for name in (*MAX_LENGTHS, "notes")}
    texts.update({f"sections:{k}": v for k, v in fields.sections.items()})
    for name, text in texts.items():
        if _NUL in (text or ""):
            field_name = name.split(":", 1)[0]
            problems.append(Problem(field_name, "含有无法保存的控制字符（NUL），请删除后再保存"))
    for key in fields.sections:
        try:
            InterpretationSection(key)
        except ValueError:
            problems.append(Problem("sections", f"「{key}」不是解读的组成部分"))
    if fields.published_on is not None and fields.approved_on is None:
        problems.append(Problem("approved_on", "解读发布前须先审签：请填写解读审签日期"))
    if (
        fields.published_on is not None
        and fields.approved_on is not None
        and fields.published_on < fields.approved_on
    ):
        problems.append(Problem("published_on", "解读发布日期不能早于解读审签日期"))
    if (
        fields.document_published_on is not None
        and fields.document_approved_on is not None
        and fields.document_published_on < fields.document_approved_on
    ):
        problems.append(Problem("document_published_on", "文件发布日期不能早于文件审签日期"))
    return problems


def sync_problems(
    fields: InterpretationFields,
    calendar: WorkingCalendar,
    tolerance_days: int = DEFAULT_SYNC_TOLERANCE,
    today: date | None = None,
) -> list[str]:
    """The breaches of 同步审签、同步发布, each as one Chinese sentence (empty: in sync).

    - The interpretation is approved on the document's approval date.
    - It is published no later than the ``tolerance_days``-th working day after the document's
      publication (on the same day when the tolerance is 0).
    - Once the document is published and the tolerance has passed (``today``), an unpublished
      interpretation is late too.
    """
    problems: list[str] = []
    doc_approved, approved = fields.document_approved_on, fields.approved_on
    if doc_approved is not None and approved is not None and approved != doc_approved:
        problems.append(
            f"解读审签日期（{approved:%Y-%m-%d}）与文件审签日期（{doc_approved:%Y-%m-%d}）不同步"
        )
    doc_published = fields.document_published_on
    if doc_published is None:
        return problems
    if tolerance_days <= 0:
        latest = doc_published
    else:
        try:
            latest = calendar.working_day_after(doc_published, tolerance_days)
        except CalendarMissing as exc:
            problems.append(f"无法判断解读是否同步发布：{exc}")
            return problems
    allowed = "同日" if tolerance_days <= 0 else f"{tolerance_days} 个工作日内"
    if fields.published_on is not None:
        if fields.published_on > latest:
            problems.append(
                f"解读发布日期（{fields.published_on:%Y-%m-%d}）晚于文件发布日期"
                f"（{doc_published:%Y-%m-%d}），未做到与文件{allowed}发布"
            )
    elif today is not None and today > latest:
        problems.append(f"文件已于 {doc_published:%Y-%m-%d} 发布，解读尚未发布")
    return problems


# Terms a document puts in 「」 or “” (or the ASCII quotes some drafts use): candidates for
# 关键词诠释. Two to thirty characters, no sentence punctuation inside.
_QUOTED = re.compile(r"「([^「」\n]{2,30})」|“([^“”\n]{2,30})”|\"([^\"\n]{2,30})\"")
_SENTENCE_MARKS = re.compile(r"[。！？；，,.!?;]")


def quoted_terms(paragraphs: list[str] | tuple[str, ...]) -> list[str]:
    """The quoted terms of a document, each once, in the order they first appear."""
    seen: dict[str, None] = {}
    for text in paragraphs:
        for match in _QUOTED.finditer(text):
            term = next(g for g in match.groups() if g is not None).strip()
            if term and not _SENTENCE_MARKS.search(term):
                seen.setdefault(term, None)
    return list(seen)
