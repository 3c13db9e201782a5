"""Where a newcomer is: a postal code or town, or latitude and longitude, never both."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, field_validator, model_validator

from mentormatch import places
from mentormatch.config import get_settings
from mentormatch.i18n import N_

POSTAL_CODE = Field(
    default=None,
    exclude=True,
    description="Where you are, for in-person meetings: a ZIP code (60614) or a town and "
    "state ('Chicago, IL'), looked up offline and stored as latitude and longitude; send "
    "this or latitude and longitude, not both",
    examples=["60614"],
)
LATITUDE = Field(default=None, description="Where you are (instead of postal_code)")
LONGITUDE = Field(default=None, description="Where you are (instead of postal_code)")
RADIUS = Field(default=None, description="How far you can travel to meet in person, in km")


class Place(BaseModel):
    """A postal code or town, resolved to the latitude and longitude the ranker reads
    (for models with `postal_code`, `latitude` and `longitude` fields)."""

    if TYPE_CHECKING:  # the fields themselves are the subclasses' (with their order)
        postal_code: str | None
        latitude: float | None
        longitude: float | None

    @field_validator("postal_code", check_fields=False)
    @classmethod
    def _known_place(cls, value: str | None) -> str | None:
        if value is not None:
            places.resolve(value, get_settings().country)
        return value

    @model_validator(mode="after")
    def _coordinates(self) -> Any:
        if self.postal_code is None:
            return self
        if self.latitude is not None or self.longitude is not None:
            raise ValueError(N_("send a postal_code or latitude and longitude, not both"))
        self.latitude, self.longitude = places.resolve(self.postal_code, get_settings().country)
        return self
