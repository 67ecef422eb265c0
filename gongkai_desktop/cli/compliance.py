"""``gongkai compliance [--year Y] [--division NAME] [--json]``: the dashboard of 首页 as text.

Each rule of the table with its met / at risk / missed counts and verdict for the user's scope
(a liaison: their own division; otherwise the bureau, or ``--division``), then what is overdue
or due soon. Exit status 0 whatever the verdicts: the command reports, it does not judge.
"""

from __future__ import annotations

import argparse

from ..services.admin import AdminService
from ..services.compliance import ComplianceService, Dashboard
from .common import CliContext, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("compliance", help="合规检查：各项规则的达标情况和逾期、临期事项")
    p.add_argument("--year", type=int, metavar="YYYY", help="年度（默认今年）")
    p.add_argument("--division", metavar="NAME", help="只统计该处室（联络员总是本处室）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(handler=cmd_compliance)


def cmd_compliance(ctx: CliContext) -> int:
    division_id = None
    if ctx.args.division:
        division_id = AdminService(ctx.app.db, ctx.actor).division_by_name(ctx.args.division).id
    dashboard = ComplianceService(ctx.app.db, ctx.actor).dashboard(ctx.args.year, division_id)
    if ctx.args.json:
        print_json(as_json(dashboard))
    else:
        print(as_text(dashboard))
    return 0


def as_json(d: Dashboard) -> dict[str, object]:
    return {
        "year": d.year,
        "scope": d.scope,
        "rules": [
            {
                "id": t.rule.id,
                "text": t.rule.text,
                "source": t.rule.source,
                "scope": t.rule.scope.label,
                "met": t.met,
                "at_risk": t.at_risk,
                "missed": t.missed,
                "verdict": t.verdict.label,
                "notes": list(t.notes),
            }
            for t in d.tallies
        ],
        "attention": [
            {
                "kind": a.kind,
                "title": a.title,
                "division": a.division_name,
                "state": a.state,
                "due": a.due.isoformat() if a.due else None,
                "working_days_left": a.days_left,
            }
            for a in d.attention
        ],
        "problems": list(d.problems),
    }


def as_text(d: Dashboard) -> str:
    lines = [f"{d.scope}，{d.year}年合规检查（截至 {d.today:%Y-%m-%d}）", ""]
    for t in d.tallies:
        lines.append(f"[{t.verdict.label}] {t.rule.text}")
        lines.append(f"    达标 {t.met}，有风险 {t.at_risk}，未达标 {t.missed}；依据：{t.rule.source}")
        lines.extend(f"    {note}" for note in t.notes)
    lines.append("")
    if d.attention:
        lines.append(f"逾期和临期事项 {len(d.attention)} 件：")
        for a in d.attention:
            due = f"，期限 {a.due:%Y-%m-%d}" if a.due else ""
            lines.append(f"  {a.kind}｜{a.division_name}｜{a.state}{due}｜{a.title}")
    else:
        lines.append("没有逾期或临期的事项。")
    lines.extend(f"注意：{p}" for p in d.problems)
    return "\n".join(lines)
