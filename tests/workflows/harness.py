"""Driving real case workflows on the time-skipping server: file a case (through the real intake
code), wait for tasks in the inbox projection, act as staff or worker, let days pass."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlmodel import col, select
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities.deps import ActivityDeps
from api.schemas import IntakeRequest
from domain.actions import ActionResult, Actor, TaskAction, WorkerAction
from domain.workflow_models import DisputeResult
from labourflow.cases import register_case, workflow_input
from labourflow.tables import Case, Deadline, Notification, Task, TimelineEvent

BEIJING = timezone(timedelta(hours=8))
STAFF = {
    "mediator": Actor(kind="staff", username="mediator", role="mediator", team_code="union-med-1", display_name="调解员 张敏"),
    "mediator2": Actor(kind="staff", username="mediator2", role="mediator", team_code="union-med-1", display_name="调解员 刘洋"),
    "mediator-hz": Actor(kind="staff", username="mediator-hz", role="mediator", team_code="union-med-hz", display_name="调解员 周婷"),
    "supervisor": Actor(kind="staff", username="supervisor", role="supervisor", team_code="union-med-1", display_name="主任 陈静"),
}


@dataclass
class CaseRun:
    """One filed case and its running workflow."""

    harness: Harness
    case_no: str
    handle: WorkflowHandle[Any, Any]
    seen: set[str] = field(default_factory=set)

    @property
    def subject(self) -> str:
        return f"case:{self.case_no}"

    async def task(self, kind: str, timeout: float = 15) -> Task:
        """Wait (real time) until an open task of `kind` appears in the inbox projection."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            async with self.harness.deps.db.session() as session:
                row = (await session.exec(select(Task).where(Task.subject == self.subject, Task.kind == kind,
                                                             Task.status == "open"))).first()
            if row is not None:
                return row
            await asyncio.sleep(0.05)
        raise AssertionError(f"no open task '{kind}' for {self.case_no}; events: {await self.events()}")

    async def harness_task_row(self, kind: str) -> Task:
        """The latest task of `kind`, open or not."""
        async with self.harness.deps.db.session() as session:
            return (await session.exec(select(Task).where(Task.subject == self.subject, Task.kind == kind)
                                       .order_by(col(Task.created_at).desc()))).first()  # type: ignore[return-value]

    async def act(self, kind: str, action: str, payload: dict[str, Any], who: str = "mediator") -> ActionResult:
        task = await self.task(kind)
        client = self.harness.env.client
        return await client.get_workflow_handle(task.workflow_id).execute_update(
            "act", TaskAction(task_id=task.task_id, action=action, actor=STAFF[who], payload=payload), result_type=ActionResult)

    async def worker(self, action: str, payload: dict[str, Any] | None = None) -> ActionResult:
        return await self.handle.execute_update("worker-act", WorkerAction.model_validate({"action": action, "payload": payload or {}}),
                                                result_type=ActionResult)

    async def events(self) -> list[str]:
        async with self.harness.deps.db.session() as session:
            rows = (await session.exec(select(TimelineEvent.kind).where(TimelineEvent.subject == self.subject)
                                       .order_by(col(TimelineEvent.id)))).all()
        return list(rows)

    async def wait_event(self, kind: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if kind in await self.events():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"event '{kind}' did not happen for {self.case_no}; events: {await self.events()}")

    async def deadline(self, key: str, timeout: float = 15) -> Deadline:
        """Wait until the deadline `key` (of this case or a child) is in the projection."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = (await self.deadlines()).get(key)
            if found is not None:
                return found
            await asyncio.sleep(0.05)
        raise AssertionError(f"no deadline '{key}' for {self.case_no}: {sorted(await self.deadlines())}")

    async def wait_stage(self, stage: str, timeout: float = 15) -> Case:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = await self.case_row()
            if row.stage == stage:
                return row
            await asyncio.sleep(0.05)
        raise AssertionError(f"{self.case_no} stayed in stage {(await self.case_row()).stage}, expected {stage}")

    async def deadlines(self) -> dict[str, Deadline]:
        async with self.harness.deps.db.session() as session:
            rows = (await session.exec(select(Deadline).where(Deadline.subject == self.subject))).all()
        return {row.deadline_key.split("#", 1)[1]: row for row in rows}

    async def case_row(self) -> Case:
        async with self.harness.deps.db.session() as session:
            return (await session.exec(select(Case).where(Case.case_no == self.case_no))).one()

    async def notifications(self) -> list[Notification]:
        async with self.harness.deps.db.session() as session:
            return list((await session.exec(select(Notification).where(Notification.subject == self.subject))).all())

    async def result(self) -> DisputeResult:
        return await asyncio.wait_for(self.handle.result(), timeout=60)

    def today(self) -> date:
        return self.harness.today


@dataclass
class Harness:
    env: WorkflowEnvironment
    deps: ActivityDeps
    task_queue: str
    shift_days: int = 0
    today: date = date(2026, 1, 1)

    async def env_today(self) -> date:
        now: datetime = await self.env.get_current_time()
        return now.astimezone(BEIJING).date()

    async def file(self, body: dict[str, Any], filed_on: date) -> CaseRun:
        """File through the real intake code, as if on `filed_on` (the case's clock is shifted)."""
        request = IntakeRequest.model_validate(body)
        registered = await register_case(self.deps.db, self.deps.keyring, request, None)
        async with self.deps.db.session() as session:
            case = (await session.exec(select(Case).where(Case.case_no == registered.case_no))).one()
            case.filed_on = filed_on
            case.facts = {**case.facts, "filed_on": filed_on.isoformat()}
            session.add(case)
            await session.commit()
            await session.refresh(case)
        self.shift_days = (filed_on - await self.env_today()).days
        inp = await workflow_input(self.deps.db, self.deps.keyring, self.deps.settings, case)
        inp = inp.model_copy(update={"shift_days": self.shift_days, "search_attributes": False})
        handle = await self.env.client.start_workflow("dispute", inp, id=case.workflow_id, task_queue=self.task_queue,
                                                      result_type=DisputeResult)
        self.today = filed_on
        return CaseRun(self, registered.case_no, handle)

    async def sleep(self, days: float) -> None:
        """Let `days` pass on the server clock (timers fire), then let the workflows settle."""
        await self.env.sleep(timedelta(days=days))
        self.today = await self.env_today() + timedelta(days=self.shift_days)
        await asyncio.sleep(0.3)
