"""The compliance dashboard (SPEC §12): every rule of ``domain.compliance.RULES`` tallied for the
user's scope and a year, what needs doing (overdue and due soon, across modules), and the plan's
quarterly reporting.

The scope: a liaison sees their own division; the admin and leaders see the bureau (or one
division they pick). A rule an evaluation indicator rests on reads that indicator's grouped
measure (``services.measures``, ``services.measures_plan``) for the scope and day, so the 首页
and the 考核评议 page count the same records by the same rule, once; the to-do list reads the
records to act on through each module's own service, with its permissions.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from ..calendar import WorkingCalendar
from ..db.engagement_models import PressConference, WorkMeeting
from ..db.request_models import AnnualReport, DisclosureRequest
from ..domain.compliance import RULES, RULES_BY_ID, RuleTally, Verdict
from ..domain.disclosure import DeadlineState, RepostState
from ..domain.engagement_periods import (
    RULE_CONFERENCE_QUARTERLY,
    RULE_DEPUTY_HALF_YEARLY,
    RULE_HEARING_YEARLY,
    RULE_PRINCIPAL_YEARLY,
    RULE_TRAINING_YEARLY,
    period_counts,
    period_results,
    quarters,
    whole_year,
)
from ..domain.evaluation import Period
from ..domain.interpretation import InterpretationStatus
from ..domain.labels import Role
from ..domain.plan import QUARTERS, ReportState
from ..domain.public_opinion import RULE_AUTHORITATIVE_5H, RULE_CONFERENCE_24H, RULE_RESPONSE_48H
from ..domain.requests import RequestState
from ..errors import CalendarMissing
from .base import Service, division_names
from .calendar import load_calendar
from .engagement import EngagementService
from .interpretations import InterpretationQuery, InterpretationService
from .ledger import ItemQuery, LedgerService
from .ledger_catalogue import RepostService
from .measures import (
    consultation_groups,
    item_groups,
    item_tallies,
    measure_interpretations,
    request_state_groups,
    scope_tally,
)
from .measures import context as measure_context
from .measures_engagement import conferences_held, held_days, opinion_tallies, trainings_held
from .measures_plan import REPORT_SOON_DAYS, report_groups, rule_verdict
from .plan import PlanService
from .requests import RequestService, year_filter

log = logging.getLogger(__name__)

ATTENTION_LIMIT = 50  # rows per kind in the to-do list


@dataclass(frozen=True)
class AttentionRow:
    """One thing to act on: where it is kept (a page key), what and whose, by when."""

    page: str
    kind: str
    title: str
    division_name: str
    state: str
    due: date | None
    days_left: int | None  # working days; negative when overdue
    record_id: int | None = None


@dataclass(frozen=True)
class QuarterProgress:
    """The plan's reports of one quarter in scope, by state."""

    quarter: int
    due: date | None
    counts: dict[ReportState, int]

    @property
    def expected(self) -> int:
        return sum(n for s, n in self.counts.items() if s is not ReportState.NOT_DUE)


@dataclass(frozen=True)
class Dashboard:
    year: int
    today: date
    scope: str  # 全局 or the division's name
    division_id: int | None
    tallies: tuple[RuleTally, ...]
    attention: tuple[AttentionRow, ...]
    quarters: tuple[QuarterProgress, ...]
    problems: tuple[str, ...] = ()


def _tally(rule_id: str, met: int = 0, at_risk: int = 0, missed: int = 0, *notes: str) -> RuleTally:
    rule = RULES_BY_ID[rule_id]
    return RuleTally(rule, met, at_risk, missed, tuple(n for n in notes if n), rule.parameters)


class ComplianceService(Service):
    def scope_division(self, division_id: int | None = None) -> int | None:
        """The division the dashboard counts: a liaison's own, else the one asked for (None: all)."""
        if self.actor.role is Role.LIAISON:
            return self.actor.division_id
        return division_id

    def dashboard(
        self,
        year: int | None = None,
        division_id: int | None = None,
        today: date | None = None,
        now: datetime | None = None,
    ) -> Dashboard:
        today = today or date.today()
        now = now or datetime.now()
        year = year or today.year
        scope = self.scope_division(division_id)
        with self.db.read() as session:
            names = division_names(session)
            ctx = measure_context(session, Period(year), today, now)
        problems: list[str] = []
        ledger = LedgerService(self.db, self.actor)
        calendar = ledger.calendar()
        bounds = ledger.today(today, calendar)
        if bounds.warning:
            problems.append(bounds.warning)
        attention: list[AttentionRow] = []
        tallies = [
            *self._items(ledger, ctx, scope, bounds, calendar, attention),
            self._reposts(year, scope, now, attention),
            self._interpretations(ctx, scope, attention),
            *self._consultations(ctx, scope),
            *self._requests(year, scope, today, attention),
            *self._engagement(ctx, scope, now, calendar, attention),
        ]
        plan_tally, quarters = self._plan(ctx, scope, calendar, attention, problems)
        tallies.append(plan_tally)
        tallies.append(self._annual_report(year, today))
        order = {rule.id: i for i, rule in enumerate(RULES)}
        tallies.sort(key=lambda t: order[t.rule.id])
        attention.sort(key=lambda a: (a.days_left is None, a.days_left or 0, a.due or date.max))
        return Dashboard(
            year=year,
            today=today,
            scope=names.get(scope, "") if scope is not None else "全局",
            division_id=scope,
            tallies=tuple(tallies),
            attention=tuple(attention),
            quarters=quarters,
            problems=tuple(dict.fromkeys(problems)),
        )

    # --- 公开事项 ---
    def _items(self, ledger, ctx, scope, bounds, calendar, attention):  # type: ignore[no-untyped-def]
        """The 20-working-day and portal rules: the ZD1 and ZD2 tallies of the scope."""
        year = ctx.period.year
        with self.db.read() as session:
            groups = item_groups(session, ctx, scope)
        tallies = item_tallies(groups)
        by: Counter[str | None] = Counter()
        for _division, state, _passed, _portal, n in groups:
            by[state] += n
        overdue, late = by[DeadlineState.OVERDUE.value], by[DeadlineState.LATE.value]
        unknown = by[DeadlineState.UNKNOWN.value]
        deadline = _tally(
            "proactive_20_workdays",
            *scope_tally(tallies["ZD1"], scope).verdicts,
            f"{year}年形成的主动公开事项 {by.total()} 件",
            f"逾期未公开 {overdue} 件，逾期公开 {late} 件" if overdue or late else "",
            f"期限无法计算 {unknown} 件（缺少节假日安排）" if unknown else "",
        )
        portal_tally = scope_tally(tallies["ZD2"], scope)
        missing = portal_tally.verdicts[2]
        portal = _tally(
            "portal_channel",
            *portal_tally.verdicts,
            f"未列门户网站 {missing} 件" if missing else "",
        )
        for state in (DeadlineState.OVERDUE, DeadlineState.DUE_SOON):
            query = ItemQuery(division_id=scope, state=state, sort="deadline", descending=False)
            for row in ledger.list_items(query, None, ATTENTION_LIMIT, bounds, calendar):
                attention.append(
                    AttentionRow(
                        "items",
                        "公开事项",
                        row.title,
                        row.division_name,
                        state.label,
                        row.deadline,
                        row.days_left,
                        row.id,
                    )
                )
        return deadline, portal

    # --- 转载 ---
    def _reposts(self, year, scope, now, attention) -> RuleTally:  # type: ignore[no-untyped-def]
        rows = [
            r
            for r in RepostService(self.db, self.actor).list_reposts(year, now)
            if scope is None or r.division_id == scope
        ]
        states = [r.state for r in rows]
        for r in rows:
            if r.state is RepostState.OVERDUE:
                attention.append(
                    AttentionRow(
                        "items", "转载", r.title, r.division_name, r.state.label, None, None
                    )
                )
        return _tally(
            "repost_24_hours",
            states.count(RepostState.ON_TIME),
            states.count(RepostState.PENDING),
            states.count(RepostState.OVERDUE) + states.count(RepostState.LATE),
            f"{year}年登记的转载 {len(rows)} 件",
        )

    # --- 政策解读 ---
    def _interpretations(self, ctx, scope, attention) -> RuleTally:  # type: ignore[no-untyped-def]
        """同步解读: the JD2 tally of the scope; the unpublished ones out of sync are to-dos."""
        with self.db.read() as session:
            tally = scope_tally(measure_interpretations(session, ctx)["JD2"], scope)
        service = InterpretationService(self.db, self.actor)
        for status in (InterpretationStatus.APPROVED, InterpretationStatus.DRAFT):
            query = InterpretationQuery(
                year=ctx.period.year, division_id=scope, status=status, out_of_sync=True
            )
            for r in service.list_interpretations(query, today=ctx.as_of):
                attention.append(
                    AttentionRow(
                        "interpretations",
                        "政策解读",
                        r.title,
                        r.division_name,
                        "文件已发布、解读未发布" if r.document_published_on else "审签不同步",
                        r.document_published_on,
                        None,
                        r.id,
                    )
                )
        return _tally(
            "interpretation_in_sync",
            *tally.verdicts,
            f"{ctx.period.year}年的政策解读 {tally.met + tally.missed + tally.pending} 篇",
        )

    # --- 决策与征求意见 ---
    def _consultations(self, ctx, scope):  # type: ignore[no-untyped-def]
        """The period and adoption-result rules over the consultations that ended in the year:
        the groups JC1 counts."""
        with self.db.read() as session:
            groups = consultation_groups(session, ctx)
        period: Counter[Verdict] = Counter()
        result: Counter[Verdict] = Counter()
        for g, n in groups.items():
            if scope is None or g.division_id == scope:
                period[g.period] += n
                result[g.result] += n
        held = period.total()
        return [
            _tally(
                rule_id,
                verdicts[Verdict.MET],
                verdicts[Verdict.AT_RISK],
                verdicts[Verdict.MISSED],
                f"{ctx.period.year}年截止的征求意见 {held} 次",
            )
            for rule_id, verdicts in (
                ("consultation_period", period),
                ("consultation_result_published", result),
            )
        ]

    # --- 依申请公开 ---
    def _requests(self, year, scope, today, attention):  # type: ignore[no-untyped-def]
        service = RequestService(self.db, self.actor)
        where = [year_filter(year)]
        if scope is not None:
            where.append(DisclosureRequest.division_id == scope)
        with self.db.read() as session:
            groups = request_state_groups(session, where, today, load_calendar(session))
        states: Counter[RequestState] = Counter()
        noticed = late = 0
        for g, n in groups.items():
            states[g.state] += n
            if g.notice_late is not None:
                noticed += n
                late += n if g.notice_late else 0
        answered = _tally(
            "request_20_workdays",
            states[RequestState.CLOSED_ON_TIME]
            + states[RequestState.OPEN]
            + states[RequestState.AWAITING_CORRECTION],
            states[RequestState.DUE_SOON]
            + states[RequestState.UNKNOWN]
            + states[RequestState.CORRECTION_OVERDUE],
            states[RequestState.OVERDUE] + states[RequestState.CLOSED_LATE],
            f"{year}年收到的申请 {sum(states.values())} 件",
        )
        notice = _tally(
            "correction_notice_7_workdays",
            noticed - late,
            0,
            late,
            f"告知补正的申请 {noticed} 件",
        )
        for r in service.list_requests(
            division_id=scope,
            # A lapsed 补正期限 needs the request closed as 逾期不补正: it is listed too.
            states=[RequestState.OVERDUE, RequestState.DUE_SOON, RequestState.CORRECTION_OVERDUE],
            today=today,
        )[: 2 * ATTENTION_LIMIT]:
            attention.append(
                AttentionRow(
                    "requests",
                    "依申请公开",
                    f"{r.reg_no} {r.data.content}"[:80],
                    r.division_name,
                    r.state.label,
                    r.deadline,
                    r.status.days_left,
                    r.id,
                )
            )
        return answered, notice

    # --- 新闻发布与回应 ---
    def _engagement(self, ctx, scope, now, calendar, attention):  # type: ignore[no-untyped-def]
        """The bureau's press conference, report-hearing and training rules (the bureau's,
        whatever the scope), and the hour limits of the scope's 舆情 first seen in the year (the
        48-hour one as HY1 counts them)."""
        year, today = ctx.period.year, ctx.as_of
        service = EngagementService(self.db, self.actor)
        ev = service.evaluate(year, scope, today, now, emergencies_only=True)

        def not_met(rule_id: str) -> list[str]:
            return [
                f.text for f in ev.findings if f.rule_id == rule_id and f.verdict is not Verdict.MET
            ]

        with self.db.read() as session:
            response = scope_tally(opinion_tallies(session, ctx), scope)
            conferences = held_days(session, PressConference, conferences_held(ctx))
            trainings = held_days(session, WorkMeeting, trainings_held(ctx))
        quarterly = _tally(
            RULE_CONFERENCE_QUARTERLY,
            *period_counts(period_results(conferences, quarters(year), today)),
            f"{year}年全局举行新闻发布会 {len(conferences)} 次",
            *not_met(RULE_CONFERENCE_QUARTERLY),
        )
        deputies = [r for _name, results in ev.deputies for r in results]
        if ev.roster:
            who = f"分管领导名单：{'、'.join(ev.roster)}"
        elif ev.deputies:
            who = "未设置分管领导名单，按发布会登记的分管领导统计：" + "、".join(
                name for name, _results in ev.deputies
            )
        else:
            who = "未设置分管领导名单，发布会也未登记分管领导"
        deputy = _tally(
            RULE_DEPUTY_HALF_YEARLY,
            *period_counts(deputies),
            who,
            *not_met(RULE_DEPUTY_HALF_YEARLY),
        )
        principal = _tally(
            RULE_PRINCIPAL_YEARLY,
            *period_counts((ev.principal,)),
            f"主要负责同志出席 {ev.principal.count} 次",
        )
        hour_tallies = [
            _tally(
                RULE_RESPONSE_48H,
                *response.verdicts,
                f"{year}年发现的政务舆情 {response.met + response.missed + response.pending} 条",
            )
        ]
        for rule_id in (RULE_AUTHORITATIVE_5H, RULE_CONFERENCE_24H):
            checks = ev.checks(rule_id)
            verdicts = [c.verdict for _o, c in checks]
            hour_tallies.append(
                _tally(
                    rule_id,
                    verdicts.count(Verdict.MET),
                    verdicts.count(Verdict.AT_RISK),
                    verdicts.count(Verdict.MISSED),
                    f"重大、特别重大突发事件舆情 {len(checks)} 条",
                )
            )
        hearing = _tally(
            RULE_HEARING_YEARLY,
            *period_counts((ev.hearing,)),
            f"{year}年听取汇报 {ev.hearing.count} 次",
        )
        training = _tally(
            RULE_TRAINING_YEARLY,
            *period_counts(period_results(trainings, (whole_year(year),), today)),
            f"{year}年举办培训 {len(trainings)} 次",
        )
        for opinion in service.open_opinions(scope, now)[:ATTENTION_LIMIT]:
            for check in opinion.checks:
                due = check.due.date()
                days = _working_days_left(calendar, today, due)
                if check.verdict is Verdict.MISSED and days is not None:
                    # Past its hour limit: overdue even when the limit ran out earlier today or
                    # on a weekend or holiday, never 「今日到期」.
                    days = min(days, -1)
                attention.append(
                    AttentionRow(
                        "engagement",
                        "政务舆情",
                        opinion.subject,
                        opinion.division_name,
                        check.message,
                        due,
                        days,
                        opinion.id,
                    )
                )
        return (quarterly, deputy, principal, *hour_tallies, hearing, training)

    # --- 年度任务 ---
    def _plan(self, ctx, scope, calendar, attention, problems):  # type: ignore[no-untyped-def]
        """The quarterly-report rule and each quarter's progress from the groups RW1 and RW2
        count; the reports to act on listed from the plan's overview."""
        year, today = ctx.period.year, ctx.as_of
        with self.db.read() as session:
            due_dates, groups = report_groups(session, ctx)
        counts = {q: dict.fromkeys(ReportState, 0) for q in QUARTERS}
        verdicts: Counter[Verdict | None] = Counter()
        for g, n in groups.items():
            if scope is None or g.division_id == scope:
                counts[g.quarter][g.state] += n
                verdicts[rule_verdict(g, due_dates.get(g.quarter), today)] += n
        overview = PlanService(self.db, self.actor).overview(year, today)
        if overview.calendar_problem:
            problems.append(overview.calendar_problem)
        for task in overview.tasks:
            for a in task.assignments:
                if scope is not None and a.division_id != scope:
                    continue
                for q in QUARTERS:
                    state = a.state(q)
                    due = overview.due_dates.get(q)
                    due_soon = (
                        state is ReportState.PENDING
                        and due is not None
                        and (due - today).days <= REPORT_SOON_DAYS
                    )
                    if state in (ReportState.OVERDUE, ReportState.RECTIFY) or due_soon:
                        # A report to rectify is late by its review, not by the quarter's date.
                        days = (
                            None
                            if state is ReportState.RECTIFY
                            else _working_days_left(calendar, today, due)
                        )
                        attention.append(
                            AttentionRow(
                                "tasks",
                                "年度任务",
                                f"第{task.no}项 {task.title}（第{q}季度）",
                                a.division_name,
                                state.label,
                                due,
                                days,
                            )
                        )
        quarters = tuple(
            QuarterProgress(q, due_dates.get(q), {s: n for s, n in counts[q].items() if n})
            for q in QUARTERS
        )
        tally = _tally(
            "quarterly_task_reports",
            verdicts[Verdict.MET],
            verdicts[Verdict.AT_RISK],
            verdicts[Verdict.MISSED],
            f"{year}年应报送的季度进展（任务×处室×季度）",
        )
        return tally, quarters

    # --- 年度报告 ---
    def _annual_report(self, year: int, today: date) -> RuleTally:
        """The report on ``year - 1``, due 31 January of ``year``, judged on the day it was first
        made public as the user recorded it on the 报表 page (the app cannot see the portal;
        exporting a file is not publishing it)."""
        due = date(year, 1, 31)
        with self.db.read() as session:
            row = session.execute(
                select(AnnualReport.published_on, AnnualReport.exported_at).where(
                    AnnualReport.year == year - 1
                )
            ).first()
        published, exported = row if row is not None else (None, None)
        rule = "annual_report_by_january_31"
        note = f"{year - 1}年度报告，应于{due:%Y年%m月%d日}前公布（以「报表」页登记的报告公开日期为准）"
        if published is not None:
            on_time = published <= due
            return _tally(
                rule, int(on_time), 0, int(not on_time), note, f"已于 {published:%Y-%m-%d} 公开"
            )
        exported_note = (
            f"已于 {_local(exported):%Y-%m-%d} 导出，尚未登记公开日期"
            if exported
            else "尚未登记公开日期"
        )
        if today <= due:
            return _tally(rule, 0, 1, 0, note, exported_note)
        return _tally(rule, 0, 0, 1, note, f"逾期：{exported_note}")


def _local(moment: datetime) -> datetime:
    """A stored UTC time (naive) as the computer's local time."""
    return moment.replace(tzinfo=UTC).astimezone()


def _working_days_left(calendar: WorkingCalendar, today: date, due: date | None) -> int | None:
    if due is None:
        return None
    try:
        return calendar.working_days_between(today, due)
    except CalendarMissing:
        return None


def verdict_counts(tallies: Iterable[RuleTally]) -> dict[str, int]:
    """How many rules stand at each verdict (for the summary line)."""
    out: dict[str, int] = {}
    for t in tallies:
        out[t.verdict.label] = out.get(t.verdict.label, 0) + 1
    return out
