"""The bench's worker processes, as `labourflow run` starts them: `workflows` is the production
workflow worker (`labourflow.worker.build_worker`) and, on the task queue `<queue>-raw` of the same
process, the raw baseline with the same worker settings (production sandbox, sticky cache, activity
executor, concurrency limits); `documents NICE` is the document worker at that CPU priority (and
`workflows NICE` the workflow worker at its own)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor

from temporalio.worker import Worker

from devtools.bench.raw import RAW_TASK_QUEUE_SUFFIX, RawChild, RawWorkflow, raw_step
from infrastructure.priority import lower_priority
from labourflow.worker import MAX_CACHED_WORKFLOWS, build_worker, sandbox_runner
from labourflow.worker_role import WorkerRole

ACTIVITY_THREADS = 16


def raw_worker(client, task_queue: str, max_cached: int) -> Worker:  # type: ignore[no-untyped-def]
    return Worker(
        client,
        task_queue=task_queue + RAW_TASK_QUEUE_SUFFIX,
        workflows=[RawWorkflow, RawChild],
        activities=[raw_step],
        activity_executor=ThreadPoolExecutor(
            max_workers=ACTIVITY_THREADS, thread_name_prefix="raw-activity"
        ),
        workflow_runner=sandbox_runner(),
        max_cached_workflows=max_cached,
        max_concurrent_activities=ACTIVITY_THREADS,
    )


async def main(role: WorkerRole) -> None:
    from activities.deps import ActivityDeps
    from infrastructure.logs import configure_logging
    from infrastructure.notifier import LogSender, dispatch_forever
    from infrastructure.settings import get_settings
    from infrastructure.temporal import connect, ensure_search_attributes
    from infrastructure.tracing import process_tracing

    settings = get_settings()
    configure_logging("WARNING", "json")
    # Traced like `labourflow worker` (LABOURFLOW_TRACING); the raw baseline keeps a client of its
    # own without the tracing interceptor, so it stays raw Temporal.
    tracing = process_tracing(settings, f"labourflow-bench-{role.value}")
    client = await connect(settings, attempts=120, delay=0.5, interceptors=[tracing.temporal_interceptor()] if tracing else [])
    raw_client = await connect(settings, attempts=120, delay=0.5) if tracing else client
    if role is WorkerRole.workflows and os.environ.get("LABOURFLOW_BENCH_SEARCH_ATTRIBUTES", "1") == "1":
        with contextlib.suppress(Exception):
            await ensure_search_attributes(client, settings.temporal_namespace)
    max_cached = int(os.environ.get("LABOURFLOW_BENCH_MAX_CACHED", MAX_CACHED_WORKFLOWS))
    deps = ActivityDeps.from_settings(settings)
    if tracing and tracing.exporting:
        tracing.instrument_database(deps.db)
    product = build_worker(
        client,
        deps,
        task_queue=settings.task_queue,
        role=role,
        max_cached_workflows=max_cached,
        activity_threads=ACTIVITY_THREADS,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(product)
        if role is WorkerRole.workflows:
            await stack.enter_async_context(raw_worker(raw_client, settings.task_queue, max_cached))
            outbox = asyncio.create_task(dispatch_forever(deps.db, deps.keyring, LogSender()))
            stack.callback(outbox.cancel)
        name = "worker" if role is WorkerRole.workflows else "documents"
        (settings.data_dir / f"{name}.ready").write_text("ready")
        await stop.wait()
    await deps.db.dispose()


if __name__ == "__main__":
    role = WorkerRole(sys.argv[1])
    if len(sys.argv) > 2:
        lower_priority(int(sys.argv[2]))
    asyncio.run(main(role))
