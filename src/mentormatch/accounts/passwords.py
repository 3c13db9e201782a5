"""Passwords people set themselves: invitations, resets, changes, and the strength rule.

An account is created without a password (`UNUSABLE_PASSWORD`); its owner gets a
single-use link through the outbox and chooses one. A forgotten password is replaced the
same way. Links hold a random token of which only the SHA-256 is stored; using one
consumes it (an atomic `UPDATE … WHERE used_at IS NULL`), voids the account's other
links and signs out every session of that account.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

import zxcvbn
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentormatch.accounts import throttle
from mentormatch.accounts.models import AccountToken, AuthSession, TokenPurpose, User
from mentormatch.accounts.principal import Principal
from mentormatch.accounts.security import (
    ACCOUNT_TOKEN_PREFIX,
    hash_password,
    hash_token,
    new_token,
    verify_password,
)
from mentormatch.audit import service as audit
from mentormatch.config import Settings
from mentormatch.db import utcnow
from mentormatch.errors import Invalid, TooManyRequests
from mentormatch.i18n import N_, Words, said
from mentormatch.mentors.models import Mentor
from mentormatch.pairings import outbox
from mentormatch.pairings.outbox import MessageKind

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" (~10^8 guesses and more)
_STRENGTH_CHARS = 72  # zxcvbn refuses longer input; the first 72 characters decide
SET_PASSWORD_PATH = "/account/set-password"
_KIND = {TokenPurpose.invitation: MessageKind.invitation, TokenPurpose.reset: MessageKind.reset}
BAD_LINK = N_("token: this link is unknown, already used or expired; ask for a new one")
# zxcvbn's warnings (English only), as the strength rule quotes them, for the catalog.
STRENGTH_WARNINGS = frozenset(
    {
        N_("it would be easy to guess"),
        N_("Straight rows of keys are easy to guess"),
        N_("Short keyboard patterns are easy to guess"),
        N_('Repeats like "aaa" are easy to guess'),
        N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc"'),
        N_('Sequences like "abc" or "6543" are easy to guess'),
        N_("Recent years are easy to guess"),
        N_("Dates are often easy to guess"),
        N_("This is a top-10 common password"),
        N_("This is a top-100 common password"),
        N_("This is a very common password"),
        N_("This is similar to a commonly used password"),
        N_("A word by itself is easy to guess"),
        N_("Names and surnames by themselves are easy to guess"),
        N_("Common names and surnames are easy to guess"),
    }
)


def check_strength(password: str, *, email: str | None = None, field: str = "password") -> None:
    """Refuse a password that is too short, too long or easy to guess (422 naming it)."""
    if len(password) < MIN_LENGTH:
        raise Invalid(
            said(
                "%(field)s: use at least %(count)s characters",
                field=field,
                count=MIN_LENGTH,
            ),
            field=field,
        )
    if len(password) > MAX_LENGTH:
        raise Invalid(
            said(
                "%(field)s: use at most %(count)s characters",
                field=field,
                count=MAX_LENGTH,
            ),
            field=field,
        )
    hints = [email, email.split("@")[0]] if email else []
    result = zxcvbn.zxcvbn(password[:_STRENGTH_CHARS], user_inputs=hints)
    if result["score"] < MIN_SCORE:
        warning = result["feedback"]["warning"] or "it would be easy to guess"
        raise Invalid(
            said(
                "%(field)s: too easy to guess (%(warning)s); a few unrelated words make a "
                "strong one",
                field=field,
                warning=_warning(warning.rstrip(".")),
            ),
            field=field,
        )


def _warning(words: str) -> str:
    """zxcvbn's warning, translatable when the catalog knows it."""
    return Words(words) if words in STRENGTH_WARNINGS else words


def _link(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}{SET_PASSWORD_PATH}?token={quote(token)}"


def send_link(
    session: Session,
    *,
    user_id: int,
    email: str,
    purpose: TokenPurpose,
    settings: Settings,
    now: datetime | None = None,
    mentor_program_id: int | None = None,
    language: str | None = None,
) -> AccountToken:
    """Store a new single-use token and queue its link for the account's email (no commit),
    written in `language`, else the account's own (`users.interface_language`). A caller
    inviting many new mentors of one program passes their `mentor_program_id`."""
    now = now or utcnow()
    ttl = (
        timedelta(hours=settings.invitation_ttl_hours)
        if purpose is TokenPurpose.invitation
        else timedelta(minutes=settings.reset_ttl_minutes)
    )
    token, digest = new_token(ACCOUNT_TOKEN_PREFIX)
    row = AccountToken(
        purpose=purpose, user_id=user_id, token_hash=digest, created_at=now, expires_at=now + ttl
    )
    session.add(row)
    # A mentor's link belongs to their program (its coordinators see it was sent); a staff
    # account's to none.
    program_id = mentor_program_id or session.scalar(
        select(Mentor.program_id).where(Mentor.user_id == user_id)
    )
    outbox.enqueue(
        session,
        kind=_KIND[purpose],
        recipient=email,
        link=_link(settings, token),
        program_id=program_id,
        language=language,  # else the account's own (outbox.enqueue finds it by email)
    )
    return row


def request_reset(
    session: Session, *, email: str, settings: Settings, client: str, language: str | None = None
) -> None:
    """Send a reset link if an active account has this email; the caller learns nothing.
    The email is in `language` (the page it was asked on), else the account's own."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is not None and user.is_active:
        send_link(
            session,
            user_id=user.id,
            email=user.email,
            purpose=TokenPurpose.reset,
            settings=settings,
            language=language,
        )
    audit.record(
        session,
        actor=None,
        action="password_reset_request",
        object_type="user",
        object_id=user.id if user else None,
        outcome="sent" if user is not None and user.is_active else "unknown",
        client=client,
    )
    session.commit()


def _sign_out_everywhere(session: Session, user_id: int, *, keep: int | None = None) -> None:
    query = update(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(AuthSession.id != keep)
    session.execute(query.values(revoked_at=utcnow()))


def pending_link(
    session: Session, *, token: str, now: datetime | None = None
) -> tuple[AccountToken, User] | None:
    """The unused, unexpired link holding this token and its (active) account, or None."""
    now = now or utcnow()
    row = session.execute(
        select(AccountToken, User)
        .join(User, User.id == AccountToken.user_id)
        .where(AccountToken.token_hash == hash_token(token))
    ).first()
    if (
        row is None
        or row[0].used_at is not None
        or row[0].expires_at <= now
        or not row[1].is_active
    ):
        return None
    return row[0], row[1]


def set_with_token(
    session: Session, *, token: str, password: str, client: str, now: datetime | None = None
) -> User:
    """Set the password of the account a link was sent to; the link is used up."""
    now = now or utcnow()
    found = pending_link(session, token=token, now=now)
    if found is None:
        audit.record_refusal(
            session, actor=None, action="set_password", object_type="user", client=client
        )
        raise Invalid(BAD_LINK, field="token")
    link, user = found
    check_strength(password, email=user.email)
    used = session.execute(
        update(AccountToken)
        .where(AccountToken.id == link.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]  # another request used it first
        session.rollback()
        raise Invalid(BAD_LINK, field="token")
    session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    user.password_hash = hash_password(password)
    _sign_out_everywhere(session, user.id)
    audit.record(
        session,
        actor=Principal(user.role, user_id=user.id),
        action=f"set_password_{link.purpose}",
        object_type="user",
        object_id=user.id,
        client=client,
    )
    session.commit()
    return user


def change(
    session: Session,
    *,
    principal: Principal,
    current: str,
    new: str,
    client: str,
    now: datetime,
    settings: Settings,
) -> None:
    """Change your own password (knowing the current one); your other sessions end.

    A wrong current password counts in the sign-in throttle for this account and client,
    exactly like a failed sign-in (`throttle.attempt`).
    """
    user = session.get(User, principal.user_id)
    if user is None:
        raise Invalid(
            N_("current_password: this is not your current password"), field="current_password"
        )
    wait = throttle.attempt(session, email=user.email, client=client, now=now, settings=settings)
    if wait is not None:
        audit.record_refusal(
            session,
            actor=principal,
            action="change_password",
            object_type="user",
            object_id=user.id,
            outcome="throttled",
            client=client,
        )
        raise TooManyRequests(
            said("too many wrong passwords; try again in %(wait)s seconds", wait=wait),
            retry_after=wait,
        )
    if not verify_password(user.password_hash, current):
        audit.record(
            session,
            actor=principal,
            action="change_password",
            object_type="user",
            object_id=user.id,
            outcome="failed",
            client=client,
        )
        session.commit()
        raise Invalid(
            N_("current_password: this is not your current password"), field="current_password"
        )
    throttle.succeeded(session, email=user.email, client=client, settings=settings)
    try:
        check_strength(new, email=user.email, field="new_password")
    except Invalid:
        session.commit()  # the right current password: its attempt is not a failure
        raise
    user.password_hash = hash_password(new)
    _sign_out_everywhere(session, user.id, keep=principal.session_id)
    audit.record(
        session,
        actor=principal,
        action="change_password",
        object_type="user",
        object_id=user.id,
        client=client,
    )
    session.commit()
