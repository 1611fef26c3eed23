"""Stored files (the database backend of `infrastructure.storage`): one row per key, the bytes as
given (callers encrypt before storing)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary
from sqlmodel import Field, SQLModel

from infrastructure.tables._common import timestamp


class Blob(SQLModel, table=True):
    """One stored object: `evidence/ab/<id>.bin`, `calendar/2027.json`, ..."""

    __tablename__ = "blob"

    key: str = Field(primary_key=True, max_length=400)
    area: str = Field(max_length=40, index=True)  # the key's first segment, so a listing reads one area only
    data: bytes = Field(sa_type=LargeBinary)
    size: int
    created_at: datetime = timestamp()
