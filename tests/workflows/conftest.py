"""A worker with every workflow and activity of the product on the time-skipping server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.deps import ActivityDeps
from infrastructure.settings import Settings
from infrastructure.temporal import data_converter
from labourflow.worker import build_worker
from services.accounts import seed_demo
from tests.conftest import TEST_SERVER
from tests.workflows.harness import Harness


@pytest.fixture
async def workflow_env(session_settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    """A fresh time-skipping server per test (0.1 s to start): its clock and workflow ids are its own."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(session_settings), test_server_existing_path=TEST_SERVER)
    yield env
    await env.shutdown()


@pytest.fixture
async def harness(workflow_env: WorkflowEnvironment, deps: ActivityDeps, task_queue: str) -> AsyncIterator[Harness]:
    await seed_demo(deps.db, "demo-password-123")
    async with build_worker(workflow_env.client, deps, task_queue=task_queue):
        yield Harness(workflow_env, deps, task_queue, act_when_quiet=True)
