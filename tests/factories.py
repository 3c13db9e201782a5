"""Small factories for request bodies and accounts, shared by the API tests."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mentormatch.accounts import passwords
from mentormatch.accounts.models import AuthSession, Role, User
from mentormatch.accounts.security import STAFF_TOKEN_PREFIX, hash_password, new_token
from mentormatch.mentors.schemas import MENTOR_EXAMPLE
from mentormatch.newcomers.models import Newcomer, NewcomerStatus
from mentormatch.newcomers.schemas import INTAKE_EXAMPLE
from mentormatch.pairings.models import Pairing, PairingStatus
from mentormatch.pairings.outbox import MessageKind, OutboxMessage
from mentormatch.programs.models import DEFAULT_PROGRAM_ID, ProgramCoordinator

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: argon2id is slow on purpose


def intake_body(**overrides: Any) -> dict[str, Any]:
    """A valid intake body, with overrides."""
    return copy.deepcopy(INTAKE_EXAMPLE) | overrides


def newcomer_id(db: Session, created: dict[str, Any]) -> int:
    """The row id behind an intake answer (which names its reference, never the id)."""
    found = db.scalar(select(Newcomer.id).where(Newcomer.reference == created["reference"]))
    assert found is not None, created
    return found


def found_newcomer_id(client: Any, headers: dict[str, str], created: dict[str, Any]) -> int:
    """The row id behind an intake answer, as a coordinator finds it by its reference."""
    response = client.get(
        "/api/v1/newcomers", params={"reference": created["reference"]}, headers=headers
    )
    assert response.status_code == 200, response.text
    (item,) = response.json()["items"]
    return int(item["id"])


def mentor_body(**overrides: Any) -> dict[str, Any]:
    """A valid mentor registration body, with overrides (a unique email by default)."""
    body = copy.deepcopy(MENTOR_EXAMPLE) | overrides
    if "email" not in overrides:
        mentor_body.counter += 1  # type: ignore[attr-defined]
        body["email"] = f"mentor{mentor_body.counter}@example.org"  # type: ignore[attr-defined]
    return body


mentor_body.counter = 0  # type: ignore[attr-defined]


def make_user(
    session: Session,
    role: Role,
    email: str | None = None,
    programs: tuple[int, ...] = (DEFAULT_PROGRAM_ID,),
) -> User:
    """An account with the test password (a coordinator of `programs`: the default one)."""
    user = User(
        email=email or f"{role}-{make_user.counter}@example.org",  # type: ignore[attr-defined]
        password_hash=_PASSWORD_HASH,
        role=role,
    )
    make_user.counter += 1  # type: ignore[attr-defined]
    session.add(user)
    session.flush()
    if role is Role.coordinator:
        session.add_all(ProgramCoordinator(program_id=p, user_id=user.id) for p in programs)
        session.flush()
    return user


make_user.counter = 0  # type: ignore[attr-defined]


def token_for(session: Session, user: User, *, ttl: timedelta = timedelta(hours=1)) -> str:
    """A bearer token for the user, without going through the (slow) sign-in."""
    token, digest = new_token(STAFF_TOKEN_PREFIX)
    session.add(AuthSession(token_hash=digest, user_id=user.id, expires_at=datetime.now(UTC) + ttl))
    session.flush()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def link_sent_to(session: Session, email: str, kind: MessageKind = MessageKind.invitation) -> str:
    """The set-password link in the newest message of this kind the outbox holds for `email`."""
    body = session.scalars(
        select(OutboxMessage.body)
        .where(OutboxMessage.recipient == email, OutboxMessage.kind == kind)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert body is not None, f"no {kind} message for {email}"
    match = re.search(r"https?://\S+", body)
    assert match, body
    return match.group()


def token_of(link: str) -> str:
    """The token a set-password link carries."""
    return parse_qs(urlsplit(link).query)["token"][0]


def accept_invitation(session: Session, email: str, password: str = PASSWORD) -> None:
    """Choose the password as the invited person does: with the link the outbox holds."""
    token = token_of(link_sent_to(session, email))
    passwords.set_with_token(session, token=token, password=password, client="test")


def drop_invitations(session: Session) -> None:
    """Take the mentors' invitations out of the outbox, for tests counting the pairing
    notifications only (invitations have their own tests: tests/api/test_passwords.py)."""
    session.execute(delete(OutboxMessage).where(OutboxMessage.kind == MessageKind.invitation))
    session.commit()


def active_pairing(client: Any, db: Session, mentor_id: int, **intake: Any) -> tuple[int, int]:
    """A new newcomer (through the intake) in an active pairing with the mentor, written
    directly as an accepted request leaves it; returns (newcomer id, pairing id)."""
    created = client.post("/api/v1/newcomers", json=intake_body(**intake))
    assert created.status_code == 201, created.text
    newcomer = db.get_one(Newcomer, newcomer_id(db, created.json()))
    newcomer.status = NewcomerStatus.paired
    pairing = Pairing(
        program_id=newcomer.program_id,
        newcomer_id=newcomer.id,
        mentor_id=mentor_id,
        status=PairingStatus.active,
    )
    db.add(pairing)
    db.commit()
    return newcomer.id, pairing.id
