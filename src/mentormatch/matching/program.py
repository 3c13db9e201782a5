"""Per-program options resolved once at fit time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, NamedTuple

import numpy as np

CRITERIA: Final = (
    "substance",
    "schedule",
    "pathway",
    "experience",
    "text",
    "age",
    "load",
    "modes",
)

# Why these defaults: shared substance history and a workable weekly schedule are
# what peer-support programs match on first (a mentor who cannot meet, or has never
# lived the newcomer's drug, helps least); pathway alignment matters as much as the
# schedule for 12-step vs SMART-style newcomers; lived-experience flags the newcomer
# explicitly asked for come next; free text is noisy (1), spreading load is a
# fairness term (1); age and meeting-mode breadth are tie-breakers (0.5).
DEFAULT_WEIGHTS: Final[dict[str, float]] = {
    "substance": 3.0,
    "schedule": 2.0,
    "pathway": 2.0,
    "experience": 1.5,
    "text": 1.0,
    "age": 0.5,
    "load": 1.0,
    "modes": 0.5,
}


@dataclass(frozen=True, slots=True)
class Program:
    """Resolved program options used by rules and criteria."""

    weights: dict[str, float]
    family_credit: float
    overlap_saturation_hours: float
    min_recovery_days: int
    mentor_longer_in_recovery: bool
    min_age: int
    serves_youth: bool
    age_span_years: float
    reference: datetime
    week_start: datetime
    reference_day: int

    def weight_vector(self) -> np.ndarray:
        """The criteria's weights in CRITERIA order (float64)."""
        return np.array([self.weights[c] for c in CRITERIA], dtype=np.float64)


def resolve_weights(weights: dict[str, float] | None) -> dict[str, float]:
    """Defaults overridden by ``weights``; unknown names and negatives are errors."""
    out = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in out:
            raise ValueError(f"unknown criterion {name!r}; expected one of {CRITERIA}")
        if not value >= 0:
            raise ValueError(f"weight for {name!r} must be >= 0")
        out[name] = float(value)
    if sum(out.values()) <= 0:
        raise ValueError("at least one criterion weight must be positive")
    return out


class Params(NamedTuple):
    """A program's options as the compiled kernel and the criteria read them (scalars only:
    a named tuple holding an array costs a reference count per compiled call)."""

    min_age: int
    serves_youth: bool
    mentor_longer_in_recovery: bool
    family_credit: np.float32
    rest: np.float32  # 1 - family_credit
    inv_sat: np.float32  # 1 / overlap_saturation_hours
    inv_span: np.float32  # 1 / age_span_years

    @classmethod
    def of(cls, p: Program) -> Params:
        """The kernel's view of ``p``."""
        return cls(
            min_age=int(p.min_age),
            serves_youth=bool(p.serves_youth),
            mentor_longer_in_recovery=bool(p.mentor_longer_in_recovery),
            family_credit=np.float32(p.family_credit),
            rest=np.float32(1.0 - p.family_credit),
            inv_sat=np.float32(1.0 / p.overlap_saturation_hours),
            inv_span=np.float32(1.0 / p.age_span_years),
        )
