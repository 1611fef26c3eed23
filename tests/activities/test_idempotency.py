"""Every projection and outbox activity is idempotent: run twice, one row (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select
from temporalio.testing import ActivityEnvironment

from activities.deps import ActivityDeps
from activities.notifications import NotificationActivities
from activities.projections import ProjectionActivities
from activities.tasks import TaskActivities
from domain.intake import IntakeRequest
from domain.records import AssignmentRequest, DeadlineRecord, DeadlineStatus, NotificationRequest, TaskRecord, TimelineEventRecord
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.tables import Deadline, Notification, Task, TimelineEvent
from services.accounts import seed_demo
from services.intake import register_case
from tests.stories import wage_arrears


@pytest.fixture
async def filed(db: Database, settings: Settings) -> tuple[ActivityDeps, str]:
    deps = ActivityDeps(settings=settings, db=db, keyring=Keyring.from_settings(settings))
    await seed_demo(db, "demo-password-123")
    registered = await register_case(db, deps.keyring, IntakeRequest.model_validate(wage_arrears()), None)
    return deps, registered.case_no


async def _count(db: Database, model: type, **where: object) -> int:
    async with db.session() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int((await session.exec(query)).one())


async def test_timeline_deadline_task_twice_one_row(filed: tuple[ActivityDeps, str]) -> None:
    deps, case_no = filed
    projections = ProjectionActivities(deps)
    env = ActivityEnvironment()
    subject = f"case:{case_no}"
    event = TimelineEventRecord(subject=subject, event_key="wf#1:opened", on_date=date(2026, 3, 2), actor="system",
                                kind="case_opened", summary_zh="受理", summary_en="registered")
    deadline = DeadlineRecord(subject=subject, deadline_key="wf#period", workflow_id="wf", rule_id="D03",
                              start_on=date(2026, 3, 2), due_on=date(2026, 3, 17))
    task = TaskRecord(task_id="wf#2:task-mediate", subject=subject, workflow_id="wf", kind="mediate", role="mediator",
                      title_zh="调解", title_en="mediate", due_on=date(2026, 3, 17))
    for _ in range(2):
        await env.run(projections.record_timeline_event, event)
        await env.run(projections.record_deadline, deadline)
        await env.run(projections.record_task, task)
    assert await _count(deps.db, TimelineEvent, subject=subject) == 1
    assert await _count(deps.db, Deadline, subject=subject) == 1
    assert await _count(deps.db, Task, subject=subject) == 1
    # a second write with a new state updates the same row (recomputation, completion)
    await env.run(projections.record_deadline, deadline.model_copy(update={"status": DeadlineStatus.met}))
    async with deps.db.session() as session:
        assert (await session.exec(select(Deadline.status).where(Deadline.subject == subject))).one() == "met"


async def test_notification_twice_one_row_per_recipient(filed: tuple[ActivityDeps, str]) -> None:
    deps, case_no = filed
    activity = NotificationActivities(deps)
    request = NotificationRequest(subject=f"case:{case_no}", event_key="wf#5:case_update", template="case_update",
                                  recipient_kind="worker", params={"guidance_zh": "可申请仲裁", "guidance_en": "may arbitrate",
                                                                   "options": [], "stage": "arbitration_eligible"})
    env = ActivityEnvironment()
    assert await env.run(activity.notify, request) == 1
    assert await env.run(activity.notify, request) == 1
    assert await _count(deps.db, Notification, subject=f"case:{case_no}") == 1
    async with deps.db.session() as session:
        row = (await session.exec(select(Notification))).one()
    assert deps.keyring.decrypt_text(row.recipient_enc) == "13812345678"
    assert "13812345678" not in row.body_zh and "可申请仲裁" in row.body_zh


async def test_assignment_prefers_the_least_loaded_and_honours_exclusions(filed: tuple[ActivityDeps, str]) -> None:
    deps, _ = filed
    tasks, projections, env = TaskActivities(deps), ProjectionActivities(deps), ActivityEnvironment()
    request = AssignmentRequest(role="mediator", team_code="union-med-1", region="shanghai-pudong")
    first = await env.run(tasks.assign_task, request)
    assert first == "mediator"  # nobody has work yet: alphabetical
    await env.run(projections.record_task, TaskRecord(task_id="t1", subject="case:x", workflow_id="wf", kind="k", role="mediator",
                                                      title_zh="a", title_en="a", assignee="mediator"))
    assert await env.run(tasks.assign_task, request) == "mediator2"
    assert await env.run(tasks.assign_task, request.model_copy(update={"exclude": ("mediator2",)})) == "mediator"
    assert await env.run(tasks.assign_task, AssignmentRequest(role="mediator", team_code="nobody")) is None
