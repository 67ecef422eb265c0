"""季度督查通报 (Word, GB/T 9704 layout): per division, what of a quarter is missing, late or 需整改.

The numbers come from the plan's read model (``PlanOverview``) as of the bulletin's 截至 date
(by default the quarter's report due date, the end of the reporting period; never later than
today): every live assignment owes one report per quarter, and a report submitted after 截至 does
not count yet. The 成文日期 under the signature is the user's (today by default). A report first submitted after the due date is 逾期报送;
a missing one is 逾期未报送 once the due date has passed (尚未报送 before). The document has:
一、总体情况 (the counts and a table per division), 二、存在的问题 (per division, each task with what
is wrong and 综合处's 督查意见), 三、工作要求, and the issuer and date.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from ..db.engine import Database
from ..db.models import Division
from ..domain.labels import DivisionKind
from ..domain.permissions import Action, Actor
from ..domain.plan import (
    QUARTER_LABELS,
    ReportState,
    ReviewResult,
    check_quarter,
    quarter_end,
)
from ..errors import ValidationError
from ..progress import CancelToken, Progress
from ..services.admin import document_fonts, read_setting
from ..services.plan import AssignmentInfo, PlanOverview, PlanService
from .word import Cell, OfficialDocument, WordFonts, chinese_date, chinese_numeral

log = logging.getLogger(__name__)

TABLE_HEADER = ("序号", "处室", "应报送", "按时报送", "逾期报送", "未报送", "合格", "需整改")


@dataclass(frozen=True)
class DivisionFinding:
    """One division's quarter: counts and the lines of its problems."""

    division: str
    expected: int
    on_time: int
    late: int
    missing: int
    passed: int
    rectify: int
    pending_review: int
    problems: tuple[str, ...]


@dataclass(frozen=True)
class BulletinData:
    year: int
    quarter: int
    as_of: date  # 截至
    due: date | None
    unit: str
    issuer: str
    tasks: int
    divisions: tuple[DivisionFinding, ...] = field(default_factory=tuple)
    issued: date | None = None  # 成文日期; the 截至 date when not given

    def total(self, name: str) -> int:
        return sum(getattr(d, name) for d in self.divisions)

    @property
    def past_due(self) -> bool:
        return self.due is not None and self.as_of > self.due


def bulletin_data(
    overview: PlanOverview,
    quarter: int,
    division_order: Sequence[str],
    *,
    unit: str = "",
    issuer: str = "综合处",
    issued: date | None = None,
) -> BulletinData:
    """Count and describe, per division, the quarter's reports as of ``overview.today`` (the
    bulletin's 截至 date): a report submitted later counts as not yet submitted."""
    check_quarter(quarter)
    due = overview.due_dates.get(quarter)
    per_division: dict[str, list[tuple[int, str, AssignmentInfo]]] = {}
    for task in overview.tasks:
        for a in task.assignments:
            per_division.setdefault(a.division_name, []).append((task.no, task.title, a))
    rank = {name: i for i, name in enumerate(division_order)}
    findings = []
    for name in sorted(per_division, key=lambda n: (rank.get(n, len(rank)), n)):
        on_time = late = missing = passed = rectify = pending = 0
        problems: list[str] = []
        for no, title, a in per_division[name]:
            report = a.report(quarter)
            state = a.state(quarter)
            if report is not None and report.submitted_on > overview.today:
                report = None
                past_due = due is not None and overview.today > due
                state = ReportState.OVERDUE if past_due else state
            role = a.role.label
            what = f"第{no}项“{title}”（{role}）"
            if report is None:
                missing += 1
                if state is ReportState.OVERDUE:
                    problems.append(f"{what}：逾期未报送{QUARTER_LABELS[quarter]}进展。")
                else:
                    problems.append(f"{what}：尚未报送{QUARTER_LABELS[quarter]}进展。")
                continue
            parts: list[str] = []
            if report.late:
                late += 1
                parts.append(
                    f"逾期报送（{chinese_date(report.submitted_on)}报送，"
                    f"截止日为{chinese_date(due) if due else '—'}）"
                )
            else:
                on_time += 1
            if report.review is ReviewResult.PASS:
                passed += 1
            elif report.review is ReviewResult.RECTIFY:
                rectify += 1
                comment = report.review_comment.rstrip("。；;")
                parts.append("督查结论为需整改" + (f"，督查意见：{comment}" if comment else ""))
            else:
                pending += 1
            if parts:
                problems.append(f"{what}：{'；'.join(parts)}。")
        findings.append(
            DivisionFinding(
                name,
                len(per_division[name]),
                on_time,
                late,
                missing,
                passed,
                rectify,
                pending,
                tuple(problems),
            )
        )
    return BulletinData(
        overview.year,
        quarter,
        overview.today,
        due,
        unit,
        issuer,
        len(overview.tasks),
        tuple(findings),
        issued,
    )


def bulletin_title(data: BulletinData) -> str:
    return f"关于{data.year}年{QUARTER_LABELS[data.quarter]}政务公开工作要点落实情况的督查通报"


def build_bulletin(data: BulletinData, fonts: WordFonts | None = None) -> OfficialDocument:
    doc = OfficialDocument(fonts)
    q = QUARTER_LABELS[data.quarter]
    doc.title(bulletin_title(data))
    doc.paragraph("各处室：", indent=False)
    doc.paragraph(
        f"根据《{data.unit}{data.year}年政务公开工作要点》任务分工和季度督查工作安排，"
        f"{data.issuer}对各处室{q}任务进展报送和落实情况进行了督查。现将有关情况通报如下。"
    )

    doc.heading("一、总体情况", 1)
    expected = data.total("expected")
    due_text = (
        f"报送截止日为{chinese_date(data.due)}"
        if data.due
        else "报送截止日因缺少节假日安排无法计算"
    )
    missing_word = "逾期未报送" if data.past_due else "尚未报送"
    doc.paragraph(
        f"{data.year}年工作要点共{data.tasks}项任务，涉及{len(data.divisions)}个处室，"
        f"{q}应报送任务进展{expected}条，{due_text}。截至{chinese_date(data.as_of)}，"
        f"按时报送{data.total('on_time')}条，逾期报送{data.total('late')}条，"
        f"{missing_word}{data.total('missing')}条。经审核，合格{data.total('passed')}条，"
        f"需整改{data.total('rectify')}条，待审核{data.total('pending_review')}条。"
    )
    rows: list[list[object]] = []
    for i, d in enumerate(data.divisions, start=1):
        rows.append(
            [
                i,
                Cell(d.division, align="left"),
                d.expected,
                d.on_time,
                d.late,
                d.missing,
                d.passed,
                d.rectify,
            ]
        )
    rows.append(
        [
            Cell("合计", colspan=2, align="center", bold=True),
            expected,
            data.total("on_time"),
            data.total("late"),
            data.total("missing"),
            data.total("passed"),
            data.total("rectify"),
        ]
    )
    doc.table([list(TABLE_HEADER)], rows, [0.7, 2.4, 1, 1, 1, 1, 1, 1])

    doc.heading("二、存在的问题", 1)
    with_problems = [d for d in data.divisions if d.problems]
    if not with_problems:
        doc.paragraph(f"{q}各处室均按时报送任务进展，督查结论均为合格，未发现需要通报的问题。")
    else:
        doc.paragraph(
            f"共有{len(with_problems)}个处室存在未报送、逾期报送或需整改的情况，具体如下。"
        )
        for n, d in enumerate(with_problems, start=1):
            doc.heading(f"（{chinese_numeral(n)}）{d.division}", 2)
            for i, line in enumerate(d.problems, start=1):
                doc.paragraph(f"{i}.{line}")

    doc.heading("三、工作要求", 1)
    doc.paragraph(
        "请存在问题的处室高度重视，对未报送的任务及时补报进展，对需整改的事项按督查意见逐项整改，"
        "并在下一季度进展中报告整改情况。各处室要对照工作要点任务分工，按季度如实报送进展和佐证材料，"
        "确保各项任务按期落实。季度督查结果将纳入年终评议。"
    )
    doc.date_line(chinese_date(data.issued or data.as_of), issuer=data.issuer)
    return doc


def write_bulletin(data: BulletinData, path: str | Path, fonts: WordFonts | None = None) -> Path:
    return build_bulletin(data, fonts).save(path)


def bulletin_job(
    db: Database,
    actor: Actor,
    path: Path,
    year: int,
    quarter: int,
    *,
    as_of: date | None = None,
    issued: date | None = None,
    today: date | None = None,
    cancel: CancelToken | None = None,
) -> Generator[Progress, None, BulletinData]:
    """Write the quarter's bulletin (admins only; refusals audited): the reports as of ``as_of``
    (截至; by default the quarter's due date, or ``today`` when that is earlier), signed on
    ``issued`` (today by default)."""
    check_quarter(quarter)
    service = PlanService(db, actor)
    service.require(
        Action.REPORT, what="plan.bulletin", entity="plan_task", entity_id=f"{year}-Q{quarter}"
    )
    yield Progress(0, 2, "正在统计季度进展")
    today = today or date.today()
    if as_of is None:
        due = service.overview(year, today).due_dates.get(quarter)
        as_of = min(today, due or quarter_end(year, quarter))
    overview = service.overview(year, as_of)
    if not overview.tasks:
        raise ValidationError(f"{year}年还没有导入工作要点，无法生成督查通报。")
    with db.read() as session:
        divisions = list(
            session.scalars(select(Division).order_by(Division.sort_order, Division.id))
        )
        unit = str(read_setting(session, "unit_name") or "")
        fonts = document_fonts(session)
    office = next(
        (d.name for d in divisions if d.kind == DivisionKind.OPENNESS_OFFICE.value), "综合处"
    )
    data = bulletin_data(
        overview,
        quarter,
        [d.name for d in divisions],
        unit=unit,
        issuer=office,
        issued=issued or today,
    )
    if cancel is not None:
        cancel.check()
    yield Progress(1, 2, "正在生成 Word 文档")
    write_bulletin(data, path, fonts)
    yield Progress(2, 2, "已完成")
    return data
