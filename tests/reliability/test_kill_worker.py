"""A worker killed with SIGKILL right after an activity did its work (before Temporal heard of it),
at each activity type, loses no case and duplicates no document, number, task or notification."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from datetime import date

from sqlmodel import select
from temporalio.client import WorkflowUpdateFailedError

from domain.actions import Actor, TaskAction
from infrastructure.tables import Notification, Task, TimelineEvent
from infrastructure.tables.documents import StoredDocument
from tests.reliability.product import Product
from tests.stories import wage_arrears

ACTIVITY_TYPES = ("record-timeline-event", "record-deadline", "record-task", "record-case-status",
                  "render-document", "notify", "assign-task")
MEDIATOR = Actor(kind="staff", username="mediator", role="mediator", team_code="union-med-1", display_name="调解员 张敏")


async def _died(worker, timeout: float = 120) -> int:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout * 10)):
        if worker.poll() is not None:
            return int(worker.returncode)
        await asyncio.sleep(0.1)
    raise AssertionError("the worker was never killed: the activity did not run twice")


async def test_kill_9_at_each_activity_type(product: Product) -> None:
    numbers: list[str] = []
    for activity in ACTIVITY_TYPES:
        numbers += await product.file(wage_arrears() for _ in range(2))
        worker = product.start_worker(kill_after=f"{activity}:2")
        assert await _died(worker) == -signal.SIGKILL, activity
    product.start_worker()

    async def all_mediating() -> bool:
        async with product.db.session() as session:
            open_tasks = (await session.exec(select(Task.subject).where(Task.kind == "mediate", Task.status == "open"))).all()
        return len(set(open_tasks)) == len(numbers)
    await product.wait(all_mediating, "every case's mediator to have the mediation task")

    # A staff action whose document is rendered when the worker dies: the update still completes once.
    async with product.db.session() as session:
        task = (await session.exec(select(Task).where(Task.subject == f"case:{numbers[0]}", Task.kind == "mediate"))).one()
    product.stop_workers()
    product.start_worker(kill_after="render-document:1")
    action = TaskAction(task_id=task.task_id, action="record_failure", actor=MEDIATOR,
                        payload={"ended_on": (await product.stages()) and date.today().isoformat(), "reason": "拒不到场"})
    pending = asyncio.ensure_future(product.client.get_workflow_handle(task.workflow_id).execute_update("act", action))
    await _died(product.workers[-1])
    product.start_worker()
    try:
        await asyncio.wait_for(pending, timeout=120)
    except WorkflowUpdateFailedError as exc:
        raise AssertionError(f"the action failed: {exc.cause}") from None

    async def first_case_moved_on() -> bool:
        return (await product.stages())[numbers[0]] == "arbitration_eligible"
    await product.wait(first_case_moved_on, "the first case to leave mediation")

    async with product.db.session() as session:
        documents = Counter((d.subject, d.doc_type) for d in (await session.exec(select(StoredDocument))).all())
        tasks = Counter((t.subject, t.kind) for t in (await session.exec(select(Task))).all())
        opened = Counter(e.subject for e in (await session.exec(select(TimelineEvent).where(TimelineEvent.kind == "case_opened"))).all())
        updates = Counter(n.subject for n in (await session.exec(select(Notification).where(Notification.template == "case_update"))).all())
    assert sorted(int(n[-6:]) for n in numbers) == list(range(1, len(numbers) + 1)), "case numbers are gap-free"
    for number in numbers:
        subject = f"case:{number}"
        assert documents[(subject, "case_receipt")] == 1 and documents[(subject, "mediation_application")] == 1, number
        assert tasks[(subject, "mediate")] == 1 and opened[subject] == 1, number
    assert documents[(f"case:{numbers[0]}", "mediation_termination_notice")] == 1
    assert max(updates.values()) <= 2 and len(updates) == len(numbers)
