"""Webhook delivery: each agency system with a webhook receives its organisation's events, one
request per event, in sequence order, signed as the Standard Webhooks specification says
(`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`
keyed with the `whsec_` secret).

The outbox is the event log itself plus each system's cursor (`delivered_seq`): nothing is copied,
so nothing is lost when a process dies. A deliverer claims one receiver at a time with a lease
(compare-and-set on `claimed_until`, so several worker replicas never deliver to the same receiver
at once), sends the events after its cursor in order, and moves the cursor after each 2xx. A failed
event stops that receiver's delivery (order first) and is tried again after a backoff that doubles
each time (`LABOURFLOW_WEBHOOK_BACKOFF_SECONDS` up to `..._MAX_SECONDS`). A deliverer that dies
after a receiver answered and before the cursor moved sends that event again: at least once,
receivers de-duplicate on `webhook-id`."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import structlog
from sqlalchemy import and_, or_, update
from sqlmodel import col, select

from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.tables import AgencyEventCounter, AgencySystem
from services.agency_systems import signing_secrets
from services.agency_work import event_public, events_after

log = structlog.get_logger("labourflow.webhooks")
BATCH = 50
Outcome = Callable[[str], None]  # counts one delivery attempt: delivered, failed


@dataclass(frozen=True)
class WebhookPolicy:
    """How deliveries are timed (from the settings; tests shorten them)."""

    backoff: float = 5.0
    backoff_max: float = 3600.0
    timeout: float = 10.0
    lease: float = 120.0
    poll: float = 2.0

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookPolicy:
        return cls(settings.webhook_backoff_seconds, settings.webhook_backoff_max_seconds, settings.webhook_timeout_seconds,
                   settings.webhook_lease_seconds, settings.webhook_poll_seconds)

    def retry_after(self, failures: int) -> float:
        """Seconds before the next attempt after `failures` failures in a row (doubling, capped)."""
        return float(min(self.backoff * 2 ** min(failures - 1, 30), self.backoff_max))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value for one delivery."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secrets: list[str], message_id: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The headers of one delivery: one signature per secret, space-separated (a rotation's grace)."""
    timestamp = int(now if now is not None else time.time())
    return {"content-type": "application/json", "webhook-id": message_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": " ".join(sign(secret, message_id, timestamp, body) for secret in secrets)}


def deliverer_id() -> str:
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def _due_receivers(db: Database, now: datetime) -> list[int]:
    """Active systems with a webhook, events after their cursor, no retry pending, no live claim."""
    query = (
        select(AgencySystem.id)
        .join(AgencyEventCounter, col(AgencyEventCounter.organisation_code) == col(AgencySystem.organisation_code))
        .where(col(AgencySystem.is_active), col(AgencySystem.webhook_url).is_not(None),
               col(AgencyEventCounter.last_seq) > col(AgencySystem.delivered_seq),
               or_(col(AgencySystem.next_attempt_at).is_(None), col(AgencySystem.next_attempt_at) <= now),
               or_(col(AgencySystem.claimed_until).is_(None), col(AgencySystem.claimed_until) < now))
        .order_by(col(AgencySystem.id))
    )
    async with db.session() as session:
        return [i for i in (await session.exec(query)).all() if i is not None]


async def claim_receiver(db: Database, system_id: int, owner: str, now: datetime, lease: float) -> AgencySystem | None:
    """Take the receiver for `lease` seconds unless another deliverer holds it."""
    free = or_(col(AgencySystem.claimed_until).is_(None), col(AgencySystem.claimed_until) < now)
    statement = (update(AgencySystem).where(and_(col(AgencySystem.id) == system_id, free))
                 .values(claimed_by=owner, claimed_until=now + timedelta(seconds=lease)))
    async with db.write_session() as session:
        taken = (await session.exec(statement)).rowcount  # type: ignore[call-overload]
        await session.commit()
        return await session.get(AgencySystem, system_id) if taken == 1 else None


async def _mine(db: Database, system_id: int, owner: str, **values: object) -> None:
    """Record progress, only while this deliverer still holds the claim."""
    async with db.write_session() as session:
        await session.exec(update(AgencySystem)  # type: ignore[call-overload]
                           .where(col(AgencySystem.id) == system_id, col(AgencySystem.claimed_by) == owner).values(**values))
        await session.commit()


async def _post(http: httpx.AsyncClient, url: str, secrets: list[str], message_id: str, body: bytes, timeout: float) -> str | None:
    """Send one event; None on a 2xx answer, else what went wrong (no response body: it is theirs)."""
    try:
        answer = await http.post(url, content=body, headers=signed_headers(secrets, message_id, body), timeout=timeout)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}"
    return None if 200 <= answer.status_code < 300 else f"HTTP {answer.status_code}"


async def _deliver_to(db: Database, keyring: Keyring, http: httpx.AsyncClient, system: AgencySystem, owner: str,
                      policy: WebhookPolicy, count: Outcome) -> int:
    """Send the receiver's events in order until one fails or none is left; how many were delivered."""
    assert system.id is not None and system.webhook_url
    cursor, failures, delivered = system.delivered_seq, system.failures, 0
    while events := await events_after(db, system.organisation_code, cursor, BATCH):
        for event in events:
            body = event_public(event).model_dump_json().encode()
            secrets = signing_secrets(keyring, system, datetime.now(UTC))
            error = await _post(http, system.webhook_url, secrets, event.event_id, body, policy.timeout)
            now = datetime.now(UTC)
            if error is not None:
                failures += 1
                count("failed")
                await _mine(db, system.id, owner, failures=failures, last_error=f"#{event.seq}: {error}"[:300],
                            next_attempt_at=now + timedelta(seconds=policy.retry_after(failures)))
                log.warning("webhook not delivered", client_id=system.client_id, seq=event.seq, error=error, failures=failures)
                return delivered
            cursor, failures, delivered = event.seq, 0, delivered + 1
            count("delivered")
            await _mine(db, system.id, owner, delivered_seq=cursor, failures=0, last_error="", next_attempt_at=None,
                        last_delivered_at=now, claimed_until=now + timedelta(seconds=policy.lease))
    return delivered


async def deliver_once(db: Database, keyring: Keyring, http: httpx.AsyncClient, policy: WebhookPolicy, count: Outcome,
                       owner: str | None = None) -> int:
    """One round: every due receiver gets what waits for it; how many events were delivered."""
    owner = owner or deliverer_id()
    delivered = 0
    for system_id in await _due_receivers(db, datetime.now(UTC)):
        system = await claim_receiver(db, system_id, owner, datetime.now(UTC), policy.lease)
        if system is None:
            continue  # another deliverer has it
        try:
            delivered += await _deliver_to(db, keyring, http, system, owner, policy, count)
        finally:
            await _mine(db, system_id, owner, claimed_by=None, claimed_until=None)
    return delivered


async def deliver_forever(db: Database, keyring: Keyring, policy: WebhookPolicy, count: Outcome) -> None:
    """Deliver until cancelled (every workflow worker runs one)."""
    owner = deliverer_id()
    async with httpx.AsyncClient(follow_redirects=False) as http:
        while True:
            try:
                if await deliver_once(db, keyring, http, policy, count, owner) == 0:
                    await asyncio.sleep(policy.poll)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("webhook delivery round failed; retrying", error=type(exc).__name__)
                await asyncio.sleep(policy.poll)
