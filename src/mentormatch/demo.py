"""Seeding a demo database from the synthetic world (BRIEF §6), once.

Two programs with visibly different settings, each with its coordinator: the default one,
renamed "Recovery Partners", suggests only mentors two years or more in recovery; "Puente"
is bilingual (its intake offers Spanish and English, its mentors speak Spanish, its crisis
resources are in Spanish) and starts "a mentor of my own gender" ticked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role, User
from mentormatch.accounts.security import NEWCOMER_TOKEN_PREFIX, hash_password, new_token
from mentormatch.matching import synthetic
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Consent, Newcomer
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, Program, ProgramCoordinator

COORDINATOR_EMAIL = "coordinator@demo.mentormatch.org"
COORDINATOR_PASSWORD = "demo-coordinator-2026"
PUENTE_COORDINATOR_EMAIL = "puente@demo.mentormatch.org"
PUENTE_COORDINATOR_PASSWORD = "demo-puente-2026"
ADMIN_EMAIL = "admin@demo.mentormatch.org"
ADMIN_PASSWORD = "demo-admin-2026"
MENTOR_PASSWORD = "demo-mentor-2026"
CONSENT_SCOPE = [
    "store_profile",
    "redisclosure_notice",
    "share_with_mentor",
    "share_milestones_after_acceptance",
]

PARTNERS_NAME = "Recovery Partners"
PARTNERS_SETTINGS: dict[str, Any] = {"min_recovery_days": 730}
PUENTE_SLUG = "puente"
PUENTE_NAME = "Puente"
PUENTE_SETTINGS: dict[str, Any] = {
    "intake_languages": ["es", "en"],
    "same_gender_default": True,
    "crisis_notice": "Si estás en peligro ahora mismo, llama o envía un texto al 988 (oprime 2 "
    "para español) o llama al 911. Los mentores son voluntarios, no profesionales clínicos.",
    "crisis_resources": [
        {
            "name": "988 Línea de Prevención del Suicidio y Crisis",
            "contact": "Llama o envía un texto al 988 y oprime 2 para español",
            "region": "US",
            "links": [
                {"label": "Llamar al 988", "href": "tel:988"},
                {"label": "Texto al 988", "href": "sms:988"},
            ],
        },
        {
            "name": "Línea Nacional de Ayuda de SAMHSA",
            "contact": "1-800-662-4357, en español y en inglés, gratis y confidencial",
            "region": "US",
            "links": [{"label": "Llamar al 1-800-662-4357", "href": "tel:18006624357"}],
        },
    ],
}
# Every third synthetic person belongs to Puente.
PUENTE_EVERY = 3


def slots(hours: list[int]) -> list[dict[str, int]]:
    """Local hour-of-week indices as day/start/end blocks (the inverse of hours_of_week)."""
    out: list[dict[str, int]] = []
    for hour in sorted(set(hours)):
        day, h = divmod(hour, 24)
        last = out[-1] if out else None
        if last is not None and last["day"] == day and last["end_hour"] == h:
            last["end_hour"] = h + 1
        else:
            out.append({"day": day, "start_hour": h, "end_hour": h + 1})
    return out


def _opt(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def _shared_fields(row: Mapping[Any, Any], today: date) -> dict[str, Any]:
    """Profile fields mentors and newcomers share, from a synthetic frame row."""
    return {
        "first_name": row["first_name"],
        "gender": row["gender"],
        "birth_year": today.year - int(row["age"]),
        "languages": list(row["languages"]),
        "timezone": row["timezone"],
        "availability": slots(list(row["availability"])),
        "substances": list(row["substances"]),
        "meeting_modes": list(row["meeting_modes"]),
        "latitude": _opt(row["latitude"]),
        "longitude": _opt(row["longitude"]),
        "travel_radius_km": _opt(row["travel_radius_km"]),
        "lived_experience": list(row["lived_experience"]),
    }


def mentor_fields(row: Mapping[Any, Any], today: date) -> dict[str, Any]:
    """A mentor's profile columns from a synthetic mentors-frame row (no account)."""
    return {
        **_shared_fields(row, today),
        "phone": f"+1 312 555 01{row['id'] % 100:02d}",
        "mentee_genders": list(row["mentee_genders"]),
        "pathways": list(row["pathways"]),
        "pathways_ruled_out": list(row["pathways_ruled_out"]),
        "medication_affirming": bool(row["medication_affirming"]),
        "interests": row["interests"],
        "recovery_start": min(row["recovery_start"], today),
        "capacity": int(row["capacity"]),
        "active": bool(row["active"]),
    }


def newcomer_fields(row: Mapping[Any, Any], today: date) -> dict[str, Any]:
    """What a newcomer answers on the intake form, from a synthetic newcomers-frame row."""
    recovery = row["recovery_start"]
    return {
        **_shared_fields(row, today),
        "email": f"newcomer{row['id']}@demo.mentormatch.org",
        "preferred_contact": "email",
        "share_contact": row["id"] % 10 < 7,
        "gender_pref": list(row["gender_pref"]),
        "pathways": list(row["pathways"]),
        "medication": row["medication"],
        "wanted_experience": list(row["wanted_experience"]),
        "hopes": row["hopes"],
        "recovery_start": None if recovery is None else min(recovery, today),
    }


def is_seeded(session: Session) -> bool:
    """Whether the database already holds people."""
    return bool(session.scalar(select(func.count()).select_from(Mentor)))


def _programs(session: Session, *, two_programs: bool) -> int | None:
    """Name the default program and give it its rule, and open Puente (its id); or leave
    the installation's one program as it is."""
    if not two_programs:
        return None
    partners = session.get_one(Program, DEFAULT_PROGRAM_ID)
    partners.name = PARTNERS_NAME
    partners.settings = PARTNERS_SETTINGS
    partners.settings_version += 1
    puente = Program(slug=PUENTE_SLUG, name=PUENTE_NAME, settings=PUENTE_SETTINGS)
    session.add(puente)
    session.flush()
    return puente.id


def _coordinator(session: Session, email: str, password: str, program_id: int) -> None:
    user = User(email=email, password_hash=hash_password(password), role=Role.coordinator)
    session.add(user)
    session.flush()
    session.add(ProgramCoordinator(program_id=program_id, user_id=user.id))


def _program_of(row: Mapping[Any, Any], puente_id: int | None) -> int:
    if puente_id is not None and row["id"] % PUENTE_EVERY == 0:
        return puente_id
    return DEFAULT_PROGRAM_ID


def _spanish(languages: list[str], *, only: bool) -> list[str]:
    """Puente's people speak Spanish (some newcomers only Spanish)."""
    return ["es"] if only else list(dict.fromkeys(["es", *languages]))


def seed_demo(
    session: Session,
    *,
    seed: int = 7,
    mentors: int = 100,
    newcomers: int = 300,
    min_age: int = 18,
    two_programs: bool = True,
) -> dict[str, int]:
    """Create an admin, the programs and their coordinators, mentors with accounts and
    waiting newcomers in each; commit (`two_programs=False`: the default program only, as
    an installation of one program, for the load test).

    Rows go in with bulk INSERTs (ids back in parameter order), so a pool of 10k mentors
    seeds in seconds on either back end.
    """
    world = synthetic.generate(seed, mentors=mentors, newcomers=newcomers)
    now = datetime.now(UTC)
    today = now.date()
    shift = now - world.reference
    puente_id = _programs(session, two_programs=two_programs)
    session.add(
        User(email=ADMIN_EMAIL, password_hash=hash_password(ADMIN_PASSWORD), role=Role.admin)
    )
    _coordinator(session, COORDINATOR_EMAIL, COORDINATOR_PASSWORD, DEFAULT_PROGRAM_ID)
    if puente_id is not None:
        _coordinator(session, PUENTE_COORDINATOR_EMAIL, PUENTE_COORDINATOR_PASSWORD, puente_id)
    mentor_rows = world.mentors.to_dict("records")
    mentor_hash = hash_password(MENTOR_PASSWORD)
    user_ids = session.scalars(
        insert(User).returning(User.id, sort_by_parameter_order=True),
        [
            {
                "email": f"mentor{row['id']}@demo.mentormatch.org",
                "password_hash": mentor_hash,
                "role": Role.mentor,
            }
            for row in mentor_rows
        ],
    ).all()
    mentor_values = []
    for user_id, row in zip(user_ids, mentor_rows, strict=True):
        values: dict[str, Any] = {"user_id": user_id, "program_id": _program_of(row, puente_id)}
        values |= mentor_fields(row, today)
        if values["program_id"] == puente_id:
            values["languages"] = _spanish(values["languages"], only=False)
        mentor_values.append(values)
    session.execute(insert(Mentor), mentor_values)
    newcomer_rows = [r for r in world.newcomers.to_dict("records") if int(r["age"]) >= min_age]
    if newcomer_rows:
        newcomer_values = []
        for row in newcomer_rows:
            values = {**newcomer_fields(row, today), "program_id": _program_of(row, puente_id)}
            if values["program_id"] == puente_id:
                values["languages"] = _spanish(values["languages"], only=row["id"] % 2 == 0)
            values["waiting_since"] = min(row["waiting_since"] + shift, now)
            values["status_token_hash"] = new_token(NEWCOMER_TOKEN_PREFIX)[1]
            newcomer_values.append(values)
        newcomer_ids = session.scalars(
            insert(Newcomer).returning(Newcomer.id, sort_by_parameter_order=True),
            newcomer_values,
        ).all()
        session.execute(
            insert(Consent),
            [
                {"newcomer_id": newcomer_id, "scope": CONSENT_SCOPE, "version": "2026-11"}
                for newcomer_id in newcomer_ids
            ],
        )
    session.commit()
    return {"mentors": len(mentor_rows), "newcomers": len(newcomer_rows)}


@dataclass(frozen=True)
class ProgramSignIn:
    """What `mentormatch demo` prints for one program."""

    program: Program
    highlight: str
    coordinator_email: str
    coordinator_password: str
    mentor_email: str | None


def sign_ins(session: Session) -> list[ProgramSignIn]:
    """The demo's open programs, by id, with their coordinator and one of their mentors
    (a mentor's password is `MENTOR_PASSWORD`)."""
    demo = {
        "main": ("mentors two years or more in recovery", COORDINATOR_EMAIL, COORDINATOR_PASSWORD),
        PUENTE_SLUG: (
            "bilingual: Spanish and English",
            PUENTE_COORDINATOR_EMAIL,
            PUENTE_COORDINATOR_PASSWORD,
        ),
    }
    found = []
    for program in session.scalars(select(Program).order_by(Program.id)):
        known = demo.get(program.slug)
        if known is None or program.archived:
            continue
        mentor_email = session.scalar(
            select(User.email)
            .join(Mentor, Mentor.user_id == User.id)
            .where(Mentor.program_id == program.id)
            .order_by(User.id)
        )
        found.append(ProgramSignIn(program, *known, mentor_email))
    return found
