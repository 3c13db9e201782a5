"""Rerunnable evaluation of the ranker against a hidden ground truth.

Ground truth (``truth``) is *not* the ranker's scoring. It is what a synthetic world
"knows" about a pair and the ranker can only partly observe:

    truth = 0.35 deep + 0.20 lived + 0.15 practical + 0.10 path + 0.10 wanted
            + 0.10 age + noise,  noise ~ N(0, 0.08)

- deep: (1 + cosine of the hidden trait vectors) / 2. The generator draws four
  traits per person and lets them leak only through a few free-text words.
- lived: 1 when the newcomer's *primary* substance (first listed) is in the mentor's
  list, 0.6 when only its family is, else 0 (the ranker averages over all
  substances and uses its own family credit).
- practical: ``1 - exp(-overlap_hours / 2)`` on the true UTC overlap (a different
  saturation curve from the ranker's clip).
- path: 1 same main pathway, 0.5 newcomer undecided or another of theirs shared, else 0.
- wanted: share of wanted lived-experience flags the mentor has.
- age: ``exp(-|age gap| / 15)``.

Mentor load is deliberately absent: the ranker spends some score on spreading work,
which costs it a little NDCG here, as it would in practice.

Feasibility is checked with :mod:`.reference`, independently of the ranker's masks.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd

from mentormatch.matching.frames import NOT_CHOSEN_PATHWAY, as_list
from mentormatch.matching.ranker import MentorRanker
from mentormatch.matching.reference import violations
from mentormatch.matching.schedule import encode, overlap_hours
from mentormatch.matching.synthetic import World, generate
from mentormatch.vocabulary import FAMILY_OF

K: Final = 5


def truth(world: World, *, seed: int = 0) -> np.ndarray:
    """Ground-truth compatibility, newcomers x mentors (rows follow the frames)."""
    m, n = world.mentors, world.newcomers
    a, b = world.newcomer_traits, world.mentor_traits
    deep = (1 + (a / np.linalg.norm(a, axis=1, keepdims=True)) @ (
        b / np.linalg.norm(b, axis=1, keepdims=True)
    ).T) / 2  # fmt: skip
    m_subs = [set(as_list(s)) for s in m["substances"]]
    m_fams = [{FAMILY_OF[x] for x in s} for s in m_subs]
    lived = np.zeros((len(n), len(m)))
    wanted = np.zeros((len(n), len(m)))
    path = np.zeros((len(n), len(m)))
    m_exp = [set(as_list(x)) for x in m["lived_experience"]]
    m_path = [set(as_list(x)) for x in m["pathways"]]
    for i, row in enumerate(n.itertuples()):
        subs = as_list(row.substances)
        if subs:
            first = subs[0]
            lived[i] = [1.0 if first in s else 0.6 if FAMILY_OF[first] in f else 0.0
                        for s, f in zip(m_subs, m_fams, strict=True)]  # fmt: skip
        want = set(as_list(row.wanted_experience))
        if want:
            wanted[i] = [len(want & e) / len(want) for e in m_exp]
        chosen = as_list(row.pathways)
        if not chosen or chosen[0] == NOT_CHOSEN_PATHWAY:
            path[i] = 0.5
        else:
            path[i] = [1.0 if chosen[0] in p else 0.5 if p & set(chosen) else 0.0 for p in m_path]
    start = world.reference.replace(minute=0, second=0, microsecond=0)
    ms = encode(m["availability"].tolist(), m["timezone"].tolist(), start)
    ns = encode(n["availability"].tolist(), n["timezone"].tolist(), start)
    hours = overlap_hours(ns[:, :, None], ms[:, None, :]).astype(float)
    practical = 1 - np.exp(-hours / 2)
    age = np.exp(-np.abs(n["age"].to_numpy()[:, None] - m["age"].to_numpy()[None, :]) / 15)
    noise = np.random.default_rng(seed).normal(0, 0.08, size=deep.shape)
    score = 0.35 * deep + 0.2 * lived + 0.15 * practical + 0.1 * path + 0.1 * wanted
    return np.clip(score + 0.1 * age + noise, 0.0, None)


def ndcg_at_k(rel: np.ndarray, chosen: list[int], feasible: np.ndarray) -> float:
    """NDCG@K of ``chosen`` column indices against the best K feasible ones."""
    disc = 1 / np.log2(np.arange(2, K + 2))
    dcg = float((rel[chosen[:K]] * disc[: len(chosen[:K])]).sum())
    ideal = np.sort(rel[feasible])[::-1][:K]
    idcg = float((ideal * disc[: ideal.size]).sum())
    return dcg / idcg if idcg > 0 else 0.0


def evaluate(world: World, *, seed: int = 0) -> pd.DataFrame:
    """NDCG@5, violations and coverage for the ranker and a random-feasible baseline."""
    ranker = MentorRanker(reference_time=world.reference).fit(world.mentors)
    ranked = ranker.rank(world.newcomers, k=K)
    rel = truth(world, seed=seed)
    mentors: list[dict[str, Any]] = world.mentors.to_dict("records")  # type: ignore[assignment]
    col = {int(r["id"]): j for j, r in enumerate(mentors)}
    by_newcomer = ranked.groupby("newcomer_id")["mentor_id"].apply(list).to_dict()
    rng = np.random.default_rng(seed + 1)
    rows: dict[str, dict[str, list[float]]] = {
        "ranker": {"ndcg": [], "viol": [], "cov": []},
        "random feasible": {"ndcg": [], "viol": [], "cov": []},
    }
    newcomers: list[dict[str, Any]] = world.newcomers.to_dict("records")  # type: ignore[assignment]
    for i, n in enumerate(newcomers):
        broken = [violations(m, n, ranker.program_) for m in mentors]
        feasible = np.array([not b for b in broken])
        idx = np.flatnonzero(feasible)
        picks = {
            "ranker": [col[x] for x in by_newcomer.get(n["id"], [])],
            "random feasible": list(rng.permutation(idx)[:K]),
        }
        for name, chosen in picks.items():
            rows[name]["viol"].append(sum(len(broken[j]) > 0 for j in chosen))
            rows[name]["cov"].append(float(bool(chosen)))
            if idx.size:
                rows[name]["ndcg"].append(ndcg_at_k(rel[i], chosen, feasible))
    return pd.DataFrame(
        {
            "NDCG@5": {k: float(np.mean(v["ndcg"])) for k, v in rows.items()},
            "hard-rule violations": {k: int(sum(v["viol"])) for k, v in rows.items()},
            "coverage": {k: float(np.mean(v["cov"])) for k, v in rows.items()},
        }
    )


def evaluate_command(seed: int = 7, newcomers: int = 500, mentors: int = 300) -> str:
    """Generate a world, rank it, and return the evaluation table as text."""
    world = generate(seed, mentors=mentors, newcomers=newcomers)
    table = evaluate(world, seed=seed)
    head = f"Synthetic world: seed={seed}, {newcomers} newcomers, {mentors} mentors"
    return head + "\n" + table.to_string(float_format=lambda x: f"{x:.3f}")
