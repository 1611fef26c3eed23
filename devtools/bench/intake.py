"""Intake: `POST /api/v1/cases` (case row committed, workflow started) at concurrency 10 and 50,
against raw `start_workflow` calls of the minimal workflow with the same steps, on the same
server; with the application database in SQLite (the embedded default) and in PostgreSQL.

Targets (issue 21): SQLite at concurrency 10 at least 0.5 × the raw rate with p99 under 300 ms;
PostgreSQL at least 0.7 × the raw rate, and p99 under 500 ms at concurrency 50."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx

from devtools.bench.common import (
    Steps,
    bounded,
    count_steps,
    family_histories,
    metric,
    percentile,
    progress,
)
from devtools.bench.procs import Stack, settle
from devtools.bench.raw import RAW_TASK_QUEUE_SUFFIX, RawInput
from devtools.stories import wage_arrears

LEVELS = (10, 50)


async def post_cases(
    stack: Stack, count: int, concurrency: int
) -> tuple[float, list[float], list[str]]:
    """File `count` cases through the API; (elapsed s, latencies s, case numbers)."""
    body = wage_arrears()
    latencies: list[float] = []
    numbers: list[str] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{stack.http}", timeout=60, limits=limits
    ) as http:

        async def one(_: int) -> None:
            started = time.perf_counter()
            response = await http.post("/api/v1/cases", json=body)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201 or not response.json().get("workflow_started"):
                raise RuntimeError(f"intake answered {response.status_code}: {response.text[:300]}")
            numbers.append(response.json()["case_no"])

        started = time.perf_counter()
        await bounded(range(count), concurrency, one)
        return time.perf_counter() - started, latencies, numbers


async def raw_starts(
    client: Any, stack: Stack, steps: Steps, count: int, concurrency: int
) -> tuple[float, list[float]]:
    inp = RawInput(
        activities=steps.activities,
        local_activities=steps.local_activities,
        timers=steps.timers,
        children=steps.children,
        wait_seconds=30 * 86400,
    )
    latencies: list[float] = []
    run = uuid.uuid4().hex[:8]

    async def one(seq: int) -> None:
        started = time.perf_counter()
        await client.start_workflow(
            "raw",
            inp,
            id=f"raw-intake-{run}-{seq}",
            task_queue=stack.task_queue + RAW_TASK_QUEUE_SUFFIX,
        )
        latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await bounded(range(count), concurrency, one)
    return time.perf_counter() - started, latencies


async def intake_steps(client: Any, case_no: str) -> Steps:
    return count_steps(await family_histories(client, f"case/{case_no}"))


TARGETS: dict[str, dict[str, Any]] = {
    # database: {level: (minimum ratio to raw, p99 limit in ms or None)}
    "sqlite": {10: (0.5, 300.0), 50: (0.5, None)},
    "postgresql": {10: (0.7, None), 50: (0.7, 500.0)},
}


def _rate_metric(name: str, product: list[float], raw: list[float], floor: float) -> dict[str, Any]:
    return metric(name, "cases/s", product, raw, target=f"≥ {floor:.2f} × raw",
                  met=lambda _m, ratio: ratio is not None and ratio >= floor)


def _p99_metric(name: str, product: list[float], raw: list[float], limit: float | None) -> dict[str, Any]:
    if limit is None:
        return metric(name, "ms", product, raw)
    return metric(name, "ms", product, raw, target=f"< {limit:.0f} ms", met=lambda m, _r: m < limit)


async def run(stack: Stack, client: Any, *, count: int, repeat: int, database: str = "sqlite") -> dict[str, Any]:
    """Needs `stack` with server, worker and API running; `database` names its application database."""
    label = "intake" if database == "sqlite" else f"intake ({database})"
    progress(f"{label}: warm-up")
    _, _, numbers = await post_cases(stack, 3, 3)
    await settle(stack)
    steps = await intake_steps(client, numbers[0])
    progress(
        f"intake: one case starts {steps.workflows} workflows, {steps.activities} activities"
        f" and {steps.local_activities} local ones, {steps.timers} timers"
    )
    await raw_starts(client, stack, steps, 3, 3)
    await settle(stack)
    metrics: list[dict[str, Any]] = []
    for level in LEVELS:
        rates: dict[str, list[float]] = {"product": [], "raw": []}
        p99: dict[str, list[float]] = {"product": [], "raw": []}
        p50: dict[str, list[float]] = {"product": [], "raw": []}
        cpu: dict[str, list[float]] = {"product": [], "raw": []}
        for rep in range(repeat):
            for kind in ("product", "raw"):
                before = stack.cpu()
                if kind == "product":
                    elapsed, latencies, _ = await post_cases(stack, count, level)
                else:
                    elapsed, latencies = await raw_starts(client, stack, steps, count, level)
                await settle(stack)
                after = stack.cpu()
                used = sum(after[n] - before[n] for n in ("temporal", "worker", "documents")) + (
                    after.get("api", 0) - before.get("api", 0) if kind == "product" else 0
                )
                rates[kind].append(count / elapsed)
                p99[kind].append(percentile(latencies, 99) * 1000)
                p50[kind].append(percentile(latencies, 50) * 1000)
                cpu[kind].append(used / count * 1000)
                progress(
                    f"{label} c={level} run {rep + 1}/{repeat} {kind}: {count / elapsed:.1f}/s, "
                    f"p99 {percentile(latencies, 99) * 1000:.0f} ms, CPU "
                    f"{used / count * 1000:.0f} ms per case"
                )
        floor, limit = TARGETS[database][level]
        metrics += [
            _rate_metric(f"{label} c={level} rate", rates["product"], rates["raw"], floor),
            _p99_metric(f"{label} c={level} p99", p99["product"], p99["raw"], limit),
            metric(f"{label} c={level} p50", "ms", p50["product"], p50["raw"]),
            metric(f"{label} c={level} CPU/case (server+workers+API)", "ms", cpu["product"], cpu["raw"]),
        ]
    return {"steps": steps.asdict(), "requests_per_run": count, "database": database, "metrics": metrics}
