"""Intake: `POST /api/v1/cases` (case row committed, workflow started) at concurrency 10 and 50,
against raw `start_workflow` calls of the minimal workflow with the same steps, on the same
server; with the application database in SQLite (the embedded default) and in PostgreSQL.

Targets (issue 21): SQLite at concurrency 10 at least 0.5 × the raw rate with p99 under 300 ms;
PostgreSQL at least 0.7 × the raw rate, and p99 under 500 ms at concurrency 50."""

from __future__ import annotations

import json
import statistics
import time
import uuid
from dataclasses import dataclass
from typing import Any

import aiohttp

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
from infrastructure.timing import parse_server_timing

LEVELS = (10, 50)
# the intake's phases that do not overlap (`write-queue`, `write` and `write-busy` are inside
# `register`; the started mark is written after the answer)
TOP_PHASES = ("register", "evidence", "input", "start")


@dataclass
class Filed:
    elapsed: float  # s, the whole run
    latencies: list[float]  # s, each request as the client saw it
    numbers: list[str]
    phases: list[dict[str, float]]  # ms, each answer's Server-Timing, with `wait` (client - app)


async def post_cases(stack: Stack, count: int, concurrency: int) -> Filed:
    """File `count` cases through the API.

    The load comes from aiohttp: httpx cost this process 3.1–3.8 ms of CPU per request on these 2
    cores, aiohttp 0.6, and the bench's client shares the cores with what it measures (the raw
    baseline's client, Temporal's, costs about 1 ms per start)."""
    body = json.dumps(wage_arrears()).encode()
    latencies: list[float] = []
    numbers: list[str] = []
    phases: list[dict[str, float]] = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(
        f"http://127.0.0.1:{stack.http}", connector=connector, timeout=aiohttp.ClientTimeout(total=60)
    ) as http:

        async def one(_: int) -> None:
            started = time.perf_counter()
            async with http.post("/api/v1/cases", data=body, headers=_JSON) as response:
                answer = await response.read()
                latency = time.perf_counter() - started
                timing_header = response.headers.get("server-timing", "")
            latencies.append(latency)
            filed = json.loads(answer) if response.status == 201 else {}
            if not filed.get("workflow_started"):
                raise RuntimeError(f"intake answered {response.status}: {answer[:300].decode(errors='replace')}")
            numbers.append(filed["case_no"])
            timing = parse_server_timing(timing_header)
            if "app" in timing:
                timing["wait"] = max(0.0, latency * 1000 - timing["app"])
                phases.append(timing)

        started = time.perf_counter()
        await bounded(range(count), concurrency, one)
        return Filed(time.perf_counter() - started, latencies, numbers, phases)


_JSON = {"content-type": "application/json"}


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


TARGETS: dict[str, dict[int, tuple[float, float | None]]] = {
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
    warm = await post_cases(stack, 3, 3)
    await settle(stack)
    steps = await intake_steps(client, warm.numbers[0])
    progress(
        f"intake: one case starts {steps.workflows} workflows, {steps.activities} activities"
        f" and {steps.local_activities} local ones, {steps.timers} timers"
    )
    await raw_starts(client, stack, steps, 3, 3)
    await settle(stack)
    metrics: list[dict[str, Any]] = []
    waits: dict[str, dict[str, dict[str, float]]] = {}
    cores: dict[str, dict[str, float]] = {}  # c=N -> process -> cores used while the requests ran
    for level in LEVELS:
        rates: dict[str, list[float]] = {"product": [], "raw": []}
        p99: dict[str, list[float]] = {"product": [], "raw": []}
        p50: dict[str, list[float]] = {"product": [], "raw": []}
        cpu: dict[str, list[float]] = {"product": [], "raw": []}
        answers: list[dict[str, float]] = []
        busy: dict[str, list[float]] = {}  # process -> cores it used while the requests ran
        for rep in range(repeat):
            for kind in ("product", "raw"):
                before = stack.cpu()
                if kind == "product":
                    own = time.process_time()
                    filed = await post_cases(stack, count, level)
                    elapsed, latencies = filed.elapsed, filed.latencies
                    answers += filed.phases
                    during = stack.cpu() | {"client": time.process_time() - own}  # the bench's own client
                    for name, seconds in during.items():
                        busy.setdefault(name, []).append((seconds - before.get(name, 0)) / elapsed)
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
        waits[f"c={level}"] = where_requests_wait(answers)
        cores[f"c={level}"] = {name: statistics.median(values) for name, values in busy.items()}
        progress(f"{label} c={level} where a request's time goes (ms, p50/p99): " + ", ".join(
            f"{name} {w['p50']:.0f}/{w['p99']:.0f}" for name, w in waits[f"c={level}"].items()))
        progress(f"{label} c={level} cores used while the requests ran (medians): " + ", ".join(
            f"{name} {used:.2f}" for name, used in cores[f"c={level}"].items()))
    return {"steps": steps.asdict(), "requests_per_run": count, "database": database, "metrics": metrics,
            "waits": waits, "cores_during_requests": cores}


def where_requests_wait(answers: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Per phase (`infrastructure.timing`), over every product request of one level: p50, p99 and
    mean in ms, and the share of the client's time. `wait`: before the app saw the request and
    after it answered (the socket, uvicorn, the event loop); `rest`: the app's time outside the
    phases (validation, the answer, waiting for the event loop between phases)."""
    rows: dict[str, list[float]] = {}
    for answer in answers:
        top = sum(v for k, v in answer.items() if k in TOP_PHASES)
        for name, value in {**answer, "rest": max(0.0, answer["app"] - top)}.items():
            rows.setdefault(name, []).append(value)
    client = sum(a["app"] + a["wait"] for a in answers) or 1.0
    return {
        name: {"p50": percentile(values, 50), "p99": percentile(values, 99),
               "mean": statistics.fmean(values), "share": sum(values) / client}
        for name, values in rows.items()
    }
