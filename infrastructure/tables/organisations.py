"""The agencies of the joint mechanism as data: organisations (each with its region and supervisor;
teams belong to one), the referrals between them (a projection the referral workflows keep), and
who may read a case besides its holders (a legal-aid lawyer sees only the cases assigned to them)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from infrastructure.tables._common import timestamp


class OrganisationBase(SQLModel):
    code: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=40, index=True)  # domain.organisations.OrgKind
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    region: str = Field(max_length=64, index=True)
    supervisor: str | None = Field(default=None, max_length=64)  # username of its head: receives escalations
    is_active: bool = True


class Organisation(OrganisationBase, table=True):
    __tablename__ = "organisation"

    created_at: datetime = timestamp()


class Referral(SQLModel, table=True):
    """A hand-over of a case between agencies, as both sides see it."""

    __tablename__ = "referral"

    id: int | None = Field(default=None, primary_key=True)
    referral_key: str = Field(max_length=160, unique=True)  # the referral workflow's id
    case_no: str = Field(max_length=20, index=True)
    kind: str = Field(max_length=40)  # domain.referrals.ReferralKind
    sender_team: str | None = Field(default=None, max_length=64, index=True)
    sender_name: str = Field(default="", max_length=200)
    receiver_team: str | None = Field(default=None, max_length=64, index=True)
    receiver_name: str = Field(default="", max_length=200)
    sent_on: date
    acknowledge_by: date | None = None
    status: str = Field(default="sent", max_length=20, index=True)  # sent, accepted, returned
    decided_on: date | None = None
    reason: str = Field(default="", max_length=1000)
    document_id: str | None = Field(default=None, max_length=36)
    updated_at: datetime = timestamp()


class CaseAccess(SQLModel, table=True):
    """A staff member given one case to read (a legal-aid lawyer, on assignment)."""

    __tablename__ = "case_access"
    __table_args__ = (UniqueConstraint("case_no", "username"),)

    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(max_length=20, index=True)
    username: str = Field(max_length=64, index=True)
    reason: str = Field(default="", max_length=200)
    granted_on: date
