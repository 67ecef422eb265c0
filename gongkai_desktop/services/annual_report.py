"""政府信息公开工作年度报告: the year's numbers from the data, the edited narrative, the export.

Tables are always counted from the records (never typed); the narrative of each section starts as
a draft built from the same numbers and is kept per year once the user edits it. The year's small
inputs (行政许可, 行政处罚, 行政强制, 行政事业性收费) are stored with it. A report whose own numbers
break the balance rules is refused at export with the rule named. The numbers of each exported
report are kept, so next year's 上年结转 is checked against what was actually published.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.base import utcnow
from ..db.ledger_models import NormativeDocument
from ..db.request_models import AnnualReport, DisclosureCase, DisclosureRequest
from ..domain import annual_report as ar
from ..domain import report_narrative as rn
from ..domain.permissions import Action
from ..domain.request_clock import correction_notice_late
from ..domain.requests import (
    OUTCOME_NO_CORRECTION,
    ApplicantType,
    CaseResult,
    CaseType,
    Channel,
    RequestState,
)
from ..errors import CalendarMissing, ConflictError, ValidationError
from ..progress import CancelToken, Progress
from .admin import document_fonts, read_setting
from .base import Service
from .calendar import load_calendar
from .report_figures import module_figures
from .requests import input_of, status_of, year_filter

log = logging.getLogger(__name__)

# NormativeDocument stores English values; table 二 speaks the national labels.
_LEVELS = {"rule": ar.LEVEL_RULE, "normative": ar.LEVEL_NORMATIVE}
_STATUSES = {
    "valid": ar.STATUS_VALID,
    "revised": ar.STATUS_REVISED,
    "repealed": ar.STATUS_ABOLISHED,
    "expired": ar.STATUS_EXPIRED,
}
CENTS_PER_WAN = 1_000_000


def wan_from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / CENTS_PER_WAN).normalize() if cents else Decimal("0")


def cents_from_wan(wan: Decimal) -> int:
    value = wan * CENTS_PER_WAN
    if value != value.to_integral_value():
        raise ValidationError("行政事业性收费金额（万元）最多保留六位小数。")
    return int(value)


@dataclass(frozen=True)
class AnnualReportData:
    """One year's report as the editor and the exporters see it."""

    year: int
    unit: str
    inputs: ar.YearInputs
    table2: dict[str, dict[str, object]]
    table3: ar.Table3
    table4: ar.Table4
    stats: rn.RequestYearStats
    problems: tuple[str, ...]
    drafts: dict[str, str]
    edited: dict[str, str]
    version: int | None = None
    exported_at: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    published_on: date | None = None
    modules: rn.ModuleFigures = field(default_factory=rn.ModuleFigures)
    # What the report cannot state from the data (a year without holiday data) or sections left
    # empty: shown before export and printed with it, asking for the data.
    calendar_warnings: tuple[str, ...] = field(default_factory=tuple)

    def section(self, key: str) -> str:
        """The text of a section: the user's edit, else the draft from the data."""
        return self.edited.get(key, self.drafts[key])

    @property
    def warnings(self) -> tuple[str, ...]:
        texts = {key: self.section(key) for key in ar.SECTION_TITLES}
        return (*self.calendar_warnings, *rn.empty_section_warnings(texts))

    def as_json(self) -> dict[str, Any]:
        """The ``report annual --json`` document (SPEC §15)."""
        table2: dict[str, dict[str, object]] = {}
        for row, cols in self.table2.items():
            table2[row] = {c: (float(v) if isinstance(v, Decimal) else v) for c, v in cols.items()}
        return {
            "year": self.year,
            "table2": table2,
            "table3": {label: list(values) for label, values in self.table3.items()},
            "table4": {label: dict(cols) for label, cols in self.table4.items()},
            "problems": list(self.problems),
        }


def _tables_json(data: AnnualReportData) -> str:
    return json.dumps(data.as_json(), ensure_ascii=False, sort_keys=True)


def request_facts(session: Session, year: int) -> list[ar.RequestFacts]:
    """What table 三 needs of each request of the year's work.

    A request whose 补正期限 passed with no corrected request and no answer recorded is, as 条例
    第三十条 says, given up by the applicant: by default it counts as closed the day after the
    补正期限 under 「其他处理-申请人无正当理由逾期不补正…」 instead of being carried over for ever.
    """
    q = select(
        DisclosureRequest.receipt_date,
        DisclosureRequest.applicant_type,
        DisclosureRequest.answer_date,
        DisclosureRequest.outcome,
        DisclosureRequest.correction_notice_date,
        DisclosureRequest.correction_received_date,
        DisclosureRequest.correction_due_date,
    ).where(DisclosureRequest.deleted_at.is_(None), year_filter(year))
    facts = []
    for receipt, kind, answer, outcome, notice, corrected, due in session.execute(q):
        if answer is None and notice is not None and corrected is None and due is not None:
            answer, outcome = due + timedelta(days=1), OUTCOME_NO_CORRECTION
        facts.append(ar.RequestFacts(receipt, ApplicantType(kind), answer, outcome))
    return facts


def case_facts(session: Session, year: int) -> list[ar.CaseFacts]:
    start = date(year, 1, 1)
    q = select(
        DisclosureCase.case_type,
        DisclosureCase.received_date,
        DisclosureCase.closed_date,
        DisclosureCase.result,
    ).where(
        DisclosureCase.deleted_at.is_(None),
        DisclosureCase.received_date <= date(year, 12, 31),
    )
    return [
        ar.CaseFacts(CaseType(t), received, closed, CaseResult(result) if result else None)
        for t, received, closed, result in session.execute(q)
        if closed is None or closed >= start or received >= start
    ]


def document_facts(session: Session) -> list[ar.DocumentFacts]:
    q = select(
        NormativeDocument.level,
        NormativeDocument.written_on,
        NormativeDocument.published_on,
        NormativeDocument.status,
        NormativeDocument.status_changed_on,
    ).where(NormativeDocument.deleted_at.is_(None))
    return [
        ar.DocumentFacts(
            _LEVELS.get(level, level), written or published, _STATUSES.get(status, status), changed
        )
        for level, written, published, status, changed in session.execute(q)
    ]


def _stats(session: Session, year: int) -> rn.RequestYearStats:
    """On-time and late answers, channels, fees and late 补正 notices of the year's requests;
    answers whose deadline needs a year the calendar lacks are counted apart, never as late."""
    calendar = load_calendar(session)
    start, end = date(year, 1, 1), date(year, 12, 31)
    answered = on_time = late = unknown = late_notices = open_overdue = fee = 0
    missing: set[int] = set()
    channels: Counter[str] = Counter()
    q = select(DisclosureRequest).where(DisclosureRequest.deleted_at.is_(None), year_filter(year))
    for r in session.scalars(q):
        data = input_of(r)
        if start <= r.receipt_date <= end:
            channels[Channel(r.channel).label] += 1
        if r.answer_date is not None and r.answer_date <= end:
            answered += 1
            status = status_of(calendar, data, end)
            if status.state is RequestState.CLOSED_ON_TIME:
                on_time += 1
            elif status.state is RequestState.CLOSED_LATE:
                late += 1
            elif status.state is RequestState.UNKNOWN:
                unknown += 1
                missing.update(_missing_years(status.flags))
            if r.fee_cents:
                fee += r.fee_cents
        else:
            status = status_of(calendar, data, end)
            if status.state.value == "overdue":
                open_overdue += 1
        try:
            if start <= r.receipt_date <= end and correction_notice_late(calendar, data.clock):
                late_notices += 1
        except CalendarMissing:
            pass
    return rn.RequestYearStats(
        answered=answered,
        answered_on_time=on_time,
        by_channel=tuple((c.label, channels[c.label]) for c in Channel),
        fee_cents=fee,
        late_correction_notices=late_notices,
        open_overdue=open_overdue,
        answered_late=late,
        unknown=unknown,
        missing_years=tuple(sorted(missing)),
    )


def _missing_years(flags: tuple[str, ...]) -> list[int]:
    """The years named by 「缺少YYYY年节假日安排」 flags."""
    return [int(m) for flag in flags for m in re.findall(r"缺少(\d{4})年节假日安排", flag)]


def compute_report(session: Session, year: int) -> AnnualReportData:
    """Every number and draft of year ``year`` from the records, in one read transaction."""
    row = session.scalar(select(AnnualReport).where(AnnualReport.year == year))
    inputs = ar.YearInputs()
    edited: dict[str, str] = {}
    if row is not None:
        inputs = ar.YearInputs(
            row.licences, row.penalties, row.enforcement, wan_from_cents(row.fees_cents)
        )
        edited = {
            k: v for k, v in json.loads(row.sections or "{}").items() if k in ar.SECTION_TITLES
        }
    table2 = ar.table2(document_facts(session), year, inputs)
    table3 = ar.table3(request_facts(session, year), year)
    table4 = ar.table4(case_facts(session, year), year)
    # 上年结转 must equal last year's 结转下年度 as published, or as counted when not exported.
    previous = session.scalar(select(AnnualReport).where(AnnualReport.year == year - 1))
    notes: list[str] = []
    if previous is not None and previous.exported_tables:
        prev_out = json.loads(previous.exported_tables)["table3"][ar.ROW_CARRIED_OUT]
        notes.append(f"上年结转已与{year - 1}年已导出报告的结转下年度核对")
    else:
        prev_out = ar.table3(request_facts(session, year - 1), year - 1)[ar.ROW_CARRIED_OUT]
    problems = ar.check_table3(table3, prev_out, year)
    problems += ar.check_table4(table4)
    problems += ar.check_table2(table2)
    stats = _stats(session, year)
    unit = str(read_setting(session, "unit_name") or "")
    modules = module_figures(session, year)
    figures = rn.ReportFigures(year, unit, table2, table3, table4, stats, modules)
    return AnnualReportData(
        year=year,
        unit=unit,
        inputs=inputs,
        table2=table2,
        table3=table3,
        table4=table4,
        stats=stats,
        problems=tuple(problems),
        drafts=rn.draft_sections(figures),
        edited=edited,
        version=row.version if row is not None else None,
        exported_at=row.exported_at.isoformat() if row and row.exported_at else None,
        notes=tuple(notes),
        published_on=row.published_on if row is not None else None,
        modules=modules,
        calendar_warnings=tuple(rn.calendar_warnings(figures)),
    )


class AnnualReportService(Service):
    def report(self, year: int) -> AnnualReportData:
        self.require(Action.READ, what="report.annual.read", entity="annual_report", entity_id=year)
        with self.db.read() as session:
            return compute_report(session, year)

    def save(
        self,
        year: int,
        *,
        sections: Mapping[str, str] | None = None,
        inputs: ar.YearInputs | None = None,
        expected_version: int | None = None,
    ) -> AnnualReportData:
        """Store the edited sections (a text equal to the draft is not kept) and the inputs."""
        self.require(
            Action.REPORT, what="report.annual.save", entity="annual_report", entity_id=year
        )
        if inputs is not None:
            for name, value in (
                ("行政许可", inputs.licences),
                ("行政处罚", inputs.penalties),
                ("行政强制", inputs.enforcement),
            ):
                if value < 0:
                    raise ValidationError(f"{name}决定数量不能为负数。")
            if inputs.fees_wan < 0:
                raise ValidationError("行政事业性收费金额不能为负数。")
        with self.db.write() as session:
            row = session.scalar(select(AnnualReport).where(AnnualReport.year == year))
            if row is None:
                if expected_version not in (None, 0):
                    raise ConflictError("该年度报告已被其他用户删除或重建，请重新打开。")
                row = AnnualReport(year=year, sections="{}", updated_by=self.actor.user_id)
                session.add(row)
                session.flush()
            else:
                self.check_version(row, expected_version, f"{year}年度报告")
            before = {
                "sections": json.loads(row.sections or "{}"),
                "licences": row.licences,
                "penalties": row.penalties,
                "enforcement": row.enforcement,
                "fees_cents": row.fees_cents,
            }
            # A text equal to the draft the user was shown (before the inputs change it) or to
            # the new draft is not an edit: it keeps following the data.
            shown_drafts = compute_report(session, year).drafts
            if inputs is not None:
                row.licences = inputs.licences
                row.penalties = inputs.penalties
                row.enforcement = inputs.enforcement
                row.fees_cents = cents_from_wan(inputs.fees_wan)
                session.flush()
            if sections is not None:
                drafts = compute_report(session, year).drafts
                kept = dict(before["sections"])
                for key, text in sections.items():
                    if key not in ar.SECTION_TITLES:
                        raise ValidationError(f"未知的报告段落：{key}")
                    untouched = {drafts[key].strip(), shown_drafts[key].strip(), ""}
                    if text.strip() in untouched:
                        kept.pop(key, None)
                    else:
                        kept[key] = text.strip()
                row.sections = json.dumps(kept, ensure_ascii=False, sort_keys=True)
            row.updated_by = self.actor.user_id
            session.flush()
            after = {
                "sections": json.loads(row.sections),
                "licences": row.licences,
                "penalties": row.penalties,
                "enforcement": row.enforcement,
                "fees_cents": row.fees_cents,
            }
            self.audit(
                session,
                "report.annual.save",
                entity="annual_report",
                entity_id=year,
                before=before,
                after=after,
            )
            return compute_report(session, year)

    def record_publication(
        self, year: int, published_on: date | None, today: date | None = None
    ) -> AnnualReportData:
        """Record the day the report on ``year`` was first made public (报告公开日期), or clear
        it. 条例第四十九条's 31 January is judged on this day, not on when a file was exported."""
        self.require(
            Action.REPORT, what="report.annual.publish", entity="annual_report", entity_id=year
        )
        today = today or date.today()
        if published_on is not None:
            if published_on <= date(year, 12, 31):
                raise ValidationError(
                    f"{year}年度报告的公开日期应在{year}年结束之后（{year + 1}年1月1日起）。"
                )
            if published_on > today:
                raise ValidationError(f"公开日期{published_on:%Y-%m-%d}晚于今天，请登记实际公开之日。")
        with self.db.write() as session:
            row = session.scalar(select(AnnualReport).where(AnnualReport.year == year))
            if row is None:
                row = AnnualReport(year=year, sections="{}", updated_by=self.actor.user_id)
                session.add(row)
                session.flush()
            before = row.published_on.isoformat() if row.published_on else None
            row.published_on = published_on
            row.updated_by = self.actor.user_id
            session.flush()
            self.audit(
                session,
                "report.annual.publish",
                entity="annual_report",
                entity_id=year,
                before={"published_on": before},
                after={"published_on": published_on.isoformat() if published_on else None},
            )
            return compute_report(session, year)

    def export_job(
        self,
        year: int,
        path: Path,
        cancel: CancelToken | None = None,
        *,
        issued: date | None = None,
    ) -> Generator[Progress, None, AnnualReportData]:
        """Write the .docx dated ``issued`` (the 成文日期, today by default), refused when the
        numbers break a balance rule, and keep its numbers."""
        from ..reports.annual_report import write_annual_report

        cancel = cancel or CancelToken()
        self.require(
            Action.REPORT, what="report.annual.export", entity="annual_report", entity_id=year
        )
        yield Progress(0, 3, "统计本年度数据")
        with self.db.read() as session:
            data = compute_report(session, year)
            fonts = document_fonts(session)
        if data.problems:
            raise ValidationError(
                f"{year}年度报告的数据不符合勾稽关系，不能导出。请先核对台账数据。",
                problems=list(data.problems),
                year=year,
            )
        cancel.check()
        yield Progress(1, 3, "生成 Word 文档")
        write_annual_report(data, path, fonts=fonts, issued=issued)
        cancel.check()
        yield Progress(2, 3, "记录已导出的数字")
        with self.db.write() as session:
            row = session.scalar(select(AnnualReport).where(AnnualReport.year == year))
            if row is None:
                row = AnnualReport(year=year, sections="{}", updated_by=self.actor.user_id)
                session.add(row)
            before = row.exported_tables
            row.exported_tables = _tables_json(data)
            row.exported_at = utcnow()
            row.updated_by = self.actor.user_id
            session.flush()
            self.audit(
                session,
                "report.annual.export",
                entity="annual_report",
                entity_id=year,
                before={"tables": json.loads(before)} if before else None,
                after={"tables": data.as_json(), "file": str(path)},
            )
        yield Progress(3, 3, "完成")
        return data
