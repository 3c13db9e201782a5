"""Reading profiles from the database into the ranker's DataFrame contract (see frames.py)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Row, bindparam, select, union_all
from sqlalchemy.orm import Session

from mentormatch.matching import frames as F
from mentormatch.mentors.capacity import takes_requests
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.minimal import ensure_matchable
from mentormatch.newcomers.models import DoNotPair, Newcomer
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.profiles import age_in, hours_of_week

# A pairing that went nowhere with this mentor: do not suggest them again.
EXCLUDING = (
    PairingStatus.rejected,
    PairingStatus.declined,
    PairingStatus.expired,
    PairingStatus.ended,
)


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _age(birth_year: int | None) -> int:
    if birth_year is None:  # minimal urgent requests never reach the ranker
        raise ValueError("a minimal urgent request has no answers to match on")
    return age_in(birth_year)


def _shared_columns(
    people: Sequence[Mentor] | Sequence[Newcomer] | Sequence[Row[Any]],
) -> dict[str, list[Any]]:
    """The columns mentors and newcomers share in the ranker's frames."""
    return {
        "id": [p.id for p in people],
        "first_name": [p.first_name for p in people],
        "gender": [p.gender for p in people],
        "age": [_age(p.birth_year) for p in people],
        "languages": [p.languages for p in people],
        "timezone": [p.timezone for p in people],
        "availability": [hours_of_week(p.availability) for p in people],
        "substances": [p.substances for p in people],
        "meeting_modes": [p.meeting_modes for p in people],
        "latitude": [_nan(p.latitude) for p in people],
        "longitude": [_nan(p.longitude) for p in people],
        "travel_radius_km": [_nan(p.travel_radius_km) for p in people],
        "lived_experience": [p.lived_experience for p in people],
        "recovery_start": [p.recovery_start for p in people],
    }


def _in_order(columns: dict[str, list[Any]], order: tuple[str, ...]) -> pd.DataFrame:
    """A frame with the contract's column order, which the ranker's check then just copies."""
    return pd.DataFrame({name: columns[name] for name in order})


def mentor_frame(mentors: Sequence[Mentor], loads: dict[int, int]) -> pd.DataFrame:
    """Mentors as the ranker's mentors frame."""
    return _in_order(
        {
            **_shared_columns(mentors),
            "mentee_genders": [m.mentee_genders for m in mentors],
            "pathways": [m.pathways for m in mentors],
            "pathways_ruled_out": [m.pathways_ruled_out for m in mentors],
            "medication_affirming": [m.medication_affirming for m in mentors],
            "interests": [m.interests for m in mentors],
            "capacity": [m.capacity for m in mentors],
            "load": [loads.get(m.id, 0) for m in mentors],
            "active": [
                takes_requests(active=m.active, vetted=m.vetted, paused=m.paused) for m in mentors
            ],
            "youth_vetted": [m.youth_vetted for m in mentors],
        },
        F.MENTOR_COLUMNS,
    )


# Built once with the ids as an expanding parameter: building the statement anew on every
# suggestion cost more than running it.
_EXCLUSIONS = union_all(
    select(DoNotPair.newcomer_id, DoNotPair.mentor_id).where(
        DoNotPair.newcomer_id.in_(bindparam("ids", expanding=True))
    ),
    select(Pairing.newcomer_id, Pairing.mentor_id).where(
        Pairing.newcomer_id.in_(bindparam("ids", expanding=True)), Pairing.status.in_(EXCLUDING)
    ),
)


def exclusions(session: Session, newcomer_ids: Sequence[int]) -> dict[int, list[int]]:
    """Mentors each newcomer must not be offered: do-not-pair entries and past refusals."""
    excluded: dict[int, set[int]] = defaultdict(set)
    for newcomer_id, mentor_id in session.execute(_EXCLUSIONS, {"ids": list(newcomer_ids)}):
        excluded[newcomer_id].add(mentor_id)
    return {k: sorted(v) for k, v in excluded.items()}


def _newcomer_columns(
    newcomers: Sequence[Newcomer] | Sequence[Row[Any]], excluded: dict[int, list[int]]
) -> dict[str, list[Any]]:
    return {
        **_shared_columns(newcomers),
        "gender_pref": [n.gender_pref for n in newcomers],
        "pathways": [n.pathways for n in newcomers],
        "medication": [n.medication for n in newcomers],
        "wanted_experience": [n.wanted_experience for n in newcomers],
        "hopes": [n.hopes for n in newcomers],
        "waiting_since": [n.waiting_since for n in newcomers],
        "excluded_mentor_ids": [excluded.get(n.id, []) for n in newcomers],
    }


def newcomer_frame(session: Session, newcomers: Sequence[Newcomer]) -> pd.DataFrame:
    """Newcomers as the ranker's newcomers frame, with their hard exclusions."""
    excluded = exclusions(session, [n.id for n in newcomers])
    return _in_order(_newcomer_columns(newcomers, excluded), F.NEWCOMER_COLUMNS)


# Only what the frame holds: not the contact details, the token hash or the consents.
_NEWCOMER_FIELDS = select(
    Newcomer.id,
    Newcomer.first_name,
    Newcomer.gender,
    Newcomer.birth_year,
    Newcomer.languages,
    Newcomer.timezone,
    Newcomer.availability,
    Newcomer.substances,
    Newcomer.meeting_modes,
    Newcomer.latitude,
    Newcomer.longitude,
    Newcomer.travel_radius_km,
    Newcomer.lived_experience,
    Newcomer.recovery_start,
    Newcomer.gender_pref,
    Newcomer.pathways,
    Newcomer.medication,
    Newcomer.wanted_experience,
    Newcomer.hopes,
    Newcomer.waiting_since,
    Newcomer.minimal,
)


_ONE_NEWCOMER = _NEWCOMER_FIELDS.add_columns(Newcomer.program_id).where(
    Newcomer.id == bindparam("newcomer_id")
)


def one_newcomer_record(
    session: Session, newcomer_id: int, admits: Callable[[int], bool]
) -> tuple[int, dict[str, Any]] | None:
    """One newcomer's program and record of `newcomer_frame`'s columns (what the ranker
    takes for one newcomer), or None when there is no such newcomer or `admits` refuses
    their program (asked first, so a refused caller learns nothing more); a minimal urgent
    request, which has no answers to match on, raises `NotMatchable` (409).

    A suggestion's path: the frame's columns and the exclusions only (no ORM object),
    through statements built once, and no one-row DataFrame.
    """
    row = session.execute(_ONE_NEWCOMER, {"newcomer_id": newcomer_id}).first()
    if row is None or not admits(row.program_id):
        return None
    ensure_matchable(newcomer_id, is_minimal=row.minimal)
    columns = _newcomer_columns([row], exclusions(session, [newcomer_id]))
    return row.program_id, {name: columns[name][0] for name in F.NEWCOMER_COLUMNS}
