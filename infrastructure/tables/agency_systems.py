"""Agencies' own systems: a service account per system (OAuth2 client credentials, scopes, the
webhook it receives events at and where its delivery stands), the organisation's event log they
read, and the answers already given to an Idempotency-Key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from infrastructure.tables._common import json_column, timestamp


class AgencySystem(SQLModel, table=True):
    """One agency system: acts as its organisation's team through the API, receives its events."""

    __tablename__ = "agency_system"

    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(max_length=40, unique=True, index=True)
    organisation_code: str = Field(foreign_key="organisation.code", max_length=64, index=True)
    name: str = Field(max_length=200)
    scopes: list[str] = json_column(list)
    secret_hash: str = Field(max_length=64)  # SHA-256 of the client secret; the secret is shown once
    webhook_url: str | None = Field(default=None, max_length=500)
    webhook_secret_enc: str  # whsec_..., encrypted: it signs every delivery, so it must be readable
    # After a rotation the old signing secret signs too, until then (receivers switch without a gap).
    previous_webhook_secret_enc: str | None = None
    previous_secret_until: datetime | None = timestamp(nullable=True, default_now=False)
    is_active: bool = True
    created_by: str = Field(default="", max_length=64)
    created_at: datetime = timestamp()
    rotated_at: datetime | None = timestamp(nullable=True, default_now=False)
    revoked_at: datetime | None = timestamp(nullable=True, default_now=False)
    # Webhook delivery: events up to `delivered_seq` have been answered 2xx, in order.
    delivered_seq: int = 0
    last_delivered_at: datetime | None = timestamp(nullable=True, default_now=False)
    failures: int = 0  # consecutive failed attempts of the next event
    next_attempt_at: datetime | None = timestamp(nullable=True, default_now=False)
    last_error: str = Field(default="", max_length=300)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = timestamp(nullable=True, default_now=False)


class AgencyEvent(SQLModel, table=True):
    """Append-only: what happened for one organisation, numbered 1, 2, 3... per organisation."""

    __tablename__ = "agency_event"
    __table_args__ = (UniqueConstraint("organisation_code", "seq"), UniqueConstraint("organisation_code", "event_key"))

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=40, unique=True)  # evt_..., what receivers de-duplicate on
    organisation_code: str = Field(max_length=64, index=True)
    seq: int
    event_key: str = Field(max_length=200)  # what happened, once: a retried activity writes no second event
    type: str = Field(max_length=60)
    subject: str = Field(max_length=40)
    data: dict[str, Any] = json_column()
    occurred_at: datetime = timestamp()


class AgencyEventCounter(SQLModel, table=True):
    """The last sequence number given per organisation (the row lock serialises writers)."""

    __tablename__ = "agency_event_counter"

    organisation_code: str = Field(primary_key=True, max_length=64)
    last_seq: int = 0


class AgencyActionReceipt(SQLModel, table=True):
    """An agency system's action already done under an Idempotency-Key: a retry gets this answer."""

    __tablename__ = "agency_action_receipt"
    __table_args__ = (UniqueConstraint("system_id", "idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    system_id: int = Field(foreign_key="agency_system.id", index=True)
    idempotency_key: str = Field(max_length=128)
    request_hash: str = Field(max_length=64)
    result: dict[str, Any] = json_column()
    created_at: datetime = timestamp()
