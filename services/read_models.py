"""The base of the services' read models, and the one paging convention of every list: `page` (1-based) and `per_page` in, one page of items
with the total out. A page past the end is an empty list with the same totals, so a client reads
pages until `page == pages`.

Lists that can grow without bound (cases, tasks, users, the outbox) are paged in the database, with
one COUNT; lists that are small by nature and already sorted in Python (a case's documents, a
union's matters, suggestions) are sliced after sorting (`page_of`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

T = TypeVar("T")
PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 100_000  # a bound for validation, far beyond any real list


class ReadModel(BaseModel):
    """What a read answers. Its schema is the serialised form (every field present, None where
    empty), so a generated client sees the same model for the pages and the JSON API."""

    model_config = ConfigDict(json_schema_mode_override="serialization")


@dataclass(frozen=True)
class PageRequest:
    """Which page of a list is asked for."""

    page: int = 1
    per_page: int = PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


class Page(BaseModel, Generic[T]):
    """One page of a list and where it sits in the whole."""

    items: list[T] = Field(description="this page's items, in the list's order")
    total: int = Field(ge=0, description="items in the whole list")
    page: int = Field(ge=1, description="the page returned, 1-based")
    per_page: int = Field(ge=1, description="items per page")
    pages: int = Field(ge=1, description="how many pages the list has (at least 1)")


def aware(moment: datetime) -> datetime:
    """A stored timestamp with its zone (SQLite hands them back naive; they are UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def page_count(total: int, per_page: int) -> int:
    """Pages needed for `total` items (at least 1, so an empty list has one empty page)."""
    return max(1, -(-total // per_page))


def page_fields(total: int, paging: PageRequest) -> dict[str, int]:
    """The page's place in the whole, for `Page(items=..., **page_fields(...))`."""
    return {"total": total, "page": paging.page, "per_page": paging.per_page, "pages": page_count(total, paging.per_page)}


def page_of(items: Sequence[T], paging: PageRequest) -> dict[str, Any]:
    """One page of an already sorted list held in memory, as the fields of a `Page`."""
    return {"items": list(items[paging.offset : paging.offset + paging.per_page]), **page_fields(len(items), paging)}


async def paged_rows(session: AsyncSession, query: Any, paging: PageRequest) -> tuple[list[Any], int]:
    """One page of an ordered query's rows and the count of all its rows (two statements)."""
    total = (await session.exec(select(func.count()).select_from(query.order_by(None).subquery()))).one()
    rows = (await session.exec(query.offset(paging.offset).limit(paging.per_page))).all()
    return list(rows), int(total)
