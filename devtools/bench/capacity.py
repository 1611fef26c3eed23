"""Capacity: N open cases waiting on their statutory timers, on one dev server persisting to SQLite;
server and worker memory and database sizes (reported per 10,000 cases), the lag of timers that
come due under that load (cases whose clock is shifted so that their mediation period ends within
seconds), and a restart of server and worker after which every open case is still running.

The same is done for N raw workflows with the same numbers of timers pending, first, on the same
server, as the baseline. Figures per 10,000 are the measured increase scaled linearly from N."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import col, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from devtools.bench.common import Steps, bounded, metric, percentile, progress
from devtools.bench.procs import Stack, settle
from devtools.bench.raw import RAW_TASK_QUEUE_SUFFIX, RawInput
from devtools.stories import wage_arrears
from domain.china_time import CHINA_TZ, china_now
from domain.deadlines import compute_deadline
from domain.intake import IntakeRequest
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import TimelineEvent
from infrastructure.temporal import connect
from labourflow.worker import MAX_CACHED_WORKFLOWS
from services.intake import register_case, start_workflow

MB = 1024 * 1024

FILING_BATCH = 500
"""Cases filed together before the filer waits for the work they set off to be done (at most 0.5 s
a case: on 2 cores the documents, at the lowest priority, fall behind and drain at the end). A burst much
larger than the workflow worker's sticky cache (MAX_CACHED_WORKFLOWS; a case opens two workflows at
intake) goes round the whole burst one workflow task at a time, so that nearly every task finds its
workflow evicted and replays its history first: 10,000 cases filed at once were still draining an
hour later (README, "Performance"). The batch keeps each burst inside the cache."""


def database_bytes(path: Path) -> int:
    """Size of a SQLite database's main file after a passive WAL checkpoint (the WAL is scratch)."""
    if not path.exists():
        return 0
    with (
        contextlib.suppress(sqlite3.Error),
        contextlib.closing(sqlite3.connect(path, timeout=5)) as conn,
    ):
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    return path.stat().st_size


def sizes(stack: Stack) -> dict[str, float]:
    temporal = database_bytes(stack.temporal_db)
    app = database_bytes(stack.data / "infrastructure.db")
    assert stack.server is not None and stack.worker is not None
    return {
        "server_rss": stack.server.rss() / MB,
        "worker_rss": stack.worker.rss() / MB,
        "temporal_db": temporal / MB,
        "app_db": app / MB,
    }


def shift_to_expire_in(seconds: float) -> tuple[int, datetime]:
    """A clock shift that ends a case's mediation period (D03) `seconds` from now; and that
    moment."""
    now = china_now()
    due = compute_deadline("D03", now.date()).due
    assert due is not None
    end = datetime.combine(due + timedelta(days=1), datetime.min.time(), CHINA_TZ)
    shift = int((end - timedelta(seconds=seconds) - now).total_seconds())
    return shift, end - timedelta(seconds=shift)


async def file_cases(
    client: Client,
    stack: Stack,
    db: Database,
    keyring: Keyring,
    count: int,
    concurrency: int,
    shift_seconds: int = 0,
    label: str = "",
) -> list[str]:
    body = IntakeRequest.model_validate(wage_arrears())
    settings = stack.settings
    numbers: list[str] = []
    started = time.perf_counter()

    async def one(_: int) -> None:
        registered = await register_case(db, keyring, body, None)
        await start_workflow(client, settings, db, keyring, registered.case_no)
        numbers.append(registered.case_no)
        if label and len(numbers) % max(count // 5, 1) == 0:
            progress(
                f"capacity: {label} {len(numbers)}/{count} filed "
                f"({len(numbers) / (time.perf_counter() - started):.1f}/s)"
            )

    if not shift_seconds:
        await bounded(range(count), concurrency, one)
        return numbers
    from services import intake as case_module

    original = case_module.workflow_input

    async def shifted(*args: Any, **kwargs: Any) -> Any:
        return (await original(*args, **kwargs)).model_copy(update={"shift_seconds": shift_seconds})

    case_module.workflow_input = shifted  # type: ignore[assignment]
    try:
        await bounded(range(count), concurrency, one)
    finally:
        case_module.workflow_input = original  # type: ignore[assignment]
    return numbers


async def raw_lag(client: Client, stack: Stack, count: int, after: float) -> list[float]:
    """Raw workflows whose one timer comes due `after` s after its start; lag of the activity
    that follows."""
    run = uuid.uuid4().hex[:6]
    handles = await bounded(
        range(count),
        20,
        lambda seq: client.start_workflow(
            "raw",
            RawInput(activities=0, fire_after=after),
            id=f"raw-lag-{run}-{seq}",
            task_queue=stack.task_queue + RAW_TASK_QUEUE_SUFFIX,
        ),
    )
    await asyncio.gather(*(h.result() for h in handles))
    lags = []
    for handle in handles:
        events = (await handle.fetch_history()).events
        started = next(e for e in events if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED)
        due = (
            started.event_time.ToDatetime()
            + started.timer_started_event_attributes.start_to_fire_timeout.ToTimedelta()
        )
        done = [e for e in events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED][
            -1
        ]
        lags.append((done.event_time.ToDatetime() - due).total_seconds())
    return lags


async def product_lag(
    client: Client, stack: Stack, db: Database, keyring: Keyring, count: int, after: float
) -> list[float]:
    """Cases whose mediation period ends `after` s from now: when its expiry reached the
    timeline."""
    shift, due = shift_to_expire_in(after)
    numbers = await file_cases(client, stack, db, keyring, count, 10, shift_seconds=shift)
    ready = (due - datetime.now(UTC)).total_seconds()
    progress(f"capacity: {count} timer cases filed {ready:.0f} s before they come due")
    if ready < 0:
        raise RuntimeError(
            "the timer cases were filed after their timers came due; raise --lag-after"
        )
    subjects = {f"case:{n}" for n in numbers}
    deadline = time.monotonic() + after + 180
    while True:
        async with db.session() as session:
            rows = (
                await session.exec(
                    select(TimelineEvent.subject, TimelineEvent.occurred_at).where(
                        TimelineEvent.kind == "mediation_period_expired",
                        col(TimelineEvent.subject).in_(subjects),
                    )
                )
            ).all()
        lags = [((at if at.tzinfo else at.replace(tzinfo=UTC)) - due).total_seconds() for _, at in rows]
        if len(rows) == len(subjects):
            return lags
        if time.monotonic() > deadline:
            # A saturated machine (an intake backlog ahead of the timers on the task queue): report
            # the wait so far as a lower bound for the timers that have not fired, not a crash.
            waited = (datetime.now(UTC) - due).total_seconds()
            progress(
                f"capacity: {len(subjects) - len(rows)} of {count} mediation periods had not "
                f"expired {waited:.0f} s after they came due; their lag is counted as {waited:.0f} s "
                "(a lower bound)"
            )
            return lags + [waited] * (len(subjects) - len(rows))
        await asyncio.sleep(1)


async def running(client: Client, workflow_type: str) -> int:
    return (
        await client.count_workflows(
            f"WorkflowType = '{workflow_type}' AND ExecutionStatus = 'Running'"
        )
    ).count


def settle_limit(cases: int, per_case: float, floor: float) -> float:
    """How long to wait for the backlog of `cases` to drain: `per_case` seconds of wall time each
    (the background work a case sets off, on this machine's cores), never less than `floor`."""
    return max(floor, cases * per_case)


async def run(
    stack: Stack, *, cases: int, steps: Steps | None, lag_cases: int, lag_after: float
) -> dict[str, Any]:
    """`stack` is a dev-sqlite stack with server and worker running. Without `steps` (the bench
    run with `--only capacity`), one case is filed first and its histories counted for the raw
    baseline; it stays open, one more than `cases`."""
    settings = stack.settings
    client = await connect(settings)
    db = Database(settings.resolved_database_url)
    keyring = Keyring.from_settings(settings)
    try:
        if steps is None:
            from devtools.bench.intake import intake_steps

            first = await file_cases(client, stack, db, keyring, 1, 1)
            await settle(stack)
            steps = await intake_steps(client, first[0])
        await settle(stack)
        empty = sizes(stack)
        progress(
            f"capacity: starting {cases} raw workflows with {steps.timers} timers each (baseline)"
        )
        run_id = uuid.uuid4().hex[:6]
        raw_in = RawInput(
            activities=steps.activities,
            local_activities=steps.local_activities,
            timers=steps.timers,
            children=steps.children,
            wait_seconds=60 * 86400,
        )
        started = time.perf_counter()
        await bounded(
            range(cases),
            50,
            lambda seq: client.start_workflow(
                "raw",
                raw_in,
                id=f"raw-open-{run_id}-{seq}",
                task_queue=stack.task_queue + RAW_TASK_QUEUE_SUFFIX,
            ),
        )
        raw_rate = cases / (time.perf_counter() - started)
        await settle(stack, limit=settle_limit(cases, 0.05, 600))
        raw_absorbed = cases / (time.perf_counter() - started)
        raw_sizes = sizes(stack)
        progress(
            f"capacity: filing {cases} cases through the intake code (register + start, "
            f"concurrency 20), {FILING_BATCH} at a time"
        )
        started = time.perf_counter()
        filing = 0.0
        for first in range(0, cases, FILING_BATCH):
            batch = min(FILING_BATCH, cases - first)
            batch_started = time.perf_counter()
            await file_cases(client, stack, db, keyring, batch, 20)
            filing += time.perf_counter() - batch_started
            limit = settle_limit(batch, 0.5, 120)
            waited = await settle(stack, limit=limit)
            if cases > FILING_BATCH:
                elapsed = time.perf_counter() - started
                done = "their work done" if waited < limit else f"the next after {limit:.0f} s, work still queued"
                progress(
                    f"capacity: {first + batch}/{cases} cases filed, {done} "
                    f"({elapsed / 60:.1f} min, {(first + batch) / elapsed:.2f} cases/s)"
                )
        product_rate = cases / filing
        drained = await settle(stack, limit=settle_limit(cases, 0.5, 900))
        absorbed = cases / (time.perf_counter() - started)
        product_sizes = sizes(stack)
        progress(
            f"capacity: {cases} open cases; timer lag with {lag_cases} cases due in "
            f"{lag_after:.0f} s"
        )
        lags = await product_lag(client, stack, db, keyring, lag_cases, lag_after)
        lags_raw = await raw_lag(client, stack, lag_cases, lag_after)
        await settle(stack)
        open_before = await running(client, "dispute"), await running(client, "raw")
        progress(
            f"capacity: restarting server and worker ({open_before[0]} cases, "
            f"{open_before[1]} raw running)"
        )
        stack.stop_workers()
        stack.server.stop()  # type: ignore[union-attr]
        restart = time.perf_counter()
        await stack.start_server()
        stack.start_worker()
        await stack.wait_worker_ready()
        restart_s = time.perf_counter() - restart
        client = await connect(settings)
        open_after = await running(client, "dispute"), await running(client, "raw")
        await settle(stack, limit=settle_limit(cases, 0.05, 300))
        after_restart = sizes(stack)
    finally:
        await db.dispose()
    per10k = 10_000 / cases
    grow = {k: (product_sizes[k] - raw_sizes[k]) * per10k for k in product_sizes}
    grow_raw = {k: (raw_sizes[k] - empty[k]) * per10k for k in raw_sizes}
    cached = cases * max(steps.workflows, 1)
    per_cached = (product_sizes["worker_rss"] - raw_sizes["worker_rss"]) / min(
        cached, MAX_CACHED_WORKFLOWS
    )
    per_cached_raw = (raw_sizes["worker_rss"] - empty["worker_rss"]) / min(
        cached, MAX_CACHED_WORKFLOWS
    )
    survived = open_after[0] >= open_before[0] and open_after[1] >= open_before[1]
    progress(
        f"capacity: after restart {open_after[0]} cases and {open_after[1]} raw workflows "
        f"running ({restart_s:.1f} s)"
    )
    lag99, lag99_raw = percentile(lags, 99), percentile(lags_raw, 99)
    return {
        "cases": cases,
        "extrapolated": cases < 10_000,
        "steps_per_case": steps.asdict(),
        "sizes_mb": {
            "empty": empty,
            "raw": raw_sizes,
            "product": product_sizes,
            "after_restart": after_restart,
        },
        "open_before_restart": open_before,
        "open_after_restart": open_after,
        "restart_seconds": restart_s,
        "filing_batch": FILING_BATCH,
        "filing_seconds": cases / product_rate,
        "filed_and_absorbed_seconds": cases / absorbed,
        "raw_started_and_settled_seconds": cases / raw_absorbed,
        "last_drain_seconds": drained,
        "survived_restart": survived,
        "metrics": [
            metric(
                "capacity: start rate (register + start, c=20)",
                "cases/s",
                [product_rate],
                [raw_rate],
            ),
            metric(
                f"capacity: cases filed and their work done ({FILING_BATCH} at a time)",
                "cases/s",
                [absorbed],
                [raw_absorbed],
                note="filing and the drain of the work each case sets off, to its mediation's timers",
            ),
            metric(
                "capacity: server memory per 10,000 open",
                "MB",
                [grow["server_rss"]],
                [grow_raw["server_rss"]],
                note=f"RSS growth at {cases} x 10,000/{cases}: heap sizing noise at small N",
            ),
            metric(
                "capacity: Temporal DB per 10,000 open",
                "MB",
                [grow["temporal_db"]],
                [grow_raw["temporal_db"]],
                note=f"measured at {cases}, scaled",
            ),
            metric(
                "capacity: app DB per 10,000 cases",
                "MB",
                [grow["app_db"]],
                None,
                note="no app database in the baseline",
            ),
            metric(
                "capacity: worker memory with all cases open",
                "MB",
                [product_sizes["worker_rss"]],
                [raw_sizes["worker_rss"]],
                note=f"one worker process runs both; sticky cache {MAX_CACHED_WORKFLOWS} workflows",
            ),
            metric(
                "capacity: worker memory per cached workflow",
                "MB",
                [per_cached],
                [per_cached_raw],
                target=f"≤ 1 GB at a full cache ({MAX_CACHED_WORKFLOWS})",
                met=lambda m, _r: m * MAX_CACHED_WORKFLOWS <= 1024,
                note="RSS growth / workflows opened (cases x workflows per case)",
            ),
            metric(
                "capacity: timer lag p99",
                "s",
                [lag99],
                [lag99_raw],
                target="< 5 s",
                met=lambda m, _r: m < 5,
                note=f"{lag_cases} timers due together, {cases} open",
            ),
            metric(
                "capacity: timer lag p50", "s", [percentile(lags, 50)], [percentile(lags_raw, 50)]
            ),
            metric(
                "capacity: open cases survive a restart of server and worker",
                "running after/before",
                [open_after[0] / max(open_before[0], 1)],
                [open_after[1] / max(open_before[1], 1)],
                target="all",
                met=lambda m, _r: m >= 1.0,
            ),
        ],
    }
