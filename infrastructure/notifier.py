"""Delivering the notification outbox. Activities only write rows; a dispatcher, running in every
workflow worker process, claims pending rows, hands them to the configured sender and marks them.

Several workflow worker replicas each run a dispatcher, so rows are claimed before they are sent:
one statement marks up to `batch` rows `sending`, with the dispatcher's id and a lease
(`LABOURFLOW_OUTBOX_LEASE_SECONDS`), and returns them. On PostgreSQL its subquery takes the rows
`FOR UPDATE SKIP LOCKED`, so two dispatchers never take the same row and never wait for each
other; SQLite runs the statement under its single write lock (the clause is left out there). A
dispatcher that dies holding claims leaves them `sending`: once the lease has run out another one
takes them. A crash between sending and marking can therefore still send a message twice (at least
once, never lost); the outbox row itself is written once per (subject, event, recipient) by the
activity.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import structlog
from sqlalchemy import and_, or_, update
from sqlmodel import col, select

from domain.privacy import mask_mobile
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import Notification

log = structlog.get_logger("labourflow.notify")
MAX_ATTEMPTS = 10
DEFAULT_LEASE = 300.0


@dataclass(frozen=True)
class OutboundMessage:
    """One message to deliver: the decrypted address, the texts in both languages."""

    notification_id: int
    channel: str  # sms|email|inbox
    address: str
    template: str  # the message template (templates/messages/<template>.*.txt)
    body_zh: str
    body_en: str
    attachment: tuple[str, str, str] | None = None  # (file name, media type, text), e-mail only


class Sender(Protocol):
    """Delivers one message; raises to have it retried later."""

    async def send(self, message: OutboundMessage) -> None: ...


class LogSender:
    """Development sender: writes each message to the log (addresses masked); the admin outbox
    page shows the same rows."""

    async def send(self, message: OutboundMessage) -> None:
        shown = mask_mobile(message.address) if message.channel == "sms" else message.address
        log.info("notification sent", channel=message.channel, to=shown, body=message.body_zh)


def dispatcher_id() -> str:
    """Names this dispatcher in the rows it claims: host, process and a random part."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _claimable(now: datetime) -> object:
    """Rows with attempts left that are pending, or whose claim ran out (their dispatcher is gone)."""
    return and_(
        col(Notification.attempts) < MAX_ATTEMPTS,
        or_(col(Notification.status) == "pending",
            and_(col(Notification.status) == "sending", col(Notification.claimed_until) < now)),
    )


async def claim(db: Database, owner: str, *, batch: int = 50, lease: float = DEFAULT_LEASE) -> list[Notification]:
    """Mark up to `batch` claimable rows as `sending` by `owner` until the lease ends; returns them."""
    now = datetime.now(UTC)
    # The chosen ids are a MATERIALIZED common table expression, computed once: as an IN (subquery)
    # PostgreSQL may plan a semi join that runs the locking subquery again for every row, and the
    # LIMIT no longer holds (measured: 10 rows claimed with a batch of 4).
    chosen = (
        select(Notification.id)
        .where(_claimable(now))  # type: ignore[arg-type]
        .order_by(col(Notification.id))
        .limit(batch)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite renders no locking clause
        .cte("chosen")
        .prefix_with("MATERIALIZED")
    )
    statement = (
        update(Notification)
        # The outer condition repeats the inner one: under READ COMMITTED PostgreSQL re-checks it
        # on the row's latest version, a second guard against taking a row just claimed.
        .where(col(Notification.id).in_(select(chosen.c.id)), _claimable(now))  # type: ignore[arg-type]
        .values(status="sending", claimed_by=owner, claimed_until=now + timedelta(seconds=lease),
                attempts=Notification.attempts + 1)
        .returning(Notification)
        .execution_options(synchronize_session=False)
    )
    # A row whose dispatchers kept dying while it was claimed (a message that crashes the sender)
    # has used its attempts without an answer: give it up rather than take it again.
    abandoned = (
        update(Notification)
        .where(col(Notification.status) == "sending", col(Notification.claimed_until) < now,
               col(Notification.attempts) >= MAX_ATTEMPTS)
        .values(status="failed", claimed_by=None, claimed_until=None)
    )
    async with db.write_session() as session:
        await session.exec(abandoned)  # type: ignore[call-overload]
        rows = list((await session.exec(statement)).scalars().all())  # type: ignore[call-overload]
        await session.commit()
    return sorted(rows, key=lambda row: row.id or 0)


async def _settle(db: Database, row: Notification, owner: str, **values: object) -> None:
    """Record the outcome, unless the claim was lost (lease over and taken by another dispatcher)."""
    async with db.write_session() as session:
        await session.exec(  # type: ignore[call-overload]
            update(Notification)
            .where(col(Notification.id) == row.id, col(Notification.claimed_by) == owner, col(Notification.status) == "sending")
            .values(claimed_by=None, claimed_until=None, **values)
        )
        await session.commit()


def outbound(row: Notification, keyring: Keyring) -> OutboundMessage:
    """The message of an outbox row: address decrypted, a one-time link put into the texts, the attachment."""
    assert row.id is not None
    link = keyring.decrypt_text(row.secret_enc) if row.secret_enc else ""
    attachment = (row.attachment_name, row.attachment_type or "application/octet-stream", row.attachment_text or "") \
        if row.attachment_name else None
    return OutboundMessage(row.id, row.channel, keyring.decrypt_text(row.recipient_enc), row.template,
                           row.body_zh.replace("{link}", link), row.body_en.replace("{link}", link), attachment)


async def dispatch_once(db: Database, keyring: Keyring, sender: Sender, batch: int = 50, *,
                        lease: float = DEFAULT_LEASE, owner: str | None = None) -> int:
    """Claim and send up to `batch` pending notifications; returns how many were sent."""
    owner = owner or dispatcher_id()
    sent = 0
    for row in await claim(db, owner, batch=batch, lease=lease):
        assert row.id is not None
        message = outbound(row, keyring)
        try:
            await sender.send(message)
        except Exception as exc:
            gave_up = row.attempts >= MAX_ATTEMPTS
            await _settle(db, row, owner, status="failed" if gave_up else "pending")
            log.warning("notification not sent", notification=row.id, attempt=row.attempts, error=type(exc).__name__)
            continue
        await _settle(db, row, owner, status="sent", sent_at=datetime.now(UTC), secret_enc=None)
        sent += 1
    return sent


async def dispatch_forever(db: Database, keyring: Keyring, sender: Sender, interval: float = 2.0, *,
                           lease: float = DEFAULT_LEASE) -> None:
    """Poll the outbox until cancelled."""
    owner = dispatcher_id()
    while True:
        try:
            if await dispatch_once(db, keyring, sender, lease=lease, owner=owner) == 0:
                await asyncio.sleep(interval)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("outbox dispatch failed; retrying", error=str(exc))
            await asyncio.sleep(interval)
