"""Payloads that workflows hand to projection activities: timeline events, deadlines, tasks, status.

Each carries a natural key (`event_key`, `deadline_key`, `task_id`) so that an activity run twice
writes one row. Subjects are `case:<case_no>` or `matter:<matter_no>`.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def case_subject(case_no: str) -> str:
    return f"case:{case_no}"


def matter_subject(matter_no: str) -> str:
    return f"matter:{matter_no}"


class TimelineEventRecord(BaseModel):
    """Something that happened: who, what, when, under which article."""

    model_config = ConfigDict(frozen=True)

    subject: str
    event_key: str
    on_date: date
    actor: str
    kind: str
    summary_zh: str
    summary_en: str
    citation: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class DeadlineStatus(StrEnum):
    pending = "pending"
    met = "met"
    missed = "missed"
    cancelled = "cancelled"


class DeadlineRecord(BaseModel):
    """A statutory deadline with its explanation (the statutory clock's output, as a dict)."""

    model_config = ConfigDict(frozen=True)

    subject: str
    deadline_key: str
    workflow_id: str
    rule_id: str
    start_on: date
    due_on: date
    status: DeadlineStatus = DeadlineStatus.pending
    provisional: bool = False
    explanation: dict[str, Any] = Field(default_factory=dict)


class TaskStatus(StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class TaskRecord(BaseModel):
    """A human task as the inbox shows it."""

    model_config = ConfigDict(frozen=True)

    task_id: str
    subject: str
    workflow_id: str
    kind: str
    role: str
    title_zh: str
    title_en: str
    team_code: str | None = None
    assignee: str | None = None
    region: str = "default"
    status: TaskStatus = TaskStatus.open
    due_on: date | None = None
    deadline_rule: str | None = None
    actions: tuple[str, ...] = ()
    reminders_sent: tuple[str, ...] = ()
    escalated: bool = False
    outcome: str | None = None
    completed_by: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class CaseStatusRecord(BaseModel):
    """The case row's summary fields, as the workflow sees them now."""

    model_config = ConfigDict(frozen=True)

    case_no: str
    stage: str
    channel: str | None = None
    team_code: str | None = None
    limitation_warning: bool = False
    next_deadline_on: date | None = None
    next_deadline_rule: str | None = None
    closed_on: date | None = None
    closing_state: str | None = None
    guidance_zh: str = ""
    guidance_en: str = ""
    worker_options: tuple[dict[str, Any], ...] = ()
    holder_team: str | None = None  # the team of the agency holding the case now
    holder_name: str = ""
    holder_since: date | None = None


class NotificationRequest(BaseModel):
    """Put a message in the outbox once per (subject, event, recipient)."""

    model_config = ConfigDict(frozen=True)

    subject: str
    event_key: str
    template: str  # templates/messages/<template>.txt (zh and en sections)
    recipient_kind: str  # worker | staff | supervisor | employer
    recipient: str | None = None  # staff username; None for the case's worker
    team_code: str | None = None  # for recipient_kind=supervisor: the team's supervisors
    params: dict[str, Any] = Field(default_factory=dict)


class AssignmentRequest(BaseModel):
    """Choose a staff member for a task: same role and team (or region), fewest open tasks."""

    model_config = ConfigDict(frozen=True)

    role: str
    team_code: str | None = None
    region: str = "default"
    exclude: tuple[str, ...] = ()


class CaseAccessGrant(BaseModel):
    """One staff member may read one case (a legal-aid lawyer assigned to it)."""

    model_config = ConfigDict(frozen=True)

    case_no: str
    username: str
    reason: str = ""
    granted_on: date
