"""The newcomer's export: everything held about them, in one versioned JSON document.

Profile, consents (scope, notice version, time), every pairing with each transition (when,
from and to which status, by which role, why), do-not-pair entries, and the accounting of
every read and change of the record (`newcomers.accounting`). Mentors stay unnamed unless
they accepted, as on the status page; staff appear by role only. Notes staff wrote for
each other on a pairing's transitions are not part of the export; the coordinators' attempts
to reach the newcomer in an urgent case are, with their notes (written about the person, to
them too: the contact form says so), and so are the case notes (`newcomers.notes`), each
with its date, the author's role and the number of the pairing it is about, and the
newcomer's own fit-check answers (`aftercare.fit`; never the mentor's), the questionnaire
reminders sent to them and the episodes of care they came back for (`assessments`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mentormatch.aftercare import fit, recovery_dates
from mentormatch.aftercare.models import CheckIn, MilestoneMessage
from mentormatch.aftercare.schemas import CheckInForNewcomer, EarlierDate, FitAnswerForNewcomer
from mentormatch.assessments.models import Assessment, Episode, FollowupReminder, Instrument
from mentormatch.db import utcnow
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers import accounting, notes, urgent
from mentormatch.newcomers.export_schemas import (
    AccessLog,
    AssessmentForNewcomer,
    CaseNoteForNewcomer,
    DoNotPairForNewcomer,
    EpisodeForNewcomer,
    MilestoneNoteForNewcomer,
    NewcomerExport,
    PairingHistory,
    PairingTransition,
    ReminderForNewcomer,
    UrgentContactForNewcomer,
)
from mentormatch.newcomers.models import DoNotPair, Newcomer
from mentormatch.newcomers.schemas import ConsentPublic, NewcomerProfile
from mentormatch.pairings.models import Pairing, PairingStatus


def _history(session: Session, pairing: Pairing, number: int) -> PairingHistory:
    accepted = any(e.to_status == PairingStatus.active.value for e in pairing.events)
    mentor = session.get(Mentor, pairing.mentor_id) if accepted else None
    return PairingHistory(
        number=number,
        status=pairing.status.value,
        created_at=pairing.created_at,
        updated_at=pairing.updated_at,
        mentor_first_name=mentor.first_name if mentor else None,
        transitions=[
            PairingTransition(
                at=e.at,
                from_status=e.from_status,
                to_status=e.to_status,
                by_role=e.actor_role,
                reason=e.reason,
            )
            for e in pairing.events
        ],
    )


def build(session: Session, *, newcomer: Newcomer) -> NewcomerExport:
    """The export document for this newcomer (the caller audits the read)."""
    pairings = session.scalars(
        select(Pairing)
        .where(Pairing.newcomer_id == newcomer.id)
        .options(selectinload(Pairing.events))
        .order_by(Pairing.id)
    )
    entries = session.scalars(
        select(DoNotPair).where(DoNotPair.newcomer_id == newcomer.id).order_by(DoNotPair.id)
    )
    now = utcnow()
    items, total = accounting.accesses(session, newcomer=newcomer, as_of=now, limit=None)
    numbers = accounting.pairing_numbers(session, newcomer=newcomer)
    return NewcomerExport(
        exported_at=now,
        profile=NewcomerProfile.model_validate(newcomer),
        consents=[ConsentPublic.model_validate(c) for c in newcomer.consents],
        pairings=[_history(session, p, n) for n, p in enumerate(pairings, start=1)],
        do_not_pair=[DoNotPairForNewcomer.model_validate(e) for e in entries],
        urgent_contacts=[
            UrgentContactForNewcomer.model_validate(c)
            for c in urgent.contacts_of(session, newcomer.id)
        ],
        case_notes=[
            CaseNoteForNewcomer(
                written_at=n.written_at,
                by_role=n.author_role,
                pairing=numbers.get(n.pairing_id) if n.pairing_id is not None else None,
                text=n.text,
            )
            for n in notes.of_newcomer(session, newcomer.id)
        ],
        fit_answers=[
            FitAnswerForNewcomer(
                pairing=numbers[a.pairing_id],
                answer=a.answer,
                word=a.word,
                answered_at=a.answered_at,
            )
            for a in fit.newcomers_answers(session, newcomer_id=newcomer.id)
        ],
        check_ins=[
            CheckInForNewcomer.model_validate(c)
            for c in session.scalars(
                select(CheckIn).where(CheckIn.newcomer_id == newcomer.id).order_by(CheckIn.id)
            )
        ],
        earlier_recovery_dates=[
            EarlierDate.model_validate(d) for d in recovery_dates.earlier(session, newcomer.id)
        ],
        assessments=[
            AssessmentForNewcomer(
                instrument=code,
                total=row.total,
                answers=dict(row.answers),
                taken_at=row.taken_at,
                entered_by_role="coordinator" if row.entered_by is not None else "newcomer",
            )
            for row, code in session.execute(
                select(Assessment, Instrument.code)
                .join(Instrument, Instrument.id == Assessment.instrument_id)
                .where(Assessment.newcomer_id == newcomer.id)
                .order_by(Assessment.taken_at, Assessment.id)
            ).all()
        ],
        milestone_notes=[
            MilestoneNoteForNewcomer.model_validate(m)
            for m in session.scalars(
                select(MilestoneMessage)
                .where(MilestoneMessage.newcomer_id == newcomer.id)
                .order_by(MilestoneMessage.id)
            )
        ],
        followup_reminders=[
            ReminderForNewcomer.model_validate(r)
            for r in session.scalars(
                select(FollowupReminder)
                .where(FollowupReminder.newcomer_id == newcomer.id)
                .order_by(FollowupReminder.id)
            )
        ],
        episodes=[
            EpisodeForNewcomer.model_validate(e)
            for e in session.scalars(
                select(Episode).where(Episode.newcomer_id == newcomer.id).order_by(Episode.number)
            )
        ],
        accesses=AccessLog(total=total, items=items),
    )
