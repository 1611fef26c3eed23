"""The parties of a case: every respondent the worker named (identity in clear, contact encrypted),
and the one-time links through which a respondent answers and is served (only keyed hashes kept)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from infrastructure.tables._common import json_column, timestamp


class CaseRespondent(SQLModel, table=True):
    """One respondent of a case, in the order the worker named them (seq 1: the `employer` field)."""

    __tablename__ = "case_respondent"
    __table_args__ = (UniqueConstraint("case_no", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(foreign_key="dispute_case.case_no", max_length=20, index=True)
    seq: int
    role: str = Field(max_length=20, index=True)
    name: str = Field(max_length=200, index=True)
    uscc: str | None = Field(default=None, max_length=18, index=True)
    address: str = Field(default="", max_length=300)
    contact_enc: str | None = None  # mobile or e-mail, encrypted
    electronic_service: bool = False  # agreed to be served through its link (Civil Procedure Law Art. 90)
    answer: str | None = Field(default=None, max_length=20)  # agreed | refused (to mediate)
    answered_at: datetime | None = timestamp(nullable=True, default_now=False)
    proposed_times: list[Any] = json_column(list)
    served_documents: dict[str, Any] = json_column(dict)  # document id -> when it reached the respondent (its link)


class RespondentLink(SQLModel, table=True):
    """A respondent's one-time link to its notice: what it reaches, until when, when it was opened."""

    __tablename__ = "respondent_link"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    case_no: str = Field(max_length=20, index=True)
    seq: int
    workflow_id: str = Field(max_length=120)  # the workflow that takes the respondent's answer
    invitation_key: str = Field(max_length=200, unique=True)  # one link per respondent and invitation (activity retries)
    purpose: str = Field(max_length=30)  # mediation_invitation | service
    document_id: str | None = Field(default=None, max_length=36)
    expires_on: date | None = None
    created_at: datetime = timestamp()
    revoked: bool = False
    opened_at: datetime | None = timestamp(nullable=True, default_now=False)  # first opened: the time of service
    used_at: datetime | None = timestamp(nullable=True, default_now=False)  # its one-time act was done


class SittingRow(SQLModel, table=True):
    """A mediation session or hearing on the calendar (projection of the workflow that set it)."""

    __tablename__ = "sitting"
    __table_args__ = (UniqueConstraint("case_no", "kind", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(max_length=20, index=True)
    workflow_id: str = Field(max_length=120)
    kind: str = Field(max_length=30)
    number: int
    starts_at: datetime = timestamp(index=True, default_now=False)
    ends_at: datetime = timestamp(default_now=False)
    place: str = Field(default="", max_length=200)
    online_link: str = Field(default="", max_length=300)
    summoned: list[Any] = json_column(list)
    organisation: str = Field(default="", max_length=200)
    team_code: str | None = Field(default=None, max_length=64, index=True)
    convened_by: str | None = Field(default=None, max_length=64, index=True)
    status: str = Field(default="scheduled", max_length=20)
    version: int = 1
    reason: str = Field(default="", max_length=500)
    attendance: dict[str, Any] = json_column(dict)
    updated_at: datetime = timestamp()


class CaseAgent(SQLModel, table=True):
    """An agent the worker authorised for one case: its own access code (keyed hash), the acts it may take."""

    __tablename__ = "case_agent"

    id: int | None = Field(default=None, primary_key=True)
    agent_no: str = Field(max_length=16, unique=True)
    case_no: str = Field(foreign_key="dispute_case.case_no", max_length=20, index=True)
    kind: str = Field(max_length=20)
    name_enc: str
    mobile_enc: str
    powers: list[Any] = json_column(list)
    special: bool = False
    code_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp()
    revoked_at: datetime | None = timestamp(nullable=True, default_now=False)
