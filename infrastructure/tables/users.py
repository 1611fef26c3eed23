"""Staff accounts and the teams that own work (mediation centres, unions, agencies)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from domain.roles import Role as Role  # the column holds a Role value
from infrastructure.tables._common import timestamp


class TeamKind(StrEnum):
    union_mediation = "union_mediation"
    enterprise_committee = "enterprise_committee"
    peoples_mediation = "peoples_mediation"
    court = "court"
    arbitration = "arbitration"
    union_federation = "union_federation"
    inspection = "inspection"
    legal_aid = "legal_aid"
    procuratorate = "procuratorate"


class TeamBase(SQLModel):
    code: str = Field(primary_key=True, max_length=64)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    kind: str = Field(max_length=40, index=True)
    region: str = Field(max_length=64, index=True)
    organisation_code: str | None = Field(default=None, foreign_key="organisation.code", max_length=64, index=True)


class Team(TeamBase, table=True):
    __tablename__ = "team"


class UserBase(SQLModel):
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=100)
    role: str = Field(max_length=32, index=True)
    team_code: str | None = Field(default=None, foreign_key="team.code", max_length=64, index=True)
    region: str = Field(default="default", max_length=64)
    is_active: bool = True


class User(UserBase, table=True):
    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    failed_logins: int = 0
    locked_until: datetime | None = timestamp(nullable=True, default_now=False)
    created_at: datetime = timestamp()


class UserPublic(UserBase):
    id: int
