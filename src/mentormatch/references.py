"""Public references: short random names for records, shown instead of counting ids.

A row id counts records (newcomer 41 tells anyone that 40 came before). People see a
reference instead: eight characters from an alphabet without look-alikes (no 0/O, 1/I/L),
drawn from the operating system's random source when the row is inserted — 31⁸ ≈ 8.5·10¹¹
values, unique per table (a unique constraint guards the rare collision).
"""

from __future__ import annotations

import re
import secrets
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8
PATTERN = f"^[{ALPHABET}{ALPHABET.lower()}]{{{LENGTH}}}$"
_MATCH = re.compile(PATTERN)


def new_reference() -> str:
    """A fresh random reference, e.g. ``K7QX2MPA``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def is_reference(value: str) -> bool:
    """Whether `value` could be a reference (either case)."""
    return bool(_MATCH.match(value))


# A reference as the API takes it (a query parameter): either case, answered upper case.
Reference = Annotated[
    str, StringConstraints(pattern=PATTERN), AfterValidator(lambda value: value.upper())
]
