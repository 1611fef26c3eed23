"""Portable INSERT ... ON CONFLICT for SQLite and PostgreSQL: the tool that makes activities idempotent.

`upsert_sync` is for a synchronous session (a transaction run whole in a writer thread,
`Database.write`); `upsert` for an asynchronous one. Both run the same statement."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


def upsert_statement(dialect: str, model: type[SQLModel], *, key: Sequence[str], update: Sequence[str] = ()) -> Any:
    """Insert a row (the values come with the execution); on a conflict on `key`, update only
    `update` columns (or do nothing). Built once per table, dialect and columns: the statement's
    `excluded` alias alone made a column proxy per column on every call (py-spy, 2026-12-06)."""
    return _statement(dialect, model.__table__, tuple(key), tuple(update))  # type: ignore[attr-defined]


@lru_cache(maxsize=256)
def _statement(dialect: str, table: Any, key: tuple[str, ...], update: tuple[str, ...]) -> Any:
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    if update:
        return insert.on_conflict_do_update(index_elements=list(key), set_={column: insert.excluded[column] for column in update})
    return insert.on_conflict_do_nothing(index_elements=list(key))


def _dialect(session: Session | AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


async def upsert(
    session: AsyncSession,
    model: type[SQLModel],
    values: dict[str, Any],
    *,
    key: Sequence[str],
    update: Sequence[str] = (),
) -> int:
    """Insert `values`; on a conflict on `key`, update only `update` columns (or do nothing).
    Returns the rows written: 0 when the row existed and nothing was to be updated."""
    statement = upsert_statement(_dialect(session), model, key=key, update=update)
    result = await session.exec(statement, params=values)  # type: ignore[call-overload]
    return int(result.rowcount)


def upsert_sync(
    session: Session,
    model: type[SQLModel],
    values: dict[str, Any],
    *,
    key: Sequence[str],
    update: Sequence[str] = (),
) -> int:
    """`upsert` on a synchronous session."""
    statement = upsert_statement(_dialect(session), model, key=key, update=update)
    return int(session.exec(statement, params=values).rowcount)  # type: ignore[call-overload]
