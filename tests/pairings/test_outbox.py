"""Notifications: the outbox, SMTP delivery against a real local server (aiosmtpd), the CLI."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mentormatch import cli
from mentormatch.config import Settings, get_settings
from mentormatch.pairings import outbox
from mentormatch.pairings.models import Pairing
from mentormatch.pairings.outbox import OutboxMessage
from tests.conftest import Actor
from tests.factories import INTAKE_EXAMPLE
from tests.pairings.conftest import PAIRINGS, new_mentor, new_newcomers, together

Pair = tuple[Actor, Actor, int]
# Things about the newcomer that must never travel in an email.
HEALTH = ("heroin", "opioid", "smart", "buprenorphine", "medication", "recovery", "Sam",
          INTAKE_EXAMPLE["hopes"], "555")  # fmt: skip


@dataclass
class Inbox:
    """An aiosmtpd handler that records messages and can refuse the next few."""

    refuse: int = 0
    received: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        self.received.append(message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, str]]:
    """A real SMTP server on a free local port, and the URL to reach it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{port}?from=notify@mentormatch.test"
    finally:
        controller.stop()


def with_smtp(settings: Settings, url: str | None) -> Settings:
    return settings.model_copy(update={"smtp_url": url})


def rows(db: Session) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


class TestDelivery:
    def test_each_message_is_delivered_once_with_a_link_and_no_health_details(
        self,
        client: TestClient,
        db: Session,
        settings: Settings,
        smtp: tuple[Inbox, str],
        active: Pair,
    ) -> None:
        inbox, url = smtp
        report = outbox.deliver(db, settings=with_smtp(settings, url))
        assert (report.sent, report.failed) == (2, 0)
        again = outbox.deliver(db, settings=with_smtp(settings, url))
        assert (again.sent, again.failed) == (0, 0)

        assert sorted(m["To"] for m in inbox.received) == sorted([r.recipient for r in rows(db)])
        assert len(inbox.received) == 2
        for message in inbox.received:
            text = message.get_payload()
            assert "http://127.0.0.1:8000/" in text
            for word in HEALTH:
                assert word.lower() not in (text + message["Subject"]).lower(), word
        assert all(r.sent_at is not None and r.attempts == 1 for r in rows(db))

    def test_a_refused_message_is_retried_after_a_back_off(
        self, db: Session, settings: Settings, smtp: tuple[Inbox, str], asked: Pair
    ) -> None:
        inbox, url = smtp
        inbox.refuse = 1
        now = datetime.now(UTC)
        first = outbox.deliver(db, settings=with_smtp(settings, url), now=now)
        assert (first.sent, first.failed) == (0, 1)
        (row,) = rows(db)
        assert (row.attempts, row.sent_at) == (1, None)
        assert row.last_error == "SMTPDataError 451"

        too_soon = outbox.deliver(db, settings=with_smtp(settings, url), now=now)
        assert too_soon.sent == 0
        later = outbox.deliver(db, settings=with_smtp(settings, url), now=now + timedelta(hours=1))
        assert later.sent == 1
        (row,) = rows(db)
        assert row.attempts == 2 and row.sent_at is not None and row.last_error is None
        assert len(inbox.received) == 1

    def test_an_unreachable_server_counts_an_attempt(
        self, db: Session, settings: Settings, asked: Pair
    ) -> None:
        url = f"smtp://127.0.0.1:{free_port()}"
        report = outbox.deliver(db, settings=with_smtp(settings, url))
        assert report.failed == 1
        (row,) = rows(db)
        assert row.attempts == 1 and row.sent_at is None and row.last_error

    def test_without_smtp_messages_stay_for_the_coordinator(
        self,
        client: TestClient,
        coordinator: Actor,
        db: Session,
        settings: Settings,
        asked: Pair,
    ) -> None:
        _, _, pairing_id = asked
        assert outbox.deliver(db, settings=with_smtp(settings, None)).sent == 0
        body = client.get("/api/v1/outbox", headers=coordinator.headers).json()
        assert body["total"] == 1
        item = body["items"][0]
        assert (item["kind"], item["pairing_id"], item["sent_at"]) == (
            "mentor_asked",
            pairing_id,
            None,
        )


class TestOutboxRoute:
    def test_anonymous_401_mentor_and_newcomer_403(self, client: TestClient, asked: Pair) -> None:
        newcomer, mentor, _ = asked
        assert client.get("/api/v1/outbox").status_code == 401
        assert client.get("/api/v1/outbox", headers=mentor.headers).status_code == 403
        assert client.get("/api/v1/outbox", headers=newcomer.headers).status_code == 403

    def test_pending_filter(
        self,
        client: TestClient,
        coordinator: Actor,
        db: Session,
        settings: Settings,
        smtp: tuple[Inbox, str],
        asked: Pair,
    ) -> None:
        outbox.deliver(db, settings=with_smtp(settings, smtp[1]))
        pending = client.get(
            "/api/v1/outbox", params={"pending": True}, headers=coordinator.headers
        )
        assert pending.json()["total"] == 0


def test_two_workers_delivering_at_once_send_each_message_once(
    live_app: FastAPI, staff: dict[str, str], smtp: tuple[Inbox, str]
) -> None:
    inbox, url = smtp
    mentor_ids = [new_mentor(live_app, staff)[0] for _ in range(3)]
    with TestClient(live_app) as client:
        for newcomer_id, mentor_id in zip(new_newcomers(live_app, 3), mentor_ids, strict=True):
            body = {"newcomer_id": newcomer_id, "mentor_id": mentor_id}
            assert client.post(PAIRINGS, json=body, headers=staff).status_code == 201
    settings = with_smtp(live_app.state.settings, url)

    def worker(_: TestClient) -> int:
        with live_app.state.sessionmaker() as session:
            return outbox.deliver(session, settings=settings).sent

    sent = together(live_app, [worker] * 4)
    assert sum(n * count for n, count in sent.items()) == 3
    assert len(inbox.received) == 3


def test_the_cli_expires_reminds_and_delivers(
    live_app: FastAPI,
    staff: dict[str, str],
    smtp: tuple[Inbox, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, url = smtp
    (newcomer_id,) = new_newcomers(live_app, 1)
    late_id, _ = new_mentor(live_app, staff)
    slow_id, _ = new_mentor(live_app, staff)
    (other_newcomer,) = new_newcomers(live_app, 1)
    with TestClient(live_app) as client:
        late = client.post(
            PAIRINGS, json={"newcomer_id": newcomer_id, "mentor_id": late_id}, headers=staff
        ).json()["id"]
        slow = client.post(
            PAIRINGS, json={"newcomer_id": other_newcomer, "mentor_id": slow_id}, headers=staff
        ).json()["id"]
    now = datetime.now(UTC)
    with live_app.state.sessionmaker() as session:
        session.get(Pairing, late).expires_at = now - timedelta(hours=1)  # type: ignore[union-attr]
        session.get(Pairing, slow).expires_at = now + timedelta(hours=12)  # type: ignore[union-attr]
        session.commit()
    monkeypatch.setenv("MENTORMATCH_DATABASE_URL", live_app.state.settings.database_url)
    monkeypatch.setenv("MENTORMATCH_SMTP_URL", url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        result = runner.invoke(cli.app, ["pairings", "expire"])
        assert result.exit_code == 0, result.output
        assert "reminded 1, expired 1" in result.output
        result = runner.invoke(cli.app, ["pairings", "deliver"])
        assert result.exit_code == 0, result.output
        assert "sent 4, failed 0" in result.output  # 2 asked, 1 reminder, 1 expired
    finally:
        get_settings.cache_clear()
    with live_app.state.sessionmaker() as session:
        kinds = sorted(session.scalars(select(OutboxMessage.kind)))
        assert session.get(Pairing, late).status == "expired"  # type: ignore[union-attr]
    assert kinds == ["mentor_asked", "mentor_asked", "mentor_reminder", "pairing_expired"]
    assert len(inbox.received) == 4
