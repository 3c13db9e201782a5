"""Suggestion and explanation responses for coordinators."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MentorRef(BaseModel):
    id: int
    display_name: str


class SuggestionOut(BaseModel):
    mentor: MentorRef
    rank: int
    score: float = Field(description="Weighted mean of the criteria, 0..1")
    components: dict[str, float] = Field(description="Each criterion's score, 0..1")
    reasons: list[str]


class FailedRuleOut(BaseModel):
    code: str
    message: str


class ExplanationOut(BaseModel):
    mentor: MentorRef
    feasible: bool = Field(description="False when a hard rule excludes this mentor")
    rank: int | None = Field(description="Rank among feasible mentors; null if excluded")
    score: float
    components: dict[str, float]
    reasons: list[str]
    failed_rules: list[FailedRuleOut]
