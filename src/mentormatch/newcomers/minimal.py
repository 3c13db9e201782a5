"""Minimal urgent requests: what they hold, why they are not matched, how they are completed.

Someone in danger now may send only a name or alias and a way to reach them
(`POST /api/v1/newcomers/urgent`, the crisis box on the intake page). The record is urgent
at once and `minimal`: never suggested, explained, approved or proposed until the newcomer
completes the intake through their private link (PATCH /me with the required answers and
the consent). The intake's consent rules live here too, shared by both ways in.
"""

from __future__ import annotations

from typing import Any, Final

from mentormatch.config import Settings
from mentormatch.errors import Conflict, Invalid
from mentormatch.i18n import N_, said
from mentormatch.newcomers.models import Consent, Newcomer
from mentormatch.newcomers.schemas import ConsentIn
from mentormatch.newcomers.sharing import (
    FOLLOWUP_REMINDERS,
    SHARE_MILESTONES,
    SHARE_WITH_MENTOR,
    STORE_PROFILE,
)

# What sending a minimal request agrees to (said next to its button).
URGENT_CONTACT: Final = "urgent_contact"
# The answers a minimal record does not have yet.
EMPTY_ANSWERS: Final[dict[str, Any]] = {
    "gender": None,
    "birth_year": None,
    "timezone": None,
    "languages": [],
    "substances": [],
    "meeting_modes": [],
}
# What completing it needs, besides the consent.
REQUIRED: Final = ("gender", "birth_year", "languages", "timezone", "substances", "meeting_modes")
# What a minimal record may change and stay minimal.
CONTACT_FIELDS: Final = frozenset(
    {"first_name", "email", "phone", "preferred_contact", "share_contact"}
)


class NotMatchable(Conflict):
    """A minimal urgent request asked to be matched (409)."""


def not_matched_reason(newcomer_id: int) -> str:
    return (
        f"newcomer {newcomer_id} sent a minimal urgent request; they can be matched once "
        "they complete the intake through their private link"
    )


def ensure_matchable(newcomer_id: int, *, is_minimal: bool) -> None:
    """409 for a minimal record: nobody is matched on answers they have not given."""
    if is_minimal:
        raise NotMatchable(not_matched_reason(newcomer_id), field="newcomer_id")


def check_consent_version(consent: ConsentIn, settings: Settings) -> None:
    if consent.version != settings.consent_version:
        raise Invalid(
            said(
                "consent.version: the notice has changed; current version is %(consent_version)s",
                consent_version=settings.consent_version,
            ),
            field="consent.version",
        )


def consent_scope(consent: ConsentIn, *, share_contact: bool) -> list[str]:
    """What the intake's consent covers: storing the answers, follow-up reminders by email
    (the consent step says so; untick them on the status page), and what the newcomer ticked."""
    scope = [STORE_PROFILE, "redisclosure_notice", FOLLOWUP_REMINDERS]
    if consent.share_with_mentor:
        scope.append(SHARE_WITH_MENTOR)
    if share_contact:
        scope.append("share_contact_after_acceptance")
    if consent.share_milestones:
        scope.append(SHARE_MILESTONES)
    return scope


def check_completion(
    newcomer: Newcomer, changes: dict[str, Any], consent: ConsentIn | None, *, settings: Settings
) -> ConsentIn | None:
    """The consent completing a minimal record with these changes, or None when the record
    is not being completed. A minimal record takes a name or contact correction alone, or
    every required answer with the consent: health answers are never kept without it."""
    if not newcomer.minimal:
        if consent is not None:
            raise Invalid(
                N_(
                    "consent: was given at intake; it is sent here only to complete a minimal "
                    "urgent request"
                ),
                field="consent",
            )
        return None
    if consent is None and not set(changes) - CONTACT_FIELDS:
        return None
    missing = [name for name in REQUIRED if not changes.get(name)]
    if missing:
        raise Invalid(
            said(
                "%(missing)s: needed to complete your request (send every required "
                "answer and the consent together)",
                missing=missing[0],
            ),
            field=missing[0],
        )
    if consent is None:
        raise Invalid(
            N_("consent: needed to complete your request, with your answers"), field="consent"
        )
    check_consent_version(consent, settings)
    return consent


def complete(newcomer: Newcomer, consent: ConsentIn) -> None:
    """The answers are in (the caller applied them): record the consent; matching may start."""
    newcomer.minimal = False
    scope = consent_scope(consent, share_contact=newcomer.share_contact)
    newcomer.consents.append(Consent(scope=scope, version=consent.version))
