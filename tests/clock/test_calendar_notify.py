"""When an official year is added, running workflows with provisional deadlines get the
`calendar-updated` signal (found through the `deadline` projection) and recompute in the sandbox."""

from __future__ import annotations

import uuid
from datetime import date

from temporalio.client import Client
from temporalio.worker import Worker

from domain.calendar import CalendarYear
from infrastructure.db import Database
from infrastructure.tables.projections import Deadline as DeadlineRow
from services.calendars import notify_workflows, provisional_workflow_ids
from tests.clock.calendar_listener import CalendarListener

YEAR = CalendarYear(
    year=2027, rest_days=(date(2027, 12, 20),), makeup_workdays=(), source="test fixture"
)


async def _row(
    db: Database, workflow_id: str, key: str, *, provisional: bool, status: str = "pending"
) -> None:
    async with db.session() as session:
        session.add(
            DeadlineRow(
                subject=f"case:{workflow_id[-6:]}",
                deadline_key=key,
                workflow_id=workflow_id,
                rule_id="D01",
                start_on=date(2026, 12, 20),
                due_on=date(2027, 12, 20),
                status=status,
                provisional=provisional,
                explanation={},
            )
        )
        await session.commit()


async def test_provisional_workflows_are_found_once(sqlite_db: Database) -> None:
    await _row(sqlite_db, "case/LD-2026-000001", "limitation", provisional=True)
    await _row(sqlite_db, "case/LD-2026-000001", "award", provisional=True)
    await _row(sqlite_db, "case/LD-2026-000002", "limitation", provisional=False)
    await _row(sqlite_db, "case/LD-2026-000003", "limitation", provisional=True, status="met")
    assert await provisional_workflow_ids(sqlite_db) == ["case/LD-2026-000001"]


async def test_running_workflow_recomputes_on_the_signal(client: Client, task_queue: str) -> None:
    workflow_id = f"case/LD-TEST-{uuid.uuid4().hex[:8]}"
    # Signal before any worker runs: start and signal arrive in the workflow's first activation.
    handle = await client.start_workflow(
        CalendarListener.run, date(2026, 12, 20), id=workflow_id, task_queue=task_queue
    )
    report = await notify_workflows(client, [workflow_id, "case/LD-NOT-RUNNING"], [YEAR])
    async with Worker(client, task_queue=task_queue, workflows=[CalendarListener]):
        history = await handle.result()
    assert report.notified == (workflow_id,) and report.gone == ("case/LD-NOT-RUNNING",)
    first, second = history
    assert (first.due, first.provisional) == (date(2027, 12, 20), True)
    assert (second.due, second.provisional) == (date(2027, 12, 21), False)
    assert second.calendar_version.endswith(f"+2027:{YEAR.digest}")
