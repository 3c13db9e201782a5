"""The words people read for every code the service stores: one definition, per kind.

Pages never show a code (`coordinator_choice`, `no_capacity`, `whole_pool`, a status…):
templates write `{{ code|label("reason") }}` or `{{ codes|labels("substance") }}`. A kind
keeps codes apart that mean different things in different lists — `other` is "Other" as a
substance and "Another gender" as a gender. A code with no label is shown as it is, so a
test that reads every page for codes finds it (tests/reliability/test_page_words.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from mentormatch import vocabulary as v
from mentormatch.i18n import N_
from mentormatch.newcomers.urgent import OUTCOME_LABELS


def _terms(terms: Iterable[v.Term]) -> dict[str, str]:
    return {t.code: t.label for t in terms}


PAIRING_STATUS: Final = {
    "proposed": N_("Proposed"),
    "approved": N_("Mentor asked"),
    "active": N_("Active"),
    "ended": N_("Ended"),
    "rejected": N_("Rejected"),
    "declined": N_("Declined by the mentor"),
    "expired": N_("Expired: no answer in time"),
    "withdrawn": N_("Withdrawn"),
}
NEWCOMER_STATUS: Final = {
    "waiting": N_("Waiting"),
    "pending": N_("Mentor asked"),
    "paired": N_("Paired"),
    "closed": N_("Closed"),
}
# Why a pairing moved: the reasons people choose (reject, decline, end) and the ones the
# service writes (who proposed it, an answer, an expiry, a mentor who left).
REASONS: Final = {
    # proposed or asked
    "coordinator_choice": N_("Chosen by a coordinator"),
    "whole_pool": N_("Whole-pool proposal"),
    "approved": N_("Approved by a coordinator"),
    "accepted": N_("Accepted by the mentor"),
    # a coordinator rejects a proposal
    "not_a_fit": N_("Not a good fit"),
    "newcomer_unavailable": N_("The newcomer is not available"),
    "coordinator_judgement": N_("Coordinator's judgement"),
    # a mentor declines
    "no_capacity": N_("No room for another mentee"),
    "schedule": N_("Our times do not fit"),
    "conflict_of_interest": N_("Conflict of interest (for example, we know each other)"),
    "personal": N_("Personal reasons"),
    # a pairing ends
    "completed": N_("Completed"),
    "no_contact": N_("No contact between them"),
    "newcomer_request": N_("The newcomer asked for a different mentor"),
    "mentor_unavailable": N_("The mentor is no longer available"),
    "safety": N_("Safety concern"),
    "boundary": N_("A boundary was crossed"),
    # the service
    "no_answer": N_("No answer in time"),
    "newcomer_withdrew": N_("The newcomer withdrew"),
    "mentor_left": N_("The mentor left the pool"),
    "other": N_("Other"),
}
DO_NOT_PAIR: Final = {
    "household": N_("Same household"),
    "workplace": N_("Same workplace"),
    "treatment_cohort": N_("Same treatment group"),
    "past_pairing": N_("An earlier pairing"),
    "other": N_("Other"),
}
ROLES: Final = {
    "newcomer": N_("the newcomer"),
    "mentor": N_("the mentor"),
    "coordinator": N_("a coordinator"),
    "admin": N_("an admin"),
    "system": N_("the service"),
}

# The first-meeting fit check's answers (aftercare/fit.py).
FIT_ANSWERS: Final = {
    "good_fit": N_("A good fit"),
    "not_sure": N_("Not sure yet"),
    "not_a_fit": N_("Not a fit"),
}

# What came of an action in the audit trail (audit/service.py).
AUDIT_OUTCOMES: Final = {
    "ok": N_("done"),
    "denied": N_("refused"),
    "failed": N_("failed"),
    "sent": N_("sent"),
    "throttled": N_("refused: too many tries"),
}

# The matching's criteria (`matching.program.CRITERIA`), by the names their weights have in
# a program's settings (in English the name itself; the catalog gives other languages words).
CRITERIA: Final = {
    "substance": N_("substance"),
    "schedule": N_("schedule"),
    "pathway": N_("pathway"),
    "experience": N_("experience"),
    "text": N_("text"),
    "age": N_("age"),
    "load": N_("load"),
    "modes": N_("modes"),
}

KINDS: Final[Mapping[str, Mapping[str, str]]] = {
    "substance": _terms(v.SUBSTANCES),
    "family": _terms(v.SUBSTANCE_FAMILIES),
    "pathway": _terms(v.PATHWAYS),
    "medication": _terms(v.MEDICATIONS),
    "mode": _terms(v.MEETING_MODES),
    "gender": _terms(v.GENDERS),
    "experience": _terms(v.LIVED_EXPERIENCE),
    "language": _terms(v.LANGUAGES),
    "contact": _terms(v.CONTACT_METHODS),
    "pairing_status": PAIRING_STATUS,
    "newcomer_status": NEWCOMER_STATUS,
    "reason": REASONS,
    "do_not_pair": DO_NOT_PAIR,
    "outcome": {str(k): text for k, text in OUTCOME_LABELS.items()},
    "role": ROLES,
    "audit_outcome": AUDIT_OUTCOMES,
    "fit_answer": FIT_ANSWERS,
    "criterion": CRITERIA,
}
# Without a kind (older templates): the first list that knows the code, the vocabulary's
# lists first and substances before genders, so `other` is never "Another gender" there.
_ANY: Final = {code: text for kind in reversed(list(KINDS.values())) for code, text in kind.items()}


def label(code: str | None, kind: str | None = None) -> str:
    """The words for a code of the given kind ("" for none; the code itself if unknown)."""
    if not code:
        return ""
    table = KINDS[kind] if kind is not None else _ANY
    return table.get(str(code), str(code))


def labels(codes: Iterable[str] | None, kind: str | None = None) -> str:
    """The words for several codes, comma separated ("—" for none)."""
    return ", ".join(label(c, kind) for c in codes or []) or "—"


def choices(kind: str, codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, words) pairs for a select or radio group, in the order given."""
    return [(code, label(code, kind)) for code in codes]
