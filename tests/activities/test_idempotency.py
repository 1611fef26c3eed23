"""Every projection and outbox activity is idempotent: run twice, one row (on SQLite and PostgreSQL),
and one event for the agency systems."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import func, update
from sqlmodel import col, select
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
from infrastructure.tables import AgencyEvent, Deadline, Notification, Task, TimelineEvent
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


async def test_events_once_per_happening_numbered_without_gaps_per_organisation(filed: tuple[ActivityDeps, str]) -> None:
    """What agency systems are sent: a retried projection writes no second event; concurrent writers
    still number each organisation's events 1..n without gaps; the log refuses changes."""
    deps, case_no = filed
    projections, env = ProjectionActivities(deps), ActivityEnvironment()

    def task(n: int, team: str, status: str = "open") -> TaskRecord:
        return TaskRecord(task_id=f"wf-{team}#{n}", subject=f"case:{case_no}", workflow_id=f"wf-{team}", kind="record_award",
                          role="arbitrator", title_zh="裁决", title_en="Award", team_code=team, status=status,  # type: ignore[arg-type]
                          outcome="record_award" if status == "done" else None)

    await env.run(projections.record_task, task(0, "arb-pd-1"))
    await env.run(projections.record_task, task(0, "arb-pd-1"))  # a retry, or a reminder: no new event
    await env.run(projections.record_task, task(0, "arb-pd-1", "done"))
    await env.run(projections.record_task, task(0, "arb-pd-1", "done"))
    await asyncio.gather(*(env.run(projections.record_task, task(n, team)) for n in range(1, 9) for team in ("arb-pd-1", "court-pd-1")))
    async with deps.db.session() as session:
        rows = (await session.exec(select(AgencyEvent).order_by(col(AgencyEvent.organisation_code), col(AgencyEvent.seq)))).all()
    by_org: dict[str, list[AgencyEvent]] = {}
    for row in rows:
        by_org.setdefault(row.organisation_code, []).append(row)
    assert [(e.type, e.data["task_id"]) for e in by_org["arb-pd"][:2]] == [("task.opened", "wf-arb-pd-1#0"),
                                                                         ("decision.recorded", "wf-arb-pd-1#0")]
    assert [e.seq for e in by_org["arb-pd"]] == list(range(1, 11)) and [e.seq for e in by_org["court-pd"]] == list(range(1, 9))
    assert len({e.event_id for e in rows}) == len(rows) == 18
    with pytest.raises(Exception, match="append-only"):
        async with deps.db.write_session() as session:
            await session.exec(update(AgencyEvent).values(type="tampered"))  # type: ignore[call-overload]
            await session.commit()
