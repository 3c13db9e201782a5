"""Program schemas for the admin's API: programs, their coordinators and their settings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

from mentormatch.deps import RowId
from mentormatch.matching.program import CRITERIA
from mentormatch.profiles import Flag, NoNul, ProgramSlug
from mentormatch.programs.settings import ProgramSettings, Weight

ProgramName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), NoNul
]


class ProgramCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: ProgramSlug = Field(
        description="The public address /p/{slug}/: lower-case letters, digits and inner "
        "hyphens, 1-40 characters; unique and never changed",
        examples=["womens-circle"],
    )
    name: ProgramName = Field(description="What people see", examples=["Women's circle"])


class ProgramUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ProgramName | None = Field(default=None, examples=["Women's recovery circle"])
    archived: Flag | None = Field(
        default=None,
        description="true archives the program (it takes no new requests; not the last open "
        "one), false reopens it",
        examples=[True],
    )


class ProgramPublic(BaseModel):
    id: int
    slug: str
    name: str
    archived: bool
    archived_at: datetime | None
    coordinator_count: int = Field(description="How many coordinators the program has")
    settings_version: int


class ProgramPage(BaseModel):
    items: list[ProgramPublic]
    total: int
    limit: int
    offset: int


class CoordinatorsSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_ids: list[RowId] = Field(
        max_length=500,
        description="Every coordinator of the program afterwards (coordinator accounts only); "
        "accounts left out stop being its coordinators",
        examples=[[4, 7]],
    )


class CoordinatorPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    is_active: bool


class ProgramSettingsPublic(BaseModel):
    program_id: int
    settings_version: int = Field(description="Send it back with a change (PATCH)")
    values: ProgramSettings = Field(description="Every setting in force")
    defaults: ProgramSettings = Field(description="The installation's defaults")
    own: list[str] = Field(
        description="The settings whose value is the program's own; the rest follow the defaults"
    )


WeightsPatch = create_model(  # type: ignore[call-overload]
    "WeightsPatch",
    __config__=ConfigDict(extra="forbid"),
    __doc__="The criteria whose weight changes (the others keep theirs)",
    **{c: (Weight | None, Field(default=None, examples=[3.0])) for c in CRITERIA},
)


def _optional(name: str) -> tuple[Any, Any]:
    """A setting as a PATCH takes it: its bounds, optional, null meaning the default."""
    info = ProgramSettings.model_fields[name]
    annotation: Any
    if name == "weights":
        annotation = WeightsPatch
    elif info.annotation is bool:
        annotation = Flag
    else:
        annotation = Annotated[(info.annotation, *info.metadata)]
    return (
        annotation | None,
        Field(default=None, description=f"{info.description} (null: back to the default)"),
    )


# The settings a PATCH changes (any subset) and the version it read; bounds and the whole
# are checked by `programs.settings_change`, which names the field at fault.
ProgramSettingsPatch: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "ProgramSettingsPatch",
    __config__=ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"settings_version": 1, "min_recovery_days": 730, "weights": {"substance": 4}}
            ]
        },
    ),
    settings_version=(
        int,
        Field(ge=1, le=2**31 - 1, description="The settings_version you read (stale: 409)"),
    ),
    **{name: _optional(name) for name in ProgramSettings.model_fields},
)


class SettingChangePublic(BaseModel):
    id: int
    name: str = Field(examples=["weights.substance"], description="The setting (or criterion)")
    old: Any = Field(description="The value in force before")
    new: Any = Field(description="The value in force after")
    changed_at: datetime
    user_id: int | None
    changed_by: str | None = Field(description="The email of who changed it")


class SettingChangePage(BaseModel):
    items: list[SettingChangePublic]
    total: int
    limit: int
    offset: int
