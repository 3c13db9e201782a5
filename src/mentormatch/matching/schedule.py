"""Weekly availability in UTC: DST-correct slot maps and bit-packed schedules.

A person's availability is a set of local hour-of-week blocks (0 = Monday
00:00-01:00 local). To compare two people we walk the 168 real hours of the coming
week (starting at the reference instant, floored to the hour), and for each hour ask
which local block it falls in for each time zone. That makes the mapping DST-correct:
a local hour skipped by a spring-forward change maps to no real hour, a repeated
fall-back hour maps to two. Zones with half-hour offsets attribute a local block to
the UTC hour that starts inside it (an approximation of at most 45 minutes).

Schedules are packed into 168 bits stored as three ``uint64`` words per person,
word-major (shape ``(3, n)``), so overlap is three AND + popcount passes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from mentormatch.i18n import N_, Listed, Words, said
from mentormatch.matching.words import Day, Series
from mentormatch.vocabulary import HOURS_PER_WEEK

WORDS: Final = 3
DAY_PARTS: Final = (
    (0, 6, "nights"),
    (6, 12, "mornings"),
    (12, 17, "afternoons"),
    (17, 22, "evenings"),
    (22, 24, "nights"),
)


def week_start(reference: datetime) -> datetime:
    """The reference instant in UTC floored to the hour: the start of the coming week."""
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=UTC)
    return reference.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@lru_cache(maxsize=1024)
def local_slots(timezone: str, start: datetime) -> np.ndarray:
    """Local hour-of-week block of each UTC hour-of-week in the week from ``start``."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {timezone!r}") from exc
    out = np.empty(HOURS_PER_WEEK, dtype=np.int16)
    for i in range(HOURS_PER_WEEK):
        instant = start + timedelta(hours=i)
        local = instant.astimezone(zone)
        out[instant.weekday() * 24 + instant.hour] = local.weekday() * 24 + local.hour
    out.setflags(write=False)
    return out


def pack(bits: np.ndarray) -> np.ndarray:
    """Pack an ``(n, 168)`` bool matrix into ``(3, n)`` uint64 words."""
    n = bits.shape[0]
    packed = np.zeros((n, WORDS * 8), dtype=np.uint8)
    packed[:, :21] = np.packbits(bits, axis=1, bitorder="little")
    return np.ascontiguousarray(packed.view("<u8").T).astype(np.uint64, copy=False)


def unpack(words: np.ndarray) -> np.ndarray:
    """Unpack ``(3, n)`` uint64 words into an ``(n, 168)`` bool matrix."""
    raw = np.ascontiguousarray(words.T).astype("<u8").view(np.uint8)
    return np.unpackbits(raw, axis=1, bitorder="little")[:, :HOURS_PER_WEEK].astype(bool)


def encode(hours: list[list[int]], timezones: list[str], start: datetime) -> np.ndarray:
    """Local availability lists -> UTC bit-packed schedules ``(3, n)`` for the week."""
    n = len(hours)
    local = np.zeros((n, HOURS_PER_WEEK), dtype=bool)
    lengths = np.fromiter((len(h) for h in hours), dtype=np.int64, count=n)
    if lengths.sum():
        flat = np.fromiter((s for h in hours for s in h), dtype=np.int64, count=lengths.sum())
        if flat.min() < 0 or flat.max() >= HOURS_PER_WEEK:
            raise ValueError("availability slots must be in 0..167")
        local[np.repeat(np.arange(n), lengths), flat] = True
    utc = np.zeros_like(local)
    tz = np.asarray(timezones, dtype=object)
    for zone in dict.fromkeys(timezones):
        rows = np.flatnonzero(tz == zone)
        utc[rows] = local[rows][:, local_slots(zone, start)]
    return pack(utc)


def overlap_hours(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Shared hours per week between schedules ``a`` and ``b`` (broadcasting, uint8)."""
    total = np.bitwise_count(np.bitwise_and(a[0], b[0]))
    for w in range(1, WORDS):
        total += np.bitwise_count(np.bitwise_and(a[w], b[w]))
    return total


def describe(shared: np.ndarray, timezone: str, start: datetime) -> Words:
    """Shared UTC bits (3 words) as a short phrase in local time: 'Tue and Thu evenings'
    (`i18n.Words`: 'martes y jueves por la noche' on a Spanish page)."""
    utc_hours = np.flatnonzero(unpack(np.asarray(shared, dtype=np.uint64).reshape(WORDS, 1))[0])
    slots = local_slots(timezone, start)[utc_hours]
    groups: dict[str, set[int]] = {}
    for slot in slots.tolist():
        day, hour = divmod(slot, 24)
        part = next(name for lo, hi, name in DAY_PARTS if lo <= hour < hi)
        groups.setdefault(part, set()).add(day)
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:2]
    return Series((_days_phrase(days, part) for part, days in ranked), "; ")


# A part of the day, one and several ("evening", "evenings"): a phrase's values carry both,
# and each language's phrase uses the one its grammar needs ("every evening", "todas las
# noches").
_PART_WORDS: Final = {
    "mornings": (N_("morning"), N_("mornings")),
    "afternoons": (N_("afternoon"), N_("afternoons")),
    "evenings": (N_("evening"), N_("evenings")),
    "nights": (N_("night"), N_("nights")),
}


def _days_phrase(days: set[int], part: str) -> Words:
    """'Tue and Thu evenings', 'weekday mornings', 'every night', '4 afternoons a week'."""
    one, several = _PART_WORDS[part]
    words = {"part": said(one), "parts": said(several)}
    if len(days) == 7:
        return said("every %(part)s", **words)
    if days == {0, 1, 2, 3, 4}:
        return said("weekday %(parts)s", **words)
    if days == {5, 6}:
        return said("weekend %(parts)s", **words)
    if len(days) > 3:
        return said("%(count)s %(parts)s a week", count=len(days), **words)
    names = Listed(Day(d) for d in sorted(days))
    if len(days) == 1:
        return said("%(days)s %(part)s", days=names, **words)
    return said("%(days)s %(parts)s", days=names, **words)
