"""Shared pieces: summaries (median, min, max over repeats), metrics with their baseline and target,
progress lines, counting a case's steps from its histories, and preparing the app database."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory

DEMO_PASSWORD = "bench-password-123"  # noqa: S105  (throw-away demo accounts of a bench database)
_started = time.monotonic()


def progress(message: str) -> None:
    """One progress line on stderr, with the elapsed time of the whole run."""
    elapsed = time.monotonic() - _started
    print(
        f"[{int(elapsed // 60):02d}:{int(elapsed % 60):02d}] {message}", file=sys.stderr, flush=True
    )


def summary(values: Sequence[float]) -> dict[str, float]:
    values = [float(v) for v in values]
    if not values:
        return {"median": float("nan"), "min": float("nan"), "max": float("nan"), "n": 0}
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def metric(
    name: str,
    unit: str,
    product: Sequence[float],
    baseline: Sequence[float] | None = None,
    *,
    target: str = "",
    met: Callable[[float, float | None], bool] | None = None,
    note: str = "",
) -> dict[str, Any]:
    """One row of the table: the product's figures, the baseline's, their ratio (of medians) and
    the target."""
    prod = summary(product)
    base = summary(baseline) if baseline else None
    ratio = prod["median"] / base["median"] if base and base["median"] else None
    return {
        "name": name,
        "unit": unit,
        "product": prod,
        "baseline": base,
        "ratio": ratio,
        "target": target,
        "met": None if met is None else bool(met(prod["median"], ratio)),
        "note": note,
    }


@dataclass
class Steps:
    """What a path costs the engine, counted from the histories of a workflow and its children."""

    workflows: int = 0
    activities: int = 0
    local_activities: int = 0  # run in the workflow worker (a `core_local_activity` marker each)
    timers: int = 0
    children: int = 0
    updates: int = 0
    workflow_tasks: int = 0
    documents: int = 0  # of the activities, render-document (on the document worker)

    def asdict(self) -> dict[str, int]:
        return asdict(self)


LOCAL_ACTIVITY_MARKER = "core_local_activity"  # the SDK core's marker for a local activity's result


def count_steps(histories: Iterable[WorkflowHistory]) -> Steps:
    steps = Steps()
    for history in histories:
        steps.workflows += 1
        for event in history.events:
            kind = event.event_type
            if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                steps.activities += 1
                attributes = event.activity_task_scheduled_event_attributes
                steps.documents += attributes.activity_type.name == "render-document"
            steps.local_activities += (
                kind == EventType.EVENT_TYPE_MARKER_RECORDED
                and event.marker_recorded_event_attributes.marker_name == LOCAL_ACTIVITY_MARKER
            )
            steps.timers += kind == EventType.EVENT_TYPE_TIMER_STARTED
            steps.children += kind == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED
            steps.updates += kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
            steps.workflow_tasks += kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    return steps


async def family_histories(client: Client, workflow_id: str) -> list[WorkflowHistory]:
    """The histories of a workflow and, recursively, of every child it started."""
    histories: list[WorkflowHistory] = []
    queue = [workflow_id]
    while queue:
        history = await client.get_workflow_handle(queue.pop(0)).fetch_history()
        histories.append(history)
        for event in history.events:
            if event.event_type == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
                queue.append(
                    event.start_child_workflow_execution_initiated_event_attributes.workflow_id
                )
    return histories


async def bounded(
    items: Iterable[Any], concurrency: int, call: Callable[[Any], Awaitable[Any]]
) -> list[Any]:
    """Run `call` on every item with at most `concurrency` in flight; results in order."""
    semaphore = asyncio.Semaphore(concurrency)

    async def one(item: Any) -> Any:
        async with semaphore:
            return await call(item)

    return await asyncio.gather(*(one(item) for item in items))


async def prepare_database(database_url: str) -> None:
    """Migrate and create the demo teams and accounts (password DEMO_PASSWORD)."""
    from infrastructure.db import Database, migrate_async
    from services.accounts import seed_demo

    await migrate_async(database_url)
    db = Database(database_url)
    await seed_demo(db, DEMO_PASSWORD)
    await db.dispose()
