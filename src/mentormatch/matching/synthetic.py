"""A deterministic synthetic world grounded in BRIEF §6, in the frames contract.

Shares come from SAMHSA TEDS-A 2017 (primary substance, sex by substance, age bands);
pathway, time-zone, language and availability mixes are plausible assumptions for a
US program and are documented inline. Each person also draws hidden "deep
similarity" traits (``World.*_traits``) that only leak into the observable frames
through their free text; :mod:`.evaluation` scores matches against them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from mentormatch.vocabulary import EXPERIENCE_CODES

REFERENCE: Final = datetime(2026, 11, 23, tzinfo=UTC)

# TEDS-A 2017 primary substance shares (%); "other" absorbs the unlisted 0.7 %.
PRIMARY: Final = {
    "heroin": 26.0, "alcohol_only": 16.9, "alcohol_plus": 13.0, "cannabis": 12.4,
    "methamphetamine": 10.2, "other_opiates": 7.7, "cocaine": 5.4,
    "benzodiazepines": 1.0, "other": 7.4,
}  # fmt: skip
# Share male by primary substance (TEDS-A: 64.5 % overall, alcohol 70.6, meth 55.2,
# other opiates 52.7; the rest use the overall figure).
MALE: Final = {"alcohol_only": 0.706, "alcohol_plus": 0.706, "methamphetamine": 0.552,
               "other_opiates": 0.527}  # fmt: skip
AGE_BANDS: Final = ((18, 25, 16), (26, 35, 34), (36, 45, 21), (46, 55, 17), (56, 75, 8))
PATHWAY_MIX: Final = {
    "twelve_step": 40, "smart_recovery": 14, "recovery_dharma": 5, "faith_based": 9,
    "secular": 5, "medication_supported": 9, "harm_reduction": 4, "exploring": 14,
}  # fmt: skip
ZONES: Final = {  # zone: (share, metro latitude, longitude)
    "America/New_York": (38, 40.71, -74.0), "America/Chicago": (27, 41.88, -87.63),
    "America/Denver": (7, 39.74, -104.99), "America/Phoenix": (3, 33.45, -112.07),
    "America/Los_Angeles": (21, 34.05, -118.24), "America/Anchorage": (1, 61.22, -149.9),
    "Pacific/Honolulu": (1, 21.31, -157.86), "America/Puerto_Rico": (1.5, 18.47, -66.1),
    "Asia/Kolkata": (0.5, 19.08, 72.88),
}  # fmt: skip
# Availability archetypes: (days, first hour, last hour exclusive), local time.
PATTERNS: Final = (
    (range(0, 5), 18, 22), (range(0, 5), 6, 9), (range(5, 7), 9, 17),
    (range(0, 5), 12, 14), (range(0, 7), 21, 24), (range(0, 7), 10, 16),
)  # fmt: skip
# Four hidden trait axes and the words each one makes people write about.
TOPICS: Final = (
    ("hiking", "running", "camping", "fishing", "gardening", "cycling", "outdoors"),
    ("music", "guitar", "painting", "writing", "poetry", "photography", "art"),
    ("meditation", "church", "prayer", "yoga", "spirituality", "bible", "mindfulness"),
    ("kids", "parenting", "cooking", "family", "job", "career", "school"),
)
HOPE_FRAMES: Final = (
    "I hope to stay sober and get back to {a} and {b}",
    "someone who understands, maybe we could talk about {a} or {b}",
    "want to rebuild my life, {a}, {b}",
    "{a} and {b} keep me going",
)
FIRST: Final = {
    "man": ("James", "Luis", "Marcus", "David", "Tom", "Andre", "Kevin", "Raj", "Minh", "Sam"),
    "woman": ("Maria", "Ashley", "Keisha", "Jen", "Rosa", "Linda", "Priya", "Lan", "Kate", "Ana"),
    "nonbinary": ("Alex", "Jordan", "Rowan", "Sky", "Quinn", "Robin", "Casey", "Ari", "Sam", "Jo"),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class World:
    """Two contract frames plus the hidden traits the evaluation scores against."""

    mentors: pd.DataFrame
    newcomers: pd.DataFrame
    mentor_traits: np.ndarray
    newcomer_traits: np.ndarray
    reference: datetime


def _pick(rng: np.random.Generator, table: Mapping[str, float], n: int) -> np.ndarray:
    """Draw ``n`` keys with probabilities proportional to the table values."""
    keys = list(table)
    w = np.array([table[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=w / w.sum())]


def _combined(rng: np.random.Generator, main: list[str | None]) -> list[list[str]]:
    """Each newcomer's pathways: their main one, and for one in five who chose one a second
    (people combine them: 12-step with medication-supported recovery, SMART with
    faith-based). Drawn from a stream of its own, so the rest of the world is unchanged."""
    chosen = {k: w for k, w in PATHWAY_MIX.items() if k != "exploring"}
    second = _pick(rng, chosen, len(main))
    extra = rng.random(len(main)) < 0.2
    return [
        [] if p is None else [p] if p == "exploring" or not more or s == p else [p, str(s)]
        for p, s, more in zip(main, second, extra, strict=True)
    ]


def _substances(rng: np.random.Generator, primary: str) -> list[str]:
    """A substance list for a primary TEDS-A category."""
    if primary == "alcohol_only":
        return ["alcohol"]
    if primary == "alcohol_plus":
        return ["alcohol", str(rng.choice(["cannabis", "cocaine", "methamphetamine"]))]
    if primary == "heroin":
        return ["heroin"] + (["fentanyl"] if rng.random() < 0.4 else [])
    if primary == "other_opiates":
        return [str(rng.choice(["prescription_opioids", "fentanyl", "methadone_misuse"]))]
    if primary == "other":
        return [str(rng.choice(["other", "hallucinogens", "inhalants", "gambling",
                                "prescription_stimulants", "other_sedatives"]))]  # fmt: skip
    extra = ["alcohol"] if rng.random() < 0.2 else []
    return [primary, *extra]


def _availability(rng: np.random.Generator) -> list[int]:
    """Local hour-of-week blocks from one or two archetypes, partly kept."""
    slots: set[int] = set()
    for idx in rng.choice(len(PATTERNS), size=int(rng.integers(1, 3)), replace=False):
        days, lo, hi = PATTERNS[int(idx)]
        keep = rng.uniform(0.4, 0.9)
        slots |= {d * 24 + h for d in days for h in range(lo, hi) if rng.random() < keep}
    return sorted(slots)


def _text(rng: np.random.Generator, traits: np.ndarray, *, hopes: bool) -> str:
    """Free text whose words lean towards the person's strongest hidden traits."""
    w = np.exp(1.5 * traits)
    words = []
    for _ in range(2 if hopes else int(rng.integers(3, 6))):
        topic = TOPICS[int(rng.choice(len(TOPICS), p=w / w.sum()))]
        words.append(str(rng.choice(topic)))
    if rng.random() < 0.3:  # noise: a word from any topic
        words[-1] = str(rng.choice(TOPICS[int(rng.integers(len(TOPICS)))]))
    if hopes:
        frame = HOPE_FRAMES[int(rng.integers(len(HOPE_FRAMES)))]
        return frame.format(a=words[0], b=words[1])
    return ", ".join(dict.fromkeys(words))


def _people(rng: np.random.Generator, n: int, *, mentor: bool, start_id: int) -> pd.DataFrame:
    """Shared demographic draws for mentors or newcomers."""
    primary = _pick(rng, PRIMARY, n)
    male = rng.random(n) < np.array([MALE.get(p, 0.645) for p in primary])
    gender = np.where(male, "man", "woman").astype(object)
    gender[rng.random(n) < 0.02] = "nonbinary"
    bands = rng.choice(len(AGE_BANDS), size=n, p=np.array([b[2] for b in AGE_BANDS]) / 96)
    age = np.array([rng.integers(AGE_BANDS[b][0], AGE_BANDS[b][1] + 1) for b in bands])
    if mentor:
        age = np.clip(age + rng.integers(2, 10, size=n), 21, 80)
    zones = _pick(rng, {z: v[0] for z, v in ZONES.items()}, n)
    rows = []
    for i in range(n):
        zone = str(zones[i])
        _, lat, lon = ZONES[zone]
        langs = ["en"]
        r = rng.random()
        if zone == "America/Puerto_Rico" or r < 0.12:
            langs = ["es"] if rng.random() < 0.4 else ["es", "en"]
        elif r < 0.15:
            langs = ["en", str(rng.choice(["vi", "zh", "pt", "ht", "ko", "ru", "ar", "tl"]))]
        modes = [m for m, p in (("in_person", 0.45), ("video", 0.7), ("phone", 0.6),
                                ("text", 0.5)) if rng.random() < p] or ["video"]  # fmt: skip
        in_person = "in_person" in modes
        flags = [f for f, p in (("lgbtq", 0.1), ("veteran", 0.08), ("parent", 0.45),
                                ("justice_involved", 0.3), ("co_occurring", 0.4),
                                ("faith", 0.3)) if rng.random() < p]  # fmt: skip
        g = str(gender[i])
        rows.append({
            "id": start_id + i,
            "first_name": str(rng.choice(FIRST.get(g, FIRST["nonbinary"]))),
            "gender": g,
            "age": int(age[i]),
            "languages": langs,
            "timezone": zone,
            "availability": _availability(rng),
            "substances": _substances(rng, str(primary[i])),
            "meeting_modes": modes,
            "latitude": lat + rng.normal(0, 0.3) if in_person else float("nan"),
            "longitude": lon + rng.normal(0, 0.3) if in_person else float("nan"),
            "travel_radius_km": float(rng.choice([5, 10, 25, 50])) if in_person else float("nan"),
            "lived_experience": [f for f in flags if f in EXPERIENCE_CODES],
        })  # fmt: skip
    return pd.DataFrame(rows)


def generate(
    seed: int = 7, *, mentors: int = 300, newcomers: int = 500, reference: datetime = REFERENCE
) -> World:
    """Draw a synthetic world; the same seed always gives the same frames."""
    rng = np.random.default_rng(seed)
    m = _people(rng, mentors, mentor=True, start_id=1)
    nc = _people(rng, newcomers, mentor=False, start_id=100_001)
    m_traits = rng.normal(size=(mentors, len(TOPICS)))
    n_traits = rng.normal(size=(newcomers, len(TOPICS)))
    today = reference.date()

    pathway = _pick(rng, PATHWAY_MIX, mentors)
    m["mentee_genders"] = [[g] if rng.random() < 0.5 else [] for g in m["gender"]]
    m["pathways"] = [
        [str(p)] + ([str(rng.choice(list(PATHWAY_MIX)[:7]))] if rng.random() < 0.3 else [])
        if p != "exploring" else ["twelve_step", "smart_recovery"]
        for p in pathway
    ]  # fmt: skip
    m["pathways"] = [list(dict.fromkeys(p)) for p in m["pathways"]]
    m["pathways_ruled_out"] = [
        (["harm_reduction"] if "twelve_step" in p and rng.random() < 0.3 else [])
        + (["faith_based"] if "secular" in p else [])
        for p in m["pathways"]
    ]
    m["medication_affirming"] = [
        bool(rng.random() < (0.55 if "twelve_step" in p else 0.9)) for p in m["pathways"]
    ]
    m["interests"] = [_text(rng, t, hopes=False) for t in m_traits]
    years = rng.gamma(2.0, 2.5, size=mentors) + 0.6  # ~7 % under one year
    m["recovery_start"] = [today - timedelta(days=int(y * 365.25)) for y in years]
    m["capacity"] = rng.choice([1, 2, 3], size=mentors, p=[0.3, 0.45, 0.25])
    m["load"] = [int(rng.integers(0, c + 1)) if rng.random() < 0.6 else 0 for c in m["capacity"]]
    m["active"] = rng.random(mentors) < 0.9
    m["youth_vetted"] = rng.random(mentors) < 0.1

    n_path = _pick(rng, PATHWAY_MIX, newcomers)
    main = [None if p == "exploring" and rng.random() < 0.5 else str(p) for p in n_path]
    nc["pathways"] = _combined(np.random.default_rng([seed, 17]), main)
    twelve = np.array([p == "twelve_step" for p in main])
    same = rng.random(newcomers) < np.where(twelve, 0.6, 0.3)
    nc["gender_pref"] = [[g] if s else [] for g, s in zip(nc["gender"], same, strict=True)]
    opioid = np.array([bool({"heroin", "fentanyl", "prescription_opioids"} & set(s))
                       for s in nc["substances"]])  # fmt: skip
    med = np.where(
        opioid & (rng.random(newcomers) < 0.45),
        rng.choice(["buprenorphine", "methadone"], size=newcomers),
        "none",
    ).astype(object)
    alcohol = np.array(["alcohol" in s for s in nc["substances"]])
    med[alcohol & (med == "none") & (rng.random(newcomers) < 0.1)] = "naltrexone"
    nc["medication"] = med
    nc["wanted_experience"] = [
        [f for f in own if rng.random() < 0.5] for own in nc["lived_experience"]
    ]
    nc["hopes"] = [_text(rng, t, hopes=True) for t in n_traits]
    days_in = rng.exponential(60, size=newcomers).astype(int)
    nc["recovery_start"] = [
        None if rng.random() < 0.15 else today - timedelta(days=int(d)) for d in days_in
    ]
    waited = rng.exponential(14, size=newcomers)
    nc["waiting_since"] = [reference - timedelta(days=float(w)) for w in waited]
    nc["excluded_mentor_ids"] = [
        [int(x) for x in rng.choice(m["id"], size=1)] if rng.random() < 0.05 else []
        for _ in range(newcomers)
    ]
    youth = rng.random(newcomers) < 0.02  # youth skew toward cannabis (TEDS-A)
    nc.loc[youth, "age"] = rng.integers(15, 18, size=int(youth.sum()))
    nc.loc[youth, "substances"] = pd.Series([["cannabis"]] * int(youth.sum()),
                                            index=nc.index[youth])  # fmt: skip
    return World(m, nc, m_traits, n_traits, reference)


def today_reference() -> date:
    """The synthetic world's reference date."""
    return REFERENCE.date()


_DATES = ("recovery_start",)


def write_cohort(world: World, directory: str | Path) -> None:
    """Write the two frames as JSON Lines (``mentors.jsonl``, ``newcomers.jsonl``)."""
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for name, frame in (("mentors", world.mentors), ("newcomers", world.newcomers)):
        out = frame.copy()
        for col in (*_DATES, "waiting_since"):
            if col in out:
                out[col] = [None if v is None else v.isoformat() for v in out[col]]
        out.to_json(path / f"{name}.jsonl", orient="records", lines=True, force_ascii=False)


def read_cohort(directory: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read ``write_cohort`` output back into contract frames (dates restored)."""
    path = Path(directory)
    frames = []
    for name in ("mentors", "newcomers"):
        frame = pd.read_json(path / f"{name}.jsonl", orient="records", lines=True,
                             convert_dates=False, dtype=False)  # fmt: skip
        frame["recovery_start"] = [
            None if not isinstance(v, str) else date.fromisoformat(v)
            for v in frame["recovery_start"]
        ]
        if "waiting_since" in frame:
            frame["waiting_since"] = [datetime.fromisoformat(v) for v in frame["waiting_since"]]
        for col in ("latitude", "longitude", "travel_radius_km"):
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
        if "pathway" in frame and "pathways" not in frame:  # written before issue 17
            frame["pathways"] = [[v] if isinstance(v, str) else [] for v in frame.pop("pathway")]
        frames.append(frame)
    return frames[0], frames[1]
