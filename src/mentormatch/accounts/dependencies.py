"""Authentication and the role rule every route declares (deny by default).

A route states who may call it with one of the `Annotated` aliases at the bottom
(`CoordinatorDep`, `MentorDep`, `NewcomerDep`, `AdminDep`) or `Public`; a test walks
the app and fails on any route without one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import AuthSession, Role, User
from mentormatch.accounts.principal import Principal
from mentormatch.accounts.security import NEWCOMER_TOKEN_PREFIX, hash_token
from mentormatch.audit import service as audit
from mentormatch.db import utcnow
from mentormatch.deps import ClientDep, SessionDep
from mentormatch.errors import Forbidden, Unauthorized
from mentormatch.i18n import N_
from mentormatch.mentors.models import Mentor
from mentormatch.newcomers.models import Newcomer
from mentormatch.programs.models import ProgramCoordinator

_bearer = HTTPBearer(auto_error=False, description="A staff token or a newcomer status token")


# Built once: building the statement anew on every request cost more than running it.
_NEWCOMER_BY_TOKEN = select(Newcomer.id, Newcomer.program_id).where(
    Newcomer.status_token_hash == bindparam("digest")
)
_STAFF_BY_TOKEN = (
    select(AuthSession.id, User.id, User.role, Mentor.id, Mentor.program_id)
    .join(User, User.id == AuthSession.user_id)
    .outerjoin(Mentor, Mentor.user_id == User.id)
    .where(
        AuthSession.token_hash == bindparam("digest"),
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > bindparam("now"),
        User.is_active.is_(True),
    )
)

_MEMBERSHIPS = select(ProgramCoordinator.program_id).where(
    ProgramCoordinator.user_id == bindparam("user_id")
)


def principal_for_token(session: Session, token: str) -> Principal | None:
    """The principal a bearer token stands for, or None if it is unknown, expired or revoked."""
    digest = hash_token(token)
    if token.startswith(NEWCOMER_TOKEN_PREFIX):
        found = session.execute(_NEWCOMER_BY_TOKEN, {"digest": digest}).first()
        if found is None:
            return None
        return Principal(Role.newcomer, newcomer_id=found[0], program_ids=frozenset((found[1],)))
    row = session.execute(_STAFF_BY_TOKEN, {"digest": digest, "now": utcnow()}).first()
    if row is None:
        return None
    session_id, user_id, role, mentor_id, mentor_program = row
    if role is Role.coordinator:
        programs = frozenset(session.scalars(_MEMBERSHIPS, {"user_id": user_id}))
    else:
        programs = frozenset((mentor_program,)) if mentor_program is not None else frozenset()
    return Principal(
        role, user_id=user_id, mentor_id=mentor_id, session_id=session_id, program_ids=programs
    )


def get_principal(
    session: SessionDep,
    client: ClientDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """The caller, from the bearer token; None when anonymous.

    The JSON API takes bearer tokens only, never cookies, so it cannot be driven cross-site.
    """
    if credentials is None:
        return None
    token = credentials.credentials
    principal = principal_for_token(session, token)
    if principal is None:
        audit.record_refusal(
            session, actor=None, action="authenticate", object_type="token", client=client
        )
        raise Unauthorized(N_("invalid or expired token"))
    return principal


PrincipalDep = Annotated[Principal | None, Depends(get_principal)]


def require(*roles: Role) -> Callable[..., Principal]:
    """A dependency admitting only the given roles: 401 when anonymous, 403 otherwise."""

    def dependency(
        request: Request, session: SessionDep, client: ClientDep, principal: PrincipalDep
    ) -> Principal:
        if principal is None or principal.role not in roles:
            audit.record_refusal(
                session,
                actor=principal,
                action=f"{request.method} {request.scope.get('route').path}",  # type: ignore[union-attr]
                object_type="route",
                client=client,
            )
            if principal is None:
                raise Unauthorized(N_("sign in to continue"))
            raise Forbidden(N_("your role may not use this"))
        return principal

    dependency.role_rule = tuple(str(role) for role in roles)  # type: ignore[attr-defined]
    return dependency


def public() -> None:
    """The role rule of a route anyone may call."""


public.role_rule = ("public",)  # type: ignore[attr-defined]


def role_rules(dependant: Any) -> set[tuple[str, ...]]:
    """Every role rule in a route's dependency tree (for the deny-by-default test)."""
    found: set[tuple[str, ...]] = set()
    for dep in dependant.dependencies:
        rule = getattr(dep.call, "role_rule", None)
        if rule is not None:
            found.add(rule)
        found |= role_rules(dep)
    return found


Public = Depends(public)
AdminDep = Annotated[Principal, Depends(require(Role.admin))]
CoordinatorDep = Annotated[Principal, Depends(require(Role.coordinator))]
MentorDep = Annotated[Principal, Depends(require(Role.mentor))]
NewcomerDep = Annotated[Principal, Depends(require(Role.newcomer))]
StaffOrMentorDep = Annotated[Principal, Depends(require(Role.coordinator, Role.mentor))]
