"""年终评议 and 季度督查 (SPEC §13): the indicator table of a year, the scores of every division,
the 扣分 / 调整 entered by 综合处, and the records behind a number.

Reading scores: the admin and leaders read every division's, a liaison only their own (asking
for another division's is refused and audited). Changing the indicators, deductions and
adjustments is the admin's.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from datetime import UTC, date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..db.base import utcnow
from ..db.evaluation_models import EvaluationAdjustment, EvaluationIndicator
from ..db.models import Division, User
from ..domain.evaluation import (
    CASE_METHOD,
    DEFAULT_CASE_PENALTY,
    DEFAULT_GRADES,
    DEFAULT_INDICATORS,
    Adjustment,
    Count,
    DivisionScore,
    EvaluationResult,
    Grades,
    Indicator,
    Period,
    check_adjustment,
    check_indicators,
    ranked,
    score_division,
)
from ..domain.labels import Role
from ..domain.permissions import Action
from ..errors import NotFound, ValidationError
from ..progress import CancelToken, Job, Progress
from .admin import read_setting, write_setting
from .base import Service, snapshot
from .measure_records import RecordRef, records_of
from .measures import context, corrected_cases, measure_all

log = logging.getLogger(__name__)

ENTITY_INDICATOR = "evaluation_indicator"
ENTITY_ADJUSTMENT = "evaluation_adjustment"
SETTING_CASE_PENALTY = "evaluation_case_penalty"
SETTING_GRADES = "evaluation_grades"


def _centi(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def _from_centi(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


def stored_indicators(session: Session, year: int) -> tuple[Indicator, ...]:
    """The year's table as stored, else the default of SPEC §13."""
    rows = session.scalars(
        select(EvaluationIndicator)
        .where(EvaluationIndicator.year == year)
        .order_by(EvaluationIndicator.sort_order, EvaluationIndicator.id)
    ).all()
    if not rows:
        return DEFAULT_INDICATORS
    return tuple(
        Indicator(
            r.code, r.name, _from_centi(r.weight_centi), r.method, r.measured, r.met, r.rule_id
        )
        for r in rows
    )


def case_penalty(session: Session) -> Decimal:
    value = read_setting(session, SETTING_CASE_PENALTY)
    try:
        return Decimal(str(value)) if value is not None else DEFAULT_CASE_PENALTY
    except ArithmeticError:
        return DEFAULT_CASE_PENALTY


def grades(session: Session) -> Grades:
    value = read_setting(session, SETTING_GRADES)
    if not value:
        return Grades(DEFAULT_GRADES)
    try:
        return Grades(tuple((Decimal(str(lowest)), str(label)) for lowest, label in value))
    except (ArithmeticError, TypeError, ValueError):
        return Grades(DEFAULT_GRADES)


def _adjustment(
    a: EvaluationAdjustment, names: dict[int, str], users: dict[int, str]
) -> Adjustment:
    return Adjustment(
        a.id,
        a.uuid,
        a.year,
        a.quarter,
        a.division_id,
        names.get(a.division_id, ""),
        a.kind,
        _from_centi(a.points_centi),
        a.reason,
        users.get(a.created_by or 0, ""),
        # Stored in UTC; shown in the computer's local time.
        a.created_at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
        if a.created_at
        else "",
    )


class EvaluationService(Service):
    """Scores, indicators and adjustments of the year-end evaluation and the quarterly inspection."""

    # --- indicators ---
    def indicators(self, year: int) -> tuple[Indicator, ...]:
        with self.db.read() as session:
            return stored_indicators(session, year)

    def has_own_indicators(self, year: int) -> bool:
        with self.db.read() as session:
            n = session.scalar(
                select(func.count())
                .select_from(EvaluationIndicator)
                .where(EvaluationIndicator.year == year)
            )
        return bool(n)

    def save_indicators(self, year: int, indicators: Sequence[Indicator]) -> tuple[Indicator, ...]:
        """Replace the year's indicator table (admin), all or nothing."""
        self.require(
            Action.MANAGE_SYSTEM,
            what="evaluation.indicators",
            entity=ENTITY_INDICATOR,
            entity_id=year,
        )
        problems = check_indicators(indicators)
        if problems:
            raise ValidationError("指标表有误，未保存。", problems=problems)
        with self.db.write() as session:
            before = [
                i.__dict__ | {"weight": str(i.weight)} for i in stored_indicators(session, year)
            ]
            session.execute(delete(EvaluationIndicator).where(EvaluationIndicator.year == year))
            for n, i in enumerate(indicators):
                session.add(
                    EvaluationIndicator(
                        year=year,
                        code=i.code.strip(),
                        name=i.name.strip(),
                        weight_centi=_centi(i.weight),
                        method=i.method,
                        measured=i.measured,
                        met=i.met,
                        rule_id=i.rule_id or None,
                        sort_order=n,
                    )
                )
            self.audit(
                session,
                "evaluation.indicators",
                entity=ENTITY_INDICATOR,
                entity_id=str(year),
                before={"indicators": before},
                after={"indicators": [i.__dict__ | {"weight": str(i.weight)} for i in indicators]},
                detail=f"{year}年考核指标 {len(indicators)} 项，权重合计 {sum(i.weight for i in indicators)}",
            )
        return tuple(indicators)

    def export_indicators(self, year: int, path: str | os.PathLike[str]) -> Path:
        """The year's indicator table as an Excel sheet (also the template to edit and load)."""
        from ..importers.indicators_xlsx import save_indicators_xlsx

        return save_indicators_xlsx(path, year, self.indicators(year))

    def import_indicators(self, year: int, path: str | os.PathLike[str]) -> tuple[Indicator, ...]:
        """Replace the year's table by an Excel sheet's (admin): a bad sheet is refused with its
        row errors and changes nothing."""
        from ..importers.indicators_xlsx import load_indicators_xlsx

        self.require(
            Action.MANAGE_SYSTEM,
            what="evaluation.indicators",
            entity=ENTITY_INDICATOR,
            entity_id=year,
        )
        return self.save_indicators(year, load_indicators_xlsx(path))

    # --- scores ---
    def _visible(self) -> int | None:
        """The one division a liaison may read; None for those who read all."""
        return self.actor.division_id if self.actor.role is Role.LIAISON else None

    def require_scores(self, division_id: int) -> None:
        self.require(
            Action.READ_SCORES,
            division_id=division_id,
            what="evaluation.read",
            entity="division",
            entity_id=division_id,
        )

    def evaluate_job(
        self, period: Period, as_of: date | None = None, cancel: CancelToken | None = None
    ) -> Job[EvaluationResult]:
        """The evaluation of the period on ``as_of`` (default today), as a job: every division
        scored and ranked; a liaison's result holds their own division only."""
        as_of = as_of or date.today()
        yield Progress(0, 3, "读取指标和处室")
        with self.db.read() as session:
            indicators = stored_indicators(session, period.year)
            divisions = dict(
                session.execute(
                    select(Division.id, Division.name)
                    .where(Division.active.is_(True))
                    .order_by(Division.sort_order, Division.id)
                ).all()
            )
            penalty, grade_bands = case_penalty(session), grades(session)
            ctx = context(session, period, as_of)
            if cancel:
                cancel.check()
            yield Progress(1, 3, "统计各项指标")
            tallies = measure_all(session, ctx, divisions)
            cases = corrected_cases(session, ctx)
            adjustments = self._adjustments(session, period)
        if cancel:
            cancel.check()
        yield Progress(2, 3, "计算得分和排名")
        sums: dict[tuple[int, str], Decimal] = {}
        for a in adjustments:
            key = (a.division_id, a.kind)
            sums[key] = sums.get(key, Decimal(0)) + a.points
        scores: list[DivisionScore] = []
        for division_id, name in divisions.items():
            counts = {i.code: tallies.get(i.method, {}).get(division_id, None) for i in indicators}
            scores.append(
                score_division(
                    division_id,
                    name,
                    indicators,
                    {code: t.count if t is not None else Count() for code, t in counts.items()},
                    corrected_cases=cases.get(division_id, 0),
                    case_penalty=penalty,
                    deductions=sums.get((division_id, "deduction"), Decimal(0)),
                    adjustments=sums.get((division_id, "adjustment"), Decimal(0)),
                    grades=grade_bands,
                )
            )
        problems = list(ctx.problems)
        case_codes = [i.code for i in indicators if i.method == CASE_METHOD]
        for d in scores:
            if d.corrected_cases and not any(d.score_of(c).applicable for c in case_codes):
                problems.append(
                    f"{d.division_name}本期有 {d.corrected_cases} 件结果为纠正的行政复议、行政诉讼案件，"
                    "但其依申请公开指标本期不适用（或指标表中没有该项），未扣分。"
                )
        result_divisions = ranked(scores)
        own = self._visible()
        if own is not None:
            result_divisions = tuple(d for d in result_divisions if d.division_id == own)
            adjustments = [a for a in adjustments if a.division_id == own]
        yield Progress(3, 3, "完成")
        return EvaluationResult(
            period,
            as_of,
            indicators,
            result_divisions,
            tuple(adjustments),
            penalty,
            grade_bands,
            tuple(dict.fromkeys(problems)),
        )

    def evaluate(self, period: Period, as_of: date | None = None) -> EvaluationResult:
        from ..progress import run_job

        return run_job(self.evaluate_job(period, as_of))  # type: ignore[no-any-return]

    def division_records(
        self, period: Period, division_id: int, code: str, as_of: date | None = None
    ) -> list[RecordRef]:
        """The records behind one division's number on one indicator (refused and audited for
        a liaison asking about another division)."""
        self.require_scores(division_id)
        with self.db.read() as session:
            indicator = next(
                (i for i in stored_indicators(session, period.year) if i.code == code), None
            )
            if indicator is None:
                raise NotFound(f"{period.year}年没有代码为 {code} 的考核指标。")
            ctx = context(session, period, as_of or date.today())
            return records_of(session, ctx, division_id, indicator.method)

    def division_records_all(
        self, period: Period, division_id: int, as_of: date | None = None
    ) -> dict[str, list[RecordRef]]:
        """The records behind every indicator of the division, by code, read in one session."""
        self.require_scores(division_id)
        with self.db.read() as session:
            ctx = context(session, period, as_of or date.today())
            return {
                i.code: records_of(session, ctx, division_id, i.method)
                for i in stored_indicators(session, period.year)
            }

    def division_score(
        self, period: Period, division_id: int, as_of: date | None = None
    ) -> DivisionScore:
        """One division's scores (refused and audited for a liaison asking about another)."""
        self.require_scores(division_id)
        result = self.evaluate(period, as_of)
        try:
            return result.division(division_id)
        except StopIteration:
            raise NotFound("该处室不在考核范围内（已停用）。") from None

    # --- 扣分 and 调整 ---
    def _adjustments(self, session: Session, period: Period) -> list[Adjustment]:
        a = EvaluationAdjustment
        stmt = select(a).where(a.deleted_at.is_(None), a.year == period.year)
        if period.quarter is None:
            stmt = stmt.where(a.quarter.is_(None))
        else:
            stmt = stmt.where(a.quarter == period.quarter)
        names = dict(session.execute(select(Division.id, Division.name)).all())
        users = dict(session.execute(select(User.id, User.username)).all())
        return [
            _adjustment(x, names, users) for x in session.scalars(stmt.order_by(a.created_at, a.id))
        ]

    def list_adjustments(self, period: Period) -> list[Adjustment]:
        """The period's 扣分 and 调整 (a liaison: their own division's)."""
        with self.db.read() as session:
            rows = self._adjustments(session, period)
        own = self._visible()
        return [a for a in rows if own is None or a.division_id == own]

    def add_adjustment(
        self, period: Period, division_id: int, kind: str, points: Decimal, reason: str
    ) -> Adjustment:
        """Enter a 扣分 (``deduction``) or 调整 (``adjustment``) with its reason (admin)."""
        what = f"evaluation.{kind}"
        self.require(
            Action.MANAGE_SYSTEM, division_id=division_id, what=what, entity=ENTITY_ADJUSTMENT
        )
        problems = check_adjustment(kind, points, reason)
        if problems:
            raise ValidationError("；".join(problems), problems=problems)
        with self.db.write() as session:
            division = session.get(Division, division_id)
            if division is None:
                raise NotFound("处室不存在。")
            now = utcnow()
            record = EvaluationAdjustment(
                year=period.year,
                quarter=period.quarter,
                kind=kind,
                points_centi=_centi(points),
                reason=reason.strip(),
                division_id=division_id,
                created_by=self.actor.user_id,
                updated_by=self.actor.user_id,
                created_at=now,
                updated_at=now,
            )
            session.add(record)
            session.flush()
            label = "扣分" if kind == "deduction" else "调整"
            self.audit(
                session,
                what,
                entity=ENTITY_ADJUSTMENT,
                entity_id=record.uuid,
                division_id=division_id,
                after=snapshot(record),
                detail=f"{period.title} {division.name} {label} {points} 分：{reason.strip()}",
            )
            names = {division.id: division.name}
            return _adjustment(record, names, {self.actor.user_id or 0: self.actor.username})

    def delete_adjustment(self, adjustment_id: int) -> None:
        """Withdraw a 扣分 or 调整 (admin); the row stays, marked deleted, for the audit log."""
        with self.db.read() as session:
            record = session.get(EvaluationAdjustment, adjustment_id)
            division_id = record.division_id if record is not None else None
        self.require(
            Action.MANAGE_SYSTEM,
            division_id=division_id,
            what="evaluation.adjustment_delete",
            entity=ENTITY_ADJUSTMENT,
            entity_id=adjustment_id,
        )
        with self.db.write() as session:
            record = session.get(EvaluationAdjustment, adjustment_id)
            if record is None or record.deleted_at is not None:
                raise NotFound("该扣分或调整不存在或已撤销。")
            before = snapshot(record)
            record.deleted_at = utcnow()
            record.updated_by = self.actor.user_id
            self.audit(
                session,
                "evaluation.adjustment_delete",
                entity=ENTITY_ADJUSTMENT,
                entity_id=record.uuid,
                division_id=record.division_id,
                before=before,
                detail=record.reason,
            )

    def unit_name(self) -> str:
        with self.db.read() as session:
            return str(read_setting(session, "unit_name") or "")

    # --- parameters ---
    def parameters(self) -> tuple[Decimal, Grades]:
        with self.db.read() as session:
            return case_penalty(session), grades(session)

    def set_parameters(self, penalty: Decimal, grade_bands: Grades) -> None:
        """The YSQ1 case deduction and the grade thresholds (admin)."""
        self.require(Action.MANAGE_SYSTEM, what="evaluation.parameters", entity="setting")
        lows = [lowest for lowest, _ in grade_bands.bands]
        if (
            penalty < 0
            or any(not (0 <= x <= 100) for x in lows)
            or lows != sorted(lows, reverse=True)
        ):
            raise ValidationError(
                "案件扣分应不小于 0，等次分数线应在 0 至 100 之间并从高到低排列。"
            )
        with self.db.write() as session:
            old_penalty = write_setting(session, SETTING_CASE_PENALTY, str(penalty))
            old_grades = write_setting(
                session, SETTING_GRADES, [[str(x), label] for x, label in grade_bands.bands]
            )
            self.audit(
                session,
                "evaluation.parameters",
                entity="setting",
                entity_id=SETTING_GRADES,
                before={"case_penalty": old_penalty, "grades": old_grades},
                after={
                    "case_penalty": str(penalty),
                    "grades": [[str(x), label] for x, label in grade_bands.bands],
                },
            )
