"""Hard rules (BRIEF §3): the one definition of each, with its code and sentences.

A rule's computation is written once, in parts (``Rule``), as functions over named
fields that numpy applies to arrays and numba compiles for scalars. ``Rule.check``
gives a bool mask over mentor rows (True = allowed) for ``explain``, the blocking-rule
count and the tests; the ranker forms its pool with the mentor parts (``in_pool``) and
the compiled kernel (``kernel.py``) calls the run and per-mentor parts itself.
``detail`` turns a failure into a specific sentence for one mentor.
``reference.py`` checks all of this independently. docs/architecture.md shows how to
add a rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

import numpy as np

from mentormatch import vocabulary as vocab
from mentormatch.i18n import said, said_n
from mentormatch.matching.features import (
    ALL_GENDERS,
    IN_PERSON,
    NO_RECOVERY_DAY,
    REMOTE_MODES,
    Encoders,
    MentorArrays,
    haversine_km,
    near,
)
from mentormatch.matching.newcomer_rows import Newcomer, Query
from mentormatch.matching.program import Program
from mentormatch.matching.words import Joined, Term
from mentormatch.mentors.capacity import has_room

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
    def side(self) -> Newcomer:
        """The newcomer as the rules read it (shape-(1,) arrays that broadcast)."""
        return self.q.columns

    @cached_property
    def near(self) -> np.ndarray | None:
        """In person possible: both offer it and each is within the other's radius."""
        if not self.q.modes & IN_PERSON or not self.q.reach2 >= 0:
            return None
        result: np.ndarray = near(self.m, self.side)
        return result


Mask = Callable[..., Any]  # bool scalar or array: numba-compatible, see the module doc


@dataclass(frozen=True, slots=True)
class Rule:
    """A hard rule: its code, its sentence, its computation in parts, its specific sentence.

    The parts are ANDed. ``mentor(m, p)`` reads the mentor alone: the ranker applies it
    once, when it forms the pool. ``run(m, n, p)`` reads only the pool's run codes
    (``RUN_FIELDS``): the kernel applies it once per run of mentors with equal codes.
    ``each(m, n, p)`` reads per-mentor fields: the kernel applies it mentor by mentor.
    ``excluded`` rules read the newcomer's list of excluded mentor ids.
    """

    code: str
    sentence: str
    detail: Callable[[Pair, Encoders], str]
    mentor: Mask | None = None
    run: Mask | None = None
    each: Mask | None = None
    excluded: bool = False

    def check(self, pr: Pair) -> np.ndarray:
        """True where the mentor rows of ``pr`` keep this rule (one bool per row)."""
        m, n, p = pr.m, pr.side, pr.p
        ok = np.ones(len(m), dtype=bool)
        if self.mentor is not None:
            ok &= self.mentor(m, p)
        if self.run is not None:
            ok &= self.run(m, n, p)
        if self.each is not None:
            ok &= self.each(m, n, p)
        if self.excluded:
            ok &= ~np.isin(m.id, pr.q.excluded)
        return ok


# The rules' computations. Each reads named fields of ``m`` (mentor rows), ``n`` (newcomer
# rows) and ``p`` (program) with operators numpy and numba both apply (``&``, ``|``,
# comparisons, numpy ufuncs): numpy over arrays for masks and explanations, the compiled
# kernel over scalars. No ``and``/``or``/``not``/``~`` (they do not broadcast or, on a
# bool, give an int in numba).


def _has_room(m: Any, p: Any) -> Any:
    return has_room(takes=m.active, load=m.load, capacity=m.capacity)


def _recovered_long_enough(m: Any, p: Any) -> Any:
    return (p.reference_day - m.recovery_day.astype(np.int64)) >= p.min_recovery_days


def _recovered_before(m: Any, n: Any, p: Any) -> Any:
    """Where the program asks it and the newcomer gave a date: the mentor's recovery began
    first."""
    return (
        np.logical_not(p.mentor_longer_in_recovery)
        | (n.recovery_day == NO_RECOVERY_DAY)
        | (m.recovery_day < n.recovery_day)
    )


def _genders(m: Any, n: Any, p: Any) -> Any:
    return ((m.accepts & n.gender) != 0) & ((n.pref == ALL_GENDERS) | ((m.gender & n.pref) != 0))


def _shared_language(m: Any, n: Any, p: Any) -> Any:
    return (m.languages & n.languages) != 0


def _may_share_mode(m: Any, n: Any, p: Any) -> Any:
    """A necessary condition for ``_shares_mode`` on run codes alone (skips whole runs)."""
    shared = m.modes & n.modes
    return ((shared & REMOTE_MODES) != 0) | (((shared & IN_PERSON) != 0) & (n.reach2 >= 0))


def _shares_mode(m: Any, n: Any, p: Any) -> Any:
    return ((m.modes & n.modes & REMOTE_MODES) != 0) | near(m, n)


def _medication_affirmed(m: Any, n: Any, p: Any) -> Any:
    return np.logical_or(m.affirming, np.logical_not(n.on_medication))


def _pathway_allowed(m: Any, n: Any, p: Any) -> Any:
    return (m.ruled_out & n.pathways) == 0


def _adult(m: Any, p: Any) -> Any:
    return m.age >= p.min_age


def _youth_allowed(m: Any, n: Any, p: Any) -> Any:
    return (n.age >= p.min_age) | (p.serves_youth & m.youth_vetted)


def _capacity_detail(pr: Pair, enc: Encoders) -> str:
    m = pr.m
    if not m.active[0]:
        return said("Mentor is paused, inactive or not yet vetted.")
    return said("Mentor has no free capacity (%(load)s of %(capacity)s places taken).",
                load=m.load[0], capacity=m.capacity[0])  # fmt: skip


def _recovery_detail(pr: Pair, enc: Encoders) -> str:
    m, p = pr.m, pr.p
    days = int(p.reference_day - int(m.recovery_day[0]))
    if days < p.min_recovery_days:
        return said(
            "Mentor's recovery time (%(days)s days) is below the program minimum of "
            "%(minimum)s days.",
            days=max(days, 0),
            minimum=p.min_recovery_days,
        )
    return said("Mentor's recovery did not start before the newcomer's.")


def _gender_words(codes: list[str]) -> Joined:
    return Joined((Term(_LABEL[c]) for c in codes), "or")


def _gender_detail(pr: Pair, enc: Encoders) -> str:
    m, q = pr.m, pr.q
    if not m.gender[0] & q.pref:
        wanted = _gender_words(enc.gender.labels(q.pref))
        return said("Newcomer asked for a mentor who is: %(genders)s.", genders=wanted)
    accepted = _gender_words(enc.gender.labels(int(m.accepts[0])))
    return said("Mentor only mentors people who are: %(genders)s.", genders=accepted)


def _language_detail(pr: Pair, enc: Encoders) -> str:
    return said("No shared language.")


def _mode_detail(pr: Pair, enc: Encoders) -> str:
    m, q = pr.m, pr.q
    if pr.shared_modes[0] == IN_PERSON:
        km = float(haversine_km(q.lat, q.lon, m.lat[0], m.lon[0]))
        if np.isnan(km):
            return said("Only in-person meetings are shared, and a location is missing.")
        return said(
            "Only in-person meetings are shared, and they are %(km)s km apart (travel radii "
            "%(newcomer)s and %(mentor)s km).",
            km=f"{km:.0f}",
            newcomer=f"{q.radius:.0f}",
            mentor=f"{m.radius[0]:.0f}",
        )
    return said("No shared meeting mode.")


def _medication_detail(pr: Pair, enc: Encoders) -> str:
    label = Term(_LABEL.get(pr.q.medication, pr.q.medication))
    return said(
        "Newcomer takes %(medication)s and the mentor is not medication-affirming.",
        medication=label,
    )


def _pathway_detail(pr: Pair, enc: Encoders) -> str:
    codes = enc.pathway.labels(int(pr.m.ruled_out[0]) & pr.q.pathways)
    names = Joined((said(_LABEL[c]) for c in codes), "and")
    return said_n(
        "Mentor rules out the newcomer's chosen pathway (%(names)s).",
        "Mentor rules out the newcomer's chosen pathways (%(names)s).",
        len(codes),
        names=names,
    )


def _do_not_pair_detail(pr: Pair, enc: Encoders) -> str:
    return said("On the newcomer's do-not-pair list, or declined or let a request expire before.")


def _age_detail(pr: Pair, enc: Encoders) -> str:
    m, p = pr.m, pr.p
    if m.age[0] < p.min_age:
        return said("Mentor is under %(age)s.", age=p.min_age)
    if not p.serves_youth:
        return said(
            "Newcomer is under %(age)s and the program does not serve youth.", age=p.min_age
        )
    return said("Newcomer is under %(age)s and the mentor is not youth-vetted.", age=p.min_age)


RULES: Final[tuple[Rule, ...]] = (
    Rule("capacity", "Mentor is active, vetted and has free capacity.", _capacity_detail,
         mentor=_has_room),
    Rule("recovery_time", "Mentor has the program's minimum recovery time and, where the "
         "program asks it, more than the newcomer.", _recovery_detail,
         mentor=_recovered_long_enough, each=_recovered_before),
    Rule("gender", "Both people's gender preferences are respected.", _gender_detail,
         run=_genders),
    Rule("language", "They share at least one language.", _language_detail,
         run=_shared_language),
    Rule("meeting_mode", "They share a meeting mode; in person only within both travel "
         "radii.", _mode_detail, run=_may_share_mode, each=_shares_mode),
    Rule("medication", "A newcomer on medication gets a medication-affirming mentor.",
         _medication_detail, run=_medication_affirmed),
    Rule("pathway", "The mentor rules out none of the newcomer's chosen pathways.",
         _pathway_detail, run=_pathway_allowed),
    Rule("do_not_pair", "Not on the newcomer's do-not-pair or declined list.",
         _do_not_pair_detail, excluded=True),
    Rule("age", "Mentors are adults; minors only with youth-vetted mentors in youth "
         "programs.", _age_detail, mentor=_adult, run=_youth_allowed),
)  # fmt: skip
RULE_CODES: Final = tuple(r.code for r in RULES)


def in_pool(m: MentorArrays, p: Program) -> np.ndarray:
    """The mentors who may be suggested to anyone: every rule's mentor part."""
    ok = np.ones(len(m), dtype=bool)
    for rule in RULES:
        if rule.mentor is not None:
            ok &= rule.mentor(m, p)
    return ok


def feasible(pair: Pair) -> np.ndarray:
    """All rules combined: True where the mentor may be suggested."""
    ok = np.ones(len(pair.m), dtype=bool)
    for rule in RULES:
        ok &= rule.check(pair)
    return ok


def failures(pair: Pair, enc: Encoders) -> list[tuple[str, str]]:
    """(code, specific sentence) for every rule a single mentor row breaks (the sentence
    `i18n.Words`: English as a `str`, translated where a page shows it)."""
    return [(r.code, r.detail(pair, enc)) for r in RULES if not bool(r.check(pair)[0])]
