"""The real app on the time-skipping server with a worker on the app's task queue."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from activities.deps import ActivityDeps
from api.app import create_app
from infrastructure.settings import Settings
from infrastructure.temporal import data_converter
from infrastructure.temporal_gateway import TemporalGateway
from labourflow.worker import build_worker
from services.accounts import seed_demo
from tests.conftest import TEST_SERVER

DEMO_PASSWORD = "demo-password-123"


@dataclass
class Api:
    http: httpx.AsyncClient
    env: WorkflowEnvironment
    deps: ActivityDeps
    app: Any = None

    async def token(self, username: str) -> dict[str, str]:
        response = await self.http.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
async def api(settings: Settings, deps: ActivityDeps) -> AsyncIterator[Api]:
    await seed_demo(deps.db, DEMO_PASSWORD)
    env = await WorkflowEnvironment.start_time_skipping(data_converter=data_converter(settings), test_server_existing_path=TEST_SERVER)
    # The concurrency test sends 100 intakes at once, and tests poll a case (30 reads a minute by
    # default) while its workflow works, which on a slow machine takes more than 30 polls.
    settings = settings.model_copy(update={"rate_limit_intake": "1000/60", "rate_limit_access": "1000/60"})
    app = create_app(settings, db=deps.db, temporal=TemporalGateway(settings, env.client), start_pending=False, search_attributes=False)
    async with (
        build_worker(env.client, deps, task_queue=settings.task_queue),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        yield Api(http, env, deps, app)
    await env.shutdown()
