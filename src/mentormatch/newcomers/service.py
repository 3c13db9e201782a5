"""Newcomer rules: intake with consent and crisis routing, self-service, the coordinator queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only, selectinload

from mentormatch import error_words
from mentormatch.accounts.models import Role
from mentormatch.accounts.principal import Principal
from mentormatch.accounts.security import NEWCOMER_TOKEN_PREFIX, new_token
from mentormatch.assessments import episodes
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.db import utcnow
from mentormatch.errors import Conflict, Invalid, NotFound
from mentormatch.i18n import N_, said
from mentormatch.newcomers import accounting, erasure, export, minimal, pathways, search, urgent
from mentormatch.newcomers.export_schemas import NewcomerExport
from mentormatch.newcomers.minimal import check_consent_version, consent_scope
from mentormatch.newcomers.models import Consent, Newcomer, NewcomerStatus
from mentormatch.newcomers.schemas import (
    Access,
    NewcomerCoordinatorUpdate,
    NewcomerIntake,
    NewcomerUpdate,
    UrgentIntake,
)
from mentormatch.newcomers.search import NewcomerFilters
from mentormatch.profiles import OLDEST_AGE, age_in, check_location
from mentormatch.programs import scope
from mentormatch.programs import service as programs
from mentormatch.programs.models import Program
from mentormatch.programs.settings import ProgramSettings, effective

OBJECT = "newcomer"
# The answers a newcomer may clear with null; every other field cannot be empty.
CLEARABLE = frozenset(
    {
        "email",
        "phone",
        "preferred_contact",
        "pathway",
        "latitude",
        "longitude",
        "travel_radius_km",
        "recovery_start",
    }
)


def check_program_rules(*, birth_year: int, rules: ProgramSettings) -> None:
    """The age the newcomer's program serves (`rules`: its settings in force)."""
    age = age_in(birth_year)
    if age > OLDEST_AGE:
        raise Invalid(N_("birth_year: please check the year you were born"), field="birth_year")
    if age < rules.min_age and not rules.serves_youth:
        raise Invalid(
            said(
                "birth_year: this program serves people aged %(min_age)s and over",
                min_age=rules.min_age,
            ),
            field="birth_year",
        )


def program_of(
    session: Session, newcomer: Newcomer, settings: Settings
) -> tuple[Program, ProgramSettings]:
    """The newcomer's program and its settings in force."""
    program = session.get_one(Program, newcomer.program_id)
    return program, effective(program, settings)


def own_program(
    session: Session, *, principal: Principal, settings: Settings
) -> tuple[Program, ProgramSettings]:
    """The signed-in newcomer's program and its settings (not an access to their record)."""
    program_id = session.scalar(
        select(Newcomer.program_id).where(Newcomer.id == principal.newcomer_id)
    )
    if program_id is None:
        raise NotFound(N_("no such newcomer"))
    program = session.get_one(Program, program_id)
    return program, effective(program, settings)


def store_new(
    session: Session, newcomer: Newcomer, *, settings: Settings, client: str | None
) -> str:
    """Store a new newcomer (audited; when urgent, flagged and every active coordinator
    alerted in the same transaction); returns the status token."""
    token, digest = new_token(NEWCOMER_TOKEN_PREFIX)
    newcomer.status_token_hash = digest
    session.add(newcomer)
    session.flush()
    actor = Principal(
        role=Role.newcomer, newcomer_id=newcomer.id, program_ids=frozenset((newcomer.program_id,))
    )
    actions = ["create", "flag_urgent"] if newcomer.urgent else ["create"]
    for action in actions:
        audit.record(
            session,
            actor=actor,
            action=action,
            object_type=OBJECT,
            object_id=newcomer.id,
            client=client,
        )
    if newcomer.urgent:
        urgent.alert_coordinators(session, newcomer=newcomer, settings=settings)
    session.commit()
    return token


def intake(
    session: Session,
    *,
    body: NewcomerIntake,
    settings: Settings,
    client: str | None = None,
    language: str = "en",
) -> tuple[Newcomer, str]:
    """Record a new newcomer, who reads the service in `language`; returns the record and
    their private status token (once)."""
    program = programs.for_intake(session, body.program)
    check_program_rules(birth_year=body.birth_year, rules=effective(program, settings))
    check_consent_version(body.consent, settings)
    fields = body.model_dump(exclude={"in_crisis", "consent", "program"}, mode="json")
    fields["recovery_start"] = body.recovery_start
    pathways.fold(fields, sent=body.model_fields_set, current=[])
    newcomer = Newcomer(
        **fields, program_id=program.id, urgent=body.in_crisis, interface_language=language
    )
    scope = consent_scope(body.consent, share_contact=body.share_contact)
    newcomer.consents.append(Consent(scope=scope, version=body.consent.version))
    return newcomer, store_new(session, newcomer, settings=settings, client=client)


def urgent_intake(
    session: Session,
    *,
    body: UrgentIntake,
    settings: Settings,
    client: str | None = None,
    language: str = "en",
) -> tuple[Newcomer, str]:
    """A minimal urgent request: flagged urgent at once, never matched until completed.
    Sending it is consent to be contacted urgently (recorded as such)."""
    program = programs.for_intake(session, body.program)
    newcomer = Newcomer(
        **body.model_dump(exclude={"program"}, mode="json"),
        program_id=program.id,
        **minimal.EMPTY_ANSWERS,
        urgent=True,
        minimal=True,
        interface_language=language,
    )
    newcomer.consents.append(
        Consent(scope=[minimal.URGENT_CONTACT], version=settings.consent_version)
    )
    return newcomer, store_new(session, newcomer, settings=settings, client=client)


def crisis_payload(rules: ProgramSettings) -> dict[str, Any]:
    """The crisis resources shown at once to a newcomer who reports being in danger: those
    of their program (`rules`: its settings in force)."""
    return {
        "crisis_resources": [r.model_dump() for r in rules.crisis_resources],
        "crisis_notice": rules.crisis_notice,
    }


def _load(session: Session, newcomer_id: int) -> Newcomer:
    newcomer = session.get(Newcomer, newcomer_id, options=[selectinload(Newcomer.consents)])
    if newcomer is None:
        raise NotFound(N_("no such newcomer"))
    return newcomer


def get_own(session: Session, *, principal: Principal) -> Newcomer:
    """The newcomer's own record (audited as a read)."""
    assert principal.newcomer_id is not None
    newcomer = _load(session, principal.newcomer_id)
    audit.record_read(
        session, actor=principal, action="read", object_type=OBJECT, object_id=newcomer.id
    )
    return newcomer


def _apply(newcomer: Newcomer, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        setattr(newcomer, name, value)
    check_location(
        newcomer.meeting_modes, newcomer.latitude, newcomer.longitude, newcomer.travel_radius_km
    )


def update_own(
    session: Session, *, principal: Principal, body: NewcomerUpdate, settings: Settings
) -> Newcomer:
    """Correct one's own answers; fields not sent stay as they were. A minimal urgent
    request is completed by sending every required answer with the consent."""
    newcomer = get_own(session, principal=principal)
    changes = body.model_dump(exclude_unset=True, exclude={"consent"}, mode="json")
    if "recovery_start" in changes:
        changes["recovery_start"] = body.recovery_start
    nulls = [k for k, value in changes.items() if value is None and k not in CLEARABLE]
    if nulls:
        raise Invalid(said("%(nulls)s: cannot be empty", nulls=nulls[0]), field=nulls[0])
    pathways.fold(changes, sent=set(changes), current=newcomer.pathways)
    completing = minimal.check_completion(newcomer, changes, body.consent, settings=settings)
    if "birth_year" in changes:
        _, rules = program_of(session, newcomer, settings)
        check_program_rules(birth_year=changes["birth_year"], rules=rules)
    try:
        _apply(newcomer, changes)
    except ValueError as exc:
        raise Invalid(error_words.reason(exc), field="meeting_modes") from exc
    action = "update"
    if completing is not None:
        minimal.complete(newcomer, completing)
        action = "complete_intake"
    audit.record(session, actor=principal, action=action, object_type=OBJECT, object_id=newcomer.id)
    session.commit()
    return newcomer


def erase_own(session: Session, *, principal: Principal) -> None:
    """Withdraw: erase the newcomer's record, everything attached, and their audit links."""
    newcomer = _load(session, principal.newcomer_id or 0)
    erasure.erase(session, newcomer=newcomer, actor=principal)
    session.commit()


def export_own(session: Session, *, principal: Principal) -> NewcomerExport:
    """Everything held about the newcomer, for download (the export itself is accounted)."""
    newcomer = _load(session, principal.newcomer_id or 0)
    audit.record_read(
        session, actor=principal, action="export", object_type=OBJECT, object_id=newcomer.id
    )
    return export.build(session, newcomer=newcomer)


def accesses_own(
    session: Session, *, principal: Principal, as_of: datetime | None, limit: int, offset: int
) -> tuple[list[Access], int, datetime]:
    """A page of who read or changed the newcomer's record up to `as_of` (default: now,
    this read included), newest first, with the total and the `as_of` used."""
    newcomer = _load(session, principal.newcomer_id or 0)
    audit.record_read(
        session, actor=principal, action="accesses", object_type=OBJECT, object_id=newcomer.id
    )
    as_of = as_of or utcnow()
    rows, total = accounting.accesses(
        session, newcomer=newcomer, as_of=as_of, limit=limit, offset=offset
    )
    return rows, total, as_of


# What a queue row shows (the API's NewcomerListItem, the coordinator's queue page): the
# page loads these columns only, not every answer (JSON lists, hopes…) of 50 newcomers.
LIST_FIELDS = (
    Newcomer.id,
    Newcomer.program_id,
    Newcomer.reference,
    Newcomer.first_name,
    Newcomer.status,
    Newcomer.urgent,
    Newcomer.waiting_since,
    Newcomer.substances,
    Newcomer.languages,
    Newcomer.pathways,
)


def list_newcomers(
    session: Session,
    *,
    actor: Principal,
    chosen: NewcomerFilters,
    now: datetime,
    reference: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[Newcomer], int]:
    """A page of the newcomers of the coordinator's programs that `chosen` finds, in its
    order, and how many it finds in all (a search is audited as one, a list as the other)."""
    query = select(Newcomer).where(
        scope.where(actor, Newcomer.program_id), *search.conditions(chosen, now=now)
    )
    if reference is not None:
        query = query.where(Newcomer.reference == reference)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    # Order the page's ids, then load those rows: sorting whole rows (JSON columns and
    # all) for every page cost the load test's coordinators 2-3x the time.
    page = query.with_only_columns(Newcomer.id).order_by(*search.order(chosen.sort))
    ids = list(session.scalars(page.limit(limit).offset(offset)))
    rows_query = select(Newcomer).options(load_only(*LIST_FIELDS)).where(Newcomer.id.in_(ids))
    by_id = {n.id: n for n in session.scalars(rows_query)}
    rows = [by_id[i] for i in ids if i in by_id]  # one erased in between is simply gone
    action = "search" if chosen.q or reference else "list"
    audit.record_read(session, actor=actor, action=action, object_type=OBJECT)
    return rows, total


def load_for(session: Session, actor: Principal, newcomer_id: int) -> Newcomer:
    """A newcomer of the coordinator's programs (404 like a missing one otherwise)."""
    newcomer = _load(session, newcomer_id)
    scope.ensure_visible(actor, newcomer.program_id, N_("no such newcomer"))
    return newcomer


def status_of(session: Session, *, actor: Principal, newcomer_id: int) -> NewcomerStatus:
    """Where a newcomer of the actor's programs stands (404 for anyone else's)."""
    return load_for(session, actor, newcomer_id).status


def get_for_coordinator(session: Session, *, actor: Principal, newcomer_id: int) -> Newcomer:
    """One newcomer's full record (audited)."""
    newcomer = load_for(session, actor, newcomer_id)
    audit.record_read(
        session, actor=actor, action="read", object_type=OBJECT, object_id=newcomer_id
    )
    return newcomer


def update_by_coordinator(
    session: Session,
    *,
    actor: Principal,
    newcomer_id: int,
    body: NewcomerCoordinatorUpdate,
    settings: Settings,
    now: datetime,
) -> Newcomer:
    """Change urgency or close/reopen; refused with 409 if someone else changed it first.
    A change opening an urgent case alerts the program's coordinators, as a crisis intake.
    Marking a newcomer urgent opens a new case from `now`, even after a handled one: the
    attempts of the earlier case do not handle it. Reopening a closed request starts a new
    episode of care (assessments/episodes.py): the newcomer waits from `now`, and their
    follow-ups restart with a new baseline."""
    newcomer = load_for(session, actor, newcomer_id)
    if newcomer.version != body.version:
        raise Conflict(
            said(
                "this record changed since you read it (now version %(version)s); reload "
                "and try again",
                version=newcomer.version,
            ),
            field="version",
        )
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    nulls = [k for k, value in changes.items() if value is None]
    if nulls:
        raise Invalid(said("%(nulls)s: cannot be empty", nulls=nulls[0]), field=nulls[0])
    if "status" in changes and newcomer.status in (NewcomerStatus.pending, NewcomerStatus.paired):
        raise Conflict(
            said("newcomer is %(status)s; end the pairing first", status=newcomer.status),
            field="status",
        )
    was_open = urgent.case_open(session, newcomer_id)
    flagged = changes.get("urgent") is True and not newcomer.urgent
    if changes.get("status") == "waiting" and newcomer.status is NewcomerStatus.closed:
        episodes.start(session, actor=actor, newcomer=newcomer, now=now)
        newcomer.waiting_since = now
    for name, value in changes.items():
        setattr(newcomer, name, NewcomerStatus(value) if name == "status" else value)
    audit.record(session, actor=actor, action="update", object_type=OBJECT, object_id=newcomer_id)
    if flagged:
        audit.record(
            session, actor=actor, action="flag_urgent", object_type=OBJECT, object_id=newcomer_id
        )
    if flagged:
        urgent.start_case(session, newcomer=newcomer, now=now)
    urgent.alert_if_opened(session, newcomer=newcomer, was_open=was_open, settings=settings)
    session.commit()
    return newcomer
