"""Recording audit events; reads, changes, logins and refusals all go through here."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from mentormatch.audit.models import AuditEvent


class Actor(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def actor_id(self) -> int | None: ...


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    outcome: str = "ok",
    client: str | None = None,
) -> None:
    """Add an audit event to the session's transaction (commits with the change it records)."""
    session.add(
        AuditEvent(
            actor_role=str(actor.role) if actor else "anonymous",
            actor_id=actor.actor_id if actor else None,
            action=action,
            object_type=object_type,
            object_id=object_id,
            outcome=outcome,
            client=client,
        )
    )


def record_refusal(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    outcome: str = "denied",
    client: str | None = None,
) -> None:
    """Record a refused access and commit it at once: the request itself writes nothing else."""
    session.rollback()
    record(
        session,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        client=client,
    )
    session.commit()
