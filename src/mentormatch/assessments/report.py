"""The funder's report (issue 19): a program's questionnaires, one row per person per
questionnaire, and their follow-up windows, one row per person per window, with the
program's own identifiers (slug, reference, external id), as CSV or `.xlsx`. Text cells are
neutralised against formulas; the caller audits each download per program."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.assessments import episodes, followups, service
from mentormatch.assessments.models import Assessment, Instrument
from mentormatch.config import Settings
from mentormatch.newcomers.models import Newcomer
from mentormatch.programs.models import Program
from mentormatch.spreadsheets.cells import neutralise
from mentormatch.spreadsheets.files import Sheet

ASSESSMENT_COLUMNS = (
    "Program", "Reference", "External id", "Episode", "Questionnaire", "Taken on", "Total",
    "Entered by", "Language", "Validated wording",
)  # fmt: skip
FOLLOWUP_COLUMNS = (
    "Program", "Reference", "External id", "Episode", "Window", "Opens", "Closes", "Standing",
    "Taken on",
)  # fmt: skip


def sheets(
    session: Session, programs: list[Program], *, today: date, since: date | None,
    until: date | None, settings: Settings,
) -> tuple[Sheet, Sheet]:  # fmt: skip
    """(questionnaires taken from `since` to `until`, windows opening then), oldest first."""
    slugs = {p.id: p.slug for p in programs}
    people = followups.of_programs(
        session, followups.schedules(session, list(slugs), settings), today
    )
    spans = {person.newcomer_id: person.episodes for person in people}
    definitions = {
        row.id: service.definition_of(row)
        for row in session.scalars(select(Instrument).order_by(Instrument.id))
    }
    taken = session.execute(
        select(Newcomer.program_id, Newcomer.reference, Newcomer.external_id, Instrument.code,
               Assessment.taken_at, Assessment.total, Assessment.entered_by,
               Assessment.language, Assessment.instrument_id, Newcomer.id)
        .join(Newcomer, Newcomer.id == Assessment.newcomer_id)
        .join(Instrument, Instrument.id == Assessment.instrument_id)
        .where(Assessment.program_id.in_(list(slugs)))
        .order_by(Assessment.taken_at, Assessment.id)
    ).all()  # fmt: skip
    assessments = [
        [slugs[program_id], reference, neutralise(external or ""),
         episodes.number_on(spans.get(newcomer_id, []), at.date()), code, at.date(), total,
         "coordinator" if entered_by is not None else "newcomer", language,
         "yes" if definitions[instrument].validated_in(language) else "no"]
        for program_id, reference, external, code, at, total, entered_by, language, instrument,
            newcomer_id in taken
        if followups.within(at.date(), since, until)
    ]  # fmt: skip
    windows = [
        [slugs[person.program_id], person.reference, neutralise(person.external_id or ""),
         f.window.episode, f.window.name, f.window.opens, f.window.closes, f.standing.value,
         f.taken_on or ""]
        for person in people
        for f in person.followups
        if followups.within(f.window.opens, since, until)
    ]  # fmt: skip
    return (
        Sheet("Questionnaires", ASSESSMENT_COLUMNS, assessments),
        Sheet("Follow-ups", FOLLOWUP_COLUMNS, windows),
    )
