"""Suggestions and explanations: criterion scores plus short human reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mentormatch import vocabulary as vocab
from mentormatch.i18n import N_, Listed, Words, said
from mentormatch.matching import schedule
from mentormatch.matching.features import IN_PERSON, REMOTE_MODES, Encoders, haversine_km
from mentormatch.matching.program import Program
from mentormatch.matching.rules import Pair
from mentormatch.matching.words import Series, Style, Term

_LABELS = {
    t.code: t.label
    for group in (vocab.SUBSTANCES, vocab.SUBSTANCE_FAMILIES, vocab.PATHWAYS, vocab.LANGUAGES,
                  vocab.LIVED_EXPERIENCE, vocab.MEETING_MODES)
    for t in group
}  # fmt: skip
# How a meeting mode reads after "can meet": "in person", "by video".
_SHORT = {
    "in_person": N_("in person"),
    "video": N_("video"),
    "phone": N_("phone"),
    "text": N_("text"),
}


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


def _terms(codes: list[str], style: Style = "lower") -> Listed:
    """Vocabulary labels in running text, joined: 'alcohol and opioids', 'alcohol y opioides'."""
    return Listed(Term(_LABELS.get(c, c), style) for c in codes)


def reasons(
    pair: Pair, parts: dict[str, float], enc: Encoders, p: Program, *, text_terms: list[str]
) -> list[str]:
    """Short reasons for one newcomer-mentor pair, strongest weighted criterion first: each
    `i18n.Words`, the English as a `str`, translated where a page shows it."""
    m, q = pair.m, pair.q
    found: list[tuple[float, Words]] = []

    def add(name: str, text: Words) -> None:
        found.append((p.weights[name] * parts.get(name, 0.0), text))

    if parts.get("substance"):
        exact = enc.substance.labels(int(m.substances[0]) & sum(q.substances))
        fams = [
            enc.family.labels(f)[0]
            for s, f in zip(q.substances, q.families, strict=True)
            if not m.substances[0] & s and m.families[0] & f
        ]
        if exact:
            add("substance", said("both in recovery from %(substances)s", substances=_terms(exact)))
        elif fams:
            names = _terms(list(dict.fromkeys(fams)))
            add("substance", said("related substance history: both %(families)s", families=names))
    if parts.get("schedule"):
        shared = m.schedule[:, 0] & q.schedule
        hours = int(np.bitwise_count(shared).sum())
        when = schedule.describe(shared, q.timezone, p.week_start)
        add("schedule", said("%(hours)s h/week in common: %(when)s", hours=hours, when=when))
    if parts.get("pathway"):
        main = int(m.pathways[0]) & q.main_pathway
        code = enc.pathway.labels(main or int(m.pathways[0]) & q.pathways)[0]
        name = Term(_LABELS[code], "short")
        add(
            "pathway",
            said("both prefer %(pathway)s", pathway=name)
            if main
            else said("both follow %(pathway)s (not the newcomer's main pathway)", pathway=name),
        )
    if parts.get("experience"):
        flags = enc.experience.labels(int(m.experience[0]) & q.wanted)
        shares = Series(Term(_LABELS.get(c, c)) for c in flags)
        add("experience", said("shares: %(experience)s", experience=shares))
    if parts.get("text", 0.0) > 0 and text_terms:
        terms = ", ".join(text_terms)  # the people's own words, kept as written
        add("text", said("similar hopes and interests: %(terms)s", terms=terms))
    if parts.get("age", 0.0) >= 0.8:
        add("age", said("close in age (%(newcomer)s and %(mentor)s)", newcomer=q.age,
                        mentor=int(m.age[0])))  # fmt: skip
    if int(m.load[0]) == 0:
        add("load", said("has no mentees yet"))
    if parts.get("modes"):
        usable = int(pair.shared_modes[0]) & REMOTE_MODES
        codes = enc.mode.labels(usable)
        if pair.near is not None and pair.near[0]:
            km = float(haversine_km(q.lat, q.lon, m.lat[0], m.lon[0]))
            codes = enc.mode.labels(usable | IN_PERSON)
            modes = Listed(said(_SHORT[c]) for c in codes)
            add("modes", said("can meet %(modes)s (%(km)s km apart)", modes=modes, km=f"{km:.0f}"))
        elif codes:
            modes = Listed(said(_SHORT[c]) for c in codes)
            add("modes", said("can meet by %(modes)s", modes=modes))
    other = [c for c in enc.language.labels(int(m.languages[0]) & q.languages) if c != "en"]
    if other:
        found.append((0.0, said("both speak %(languages)s", languages=_terms(other, "name"))))
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
