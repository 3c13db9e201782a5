"""The audit trail as the admin's API shows it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class AuditEventPublic(BaseModel):
    """One event: who (role and id; an account's email), what, about which record, when."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_role: str = Field(description="admin, coordinator, mentor, newcomer, system or anonymous")
    actor_id: int | None = Field(
        description="An account's id for admin, coordinator and mentor; a newcomer's record id"
    )
    actor_email: str | None = Field(default=None, description="The account's email, if any")
    action: str = Field(examples=["read"])
    object_type: str = Field(examples=["newcomer"])
    object_id: int | None
    outcome: str = Field(examples=["ok"], description="ok, denied, failed, throttled…")
    client: str | None = Field(description="The client's address, when it was recorded")


class AuditPage(BaseModel):
    """A page of the trail, newest first; `total` counts every match up to `as_of`."""

    items: list[AuditEventPublic]
    total: int
    limit: int
    offset: int
    as_of: datetime
