"""Account rules: creating users, signing in (throttled), revoking tokens."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mentormatch.accounts import throttle
from mentormatch.accounts.models import AuthSession, Role, TokenPurpose, User, normalise_email
from mentormatch.accounts.passwords import check_strength, send_link
from mentormatch.accounts.principal import Principal
from mentormatch.accounts.security import (
    STAFF_TOKEN_PREFIX,
    UNUSABLE_PASSWORD,
    hash_password,
    new_token,
    verify_password,
)
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.db import utcnow
from mentormatch.errors import Conflict, NotFound, TooManyRequests, Unauthorized
from mentormatch.i18n import N_, said, said_n
from mentormatch.programs import admin as program_admin
from mentormatch.programs import service as program_service


def create_user(
    session: Session,
    *,
    email: str,
    password: str | None,
    role: Role,
    programs: list[str] | None = None,
) -> User:
    """A new account, the first write of the caller's transaction; 409 when the email is taken.

    Without a password the account cannot sign in until its owner sets one (an invitation,
    `passwords.send_link`). The unique constraint answers "taken" in the INSERT itself: no
    count before it. A coordinator joins the open programs named in `programs` (404 naming
    it for an unknown one; an admin has none: 409), or without it the only open program. The
    caller commits.
    """
    if programs is not None and role is not Role.coordinator:
        raise Conflict(
            N_("programs: only a coordinator belongs to programs (an admin manages them all)"),
            field="programs",
        )
    email = normalise_email(email)
    if password is not None:
        check_strength(password, email=email)
    digest = hash_password(password) if password is not None else UNUSABLE_PASSWORD
    user = User(email=email, password_hash=digest, role=role)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        if "email" not in str(exc.orig):
            raise
        raise Conflict(
            N_("email: an account with this email already exists"), field="email"
        ) from exc
    if role is Role.coordinator and programs is None:
        program_service.join_only_program(session, user.id)
    elif role is Role.coordinator and programs is not None:
        program_admin.join_by_slugs(session, user_id=user.id, slugs=programs)
    return user


def remember_language(session: Session, *, user_id: int, language: str) -> None:
    """The language the account's emails are written in from now on (no commit)."""
    session.execute(update(User).where(User.id == user_id).values(interface_language=language))


def invite(session: Session, *, user: User, settings: Settings) -> datetime:
    """Send a new account's owner a single-use link to choose their password (no commit);
    returns when the link expires."""
    return send_link(
        session,
        user_id=user.id,
        email=user.email,
        purpose=TokenPurpose.invitation,
        settings=settings,
    ).expires_at


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    client: str,
    now: datetime,
    settings: Settings,
) -> tuple[str, User]:
    """Check credentials and issue a bearer token, throttled per (account, client) and per
    client; an unknown account is answered exactly like an existing one."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    wait = throttle.attempt(session, email=email, client=client, now=now, settings=settings)
    if wait is not None:
        audit.record_refusal(
            session,
            actor=None,
            action="login",
            object_type="user",
            object_id=user.id if user else None,
            outcome="throttled",
            client=client,
        )
        raise TooManyRequests(
            said("too many failed sign-ins; try again in %(wait)s", wait=_spoken(wait)),
            retry_after=wait,
        )
    # An unknown account is checked against a dummy hash: the same work, the same time.
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        audit.record(
            session,
            actor=None,
            action="login",
            object_type="user",
            object_id=user.id if user else None,
            outcome="failed",
            client=client,
        )
        session.commit()
        raise Unauthorized(N_("wrong email or password"))
    throttle.succeeded(session, email=email, client=client, settings=settings)
    token, digest = new_token(STAFF_TOKEN_PREFIX)
    session.add(
        AuthSession(
            token_hash=digest,
            user_id=user.id,
            expires_at=now + timedelta(minutes=settings.token_ttl_minutes),
        )
    )
    audit.record(
        session,
        actor=Principal(user.role, user_id=user.id),
        action="login",
        object_type="user",
        object_id=user.id,
        client=client,
    )
    session.commit()
    return token, user


def _spoken(seconds: int) -> str:
    """A wait as a person reads it: "30 seconds", "1 minute", "15 minutes"."""
    if seconds < 60:
        return said_n("%(count)s second", "%(count)s seconds", seconds)
    minutes = math.ceil(seconds / 60)
    return said_n("%(count)s minute", "%(count)s minutes", minutes)


def revoke_session(session: Session, *, principal: Principal) -> None:
    """Sign out: the token stops working at once."""
    session.execute(
        update(AuthSession)
        .where(AuthSession.id == principal.session_id)
        .values(revoked_at=utcnow())
    )
    audit.record(
        session, actor=principal, action="logout", object_type="user", object_id=principal.user_id
    )
    session.commit()


def list_users(
    session: Session, *, q: str | None, role: Role | None, limit: int, offset: int
) -> tuple[list[User], int]:
    """A page of accounts (oldest first) whose email holds `q`, of one role if given, and how
    many there are in all."""
    query = select(User)
    if q:
        query = query.where(func.lower(User.email).contains(q.strip().lower(), autoescape=True))
    if role is not None:
        query = query.where(User.role == role)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(User.id).limit(limit).offset(offset))
    return list(rows), total


def send_reset(session: Session, *, actor: Principal, user_id: int, settings: Settings) -> User:
    """Send an account's owner a link to choose a new password, through the outbox (an admin
    helping someone locked out); the old password keeps working until the link is used."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("no such user"))
    if not user.is_active:
        raise Conflict(
            N_("is_active: this account is disabled; enable it before sending a link"),
            field="is_active",
        )
    purpose = TokenPurpose.invitation if user.invited else TokenPurpose.reset
    send_link(session, user_id=user.id, email=user.email, purpose=purpose, settings=settings)
    audit.record(
        session, actor=actor, action="password_reset_sent", object_type="user", object_id=user_id
    )
    session.commit()
    return user


def set_active(session: Session, *, actor: Principal, user_id: int, is_active: bool) -> User:
    """Enable or disable an account; disabling revokes its tokens at once, and a mentor's
    pairings end as when they leave (`pairings.ending.mentor_left`)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("no such user"))
    if not is_active and user_id == actor.user_id:
        raise Conflict(N_("is_active: you cannot disable your own account"), field="is_active")
    if not is_active and user.is_active and user.role is Role.mentor:
        from mentormatch.mentors.models import Mentor  # mentors build on accounts: import late
        from mentormatch.pairings import ending

        mentor_id = session.scalar(select(Mentor.id).where(Mentor.user_id == user_id))
        if mentor_id is not None:
            ending.mentor_left(session, actor=actor, mentor_id=mentor_id, why="was deactivated")
    user.is_active = is_active
    if not is_active:
        session.execute(
            update(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    audit.record(session, actor=actor, action="update", object_type="user", object_id=user_id)
    session.commit()
    return user
