"""Hard rules (BRIEF §3) as boolean masks, each with a stable code and a sentence.

A rule returns a bool array over the mentor rows it is given (True = allowed), or
``None`` when it cannot exclude anyone for this newcomer. ``detail`` turns a failure
into a specific sentence for one mentor. These masks serve ``explain`` and the
reference checks; the ranking path applies the same rules inside the compiled kernel
(``kernel.py``), whose results a test compares with these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Final

import numpy as np

from mentormatch import vocabulary as vocab
from mentormatch.matching.features import (
    IN_PERSON,
    NO_RECOVERY_DAY,
    REMOTE_MODES,
    Encoders,
    MentorArrays,
    NewcomerArrays,
    Query,
    haversine_km,
    near_mask,
)
from mentormatch.matching.program import Program

_LABEL = {t.code: t.label for group in (vocab.GENDERS, vocab.PATHWAYS, vocab.MEDICATIONS)
          for t in group}  # fmt: skip


class Pair:
    """One newcomer against many mentor rows, with shared derived arrays cached."""

    def __init__(self, m: MentorArrays, q: Query, p: Program):
        self.m, self.q, self.p = m, q, p

    @cached_property
    def shared_modes(self) -> np.ndarray:
        """Meeting modes both offer (uint8 bitmask, distance not yet checked)."""
        return self.m.modes & np.uint8(self.q.modes)

    @cached_property
    def side(self) -> NewcomerArrays:
        """The newcomer as broadcastable shape-(1,) arrays."""
        return NewcomerArrays.of([self.q], self.m.languages.dtype)

    @cached_property
    def near(self) -> np.ndarray | None:
        """In person possible: both offer it and each is within the other's radius."""
        if not self.q.modes & IN_PERSON or not self.q.reach2 >= 0:
            return None
        return near_mask(self.m, self.side)


@dataclass(frozen=True, slots=True)
class Rule:
    """A hard rule: code, generic sentence, mask function, specific sentence."""

    code: str
    sentence: str
    check: Callable[[Pair], np.ndarray | None]
    detail: Callable[[Pair, Encoders], str]


def _capacity(pr: Pair) -> np.ndarray | None:
    m = pr.m
    return m.active & (m.load < m.capacity)


def _capacity_detail(pr: Pair, enc: Encoders) -> str:
    m = pr.m
    if not m.active[0]:
        return "Mentor is paused, inactive or not yet vetted."
    return f"Mentor has no free capacity ({m.load[0]} of {m.capacity[0]} places taken)."


def _recovery(pr: Pair) -> np.ndarray | None:
    m, q, p = pr.m, pr.q, pr.p
    ok = (p.reference_day - m.recovery_day.astype(np.int64)) >= p.min_recovery_days
    if q.recovery_day != NO_RECOVERY_DAY:
        ok &= m.recovery_day < q.recovery_day
    return ok


def _recovery_detail(pr: Pair, enc: Encoders) -> str:
    m, p = pr.m, pr.p
    days = int(p.reference_day - int(m.recovery_day[0]))
    if days < p.min_recovery_days:
        return (
            f"Mentor's recovery time ({max(days, 0)} days) is below the program minimum "
            f"of {p.min_recovery_days} days."
        )
    return "Mentor's recovery did not start before the newcomer's."


def _gender(pr: Pair) -> np.ndarray | None:
    m, q = pr.m, pr.q
    ok = (m.accepts & np.uint8(q.gender)) != 0
    if q.pref != (1 << len(vocab.GENDERS)) - 1:
        ok &= (m.gender & np.uint8(q.pref)) != 0
    return ok


def _gender_detail(pr: Pair, enc: Encoders) -> str:
    m, q = pr.m, pr.q
    if not m.gender[0] & q.pref:
        wanted = " or ".join(_LABEL[c].lower() for c in enc.gender.labels(q.pref))
        return f"Newcomer asked for a mentor who is: {wanted}."
    accepted = " or ".join(_LABEL[c].lower() for c in enc.gender.labels(int(m.accepts[0])))
    return f"Mentor only mentors people who are: {accepted}."


def _language(pr: Pair) -> np.ndarray | None:
    return (pr.m.languages & pr.m.languages.dtype.type(pr.q.languages)) != 0


def _language_detail(pr: Pair, enc: Encoders) -> str:
    return "No shared language."


def _mode(pr: Pair) -> np.ndarray | None:
    ok = (pr.shared_modes & np.uint8(REMOTE_MODES)) != 0
    if pr.near is not None:
        ok |= pr.near
    return ok


def _mode_detail(pr: Pair, enc: Encoders) -> str:
    m, q = pr.m, pr.q
    if pr.shared_modes[0] == IN_PERSON:
        km = float(haversine_km(q.lat, q.lon, m.lat[0], m.lon[0]))
        if np.isnan(km):
            return "Only in-person meetings are shared, and a location is missing."
        return (
            f"Only in-person meetings are shared, and they are {km:.0f} km apart "
            f"(travel radii {q.radius:.0f} and {m.radius[0]:.0f} km)."
        )
    return "No shared meeting mode."


def _medication(pr: Pair) -> np.ndarray | None:
    return pr.m.affirming if pr.q.on_medication else None


def _medication_detail(pr: Pair, enc: Encoders) -> str:
    label = _LABEL.get(pr.q.medication, pr.q.medication).lower()
    return f"Newcomer takes {label} and the mentor is not medication-affirming."


def _pathway(pr: Pair) -> np.ndarray | None:
    if not pr.q.pathway:
        return None
    return (pr.m.ruled_out & np.uint8(pr.q.pathway)) == 0


def _pathway_detail(pr: Pair, enc: Encoders) -> str:
    code = enc.pathway.labels(pr.q.pathway)[0]
    return f"Mentor rules out the newcomer's chosen pathway ({_LABEL[code]})."


def _do_not_pair(pr: Pair) -> np.ndarray | None:
    if not pr.q.excluded.size:
        return None
    return ~np.isin(pr.m.id, pr.q.excluded)


def _do_not_pair_detail(pr: Pair, enc: Encoders) -> str:
    return "On the newcomer's do-not-pair list, or declined or let a request expire before."


def _age(pr: Pair) -> np.ndarray | None:
    m, q, p = pr.m, pr.q, pr.p
    ok = m.age >= p.min_age
    if q.age < p.min_age:
        ok &= m.youth_vetted if p.serves_youth else np.zeros(len(m), dtype=bool)
    return ok


def _age_detail(pr: Pair, enc: Encoders) -> str:
    m, p = pr.m, pr.p
    if m.age[0] < p.min_age:
        return f"Mentor is under {p.min_age}."
    if not p.serves_youth:
        return f"Newcomer is under {p.min_age} and the program does not serve youth."
    return f"Newcomer is under {p.min_age} and the mentor is not youth-vetted."


RULES: Final[tuple[Rule, ...]] = (
    Rule("capacity", "Mentor is active, vetted and has free capacity.", _capacity,
         _capacity_detail),
    Rule("recovery_time", "Mentor has the program's minimum recovery time, and more than "
         "the newcomer.", _recovery, _recovery_detail),
    Rule("gender", "Both people's gender preferences are respected.", _gender, _gender_detail),
    Rule("language", "They share at least one language.", _language, _language_detail),
    Rule("meeting_mode", "They share a meeting mode; in person only within both travel "
         "radii.", _mode, _mode_detail),
    Rule("medication", "A newcomer on medication gets a medication-affirming mentor.",
         _medication, _medication_detail),
    Rule("pathway", "The mentor does not rule out the newcomer's chosen pathway.", _pathway,
         _pathway_detail),
    Rule("do_not_pair", "Not on the newcomer's do-not-pair or declined list.", _do_not_pair,
         _do_not_pair_detail),
    Rule("age", "Mentors are adults; minors only with youth-vetted mentors in youth "
         "programs.", _age, _age_detail),
)  # fmt: skip
RULE_CODES: Final = tuple(r.code for r in RULES)


def feasible(pair: Pair) -> np.ndarray:
    """All rules combined: True where the mentor may be suggested."""
    ok = np.ones(len(pair.m), dtype=bool)
    for rule in RULES:
        mask = rule.check(pair)
        if mask is not None:
            ok &= mask
    return ok


def failures(pair: Pair, enc: Encoders) -> list[tuple[str, str]]:
    """(code, specific sentence) for every rule a single mentor row breaks."""
    out = []
    for rule in RULES:
        mask = rule.check(pair)
        if mask is not None and not bool(mask[0]):
            out.append((rule.code, rule.detail(pair, enc)))
    return out
