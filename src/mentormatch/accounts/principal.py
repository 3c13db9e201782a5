"""Who is asking: a staff/mentor account or a newcomer holding their status token."""

from __future__ import annotations

from dataclasses import dataclass

from mentormatch.accounts.models import Role


@dataclass(frozen=True, slots=True)
class Principal:
    role: Role
    user_id: int | None = None
    mentor_id: int | None = None
    newcomer_id: int | None = None
    session_id: int | None = None

    @property
    def actor_id(self) -> int | None:
        return self.newcomer_id if self.role is Role.newcomer else self.user_id
