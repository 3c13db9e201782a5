"""Mentor ranking: hard rules, soft criteria, explanations (issue 3)."""

from mentormatch.matching.explain import Explanation, Suggestion
from mentormatch.matching.program import CRITERIA, DEFAULT_WEIGHTS
from mentormatch.matching.ranker import MentorRanker, UnknownMentorError
from mentormatch.matching.rules import RULE_CODES, RULES

__all__ = [
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "RULES",
    "RULE_CODES",
    "Explanation",
    "MentorRanker",
    "Suggestion",
    "UnknownMentorError",
]
