"""Union supervision: matters (one employer each) and the cases they concern, the rungs of the
ladder (projection of the matter workflow, read by the console and the statistics), the employer's
one-time reply links and attachments, suggestion dismissals, and bulk reminder-letter batches.

Employers are organisations: their names and credit codes are not personal data. Reply texts and
attachments may name people, so they are stored encrypted.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from infrastructure.tables._common import json_column, timestamp


class SupervisionCounter(SQLModel, table=True):
    """Next serial per kind ("matter", "batch") and year: gap-free SV-/BL- numbers."""

    __tablename__ = "supervision_counter"

    kind: str = Field(primary_key=True, max_length=10)
    year: int = Field(primary_key=True)
    last_serial: int = 0


class SupervisionMatter(SQLModel, table=True):
    """One supervision matter; the status columns are the workflow's projection."""

    __tablename__ = "supervision_matter"

    id: int | None = Field(default=None, primary_key=True)
    matter_no: str = Field(max_length=20, unique=True, index=True)
    workflow_id: str = Field(max_length=80)
    workflow_started: bool = Field(default=False, index=True)
    team_code: str = Field(max_length=64, index=True)
    region: str = Field(max_length=64, index=True)
    jurisdiction: str = Field(max_length=40)
    employer_name: str = Field(max_length=200)
    employer_uscc: str = Field(max_length=18, index=True)
    employer_address: str = Field(default="", max_length=300)
    employer_kind: str = Field(default="ordinary", max_length=20)
    platform_uscc: str | None = Field(default=None, max_length=18)
    origin: str = Field(max_length=20)
    origin_note: str = Field(default="", max_length=1000)
    opened_on: date = Field(index=True)
    opened_by: str = Field(max_length=64)
    start_input: dict[str, Any] = (
        json_column()
    )  # the workflow input, to start it when Temporal is back

    status: str = Field(default="open", max_length=10, index=True)  # open | closed
    phase: str = Field(default="investigate", max_length=30)
    rung: str | None = Field(default=None, max_length=30)
    outcome: str | None = Field(default=None, max_length=40)
    next_deadline_on: date | None = Field(default=None, index=True)
    next_deadline_rule: str | None = Field(default=None, max_length=8)
    awaiting_reply: bool = False
    reply_due_on: date | None = None
    closed_on: date | None = None
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class SupervisionCaseLink(SQLModel, table=True):
    """A dispute case a matter concerns (a case may be linked to one matter per employer)."""

    __tablename__ = "supervision_case_link"
    __table_args__ = (UniqueConstraint("matter_no", "case_no"),)

    id: int | None = Field(default=None, primary_key=True)
    matter_no: str = Field(foreign_key="supervision_matter.matter_no", max_length=20, index=True)
    case_no: str = Field(max_length=20, index=True)


class SupervisionRung(SQLModel, table=True):
    """One rung the matter entered: notice number, approval, service, reply (projection)."""

    __tablename__ = "supervision_rung"
    __table_args__ = (UniqueConstraint("matter_no", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    matter_no: str = Field(max_length=20, index=True)
    seq: int
    team_code: str = Field(max_length=64, index=True)
    region: str = Field(max_length=64, index=True)
    rung: str = Field(max_length=30, index=True)
    trigger: str = Field(default="staff", max_length=20)
    direct: bool = False
    reason: str = Field(default="", max_length=1000)
    drafted_by: str = Field(default="", max_length=64)
    approved_by: str = Field(default="", max_length=64)
    document_id: str | None = Field(default=None, max_length=36)
    document_no: str | None = Field(default=None, max_length=60)
    addressee: str = Field(default="", max_length=200)
    issued_on: date | None = Field(default=None, index=True)
    served_on: date | None = None
    service_method: str | None = Field(default=None, max_length=20)
    reply_rule: str | None = Field(default=None, max_length=8)
    reply_due_on: date | None = None
    replied_on: date | None = None
    reply_kind: str | None = Field(default=None, max_length=20)
    reply_source: str | None = Field(default=None, max_length=10)
    reply_accepted: bool | None = None
    updated_at: datetime = timestamp()


class SupervisionReplyLink(SQLModel, table=True):
    """The employer's one-time link to reply to one notice: only the token's keyed hash is kept."""

    __tablename__ = "supervision_reply_link"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    matter_no: str = Field(max_length=20, index=True)
    document_id: str = Field(max_length=36, index=True)
    expires_on: date | None = None  # the reply deadline; None: until the matter moves on
    created_by: str = Field(max_length=64)
    created_at: datetime = timestamp()
    revoked: bool = False
    used_at: datetime | None = timestamp(nullable=True, default_now=False)


class SupervisionAttachment(SQLModel, table=True):
    """A file the employer sent with a reply, stored encrypted on disk (never in Temporal)."""

    __tablename__ = "supervision_attachment"

    id: str = Field(primary_key=True, max_length=36)
    matter_no: str = Field(max_length=20, index=True)
    document_id: str = Field(max_length=36)
    filename_enc: str
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    created_at: datetime = timestamp()


class SupervisionDismissal(SQLModel, table=True):
    """Staff decided a suggestion needs no matter: its cases are not suggested again."""

    __tablename__ = "supervision_dismissal"

    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(max_length=20, unique=True)
    reason: str = Field(max_length=500)
    dismissed_by: str = Field(max_length=64)
    created_at: datetime = timestamp()


class SupervisionBatch(SQLModel, table=True):
    """A bulk reminder-letter batch: what the letters say, and how far issuing has come."""

    __tablename__ = "supervision_batch"

    batch_no: str = Field(primary_key=True, max_length=20)
    workflow_id: str = Field(max_length=80)
    team_code: str = Field(max_length=64, index=True)
    region: str = Field(max_length=64, index=True)
    topic: str = Field(max_length=100)
    content: dict[str, Any] = json_column()
    issued_on: date
    created_by: str = Field(max_length=64)
    total: int
    issued: int = 0
    failed: int = 0
    status: str = Field(default="running", max_length=10, index=True)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class SupervisionBatchLetter(SQLModel, table=True):
    """One employer row of a batch and its letter once issued."""

    __tablename__ = "supervision_batch_letter"
    __table_args__ = (UniqueConstraint("batch_no", "line"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_no: str = Field(foreign_key="supervision_batch.batch_no", max_length=20, index=True)
    line: int
    employer_name: str = Field(max_length=200)
    employer_uscc: str = Field(max_length=18, index=True)
    employer_address: str = Field(default="", max_length=300)
    status: str = Field(default="pending", max_length=10, index=True)  # pending | issued | failed
    document_id: str | None = Field(default=None, max_length=36)
    document_no: str | None = Field(default=None, max_length=60)
    error: str | None = Field(default=None, max_length=500)
    issued_at: datetime | None = timestamp(nullable=True, default_now=False)
