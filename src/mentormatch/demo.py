"""Seeding a demo database from the synthetic world (BRIEF §6), once."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import Role, User
from mentormatch.accounts.security import NEWCOMER_TOKEN_PREFIX, hash_password, new_token
from mentormatch.matching import synthetic
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Consent, Newcomer
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, ProgramCoordinator

COORDINATOR_EMAIL = "coordinator@demo.mentormatch.org"
COORDINATOR_PASSWORD = "demo-coordinator-2026"
ADMIN_EMAIL = "admin@demo.mentormatch.org"
ADMIN_PASSWORD = "demo-admin-2026"
MENTOR_PASSWORD = "demo-mentor-2026"
CONSENT_SCOPE = ["store_profile", "redisclosure_notice", "share_with_mentor"]


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
        "phone": f"+1 555 01{row['id'] % 100:02d}",
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
        "pathway": _opt(row["pathway"]),
        "medication": row["medication"],
        "wanted_experience": list(row["wanted_experience"]),
        "hopes": row["hopes"],
        "recovery_start": None if recovery is None else min(recovery, today),
    }


def is_seeded(session: Session) -> bool:
    """Whether the database already holds people."""
    return bool(session.scalar(select(func.count()).select_from(Mentor)))


def seed_demo(
    session: Session, *, seed: int = 7, mentors: int = 100, newcomers: int = 300, min_age: int = 18
) -> dict[str, int]:
    """Create an admin, a coordinator, mentors with accounts and waiting newcomers; commit.

    Rows go in with bulk INSERTs (ids back in parameter order), so a pool of 10k mentors
    seeds in seconds on either back end.
    """
    world = synthetic.generate(seed, mentors=mentors, newcomers=newcomers)
    now = datetime.now(UTC)
    today = now.date()
    shift = now - world.reference
    session.add_all(
        [
            User(email=ADMIN_EMAIL, password_hash=hash_password(ADMIN_PASSWORD), role=Role.admin),
            User(
                email=COORDINATOR_EMAIL,
                password_hash=hash_password(COORDINATOR_PASSWORD),
                role=Role.coordinator,
            ),
        ]
    )
    session.flush()
    coordinator = session.scalars(select(User.id).where(User.email == COORDINATOR_EMAIL)).one()
    session.add(ProgramCoordinator(program_id=DEFAULT_PROGRAM_ID, user_id=coordinator))
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
    session.execute(
        insert(Mentor),
        [
            {"user_id": user_id, "program_id": DEFAULT_PROGRAM_ID, **mentor_fields(row, today)}
            for user_id, row in zip(user_ids, mentor_rows, strict=True)
        ],
    )
    newcomer_rows = [r for r in world.newcomers.to_dict("records") if int(r["age"]) >= min_age]
    if newcomer_rows:
        newcomer_ids = session.scalars(
            insert(Newcomer).returning(Newcomer.id, sort_by_parameter_order=True),
            [
                {
                    **newcomer_fields(row, today),
                    "program_id": DEFAULT_PROGRAM_ID,
                    "waiting_since": min(row["waiting_since"] + shift, now),
                    "status_token_hash": new_token(NEWCOMER_TOKEN_PREFIX)[1],
                }
                for row in newcomer_rows
            ],
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
