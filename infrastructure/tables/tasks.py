"""Human tasks (projection of workflow state) and the notification outbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Field, SQLModel

from infrastructure.tables._common import json_column, timestamp


class Task(SQLModel, table=True):
    """A task a person must do; acted on through a Workflow Update on `workflow_id`."""

    __tablename__ = "human_task"

    task_id: str = Field(primary_key=True, max_length=120)
    subject: str = Field(max_length=40, index=True)
    workflow_id: str = Field(max_length=120)
    kind: str = Field(max_length=60, index=True)
    role: str = Field(max_length=32, index=True)
    team_code: str | None = Field(default=None, max_length=64, index=True)
    assignee: str | None = Field(default=None, max_length=64, index=True)
    region: str = Field(default="default", max_length=64)
    status: str = Field(default="open", max_length=20, index=True)  # open|done|cancelled
    due_on: date | None = Field(default=None, index=True)
    deadline_rule: str | None = Field(default=None, max_length=8)
    title_zh: str = Field(max_length=300)
    title_en: str = Field(max_length=300)
    actions: list[str] = json_column(list)
    reminders_sent: list[str] = json_column(list)
    escalated: bool = False
    outcome: str | None = Field(default=None, max_length=60)
    completed_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    data: dict[str, Any] = json_column()


class Notification(SQLModel, table=True):
    """Outbox: one row per (subject, event, recipient); a dispatcher claims it, sends it, marks it sent."""

    __tablename__ = "notification"

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=200, unique=True)
    subject: str = Field(max_length=40, index=True)
    channel: str = Field(max_length=10)  # sms|email|inbox
    recipient_kind: str = Field(max_length=20)  # worker|staff|employer
    recipient_enc: str  # phone, e-mail or username, encrypted
    template: str = Field(max_length=80)
    body_zh: str = Field(max_length=2000)
    body_en: str = Field(max_length=2000)
    status: str = Field(default="pending", max_length=20, index=True)  # pending|sending|sent|failed
    attempts: int = 0  # claims so far (a claim counts even if its dispatcher dies before the answer)
    created_at: datetime = timestamp()
    sent_at: datetime | None = timestamp(nullable=True, default_now=False)
    # While `sending`: which dispatcher holds the row and until when; after that another may take it.
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = timestamp(nullable=True, default_now=False)
    # A one-time link the bodies name as {link}: encrypted, put in at sending, dropped once sent.
    secret_enc: str | None = None
    # A file sent with an e-mail (a calendar invitation): name, media type and text.
    attachment_name: str | None = Field(default=None, max_length=100)
    attachment_type: str | None = Field(default=None, max_length=60)
    attachment_text: str | None = None
