"""Exports of a program's people and pairings, for its coordinators, as tables.

Least disclosure: a spreadsheet leaves the service, so an export holds what running the
program needs and no more. Newcomers: no free-text hopes, no exact location, no counting
ids; pairings: the newcomer by reference, with their first name only when they agreed that
a mentor may see it (the consent `pairings.views` honours), and no transition notes. Each
export is one audited read per record it holds (action `export`), so every newcomer's
accounting of accesses shows it. Every text cell is neutralised against formulas
(`cells.cell`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.errors import NotFound
from mentormatch.i18n import said
from mentormatch.mentors import capacity
from mentormatch.mentors import service as mentors
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Consent, Newcomer
from mentormatch.pairings.models import Pairing, PairingEvent
from mentormatch.pairings.views import REDISCLOSURE_NOTICE, shares_with_mentor
from mentormatch.programs.models import Program
from mentormatch.spreadsheets.cells import cell, slots_text
from mentormatch.spreadsheets.files import Sheet

Kind = Literal["newcomers", "mentors", "pairings"]
KINDS: tuple[Kind, ...] = ("newcomers", "mentors", "pairings")
ENTERED_FOR = "entered by a coordinator on the person's behalf"


def header(field: str) -> str:
    """A column's header: 'first_name' -> 'First name' (imports read either)."""
    return field.replace("_", " ").capitalize()


def programs_for(session: Session, actor: Principal, slug: str | None) -> list[Program]:
    """The programs an export covers: the one named (among the actor's) or all of theirs."""
    mine = list(
        session.scalars(
            select(Program).where(Program.id.in_(sorted(actor.program_ids))).order_by(Program.id)
        )
    )
    if slug is None:
        return mine
    chosen = [p for p in mine if p.slug == slug]
    if not chosen:
        raise NotFound(
            said("program: you coordinate no program called %(slug)s", slug=repr(slug)),
            field="program",
        )
    return chosen


MENTOR_FIELDS = (
    "email", "external_id", "first_name", "phone", "gender", "mentee_genders", "birth_year",
    "languages", "timezone", "availability", "substances", "pathways", "pathways_ruled_out",
    "medication_affirming", "meeting_modes", "latitude", "longitude", "travel_radius_km",
    "lived_experience", "interests", "recovery_start", "capacity", "youth_vetted",
)  # fmt: skip
MENTOR_STATE = ("program", "load", "vetted", "active", "paused", "created_at")


def _mentor_rows(session: Session, ids: list[int], slugs: dict[int, str]) -> list[list[Any]]:
    rows = list(
        session.scalars(select(Mentor).where(Mentor.program_id.in_(ids)).order_by(Mentor.id))
    )
    email = mentors.emails(session, [m.user_id for m in rows])
    load = capacity.loads(session, [m.id for m in rows])
    out = []
    for m in rows:
        values: dict[str, Any] = {f: getattr(m, f) for f in MENTOR_FIELDS if hasattr(m, f)}
        values |= {"email": email.get(m.user_id), "availability": slots_text(m.availability)}
        values |= {"program": slugs[m.program_id], "load": load.get(m.id, 0)}
        values |= {f: getattr(m, f) for f in ("vetted", "active", "paused", "created_at")}
        out.append((m.id, [cell(values[f]) for f in (*MENTOR_FIELDS, *MENTOR_STATE)]))
    return out  # type: ignore[return-value]


NEWCOMER_FIELDS = (
    "reference", "external_id", "program", "status", "urgent", "waiting_since", "first_name",
    "email", "phone", "preferred_contact", "share_contact", "shares_with_mentor", "gender",
    "gender_pref", "birth_year", "languages", "timezone", "availability", "substances",
    "pathways", "medication", "meeting_modes", "lived_experience", "wanted_experience",
    "recovery_start", "consent", "created_at",
)  # fmt: skip


def consent_words(consents: Sequence[Consent]) -> str:
    """How the newcomer's latest consent was given, in words."""
    if not consents:
        return ""
    latest = consents[-1]
    how = ENTERED_FOR if latest.on_behalf else "given by the person"
    return f"{how}, notice {latest.version}, {latest.agreed_at:%Y-%m-%d}"


def _newcomer_rows(session: Session, ids: list[int], slugs: dict[int, str]) -> list[Any]:
    query = (
        select(Newcomer)
        .where(Newcomer.program_id.in_(ids))
        .options(selectinload(Newcomer.consents))
        .order_by(Newcomer.id)
    )
    out = []
    for n in session.scalars(query):
        values: dict[str, Any] = {f: getattr(n, f, None) for f in NEWCOMER_FIELDS}
        values |= {
            "program": slugs[n.program_id],
            "status": n.status.value,
            "availability": slots_text(n.availability),
            "shares_with_mentor": shares_with_mentor(n),
            "consent": consent_words(n.consents),
        }
        out.append((n.id, [cell(values[f]) for f in NEWCOMER_FIELDS]))
    return out


PAIRING_FIELDS = (
    "reference", "program", "status", "newcomer", "newcomer_first_name", "mentor_first_name",
    "mentor_email", "created_at", "updated_at", "history",
)  # fmt: skip
HISTORY_FIELDS = ("pairing", "at", "from_status", "to_status", "by_role", "reason")


def _pairing_rows(
    session: Session, ids: list[int], slugs: dict[int, str]
) -> tuple[list[Any], list[list[Any]]]:
    pairings = list(
        session.scalars(select(Pairing).where(Pairing.program_id.in_(ids)).order_by(Pairing.id))
    )
    events: dict[int, list[PairingEvent]] = defaultdict(list)
    for event in session.scalars(
        select(PairingEvent)
        .where(PairingEvent.pairing_id.in_([p.id for p in pairings]))
        .order_by(PairingEvent.id)
    ):
        events[event.pairing_id].append(event)
    newcomers = {
        n.id: n
        for n in session.scalars(
            select(Newcomer)
            .where(Newcomer.id.in_({p.newcomer_id for p in pairings}))
            .options(selectinload(Newcomer.consents))
        )
    }
    people = {m.id: m for m in session.scalars(select(Mentor).where(Mentor.program_id.in_(ids)))}
    email = mentors.emails(session, [m.user_id for m in people.values()])
    rows, history = [], []
    for p in pairings:
        newcomer, mentor = newcomers[p.newcomer_id], people[p.mentor_id]
        moves = [
            f"{e.at:%Y-%m-%d %H:%M} {e.from_status or 'new'} → {e.to_status} "
            f"({e.actor_role}: {e.reason})"
            for e in events[p.id]
        ]
        values = {
            "reference": p.reference,
            "program": slugs[p.program_id],
            "status": p.status.value,
            "newcomer": newcomer.reference,
            "newcomer_first_name": newcomer.first_name if shares_with_mentor(newcomer) else "",
            "mentor_first_name": mentor.first_name,
            "mentor_email": email.get(mentor.user_id),
            "created_at": p.created_at,
            "updated_at": p.updated_at,
            "history": "; ".join(moves),
        }
        rows.append((p.id, [cell(values[f]) for f in PAIRING_FIELDS]))
        history += [
            [
                cell(v)
                for v in (p.reference, e.at, e.from_status, e.to_status, e.actor_role, e.reason)
            ]
            for e in events[p.id]
        ]
    return rows, history


OBJECT_TYPE: dict[Kind, str] = {"newcomers": "newcomer", "mentors": "mentor", "pairings": "pairing"}
_BUILDERS: dict[str, tuple[tuple[str, ...], Callable[..., Any]]] = {
    "newcomers": (NEWCOMER_FIELDS, _newcomer_rows),
    "mentors": ((*MENTOR_FIELDS, *MENTOR_STATE), _mentor_rows),
}


def export(
    session: Session, *, actor: Principal, kind: Kind, program: str | None, client: str | None
) -> list[Sheet]:
    """The tables of one export (the first is the CSV), audited as one read per record."""
    chosen = programs_for(session, actor, program)
    ids, slugs = [p.id for p in chosen], {p.id: p.slug for p in chosen}
    extra: list[Sheet] = []
    if kind == "pairings":
        rows, history = _pairing_rows(session, ids, slugs)
        fields: tuple[str, ...] = PAIRING_FIELDS
        extra.append(Sheet("History", [header(f) for f in HISTORY_FIELDS], history))
    else:
        fields, build = _BUILDERS[kind]
        rows = build(session, ids, slugs)
    audit.record_read(
        session,
        actor=actor,
        action="export",
        object_type=OBJECT_TYPE[kind],
        object_ids=[row_id for row_id, _ in rows],
        client=client,
    )
    notice = Sheet("Notice", ["Notice"], [[REDISCLOSURE_NOTICE]])
    main = Sheet(kind.capitalize(), [header(f) for f in fields], [values for _, values in rows])
    return [main, *extra, notice]
