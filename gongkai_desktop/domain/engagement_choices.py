"""新闻发布与回应's closed lists: the six kinds of record, and the values their choice fields offer
(who speaks at a press conference, how grave a 舆情 is, the forms of 互动交流, …)."""

from __future__ import annotations

from .labels import LabelledEnum


class EngagementKind(LabelledEnum):
    PRESS_CONFERENCE = ("press_conference", "新闻发布会")
    PUBLIC_OPINION = ("public_opinion", "政务舆情回应")
    INTERACTION = ("interaction", "互动交流")
    PROPOSAL = ("proposal", "建议提案办理")
    MEETING = ("meeting", "会议与培训")
    RECTIFICATION = ("rectification", "督查审计整改")


class SpeakerRole(LabelledEnum):
    PRINCIPAL = ("principal", "主要负责同志")
    DEPUTY = ("deputy", "分管领导")
    DIVISION_HEAD = ("division_head", "处室负责人")
    SPOKESPERSON = ("spokesperson", "新闻发言人")
    OTHER = ("other", "其他")


class OpinionLevel(LabelledEnum):
    ORDINARY = ("ordinary", "一般")
    MAJOR = ("major", "重大")
    EXTRAORDINARY = ("extraordinary", "特别重大")


class InteractionForm(LabelledEnum):
    ONLINE_INTERVIEW = ("online_interview", "在线访谈")
    MESSAGE = ("message", "网民留言")
    SURVEY = ("survey", "问卷调查")
    CONSULTATION = ("consultation", "政务咨询")
    OTHER = ("other", "其他")


class ProposalType(LabelledEnum):
    NPC_SUGGESTION = ("npc", "人大代表建议")
    CPPCC_PROPOSAL = ("cppcc", "政协委员提案")


class MeetingKind(LabelledEnum):
    TRAINING = ("training", "培训")
    REPORT_HEARING = ("hearing", "主要负责同志听取政务公开工作汇报")
    DEPLOYMENT = ("deployment", "专题研究部署")


class RectificationSource(LabelledEnum):
    INSPECTION = ("inspection", "督查")
    AUDIT = ("audit", "审计")
