"""The raw-Temporal baseline: a minimal workflow with a given number of activities, timers, child
workflows and Updates, and a trivial activity. Deliberately light (no pydantic, no domain): this
is what the engine costs on its own."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity, workflow

RAW_TASK_QUEUE_SUFFIX = "-raw"


@dataclass
class RawInput:
    activities: int = 3
    local_activities: int = 0  # run as local activities, after the others
    timers: int = 0  # long timers left pending (statutory clocks); cancelled when the workflow ends
    children: int = 0
    updates: int = 0  # wait for this many `step` Updates before finishing
    wait_seconds: float = 0.0  # then wait this long (a pending timer keeps the workflow open)
    fire_after: float = 0.0  # a timer due this many seconds after start (timer-lag probe), 0 = none


@activity.defn(name="raw-step")
def raw_step(seq: int) -> int:
    return seq + 1


@workflow.defn(name="raw-child")
class RawChild:
    @workflow.run
    async def run(self) -> None:
        return None


@workflow.defn(name="raw")
class RawWorkflow:
    def __init__(self) -> None:
        self.steps = 0

    @workflow.update(name="step")
    async def step(self) -> int:
        self.steps += 1
        return self.steps

    @workflow.run
    async def run(self, inp: RawInput) -> int:
        pending = [
            asyncio.ensure_future(workflow.sleep(timedelta(days=30 + i))) for i in range(inp.timers)
        ]
        for seq in range(inp.activities):
            await workflow.execute_activity(
                raw_step, seq, start_to_close_timeout=timedelta(seconds=30)
            )
        for seq in range(inp.local_activities):
            await workflow.execute_local_activity(
                raw_step, seq, start_to_close_timeout=timedelta(seconds=30)
            )
        for seq in range(inp.children):
            await workflow.execute_child_workflow(
                RawChild.run, id=f"{workflow.info().workflow_id}/c{seq}"
            )
        await workflow.wait_condition(lambda: self.steps >= inp.updates)
        if inp.fire_after:
            await workflow.sleep(timedelta(seconds=inp.fire_after))
            await workflow.execute_activity(
                raw_step, -1, start_to_close_timeout=timedelta(seconds=30)
            )
        if inp.wait_seconds:
            await workflow.sleep(timedelta(seconds=inp.wait_seconds))
        for timer in pending:
            timer.cancel()
        return self.steps
