"""新闻发布与回应 (SPEC §9): the six kinds of record — press conferences, 政务舆情 responses,
interactions with the public, 建议提案办理, meetings and training, and the rectification of what
inspections and audits found — each described by a ``KindSpec`` (``domain.engagement_fields``)
with the few cross-field checks and states that are its own.

The rules live beside: the 舆情 hour limits in ``domain.public_opinion``, the bureau's period
rules (conferences, the report hearing, training) in ``domain.engagement_periods``.
"""

from __future__ import annotations

from datetime import datetime

from .disclosure import Problem
from .engagement_choices import (
    EngagementKind,
    InteractionForm,
    MeetingKind,
    OpinionLevel,
    ProposalType,
    RectificationSource,
)
from .engagement_fields import Assess, Assessment, FieldSpec, FieldType, KindSpec, Values
from .public_opinion import assess_opinion, check_opinion

# --- the kinds' states and checks ---------------------------------------------------------------


def _not_before(values: Values, later: str, earlier: str, message: str) -> list[Problem]:
    a, b = values.get(later), values.get(earlier)
    if a is not None and b is not None and a < b:
        return [Problem(later, message)]
    return []


def _planned_or_held(planned: str, held: str) -> Assess:
    """The state of a kind dated by the day it is held on: ``planned`` while that day is still
    ahead, ``held`` from then on (a press conference, a meeting)."""

    def state(values: Values, now: datetime) -> Assessment:
        day = values.get("held_on")
        return Assessment(planned if day is not None and day > now.date() else held)

    return state


def _assess_interaction(values: Values, now: datetime) -> Assessment:
    return Assessment("已答复" if values.get("answered_on") else "待答复")


def _check_interaction(values: Values) -> list[Problem]:
    return _not_before(values, "answered_on", "received_on", "答复日期不能早于收到日期")


def _assess_proposal(values: Values, now: datetime) -> Assessment:
    if values.get("published_on"):
        return Assessment("已答复，结果已公开")
    if values.get("replied_on"):
        return Assessment("已答复，结果未公开")
    return Assessment("办理中")


def _check_proposal(values: Values) -> list[Problem]:
    problems = _not_before(values, "replied_on", "received_on", "答复日期不能早于交办日期")
    if values.get("published_on") is not None and values.get("replied_on") is None:
        problems.append(Problem("published_on", "办理结果公开前须先答复：请填写答复日期"))
    problems += _not_before(values, "published_on", "replied_on", "结果公开日期不能早于答复日期")
    return problems


def _assess_rectification(values: Values, now: datetime) -> Assessment:
    if not values.get("rectified_on"):
        return Assessment("整改中")
    return Assessment("已整改并公开" if values.get("disclosed") else "已整改，未公开")


def _check_rectification(values: Values) -> list[Problem]:
    problems = _not_before(values, "rectified_on", "found_on", "整改完成日期不能早于发现日期")
    if values.get("rectified_on") is not None and not values.get("rectification"):
        problems.append(Problem("rectification", "已完成整改的请填写整改措施"))
    return problems


# --- the six kinds ------------------------------------------------------------------------------

T, LT, D, DT, C, B = (
    FieldType.TEXT,
    FieldType.LONG_TEXT,
    FieldType.DATE,
    FieldType.DATETIME,
    FieldType.CHOICE,
    FieldType.BOOL,
)

PRESS_CONFERENCE = KindSpec(
    EngagementKind.PRESS_CONFERENCE,
    "承办处室",
    (
        FieldSpec("held_on", "发布日期", D, required=True, listed=True),
        FieldSpec("topic", "发布主题", T, required=True, max_length=300, listed=True),
        FieldSpec(
            "speakers",
            "发布人",
            FieldType.SPEAKERS,
            required=True,
            listed=True,
            hint="分管领导请填写姓名，用于检查每位分管领导每半年出席情况",
        ),
        FieldSpec("involved_divisions", "参与处室", FieldType.DIVISIONS, listed=True),
        FieldSpec("link", "发布链接", T, max_length=500, hint="门户网站上的发布会页面地址"),
        FieldSpec("notes", "备注", LT),
    ),
    date_field="held_on",
    title_field="topic",
    search=("topic", "speakers", "notes"),
    assess=_planned_or_held("计划举行", "已举行"),
)

PUBLIC_OPINION = KindSpec(
    EngagementKind.PUBLIC_OPINION,
    "责任处室",
    (
        FieldSpec("subject", "舆情事项", T, required=True, max_length=300, listed=True),
        FieldSpec(
            "source", "来源", T, required=True, max_length=200, listed=True,
            hint="如：微博、网络媒体、12345热线、领导批示",
        ),
        FieldSpec("first_seen_at", "发现时间", DT, required=True, listed=True),
        FieldSpec("level", "级别", C, required=True, choices=OpinionLevel, listed=True),
        FieldSpec("emergency", "突发事件", B, listed=True),
        FieldSpec("judgement", "研判情况", LT),
        FieldSpec("reported_to", "报告情况", T, max_length=200, hint="向谁报告、何时报告"),
        FieldSpec(
            "responded_at", "回应时间", DT, listed=True, hint="应在发现后 48 小时内回应",
            not_after_now=True,
        ),
        FieldSpec("response_channel", "回应渠道", T, max_length=200, hint="如：门户网站、官方微博"),
        FieldSpec(
            "authoritative_at", "权威信息发布时间", DT,
            hint="重大、特别重大突发事件应在 5 小时内发布权威信息",
            not_after_now=True,
        ),
        FieldSpec(
            "conference_at", "新闻发布会时间", DT,
            hint="重大、特别重大突发事件应在 24 小时内举行新闻发布会",
            not_after_now=True,
        ),
        FieldSpec("notes", "备注", LT),
    ),
    date_field="first_seen_at",
    title_field="subject",
    search=("subject", "source", "judgement", "notes"),
    check=check_opinion,
    assess=assess_opinion,
)

INTERACTION = KindSpec(
    EngagementKind.INTERACTION,
    "承办处室",
    (
        FieldSpec("form", "形式", C, required=True, choices=InteractionForm, listed=True),
        FieldSpec("subject", "主题或内容", T, required=True, max_length=300, listed=True),
        FieldSpec("received_on", "收到（开展）日期", D, required=True, listed=True),
        FieldSpec("answered_on", "答复日期", D, listed=True),
        FieldSpec("reply", "答复内容", LT),
        FieldSpec("notes", "备注", LT),
    ),
    date_field="received_on",
    title_field="subject",
    search=("subject", "reply", "notes"),
    check=_check_interaction,
    assess=_assess_interaction,
)

PROPOSAL = KindSpec(
    EngagementKind.PROPOSAL,
    "承办处室",
    (
        FieldSpec("proposal_type", "类型", C, required=True, choices=ProposalType, listed=True),
        FieldSpec("number", "编号", T, required=True, max_length=64, listed=True),
        FieldSpec("title", "标题", T, required=True, max_length=300, listed=True),
        FieldSpec("received_on", "交办日期", D, required=True, listed=True),
        FieldSpec("replied_on", "答复日期", D, listed=True),
        FieldSpec("published_on", "结果公开日期", D, listed=True),
        FieldSpec("notes", "备注", LT),
    ),
    date_field="received_on",
    title_field="title",
    search=("number", "title", "notes"),
    check=_check_proposal,
    assess=_assess_proposal,
)

MEETING = KindSpec(
    EngagementKind.MEETING,
    "组织处室",
    (
        FieldSpec("meeting_kind", "类别", C, required=True, choices=MeetingKind, listed=True),
        FieldSpec("held_on", "日期", D, required=True, listed=True),
        FieldSpec("subject", "主题", T, required=True, max_length=300, listed=True),
        FieldSpec("participants", "参加人员", LT, listed=True),
        FieldSpec("notes", "备注", LT),
    ),
    date_field="held_on",
    title_field="subject",
    search=("subject", "participants", "notes"),
    assess=_planned_or_held("计划中", "已召开"),
)

RECTIFICATION = KindSpec(
    EngagementKind.RECTIFICATION,
    "责任处室",
    (
        FieldSpec("source", "来源", C, required=True, choices=RectificationSource, listed=True),
        FieldSpec("problem", "发现问题", LT, required=True, listed=True),
        FieldSpec("found_on", "发现日期", D, required=True, listed=True),
        FieldSpec("rectification", "整改措施", LT),
        FieldSpec("rectified_on", "整改完成日期", D, listed=True),
        FieldSpec("disclosed", "整改情况已公开", B, listed=True),
        FieldSpec("notes", "备注", LT),
    ),
    date_field="found_on",
    title_field="problem",
    search=("problem", "rectification", "notes"),
    check=_check_rectification,
    assess=_assess_rectification,
)

KINDS: dict[EngagementKind, KindSpec] = {
    spec.kind: spec
    for spec in (PRESS_CONFERENCE, PUBLIC_OPINION, INTERACTION, PROPOSAL, MEETING, RECTIFICATION)
}
