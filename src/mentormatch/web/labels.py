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
from mentormatch.newcomers.urgent import OUTCOME_LABELS


def _terms(terms: Iterable[v.Term]) -> dict[str, str]:
    return {t.code: t.label for t in terms}


PAIRING_STATUS: Final = {
    "proposed": "Proposed",
    "approved": "Mentor asked",
    "active": "Active",
    "ended": "Ended",
    "rejected": "Rejected",
    "declined": "Declined by the mentor",
    "expired": "Expired: no answer in time",
    "withdrawn": "Withdrawn",
}
NEWCOMER_STATUS: Final = {
    "waiting": "Waiting",
    "pending": "Mentor asked",
    "paired": "Paired",
    "closed": "Closed",
}
# Why a pairing moved: the reasons people choose (reject, decline, end) and the ones the
# service writes (who proposed it, an answer, an expiry, a mentor who left).
REASONS: Final = {
    # proposed or asked
    "coordinator_choice": "Chosen by a coordinator",
    "whole_pool": "Whole-pool proposal",
    "approved": "Approved by a coordinator",
    "accepted": "Accepted by the mentor",
    # a coordinator rejects a proposal
    "not_a_fit": "Not a good fit",
    "newcomer_unavailable": "The newcomer is not available",
    "coordinator_judgement": "Coordinator's judgement",
    # a mentor declines
    "no_capacity": "No room for another mentee",
    "schedule": "Our times do not fit",
    "conflict_of_interest": "Conflict of interest (for example, we know each other)",
    "personal": "Personal reasons",
    # a pairing ends
    "completed": "Completed",
    "no_contact": "No contact between them",
    "newcomer_request": "The newcomer asked for a different mentor",
    "mentor_unavailable": "The mentor is no longer available",
    "safety": "Safety concern",
    "boundary": "A boundary was crossed",
    # the service
    "no_answer": "No answer in time",
    "newcomer_withdrew": "The newcomer withdrew",
    "mentor_left": "The mentor left the pool",
    "other": "Other",
}
DO_NOT_PAIR: Final = {
    "household": "Same household",
    "workplace": "Same workplace",
    "treatment_cohort": "Same treatment group",
    "past_pairing": "An earlier pairing",
    "other": "Other",
}
ROLES: Final = {
    "newcomer": "the newcomer",
    "mentor": "the mentor",
    "coordinator": "a coordinator",
    "admin": "an admin",
    "system": "the service",
}

# The first-meeting fit check's answers (aftercare/fit.py).
FIT_ANSWERS: Final = {
    "good_fit": "A good fit",
    "not_sure": "Not sure yet",
    "not_a_fit": "Not a fit",
}

# What came of an action in the audit trail (audit/service.py).
AUDIT_OUTCOMES: Final = {
    "ok": "done",
    "denied": "refused",
    "failed": "failed",
    "sent": "sent",
    "throttled": "refused: too many tries",
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
