"""How a coordinator's pages name a person: first name, a mark that tells two "Kate"s apart,
and a link to their page — read by id for just the people a page shows.

Newcomers are marked by their public reference. Mentors hold no reference: they are marked
by their number, which only staff see (`macros.html` `person` renders both).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer


@dataclass(frozen=True, slots=True)
class Person:
    kind: str  # "newcomer" or "mentor": which page `href` opens
    id: int
    first_name: str
    mark: str  # a newcomer's reference, a mentor's number

    @property
    def href(self) -> str:
        return f"/coordinator/{self.kind}s/{self.id}"


def named_newcomer(newcomer_id: int, first_name: str, reference: str) -> Person:
    """A newcomer from the three fields a page already holds (templates: `newcomer_person`)."""
    return Person("newcomer", newcomer_id, first_name, reference)


def newcomer(row: Newcomer) -> Person:
    """A loaded newcomer as a page names them."""
    return Person("newcomer", row.id, row.first_name, row.reference)


def named_mentor(mentor_id: int, first_name: str) -> Person:
    """A mentor from the two fields a page already holds."""
    return Person("mentor", mentor_id, first_name, f"#{mentor_id}")


def mentor(row: Mentor) -> Person:
    """A loaded mentor as a page names them."""
    return Person("mentor", row.id, row.first_name, f"#{row.id}")


def newcomers(session: Session, ids: Iterable[int]) -> dict[int, Person]:
    """The newcomers of `ids` by id (one query of three columns)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(Newcomer.id, Newcomer.first_name, Newcomer.reference).where(Newcomer.id.in_(wanted))
    )
    return {i: Person("newcomer", i, name, reference) for i, name, reference in rows}


def mentors(session: Session, ids: Iterable[int]) -> dict[int, Person]:
    """The mentors of `ids` by id (one query of two columns)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Mentor.id, Mentor.first_name).where(Mentor.id.in_(wanted)))
    return {i: Person("mentor", i, name, f"#{i}") for i, name in rows}


def mentors_of_program(session: Session, program_id: int) -> list[Person]:
    """Every mentor of a program, by name (to pick one: "why not this mentor?")."""
    rows = session.execute(
        select(Mentor.id, Mentor.first_name)
        .where(Mentor.program_id == program_id)
        .order_by(Mentor.first_name, Mentor.id)
    )
    return [Person("mentor", i, name, f"#{i}") for i, name in rows]
