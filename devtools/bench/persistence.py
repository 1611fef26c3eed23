"""The dev server's SQLite persistence, rollback journal against WAL (`python -m devtools
bench-persistence`): the same minimal workflow (5 activities, then a 30-day timer) started N times at
concurrency 50 on a fresh server of each mode, one after the other on the same machine; the start
rate, and the time until the last workflow has its timer (every start and activity written). What
`infrastructure.temporal.dev_server_persistence_args` chose WAL by."""

from __future__ import annotations

import asyncio
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from devtools.bench.procs import free_port
from labourflow.runner import temporal_binary

MODES = {"journal": [], "wal": ["--sqlite-pragma", "journal_mode=wal"]}


@activity.defn(name="persistence-step")
async def step(i: int) -> int:
    return i


@workflow.defn(name="persistence-bench")
class PersistenceBench:
    @workflow.run
    async def run(self) -> None:
        for i in range(5):
            await workflow.execute_activity(step, i, start_to_close_timeout=timedelta(seconds=60))
        await workflow.sleep(timedelta(days=30))


async def _connect(port: int) -> Client:
    for _ in range(120):
        try:
            return await Client.connect(f"127.0.0.1:{port}")
        except RuntimeError:
            await asyncio.sleep(0.5)
    raise RuntimeError(f"no dev server answered on port {port}")


async def _timer_started(client: Client, workflow_id: str) -> bool:
    events = [e async for e in client.get_workflow_handle(workflow_id).fetch_history_events()]
    return any(e.event_type == EventType.EVENT_TYPE_TIMER_STARTED for e in events)


async def one_mode(mode: str, workflows: int, folder: Path) -> dict[str, Any]:
    port = free_port()
    args = [temporal_binary(), "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", str(port),
            "--db-filename", str(folder / f"{mode}.db"), "--log-level", "error", *MODES[mode]]
    server = await asyncio.create_subprocess_exec(*args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = await _connect(port)
        async with Worker(client, task_queue="persistence", workflows=[PersistenceBench], activities=[step],
                          max_concurrent_activities=100, workflow_runner=UnsandboxedWorkflowRunner()):
            started = time.perf_counter()
            gate = asyncio.Semaphore(50)

            async def start(seq: int) -> None:
                async with gate:
                    await client.start_workflow("persistence-bench", id=f"p-{seq}", task_queue="persistence")

            await asyncio.gather(*(start(seq) for seq in range(workflows)))
            start_seconds = time.perf_counter() - started
            for _ in range(36_000):  # the last workflow started has its timer: a 2-hour bound
                if await _timer_started(client, f"p-{workflows - 1}"):
                    break
                await asyncio.sleep(0.2)
            settled = time.perf_counter() - started
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 30)
    return {"mode": mode, "workflows": workflows, "starts_per_second": round(workflows / start_seconds, 1),
            "seconds_to_last_timer": round(settled, 1)}


async def run(workflows: int, rounds: int) -> list[dict[str, Any]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="labourflow-persistence-") as folder:
        for n in range(rounds):  # alternate the order, so a trend in the machine's load favours neither
            order = ("journal", "wal") if n % 2 == 0 else ("wal", "journal")
            for mode in order:
                where = Path(folder) / f"{n}"
                where.mkdir(exist_ok=True)
                results.append(await one_mode(mode, workflows, where))
    return results
