"""季度督查通报 (Word, GB/T 9704 layout, SPEC §13): the quarter's evaluation, and per division every
indicator missed or at risk with the records behind it.

The numbers are the evaluation of the quarter as of its last day (「截至」 that day; today while the
quarter is still running): a record whose
deadline had passed and was not met is 未达标; one whose deadline was still ahead and whose work
was not done yet is 有风险. The date line is the 成文日期 given (default today). The quarterly
task-report bulletin of the plan (``plan bulletin``) stays as it is; this one covers every
indicator.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from ..db.engine import Database
from ..db.models import Division
from ..domain.evaluation import EvaluationResult, Period, shown
from ..domain.labels import DivisionKind
from ..domain.numerals import chinese_numeral
from ..domain.permissions import Action, Actor
from ..errors import ValidationError
from ..progress import CancelToken, Progress
from ..services.admin import document_fonts, read_setting
from ..services.evaluation import EvaluationService
from ..services.measure_records import RecordRef
from .word import Cell, OfficialDocument, WordFonts

log = logging.getLogger(__name__)

TABLE_HEADER = ("序号", "处室", "得分", "等次", "排名", "未达标项", "有风险项")
MAX_LISTED = 10  # records named per indicator; the rest are counted


def _chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class IndicatorFinding:
    code: str
    name: str
    measured: int
    met: int
    missed: tuple[RecordRef, ...]
    at_risk: tuple[RecordRef, ...]


@dataclass(frozen=True)
class DivisionInspection:
    division: str
    total: str | None
    grade: str
    rank: int | None
    findings: tuple[IndicatorFinding, ...]

    @property
    def missed(self) -> int:
        return sum(1 for f in self.findings if f.missed)

    @property
    def at_risk(self) -> int:
        return sum(1 for f in self.findings if f.at_risk and not f.missed)


@dataclass(frozen=True)
class InspectionData:
    period: Period
    as_of: date
    issued: date
    unit: str
    issuer: str
    divisions: tuple[DivisionInspection, ...]

    def as_json(self) -> dict[str, object]:
        def refs(rows: tuple[RecordRef, ...]) -> list[dict[str, object]]:
            return [
                {"title": r.title, "date": r.dated.isoformat() if r.dated else None, "note": r.note}
                for r in rows
            ]

        return {
            "year": self.period.year,
            "quarter": self.period.quarter,
            "period": self.period.key,
            "as_of": self.as_of.isoformat(),
            "issued": self.issued.isoformat(),
            "divisions": [
                {
                    "division": d.division,
                    "total": float(d.total) if d.total is not None else None,
                    "grade": d.grade,
                    "rank": d.rank,
                    "indicators": [
                        {
                            "code": f.code,
                            "name": f.name,
                            "measured": f.measured,
                            "met": f.met,
                            "missed": refs(f.missed),
                            "at_risk": refs(f.at_risk),
                        }
                        for f in d.findings
                    ],
                }
                for d in self.divisions
            ],
        }


def inspection_data(
    service: EvaluationService, result: EvaluationResult, issued: date, unit: str, issuer: str
) -> InspectionData:
    """Per division of ``result``, each indicator with a missed or an at-risk record."""
    divisions = []
    for d in result.divisions:
        findings = []
        for s in d.scores:
            rows = service.division_records(
                result.period, d.division_id, s.indicator.code, result.as_of
            )
            missed = tuple(r for r in rows if r.outcome == "missed")
            at_risk = tuple(r for r in rows if r.outcome == "pending" and not r.done)
            if missed or at_risk:
                findings.append(
                    IndicatorFinding(
                        s.indicator.code,
                        s.indicator.name,
                        s.count.measured,
                        s.count.met,
                        missed,
                        at_risk,
                    )
                )
        total = None if d.total is None else f"{shown(d.total)}"
        divisions.append(
            DivisionInspection(d.division_name, total, d.grade, d.rank, tuple(findings))
        )
    return InspectionData(result.period, result.as_of, issued, unit, issuer, tuple(divisions))


def _listed(rows: tuple[RecordRef, ...]) -> str:
    named = "；".join(f"{r.title}（{r.note}）" if r.note else r.title for r in rows[:MAX_LISTED])
    rest = len(rows) - MAX_LISTED
    return named + (f"；另有{rest}条" if rest > 0 else "")


def build_inspection(data: InspectionData, fonts: WordFonts | None = None) -> OfficialDocument:
    doc = OfficialDocument(fonts)
    period, cutoff = data.period, _chinese_date(data.as_of)
    doc.title(f"关于{period.title}政务公开工作\n督查情况的通报")
    doc.paragraph("各处室：", indent=False)
    doc.paragraph(
        f"根据{data.unit}政务公开季度督查工作安排，{data.issuer}按照年度考核评议指标，"
        f"对各处室{period.title}政务公开工作进行了督查，数据截至{cutoff}。现将有关情况通报如下。"
    )
    doc.heading("一、总体情况", 1)
    scored = [d for d in data.divisions if d.total is not None]
    with_missed = [d for d in data.divisions if d.missed]
    with_risk = [d for d in data.divisions if d.at_risk]
    doc.paragraph(
        f"本季度共督查{len(data.divisions)}个处室，其中{len(scored)}个处室有可计量的工作记录，"
        f"{len(data.divisions) - len(scored)}个处室本季度无可计量记录（不适用）。"
        f"{len(with_missed)}个处室存在未达标事项，{len(with_risk)}个处室存在期限临近、尚未完成的事项。"
        "各处室得分情况见下表（得分按本季度适用指标的权重折算为百分制）。"
    )
    rows: list[list[object]] = []
    for n, d in enumerate(data.divisions, 1):
        rows.append(
            [
                n,
                Cell(d.division, align="left"),
                d.total if d.total is not None else "不适用",
                d.grade,
                d.rank if d.rank is not None else "—",
                d.missed,
                d.at_risk,
            ]
        )
    doc.table([list(TABLE_HEADER)], rows, [0.7, 2.4, 1.1, 1.1, 0.8, 1.1, 1.1])
    doc.heading("二、存在的问题", 1)
    problems = [d for d in data.divisions if d.findings]
    if not problems:
        doc.paragraph(f"截至{cutoff}，各处室各项指标均已达标，未发现需要通报的问题。")
    else:
        doc.paragraph(f"共有{len(problems)}个处室存在未达标或有风险的事项，具体如下。")
        for n, d in enumerate(problems, 1):
            doc.heading(f"（{chinese_numeral(n)}）{d.division}", 2)
            for i, f in enumerate(d.findings, 1):
                counted = f"达标{f.met}/{f.measured}" if f.measured else "尚未计量"
                parts = [f"{i}.{f.name}（{counted}）。"]
                if f.missed:
                    parts.append(f"未达标{len(f.missed)}条：{_listed(f.missed)}。")
                if f.at_risk:
                    parts.append(f"有风险{len(f.at_risk)}条：{_listed(f.at_risk)}。")
                doc.paragraph("".join(parts))
    doc.heading("三、工作要求", 1)
    doc.paragraph(
        "请存在问题的处室对照本通报逐项核查：逾期未公开、未答复的事项立即办理，期限临近的事项按时办结，"
        "需整改的事项按督查意见整改到位，并在下一季度报送整改情况。季度督查结果将纳入年终评议。"
    )
    doc.date_line(_chinese_date(data.issued), issuer=data.issuer)
    return doc


def inspection_job(
    db: Database,
    actor: Actor,
    period: Period,
    issued: date,
    path: str | Path,
    cancel: CancelToken | None = None,
    today: date | None = None,
) -> Generator[Progress, None, InspectionData]:
    """Write the quarter's 督查通报 (admins only; a refusal is audited and writes nothing),
    counted up to the quarter's last day, or up to ``today`` while the quarter is running."""
    if period.quarter is None:
        raise ValidationError("督查通报按季度生成，请指定季度。")
    service = EvaluationService(db, actor)
    service.require(
        Action.REPORT, what="evaluation.inspection", entity="evaluation", entity_id=period.key
    )
    yield Progress(0, 3, "正在计算本季度得分")
    from ..progress import run_job

    as_of = min(period.end, today or date.today())
    result = run_job(service.evaluate_job(period, as_of, cancel))
    with db.read() as session:
        divisions = list(session.scalars(select(Division)))
        unit = str(read_setting(session, "unit_name") or "")
        fonts = document_fonts(session)
    issuer = next(
        (d.name for d in divisions if d.kind == DivisionKind.OPENNESS_OFFICE.value), "综合处"
    )
    if cancel is not None:
        cancel.check()
    yield Progress(1, 3, "正在汇总未达标和有风险的事项")
    data = inspection_data(service, result, issued, unit, issuer)
    if cancel is not None:
        cancel.check()
    yield Progress(2, 3, "正在生成 Word 文档")
    build_inspection(data, fonts).save(path)
    yield Progress(3, 3, "已完成")
    return data
