"""The notification outbox: messages written in the transaction that causes them, sent later.

A message carries a link and nothing else about the person's health or recovery: the
recipient follows the link and signs in (or opens their private status link) to read
more. :func:`deliver` sends due messages by SMTP when `MENTORMATCH_SMTP_URL` is set;
each row is claimed (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write lock on
SQLite), sent, and marked sent in the same transaction, so it is delivered once.
Failures are retried with a growing back-off until `MAX_ATTEMPTS`.
"""

from __future__ import annotations

import contextlib
import enum
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import Enum, ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from mentormatch import i18n
from mentormatch.accounts.models import User
from mentormatch.accounts.principal import Principal
from mentormatch.config import Settings
from mentormatch.db import Base, UTCDateTime, utcnow
from mentormatch.i18n import N_
from mentormatch.programs import scope

MAX_ATTEMPTS = 6


class MessageKind(enum.StrEnum):
    mentor_asked = "mentor_asked"
    mentor_reminder = "mentor_reminder"
    newcomer_paired = "newcomer_paired"
    pairing_expired = "pairing_expired"
    invitation = "invitation"
    reset = "reset"
    urgent_intake = "urgent_intake"
    quiet_reminder = "quiet_reminder"
    fit_check_mentor = "fit_check_mentor"
    fit_check_newcomer = "fit_check_newcomer"
    milestone_reached = "milestone_reached"
    mentor_graduated = "mentor_graduated"
    newcomer_graduated = "newcomer_graduated"
    followup_due = "followup_due"
    followup_closing = "followup_closing"


# Messages whose link is a credential (it sets the recipient's password): listings never
# show their body.
CREDENTIAL_KINDS = frozenset({MessageKind.invitation, MessageKind.reset})
HIDDEN_BODY = "(not shown: this message holds a single-use link to set a password)"


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MessageKind] = mapped_column(
        Enum(MessageKind, name="message_kind", native_enum=False, length=30)
    )
    # None only for account messages (invitations, password resets), which are a person's
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


_TEXT = {
    MessageKind.mentor_asked: (
        N_("A new mentoring request is waiting for you"),
        N_(
            "Hello,\n\nA coordinator has asked whether you can mentor someone new.\n"
            "Please sign in to read the request and accept or decline it:\n\n{link}\n"
        ),
    ),
    MessageKind.mentor_reminder: (
        N_("Reminder: a mentoring request is waiting for your answer"),
        N_(
            "Hello,\n\nA mentoring request is still waiting for your answer and will expire "
            "soon.\nPlease sign in to accept or decline it:\n\n{link}\n"
        ),
    ),
    # A message to a newcomer is in the language they asked in (issue 18); the others in
    # the recipient account's language (users.interface_language; outbox.enqueue).
    MessageKind.newcomer_paired: (
        N_("Your mentor has said yes"),
        N_(
            "Hello,\n\nGood news: a mentor has accepted. Open the private status link you "
            "saved when you signed up to see how to reach them.\n\n{link}\n"
        ),
    ),
    MessageKind.pairing_expired: (
        N_("A mentoring request has expired"),
        N_(
            "Hello,\n\nA mentoring request you were asked about has expired and has been "
            "handed back to the coordinator. Nothing more is needed from you.\n\n{link}\n"
        ),
    ),
    MessageKind.invitation: (
        N_("You are invited to MentorMatch"),
        N_(
            "Hello,\n\nAn account has been made for you on MentorMatch. Choose your password "
            "with this link (it works once, and expires in a few days):\n\n{link}\n\n"
            "If you did not expect this, you can ignore this message.\n"
        ),
    ),
    MessageKind.reset: (
        N_("Reset your MentorMatch password"),
        N_(
            "Hello,\n\nSomeone asked to reset the password of your MentorMatch account. "
            "Choose a new one with this link (it works once, and expires within the hour):"
            "\n\n{link}\n\nIf it was not you, ignore this message: your password stays as "
            "it is.\n"
        ),
    ),
    MessageKind.urgent_intake: (
        N_("Urgent: a request is waiting for a coordinator"),
        N_(
            "Hello,\n\nA request on MentorMatch has just been marked urgent and is waiting "
            "for a coordinator. Please sign in and open it as soon as you can:\n\n{link}\n\n"
            "Record there when you have reached out, so other coordinators know.\n"
        ),
    ),
    MessageKind.quiet_reminder: (
        N_("A reminder to keep in touch"),
        N_(
            "Hello,\n\nNo contact has been logged with your mentee for a while. When you are "
            "next in touch, please log it on your pairing's page:\n\n{link}\n\n"
            "If something stands in the way, your coordinator is there to help.\n"
        ),
    ),
    MessageKind.fit_check_mentor: (
        N_("A quick question about your new pairing"),
        N_(
            "Hello,\n\nHow is your new pairing going? Please answer one short question on its "
            "page:\n\n{link}\n"
        ),
    ),
    MessageKind.fit_check_newcomer: (
        N_("A quick question about your mentor"),
        N_(
            "Hello,\n\nHow is it going with your mentor? Please answer one short question "
            "through the private status link you saved when you signed up.\n\n{link}\n"
        ),
    ),
    MessageKind.milestone_reached: (
        N_("Something to celebrate today"),
        N_(
            "Hello,\n\nThere is something to celebrate on your page today. Open the private "
            "status link you saved when you signed up to see it.\n\n{link}\n"
        ),
    ),
    MessageKind.mentor_graduated: (
        N_("A pairing has completed its planned time"),
        N_(
            "Hello,\n\nOne of your pairings has reached the end of its planned time and is now "
            "complete. Thank you for walking alongside someone. You can read it on its page:"
            "\n\n{link}\n"
        ),
    ),
    MessageKind.newcomer_graduated: (
        N_("Congratulations: your planned time with your mentor is complete"),
        N_(
            "Hello,\n\nYou have completed your planned time with your mentor. Congratulations! "
            "Open the private status link you saved when you signed up to read more."
            "\n\n{link}\n"
        ),
    ),
    MessageKind.followup_due: (
        N_("A short questionnaire is ready for you"),
        N_(
            "Hello,\n\nA short questionnaire about how you are doing is ready for you. It takes "
            "a few minutes. Open it with the private status link you saved when you signed "
            "up:\n\n{link}\n\nIf you would rather not get these emails, you can stop them on "
            "your status page.\n"
        ),
    ),
    MessageKind.followup_closing: (
        N_("A reminder: your short questionnaire"),
        N_(
            "Hello,\n\nA short questionnaire about how you are doing is still waiting for "
            "you, for a few more days. Open it with the private status link you saved when "
            "you signed up:\n\n{link}\n\nIf you would rather not get these emails, you can "
            "stop them on your status page.\n"
        ),
    ),
}


def enqueue(
    session: Session,
    *,
    kind: MessageKind,
    recipient: str | None,
    link: str,
    program_id: int | None,
    pairing_id: int | None = None,
    language: str | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction (a link, never health data),
    written in the recipient's `language`: by default, the language of the account with
    the recipient's email (`users.interface_language`: a mentor's, a coordinator's), else
    English. `program_id` is the program the message is about; None only for account
    messages."""
    if language is None and recipient:
        language = session.scalar(select(User.interface_language).where(User.email == recipient))
    language = language or i18n.DEFAULT_LOCALE
    subject, template = (i18n.translate(words, language) for words in _TEXT[kind])
    message = OutboxMessage(
        kind=kind,
        program_id=program_id,
        pairing_id=pairing_id,
        recipient=recipient,
        subject=subject,
        body=template.format(link=link),
        next_attempt_at=utcnow(),
    )
    session.add(message)
    return message


def shown_body(message: OutboxMessage) -> str:
    """The body as a listing may show it: never a link that sets a password."""
    return HIDDEN_BODY if message.kind in CREDENTIAL_KINDS else message.body


def list_messages(
    session: Session, *, actor: Principal, pending_only: bool, limit: int, offset: int
) -> tuple[list[OutboxMessage], int]:
    """A page of the outbox messages of the actor's programs, newest first."""
    query = select(OutboxMessage).where(scope.where(actor, OutboxMessage.program_id))
    if pending_only:
        query = query.where(OutboxMessage.sent_at.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(OutboxMessage.id.desc()).limit(limit).offset(offset)
    ).all()
    return list(rows), total


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    host: str
    port: int
    tls: bool
    starttls: bool
    username: str | None
    password: str | None
    sender: str


def parse_smtp_url(url: str) -> SmtpTarget:
    """`smtp://[user:pass@]host[:port][?from=addr&starttls=1]` or `smtps://…`."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("MENTORMATCH_SMTP_URL must look like smtp://host:port")
    query = parse_qs(parts.query)
    tls = parts.scheme == "smtps"
    return SmtpTarget(
        host=parts.hostname,
        port=parts.port or (465 if tls else 25),
        tls=tls,
        starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=query.get("from", ["mentormatch@localhost"])[0],
    )


def _connect(target: SmtpTarget) -> smtplib.SMTP:
    smtp: smtplib.SMTP
    if target.tls:
        smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=15)
    else:
        smtp = smtplib.SMTP(target.host, target.port, timeout=15)
        if target.starttls:
            smtp.starttls()
    if target.username:
        smtp.login(target.username, target.password or "")
    return smtp


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient or ""
    email["Subject"] = message.subject
    email["Message-ID"] = f"<outbox-{message.id}@mentormatch>"
    email.set_content(message.body)
    return email


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4, 8… minutes, at most a day."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 24 * 60))


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    sent: int
    failed: int


def deliver(
    session: Session, *, settings: Settings, now: datetime | None = None, limit: int = 100
) -> DeliveryReport:
    """Send due messages by SMTP; each is marked sent in the transaction that claimed it."""
    if not settings.smtp_url:
        return DeliveryReport(0, 0)
    target = parse_smtp_url(settings.smtp_url)
    now = now or utcnow()
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.recipient.is_not(None),
            OutboxMessage.attempts < MAX_ATTEMPTS,
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = list(session.scalars(query))
    sent = failed = 0
    smtp: smtplib.SMTP | None = None
    try:
        for message in claimed:
            message.attempts += 1
            try:
                if smtp is None:
                    smtp = _connect(target)
                smtp.send_message(_email(message, target.sender))
            except (smtplib.SMTPException, OSError) as exc:
                code = getattr(exc, "smtp_code", None)
                message.last_error = f"{type(exc).__name__}{f' {code}' if code else ''}"[:200]
                message.next_attempt_at = now + backoff(message.attempts)
                failed += 1
                if smtp is not None:  # start the next message on a fresh connection
                    smtp.close()
                    smtp = None
            else:
                message.sent_at = now
                message.last_error = None
                sent += 1
    finally:
        if smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()
        session.commit()
    return DeliveryReport(sent, failed)
