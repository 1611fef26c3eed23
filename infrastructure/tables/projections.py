"""Projections of workflow state written by idempotent activities: timeline events and deadlines.

`subject` is `case:LD-2026-000123` or `matter:SV-2026-000007`. Each row has a natural key that makes
a repeated activity a no-op (run twice, one row)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from infrastructure.tables._common import json_column, timestamp


class TimelineEvent(SQLModel, table=True):
    __tablename__ = "timeline_event"
    __table_args__ = (UniqueConstraint("subject", "event_key"),)

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=40, index=True)
    event_key: str = Field(max_length=120)
    occurred_at: datetime = timestamp()
    on_date: date
    actor: str = Field(max_length=100)
    kind: str = Field(max_length=60, index=True)
    summary_zh: str = Field(max_length=1000)
    summary_en: str = Field(max_length=1000)
    citation: str | None = Field(default=None, max_length=200)
    data: dict[str, Any] = json_column()


class Deadline(SQLModel, table=True):
    """A statutory deadline of a case or matter, with its full explanation."""

    __tablename__ = "deadline"
    __table_args__ = (UniqueConstraint("subject", "deadline_key"),)

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=40, index=True)
    deadline_key: str = Field(max_length=80)
    workflow_id: str = Field(max_length=120)
    rule_id: str = Field(max_length=8, index=True)
    start_on: date
    due_on: date = Field(index=True)
    status: str = Field(default="pending", max_length=20, index=True)  # pending|met|missed|cancelled
    provisional: bool = Field(default=False, index=True)
    explanation: dict[str, Any] = json_column()
    updated_at: datetime = timestamp()
