"""The admin's search of the audit trail over the JSON API (`GET /api/v1/audit`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from mentormatch.accounts.dependencies import AdminDep
from mentormatch.audit import search, service, trail, words
from mentormatch.audit.schemas import AuditEventPublic, AuditPage
from mentormatch.db import utcnow
from mentormatch.deps import Limit, Offset, RowId, SessionDep
from mentormatch.errors import error_responses

router = APIRouter(prefix="/api/v1", tags=["audit"])

# The filters' closed lists, as the schema states them (one definition each: audit.words).
ActorRole = Literal["admin", "coordinator", "mentor", "newcomer", "system", "anonymous"]
Outcome = Literal["ok", "denied", "failed", "throttled", "sent", "unknown"]


@router.get("/audit", response_model=AuditPage, responses=error_responses(401, 403, 422))
def search_trail(
    admin: AdminDep,
    session: SessionDep,
    actor: Annotated[str, Query(max_length=254, description="An account's email")] = "",
    role: Annotated[ActorRole | None, Query(description="The actor's role")] = None,
    action: Annotated[str, Query(max_length=120, description="e.g. read, pairing_ended")] = "",
    object_type: Annotated[str, Query(max_length=40, description="e.g. newcomer")] = "",
    object_id: Annotated[RowId | None, Query(description="The record's id")] = None,
    outcome: Annotated[Outcome | None, Query(description="How it ended")] = None,
    since: Annotated[date | None, Query(description="First day, YYYY-MM-DD (UTC)")] = None,
    until: Annotated[date | None, Query(description="Last day, YYYY-MM-DD (UTC)")] = None,
    limit: Limit = search.PER_PAGE,
    offset: Offset = 0,
    as_of: Annotated[
        AwareDatetime | None,
        Query(description="Send back the `as_of` of the first page to page through it unmoved"),
    ] = None,
) -> AuditPage:
    """Search the audit trail, newest first, with the true total. Every search is itself
    recorded (action `audit_search`). A filter naming an unknown account, action or kind of
    record, or a day that is not a date, is refused with 422 naming it."""
    chosen = search.filters(
        session,
        actor=actor,
        role=role or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        outcome=outcome or "",
        since=since.isoformat() if since else "",
        until=until.isoformat() if until else "",
    )
    service.record_read(session, actor=admin, action=words.SEARCH, object_type="audit")
    moment = as_of or utcnow()
    rows, total = trail.page(
        session, where=chosen.where(), as_of=moment, limit=limit, offset=offset
    )
    emails = words.emails(session, rows)
    items = [
        AuditEventPublic.model_validate(e).model_copy(
            update={"actor_email": emails.get(e.actor_id or 0)}
            if e.actor_role in words.ACCOUNT_ROLES
            else {}
        )
        for e in rows
    ]
    return AuditPage(items=items, total=total, limit=limit, offset=offset, as_of=moment)


assert set(ActorRole.__args__) == set(words.ROLES)  # type: ignore[attr-defined]
assert set(Outcome.__args__) == set(words.OUTCOMES)  # type: ignore[attr-defined]
