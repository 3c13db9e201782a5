"""Who a whole-pool proposal left out, and why, in words.

A newcomer is left out for one of three reasons, told apart from the candidate graph
and the assignment: no mentor with a free place fits them at all (the hard rule that
excludes the most of those mentors is named); the mentors who fit them are full,
counting places already proposed for others; or those mentors' free places went to
others in this proposal.
"""

from __future__ import annotations

from typing import Final

from mentormatch.i18n import N_, Words, said, said_n
from mentormatch.matching.rules import RULE_CODES

# Why nobody could be proposed, by the hard rule that excludes the most free mentors.
NO_FREE_MENTOR: Final = {
    "capacity": N_("no mentor has a free place"),
    "recovery_time": N_("no free mentor has been in recovery long enough"),
    "gender": N_("no free mentor fits the gender preferences (theirs or the mentor's)"),
    "language": N_("no free mentor shares their language"),
    "meeting_mode": N_(
        "no free mentor shares a way to meet with them (or lives near enough to meet in person)"
    ),
    "medication": N_("no free mentor is medication-affirming"),
    "pathway": N_("every free mentor rules out one of their chosen pathways"),
    "do_not_pair": N_("every free mentor is on their do-not-pair list or turned them down before"),
    "age": N_("no free mentor may mentor someone of their age"),
}
assert set(NO_FREE_MENTOR) == set(RULE_CODES)


def reason(
    *, blocking_rule: str | None, fitting: int, with_room: int, proposed: bool = True
) -> str:
    """Why a newcomer was not placed: `blocking_rule` when no free mentor fits them,
    else how many mentors fit (`fitting`) and how many of those had a place left. Not
    `proposed` (nobody has run a proposal for them yet): a free place says so. Plain words
    (`N_`) or `i18n.Words`: translated where a page shows them."""
    if blocking_rule is not None or fitting == 0:
        return NO_FREE_MENTOR.get(blocking_rule or "capacity", NO_FREE_MENTOR["capacity"])
    if with_room == 0:
        return said_n(
            "the mentor who fits them has no place left (places proposed for others count)",
            "the %(count)s mentors who fit them have no place left (places proposed for "
            "others count)",
            fitting,
        )
    if not proposed:
        return said_n(
            "the mentor who fits them has a free place: propose again",
            "the %(count)s mentors who fit them have free places: propose again",
            with_room,
        )
    return said_n(
        "the free places of the mentor who fits them went to others",
        "the free places of the %(count)s mentors who fit them went to others",
        with_room,
    )


def sentence(*, name: str, waited_days: int, why: str, proposed: bool = True) -> str:
    """'Maria (K7QX2MPA) waited 78 days and was not placed: no free mentor shares …'."""
    if not proposed:
        return said_n(
            "%(name)s has waited %(count)s day with no proposal: %(why)s.",
            "%(name)s has waited %(count)s days with no proposal: %(why)s.",
            waited_days,
            name=name,
            why=_words(why),
        )
    return said_n(
        "%(name)s waited %(count)s day and was not placed: %(why)s.",
        "%(name)s waited %(count)s days and was not placed: %(why)s.",
        waited_days,
        name=name,
        why=_words(why),
    )


def _words(why: str) -> Words:
    """A reason as `Words` (one of `NO_FREE_MENTOR`'s is a plain `str`), so it is
    translated inside a sentence too."""
    return why if isinstance(why, Words) else said(why)
