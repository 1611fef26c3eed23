"""Cases: the intake record the API commits first, the case projection the activities keep, claims,
evidence references, and the counter that gives gap-free case numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from infrastructure.tables._common import json_column, money, timestamp


class CaseCounter(SQLModel, table=True):
    """Next serial per year for LD-YYYY-NNNNNN numbers (row-locked when allocating)."""

    __tablename__ = "case_counter"

    year: int = Field(primary_key=True)
    last_serial: int = 0


class Case(SQLModel, table=True):
    """One labour dispute. Personal data only in *_enc columns (AES-GCM) and keyed hashes."""

    __tablename__ = "dispute_case"

    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(max_length=20, unique=True, index=True)
    workflow_id: str = Field(max_length=80)
    workflow_started: bool = Field(default=False, index=True)
    access_code_hash: str = Field(max_length=255)
    access_failures: int = 0
    access_locked_until: datetime | None = timestamp(nullable=True, default_now=False)

    category: str = Field(max_length=40, index=True)
    stage: str = Field(default="intake", max_length=40, index=True)
    channel: str | None = Field(default=None, max_length=40, index=True)
    region: str = Field(default="default", max_length=64, index=True)
    jurisdiction: str = Field(default="national", max_length=40)
    team_code: str | None = Field(default=None, max_length=64, index=True)
    worker_count: int = 1
    collective: bool = False
    employer_name: str = Field(max_length=200, index=True)
    employer_uscc: str | None = Field(default=None, max_length=18, index=True)
    knew_on: date
    filed_on: date = Field(index=True)
    total_claimed: Decimal | None = money()
    limitation_warning: bool = False
    next_deadline_on: date | None = Field(default=None, index=True)
    next_deadline_rule: str | None = Field(default=None, max_length=8)
    closed_on: date | None = None
    closing_state: str | None = Field(default=None, max_length=40)
    holder_team: str | None = Field(default=None, max_length=64)  # who holds the case now
    holder_name: str = Field(default="", max_length=200)
    holder_since: date | None = None
    guidance_zh: str = Field(default="", max_length=2000)
    guidance_en: str = Field(default="", max_length=2000)
    worker_options: list[dict[str, Any]] = json_column(list)

    worker_name_enc: str
    worker_id_enc: str | None = None
    worker_id_hash: str | None = Field(default=None, max_length=64, index=True)
    worker_phone_enc: str | None = None
    intake_enc: str  # the whole intake (facts, representatives, description), encrypted
    pending_start_enc: str | None = None  # what the workflow start needs beyond the row; cleared once started
    facts: dict[str, Any] = json_column()  # CaseFacts without personal data

    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class CaseClaim(SQLModel, table=True):
    __tablename__ = "case_claim"
    __table_args__ = (UniqueConstraint("case_no", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(foreign_key="dispute_case.case_no", max_length=20, index=True)
    seq: int
    kind: str = Field(max_length=40)
    amount: Decimal | None = money()
    months: int | None = None
    description: str = Field(default="", max_length=500)


class IdempotencyKey(SQLModel, table=True):
    """An intake's Idempotency-Key (or form token): the same key always yields the same case."""

    __tablename__ = "idempotency_key"

    key: str = Field(primary_key=True, max_length=128)
    request_hash: str = Field(max_length=64)
    case_no: str = Field(max_length=20)
    access_code_enc: str  # kept so a retried request can be answered with the same code
    created_at: datetime = timestamp()


class CaseStageVisit(SQLModel, table=True):
    """When a case entered and left each stage (for the dashboard's median days per stage)."""

    __tablename__ = "case_stage_visit"

    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(foreign_key="dispute_case.case_no", max_length=20, index=True)
    stage: str = Field(max_length=40, index=True)
    entered_at: datetime = timestamp()
    left_at: datetime | None = timestamp(nullable=True, default_now=False)


class Evidence(SQLModel, table=True):
    """An uploaded evidence file, stored outside Temporal (encrypted on disk); only its id travels."""

    __tablename__ = "evidence"

    id: str = Field(primary_key=True, max_length=36)
    case_no: str = Field(foreign_key="dispute_case.case_no", max_length=20, index=True)
    filename_enc: str
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    description: str = Field(default="", max_length=300)
    uploaded_by: str = Field(default="worker", max_length=64)
    created_at: datetime = timestamp()
