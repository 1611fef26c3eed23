"""A worker with every workflow and activity of the product on the time-skipping server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.deps import ActivityDeps
from labourflow.accounts import seed_demo
from labourflow.worker import build_worker
from tests.workflows.harness import Harness


@pytest.fixture
async def harness(time_skipping_env: WorkflowEnvironment, deps: ActivityDeps, task_queue: str) -> AsyncIterator[Harness]:
    await seed_demo(deps.db, "demo-password-123")
    async with build_worker(time_skipping_env.client, deps, task_queue=task_queue):
        yield Harness(time_skipping_env, deps, task_queue)
