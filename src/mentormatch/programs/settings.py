"""A program's settings: what an admin may change while it runs, each with its default.

One definition (`ProgramSettings`) serves the API, the admin page and every reader. A
program stores only what an admin changed (`Program.settings`); everything else follows
the installation's defaults, which the environment sets where a variable exists
(`config.Settings`: MENTORMATCH_MIN_RECOVERY_DAYS, ..._MIN_AGE, ..._SERVES_YOUTH,
..._PAIRING_EXPIRY_DAYS, ..._MATCH_WEIGHTS). Readers call `effective` on the program row
they load, so a change is in force in every worker at the next request.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from sqlalchemy.orm import Session

from mentormatch import vocabulary
from mentormatch.assessments.definitions import BARC10_CODE
from mentormatch.assessments.definitions import Code as InstrumentCode
from mentormatch.config import Settings
from mentormatch.i18n import N_, said
from mentormatch.matching.program import resolve_weights
from mentormatch.pairings.assignment import DEFAULT_WAIT_POINTS
from mentormatch.profiles import NoNul
from mentormatch.programs.models import Program

LEARN_MIN_DECISIONS = 200

Words = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoNul
]
# One criterion's weight: finite, from 0 to 100 (the defaults run from 0.5 to 3).
Weight = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
# The questionnaires due at one kind of follow-up window (assessments/followups.py).
Instruments = Annotated[list[InstrumentCode], Field(max_length=5)]
FOLLOWUP_INSTRUMENTS = (
    "followup_baseline_instruments", "followup_day_instruments",
    "followup_yearly_instruments", "followup_closeout_instruments",
)  # fmt: skip
# Tap-to-call and tap-to-text links (RFC 3966 tel:, RFC 5724 sms:) or a web page.
_LINK = re.compile(r"^(tel:\+?[0-9]{2,15}|sms:\+?[0-9]{2,15}|https://[^\s<>\"']{4,200})$")


class CrisisLinkSetting(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Words = Field(examples=["Call 988"])
    href: str = Field(
        description="tel:NUMBER, sms:NUMBER or an https:// address", examples=["tel:988"]
    )

    @field_validator("href")
    @classmethod
    def _tappable(cls, value: str) -> str:
        if not _LINK.match(value.strip()):
            raise ValueError(N_("must be tel:NUMBER, sms:NUMBER or an https:// address"))
        return value.strip()


class CrisisResourceSetting(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Words = Field(examples=["988 Suicide & Crisis Lifeline"])
    contact: Words = Field(examples=["Call or text 988"])
    region: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40), NoNul] = ""
    links: list[CrisisLinkSetting] = Field(default_factory=list, max_length=4)


class ProgramSettings(BaseModel):
    """Every setting of a program, with its meaning; all are required once resolved."""

    model_config = ConfigDict(extra="forbid")

    weights: dict[str, Weight] = Field(
        description=N_(
            "How much each criterion counts in a suggestion (>= 0; names as in the "
            "explanations: substance, schedule, pathway, experience, text, age, load, modes)"
        )
    )
    min_recovery_days: int = Field(
        ge=0, le=36500, description=N_("A mentor's shortest time in recovery, in days")
    )
    mentor_longer_in_recovery: bool = Field(
        description=N_(
            "A mentor must have been in recovery longer than the newcomer (when "
            "the newcomer gave the date their recovery began)"
        )
    )
    min_age: int = Field(ge=0, le=120, description=N_("The youngest age the program serves"))
    serves_youth: bool = Field(
        description=N_("The program serves people under 18 (with youth-vetted mentors only)")
    )
    same_gender_default: bool = Field(
        description=N_("The intake starts with 'a mentor of my own gender' ticked")
    )
    request_expiry_days: int = Field(
        ge=1, le=60, description=N_("Days a mentor has to answer a request before it expires")
    )
    reminder_after_days: float = Field(
        gt=0, le=60, description=N_("Days after a request before the mentor is reminded once")
    )
    quiet_pairing_days: int = Field(
        ge=1, le=365, description=N_("Days without a logged contact before the mentor is reminded")
    )
    quiet_escalation_days: int = Field(
        ge=1, le=365, description=N_("Further quiet days before the pairing needs a coordinator")
    )
    fit_check_days: int = Field(
        ge=1, le=365, description=N_("Days after acceptance before both are asked 'a good fit?'")
    )
    pairing_months: int = Field(
        ge=0,
        le=60,
        description=N_(
            "Months a pairing runs before it graduates (ends as planned); 0: no set "
            "length, a coordinator ends it"
        ),
    )
    capacity_cap: int = Field(ge=1, le=10, description=N_("The most mentees a mentor may take"))
    wait_weight: float = Field(
        ge=0,
        le=10,
        description=N_(
            "How much waiting counts in whole-pool proposals, in match-score points "
            "per 30 days waited (match scores run from 0 to 1). 1: of two people a mentor fits, "
            "the one who has waited a month longer is placed first, however much better the "
            "other's match; 0.1: a month's wait outweighs a tenth of a point; 0: waiting does "
            "not count"
        ),
    )
    intake_languages: list[str] = Field(
        min_length=1, description=N_("The languages the intake offers to choose from (codes)")
    )
    crisis_resources: list[CrisisResourceSetting] = Field(
        min_length=1,
        max_length=6,
        description=N_("Who to call in a crisis, for the program's country"),
    )
    crisis_notice: Words = Field(description=N_("The words shown above the crisis resources"))
    # --- learned weights (decisions/learn.py) ---
    learn_min_decisions: int = Field(
        ge=20,
        le=100_000,
        description=N_(
            "Decisions about fit (approvals among shown suggestions, turn-downs, "
            "declines and early ends for a reason about fit) needed before weights are learned "
            "from them and proposed to an admin"
        ),
    )
    learn_min_outcomes: int = Field(
        ge=1,
        le=100_000,
        description=N_(
            "Outcomes of one kind (pairings held to their planned end; recovery-capital "
            "changes while paired) needed before that kind teaches the weights beside decisions"
        ),
    )
    # Follow-up questionnaires (issue 19; assessments/followups.py reads them).
    followup_baseline_instruments: Instruments = Field(
        description=N_(
            "The questionnaires due at the baseline (codes, e.g. barc10); none: no baseline window"
        )
    )
    followup_day_instruments: Instruments = Field(
        description=N_(
            "The questionnaires due at the follow-up (`followup_day`); none: no such window"
        )
    )
    followup_yearly_instruments: Instruments = Field(
        description=N_("The questionnaires due at each yearly follow-up; none: no yearly windows")
    )
    followup_closeout_instruments: Instruments = Field(
        description=N_("The questionnaires due at the closeout, after care ends; none: no closeout")
    )
    followup_baseline_days: int = Field(
        ge=1, le=180, description=N_("Days after the intake (or a new episode) the baseline is due")
    )
    followup_day: int = Field(
        ge=30,
        le=330,
        description=N_("The follow-up's day, counted from the intake (180: 6 months)"),
    )
    followup_tolerance_days: int = Field(
        ge=1, le=165, description=N_("Days before and after the follow-up's day it may be taken")
    )
    followup_yearly_tolerance_days: int = Field(
        ge=1, le=182, description=N_("Days before and after each yearly follow-up it may be taken")
    )
    followup_closeout_days: int = Field(
        ge=1, le=180, description=N_("Days after care ends the closeout questionnaire is due")
    )
    followup_target_percent: int = Field(
        ge=1, le=100, description=N_("The follow-up rate the program aims for, in percent")
    )

    @field_validator("weights")
    @classmethod
    def _known_weights(cls, value: dict[str, float]) -> dict[str, float]:
        return resolve_weights(value)

    @field_validator("intake_languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        unknown = [code for code in value if code not in vocabulary.LANGUAGE_CODES]
        if unknown:
            raise ValueError(said("unknown language code %(unknown)s", unknown=repr(unknown[0])))
        return list(dict.fromkeys(value))

    @field_validator(*FOLLOWUP_INSTRUMENTS)
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _windows_apart(self) -> ProgramSettings:
        """Something is due, and the windows never overlap: baseline, then the follow-up,
        then the first year."""
        if not any(getattr(self, name) for name in FOLLOWUP_INSTRUMENTS):
            raise ValueError(
                N_(
                    "followup_baseline_instruments is empty, and so is every other window: choose "
                    "a questionnaire for at least one window"
                )
            )
        day, tolerance = self.followup_day, self.followup_tolerance_days
        if 2 * tolerance > day:
            raise ValueError(
                said(
                    "followup_tolerance_days must be at most half of followup_day (%(day)s)",
                    day=day // 2,
                )
            )
        if day - tolerance <= self.followup_baseline_days:
            raise ValueError(
                said(
                    "followup_baseline_days must end before the follow-up window opens (day "
                    "%(day)s)",
                    day=day - tolerance,
                )
            )
        if day + tolerance >= 365 - self.followup_yearly_tolerance_days:
            raise ValueError(
                said(
                    "followup_yearly_tolerance_days must let the first year's window open "
                    "after the follow-up window closes (day %(day)s)",
                    day=day + tolerance,
                )
            )
        return self

    @model_validator(mode="after")
    def _reminder_before_expiry(self) -> ProgramSettings:
        if self.reminder_after_days >= self.request_expiry_days:
            raise ValueError(N_("reminder_after_days must be shorter than request_expiry_days"))
        return self


def installation_defaults(settings: Settings) -> dict[str, Any]:
    """What a program follows for every setting its admin has not changed."""
    return {
        "weights": resolve_weights(settings.match_weights or None),
        "min_recovery_days": settings.min_recovery_days,
        # True: the ranker has always required it (the recovery_time rule); a program
        # turns it off, never silently an installation
        "mentor_longer_in_recovery": True,
        "min_age": settings.min_age,
        "serves_youth": settings.serves_youth,
        "same_gender_default": False,
        "request_expiry_days": settings.pairing_expiry_days,
        "reminder_after_days": settings.pairing_expiry_days / 2,
        "quiet_pairing_days": 14,
        "quiet_escalation_days": 7,
        "fit_check_days": 14,
        "pairing_months": 6,
        "capacity_cap": 10,
        "wait_weight": DEFAULT_WAIT_POINTS,
        "intake_languages": [t.code for t in vocabulary.LANGUAGES],
        "crisis_resources": [dict(r) for r in vocabulary.CRISIS_RESOURCES],
        "crisis_notice": vocabulary.CRISIS_NOTICE,
        # learned weights: with 200, of which the latest 50 are held out, the simulated
        # coordinator's weights are within reach (docs/matching.md, "Weights learned")
        "learn_min_decisions": LEARN_MIN_DECISIONS,
        # outcomes come months after a decision; 30 of a kind before they count
        "learn_min_outcomes": 30,
        # follow-ups: the SAMHSA client-outcome schedule and its 80 % target
        "followup_baseline_instruments": [BARC10_CODE],
        "followup_day_instruments": [BARC10_CODE],
        "followup_yearly_instruments": [BARC10_CODE],
        "followup_closeout_instruments": [BARC10_CODE],
        "followup_baseline_days": 30,
        "followup_day": 180,
        "followup_tolerance_days": 30,
        "followup_yearly_tolerance_days": 30,
        "followup_closeout_days": 30,
        "followup_target_percent": 80,
    }


def effective(program: Program, settings: Settings) -> ProgramSettings:
    """The program's settings in force: its own changes over the installation's defaults."""
    return ProgramSettings.model_validate(installation_defaults(settings) | program.settings)


def of_program(session: Session, program_id: int, settings: Settings) -> ProgramSettings:
    """The settings in force for the program with this id (read from its row now)."""
    return effective(session.get_one(Program, program_id), settings)
