"""Column helpers shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Numeric
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp(*, nullable: bool = False, index: bool = False, default_now: bool = True) -> Any:
    """A timezone-aware timestamp column."""
    kwargs: dict[str, Any] = {"sa_type": DateTime(timezone=True), "nullable": nullable, "index": index}
    if default_now:
        kwargs["default_factory"] = utcnow
    else:
        kwargs["default"] = None
    return Field(**kwargs)


def json_column(default_factory: Any = dict) -> Any:
    return Field(default_factory=default_factory, sa_type=JSON)


def money(*, nullable: bool = True) -> Any:
    """Exact yuan amounts (14 digits, 2 decimals): never floats."""
    return Field(default=None, sa_type=Numeric(14, 2), nullable=nullable)
