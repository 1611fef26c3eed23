"""Human tasks inside a workflow: created with a due date from the statutory clock, reminded 3 days
and 1 day before, escalated to the supervisor and reassigned when overdue; all recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.records import TaskRecord, TaskStatus

REMINDERS = (("3d", 3), ("1d", 1))  # label, days before the due date
# Reminders and escalations go out when offices open, never at midnight; escalating at 09:00 the day
# after the due date also leaves the owning workflow time to handle the expiry of the same deadline.
OFFICE_OPENS = time(9, 0)


@dataclass
class OpenTask:
    """A task as the owning workflow tracks it."""

    task_id: str
    kind: str
    title_zh: str
    title_en: str
    role: str
    actions: tuple[str, ...]
    team_code: str | None = None
    assignee: str | None = None
    due_on: date | None = None
    deadline_key: str | None = None
    deadline_rule: str | None = None
    status: TaskStatus = TaskStatus.open
    reminders_sent: list[str] = field(default_factory=list)
    escalated: bool = False
    outcome: str | None = None
    completed_by: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.status is TaskStatus.open

    def record(self, subject: str, workflow_id: str, region: str) -> TaskRecord:
        return TaskRecord(
            task_id=self.task_id,
            subject=subject,
            workflow_id=workflow_id,
            kind=self.kind,
            role=self.role,
            title_zh=self.title_zh,
            title_en=self.title_en,
            team_code=self.team_code,
            assignee=self.assignee,
            region=region,
            status=self.status,
            due_on=self.due_on,
            deadline_rule=self.deadline_rule,
            actions=self.actions,
            reminders_sent=tuple(self.reminders_sent),
            escalated=self.escalated,
            outcome=self.outcome,
            completed_by=self.completed_by,
            data=self.data,
        )


def reminder_days(due: date) -> list[tuple[str, date]]:
    """The days on which reminders go out for a task due on `due`."""
    return [(label, due - timedelta(days=days)) for label, days in REMINDERS]
