"""Fault injection for the reliability tests (never set in production).

`LABOURFLOW_FAULT_KILL_AFTER=render-document:2,notify:1` makes the worker SIGKILL itself right
after the 2nd render-document (and the 1st notify) activity has done its work but before Temporal
hears of it: the worst moment for duplicates, since the activity will run again."""

from __future__ import annotations

import os
import signal
from collections import Counter
from typing import Any

from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

ENV = "LABOURFLOW_FAULT_KILL_AFTER"


def planned_kills() -> dict[str, int]:
    plan = os.environ.get(ENV, "")
    return {name: int(count) for name, _, count in (item.partition(":") for item in plan.split(",") if item)}


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


def fault_interceptors() -> list[Interceptor]:
    plan = planned_kills()
    return [KillAfterInterceptor(plan)] if plan else []
