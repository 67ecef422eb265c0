"""Demo step: disclosure requests and review / litigation cases over the demo year and the two before.

Every outcome occurs over the three years and every applicant type in each year, most answers
being 予以公开 as in a real bureau's table 三; requests received late in December are
answered in January (carry-overs), some get a 补正, consultation or an approved extension, a few
are answered late, and in the current year the newest ones are still open (some due soon or
overdue), so the register and the annual report have something to show.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..calendar import WorkingCalendar
from ..db.models import Division
from ..db.request_models import DisclosureRequest
from ..domain.labels import DivisionKind
from ..domain.request_clock import REGULATION_2019_IN_FORCE
from ..domain.requests import (
    OUTCOME_LABELS,
    OUTCOME_NO_CORRECTION,
    ApplicantType,
    CaseResult,
    CaseType,
    Channel,
)
from ..errors import CalendarMissing
from ..progress import Progress
from ..services.calendar import calendar_of
from ..services.requests import CaseInput, RequestInput, RequestService

if TYPE_CHECKING:
    from . import DemoContext

APPLICANTS = {
    ApplicantType.NATURAL_PERSON: ("张某", "李某", "王某", "刘某", "陈某", "杨某", "赵某"),
    ApplicantType.BUSINESS: ("某农业科技有限公司", "某建设工程有限公司", "某食品有限公司"),
    ApplicantType.RESEARCH: ("某农业大学课题组", "某社会科学院研究所"),
    ApplicantType.PUBLIC_INTEREST: ("某公益基金会", "某志愿服务协会"),
    ApplicantType.LEGAL_SERVICE: ("某律师事务所", "某法律援助中心"),
    ApplicantType.OTHER: ("某村民委员会", "某合作社"),
}
CONTENTS = (
    "本局{y}年度衔接推进乡村振兴补助资金分配文件",
    "某县{y}年度扶贫项目库及项目实施情况",
    "某村易地搬迁安置点建设项目批复文件",
    "{y}年度消费帮扶工作实施方案",
    "某合作社获得产业扶持资金的审批材料",
    "本人所在村脱贫户认定的相关文件",
    "{y}年度雨露计划补助发放名单",
    "某项目招投标及验收资料",
)
CASE_PLAN = (
    (CaseType.REVIEW, CaseResult.UPHELD),
    (CaseType.REVIEW, CaseResult.CORRECTED),
    (CaseType.LITIGATION_DIRECT, CaseResult.OTHER),
    (CaseType.LITIGATION_AFTER_REVIEW, None),
)


MAX_REQUESTS_PER_YEAR = 300
# How a provincial bureau's answers usually fall: mostly 予以公开, then 无法提供 (not held) and
# 部分公开, a few refusals and 不予处理.
COMMON_OUTCOMES: tuple[tuple[str, int], ...] = (
    ("予以公开", 58),
    ("部分公开", 10),
    ("无法提供-本机关不掌握相关政府信息", 14),
    ("无法提供-没有现成信息需要另行制作", 4),
    ("不予公开-属于三类内部事务信息", 3),
    ("不予公开-属于四类过程性信息", 3),
    ("不予处理-信访举报投诉类申请", 4),
    ("不予处理-重复申请", 2),
    ("其他处理-其他", 2),
)


def _after(cal: WorkingCalendar, start: date, n: int) -> date | None:
    try:
        return cal.working_day_after(start, n)
    except CalendarMissing:
        return None


def _working_days_ago(cal: WorkingCalendar, today: date, n: int) -> date | None:
    d = today
    try:
        while cal.working_days_between(d, today) < n:
            d -= timedelta(days=1)
    except CalendarMissing:
        return None
    return d


# (working days before today it came in, 补正 notice after, extension days): one request each,
# so this year's register shows 逾期, 临期, 办理中, 待补正 and an approved extension.
RECENT = ((24, None, 0), (18, None, 0), (5, None, 0), (4, 2, 0), (25, None, 10))


def _recent_requests(
    ctx: DemoContext,
    service: RequestService,
    cal: WorkingCalendar,
    today: date,
    divisions: list[int],
    existing: set[str],
) -> int:
    created = 0
    for n, (ago, notice_after, extension) in enumerate(RECENT, 901):
        reg_no = f"YSQ-{today.year}-{n}"
        receipt = _working_days_ago(cal, today, ago)
        if reg_no in existing or receipt is None or receipt.year != today.year:
            continue
        kind = list(ApplicantType)[n % len(ApplicantType)]
        service.create_request(
            RequestInput(
                reg_no=reg_no,
                receipt_date=receipt,
                channel=Channel.ONLINE,
                applicant_type=kind,
                division_id=divisions[n % len(divisions)],
                applicant=ctx.rng.choice(APPLICANTS[kind]),
                content=ctx.rng.choice(CONTENTS).format(y=today.year - 1),
                correction_notice_date=(
                    _after(cal, receipt, notice_after) if notice_after else None
                ),
                extension_days=extension,
                extension_approved_by="综合处负责人" if extension else "",
                extension_approved_on=_after(cal, receipt, 15) if extension else None,
            )
        )
        created += 1
    return created


def requests_step(ctx: DemoContext) -> Generator[Progress, None, list[str]]:
    """Requests and cases of three years (see the module docstring)."""
    db, rng = ctx.app.db, ctx.rng
    cal = calendar_of(db)
    today = date.today()
    service = RequestService(db, ctx.actor)
    with db.read() as session:
        divisions = list(
            session.scalars(
                select(Division.id).where(
                    Division.kind == DivisionKind.BUSINESS.value, Division.active.is_(True)
                )
            )
        ) or list(session.scalars(select(Division.id)))
        existing = set(session.scalars(select(DisclosureRequest.reg_no)))
    # Requests grow with the demo's size up to what a busy provincial bureau receives in a year;
    # --scale is about disclosure items, which are far more numerous than requests.
    per_year = max(16, min(MAX_REQUESTS_PER_YEAR, 6 + ctx.scale // 8))
    years = [
        y
        for y in (ctx.year - 2, ctx.year - 1, ctx.year)
        if cal.has_year(y) and min(date(y, 12, 31), today - timedelta(days=1)) >= date(y, 1, 1)
    ]
    # Every outcome occurs once over the years (the rare ones, spread out); the rest of each
    # year follows a real bureau's spread, where most requests are answered 予以公开.
    rare = list(OUTCOME_LABELS)
    rng.shuffle(rare)
    rare_of = {y: rare[i :: len(years)] for i, y in enumerate(years)} if years else {}
    created = cases = 0
    for step, year in enumerate(years):
        last = min(date(year, 12, 31), today - timedelta(days=1))
        # The rare outcomes among the earlier receipts (answered by now), common ones after them.
        own = rare_of[year]
        outcomes = own + rng.choices(
            [label for label, _ in COMMON_OUTCOMES],
            weights=[w for _, w in COMMON_OUTCOMES],
            k=max(per_year - len(own), 0),
        )
        types = list(ApplicantType) * (per_year // len(ApplicantType) + 1)
        rng.shuffle(types)
        span = (last - date(year, 1, 1)).days
        receipts = sorted(
            date(year, 1, 1) + timedelta(days=rng.randrange(span + 1)) for _ in outcomes
        )
        # Two requests at the end of December carry over into the next year.
        if last == date(year, 12, 31):
            receipts[-2:] = [date(year, 12, 24), date(year, 12, 29)]
        answered_ids: list[int] = []
        for n, (receipt, outcome, kind) in enumerate(
            zip(receipts, outcomes, types, strict=False), 1
        ):
            ctx.cancel.check()
            reg_no = f"YSQ-{year}-{n:03d}"
            if reg_no in existing:
                continue
            notice = corrected = None
            consult = extension = 0
            consult_sent: date | None = None
            approved_by, approved_on = "", None
            roll = rng.random()
            carry_over = receipt >= date(year, 12, 20) and year < ctx.year
            if carry_over:
                pass
            elif outcome.startswith("其他处理-申请人无正当理由逾期不补正"):
                notice = _after(cal, receipt, rng.randint(2, 6))
            elif roll < 0.15:
                notice = _after(cal, receipt, rng.choice((3, 5, 6, 9)))
                corrected = _after(cal, notice, rng.randint(3, 10)) if notice else None
            elif roll < 0.25:
                consult = rng.randint(3, 15)
                consult_sent = _after(cal, receipt, rng.randint(1, 4))
            elif roll < 0.33:
                extension = rng.choice(
                    (10, 15, 20) if receipt >= REGULATION_2019_IN_FORCE else (10, 15)
                )
                approved_by, approved_on = "综合处负责人", _after(cal, receipt, 15)
            start = corrected or (notice if corrected is None and notice else receipt)
            answer = _after(
                cal, start, rng.choice((6, 10, 15, 18, 19, 20, 22)) + consult + extension
            )
            if outcome.startswith("其他处理-申请人无正当理由逾期不补正") and notice:
                answer = _after(cal, notice, 16)
            if approved_on and answer and approved_on > answer:
                approved_on = _after(cal, receipt, 3)
            if answer is not None and answer >= today:
                answer = None
            if answer is None and (today - receipt).days > 60 and not carry_over:
                # Only recent requests are still open; an old one waiting for a correction that
                # never came was closed as 逾期不补正.
                if notice is not None and corrected is None:
                    outcome = OUTCOME_NO_CORRECTION
                    answer = _after(cal, notice, 16)
                else:
                    answer = _after(cal, start, 20 + consult + extension)
            outcome_value = outcome if answer is not None else None
            if answer is None and approved_on and approved_on >= today:
                approved_by, approved_on, extension = "", None, 0
            if notice is not None and notice >= today:
                notice = corrected = None
            if corrected is not None and corrected >= today:
                corrected = None
            if receipt >= date(year, 12, 20) and year < ctx.year:
                # The December ones are answered in January of the next year.
                answer = _after(cal, date(year + 1, 1, 1), rng.randint(2, 8))
                outcome_value = outcome if answer else None
            # The applicant was given 10 working days to correct; closing as 逾期不补正 is lawful
            # only after them.
            due = _after(cal, notice, 10) if notice is not None else None
            if outcome_value == OUTCOME_NO_CORRECTION and (
                due is None or corrected is not None or answer is None or answer <= due
            ):
                outcome_value = "予以公开"
            consult_answered = _after(cal, consult_sent, consult) if consult_sent else None
            if consult_answered is not None and (
                consult_answered >= today or (answer is not None and consult_answered > answer)
            ):
                consult_sent = consult_answered = None
            fee = (
                rng.choice((1000, 2000, 5000))
                if outcome_value == "予以公开" and rng.random() < 0.1
                else None
            )
            row = service.create_request(
                RequestInput(
                    reg_no=reg_no,
                    receipt_date=receipt,
                    channel=rng.choice(list(Channel)),
                    applicant_type=kind,
                    division_id=rng.choice(divisions),
                    applicant=rng.choice(APPLICANTS[kind]),
                    content=rng.choice(CONTENTS).format(y=year - 1),
                    correction_notice_date=notice,
                    correction_due_date=due,
                    correction_received_date=corrected,
                    consultation_sent_on=consult_sent,
                    consultation_answered_on=consult_answered,
                    extension_days=extension,
                    extension_approved_by=approved_by,
                    extension_approved_on=approved_on,
                    answer_date=answer,
                    outcome=outcome_value,
                    fee_cents=fee,
                )
            )
            created += 1
            if (
                answer is not None
                and outcome_value
                and outcome_value.startswith(("不予公开", "无法提供"))
            ):
                answered_ids.append(row.id)
        yield Progress(step + 1, len(years) + 1, f"依申请公开 {year}")
        for i, (case_type, result) in enumerate(CASE_PLAN[: len(answered_ids)]):
            request = service.get_request(answered_ids[i]).row
            assert request.data.answer_date is not None
            received = request.data.answer_date + timedelta(days=rng.randint(10, 40))
            closed = received + timedelta(days=rng.randint(40, 90)) if result else None
            if received >= today:
                continue
            if closed is not None and closed >= today:
                closed, result = None, None
            case_no = f"{'复' if case_type is CaseType.REVIEW else '诉'}〔{year}〕{i + 1}号"
            if service.list_cases(request_id=request.id):
                continue
            service.create_case(
                CaseInput(case_no, case_type, received, closed, result, request_id=request.id)
            )
            cases += 1
    if ctx.year == today.year:
        created += _recent_requests(ctx, service, cal, today, divisions, existing)
    yield Progress(len(years) + 1, len(years) + 1, "依申请公开")
    if not created:
        return []
    return [
        f"依申请公开：新增申请 {created} 件、复议诉讼案件 {cases} 件（{years[0]}—{years[-1]}年）"
    ]
