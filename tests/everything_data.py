"""A database where every table of the schema holds at least one row: the demo data plus what
the demo leaves empty (used to check that the package of everything carries every table)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from gongkai_desktop.app import AppContext
from gongkai_desktop.attachments import AttachmentService
from gongkai_desktop.db.decision_models import ConsultedMark
from gongkai_desktop.db.interpretation_models import Interpretation, InterpretationDraft
from gongkai_desktop.db.ledger_models import NormativeDocument
from gongkai_desktop.db.models import Division
from gongkai_desktop.demo import DEMO_PASSWORD, demo_job
from gongkai_desktop.domain.annual_report import YearInputs
from gongkai_desktop.domain.evaluation import DEFAULT_INDICATORS, Period
from gongkai_desktop.progress import run_job
from gongkai_desktop.services.annual_report import AnnualReportService
from gongkai_desktop.services.auth import AuthService
from gongkai_desktop.services.calendar import CalendarService
from gongkai_desktop.services.evaluation import EvaluationService
from gongkai_desktop.services.ledger import LedgerService
from gongkai_desktop.services.package import PackageService

NOTICES = Path(__file__).parent / "fixtures" / "notices"
ATTACHED = "政策原文".encode() * 200


def notice_text(name: str) -> str:
    return (NOTICES / f"{name}.txt").read_text(encoding="utf-8")


KF = "开发指导处"


def fill_every_table(ctx: AppContext, tmp_path: Path) -> None:
    """Demo data plus what the demo leaves empty: notices with an amendment and a day marked by
    hand, a year's indicators with a 扣分 and a 调整, a category, the annual report's inputs, an
    attachment, a 已征求意见 mark, a draft, and a division's package sent and received."""
    run_job(demo_job(ctx, None, 2026, 20))
    admin = AuthService(ctx.db).login("admin", DEMO_PASSWORD)
    liaison = AuthService(ctx.db).login("lly_kf", DEMO_PASSWORD)
    calendars = CalendarService(ctx.db, admin)
    calendars.store_notice(calendars.preview_notice(notice_text("notice-2020"), 2020), "国务院")
    calendars.store_notice(calendars.preview_amendment(notice_text("amendment-2020"), 2020))
    calendars.store_notice(calendars.preview_notice(notice_text("notice-2027"), 2027))
    calendars.set_override(date(2027, 10, 9), False, "单位调休")
    evaluation = EvaluationService(ctx.db, admin)
    evaluation.save_indicators(2026, DEFAULT_INDICATORS)
    with ctx.db.read() as session:
        kf_id = session.scalar(select(Division.id).where(Division.name == KF))
        interpretation = session.scalars(
            select(Interpretation).where(Interpretation.division_id == kf_id).limit(1)
        ).one()
        document_id = session.scalar(select(NormativeDocument.id).limit(1))
    assert kf_id is not None and document_id is not None
    evaluation.add_adjustment(Period(2026), kf_id, "deduction", Decimal("1.5"), "季度进展迟报")
    evaluation.add_adjustment(Period(2026, 2), kf_id, "adjustment", Decimal("-0.5"), "督查通报")
    LedgerService(ctx.db, admin).add_category("统计信息")
    AnnualReportService(ctx.db, admin).save(2026, inputs=YearInputs(licences=3, penalties=1))
    source = tmp_path / "政策原文.pdf"
    source.write_bytes(ATTACHED)
    AttachmentService(ctx.db, liaison, ctx.paths.attachments_dir).attach(
        "interpretation", interpretation.uuid, kf_id, source
    )
    with ctx.db.write() as session:
        session.add(ConsultedMark(document_id=document_id))
        session.add(
            InterpretationDraft(
                interpretation_id=interpretation.id,
                user_id=liaison.user_id,
                base_version=interpretation.version,
                fields=json.dumps({"title": "草稿标题"}, ensure_ascii=False),
            )
        )
    sent = tmp_path / "开发指导处.gkpkg"
    run_job(PackageService(ctx.db, liaison, ctx.paths.attachments_dir).export_job(KF, sent))
    run_job(PackageService(ctx.db, admin, ctx.paths.attachments_dir).import_job(sent))
