"""The sign-in throttle: failed sign-ins per (account, client) and per client, in the database.

The rule (docs/accounts.md): the first `login_free_failures` failures of an (account,
client) pair, and the first `login_client_free_failures` of a client across accounts, cost
nothing; after them each attempt waits `login_first_delay_seconds` after the last failure,
doubling with every further failure up to `login_max_delay_seconds`. A success clears the
pair; a failure is forgotten `login_forget_seconds` after it happened. The account is the
email as typed, so an unknown account is throttled exactly like an existing one, and a
stranger's failures elsewhere never slow the real person down.

Callers: `attempt` before checking a password (it counts the attempt as a failure at
once, so a burst of parallel guesses is throttled like a sequence), then `succeeded` when
the password was right. `blocked` and `failed` are the two halves of `attempt`.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from mentormatch.accounts.models import LoginFailure, normalise_email
from mentormatch.config import Settings

CLIENT_KEY_LENGTH = 64
# Past this many doublings every delay is the cap anyway (and 2**n stays small).
_MAX_DOUBLINGS = 32


def account_key(email: str, settings: Settings) -> str:
    """The stored key of an account as typed: an HMAC of the normalised email."""
    secret = settings.secret_key.encode()
    return hmac.new(secret, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def client_key(address: str) -> str:
    """The stored key of a client: its IPv4 address, or its IPv6 /64 (one subscriber's
    network, whose addresses cost an attacker nothing to rotate)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:CLIENT_KEY_LENGTH]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def delay_after(failures: int, free: int, settings: Settings) -> float:
    """Seconds to wait after the last of `failures` (at least `free`) failures."""
    doublings = min(failures - free, _MAX_DOUBLINGS)
    first, cap = settings.login_first_delay_seconds, settings.login_max_delay_seconds
    return float(min(first * 2**doublings, cap))


def blocked(
    session: Session,
    *,
    email: str,
    client: str,
    now: datetime,
    settings: Settings,
    before: int | None = None,
) -> int | None:
    """Whole seconds this (account, client) must still wait before trying, or None.

    `before`: count only the failures recorded before this one (see `attempt`).
    """
    account, client = account_key(email, settings), client_key(client)
    mine = LoginFailure.account == account
    query = select(
        func.count(),
        func.max(LoginFailure.failed_at),
        func.count().filter(mine),
        func.max(LoginFailure.failed_at).filter(mine),
    ).where(
        LoginFailure.client == client,
        LoginFailure.failed_at > now - timedelta(seconds=settings.login_forget_seconds),
    )
    if before is not None:
        query = query.where(LoginFailure.id < before)
    from_client, client_last, from_pair, pair_last = session.execute(query).one()
    waits = [0.0]
    for failures, last, free in (
        (from_pair, pair_last, settings.login_free_failures),
        (from_client, client_last, settings.login_client_free_failures),
    ):
        if last is not None and failures >= free:
            waits.append((last - now).total_seconds() + delay_after(failures, free, settings))
    wait = max(waits)
    return math.ceil(wait) if wait > 0 else None


def failed(session: Session, *, email: str, client: str, now: datetime, settings: Settings) -> int:
    """Record a failed attempt (the caller commits) and forget the ones old enough; its id.

    A client's failures are recorded one transaction at a time (SQLite has one writer; on
    PostgreSQL a lock on the client's key held to the commit), so their ids are in the
    order they became visible, which `attempt` relies on.
    """
    key = client_key(client)
    if session.get_bind().dialect.name == "postgresql":
        lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        session.execute(select(func.pg_advisory_xact_lock(lock_id)))
    cutoff = now - timedelta(seconds=settings.login_forget_seconds)
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= cutoff))
    failure = LoginFailure(account=account_key(email, settings), client=key, failed_at=now)
    session.add(failure)
    session.flush()
    return failure.id


def attempt(
    session: Session, *, email: str, client: str, now: datetime, settings: Settings
) -> int | None:
    """Start an attempt: None when it may go ahead (it counts as a failure until
    `succeeded`), else the whole seconds to wait (and nothing is recorded). Commits.

    The attempt is recorded and committed before its password is checked, and then
    judged on the failures recorded before it, so parallel attempts are judged one
    after the other; an attempt refused is not counted, so waiting out a delay is enough.
    """
    wait = blocked(session, email=email, client=client, now=now, settings=settings)
    if wait is not None:
        return wait  # a plain read: a flood of refused attempts takes no write lock
    failure_id = failed(session, email=email, client=client, now=now, settings=settings)
    session.commit()
    wait = blocked(
        session, email=email, client=client, now=now, settings=settings, before=failure_id
    )
    if wait is not None:
        session.execute(delete(LoginFailure).where(LoginFailure.id == failure_id))
        session.commit()
    return wait


def succeeded(session: Session, *, email: str, client: str, settings: Settings) -> None:
    """The right password: forget this (account, client)'s failures (the caller commits)."""
    session.execute(
        delete(LoginFailure).where(
            LoginFailure.account == account_key(email, settings),
            LoginFailure.client == client_key(client),
        )
    )
