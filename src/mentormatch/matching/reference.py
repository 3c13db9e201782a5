"""A slow, obviously-correct pure-Python reference over plain dicts.

Used by the tests (to re-check every suggestion independently of the vectorised
masks) and by the benchmark (the per-pair Python scorer). Rows are dicts in the
frames contract; ``program`` is a fitted ranker's ``program_``.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from mentormatch.matching.frames import NO_MEDICATION, NOT_CHOSEN_PATHWAY, as_list
from mentormatch.matching.program import Program
from mentormatch.matching.schedule import local_slots
from mentormatch.vocabulary import FAMILY_OF, PATHWAY_CODES

Row = dict[str, Any]
# A mentor who practises only one of the newcomer's other pathways, not the main (first).
OTHER_PATHWAY = 0.5


def _day(value: Any) -> int | None:
    """A date/datetime/None as days since 1970-01-01."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return None
    return (value - date(1970, 1, 1)).days


def km(a: Row, b: Row) -> float:
    """Haversine distance between two rows (NaN when a location is missing)."""
    coords = (a["latitude"], a["longitude"], b["latitude"], b["longitude"])
    la1, lo1, la2, lo2 = (math.radians(float(x)) for x in coords)
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(min(max(h, 0.0), 1.0)))


def near(m: Row, n: Row) -> bool:
    """Both meet in person and each is within the other's radius."""
    if "in_person" not in as_list(m["meeting_modes"]) or "in_person" not in as_list(
        n["meeting_modes"]
    ):
        return False
    d = km(m, n)
    return d <= float(m["travel_radius_km"]) and d <= float(n["travel_radius_km"])


def violations(m: Row, n: Row, p: Program) -> set[str]:
    """Codes of the hard rules the pair breaks."""
    out = set()
    if not m["active"] or m["load"] >= m["capacity"]:
        out.add("capacity")
    m_day, n_day = _day(m["recovery_start"]), _day(n["recovery_start"])
    if (
        m_day is None
        or p.reference_day - m_day < p.min_recovery_days
        or (p.mentor_longer_in_recovery and n_day is not None and not m_day < n_day)
    ):
        out.add("recovery_time")
    pref, accepts = as_list(n["gender_pref"]), as_list(m["mentee_genders"])
    if (pref and m["gender"] not in pref) or (accepts and n["gender"] not in accepts):
        out.add("gender")
    if not set(as_list(m["languages"])) & set(as_list(n["languages"])):
        out.add("language")
    shared = set(as_list(m["meeting_modes"])) & set(as_list(n["meeting_modes"]))
    if not (shared - {"in_person"} or ("in_person" in shared and near(m, n))):
        out.add("meeting_mode")
    if (n["medication"] or NO_MEDICATION) != NO_MEDICATION and not m["medication_affirming"]:
        out.add("medication")
    ruled_out = set(as_list(m["pathways_ruled_out"]))
    if any(x != NOT_CHOSEN_PATHWAY and x in ruled_out for x in as_list(n["pathways"])):
        out.add("pathway")
    if m["id"] in as_list(n["excluded_mentor_ids"]):
        out.add("do_not_pair")
    if m["age"] < p.min_age or (
        n["age"] < p.min_age and not (p.serves_youth and m["youth_vetted"])
    ):
        out.add("age")
    return out


def utc_hours(row: Row, p: Program) -> set[int]:
    """A row's availability as UTC hour-of-week slots (``_utc_hours`` key = precomputed)."""
    if "_utc_hours" in row:
        return row["_utc_hours"]
    slots = local_slots(row["timezone"], p.week_start).tolist()
    avail = set(as_list(row["availability"]))
    return {utc for utc, local in enumerate(slots) if local in avail}


def score(m: Row, n: Row, p: Program, *, text: float | None = None) -> dict[str, float]:
    """Criterion values and weighted total (``text``: cosine from the caller, None = n/a)."""
    parts: dict[str, float] = {}
    subs, m_subs = as_list(n["substances"]), set(as_list(m["substances"]))
    m_fams = {FAMILY_OF[s] for s in m_subs if s in FAMILY_OF}
    subs = [s for s in dict.fromkeys(subs) if s in FAMILY_OF]
    if subs:
        credit = [1.0 if s in m_subs else p.family_credit if FAMILY_OF[s] in m_fams else 0.0
                  for s in subs]  # fmt: skip
        parts["substance"] = sum(credit) / len(subs)
    n_hours = utc_hours(n, p)
    if n_hours:
        overlap = len(n_hours & utc_hours(m, p))
        parts["schedule"] = min(overlap / p.overlap_saturation_hours, 1.0)
    chosen = [x for x in as_list(n["pathways"]) if x in PATHWAY_CODES and x != NOT_CHOSEN_PATHWAY]
    if chosen:
        practised = set(as_list(m["pathways"]))
        main = 1.0 if chosen[0] in practised else 0.0
        parts["pathway"] = max(main, OTHER_PATHWAY if practised.intersection(chosen) else 0.0)
    wanted = set(as_list(n["wanted_experience"]))
    if wanted:
        parts["experience"] = len(wanted & set(as_list(m["lived_experience"]))) / len(wanted)
    if text is not None:
        parts["text"] = text
    parts["age"] = max(0.0, 1.0 - abs(m["age"] - n["age"]) / p.age_span_years)
    parts["load"] = min(max(1.0 - m["load"] / max(m["capacity"], 1), 0.0), 1.0)
    modes = set(as_list(n["meeting_modes"]))
    if modes:
        usable = (modes & set(as_list(m["meeting_modes"]))) - {"in_person"}
        parts["modes"] = (len(usable) + near(m, n)) / len(modes)
    norm = sum(p.weights[c] for c in parts)
    parts["total"] = sum(p.weights[c] * v for c, v in parts.items()) / norm
    return parts
