"""Reading profiles from the database into the ranker's DataFrame contract (see frames.py)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.mentors.models import Mentor
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


def mentor_frame(mentors: Sequence[Mentor], loads: dict[int, int]) -> pd.DataFrame:
    """Mentors as the ranker's mentors frame."""
    return pd.DataFrame(
        {
            "id": [m.id for m in mentors],
            "first_name": [m.first_name for m in mentors],
            "gender": [m.gender for m in mentors],
            "mentee_genders": [m.mentee_genders for m in mentors],
            "age": [age_in(m.birth_year) for m in mentors],
            "languages": [m.languages for m in mentors],
            "timezone": [m.timezone for m in mentors],
            "availability": [hours_of_week(m.availability) for m in mentors],
            "substances": [m.substances for m in mentors],
            "pathways": [m.pathways for m in mentors],
            "pathways_ruled_out": [m.pathways_ruled_out for m in mentors],
            "medication_affirming": [m.medication_affirming for m in mentors],
            "meeting_modes": [m.meeting_modes for m in mentors],
            "latitude": [_nan(m.latitude) for m in mentors],
            "longitude": [_nan(m.longitude) for m in mentors],
            "travel_radius_km": [_nan(m.travel_radius_km) for m in mentors],
            "lived_experience": [m.lived_experience for m in mentors],
            "interests": [m.interests for m in mentors],
            "recovery_start": [m.recovery_start for m in mentors],
            "capacity": [m.capacity for m in mentors],
            "load": [loads.get(m.id, 0) for m in mentors],
            "active": [m.active and m.vetted and not m.paused for m in mentors],
            "youth_vetted": [m.youth_vetted for m in mentors],
        }
    )


def exclusions(session: Session, newcomer_ids: Sequence[int]) -> dict[int, list[int]]:
    """Mentors each newcomer must not be offered: do-not-pair entries and past refusals."""
    excluded: dict[int, set[int]] = defaultdict(set)
    rows = session.execute(
        select(DoNotPair.newcomer_id, DoNotPair.mentor_id).where(
            DoNotPair.newcomer_id.in_(newcomer_ids)
        )
    )
    for newcomer_id, mentor_id in rows:
        excluded[newcomer_id].add(mentor_id)
    rows = session.execute(
        select(Pairing.newcomer_id, Pairing.mentor_id).where(
            Pairing.newcomer_id.in_(newcomer_ids), Pairing.status.in_(EXCLUDING)
        )
    )
    for newcomer_id, mentor_id in rows:
        excluded[newcomer_id].add(mentor_id)
    return {k: sorted(v) for k, v in excluded.items()}


def newcomer_frame(session: Session, newcomers: Sequence[Newcomer]) -> pd.DataFrame:
    """Newcomers as the ranker's newcomers frame, with their hard exclusions."""
    excluded = exclusions(session, [n.id for n in newcomers])
    return pd.DataFrame(
        {
            "id": [n.id for n in newcomers],
            "first_name": [n.first_name for n in newcomers],
            "gender": [n.gender for n in newcomers],
            "gender_pref": [n.gender_pref for n in newcomers],
            "age": [age_in(n.birth_year) for n in newcomers],
            "languages": [n.languages for n in newcomers],
            "timezone": [n.timezone for n in newcomers],
            "availability": [hours_of_week(n.availability) for n in newcomers],
            "substances": [n.substances for n in newcomers],
            "pathway": [n.pathway for n in newcomers],
            "medication": [n.medication for n in newcomers],
            "meeting_modes": [n.meeting_modes for n in newcomers],
            "latitude": [_nan(n.latitude) for n in newcomers],
            "longitude": [_nan(n.longitude) for n in newcomers],
            "travel_radius_km": [_nan(n.travel_radius_km) for n in newcomers],
            "lived_experience": [n.lived_experience for n in newcomers],
            "wanted_experience": [n.wanted_experience for n in newcomers],
            "hopes": [n.hopes for n in newcomers],
            "recovery_start": [n.recovery_start for n in newcomers],
            "waiting_since": [n.waiting_since for n in newcomers],
            "excluded_mentor_ids": [excluded.get(n.id, []) for n in newcomers],
        }
    )
