"""The kinds of record the audit log and the 回收站 speak of, in Chinese: for each table (the
audit row's ``entity``), its name, the measure word of its counts, the column that names a record,
and the model (imported when first needed, so the audit texts stay cheap).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DELETED_MARK = "#deleted-"  # what a deleted request or case keeps after its number


@dataclass(frozen=True)
class RecordKind:
    entity: str
    label: str
    title_fields: tuple[str, ...]  # the first non-empty one names a record
    model_path: str = ""  # "module:Class" of a soft-deletable business record; "" for others
    unit: str = "条"

    def model(self) -> Any:
        module, _, name = self.model_path.partition(":")
        return getattr(importlib.import_module(module), name)

    def title_of(self, values: Mapping[str, Any] | None) -> str:
        """The record's name from a row's values (a snapshot in the audit log, say)."""
        for field in self.title_fields:
            value = (values or {}).get(field)
            if value not in (None, ""):
                text = str(value)
                return text.split(DELETED_MARK, 1)[0]
        return ""

    @property
    def restorable(self) -> bool:
        return bool(self.model_path)


def _kind(entity: str, label: str, fields: str, model: str = "", unit: str = "条") -> RecordKind:
    return RecordKind(entity, label, tuple(fields.split()), model, unit)


_LEDGER = "gongkai_desktop.db.ledger_models"
_ENGAGEMENT = "gongkai_desktop.db.engagement_models"
KINDS: tuple[RecordKind, ...] = (
    _kind("disclosure_item", "公开事项", "title", f"{_LEDGER}:DisclosureItem"),
    _kind(
        "normative_document", "规范性文件", "title doc_number", f"{_LEDGER}:NormativeDocument", "件"
    ),
    _kind("repost", "转载记录", "title", f"{_LEDGER}:Repost"),
    _kind(
        "interpretation",
        "政策解读",
        "title",
        "gongkai_desktop.db.interpretation_models:Interpretation",
        "篇",
    ),
    _kind("decision", "决策", "title", "gongkai_desktop.db.decision_models:Decision", "项"),
    _kind(
        "consultation",
        "征求意见",
        "subject",
        "gongkai_desktop.db.decision_models:Consultation",
        "次",
    ),
    _kind("press_conference", "新闻发布会", "topic", f"{_ENGAGEMENT}:PressConference", "场"),
    _kind("public_opinion", "政务舆情", "subject", f"{_ENGAGEMENT}:PublicOpinion"),
    _kind("public_interaction", "政民互动", "subject", f"{_ENGAGEMENT}:PublicInteraction"),
    _kind("proposal", "建议提案", "title number", f"{_ENGAGEMENT}:Proposal", "件"),
    _kind("work_meeting", "会议培训", "subject", f"{_ENGAGEMENT}:WorkMeeting", "次"),
    _kind("rectification", "督查审计整改", "problem", f"{_ENGAGEMENT}:Rectification", "个"),
    _kind(
        "disclosure_request",
        "依申请公开",
        "reg_no",
        "gongkai_desktop.db.request_models:DisclosureRequest",
        "件",
    ),
    _kind(
        "disclosure_case",
        "复议诉讼案件",
        "case_no",
        "gongkai_desktop.db.request_models:DisclosureCase",
        "件",
    ),
    _kind("plan_task", "年度任务", "title"),
    _kind("task_report", "任务报送", "progress"),
    _kind("catalogue_entry", "标准目录", "subject content"),
    _kind("cleanup_campaign", "文件清理", "name"),
    _kind("cleanup_decision", "清理结论", "decision"),
    _kind("attachment", "附件", "filename"),
    _kind("annual_report", "年度报告", "year"),
    _kind("disclosure_category", "公开类别", "label"),
    _kind("division", "处室", "name"),
    _kind("user", "用户", "username display_name", unit="个"),
    _kind("setting", "设置", "key"),
    _kind("holiday_year", "节假日安排", "year"),
    _kind("holiday_override", "节假日调整", "name day"),
    _kind("database", "数据库", ""),
    _kind("audit_log", "审计日志", ""),
    _kind("import", "导入", ""),
)
BY_ENTITY: dict[str, RecordKind] = {k.entity: k for k in KINDS}
RESTORABLE: tuple[RecordKind, ...] = tuple(k for k in KINDS if k.restorable)


def kind_of(entity: str) -> RecordKind:
    """The kind of ``entity``; an unknown table keeps its own name."""
    return BY_ENTITY.get(entity) or RecordKind(entity, entity, ())
