"""Secrets: argon2id password hashes and random bearer tokens stored only as SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

# RFC 9106 "low memory" profile: above OWASP's argon2id minimum (m=19 MiB, t=2, p=1).
_hasher = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4, type=Type.ID)
# A real hash to verify against when the account does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

STAFF_TOKEN_PREFIX = "mms_"
NEWCOMER_TOKEN_PREFIX = "mmn_"
ACCOUNT_TOKEN_PREFIX = "mma_"  # invitation and reset links (accounts/passwords.py)
# Stored for an account whose owner has not set a password yet: no password matches it.
UNUSABLE_PASSWORD = "!unset"


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; constant work whether or not the account exists."""
    usable = password_hash if password_hash != UNUSABLE_PASSWORD else None
    try:
        return _hasher.verify(usable or _DUMMY_HASH, password) and usable is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token(prefix: str) -> tuple[str, str]:
    """A fresh bearer token (256 random bits) and the hash to store for it."""
    token = prefix + secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """The stored form of a bearer token."""
    return hashlib.sha256(token.encode()).hexdigest()
