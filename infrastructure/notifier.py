"""Delivering the notification outbox. Activities only write rows; this dispatcher, running in the
worker process, hands pending rows to the configured sender and marks them sent. A crash between
sending and marking can at worst send one message twice; the outbox row itself is written once per
(subject, event, recipient) by the activity."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Protocol

import structlog
from sqlmodel import col, select

from domain.privacy import mask_mobile
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import Notification

log = structlog.get_logger("labourflow.notify")
MAX_ATTEMPTS = 10


class Sender(Protocol):
    """Delivers one message; raises to have it retried later."""

    async def send(self, channel: str, address: str, body_zh: str, body_en: str) -> None: ...


class LogSender:
    """Development sender: writes each message to the log (addresses masked); the admin outbox
    page shows the same rows."""

    async def send(self, channel: str, address: str, body_zh: str, body_en: str) -> None:
        shown = mask_mobile(address) if channel == "sms" else address
        log.info("notification sent", channel=channel, to=shown, body=body_zh)


async def dispatch_once(db: Database, keyring: Keyring, sender: Sender, batch: int = 50) -> int:
    """Send up to `batch` pending notifications; returns how many were sent."""
    async with db.session() as session:
        rows = (await session.exec(select(Notification).where(Notification.status == "pending",
                                                              Notification.attempts < MAX_ATTEMPTS)
                                   .order_by(col(Notification.id)).limit(batch))).all()
        sent = 0
        for row in rows:
            try:
                await sender.send(row.channel, keyring.decrypt_text(row.recipient_enc), row.body_zh, row.body_en)
                row.status, row.sent_at = "sent", datetime.now(UTC)
                sent += 1
            except Exception as exc:
                row.attempts += 1
                row.status = "failed" if row.attempts >= MAX_ATTEMPTS else "pending"
                log.warning("notification not sent", notification=row.id, attempt=row.attempts, error=type(exc).__name__)
            session.add(row)
        await session.commit()
    return sent


async def dispatch_forever(db: Database, keyring: Keyring, sender: Sender, interval: float = 2.0) -> None:
    """Poll the outbox until cancelled."""
    while True:
        try:
            if await dispatch_once(db, keyring, sender) == 0:
                await asyncio.sleep(interval)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("outbox dispatch failed; retrying", error=str(exc))
            await asyncio.sleep(interval)
