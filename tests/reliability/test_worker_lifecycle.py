"""A worker's life as an orchestrator sees it: the health probe (`labourflow worker-health`) says
unhealthy until a worker on this host polls, healthy while it does; and SIGTERM (what compose and
Kubernetes send) lets the activity in flight finish on the stopping worker before it exits."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time

from temporalio.api.enums.v1 import EventType

from labourflow.runner import worker_polling
from labourflow.worker_role import WorkerRole
from tests.reliability.product import Product
from tests.stories import wage_arrears

DELAY = 4.0  # seconds the render-document activity is held in flight


def _health(product: Product, role: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "labourflow", "worker-health", "--role", role],
                          env=product.env, capture_output=True, text=True, timeout=60)


async def test_health_probe_follows_the_polling_worker(product: Product) -> None:
    before = _health(product, "workflows")
    assert before.returncode == 1 and "no worker on this host" in before.stderr, before.stderr
    product.start_worker()
    deadline = time.monotonic() + 60
    while problem := await worker_polling(product.settings, WorkerRole.all):
        assert time.monotonic() < deadline, problem
        await asyncio.sleep(0.5)
    for role in ("workflows", "documents"):
        result = _health(product, role)
        assert result.returncode == 0 and "healthy" in result.stdout, result.stderr


async def test_sigterm_lets_the_activity_in_flight_finish(product: Product) -> None:
    worker = product.start_worker(env={"LABOURFLOW_FAULT_DELAY": f"render-document:{DELAY}",
                                       "LABOURFLOW_WORKER_GRACEFUL_SHUTDOWN_SECONDS": "30"})
    [case_no] = await product.file([wage_arrears()])

    async def rendering() -> bool:
        return "fault_delay_started" in product.logs()
    await product.wait(rendering, "a render-document activity in flight", timeout=60)
    stopped_at = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    code = await asyncio.to_thread(worker.wait, 60)
    took = time.monotonic() - stopped_at
    assert code == 0, product.logs()[-3000:]

    # The history says who finished it: the render-document activity's first attempt, started by the
    # worker we stopped, completed. Had shutdown cancelled it, attempt 1 would have failed and a
    # retry would wait for a worker: no started or completed event for it.
    history = await product.client.get_workflow_handle(f"case/{case_no}").fetch_history()
    renders = {e.event_id for e in history.events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
               and e.activity_task_scheduled_event_attributes.activity_type.name == "render-document"}
    started = {e.activity_task_started_event_attributes.scheduled_event_id: e.activity_task_started_event_attributes
               for e in history.events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED}
    completed = {e.activity_task_completed_event_attributes.scheduled_event_id for e in history.events
                 if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED}
    finished_by_stopped = [event_id for event_id in renders & completed
                           if started[event_id].identity.startswith(f"{worker.pid}@") and started[event_id].attempt == 1]
    assert finished_by_stopped, {event_id: started.get(event_id) for event_id in renders}
    assert took >= DELAY / 2, f"the worker left after {took:.1f} s, before the activity could finish"
