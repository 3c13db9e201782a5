"""Newcomers encoded for the ranker: one representation, column by column.

``Newcomers`` holds checked newcomer rows encoded column by column (a batch; a single
newcomer is a one-row batch). ``Newcomers.columns`` gives them as the rules, the
criteria and the compiled kernel read them (``Newcomer``, a named tuple of arrays); a
``Query`` is one row's view for explanations (its sentences and reasons).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from mentormatch import vocabulary as vocab
from mentormatch.matching import frames as F
from mentormatch.matching import schedule
from mentormatch.matching.features import (
    ALL_GENDERS,
    F32,
    Encoders,
    as_days,
    as_numbers,
    as_radians,
    encode_text,
    reach2,
    unit_vectors,
)


class Newcomer(NamedTuple):
    """Newcomer rows as the rules, the criteria and the kernel read them (arrays; the
    kernel reads one row's scalars in the same fields)."""

    gender: Any
    pref: Any
    languages: Any
    modes: Any
    pathways: Any  # bitmask of every pathway they gave (the hard rule reads all)
    main_pathway: Any  # the bit of their main (first) pathway, 0 when none
    on_medication: Any
    age: Any
    recovery_day: Any
    substances: Any  # bitmask of SUBSTANCE_CODES
    n_substances: Any
    wanted: Any
    has_text: Any
    ux: Any
    uy: Any
    uz: Any
    reach2: Any
    s0: Any  # UTC schedule words
    s1: Any
    s2: Any


@dataclass(frozen=True, slots=True)
class Query:
    """One newcomer, encoded for a query against the mentor arrays."""

    id: int
    gender: int
    pref: int
    languages: int
    modes: int
    pathways: int
    main_pathway: int
    on_medication: bool
    medication: str
    age: int
    recovery_day: int
    lat: float
    lon: float
    radius: float
    unit: tuple[float, float, float]
    reach2: float
    substances: tuple[int, ...]
    families: tuple[int, ...]
    wanted: int
    schedule: np.ndarray
    terms: np.ndarray
    weights: np.ndarray
    excluded: np.ndarray
    timezone: str
    columns: Newcomer  # this newcomer as the rules and criteria read it (shape-(1,) arrays)

    def with_(self, **changes: Any) -> Query:
        """A copy with some fields changed (used by tests)."""
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Newcomers:
    """Checked newcomer rows encoded column by column (the batch form of ``Query``)."""

    id: np.ndarray
    gender: np.ndarray
    pref: np.ndarray
    languages: np.ndarray
    modes: np.ndarray
    pathways: np.ndarray
    main_pathway: np.ndarray
    medication: list[str]
    on_medication: np.ndarray
    age: np.ndarray
    recovery_day: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    radius: np.ndarray
    unit: np.ndarray  # (n, 3) float32
    reach2: np.ndarray
    substances: list[tuple[int, ...]]
    families: list[tuple[int, ...]]
    wanted: np.ndarray
    schedule: np.ndarray  # (n, 3) uint64
    text: sp.csr_matrix
    excluded: list[np.ndarray]
    timezone: list[str]

    def __len__(self) -> int:
        return len(self.id)

    def columns(self) -> Newcomer:
        """The rows as the rules, the criteria and the kernel read them."""
        n = len(self)
        count = lambda values: np.fromiter(values, dtype=np.int64, count=n)  # noqa: E731
        i64 = lambda values: np.ascontiguousarray(values, dtype=np.int64)  # noqa: E731
        unit = np.asarray(self.unit, dtype=F32).reshape(-1, 3)
        sched = np.ascontiguousarray(self.schedule, dtype=np.uint64).reshape(-1, 3)
        return Newcomer(
            gender=i64(self.gender), pref=i64(self.pref), languages=i64(self.languages),
            modes=i64(self.modes), pathways=i64(self.pathways),
            main_pathway=i64(self.main_pathway),
            on_medication=np.ascontiguousarray(self.on_medication, dtype=np.bool_),
            age=i64(self.age), recovery_day=i64(self.recovery_day),
            substances=count(sum(s) for s in self.substances),
            n_substances=count(len(s) for s in self.substances), wanted=i64(self.wanted),
            has_text=np.diff(self.text.indptr) > 0,
            ux=unit[:, 0].copy(), uy=unit[:, 1].copy(), uz=unit[:, 2].copy(),
            reach2=np.ascontiguousarray(self.reach2, dtype=F32),
            s0=sched[:, 0].copy(), s1=sched[:, 1].copy(), s2=sched[:, 2].copy(),
        )  # fmt: skip

    def queries(self) -> list[Query]:
        """One ``Query`` per row."""
        text, out = self.text, []
        every = self.columns()
        cols = zip(
            self.id.tolist(), self.gender.tolist(), self.pref.tolist(), self.languages.tolist(),
            self.modes.tolist(), self.pathways.tolist(), self.main_pathway.tolist(),
            self.medication, self.age.tolist(),
            self.recovery_day.tolist(), self.lat.tolist(), self.lon.tolist(),
            self.radius.tolist(), self.unit.tolist(), self.reach2.tolist(), self.substances,
            self.families, self.wanted.tolist(), self.excluded, self.timezone, strict=True,
        )  # fmt: skip
        for i, (id_, g, pf, lang, mode, path, main, med, age, day, la, lo_, rad, unit, rr,
                subs, fams, want, excl, tz) in enumerate(cols):  # fmt: skip
            a, b = text.indptr[i], text.indptr[i + 1]
            out.append(
                Query(
                    id=id_,
                    gender=g,
                    pref=pf,
                    languages=lang,
                    modes=mode,
                    pathways=path,
                    main_pathway=main,
                    on_medication=med != F.NO_MEDICATION,
                    medication=med,
                    age=age,
                    recovery_day=day,
                    lat=la,
                    lon=lo_,
                    radius=rad,
                    unit=tuple(unit),
                    reach2=rr,
                    substances=subs,
                    families=fams,
                    wanted=want,
                    schedule=self.schedule[i],
                    terms=text.indices[a:b].astype(np.int64),
                    weights=text.data[a:b],
                    excluded=excl,
                    timezone=tz,
                    columns=Newcomer(*(c[i : i + 1] for c in every)),
                )
            )
        return out


def encode_newcomer_rows(df: pd.DataFrame, enc: Encoders) -> Newcomers:
    """Encode a checked newcomers frame column by column."""
    return encode_newcomer_columns({name: df[name].tolist() for name in F.NEWCOMER_COLUMNS}, enc)


def encode_newcomer_columns(cols: Mapping[str, list[Any]], enc: Encoders) -> Newcomers:
    """Encode checked newcomer columns (``frames.check_newcomer_record``'s, or a frame's)."""
    sched = schedule.encode(cols[F.AVAILABILITY], cols[F.TIMEZONE], enc.week_start)
    lat, lon = as_radians(cols[F.LATITUDE]), as_radians(cols[F.LONGITUDE])
    radius = as_numbers(cols[F.TRAVEL_RADIUS_KM])
    pref = enc.gender.transform(cols[F.GENDER_PREF]).astype(np.int64)
    other = enc.gender.bit["other"]
    medication = [v if isinstance(v, str) else F.NO_MEDICATION for v in cols[F.MEDICATION]]
    sub_bit, fam_bit = enc.substance.bit, enc.family.bit
    substances = [[s for s in dict.fromkeys(row) if s in sub_bit] for row in cols[F.SUBSTANCES]]
    chosen = [
        [enc.pathway.bit[v] for v in row if v != F.NOT_CHOSEN_PATHWAY and v in enc.pathway.bit]
        for row in cols[F.PATHWAYS]
    ]
    ints = lambda values: np.array(values, dtype=np.int64).reshape(-1)  # noqa: E731
    return Newcomers(
        id=ints(cols[F.ID]),
        gender=ints([enc.gender.bit.get(g, other) for g in cols[F.GENDER]]),
        pref=np.where(pref == 0, ALL_GENDERS, pref),
        languages=enc.language.transform(cols[F.LANGUAGES]).astype(np.int64),
        modes=enc.mode.transform(cols[F.MEETING_MODES]).astype(np.int64),
        pathways=ints([sum(dict.fromkeys(bits)) for bits in chosen]),
        main_pathway=ints([bits[0] if bits else 0 for bits in chosen]),
        medication=medication,
        on_medication=np.array([m != F.NO_MEDICATION for m in medication], dtype=bool),
        age=ints(cols[F.AGE]),
        recovery_day=as_days(cols[F.RECOVERY_START]).astype(np.int64),
        lat=lat,
        lon=lon,
        radius=radius,
        unit=np.column_stack(unit_vectors(lat, lon)).reshape(-1, 3),
        reach2=reach2(radius),
        substances=[tuple(sub_bit[s] for s in row) for row in substances],
        families=[tuple(fam_bit[vocab.FAMILY_OF[s]] for s in row) for row in substances],
        wanted=enc.experience.transform(cols[F.WANTED_EXPERIENCE]).astype(np.int64),
        schedule=np.ascontiguousarray(sched.T),
        text=encode_text(enc, cols[F.HOPES]),
        excluded=[np.asarray(x, dtype=np.int64) for x in cols[F.EXCLUDED_MENTOR_IDS]],
        timezone=cols[F.TIMEZONE],
    )


def encode_newcomers(df: pd.DataFrame, enc: Encoders) -> list[Query]:
    """Encode a checked newcomers frame into one ``Query`` per row."""
    return encode_newcomer_rows(df, enc).queries()
