"""Does learning from decisions work? A simulated coordinator on the synthetic world.

The coordinator has hidden weights unlike the defaults (`HIDDEN`: they care most about
wanted lived experience, shared interests and age; little about substance, pathway and
load). For each newcomer of the deciding half of the world they see the ranker's top
`SHOWN` suggestions under the weights in force (the defaults) and approve one, picked with
probability ``softmax(hidden score / TEMPERATURE)`` - a decisive but not infallible person.
Before one list in five they also turn one shown mentor down with a reason that says nothing
about fit ("newcomer_unavailable"): a decision that is recorded but does not teach.

`curve` fits `learning.WeightLearner` on the first 100, 300 and 1,000 decisions and ranks
the held-out newcomers (never decided on) with the real ranker under the learned weights.
NDCG@5 is measured against the hidden preference: a mentor's gain is where they sit between
the newcomer's worst (0) and best (1) feasible mentor by the hidden weighted mean (raw
weighted means sit in a narrow band, which would make every ranking look good).
Everything is seeded: the same seed prints the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from mentormatch.matching.evaluation import ndcg_at_k
from mentormatch.matching.learning import Choice, WeightLearner, scaled, teaches
from mentormatch.matching.program import CRITERIA, DEFAULT_WEIGHTS
from mentormatch.matching.ranker import MentorRanker
from mentormatch.matching.synthetic import World, generate

HIDDEN: Final[dict[str, float]] = {
    "substance": 0.5,
    "schedule": 1.0,
    "pathway": 0.5,
    "experience": 3.0,
    "text": 3.0,
    "age": 2.0,
    "load": 0.0,
    "modes": 1.5,
}
STEPS: Final = (100, 300, 1000)
SHOWN: Final = 10
TEMPERATURE: Final = 0.1
NOT_FIT: Final = "newcomer_unavailable"  # a reason that does not teach
ALL: Final = 10_000  # rank every feasible mentor


def _vector(weights: dict[str, float]) -> np.ndarray:
    return np.array([weights[c] for c in CRITERIA], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Step:
    decisions: int  # all decisions so far
    teaching: int  # of which teach
    ndcg: float
    weights: dict[str, float]
    correlation: float  # Pearson, learned vs hidden weights
    distance: float  # Euclidean, both on the defaults' scale


@dataclass(frozen=True, slots=True)
class Curve:
    defaults: float  # NDCG@5 with the defaults
    hidden: float  # with the hidden weights themselves (the ceiling)
    steps: list[Step]
    default_correlation: float
    default_distance: float


def _lists(world: World, newcomers: pd.DataFrame) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Each newcomer's feasible mentors (ids) and their components (0 where n/a)."""
    ranker = MentorRanker(reference_time=world.reference).fit(world.mentors)
    ranked = ranker.rank(newcomers, k=min(ALL, len(world.mentors)))
    out = {}
    for _, group in ranked.groupby("newcomer_id", sort=False):
        values = np.nan_to_num(group[list(CRITERIA)].to_numpy(dtype=np.float64))
        ids = group["mentor_id"].to_numpy()
        out[int(group["newcomer_id"].iloc[0])] = (ids, values)  # best first by the defaults
    return out


def _hidden_score(values: np.ndarray) -> np.ndarray:
    """The hidden weighted mean (shares as the ranker's: over criteria that apply)."""
    w = _vector(HIDDEN) * (values.max(axis=0) > 0)
    return values @ w / max(w.sum(), 1e-12)


def decide(
    lists: dict[int, tuple[np.ndarray, np.ndarray]], *, seed: int, limit: int
) -> list[tuple[Choice, bool]]:
    """The coordinator's decisions, oldest first: (what it teaches, whether it teaches)."""
    rng = np.random.default_rng(seed)
    out: list[tuple[Choice, bool]] = []
    for _, values in lists.values():
        shown = values[:SHOWN]
        if len(shown) < 2:
            continue
        if rng.random() < 0.2:  # turned down for a reason about the newcomer, not the fit
            spot = int(rng.integers(len(shown)))
            out.append((Choice(shown, against=(spot,)), teaches("rejected", NOT_FIT)))
        u = _hidden_score(shown) / TEMPERATURE
        p = np.exp(u - u.max())
        pick = int(rng.choice(len(shown), p=p / p.sum()))
        out.append((Choice(shown, chosen=(pick,)), teaches("approved", "coordinator_choice")))
        if len(out) >= limit:
            break
    return out[:limit]


def ndcg_with(
    world: World, held: pd.DataFrame, lists: dict[int, tuple[np.ndarray, np.ndarray]],
    weights: dict[str, float],
) -> float:  # fmt: skip
    """Mean NDCG@5 of the real ranker under ``weights`` on the held-out newcomers."""
    ranker = MentorRanker(weights=weights, reference_time=world.reference).fit(world.mentors)
    top = ranker.rank(held, k=5).groupby("newcomer_id")["mentor_id"].apply(list).to_dict()
    scores = []
    for nid, (ids, values) in lists.items():
        rel = _hidden_score(values)
        if len(ids) < 2 or np.ptp(rel) <= 0:
            continue
        gain = (rel - rel.min()) / np.ptp(rel)
        column = {int(m): j for j, m in enumerate(ids)}
        chosen = [column[int(m)] for m in top.get(nid, [])]
        scores.append(ndcg_at_k(gain, chosen, np.ones(len(ids), dtype=bool)))
    return float(np.mean(scores))


def _closeness(weights: dict[str, float]) -> tuple[float, float]:
    """Pearson correlation and Euclidean distance to the hidden weights (defaults' scale)."""
    a, b = _vector(weights), scaled(_vector(HIDDEN))
    return float(np.corrcoef(a, b)[0, 1]), float(np.linalg.norm(scaled(a) - b))


def curve(
    seed: int = 7, *, mentors: int = 300, deciding: int = 1300, held_out: int = 500,
    steps: tuple[int, ...] = STEPS,
) -> Curve:  # fmt: skip
    """NDCG@5 against the hidden preference with the defaults and after each step."""
    world = generate(seed, mentors=mentors, newcomers=deciding + held_out)
    seen, held = world.newcomers.iloc[:deciding], world.newcomers.iloc[deciding:]
    decisions = decide(_lists(world, seen), seed=seed, limit=max(steps))
    test = _lists(world, held)
    out = []
    for n in steps:
        taught = [c for c, t in decisions[:n] if t]
        learned = WeightLearner(random_state=seed, n_bootstrap=0).fit(taught).as_dict()
        r, d = _closeness(learned)
        out.append(Step(min(n, len(decisions)), len(taught), ndcg_with(world, held, test, learned),
                        learned, r, d))  # fmt: skip
    r, d = _closeness(dict(DEFAULT_WEIGHTS))
    return Curve(
        defaults=ndcg_with(world, held, test, dict(DEFAULT_WEIGHTS)),
        hidden=ndcg_with(world, held, test, HIDDEN),
        steps=out,
        default_correlation=r,
        default_distance=d,
    )


def report(c: Curve, *, seed: int) -> str:
    """The learning curve as text (what `mentormatch evaluate --learn` prints)."""

    def row(decisions: str, teaching: str, ndcg: float, r: float, d: float) -> dict[str, str]:
        return {"decisions": decisions, "teaching": teaching, "NDCG@5": f"{ndcg:.3f}",
                "r(hidden)": f"{r:.2f}", "distance": f"{d:.2f}"}  # fmt: skip

    rows = {"defaults": row("0", "0", c.defaults, c.default_correlation, c.default_distance)}
    for s in c.steps:
        rows[f"after {s.decisions}"] = row(
            str(s.decisions), str(s.teaching), s.ndcg, s.correlation, s.distance
        )
    rows["hidden (ceiling)"] = row("", "", c.hidden, 1.0, 0.0)
    hidden = dict(zip(CRITERIA, scaled(_vector(HIDDEN)).tolist(), strict=True))
    columns = {"defaults": DEFAULT_WEIGHTS, "hidden": hidden}
    columns |= {f"after {s.decisions}": s.weights for s in c.steps}
    weights = pd.DataFrame(columns).T
    return "\n".join([
        f"Learning from a simulated coordinator (seed={seed}) whose hidden weights are unlike "
        "the defaults: NDCG@5 against their hidden preference on held-out newcomers; "
        "r(hidden) and distance compare the weights with the hidden ones.",
        pd.DataFrame(rows).T.to_string(),
        "",
        "Weights (on the defaults' scale):",
        weights.to_string(float_format=lambda x: f"{x:.2f}"),
    ])  # fmt: skip


def plot(c: Curve, ax: Any = None) -> Any:
    """The learning curve (NDCG@5 against decisions) on a matplotlib axis."""
    import matplotlib.pyplot as plt  # only the notebook draws

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    xs = [0, *(s.decisions for s in c.steps)]
    ax.plot(xs, [c.defaults, *(s.ndcg for s in c.steps)], marker="o", label="learned")
    ax.axhline(c.defaults, ls=":", color="grey", label="defaults")
    ax.axhline(c.hidden, ls="--", color="green", label="hidden weights (ceiling)")
    ax.set_xlabel("decisions")
    ax.set_ylabel("NDCG@5 (hidden preference)")
    ax.legend()
    return ax
