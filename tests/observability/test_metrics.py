"""What each metrics endpoint shows after an intake: the web app's requests by route template (to
scrapers only), a worker's Temporal SDK series and the product's counts, each counted once."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import date, timedelta

import httpx
from sqlmodel import select
from temporalio.testing import ActivityEnvironment

from activities.deps import ActivityDeps
from activities.projections import ProjectionActivities
from domain.records import DeadlineRecord, DeadlineStatus, TimelineEventRecord
from infrastructure.db import Database
from infrastructure.metrics import ProductMetrics, worker_runtime
from infrastructure.tables import Deadline, Notification, Task
from services.monitoring import read_backlog, sample_backlog_forever
from tests.observability.conftest import Observed
from tests.observability.scrape import samples, scrape, value
from tests.stories import wage_arrears
from tests.support import free_port


async def test_api_metrics_count_by_route_template_and_answer_scrapers_only(observed: Observed) -> None:
    case_no, code = await observed.file_and_wait_for_receipt(wage_arrears())
    assert (await observed.http.get(f"/api/v1/cases/{case_no}", headers={"X-Access-Code": code})).status_code == 200
    assert (await observed.http.get(f"/no/such/page/{case_no}")).status_code == 404
    scraped = await observed.http.get("/metrics")
    assert scraped.status_code == 200 and scraped.headers["content-type"].startswith("text/plain")
    text = scraped.text
    assert value(text, "http_requests_total", handler="/api/v1/cases", method="POST", status="2xx") == 1
    assert value(text, "http_requests_total", handler="/api/v1/cases/{case_no}", method="GET", status="2xx") == 1
    assert value(text, "http_requests_total", handler="/api/v1/cases/{case_no}/documents", method="GET", status="2xx") >= 1
    assert value(text, "http_requests_total", handler="none", method="GET", status="4xx") == 1  # no raw path
    assert value(text, "http_request_duration_seconds_count", handler="/api/v1/cases", method="POST") == 1
    assert case_no not in text and code not in text
    assert any(name == "process_resident_memory_bytes" for name, _, _ in samples(text))

    # Through the public proxy, or from outside the monitoring networks: the same 404 as a missing page.
    proxied = await observed.http.get("/metrics", headers={"X-Forwarded-For": "198.51.100.4"})
    assert proxied.status_code == 404 and "http_requests_total" not in proxied.text
    app = observed.http._transport.app  # type: ignore[attr-defined]
    outside = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("203.0.113.9", 4711)), base_url="http://test")
    async with outside:
        assert (await outside.get("/metrics")).status_code == 404
        assert (await outside.get("/healthz")).status_code == 200


async def test_worker_endpoint_serves_temporal_and_product_series(observed: Observed) -> None:
    await observed.file_and_wait_for_receipt(wage_arrears())
    await observed.finished_spans("RunActivity:record-timeline-event")  # the first event is "case opened"
    queue = observed.deps.settings.task_queue
    text = scrape(observed.worker_metrics)
    names = {name for name, _, _ in samples(text)}
    for series in ("temporal_workflow_task_schedule_to_start_latency_seconds_bucket",
                   "temporal_activity_schedule_to_start_latency_seconds_bucket", "temporal_worker_task_slots_available",
                   "temporal_worker_task_slots_used", "temporal_sticky_cache_size",
                   "temporal_activity_execution_latency_seconds_bucket", "temporal_num_pollers",
                   # the quick activities are local since 0.6.0 (workflows/kit/options.run_quick)
                   "temporal_local_activity_execution_latency_seconds_bucket", "temporal_local_activity_total_total"):
        assert series in names, series
    # Our buckets, fine enough to see 50 ms: Temporal's default goes 0.1, 0.5, 1, 5 s.
    buckets = {lab["le"] for n, lab, _ in samples(text)
               if n == "temporal_workflow_task_schedule_to_start_latency_seconds_bucket" and lab["task_queue"] == queue}
    assert {"0.01", "0.05", "0.25"} <= buckets, buckets
    assert value(text, "labourflow_cases_opened_total") == 1
    assert value(text, "labourflow_documents_rendered_total", doc_type="case_receipt") >= 1
    assert value(text, "labourflow_documents_rendered_total", doc_type="opinion_notice") == 0  # every type exists from the start
    assert value(text, "labourflow_deadlines_missed_total", rule_id="D03") == 0

    # The backlog gauges, as the workflow worker's loop sets them from the database. The case is
    # still moving (tasks open, notifications are written), so each gauge must lie between the
    # count before the loop ran and the count after it stopped: both only grow during an intake.
    db = observed.deps.db
    deadline = time.monotonic() + 15
    while not (before := await _counts(db))[0]:
        assert time.monotonic() < deadline, "no open task after the intake"
        await asyncio.sleep(0.1)
    sampler = asyncio.create_task(sample_backlog_forever(db, observed.deps.metrics, interval=0.05))
    try:
        for _ in range(200):
            if "labourflow_tasks_open" in (text := scrape(observed.worker_metrics)):
                break
            await asyncio.sleep(0.05)
    finally:
        sampler.cancel()
    after = await _counts(db)
    shown = (sum(v for n, _, v in samples(text) if n == "labourflow_tasks_open"), value(text, "labourflow_outbox_pending"))
    assert before[0] <= shown[0] <= after[0] and before[1] <= shown[1] <= after[1], (before, shown, after)
    assert value(text, "labourflow_tasks_open", role="mediator") >= 1  # the mediation task
    assert value(text, "labourflow_tasks_overdue", role="union_legal") == 0
    assert value(text, "labourflow_backlog_sampled_timestamp_seconds") > time.time() - 60


async def _counts(db: Database) -> tuple[int, int]:
    """Open tasks and pending notifications, straight from the rows."""
    async with db.session() as session:
        tasks = len((await session.exec(select(Task).where(Task.status == "open"))).all())
        pending = len((await session.exec(select(Notification).where(Notification.status == "pending"))).all())
    return tasks, pending


async def test_an_activity_run_twice_counts_once(deps: ActivityDeps) -> None:
    """Temporal may run an activity again (a lost completion): the counters follow the rows."""
    port = free_port()
    runtime = worker_runtime("127.0.0.1", port)  # kept: the endpoint lives as long as its runtime
    metrics = ProductMetrics(runtime.metric_meter)
    metrics.start_workflow_series()
    projections = ProjectionActivities(dataclasses.replace(deps, metrics=metrics))
    env = ActivityEnvironment()
    opened = TimelineEventRecord(subject="case:LD-2026-000042", event_key="case_opened:1", on_date=date(2026, 3, 2),
                                 actor="系统", kind="case_opened", summary_zh="受理", summary_en="opened")
    pending = DeadlineRecord(subject="case:LD-2026-000042", deadline_key="mediation:period", workflow_id="case/LD-2026-000042/m/1",
                             rule_id="D03", start_on=date(2026, 3, 2), due_on=date(2026, 3, 17))
    missed = pending.model_copy(update={"status": DeadlineStatus.missed})
    for record in (opened, opened):
        await env.run(projections.record_timeline_event, record)
    for record in (pending, missed, missed):
        await env.run(projections.record_deadline, record)
    text = scrape(f"http://127.0.0.1:{port}/metrics")
    assert value(text, "labourflow_cases_opened_total") == 1
    assert value(text, "labourflow_deadlines_missed_total", rule_id="D03") == 1
    assert value(text, "labourflow_deadlines_missed_total", rule_id="D13") == 0


async def test_backlog_is_read_from_the_rows(db: Database) -> None:
    """Grouped counts on SQLite and PostgreSQL: tasks by role and due date, deadlines by window, the outbox."""
    today = date(2026, 6, 10)
    day = timedelta(days=1)
    async with db.write_session() as session:
        for n, (role, status, due) in enumerate([("mediator", "open", today - day), ("mediator", "open", today),
                                                 ("mediator", "open", None), ("mediator", "done", today - 9 * day),
                                                 ("union_legal", "open", today - 3 * day)]):
            session.add(Task(task_id=f"t{n}", subject="case:LD-2026-000001", workflow_id="w", kind="mediate", role=role,
                             status=status, due_on=due, title_zh="任务", title_en="task"))
        for n, (status, due) in enumerate([("pending", today - 2 * day), ("pending", today), ("pending", today + 7 * day),
                                          ("pending", today + 8 * day), ("missed", today - day), ("met", today)]):
            session.add(Deadline(subject="case:LD-2026-000001", deadline_key=f"k{n}", workflow_id="w", rule_id="D03",
                                 start_on=today - 30 * day, due_on=due, status=status))
        from datetime import UTC, datetime

        for n, (status, age) in enumerate([("pending", 700), ("pending", 5), ("failed", 9000), ("sent", 99999)]):
            session.add(Notification(dedupe_key=f"d{n}", subject="case:LD-2026-000001", channel="sms", recipient_kind="worker",
                                     recipient_enc="x", template="t", body_zh="z", body_en="e", status=status,
                                     created_at=datetime.now(UTC) - timedelta(seconds=age)))
        await session.commit()
    backlog = await read_backlog(db, today)
    assert backlog.tasks_open == {"mediator": 3, "union_legal": 1}
    assert backlog.tasks_overdue == {"mediator": 1, "union_legal": 1}
    assert backlog.deadlines_pending == {"past": 1, "today": 1, "next_7_days": 1}
    assert (backlog.outbox_pending, backlog.outbox_failed) == (2, 1)
    assert 699 <= backlog.outbox_oldest_pending_seconds < 760
