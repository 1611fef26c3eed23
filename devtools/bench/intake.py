"""Intake: `POST /api/v1/cases` (case row committed, workflow started) at concurrency 10 and 50,
against raw `start_workflow` calls of the minimal workflow with the same steps, on the same
server."""

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


async def run(stack: Stack, client: Any, *, count: int, repeat: int) -> dict[str, Any]:
    """Needs `stack` with server, worker and API running."""
    progress("intake: warm-up")
    _, _, numbers = await post_cases(stack, 3, 3)
    await settle(stack)
    steps = await intake_steps(client, numbers[0])
    progress(
        f"intake: one case starts {steps.workflows} workflows, {steps.activities} activities, "
        f"{steps.timers} timers"
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
                    f"intake c={level} run {rep + 1}/{repeat} {kind}: {count / elapsed:.1f}/s, "
                    f"p99 {percentile(latencies, 99) * 1000:.0f} ms, CPU "
                    f"{used / count * 1000:.0f} ms per case"
                )
        metrics += [
            metric(
                f"intake c={level} rate",
                "cases/s",
                rates["product"],
                rates["raw"],
                target="≥ 0.70 × raw",
                met=lambda _m, ratio: ratio is not None and ratio >= 0.70,
            ),
            metric(
                f"intake c={level} p99",
                "ms",
                p99["product"],
                p99["raw"],
                target="< 300 ms",
                met=lambda m, _r: m < 300,
            ),
            metric(f"intake c={level} p50", "ms", p50["product"], p50["raw"]),
            metric(
                f"intake c={level} CPU/case (server+workers+API)", "ms", cpu["product"], cpu["raw"]
            ),
        ]
    return {"steps": steps.asdict(), "requests_per_run": count, "metrics": metrics}
