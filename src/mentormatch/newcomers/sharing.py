"""What a newcomer shares, now: the scope of their latest consent, and how they change it.

A consent is never edited: the intake writes one, and each later change (from the status
page or `PUT /api/v1/newcomers/me/sharing`) appends a new one with the whole scope in force,
under the notice's current version, so the record shows what was agreed when. Only the
latest consent counts; a minimal urgent request's contact consent is not an intake consent
and never stands in for one.

What a newcomer may change after intake (`CHOICES`): whether an asked mentor sees their
answers, whether an accepted mentor sees their next milestone, whether they get a short
note on milestone days, and whether they are emailed when a follow-up questionnaire is due.
Storing the answers is the intake's own condition: withdrawing it
is deleting the record (`/status/delete`).
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from mentormatch.accounts.principal import Principal
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.errors import Conflict
from mentormatch.i18n import N_
from mentormatch.newcomers.models import Consent, Newcomer
from mentormatch.profiles import Flag

STORE_PROFILE: Final = "store_profile"
SHARE_WITH_MENTOR: Final = "share_with_mentor"
# The consent scope that lets an accepted mentor see the newcomer's next milestone.
SHARE_MILESTONES: Final = "share_milestones_after_acceptance"
# A short note (a link, nothing else) on the newcomer's milestone days.
MILESTONE_MESSAGES: Final = "milestone_messages"
# An email when a follow-up questionnaire is due (a link, nothing else): given at intake
# (the consent step says so), withdrawn by unticking it (assessments/reminders.py).
FOLLOWUP_REMINDERS: Final = "followup_reminders"
CHANGED = "consent_changed"


class SharingIn(BaseModel):
    """What the newcomer shares from now on; each choice is required, so nothing changes by
    omission."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"share_with_mentor": True, "share_milestones": True, "milestone_messages": False}
            ]
        },
    )

    share_with_mentor: Flag = Field(
        description="A mentor who is asked may see my answers (first name, substances, "
        "pathways, languages, schedule overlap)"
    )
    share_milestones: Flag = Field(
        description="Once a mentor has accepted, they may see my next recovery milestone"
    )
    milestone_messages: Flag = Field(
        description="Send me a short note on my milestone days (a link to my page, nothing else)"
    )
    followup_reminders: Flag | None = Field(
        default=None,
        description="Email me when a follow-up questionnaire is due (a link to it, nothing "
        "else); omitted: stays as it is",
    )


class SharingOut(SharingIn):
    version: str = Field(description="The notice's version the latest consent was given under")


# The choices, by the scope each stands for.
CHOICES: Final = {
    "share_with_mentor": SHARE_WITH_MENTOR,
    "share_milestones": SHARE_MILESTONES,
    "milestone_messages": MILESTONE_MESSAGES,
    "followup_reminders": FOLLOWUP_REMINDERS,
}


def current(newcomer: Newcomer) -> Consent | None:
    """The newcomer's latest intake consent (none for a minimal request not yet completed)."""
    given = [c for c in newcomer.consents if STORE_PROFILE in c.scope]
    return given[-1] if given else None  # the relationship is in the order they were given


def consents_to(newcomer: Newcomer, scope: str) -> bool:
    """Whether the newcomer's latest consent covers `scope`."""
    consent = current(newcomer)
    return consent is not None and scope in consent.scope


def shown(newcomer: Newcomer) -> SharingOut:
    consent = current(newcomer)
    scope = set(consent.scope) if consent else set()
    return SharingOut(
        version=consent.version if consent else "",
        **{name: code in scope for name, code in CHOICES.items()},
    )


def change(
    session: Session, *, actor: Principal, newcomer: Newcomer, body: SharingIn, settings: Settings
) -> bool:
    """Record the newcomer's new choices as a new consent (the caller commits); whether any
    changed. 409 before a minimal request is completed: there is nothing to share yet."""
    consent = current(newcomer)
    if consent is None:
        raise Conflict(
            N_("sharing: finish your request first; you choose what to share with it"),
            field="sharing",
        )
    kept = [code for code in consent.scope if code not in CHOICES.values()]
    chosen = [
        code
        for name, code in CHOICES.items()
        if (code in consent.scope if getattr(body, name) is None else getattr(body, name))
    ]
    if set(kept + chosen) == set(consent.scope):
        return False
    newcomer.consents.append(Consent(scope=kept + chosen, version=settings.consent_version))
    audit.record(
        session, actor=actor, action=CHANGED, object_type="newcomer", object_id=newcomer.id
    )
    return True
