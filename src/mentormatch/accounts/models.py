"""Staff and mentor accounts, and the bearer sessions issued to them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mentormatch.accounts.security import UNUSABLE_PASSWORD
from mentormatch.db import Base, UTCDateTime, utcnow


class Role(enum.StrEnum):
    admin = "admin"
    coordinator = "coordinator"
    mentor = "mentor"
    newcomer = "newcomer"  # never stored on a User: newcomers hold a status token instead


def normalise_email(email: str) -> str:
    """The stored form of an email address (`User.email`)."""
    return email.strip().lower()


class User(Base):
    __tablename__ = "users"
    # Ids are never reused (the audit trail names them): AUTOINCREMENT on SQLite.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, name="user_role", native_enum=False, length=20))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The language the account's emails are written in (issue 18): that of the page the
    # person last signed in or chose a password on; an invitation, the inviting page's.
    interface_language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    @property
    def invited(self) -> bool:
        """Invited, and no password chosen yet."""
        return self.password_hash == UNUSABLE_PASSWORD


class LoginFailure(Base):
    """A failed sign-in (or one in progress), kept until `login_forget_seconds` have passed.

    Keyed by the account as typed (an HMAC of the normalised email, so nothing an attacker
    typed is stored, and unknown accounts count exactly like existing ones) and the client.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_account_client", "account", "client"),
        Index("ix_login_failures_client_failed_at", "client", "failed_at"),
        Index("ix_login_failures_failed_at", "failed_at"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    account: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuthSession(Base):
    """A bearer token: only its SHA-256 is stored; revoked at logout or account disable."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TokenPurpose(enum.StrEnum):
    invitation = "invitation"
    reset = "reset"


class AccountToken(Base):
    """A single-use link to set a password: only its SHA-256 is stored, never the token."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[TokenPurpose] = mapped_column(
        Enum(TokenPurpose, name="token_purpose", native_enum=False, length=20)
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
