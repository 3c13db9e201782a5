"""Mentor rules: a coordinator registers vetted mentors; mentors keep their own profile."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, func, or_, select
from sqlalchemy.orm import Session

from mentormatch import error_words
from mentormatch.accounts import service as accounts
from mentormatch.accounts.models import Role, User
from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.errors import Conflict, Invalid, NotFound
from mentormatch.i18n import N_, said
from mentormatch.mentors import capacity
from mentormatch.mentors.models import Mentor
from mentormatch.mentors.schemas import (
    MentorCreate,
    MentorFilters,
    MentorSelfUpdate,
    MentorUpdate,
)
from mentormatch.profiles import age_in, check_location
from mentormatch.programs import scope
from mentormatch.programs import service as programs
from mentormatch.programs import settings as program_settings

OBJECT = "mentor"


def emails(session: Session, user_ids: list[int]) -> dict[int, str]:
    """Account email per user id."""
    rows = session.execute(select(User.id, User.email).where(User.id.in_(user_ids)))
    return {user_id: email for user_id, email in rows}


def check_program_rules(body: MentorCreate, rules: program_settings.ProgramSettings) -> None:
    """The rules of the mentor's program (`rules`: its settings in force): age, capacity cap."""
    if age_in(body.birth_year) < rules.min_age:
        raise Invalid(
            said("birth_year: mentors must be at least %(min_age)s", min_age=rules.min_age),
            field="birth_year",
        )
    capacity.check_cap(body.capacity, rules.capacity_cap)


def create_mentor(
    session: Session, *, actor: Principal, body: MentorCreate, settings: Settings
) -> tuple[Mentor, str, datetime]:
    """Register a vetted mentor and their account, and invite them to set their password.

    Kept to the fewest statements (issue 13: 1,000 in under 30 s): the account, the
    profile, the invitation's token and its outbox message, the audit row; no hashing.
    """
    program = programs.for_new_mentor(session, actor, body.program)
    check_program_rules(body, program_settings.effective(program, settings))
    user = accounts.create_user(session, email=body.email, password=None, role=Role.mentor)
    fields = body.model_dump(exclude={"email", "program"}, mode="json")
    fields["recovery_start"] = body.recovery_start
    mentor = Mentor(**fields, user_id=user.id, program_id=program.id)
    session.add(mentor)
    session.flush()
    expires_at = accounts.invite(session, user=user, settings=settings)
    audit.record(session, actor=actor, action="create", object_type=OBJECT, object_id=mentor.id)
    session.commit()
    return mentor, user.email, expires_at


def get_mentor(session: Session, *, actor: Principal, mentor_id: int) -> Mentor:
    """One mentor's profile (audited)."""
    mentor = session.get(Mentor, mentor_id)
    if mentor is None:
        raise NotFound(N_("no such mentor"))
    scope.ensure_visible(actor, mentor.program_id, N_("no such mentor"))
    audit.record_read(session, actor=actor, action="read", object_type=OBJECT, object_id=mentor_id)
    return mentor


def _lists(column: Any, code: str) -> ColumnElement[bool]:
    """Whether a JSON list of vocabulary codes holds `code` (its text holds `"code"`: codes
    have no quotes), alike on SQLite's JSON text and PostgreSQL's JSONB."""
    return cast(column, String).contains(f'"{code}"', autoescape=True)


def _digits(column: Any) -> Any:
    """A phone column without the separators people type: only its digits (and a '+')."""
    for mark in (" ", "-", "(", ")", ".", "+"):
        column = func.replace(column, mark, "")
    return column


STATES: dict[str, Any] = {
    "taking": capacity.taking_requests,
    "paused": lambda: (Mentor.active.is_(True)) & Mentor.paused.is_(True),
    "retired": lambda: Mentor.active.is_(False),
    "not_vetted": lambda: (Mentor.active.is_(True)) & Mentor.vetted.is_(False),
}
ORDERS: dict[str, Any] = {
    "name": lambda: (func.lower(Mentor.first_name), Mentor.id),
    "newest": lambda: (Mentor.id.desc(),),
    "free": lambda: (
        capacity.free_places_column().desc(),
        func.lower(Mentor.first_name),
        Mentor.id,
    ),
}


def matching(actor: Principal, filters: MentorFilters) -> Select[Any]:
    """The ids of the actor's programs' mentors that `filters` finds, in its order: the one
    query behind the coordinator's mentor list, page and API alike."""
    query = select(Mentor.id).where(scope.where(actor, Mentor.program_id))
    if filters.q:
        words = filters.q.lower()
        found = [
            func.lower(Mentor.first_name).contains(words, autoescape=True),
            Mentor.user_id.in_(
                select(User.id).where(func.lower(User.email).contains(words, autoescape=True))
            ),
        ]
        typed = "".join(ch for ch in filters.q if ch.isascii() and ch.isdigit())
        if len(typed) >= 3 and len(typed) * 2 >= len(filters.q.replace(" ", "")):
            found.append(_digits(Mentor.phone).contains(typed, autoescape=True))
        query = query.where(or_(*found))
    if filters.free is not None:
        room = capacity.has_room(
            takes=capacity.taking_requests(),
            load=capacity.load_column(),
            capacity=Mentor.capacity,
        )
        query = query.where(room if filters.free else ~room)
    for column, code in (
        (Mentor.languages, filters.language),
        (Mentor.pathways, filters.pathway),
        (Mentor.substances, filters.substance),
    ):
        if code is not None:
            query = query.where(_lists(column, code))
    if filters.status is not None:
        query = query.where(STATES[filters.status]())
    return query.order_by(*ORDERS[filters.sort]())


def list_mentors(
    session: Session,
    *,
    actor: Principal,
    filters: MentorFilters | None = None,
    limit: int,
    offset: int,
) -> tuple[list[Mentor], int]:
    """A page of the actor's programs' mentors that `filters` finds, with their true total."""
    query = matching(actor, filters or MentorFilters())
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    ids = list(session.scalars(query.limit(limit).offset(offset)))
    by_id = {m.id: m for m in session.scalars(select(Mentor).where(Mentor.id.in_(ids)))}
    rows = [by_id[i] for i in ids if i in by_id]
    audit.record_read(session, actor=actor, action="list", object_type=OBJECT)
    return rows, total


def _leaving(mentor: Mentor | None, body: MentorUpdate | MentorSelfUpdate) -> str | None:
    """Why this update takes a mentor out of the pool (paused, retired, no longer vetted)."""
    if mentor is None:
        return None
    if body.paused is True and not mentor.paused:
        return "paused"
    if isinstance(body, MentorUpdate) and body.active is False and mentor.active:
        return "retired"
    if isinstance(body, MentorUpdate) and body.vetted is False and mentor.vetted:
        return "is no longer vetted"
    return None


def update_mentor(
    session: Session,
    *,
    actor: Principal,
    mentor_id: int,
    body: MentorUpdate | MentorSelfUpdate,
    settings: Settings,
) -> Mentor:
    """Apply a partial update under the mentor's lock; 409 when `version` is stale or capacity
    would go below the current load. A mentor who pauses, is retired (`active: false`) or
    is no longer vetted leaves their pairings first (`pairings.ending.mentor_left`), in the
    same transaction."""
    found = session.get(Mentor, mentor_id)
    if found is None or scope.hidden(actor, found.program_id):
        raise NotFound(N_("no such mentor"))
    why = _leaving(found, body)
    if why is not None:
        from mentormatch.pairings import ending  # pairings builds on mentors: import late

        ending.mentor_left(session, actor=actor, mentor_id=mentor_id, why=why)
    mentor = capacity.lock(session, mentor_id)
    if body.version is not None and body.version != mentor.version:
        raise Conflict(
            said(
                "this profile changed since you read it (now version %(version)s); "
                "reload and try again",
                version=mentor.version,
            ),
            field="version",
        )
    changes: dict[str, Any] = body.model_dump(exclude_unset=True, exclude={"version"}, mode="json")
    if "recovery_start" in changes and isinstance(body, MentorUpdate):
        changes["recovery_start"] = body.recovery_start
    nulls = [
        k
        for k, value in changes.items()
        if value is None and k not in ("phone", "latitude", "longitude", "travel_radius_km")
    ]
    if nulls:
        raise Invalid(said("%(nulls)s: cannot be empty", nulls=nulls[0]), field=nulls[0])
    if "capacity" in changes:
        rules = program_settings.of_program(session, mentor.program_id, settings)
        capacity.check_cap(changes["capacity"], rules.capacity_cap)
        capacity.check_new_capacity(session, mentor, changes["capacity"])
    for name, value in changes.items():
        setattr(mentor, name, value)
    try:
        check_location(
            mentor.meeting_modes, mentor.latitude, mentor.longitude, mentor.travel_radius_km
        )
    except ValueError as exc:
        raise Invalid(error_words.reason(exc), field="meeting_modes") from exc
    if set(mentor.pathways) & set(mentor.pathways_ruled_out):
        raise Invalid(N_("pathways_ruled_out overlaps pathways"), field="pathways_ruled_out")
    audit.record(session, actor=actor, action="update", object_type=OBJECT, object_id=mentor_id)
    session.commit()
    return mentor
