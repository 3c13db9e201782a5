"""Small profile factories and worlds for the matching tests (plain pandas, no DB)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from mentormatch.matching import MentorRanker
from mentormatch.matching.synthetic import World, generate

REFERENCE = datetime(2026, 11, 23, 12, tzinfo=UTC)
EVENINGS = [d * 24 + h for d in range(5) for h in (18, 19, 20)]


def mentor(**overrides: Any) -> dict[str, Any]:
    """A feasible-by-default mentor row."""
    row: dict[str, Any] = {
        "id": 1, "first_name": "Rosa", "gender": "woman", "mentee_genders": [], "age": 40,
        "languages": ["en"], "timezone": "America/New_York", "availability": list(EVENINGS),
        "substances": ["heroin"], "pathways": ["smart_recovery"], "pathways_ruled_out": [],
        "medication_affirming": True, "meeting_modes": ["video", "phone"],
        "latitude": float("nan"), "longitude": float("nan"), "travel_radius_km": float("nan"),
        "lived_experience": ["parent"], "interests": "hiking and music",
        "recovery_start": date(2018, 1, 1), "capacity": 2, "load": 0, "active": True,
        "youth_vetted": False,
    }  # fmt: skip
    row.update(overrides)
    return row


def newcomer(**overrides: Any) -> dict[str, Any]:
    """A newcomer row compatible with ``mentor()``."""
    row: dict[str, Any] = {
        "id": 100, "first_name": "Ana", "gender": "woman", "gender_pref": [], "age": 35,
        "languages": ["en"], "timezone": "America/New_York", "availability": list(EVENINGS),
        "substances": ["heroin"], "pathways": ["smart_recovery"], "medication": "none",
        "meeting_modes": ["video"], "latitude": float("nan"), "longitude": float("nan"),
        "travel_radius_km": float("nan"), "lived_experience": ["parent"],
        "wanted_experience": ["parent"], "hopes": "I like hiking", "recovery_start": None,
        "waiting_since": REFERENCE, "excluded_mentor_ids": [],
    }  # fmt: skip
    row.update(overrides)
    return row


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    """Rows as a contract frame."""
    return pd.DataFrame(list(rows))


def world(seed: int, mentors: int = 60, newcomers: int = 30) -> World:
    """A small synthetic world."""
    return generate(seed, mentors=mentors, newcomers=newcomers, reference=REFERENCE)


def fitted(mentors: pd.DataFrame, **params: Any) -> MentorRanker:
    """A ranker fitted at the fixed reference time."""
    return MentorRanker(reference_time=REFERENCE, **params).fit(mentors)
