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
DETAILED_RULES_2016 = "《〈关于全面推进政务公开工作的意见〉实施细则》（国办发〔2016〕80号）"
OPINION_NOTICE_2016 = (
    "《国务院办公厅关于在政务公开工作中进一步做好政务舆情回应的通知》（国办发〔2016〕61号）"
)

RULES: tuple[Rule, ...] = (
    Rule(
        "proactive_20_workdays",
        "主动公开的政府信息自形成或者变更之日起 20 个工作日内公开（部门预算、决算自批复之日起 20 日内）",
        f"{REGULATION}第二十六条；部门预算、决算：《中华人民共和国预算法》第十四条",
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
        "consultation_period",
        "公开征求意见期限：重大行政决策和规章不少于 30 日，规范性文件不少于 7 个工作日"
        "（与市场主体密切相关的不少于 30 日）",
        "重大行政决策：《重大行政决策程序暂行条例》第十五条；规章：《规章制定程序条例》；"
        "与市场主体生产经营活动密切相关的：《优化营商环境条例》第六十二条；"
        "规范性文件：《国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知》（国办发〔2018〕37号）",
        RuleScope.RECORD,
        "decisions",
    ),
    Rule(
        "consultation_result_published",
        "征求意见结束后公开意见收集和采纳情况",
        "《关于全面推进政务公开工作的意见》（中办发〔2016〕8号）",
        RuleScope.RECORD,
        "decisions",
    ),
    Rule(
        "press_conference_quarterly",
        "每季度至少举行 1 次新闻发布会",
        DETAILED_RULES_2016,
        RuleScope.BUREAU,
        "engagement",
        (("频次", "每季度至少 1 次"),),
    ),
    Rule(
        "press_conference_deputy_half_yearly",
        "每位分管领导每半年至少出席 1 次新闻发布会",
        DETAILED_RULES_2016,
        RuleScope.BUREAU,
        "engagement",
        (("频次", "每半年至少 1 次"),),
    ),
    Rule(
        "press_conference_principal_yearly",
        "主要负责同志每年至少出席 1 次新闻发布会",
        DETAILED_RULES_2016,
        RuleScope.BUREAU,
        "engagement",
        (("频次", "每年至少 1 次"),),
    ),
    Rule(
        "opinion_response_48_hours",
        "政务舆情最迟在发现后 48 小时内予以回应",
        OPINION_NOTICE_2016,
        RuleScope.RECORD,
        "engagement",
        (("期限", "48 小时"),),
    ),
    Rule(
        "opinion_authoritative_5_hours",
        "涉及重大、特别重大突发事件的政务舆情，最迟 5 小时内发布权威信息",
        OPINION_NOTICE_2016,
        RuleScope.RECORD,
        "engagement",
        (("期限", "5 小时"),),
    ),
    Rule(
        "opinion_conference_24_hours",
        "涉及重大、特别重大突发事件的政务舆情，最迟 24 小时内举行新闻发布会",
        OPINION_NOTICE_2016,
        RuleScope.RECORD,
        "engagement",
        (("期限", "24 小时"),),
    ),
    Rule(
        "request_20_workdays",
        "依申请公开自收到申请之日起 20 个工作日内答复（经批准延长不超过 20 个工作日）",
        f"{REGULATION}第三十三条；2019年5月15日前收到的申请：2008年《中华人民共和国政府信息公开条例》"
        "第二十四条（15 个工作日，延长不超过 15 个工作日）",
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
        "principal_hears_report_yearly",
        "主要负责同志每年至少听取 1 次政务公开工作汇报",
        DETAILED_RULES_2016,
        RuleScope.BUREAU,
        "engagement",
        (("频次", "每年至少 1 次"),),
    ),
    Rule(
        "training_held_yearly",
        "按年度工作要点举办政务公开培训，每年至少 1 次",
        f"本单位年度政务公开工作要点；{DETAILED_RULES_2016}",
        RuleScope.BUREAU,
        "engagement",
        (("频次", "每年至少 1 次"),),
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
        "每年 1 月 31 日前公布上一年度政府信息公开工作年度报告（以登记的报告公开日期为准）",
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
