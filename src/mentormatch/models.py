"""Every table, imported in one place so Alembic and the tests see the whole schema."""

from mentormatch.accounts.models import AccountToken, AuthSession, User
from mentormatch.aftercare.models import (
    CheckIn,
    Contact,
    EarlierRecoveryDate,
    FitCheck,
    MilestoneMessage,
    Nudge,
)
from mentormatch.assessments.models import Assessment, Episode, FollowupReminder, Instrument
from mentormatch.audit.models import AuditEvent
from mentormatch.db import Base
from mentormatch.decisions.models import MatchDecision, ShownList, WeightProposal
from mentormatch.mentors.models import Mentor, MentorPool
from mentormatch.newcomers.models import Consent, DoNotPair, Newcomer
from mentormatch.newcomers.notes import CaseNote
from mentormatch.newcomers.urgent import UrgentContact
from mentormatch.pairings.models import Pairing, PairingEvent
from mentormatch.pairings.outbox import OutboxMessage
from mentormatch.programs.models import Program, ProgramCoordinator, ProgramSettingChange
from mentormatch.spreadsheets.models import ImportJob, ImportMapping, ImportUpload

metadata = Base.metadata

__all__ = [
    "AccountToken",
    "Assessment",
    "AuditEvent",
    "AuthSession",
    "CaseNote",
    "CheckIn",
    "Consent",
    "Contact",
    "DoNotPair",
    "EarlierRecoveryDate",
    "Episode",
    "FitCheck",
    "FollowupReminder",
    "ImportJob",
    "ImportMapping",
    "ImportUpload",
    "Instrument",
    "MatchDecision",
    "Mentor",
    "MentorPool",
    "MilestoneMessage",
    "Newcomer",
    "Nudge",
    "OutboxMessage",
    "Pairing",
    "PairingEvent",
    "Program",
    "ProgramCoordinator",
    "ProgramSettingChange",
    "ShownList",
    "UrgentContact",
    "User",
    "WeightProposal",
    "metadata",
]
