"""Places asked as a ZIP code or a town, resolved offline, and distances in the country's unit.

People give "60614" or "Chicago, IL", never coordinates; the ranker still reads latitude and
longitude (stored as before). The US data (ZIP codes, their towns and coordinates) ships in
the `zipcodes` wheel, so nothing is fetched at run time. Another country's installation
takes coordinates through the API (`latitude`, `longitude`).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

import zipcodes

from mentormatch.i18n import N_, said

KM_PER_MILE: Final = 1.609344
# Countries that give road distances in miles.
MILES: Final = frozenset({"US", "GB", "LR", "MM"})
_ZIP = re.compile(r"^([0-9]{5})(?:-[0-9]{4})?$")
_TOWN = re.compile(r"^(?P<town>[^,]+?)\s*(?:,\s*(?P<state>[A-Za-z]{2}))?$")


def unit(country: str) -> str:
    """'miles' or 'km': how distances are written in the country."""
    return N_("miles") if country in MILES else N_("km")


def to_km(distance: float, country: str) -> float:
    """A distance in the country's unit, in kilometres (what is stored)."""
    return distance * KM_PER_MILE if country in MILES else distance


def from_km(km: float, country: str) -> float:
    """A stored distance in kilometres, in the country's unit (rounded to a whole number)."""
    return round(km / KM_PER_MILE if country in MILES else km)


@cache
def _towns() -> dict[tuple[str, str], tuple[float, float]]:
    """(town, state) -> the coordinates of its first standard ZIP code, lower-case keys."""
    found: dict[tuple[str, str], tuple[float, float]] = {}
    for row in zipcodes.list_all():
        if row["zip_code_type"] != "STANDARD":
            continue
        key = (row["city"].lower(), row["state"].lower())
        found.setdefault(key, (float(row["lat"]), float(row["long"])))
    return found


def resolve(text: str, country: str = "US") -> tuple[float, float]:
    """Latitude and longitude of a ZIP code (12345 or 12345-6789) or a town ('Chicago, IL');
    ValueError in plain words when it is unknown or ambiguous."""
    text = " ".join(text.split())
    if country != "US":
        raise ValueError(N_("places are looked up in the US only: send latitude and longitude"))
    if zip_match := _ZIP.match(text):
        rows = zipcodes.matching(zip_match.group(1))
        if not rows:
            raise ValueError(said("%(value)s is not a ZIP code we know", value=zip_match.group(1)))
        return float(rows[0]["lat"]), float(rows[0]["long"])
    town = _TOWN.match(text)
    if town is None or any(c.isdigit() for c in text):
        raise ValueError(N_("give a 5-digit ZIP code, or a town and state such as 'Chicago, IL'"))
    name, state = town.group("town").lower(), (town.group("state") or "").lower()
    if state:
        if (name, state) not in _towns():
            raise ValueError(
                said(
                    "we do not know %(text)s: check the spelling, or give a ZIP code",
                    text=repr(text),
                )
            )
        return _towns()[name, state]
    states = sorted(s for (t, s) in _towns() if t == name)
    if len(states) == 1:
        return _towns()[name, states[0]]
    if not states:
        raise ValueError(
            said("we do not know %(text)s: check the spelling, or give a ZIP code", text=repr(text))
        )
    raise ValueError(
        said(
            "there is a %(value)s in several states: add the state, such as "
            "'%(value)s, %(states)s'",
            value=town.group("town"),
            states=states[0].upper(),
        )
    )


def nearest(latitude: float, longitude: float, country: str = "US") -> str | None:
    """The ZIP code nearest a stored location (to show it back on a form), or None."""
    if country != "US":
        return None
    rows = zipcodes.filter_by_coordinates(latitude, longitude, 25)
    if not rows:
        return None
    best = min(
        rows,
        key=lambda r: zipcodes.haversine(longitude, latitude, float(r["long"]), float(r["lat"])),
    )
    return str(best["zip_code"])
