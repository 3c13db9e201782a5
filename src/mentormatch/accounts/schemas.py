"""Account schemas: tokens for sign-in, users for the admin."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Form
from pydantic import BaseModel, ConfigDict, Field

from mentormatch.accounts.models import Role
from mentormatch.profiles import Email, Flag, ProgramSlug


class SignInForm:
    """The OAuth2 password form: the account's email as `username`, and its password.

    Other OAuth2 fields (`grant_type`, `scope`, `client_id`) are accepted and ignored.
    """

    def __init__(
        self,
        username: Annotated[str, Form(min_length=1, max_length=254)],
        password: Annotated[str, Form(min_length=1, max_length=128)],
    ) -> None:
        self.username = username
        self.password = password


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires")
    role: Role


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    role: Literal["admin", "coordinator"]
    password: str | None = Field(
        default=None,
        min_length=12,
        max_length=128,
        description="Leave out to send the person a single-use link to choose their own",
    )
    programs: list[ProgramSlug] | None = Field(
        default=None,
        max_length=100,
        description="A coordinator's programs (open programs' slugs). Left out: they join the "
        "installation's program when exactly one is open, none otherwise",
        examples=[["main"]],
    )


class PasswordForgot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=1, max_length=254)


class PasswordSet(BaseModel):
    """A new password, with the token of the invitation or reset link that allows it."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=12, max_length=128)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=128)
    new_password: str = Field(min_length=12, max_length=128)


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    is_active: Flag


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    role: Role
    is_active: bool
    created_at: datetime
    invited: bool = Field(
        default=False, description="Sent a link to choose a password, which is not set yet"
    )


class UserPage(BaseModel):
    items: list[UserPublic]
    total: int
    limit: int
    offset: int
