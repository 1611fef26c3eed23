"""The bench's worker process: the production worker (`labourflow.worker.build_worker`) and, on the
task queue `<queue>-raw` of the same process, the raw baseline with the same worker settings
(production sandbox, sticky cache, activity executor, concurrency limits)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from concurrent.futures import ThreadPoolExecutor

from temporalio.worker import Worker

from labourflow.bench.raw import RAW_TASK_QUEUE_SUFFIX, RawChild, RawWorkflow, raw_step
from labourflow.worker import MAX_CACHED_WORKFLOWS, build_worker, sandbox_runner

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


async def main() -> None:
    from activities.deps import ActivityDeps
    from labourflow.logs import configure_logging
    from labourflow.notifier import LogSender, dispatch_forever
    from labourflow.settings import get_settings
    from labourflow.temporal import connect, ensure_search_attributes

    settings = get_settings()
    configure_logging("WARNING", "json")
    client = await connect(settings, attempts=120, delay=0.5)
    if os.environ.get("LABOURFLOW_BENCH_SEARCH_ATTRIBUTES", "1") == "1":
        with contextlib.suppress(Exception):
            await ensure_search_attributes(client, settings.temporal_namespace)
    max_cached = int(os.environ.get("LABOURFLOW_BENCH_MAX_CACHED", MAX_CACHED_WORKFLOWS))
    deps = ActivityDeps.from_settings(settings)
    product = build_worker(
        client,
        deps,
        task_queue=settings.task_queue,
        max_cached_workflows=max_cached,
        activity_threads=ACTIVITY_THREADS,
    )
    raw = raw_worker(client, settings.task_queue, max_cached)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    outbox = asyncio.create_task(dispatch_forever(deps.db, deps.keyring, LogSender()))
    async with product, raw:
        (settings.data_dir / "worker.ready").write_text("ready")
        await stop.wait()
    outbox.cancel()
    await deps.db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
