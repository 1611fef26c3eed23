"""Append-only, hash-chained audit log of staff actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from infrastructure.tables._common import json_column, timestamp


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = timestamp()
    actor: str = Field(max_length=64, index=True)
    action: str = Field(max_length=80)
    object_type: str = Field(max_length=40)
    object_id: str = Field(max_length=120, index=True)
    before: dict[str, Any] = json_column()
    after: dict[str, Any] = json_column()
    prev_hash: str = Field(max_length=64, unique=True)  # no two entries follow the same one: no forks
    entry_hash: str = Field(max_length=64, unique=True)
