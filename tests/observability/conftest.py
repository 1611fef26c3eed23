"""One product, observed: the real app, the time-skipping server and a worker in this process,
with a tracer provider whose spans land in memory and a Temporal runtime of the worker's own
serving Prometheus on a free port (as `labourflow worker` does), product metrics included."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.testing import WorkflowEnvironment

from activities.deps import ActivityDeps
from api.app import create_app
from infrastructure.metrics import ProductMetrics, worker_runtime
from infrastructure.settings import Settings
from infrastructure.temporal import data_converter
from infrastructure.temporal_gateway import TemporalGateway
from infrastructure.tracing import Tracing
from labourflow.worker import build_worker
from services.accounts import seed_demo
from tests.conftest import TEST_SERVER
from tests.support import free_port

DEMO_PASSWORD = "demo-password-123"


@dataclass
class Observed:
    http: httpx.AsyncClient
    exported: InMemorySpanExporter  # what would leave the process (after the redacting processor)
    recorded: InMemorySpanExporter  # every span as the instrumentations made it
    worker_metrics: str  # the worker runtime's Prometheus endpoint
    deps: ActivityDeps
    env: WorkflowEnvironment

    async def token(self, username: str) -> dict[str, str]:
        response = await self.http.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    async def file_and_wait_for_receipt(self, intake: dict[str, Any]) -> tuple[str, str]:
        """File an intake; return its case number and access code once the receipt is rendered."""
        filed = await self.http.post("/api/v1/cases", json=intake)
        assert filed.status_code == 201 and filed.json()["workflow_started"], filed.text
        case_no, code = filed.json()["case_no"], filed.json()["access_code"]
        deadline = time.monotonic() + 30
        while True:
            documents = await self.http.get(f"/api/v1/cases/{case_no}/documents", headers={"X-Access-Code": code})
            if any(d["doc_type"] == "case_receipt" for d in documents.json()["items"]):
                return case_no, code
            assert time.monotonic() < deadline, f"no receipt for {case_no}: {documents.json()}"
            await _sleep(0.1)


    async def finished_spans(self, *names: str) -> tuple[ReadableSpan, ...]:
        """The exported spans, once spans of every name in `names` have ended (activities go on
        after the receipt is stored: the timeline event comes next)."""
        deadline = time.monotonic() + 30
        while True:
            spans = self.exported.get_finished_spans()
            missing = set(names) - {span.name for span in spans}
            if not missing:
                return spans
            assert time.monotonic() < deadline, f"no span {sorted(missing)}"
            await _sleep(0.1)


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


@pytest.fixture
async def observed(settings: Settings, deps: ActivityDeps) -> AsyncIterator[Observed]:
    await seed_demo(deps.db, DEMO_PASSWORD)
    exported, recorded = InMemorySpanExporter(), InMemorySpanExporter()
    tracing = Tracing.build(settings, "labourflow-test", exported, batch=False)
    tracing.provider.add_span_processor(SimpleSpanProcessor(recorded))
    port = free_port()
    runtime = worker_runtime("127.0.0.1", port)  # one per process in production; a dedicated one here
    metrics = ProductMetrics(runtime.metric_meter)
    metrics.start_workflow_series()
    metrics.start_document_series()
    deps = dataclasses.replace(deps, metrics=metrics)
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(settings), runtime=runtime, interceptors=[tracing.temporal_interceptor()],
        test_server_existing_path=TEST_SERVER,
    )
    # The app instruments the database it is given, which the worker shares here (one process).
    app = create_app(settings, db=deps.db, temporal=TemporalGateway(settings, env.client), start_pending=False,
                     search_attributes=False, tracing=tracing)
    async with (
        build_worker(env.client, deps, task_queue=settings.task_queue),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        yield Observed(http, exported, recorded, f"http://127.0.0.1:{port}/metrics", deps, env)
    await env.shutdown()
    tracing.shutdown()
