"""Which programs' people and pairings a caller may see: one rule for every lookup and list.

A coordinator sees the programs they belong to, a mentor and a newcomer their own; an
object of another program answers exactly like a missing one (404 with the same words).
Jobs that run for the whole installation (expiry, the outbox) act as `lifecycle.SYSTEM`,
which is not a `Principal` and sees every program.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false

from mentormatch.accounts.principal import Principal
from mentormatch.errors import NotFound


def hidden(actor: object, program_id: int | None) -> bool:
    """Whether an object of `program_id` is outside what `actor` may see."""
    return isinstance(actor, Principal) and not actor.sees(program_id)


def ensure_visible(actor: object, program_id: int | None, missing: str) -> None:
    """404 with the words of a missing object (`missing`) when `actor` may not see it."""
    if hidden(actor, program_id):
        raise NotFound(missing)


def where(actor: Principal, column: Any) -> ColumnElement[bool]:
    """A filter keeping the rows of `column` (a `program_id`) within the actor's programs."""
    if not actor.program_ids:
        return false()
    return column.in_(sorted(actor.program_ids))
