"""Who is asking: a staff/mentor account or a newcomer holding their status token."""

from __future__ import annotations

from dataclasses import dataclass, field

from mentormatch.accounts.models import Role


@dataclass(frozen=True, slots=True)
class Principal:
    role: Role
    user_id: int | None = None
    mentor_id: int | None = None
    newcomer_id: int | None = None
    session_id: int | None = None
    # The programs whose people and pairings this principal may see: a coordinator's
    # memberships, a mentor's or newcomer's own program; none for an admin.
    program_ids: frozenset[int] = field(default_factory=frozenset)

    def sees(self, program_id: int | None) -> bool:
        """Whether an object of `program_id` is within this principal's programs."""
        return program_id is not None and program_id in self.program_ids

    @property
    def actor_id(self) -> int | None:
        return self.newcomer_id if self.role is Role.newcomer else self.user_id
