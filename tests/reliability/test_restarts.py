"""A restarted Temporal server (SQLite persistence) resumes every open case and fires the timers that
came due while it was down; the API accepts intake while Temporal is down and starts the workflow
when it returns. CI runs 10 open cases; `LABOURFLOW_RELIABILITY_CASES=500` gives the README figure."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import datetime, timedelta

import httpx
import pytest
from sqlmodel import select
from temporalio.client import WorkflowExecutionStatus

from api.app import create_app
from domain.china_time import CHINA_TZ, china_now
from domain.deadlines import compute_deadline
from infrastructure.tables import Case, Task, TimelineEvent
from infrastructure.temporal_gateway import TemporalGateway
from tests.reliability.product import Product
from tests.stories import wage_arrears

pytestmark = pytest.mark.timeout(3600)  # 500 open cases take minutes to reach mediation on 2 cores
OPEN_CASES = int(os.environ.get("LABOURFLOW_RELIABILITY_CASES", "10"))
DUE_DURING_OUTAGE = 5
OUTAGE_SECONDS = 30


def shift_to_expire_in(seconds: float) -> int:
    """A clock shift that makes a case filed today reach the end of its mediation period (D03) soon."""
    now = china_now()
    due = compute_deadline("D03", now.date()).due
    assert due is not None
    end = datetime.combine(due + timedelta(days=1), datetime.min.time(), CHINA_TZ)
    return int((end - timedelta(seconds=seconds) - now).total_seconds())


async def _mediating(product: Product, count: int) -> bool:
    async with product.db.session() as session:
        rows = (await session.exec(select(Task.subject).where(Task.kind == "mediate", Task.status == "open"))).all()
    return len(set(rows)) >= count


async def test_server_restart_resumes_open_cases_and_fires_missed_timers(product: Product) -> None:
    product.start_worker()
    steady = await product.file(wage_arrears() for _ in range(OPEN_CASES))
    await product.wait(lambda: _mediating(product, OPEN_CASES), "the open cases to be in mediation", timeout=2700)
    started = time.monotonic()
    expiring = await product.file(
        (wage_arrears() for _ in range(DUE_DURING_OUTAGE)), shift_seconds=shift_to_expire_in(OUTAGE_SECONDS / 2 + 20)
    )
    await product.wait(lambda: _mediating(product, OPEN_CASES + DUE_DURING_OUTAGE), "all cases to be in mediation", timeout=600)
    assert time.monotonic() - started < OUTAGE_SECONDS / 2 + 20, "the expiring cases were not ready before their timers"

    product.stop_workers()
    product.stop_server()
    await asyncio.sleep(OUTAGE_SECONDS)  # the expiring cases' periods end while nothing runs
    client = await product.start_server()
    product.start_worker()

    async def expired() -> bool:
        async with product.db.session() as session:
            expired = select(TimelineEvent.subject).where(TimelineEvent.kind == "mediation_period_expired")
            subjects = set((await session.exec(expired)).all())
        return subjects == {f"case:{n}" for n in expiring}
    await product.wait(expired, "timers that came due during the outage to fire", timeout=180)

    for number in steady:
        description = await client.get_workflow_handle(f"case/{number}").describe()
        assert description.status is WorkflowExecutionStatus.RUNNING, number
    async def settled() -> bool:
        stages = await product.stages()
        return all(stages[n] == "arbitration_eligible" for n in expiring) and all(stages[n] == "mediation" for n in steady)
    await product.wait(settled, "expired cases to offer arbitration while the others keep mediating")


async def test_intake_while_temporal_is_down_starts_when_it_returns(product: Product) -> None:
    product.start_worker()
    app = create_app(product.settings, db=product.db, temporal=TemporalGateway(product.settings))
    from api import app as app_module

    app_module.PENDING_START_INTERVAL = 1.0
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        product.stop_server()
        assert (await http.get("/healthz")).status_code == 200
        ready = await http.get("/readyz")
        assert ready.status_code == 503 and "temporal" in ready.json()["detail"]
        filed = await http.post("/api/v1/cases", json=wage_arrears())
        assert filed.status_code == 201 and filed.json()["workflow_started"] is False
        case_no = filed.json()["case_no"]
        await product.start_server()

        async def started() -> bool:
            async with product.db.session() as session:
                return bool((await session.exec(select(Case.workflow_started).where(Case.case_no == case_no))).one())
        await product.wait(started, "the waiting case's workflow to start", timeout=120)
        assert (await http.get("/readyz")).status_code == 200
        await product.wait(lambda: _mediating(product, 1), "the case to reach mediation", timeout=120)
