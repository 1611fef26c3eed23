"""Webhooks to an agency system, over real HTTP to a loopback receiver that verifies each signature
with the Standard Webhooks reference library (`standardwebhooks`) and applies each event id once.
Events missed while the receiver is down arrive in order once it is back (short backoff here);
an event whose answer was lost is sent again and applied once; another organisation's events
never reach it; each attempt is counted by outcome in `labourflow_webhook_deliveries_total`, as a
worker's Prometheus endpoint serves it."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import uvicorn
from sqlmodel import Session
from standardwebhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from activities.deps import ActivityDeps
from domain.agency_systems import Scope
from infrastructure.agency_events import append_event
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.metrics import ProductMetrics, worker_runtime
from infrastructure.settings import Settings
from services.accounts import seed_demo
from services.agency_systems import AgencySystemPublic, change_webhook, list_systems, register_system, rotate_webhook_secret
from services.webhooks import WebhookPolicy, claim_receiver, deliver_once, sign
from tests.observability.scrape import scrape, value
from tests.support import free_port

POLICY = WebhookPolicy(backoff=0.2, backoff_max=0.4, timeout=2.0, lease=5.0, poll=0.05)


@dataclass
class Receiver:
    """The agency's endpoint: verifies, de-duplicates on webhook-id, applies in arrival order."""

    secret: str = ""
    up: bool = True
    lose_answer_once: bool = False  # apply the event, then answer 500 (the answer is lost)
    applied: list[dict[str, Any]] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)
    attempts: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    raw: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    bad_signatures: int = 0

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        self.attempts.append(request.headers.get("webhook-id", ""))
        self.paths.append(request.url.path)
        self.raw.append((body, dict(request.headers)))
        if not self.up:
            return Response(status_code=503)
        try:
            event = Webhook(self.secret).verify(body, dict(request.headers))
        except Exception:
            self.bad_signatures += 1
            return Response(status_code=400)
        if request.headers["webhook-id"] not in self.seen_ids:
            self.seen_ids.add(request.headers["webhook-id"])
            self.applied.append(event)
        if self.lose_answer_once:
            self.lose_answer_once = False
            return Response(status_code=500)
        return Response(status_code=204)


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    hook = Receiver()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(Starlette(routes=[Route("/hook", hook.endpoint, methods=["POST"]),
                                                                     Route("/moved", hook.endpoint, methods=["POST"])]),
                                           host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
        await asyncio.sleep(0.01)
    yield hook, f"http://127.0.0.1:{port}/hook"
    server.should_exit = True
    await serving


async def _emit(deps: ActivityDeps, organisation: str, n: int, start: int = 0) -> None:
    def write(session: Session) -> None:
        for i in range(start, start + n):
            append_event(session, organisation, f"test:{i}", "decision.recorded", f"case:LD-2026-{i:06d}", {"n": i})
        session.commit()

    await deps.db.write(write)


class Counts(Counter[str]):
    """The outcomes as the deliverer reports them, passed on to the worker's product metrics."""

    def __init__(self, metrics: ProductMetrics) -> None:
        super().__init__()
        self.metrics = metrics

    def update_one(self, outcome: str) -> None:
        self[outcome] += 1
        self.metrics.webhook_delivery(outcome)


async def _deliver_until(deps: ActivityDeps, http: httpx.AsyncClient, counts: Counts, done: Any, seconds: float = 10) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not done():
        assert loop.time() < deadline, "delivery did not finish"
        await deliver_once(deps.db, deps.keyring, http, POLICY, counts.update_one)
        await asyncio.sleep(POLICY.poll)


async def _state(deps: ActivityDeps, organisation: str) -> AgencySystemPublic:
    [system] = await list_systems(deps.db, organisation)
    return system


@pytest.fixture
def deps_on(db: Database, settings: Settings) -> ActivityDeps:
    """The deliverer's dependencies on the database under test (SQLite, and PostgreSQL when configured)."""
    return ActivityDeps(settings=settings, db=db, keyring=Keyring.from_settings(settings))


async def test_events_arrive_signed_in_order_once_after_outages(deps_on: ActivityDeps, receiver: tuple[Receiver, str]) -> None:
    deps = deps_on
    await seed_demo(deps.db, "webhook-password-1")
    hook, url = receiver
    await _emit(deps, "arb-pd", 2)  # before registration: the feed has them, the webhook starts after them
    credentials = await register_system(deps.db, deps.keyring, "arb-pd", "commission system", [Scope.events_read], url, by="admin")
    assert credentials.webhook_secret
    hook.secret = credentials.webhook_secret
    port = free_port()
    runtime = worker_runtime("127.0.0.1", port)  # kept: the endpoint lives as long as the runtime
    metrics = ProductMetrics(runtime.metric_meter)
    metrics.start_workflow_series()
    assert value(scrape(f"http://127.0.0.1:{port}/metrics"), "labourflow_webhook_deliveries_total", outcome="failed") == 0
    counts = Counts(metrics)
    async with httpx.AsyncClient() as http:
        await _emit(deps, "arb-pd", 3, start=2)
        await _emit(deps, "court-pd", 2)  # another organisation's: never sent here
        await _deliver_until(deps, http, counts, lambda: len(hook.applied) == 3)
        assert [e["sequence"] for e in hook.applied] == [3, 4, 5] and hook.bad_signatures == 0
        assert {e["organisation"] for e in hook.applied} == {"arb-pd"}

        hook.up = False  # the receiver is down: events pile up, attempts back off
        await _emit(deps, "arb-pd", 4, start=5)
        for _ in range(3):
            await deliver_once(deps.db, deps.keyring, http, POLICY, counts.update_one)
            await asyncio.sleep(POLICY.backoff_max)
        state = await _state(deps, "arb-pd")
        assert (state.delivered_seq, state.pending) == (5, 4) and state.failures >= 2 and state.next_attempt_at
        assert state.last_error == "#6: HTTP 503"
        assert counts["failed"] >= 2

        hook.up, hook.lose_answer_once = True, True  # back; the first answer is lost after applying
        await _deliver_until(deps, http, counts, lambda: len(hook.applied) == 7 and not hook.lose_answer_once)
        await _deliver_until(deps, http, counts, lambda: counts["delivered"] >= 7)
    assert [e["sequence"] for e in hook.applied] == [3, 4, 5, 6, 7, 8, 9], "in order, each applied once"
    assert hook.attempts.count(hook.applied[3]["id"]) >= 2, "the event whose answer was lost was sent again"
    assert len(hook.seen_ids) == 7 and hook.bad_signatures == 0
    state = await _state(deps, "arb-pd")
    assert (state.delivered_seq, state.pending, state.failures, state.last_error) == (9, 0, 0, "")
    assert counts["delivered"] == 7
    text = scrape(f"http://127.0.0.1:{port}/metrics")
    assert value(text, "labourflow_webhook_deliveries_total", outcome="delivered") == 7
    assert value(text, "labourflow_webhook_deliveries_total", outcome="failed") == counts["failed"] == len(hook.attempts) - 7


def test_the_signature_is_hmac_sha256_of_id_timestamp_and_body() -> None:
    """The Standard Webhooks test vector (standard-webhooks spec, README 'Signature scheme')."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


async def test_a_dead_deliverers_receiver_is_taken_over_after_its_lease(deps_on: ActivityDeps, receiver: tuple[Receiver, str]) -> None:
    """Two worker replicas never deliver to one receiver at once; a deliverer that died holding a
    receiver (its claim never released) delays it only until the lease runs out: nothing is lost."""
    deps, (hook, url) = deps_on, receiver
    await seed_demo(deps.db, "webhook-password-1")
    credentials = await register_system(deps.db, deps.keyring, "arb-pd", "commission system", [Scope.events_read], url, by="admin")
    hook.secret = credentials.webhook_secret or ""
    await _emit(deps, "arb-pd", 3)
    short = WebhookPolicy(backoff=0.2, backoff_max=0.4, timeout=2.0, lease=0.5, poll=0.05)
    assert await claim_receiver(deps.db, credentials.system.id, "dead-worker", datetime.now(UTC), short.lease) is not None
    async with httpx.AsyncClient() as http:
        assert await deliver_once(deps.db, deps.keyring, http, short, lambda outcome: None, owner="live-worker") == 0
        assert hook.attempts == [], "the live claim is respected"
        await asyncio.sleep(short.lease + 0.1)
        assert await deliver_once(deps.db, deps.keyring, http, short, lambda outcome: None, owner="live-worker") == 3
    assert [e["sequence"] for e in hook.applied] == [1, 2, 3]
    assert (await _state(deps, "arb-pd")).delivered_seq == 3


async def test_the_webhook_moves_and_its_secret_rotates_without_a_gap(deps_on: ActivityDeps, receiver: tuple[Receiver, str]) -> None:
    """After a rotation each delivery carries two signatures (Standard Webhooks), so a receiver still
    holding the old secret and one already holding the new both verify, until the grace ends; a new
    URL gets what was pending, in order."""
    deps, (hook, url) = deps_on, receiver
    await seed_demo(deps.db, "webhook-password-1")
    credentials = await register_system(deps.db, deps.keyring, "arb-pd", "commission system", [Scope.events_read], url, by="admin")
    old_secret, client_id = credentials.webhook_secret or "", credentials.client_id
    rotated = await rotate_webhook_secret(deps.db, deps.keyring, "arb-pd", client_id, by="admin", grace_seconds=1.5)
    assert rotated.webhook_secret != old_secret and rotated.previous_until is not None
    await change_webhook(deps.db, "arb-pd", client_id, url.replace("/hook", "/moved"), by="admin")
    await _emit(deps, "arb-pd", 2)
    hook.secret = old_secret  # the receiver has not switched yet
    async with httpx.AsyncClient() as http:
        assert await deliver_once(deps.db, deps.keyring, http, POLICY, lambda outcome: None) == 2
        assert hook.paths == ["/moved", "/moved"] and hook.bad_signatures == 0 and len(hook.applied) == 2
        for body, headers in hook.raw:
            assert headers["webhook-signature"].count("v1,") == 2
            assert Webhook(rotated.webhook_secret).verify(body, headers), "a receiver that switched verifies too"

        await asyncio.sleep(1.6)  # the grace is over: only the new secret signs
        await _emit(deps, "arb-pd", 1, start=2)
        assert await deliver_once(deps.db, deps.keyring, http, POLICY, lambda outcome: None) == 0
        assert hook.bad_signatures == 1 and hook.raw[-1][1]["webhook-signature"].count("v1,") == 1
        hook.secret = rotated.webhook_secret
        await asyncio.sleep(POLICY.backoff_max)
        assert await deliver_once(deps.db, deps.keyring, http, POLICY, lambda outcome: None) == 1
    assert [e["sequence"] for e in hook.applied] == [1, 2, 3]
