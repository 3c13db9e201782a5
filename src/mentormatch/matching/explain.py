"""Suggestions and explanations: criterion scores plus short human reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mentormatch import vocabulary as vocab
from mentormatch.matching import schedule
from mentormatch.matching.features import IN_PERSON, REMOTE_MODES, Encoders, haversine_km
from mentormatch.matching.program import Program
from mentormatch.matching.rules import Pair

_LABELS = {
    t.code: t.label
    for group in (vocab.SUBSTANCES, vocab.SUBSTANCE_FAMILIES, vocab.PATHWAYS, vocab.LANGUAGES,
                  vocab.LIVED_EXPERIENCE, vocab.MEETING_MODES)
    for t in group
}  # fmt: skip
_SHORT = {"in_person": "in person", "video": "video", "phone": "phone", "text": "text"}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One ranked mentor for a newcomer."""

    mentor_id: int
    display_name: str
    rank: int
    score: float
    components: dict[str, float]
    reasons: list[str]


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a mentor is or is not suggested for a newcomer."""

    newcomer_id: int
    mentor_id: int
    display_name: str
    feasible: bool
    score: float
    components: dict[str, float]
    reasons: list[str]
    failed_rules: list[tuple[str, str]] = field(default_factory=list)
    rank: int | None = None


def _join(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _label(code: str) -> str:
    """Lower-case label for running text (keeps proper names such as SMART)."""
    label = _LABELS.get(code, code)
    return label if label[:2].isupper() or code in ("en", "es") else label.lower()


def reasons(
    pair: Pair, parts: dict[str, float], enc: Encoders, p: Program, *, text_terms: list[str]
) -> list[str]:
    """Short reasons for one newcomer-mentor pair, strongest weighted criterion first."""
    m, q = pair.m, pair.q
    found: list[tuple[float, str]] = []

    def add(name: str, text: str) -> None:
        found.append((p.weights[name] * parts.get(name, 0.0), text))

    if parts.get("substance"):
        exact = enc.substance.labels(int(m.substances[0]) & sum(q.substances))
        fams = [
            enc.family.labels(f)[0]
            for s, f in zip(q.substances, q.families, strict=True)
            if not m.substances[0] & s and m.families[0] & f
        ]
        if exact:
            add("substance", f"both in recovery from {_join([_label(c) for c in exact])}")
        elif fams:
            names = _join([_label(c) for c in dict.fromkeys(fams)])
            add("substance", f"related substance history: both {names}")
    if parts.get("schedule"):
        shared = m.schedule[:, 0] & q.schedule
        hours = int(np.bitwise_count(shared).sum())
        when = schedule.describe(shared, q.timezone, p.week_start)
        add("schedule", f"{hours} h/week in common: {when}")
    if parts.get("pathway"):
        main = int(m.pathways[0]) & q.main_pathway
        code = enc.pathway.labels(main or int(m.pathways[0]) & q.pathways)[0]
        name = _LABELS[code].split(" (")[0]
        add(
            "pathway",
            f"both prefer {name}"
            if main
            else f"both follow {name} (not the newcomer's main pathway)",
        )
    if parts.get("experience"):
        flags = enc.experience.labels(int(m.experience[0]) & q.wanted)
        add("experience", "shares: " + ", ".join(_label(c) for c in flags))
    if parts.get("text", 0.0) > 0 and text_terms:
        add("text", "similar hopes and interests: " + ", ".join(text_terms))
    if parts.get("age", 0.0) >= 0.8:
        add("age", f"close in age ({q.age} and {int(m.age[0])})")
    if int(m.load[0]) == 0:
        add("load", "has no mentees yet")
    if parts.get("modes"):
        usable = int(pair.shared_modes[0]) & REMOTE_MODES
        codes = enc.mode.labels(usable)
        if pair.near is not None and pair.near[0]:
            km = float(haversine_km(q.lat, q.lon, m.lat[0], m.lon[0]))
            codes = enc.mode.labels(usable | IN_PERSON)
            add("modes", f"can meet {_join([_SHORT[c] for c in codes])} ({km:.0f} km apart)")
        elif codes:
            add("modes", f"can meet by {_join([_SHORT[c] for c in codes])}")
    other = [c for c in enc.language.labels(int(m.languages[0]) & q.languages) if c != "en"]
    if other:
        found.append((0.0, f"both speak {_join([_LABELS[c] for c in other])}"))
    found.sort(key=lambda item: -item[0])
    return [text for _, text in found]


def shared_terms(
    names: np.ndarray, q_terms: np.ndarray, q_weights: np.ndarray, row: tuple[np.ndarray, ...]
) -> list[str]:
    """Up to three TF-IDF terms the two texts share, by contribution."""
    m_terms, m_weights = row  # both term lists sorted and unique (CSR rows)
    if not q_terms.size or not m_terms.size:
        return []
    at = np.minimum(np.searchsorted(m_terms, q_terms), m_terms.size - 1)
    hit = m_terms[at] == q_terms
    common, contrib = q_terms[hit], q_weights[hit] * m_weights[at[hit]]
    return [str(names[common[i]]) for i in np.argsort(-contrib, kind="stable")[:3]]
