"""Learned-weight responses for admins."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class Held(BaseModel):
    ndcg: float = Field(description="NDCG@5 of the approved mentor among those shown, 0..1")
    mean_rank: float = Field(description="Mean rank of the approved mentor (1 = first)")


class CriterionWeight(BaseModel):
    criterion: str = Field(examples=["substance"])
    current: float = Field(description="The weight in force when the proposal was made")
    proposed: float = Field(description="The learned weight, on the defaults' scale")
    std: float = Field(description="Its standard deviation over bootstrap resamples")


class ProposalPublic(BaseModel):
    id: int
    program_id: int
    created_at: datetime
    status: str = Field(description="open, adopted or dismissed")
    decided_at: datetime | None
    weights: list[CriterionWeight]
    decisions: int = Field(description="Decisions about fit it was learned from and tested on")
    held_out: int = Field(description="Of which the latest, held out to compare")
    current: Held = Field(description="The weights in force on the held-out decisions")
    proposed: Held = Field(description="The proposed weights on the held-out decisions")
    labels: list[str] = Field(
        description="What it was learned from: the kinds of decision (approved, rejected, "
        "declined, ended_early, not_a_fit) and of outcome (retained, recovery_capital)"
    )


class OutcomeCount(BaseModel):
    label: str = Field(description="retained or recovery_capital", examples=["retained"])
    count: int = Field(description="Outcomes of this kind the program has")
    teaches: bool = Field(description="Whether there are enough (learn_min_outcomes) to teach")


class LearnedWeightsPublic(BaseModel):
    program_id: int
    decisions: int = Field(description="Decisions recorded that teach (about fit)")
    recorded: int = Field(description="All decisions recorded on shown lists")
    needed: int = Field(description="The program's learn_min_decisions")
    current: dict[str, float] = Field(description="The weights in force")
    outcomes: list[OutcomeCount] = Field(
        description="What happened after approvals: pairings held to their planned end, and "
        "recovery-capital changes while paired"
    )
    outcomes_needed: int = Field(description="The program's learn_min_outcomes")
    proposal: ProposalPublic | None = Field(description="The latest proposal, if any")
