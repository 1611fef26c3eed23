"""Fault injection for the reliability tests (never set in production).

`LABOURFLOW_FAULT_KILL_AFTER=render-document:2,notify:1` makes the worker SIGKILL itself right
after the 2nd render-document (and the 1st notify) activity has done its work but before Temporal
hears of it: the worst moment for duplicates, since the activity will run again.

`LABOURFLOW_FAULT_DELAY=render-document:4` makes every render-document activity take 4 s longer
(logged as `fault_delay_started`): a slow activity in flight, for the graceful-shutdown test."""

from __future__ import annotations

import os
import signal
from collections import Counter
from typing import Any

from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

ENV = "LABOURFLOW_FAULT_KILL_AFTER"
DELAY_ENV = "LABOURFLOW_FAULT_DELAY"


def _plan(variable: str) -> dict[str, float]:
    plan = os.environ.get(variable, "")
    return {name: float(count) for name, _, count in (item.partition(":") for item in plan.split(",") if item)}


def planned_kills() -> dict[str, int]:
    return {name: int(count) for name, count in _plan(ENV).items()}


class _KillAfter(ActivityInboundInterceptor):
    def __init__(self, next: ActivityInboundInterceptor, plan: dict[str, int], seen: Counter[str]) -> None:
        super().__init__(next)
        self._plan, self._seen = plan, seen

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        result = await self.next.execute_activity(input)
        from temporalio import activity

        name = activity.info().activity_type
        self._seen[name] += 1
        if self._plan.get(name) == self._seen[name]:
            os.kill(os.getpid(), signal.SIGKILL)
        return result


class KillAfterInterceptor(Interceptor):
    def __init__(self, plan: dict[str, int]) -> None:
        self._plan = plan
        self._seen: Counter[str] = Counter()

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _KillAfter(next, self._plan, self._seen)


class _Delay(ActivityInboundInterceptor):
    def __init__(self, next: ActivityInboundInterceptor, delays: dict[str, float]) -> None:
        super().__init__(next)
        self._delays = delays

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        import asyncio

        import structlog
        from temporalio import activity

        seconds = self._delays.get(activity.info().activity_type, 0.0)
        if seconds:
            structlog.get_logger("devtools.faults").warning("fault_delay_started", activity=activity.info().activity_type, seconds=seconds)
            await asyncio.sleep(seconds)  # a stopping worker waits for this up to its graceful-shutdown timeout
        return await self.next.execute_activity(input)


class DelayInterceptor(Interceptor):
    def __init__(self, delays: dict[str, float]) -> None:
        self._delays = delays

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _Delay(next, self._delays)


def fault_interceptors() -> list[Interceptor]:
    plan, delays = planned_kills(), _plan(DELAY_ENV)
    return ([KillAfterInterceptor(plan)] if plan else []) + ([DelayInterceptor(delays)] if delays else [])
