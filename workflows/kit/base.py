"""`StatutoryWorkflow`: the base of every workflow that runs statutory clocks and human tasks.

It gives each workflow the same vocabulary: `event` (timeline), `set_deadline` / `until` (durable
timers from the pure rules), `open_task` / `close_task` (inbox with reminders and escalation),
`document` and `notify`; staff act through the `act` Update, checked by its validator first.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from temporalio import workflow

from workflows.kit import options
from workflows.kit.actions import ActionHandling
from workflows.kit.deadlines import DeadlineKeeping
from workflows.kit.tasks import OFFICE_OPENS, OpenTask, reminder_days

with workflow.unsafe.imports_passed_through():
    from domain.actions import Actor
    from domain.catalogue import StaffAction
    from domain.organisations import TASK_HOLDERS
    from domain.records import (
        AssignmentRequest,
        DeadlineStatus,
        TaskStatus,
    )
    from domain.workflow_models import DeadlineView, TaskView, WorkflowView



class StatutoryWorkflow(ActionHandling, DeadlineKeeping):
    """Base class; subclasses call `self.setup(...)` first thing in their run method."""

    async def open_task(
        self,
        kind: str,
        zh: str,
        en: str,
        actions: Sequence[StaffAction],
        *,
        deadline_key: str | None = None,
        role: str | None = None,
        team_code: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> OpenTask:
        """Create a task, assign it by team and load, and watch its SLA in the background. Its team and
        role: as given, else the agency that holds this kind of task (`domain.organisations`), else
        this workflow's team and its mediators."""
        entry = self.kit.deadlines.get(deadline_key) if deadline_key else None
        holder = TASK_HOLDERS.get(kind)
        if holder is not None:
            team_code = team_code or self.kit.teams.get(holder[0])
            role = role or holder[1].value
        task = OpenTask(
            task_id=self.next_key(f"task-{kind}"),
            kind=kind,
            title_zh=zh,
            title_en=en,
            role=role or "mediator",
            actions=tuple(entry.name for entry in actions),
            team_code=team_code or self.kit.team_code,
            due_on=entry.deadline.due if entry else None,
            deadline_key=deadline_key,
            deadline_rule=entry.rule if entry else None,
            data=data or {},
        )
        task.assignee = await self._assign(task, exclude=())
        self.kit.tasks[task.task_id] = task
        await self._record_task(task)
        if task.due_on is not None:
            self.kit.watchers.append(asyncio.ensure_future(self._watch_sla(task)))
        return task

    async def settle(self) -> None:
        """Before completing: stop SLA watchers (none may leave an activity behind), stop tracking
        deadlines nobody reported on, and let update and signal handlers finish."""
        for entry in list(self.kit.deadlines.values()):
            if entry.status is DeadlineStatus.pending:
                await self.close_deadline(entry.key, DeadlineStatus.cancelled)
        for watcher in self.kit.watchers:
            watcher.cancel()
        if self.kit.watchers:
            await asyncio.gather(*self.kit.watchers, return_exceptions=True)
        await workflow.wait_condition(workflow.all_handlers_finished)

    async def close_task(self, task: OpenTask, outcome: str, actor: Actor | None = None, status: TaskStatus = TaskStatus.done) -> None:
        if not task.is_open:
            return
        task.status, task.outcome = status, outcome
        task.completed_by = actor.username if actor else None
        await self._record_task(task)

    async def cancel_open_tasks(self, reason: str) -> None:
        for task in list(self.kit.tasks.values()):
            await self.close_task(task, reason, status=TaskStatus.cancelled)

    async def _assign(self, task: OpenTask, exclude: tuple[str, ...]) -> str | None:
        request = AssignmentRequest(role=task.role, team_code=task.team_code, region=self.kit.region, exclude=exclude)
        result: str | None = await options.run_quick("assign-task", request, options.ASSIGN, result_type=str | None)
        return result

    async def _watch_sla(self, task: OpenTask) -> None:
        """Remind at 3 days and 1 day before due; when overdue, escalate and reassign (once)."""
        for label, day in reminder_days(task.due_on) if task.due_on else []:
            if await self._task_settles_before(task, self.clock.until_time(day, OFFICE_OPENS)):
                return
            if day >= self.clock.today():
                task.reminders_sent.append(label)
                await self._record_task(task)
                await self.notify(
                    "task_reminder",
                    "staff",
                    recipient=task.assignee,
                    params={"task": task.title_zh, "task_en": task.title_en, "due": str(task.due_on), "when": label},
                )
        overdue = task.due_on + timedelta(days=1) if task.due_on else None
        if overdue is None or await self._task_settles_before(task, self.clock.until_time(overdue, OFFICE_OPENS)):
            return
        previous = task.assignee
        task.escalated = True
        task.assignee = await self._assign(task, exclude=(previous,) if previous else ())
        await self._record_task(task)
        await self.notify(
            "task_escalated",
            "supervisor",
            team_code=task.team_code,
            params={
                "task": task.title_zh,
                "task_en": task.title_en,
                "due": str(task.due_on),
                "previous": previous or "-",
                "assignee": task.assignee or "-",
            },
        )
        await self.event(
            "task_escalated",
            f"任务“{task.title_zh}”逾期未办，已上报主管并改派给{task.assignee or '待分配'}",
            f"Task '{task.title_en}' overdue: escalated to the supervisor and reassigned to {task.assignee or 'nobody yet'}",
            data={"task_id": task.task_id, "previous": previous, "assignee": task.assignee},
        )

    async def _task_settles_before(self, task: OpenTask, delay: Any) -> bool:
        if delay.total_seconds() > 0:
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: not task.is_open, timeout=delay)
        return not task.is_open

    @workflow.query(name="view")
    def view(self) -> WorkflowView:
        """Live state of this workflow: status, deadlines with explanations, open tasks."""
        return WorkflowView(
            workflow_id=self.kit.workflow_id,
            workflow_type=workflow.info().workflow_type,
            status=self.status,
            deadlines=tuple(DeadlineView(key=e.key, status=e.status, deadline=e.deadline) for e in self.kit.deadlines.values()),
            tasks=tuple(
                TaskView(
                    task_id=t.task_id,
                    kind=t.kind,
                    title_zh=t.title_zh,
                    title_en=t.title_en,
                    actions=t.actions,
                    due_on=t.due_on,
                    assignee=t.assignee,
                    status=t.status,
                )
                for t in self.kit.tasks.values()
            ),
        )
