"""The DataFrame contract between the database layer and the ranker.

The DB layer hands the ranker two pandas frames, one row per person. List-like
columns hold plain Python lists (tuples, arrays, ``None`` and ``NaN`` are accepted
and read as lists / empty lists). Codes come from :mod:`mentormatch.vocabulary`.

Mentors frame (``MENTOR_COLUMNS``)
    id:int, first_name:str, gender:str (GENDERS code), mentee_genders:list[str]
    (accepted mentee genders, empty = any), age:int, languages:list[str] (ISO 639-1),
    timezone:str (IANA), availability:list[int] (local hour-of-week blocks 0..167,
    0 = Monday 00:00-01:00 local), substances:list[str], pathways:list[str],
    pathways_ruled_out:list[str], medication_affirming:bool, meeting_modes:list[str],
    latitude/longitude:float|NaN, travel_radius_km:float|NaN (NaN = no in-person),
    lived_experience:list[str], interests:str, recovery_start:date, capacity:int,
    load:int (approved + active pairings), active:bool (active AND vetted AND not
    paused), youth_vetted:bool.

Newcomers frame (``NEWCOMER_COLUMNS``)
    id, first_name, gender, gender_pref:list[str] (acceptable mentor genders, empty =
    any), age, languages, timezone, availability, substances, pathways:list[str] (in
    the newcomer's order, the first is their main pathway; empty or ["exploring"] = not
    chosen), medication:str (MEDICATIONS code, "none" = none),
    meeting_modes, latitude, longitude, travel_radius_km, lived_experience,
    wanted_experience:list[str], hopes:str, recovery_start:date|None,
    waiting_since:datetime (tz-aware UTC), excluded_mentor_ids:list[int] (hard
    exclusions: do-not-pair entries and mentors who declined or let a request expire).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Final

import pandas as pd

from mentormatch import vocabulary as vocab

ID: Final = "id"
FIRST_NAME: Final = "first_name"
GENDER: Final = "gender"
MENTEE_GENDERS: Final = "mentee_genders"
GENDER_PREF: Final = "gender_pref"
AGE: Final = "age"
LANGUAGES: Final = "languages"
TIMEZONE: Final = "timezone"
AVAILABILITY: Final = "availability"
SUBSTANCES: Final = "substances"
PATHWAYS: Final = "pathways"
PATHWAYS_RULED_OUT: Final = "pathways_ruled_out"
MEDICATION_AFFIRMING: Final = "medication_affirming"
MEDICATION: Final = "medication"
MEETING_MODES: Final = "meeting_modes"
LATITUDE: Final = "latitude"
LONGITUDE: Final = "longitude"
TRAVEL_RADIUS_KM: Final = "travel_radius_km"
LIVED_EXPERIENCE: Final = "lived_experience"
WANTED_EXPERIENCE: Final = "wanted_experience"
INTERESTS: Final = "interests"
HOPES: Final = "hopes"
RECOVERY_START: Final = "recovery_start"
CAPACITY: Final = "capacity"
LOAD: Final = "load"
ACTIVE: Final = "active"
YOUTH_VETTED: Final = "youth_vetted"
WAITING_SINCE: Final = "waiting_since"
EXCLUDED_MENTOR_IDS: Final = "excluded_mentor_ids"

MENTOR_COLUMNS: Final = (
    ID, FIRST_NAME, GENDER, MENTEE_GENDERS, AGE, LANGUAGES, TIMEZONE, AVAILABILITY,
    SUBSTANCES, PATHWAYS, PATHWAYS_RULED_OUT, MEDICATION_AFFIRMING, MEETING_MODES,
    LATITUDE, LONGITUDE, TRAVEL_RADIUS_KM, LIVED_EXPERIENCE, INTERESTS, RECOVERY_START,
    CAPACITY, LOAD, ACTIVE, YOUTH_VETTED,
)  # fmt: skip
NEWCOMER_COLUMNS: Final = (
    ID, FIRST_NAME, GENDER, GENDER_PREF, AGE, LANGUAGES, TIMEZONE, AVAILABILITY,
    SUBSTANCES, PATHWAYS, MEDICATION, MEETING_MODES, LATITUDE, LONGITUDE,
    TRAVEL_RADIUS_KM, LIVED_EXPERIENCE, WANTED_EXPERIENCE, HOPES, RECOVERY_START,
    WAITING_SINCE, EXCLUDED_MENTOR_IDS,
)  # fmt: skip

MENTOR_LIST_COLUMNS: Final = (
    MENTEE_GENDERS, LANGUAGES, AVAILABILITY, SUBSTANCES, PATHWAYS, PATHWAYS_RULED_OUT,
    MEETING_MODES, LIVED_EXPERIENCE,
)  # fmt: skip
NEWCOMER_LIST_COLUMNS: Final = (
    GENDER_PREF, LANGUAGES, AVAILABILITY, SUBSTANCES, PATHWAYS, MEETING_MODES,
    LIVED_EXPERIENCE, WANTED_EXPERIENCE, EXCLUDED_MENTOR_IDS,
)  # fmt: skip

NOT_CHOSEN_PATHWAY: Final = vocab.NOT_CHOSEN_PATHWAY
NO_MEDICATION: Final = "none"


def as_list(value: Any) -> list[Any]:
    """Read one list-like cell as a list (None / NaN / scalar NA -> [])."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [value]
    if isinstance(value, float) and math.isnan(value):
        return []
    if isinstance(value, Iterable):
        return list(value)
    return [] if pd.isna(value) else [value]


def _check(frame: pd.DataFrame, columns: tuple[str, ...], list_columns: tuple[str, ...],
           what: str) -> pd.DataFrame:  # fmt: skip
    """Validate required columns and normalise list-like cells to lists.

    A frame already in contract order, with plain lists in its list columns (as
    ``db_frames`` builds them), is copied as it is: selecting columns and assigning
    list columns one by one cost a one-newcomer suggestion ~2 ms of pandas overhead.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} frame is missing columns: {', '.join(missing)}")
    if not frame[ID].is_unique:
        raise ValueError(f"{what} frame has duplicate ids")
    same = len(frame.columns) == len(columns) and all(frame.columns == list(columns))
    out = frame.copy() if same else frame.loc[:, list(columns)].copy()
    out.index = pd.RangeIndex(len(out))
    for col in list_columns:
        cells = out[col].tolist()
        if out[col].dtype != object or not all(type(v) is list for v in cells):
            out[col] = [as_list(v) for v in cells]
    return out


def check_mentors(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate a mentors frame against the contract and return a normalised copy."""
    return _check(frame, MENTOR_COLUMNS, MENTOR_LIST_COLUMNS, "mentors")


def check_newcomers(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate a newcomers frame against the contract and return a normalised copy."""
    return _check(frame, NEWCOMER_COLUMNS, NEWCOMER_LIST_COLUMNS, "newcomers")


def check_newcomer_record(record: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Validate one newcomer given as a mapping of the frame's columns to values.

    Returns the contract's columns as one-element lists, list cells normalised as in a
    frame; what one suggestion reads, without building a one-row DataFrame for it.
    """
    missing = [c for c in NEWCOMER_COLUMNS if c not in record]
    if missing:
        raise ValueError(f"newcomers record is missing columns: {', '.join(missing)}")
    lists = set(NEWCOMER_LIST_COLUMNS)
    return {c: [as_list(record[c]) if c in lists else record[c]] for c in NEWCOMER_COLUMNS}
