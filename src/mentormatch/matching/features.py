"""Compact feature arrays: the shared encoders, the mentors' arrays, geometry.

Every list column becomes a small integer bitmask (one bit per code, classes fixed by
:mod:`mentormatch.vocabulary`), schedules become 168-bit UTC words (:mod:`.schedule`),
free text becomes an L2-normalised TF-IDF row of a scikit-learn ``TfidfVectorizer``
fitted on mentor interests. The arrays are struct-of-arrays so the ranking path reads
narrow, contiguous columns. Newcomers are encoded in ``newcomer_rows``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, Final

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numba.extending import register_jitable
from sklearn.feature_extraction.text import TfidfVectorizer

from mentormatch import vocabulary as vocab
from mentormatch.matching import frames as F
from mentormatch.matching import schedule

GENDER_CODES: Final = tuple(t.code for t in vocab.GENDERS)
LANGUAGE_CODES: Final = tuple(t.code for t in vocab.LANGUAGES)
MODE_CODES: Final = tuple(t.code for t in vocab.MEETING_MODES)
PATHWAY_CODES: Final = tuple(t.code for t in vocab.PATHWAYS)
SUBSTANCE_CODES: Final = tuple(t.code for t in vocab.SUBSTANCES)
FAMILY_CODES: Final = tuple(t.code for t in vocab.SUBSTANCE_FAMILIES)
EXPERIENCE_CODES: Final = tuple(t.code for t in vocab.LIVED_EXPERIENCE)
IN_PERSON: Final = 1 << MODE_CODES.index("in_person")
REMOTE_MODES: Final = ((1 << len(MODE_CODES)) - 1) & ~IN_PERSON
ALL_GENDERS: Final = (1 << len(GENDER_CODES)) - 1
NO_RECOVERY_DAY: Final = np.iinfo(np.int32).max
EARTH_RADIUS_KM: Final = 6371.0088
F32: Final = np.float32


def _dtype_for(n_classes: int) -> type[np.unsignedinteger[Any]]:
    """Smallest unsigned dtype holding ``n_classes`` bits."""
    for dtype in (np.uint8, np.uint16, np.uint32, np.uint64):
        if n_classes <= np.dtype(dtype).itemsize * 8:
            return dtype
    raise ValueError("too many classes for a bitmask")


class BitmaskEncoder:
    """Label lists folded into bitmasks, one bit per class of a fixed vocabulary.

    A dictionary fold rather than scikit-learn's ``MultiLabelBinarizer``: with classes
    fixed in advance there is nothing to fit, and the binarizer's input checks cost a
    one-newcomer suggestion about 0.1 ms per column.
    """

    def __init__(self, classes: tuple[str, ...]) -> None:
        self.classes = classes
        self.dtype = _dtype_for(len(classes))
        self.bit = {c: 1 << i for i, c in enumerate(classes)}

    def transform(self, lists: list[list[str]]) -> np.ndarray:
        """Encode a list of label lists; labels outside the vocabulary are ignored."""
        masks = np.fromiter(map(self.scalar, lists), dtype=np.uint64, count=len(lists))
        return masks.astype(self.dtype)

    def scalar(self, labels: list[str]) -> int:
        """Encode one label list as a Python int bitmask."""
        mask = 0
        bit = self.bit
        for label in labels:
            mask |= bit.get(label, 0)
        return mask

    def labels(self, mask: int) -> list[str]:
        """Decode a bitmask back into codes, vocabulary order."""
        return [c for i, c in enumerate(self.classes) if mask >> i & 1]


@dataclass(frozen=True, slots=True)
class Encoders:
    """The fitted encoders shared by mentors and newcomers."""

    gender: BitmaskEncoder
    language: BitmaskEncoder
    mode: BitmaskEncoder
    pathway: BitmaskEncoder
    substance: BitmaskEncoder
    family: BitmaskEncoder
    experience: BitmaskEncoder
    text: TfidfVectorizer
    analyze: Callable[[str], list[str]]  # the vectorizer's analyzer, built once
    week_start: datetime
    reference_day: int


def make_encoders(interests: list[str], *, reference: datetime) -> Encoders:
    """Fit the encoders: vocabularies are fixed, TF-IDF learns from mentor interests."""
    text = TfidfVectorizer(stop_words="english", dtype=np.float32, sublinear_tf=True)
    text.fit([s or "" for s in interests] + ["placeholder"])
    start = schedule.week_start(reference)
    return Encoders(
        gender=BitmaskEncoder(GENDER_CODES),
        language=BitmaskEncoder(LANGUAGE_CODES),
        mode=BitmaskEncoder(MODE_CODES),
        pathway=BitmaskEncoder(PATHWAY_CODES),
        substance=BitmaskEncoder(SUBSTANCE_CODES),
        family=BitmaskEncoder(FAMILY_CODES),
        experience=BitmaskEncoder(EXPERIENCE_CODES),
        text=text,
        analyze=text.build_analyzer(),
        week_start=start,
        reference_day=int(np.datetime64(start.date(), "D").astype(np.int64)),
    )


def as_days(cells: list[Any]) -> np.ndarray:
    """Dates (or None) as int32 days since 1970-01-01; None -> NO_RECOVERY_DAY.

    Straight to day resolution: nanosecond timestamps end in 1677 and 2262, and a date
    outside them (a typo such as 0202 for 2022 is still a valid past date) wrapped around.
    Dates and None, as the database gives them, go straight to numpy (pandas' parser
    costs a one-newcomer suggestion about 0.5 ms); anything else is parsed by pandas,
    unreadable values as None.
    """
    if all(v is None or type(v) is date for v in cells):
        days = np.array(cells, dtype="datetime64[D]").reshape(-1)
    else:
        stamps = pd.to_datetime(pd.Series(cells, dtype=object), errors="coerce")
        days = stamps.to_numpy(dtype="datetime64[D]")
    return np.where(np.isnat(days), NO_RECOVERY_DAY, days.astype(np.int64)).astype(np.int32)


def as_numbers(cells: list[Any]) -> np.ndarray:
    """Numbers (None/NaN allowed) as float64; unreadable values as NaN."""
    try:
        return np.array(cells, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        return pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce").to_numpy(np.float64)


def as_radians(cells: list[Any]) -> np.ndarray:
    """Degrees (None/NaN allowed) as float64 radians."""
    return np.radians(as_numbers(cells))


def _families(substances: list[list[str]]) -> list[list[str]]:
    """Substance lists mapped to family lists via ``FAMILY_OF``."""
    return [[vocab.FAMILY_OF[s] for s in row if s in vocab.FAMILY_OF] for row in substances]


def encode_text(enc: Encoders, texts: list[str]) -> sp.csr_matrix:
    """L2-normalised float32 TF-IDF rows (sorted indices) of the fitted vectorizer.

    The vectorizer's own analyzer, vocabulary and IDF weights, with the sublinear term
    frequency it was fitted for: what ``TfidfVectorizer.transform`` computes, without
    its per-call input checks, which cost a one-newcomer suggestion about 1 ms. A test
    holds the two equal.
    """
    analyze, vocabulary = enc.analyze, enc.text.vocabulary_
    indptr, indices = [0], list[int]()
    for text in texts:
        if isinstance(text, str):
            indices.extend(vocabulary[w] for w in analyze(text) if w in vocabulary)
        indptr.append(len(indices))
    n = len(texts)
    X = sp.csr_matrix(
        (np.ones(len(indices), dtype=np.float32), np.array(indices, dtype=np.int32), indptr),
        shape=(n, len(vocabulary)),
    )
    X.sum_duplicates()  # term counts, indices sorted
    # the float32/float64 steps of sklearn's TfidfTransformer and its l2 normalisation
    data = ((np.log(X.data) + F32(1.0)) * enc.text.idf_[X.indices]).astype(F32)
    rows = np.repeat(np.arange(n), np.diff(X.indptr))
    norms = np.sqrt(np.bincount(rows, weights=(data * data).astype(np.float64), minlength=n))
    X.data = (data / norms[rows]).astype(F32)
    return X


@dataclass(slots=True)
class MentorArrays:
    """Struct-of-arrays mentor features (row i = mentor ``id[i]``)."""

    id: np.ndarray
    gender: np.ndarray
    accepts: np.ndarray
    languages: np.ndarray
    modes: np.ndarray
    pathways: np.ndarray
    ruled_out: np.ndarray
    affirming: np.ndarray
    youth_vetted: np.ndarray
    recovery_day: np.ndarray
    age: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    radius: np.ndarray
    ux: np.ndarray
    uy: np.ndarray
    uz: np.ndarray
    reach2: np.ndarray
    substances: np.ndarray
    families: np.ndarray
    experience: np.ndarray
    load_score: np.ndarray
    active: np.ndarray
    load: np.ndarray
    capacity: np.ndarray
    schedule: np.ndarray

    def __len__(self) -> int:
        return len(self.id)

    @property
    def s0(self) -> np.ndarray:
        """Schedule word 0 (UTC hours 0-63), likewise ``s1`` and ``s2``."""
        return self.schedule[0]

    @property
    def s1(self) -> np.ndarray:
        return self.schedule[1]

    @property
    def s2(self) -> np.ndarray:
        return self.schedule[2]

    def take(self, index: np.ndarray | slice) -> MentorArrays:
        """Rows ``index`` (a slice gives views, an index array gives copies)."""
        parts = {f.name: getattr(self, f.name) for f in fields(self)}
        out = {k: (v[:, index] if k == "schedule" else v[index]) for k, v in parts.items()}
        return MentorArrays(**out)

    def concat(self, other: MentorArrays) -> MentorArrays:
        """Rows of ``self`` followed by rows of ``other``."""
        out = {}
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            out[f.name] = np.concatenate([a, b], axis=1 if f.name == "schedule" else 0)
        return MentorArrays(**out)

    def assign(self, positions: np.ndarray, other: MentorArrays) -> None:
        """Overwrite rows ``positions`` with the rows of ``other`` in place."""
        for f in fields(self):
            target = getattr(self, f.name)
            if not target.flags.writeable:
                target = target.copy()
                setattr(self, f.name, target)
            if f.name == "schedule":
                target[:, positions] = other.schedule
            else:
                target[positions] = getattr(other, f.name)

    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        return sum(getattr(self, f.name).nbytes for f in fields(self))


def encode_mentors(df: pd.DataFrame, enc: Encoders) -> MentorArrays:
    """Encode a checked mentors frame."""
    accepts = enc.gender.transform(df[F.MENTEE_GENDERS].tolist())
    capacity = pd.to_numeric(df[F.CAPACITY]).to_numpy(dtype=np.int32)
    load = pd.to_numeric(df[F.LOAD]).to_numpy(dtype=np.int32)
    with np.errstate(divide="ignore", invalid="ignore"):
        load_score = np.clip(1.0 - load / np.maximum(capacity, 1), 0.0, 1.0)
    lat, lon = as_radians(df[F.LATITUDE].tolist()), as_radians(df[F.LONGITUDE].tolist())
    radius = as_numbers(df[F.TRAVEL_RADIUS_KM].tolist())
    ux, uy, uz = unit_vectors(lat, lon)
    return MentorArrays(
        id=df[F.ID].to_numpy(dtype=np.int64),
        gender=enc.gender.transform([[g] for g in df[F.GENDER].tolist()]),
        accepts=np.where(accepts == 0, ALL_GENDERS, accepts).astype(np.uint8),
        languages=enc.language.transform(df[F.LANGUAGES].tolist()),
        modes=enc.mode.transform(df[F.MEETING_MODES].tolist()),
        pathways=enc.pathway.transform(df[F.PATHWAYS].tolist()),
        ruled_out=enc.pathway.transform(df[F.PATHWAYS_RULED_OUT].tolist()),
        affirming=df[F.MEDICATION_AFFIRMING].fillna(False).to_numpy(dtype=bool),
        youth_vetted=df[F.YOUTH_VETTED].fillna(False).to_numpy(dtype=bool),
        recovery_day=as_days(df[F.RECOVERY_START].tolist()),
        age=pd.to_numeric(df[F.AGE]).to_numpy(dtype=np.int16),
        lat=lat,
        lon=lon,
        radius=radius,
        ux=ux,
        uy=uy,
        uz=uz,
        reach2=reach2(radius),
        substances=enc.substance.transform(df[F.SUBSTANCES].tolist()),
        families=enc.family.transform(_families(df[F.SUBSTANCES].tolist())),
        experience=enc.experience.transform(df[F.LIVED_EXPERIENCE].tolist()),
        load_score=load_score.astype(np.float32),
        active=df[F.ACTIVE].fillna(False).to_numpy(dtype=bool),
        load=load,
        capacity=capacity,
        schedule=schedule.encode(
            df[F.AVAILABILITY].tolist(), df[F.TIMEZONE].tolist(), enc.week_start
        ),
    )


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle distance in km between points given in radians (broadcasting)."""
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, ...]:
    """Points (radians) as float32 unit vectors; NaN coordinates stay NaN."""
    c = np.cos(lat)
    return tuple(v.astype(np.float32) for v in (c * np.cos(lon), c * np.sin(lon), np.sin(lat)))


def reach2(radius_km: np.ndarray) -> np.ndarray:
    """Squared chord length of a travel radius (float32, NaN when no radius)."""
    chord = 2.0 * np.sin(np.asarray(radius_km, dtype=np.float64) / (2.0 * EARTH_RADIUS_KM))
    return (chord * chord).astype(np.float32)


@register_jitable(inline="always", error_model="numpy", _nrt=False)
def near(m: Any, n: Any) -> Any:
    """In person possible: both offer it and each is within the other's radius (squared
    chord of unit vectors; a missing location or radius is NaN and never near). Arrays
    broadcast; the compiled kernel calls it on one mentor's scalars."""
    dx = m.ux - n.ux
    d2 = dx * dx
    dy = m.uy - n.uy
    d2 += dy * dy
    dz = m.uz - n.uz
    d2 += dz * dz
    return ((m.modes & n.modes & IN_PERSON) != 0) & (d2 <= np.minimum(m.reach2, n.reach2))
