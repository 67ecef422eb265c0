"""Closed lists of the domain, each English name with its Chinese label, defined once.

The database stores the English ``value``; every front end shows ``label``. Lists whose exact
Chinese wording is the contract of the national forms (outcomes, categories) store the label itself
and live with the module of their records.
"""

from __future__ import annotations

import enum


class LabelledEnum(str, enum.Enum):
    """A string enum whose members carry a Chinese label: ``Role.ADMIN.label == "管理员"``."""

    label: str

    def __new__(cls, value: str, label: str) -> LabelledEnum:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    def __str__(self) -> str:
        return self.label

    @classmethod
    def from_label(cls, text: str) -> LabelledEnum:
        """Find a member by its Chinese label or English value; ValueError otherwise."""
        text = text.strip()
        for member in cls:
            if text in (member.label, member.value):
                return member
        raise ValueError(text)

    @classmethod
    def labels(cls) -> tuple[str, ...]:
        return tuple(m.label for m in cls)


class Role(LabelledEnum):
    ADMIN = ("admin", "管理员")
    LIAISON = ("liaison", "联络员")
    LEADER = ("leader", "领导")


class DivisionKind(LabelledEnum):
    OPENNESS_OFFICE = ("office", "综合处")
    BUSINESS = ("business", "业务处")
    OTHER = ("other", "其他")


class AuditOutcome(LabelledEnum):
    OK = ("ok", "成功")
    DENIED = ("denied", "拒绝")
    FAILED = ("failed", "失败")


# Divisions a new database starts with (SPEC §2); the admin edits them and adds business divisions.
DEFAULT_DIVISIONS: tuple[tuple[str, str, DivisionKind], ...] = (
    ("综合处", "ZH", DivisionKind.OPENNESS_OFFICE),
    ("政法处", "ZF", DivisionKind.OTHER),
    ("计财处", "JC", DivisionKind.OTHER),
    ("人事处", "RS", DivisionKind.OTHER),
    ("稽查处", "JCC", DivisionKind.OTHER),
    ("机关纪委", "JW", DivisionKind.OTHER),
)

# Group words in plan documents and the divisions they stand for (SPEC §2).
GROUP_WORDS_BUSINESS = ("各业务处", "相关业务处", "各业务处室", "相关业务处室")
GROUP_WORDS_ALL = ("各处", "各处室", "局机关各处室", "局机关各处")
