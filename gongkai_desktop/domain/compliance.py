"""The compliance rules (SPEC §12) as one table, and how a rule's tally turns into a verdict.

Each rule has an id, its text, the source it comes from, its parameters and its scope (the bureau
as a whole, a division, or each record). ``services.compliance`` counts, for the user's scope and
a year, how many records meet each rule, are at risk (still open and close to the limit, or not
decidable), or missed it; the 首页 shows these meters. A rule whose module keeps no records yet is
not in the table: it joins when its data exists, so nothing here is a promise without data.
"""

from __future__ import annotations

from dataclasses import dataclass

from .labels import LabelledEnum


class RuleScope(LabelledEnum):
    BUREAU = ("bureau", "全局")
    DIVISION = ("division", "处室")
    RECORD = ("record", "单项记录")


class Verdict(LabelledEnum):
    MET = ("met", "达标")
    AT_RISK = ("at_risk", "有风险")
    MISSED = ("missed", "未达标")
    NOT_APPLICABLE = ("not_applicable", "不适用")


@dataclass(frozen=True)
class Rule:
    """One rule of the table. ``parameters`` are shown beside the text (a setting's current value
    is filled in when the rule is evaluated); ``page`` is where its records are kept."""

    id: str
    text: str
    source: str
    scope: RuleScope
    page: str
    parameters: tuple[tuple[str, str], ...] = ()


REGULATION = "《中华人民共和国政府信息公开条例》"

RULES: tuple[Rule, ...] = (
    Rule(
        "proactive_20_workdays",
        "主动公开的政府信息自形成或者变更之日起 20 个工作日内公开（部门预算、决算自批复之日起 20 日内）",
        f"{REGULATION}第二十六条",
        RuleScope.RECORD,
        "items",
        (("期限", "20 个工作日"),),
    ),
    Rule(
        "portal_channel",
        "主动公开的政府信息通过政府门户网站公开",
        f"{REGULATION}第二十三条、第二十四条",
        RuleScope.RECORD,
        "items",
    ),
    Rule(
        "repost_24_hours",
        "上级政策文件在发布后 24 小时内转载",
        "《国务院办公厅关于加强政府网站信息内容建设的意见》（国办发〔2014〕57号）",
        RuleScope.RECORD,
        "items",
        (("期限", "24 小时"),),
    ),
    Rule(
        "interpretation_in_sync",
        "政策解读与政策文件同步审签、同步发布",
        "《〈关于全面推进政务公开工作的意见〉实施细则》（国办发〔2016〕80号）",
        RuleScope.RECORD,
        "interpretations",
    ),
    Rule(
        "request_20_workdays",
        "依申请公开自收到申请之日起 20 个工作日内答复（经批准延长不超过 20 个工作日）",
        f"{REGULATION}第三十三条",
        RuleScope.RECORD,
        "requests",
        (("期限", "20 个工作日"),),
    ),
    Rule(
        "correction_notice_7_workdays",
        "申请内容不明确的，自收到申请之日起 7 个工作日内一次性告知补正",
        f"{REGULATION}第三十条",
        RuleScope.RECORD,
        "requests",
        (("期限", "7 个工作日"),),
    ),
    Rule(
        "quarterly_task_reports",
        "年度工作要点任务按季度报送进展，并经综合处审核合格",
        "本单位年度政务公开工作要点",
        RuleScope.DIVISION,
        "tasks",
    ),
    Rule(
        "annual_report_by_january_31",
        "每年 1 月 31 日前公布上一年度政府信息公开工作年度报告",
        f"{REGULATION}第四十九条、第五十条",
        RuleScope.BUREAU,
        "reports",
        (("期限", "1 月 31 日"),),
    ),
)

RULES_BY_ID = {rule.id: rule for rule in RULES}


@dataclass(frozen=True)
class RuleTally:
    """How the records in scope stand against one rule; ``notes`` say what the numbers count."""

    rule: Rule
    met: int = 0
    at_risk: int = 0
    missed: int = 0
    notes: tuple[str, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()

    @property
    def total(self) -> int:
        return self.met + self.at_risk + self.missed

    @property
    def verdict(self) -> Verdict:
        if self.missed:
            return Verdict.MISSED
        if self.at_risk:
            return Verdict.AT_RISK
        return Verdict.MET if self.total else Verdict.NOT_APPLICABLE

    @property
    def rate(self) -> float | None:
        """Share of the counted records that meet the rule (None when nothing is counted)."""
        return self.met / self.total if self.total else None
