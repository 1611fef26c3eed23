"""A pinned test workflow with a short wait: something to strand on an old build (tests/reliability/test_upgrade.py)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import VersioningBehavior


@workflow.defn(name="pinned-job", versioning_behavior=VersioningBehavior.PINNED)
class PinnedJob:
    """Waits a few seconds, then finishes."""

    @workflow.run
    async def run(self, seconds: float) -> str:
        """Sleep, then finish."""
        await workflow.sleep(timedelta(seconds=seconds))
        return "done"
