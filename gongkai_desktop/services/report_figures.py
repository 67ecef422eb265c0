"""The year's figures from every module that the annual report's 一、总体情况 quotes.

One read of the ledger (items, documents, clean-ups), the interpretations, the decisions'
consultations, the engagement records (press conferences, 舆情, meetings and training), the plan
and the review/litigation cases, counted for one calendar year. Deleted records never count.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..db.decision_models import Consultation
from ..db.engagement_models import PressConference, PublicOpinion, WorkMeeting
from ..db.interpretation_models import Interpretation
from ..db.ledger_models import (
    CleanupCampaign,
    CleanupDecision,
    DisclosureItem,
    NormativeDocument,
)
from ..db.plan_models import PlanTask
from ..db.request_models import DisclosureCase
from ..domain.disclosure import CHANNEL_BITS, CHANNELS, CleanupDecisionKind, DisclosureAttribute
from ..domain.engagement_choices import MeetingKind
from ..domain.interpretation import InterpretationForm
from ..domain.report_narrative import ModuleFigures
from ..domain.requests import CaseType


def _count(session: Session, query) -> int:  # type: ignore[no-untyped-def]
    return int(session.scalar(query) or 0)


def module_figures(session: Session, year: int) -> ModuleFigures:
    """Count the modules' records of ``year`` (see the module docstring)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    t0, t1 = datetime.combine(start, time.min), datetime.combine(end, time.max)

    published = select(DisclosureItem.channels).where(
        DisclosureItem.deleted_at.is_(None),
        DisclosureItem.attribute == DisclosureAttribute.PROACTIVE.value,
        DisclosureItem.published_on.between(start, end),
    )
    channels: Counter[str] = Counter()
    items = 0
    for (mask,) in session.execute(published):
        items += 1
        for label in CHANNELS:
            if mask & CHANNEL_BITS[label]:
                channels[label] += 1

    live_doc = NormativeDocument.deleted_at.is_(None)
    # In force on 31 December: written by then and not ended before (as table 二 counts).
    valid = (
        live_doc,
        NormativeDocument.written_on <= end,
        or_(
            NormativeDocument.status.in_(("valid", "revised")),
            NormativeDocument.status_changed_on > end,
        ),
    )
    documents_valid = _count(session, select(func.count()).where(*valid))
    documents_valid_published = _count(
        session,
        select(func.count()).where(
            *valid,
            NormativeDocument.published_on.is_not(None),
            NormativeDocument.published_on <= end,
        ),
    )

    campaigns = list(
        session.execute(
            select(CleanupCampaign.id, CleanupCampaign.published_on).where(
                CleanupCampaign.deleted_at.is_(None), CleanupCampaign.year == year
            )
        )
    )
    decisions: Counter[str] = Counter()
    if campaigns:
        q = select(CleanupDecision.decision).where(
            CleanupDecision.campaign_id.in_([c for c, _ in campaigns])
        )
        decisions.update(session.scalars(q))

    forms: Counter[str] = Counter()
    interpretations = 0
    q_interp = select(Interpretation.forms).where(
        Interpretation.deleted_at.is_(None), Interpretation.published_on.between(start, end)
    )
    for (stored,) in session.execute(q_interp):
        interpretations += 1
        forms.update(f for f in stored.split(",") if f)

    consultations = list(
        session.execute(
            select(Consultation.received, Consultation.adopted, Consultation.partly_adopted).where(
                Consultation.deleted_at.is_(None), Consultation.ended_on.between(start, end)
            )
        )
    )

    live_meeting = (WorkMeeting.deleted_at.is_(None), WorkMeeting.held_on.between(start, end))

    def meetings(kind: MeetingKind) -> int:
        return _count(
            session,
            select(func.count()).where(*live_meeting, WorkMeeting.meeting_kind == kind.value),
        )

    def cases_received(*types: CaseType) -> int:
        return _count(
            session,
            select(func.count()).where(
                DisclosureCase.deleted_at.is_(None),
                DisclosureCase.received_date.between(start, end),
                DisclosureCase.case_type.in_([t.value for t in types]),
            ),
        )

    live_opinion = (PublicOpinion.deleted_at.is_(None), PublicOpinion.first_seen_at.between(t0, t1))
    return ModuleFigures(
        items_published=items,
        items_by_channel=tuple((label, channels[label]) for label in CHANNELS),
        documents_valid=documents_valid,
        documents_valid_published=documents_valid_published,
        cleanups=len(campaigns),
        cleanups_published=sum(1 for _, published_on in campaigns if published_on is not None),
        cleanup_documents=sum(decisions.values()),
        cleanup_repealed=decisions[CleanupDecisionKind.REPEAL.value],
        cleanup_revised=decisions[CleanupDecisionKind.REVISE.value],
        interpretations=interpretations,
        interpretations_by_form=tuple((f.label, forms[f.value]) for f in InterpretationForm),
        press_conferences=_count(
            session,
            select(func.count()).where(
                PressConference.deleted_at.is_(None), PressConference.held_on.between(start, end)
            ),
        ),
        opinions=_count(session, select(func.count()).where(*live_opinion)),
        opinions_responded=_count(
            session,
            select(func.count()).where(*live_opinion, PublicOpinion.responded_at.is_not(None)),
        ),
        consultations=len(consultations),
        consultation_opinions=sum(r for r, _, _ in consultations),
        consultation_adopted=sum(a + p for _, a, p in consultations),
        plan_tasks=_count(
            session,
            select(func.count()).where(PlanTask.deleted_at.is_(None), PlanTask.year == year),
        ),
        trainings=meetings(MeetingKind.TRAINING),
        hearings=meetings(MeetingKind.REPORT_HEARING),
        deployments=meetings(MeetingKind.DEPLOYMENT),
        reviews_received=cases_received(CaseType.REVIEW),
        litigations_received=cases_received(
            CaseType.LITIGATION_DIRECT, CaseType.LITIGATION_AFTER_REVIEW
        ),
    )
