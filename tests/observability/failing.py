"""A workflow whose activity fails, so that Temporal's failure series appear on a worker's endpoint
(the product's workflows do not fail on purpose). Imported by the sandbox: temporalio only."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow
from temporalio.exceptions import ApplicationError


@activity.defn(name="observability-failing-activity")
async def failing_activity() -> None:
    """Fails for good at once."""
    raise ApplicationError("故意失败 / fails on purpose", non_retryable=True)


@workflow.defn(name="observability-failing")
class FailingWorkflow:
    """Runs the failing activity, and so fails."""

    @workflow.run
    async def run(self) -> None:
        await workflow.execute_activity(failing_activity, start_to_close_timeout=timedelta(seconds=5))
