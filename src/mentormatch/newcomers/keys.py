"""Search keys: a newcomer's name, email and phone as the queue's search compares them.

Stored beside the answers they come from (`Newcomer.name_key`, `email_key`, `phone_key`)
and folded here, in Python, so PostgreSQL and SQLite agree (SQLite's `lower()` folds
ASCII only).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import String
from sqlalchemy.types import TypeEngine

NAME_LENGTH = 240  # a folded name can be longer than the 60 characters typed ("ß" → "ss")
EMAIL_LENGTH = 320
PHONE_LENGTH = 40


def key_type(length: int) -> TypeEngine[Any]:
    """A key column: compared byte by byte (PostgreSQL's "C" collation, SQLite's default),
    so a prefix is one range of an index."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def fold(text: str | None) -> str:
    """Text as searches compare it: case and accents ignored, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def name_key(first_name: str | None) -> str:
    return fold(first_name)[:NAME_LENGTH]


def phone_key(phone: str | None) -> str | None:
    """A phone's digits, last first: a number ending with what was typed starts with it."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[::-1][:PHONE_LENGTH] or None


def email_key(email: str | None) -> str | None:
    return fold(email)[:EMAIL_LENGTH] or None


def _from_insert(column: str, key: Any) -> Any:
    """A column default computing the key from the inserted row's `column` (bulk inserts
    such as the demo's; the ORM sets keys through `Newcomer`'s validator)."""
    return lambda context: key(context.get_current_parameters().get(column))


NAME_DEFAULT = _from_insert("first_name", name_key)
EMAIL_DEFAULT = _from_insert("email", email_key)
PHONE_DEFAULT = _from_insert("phone", phone_key)
