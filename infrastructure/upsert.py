"""Portable INSERT ... ON CONFLICT for SQLite and PostgreSQL: the tool that makes activities idempotent.

`upsert_sync` is for a synchronous session (a transaction run whole in a writer thread,
`Database.write`); `upsert` for an asynchronous one. Both run the same statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


def upsert_statement(
    dialect: str, model: type[SQLModel], values: dict[str, Any], *, key: Sequence[str], update: Sequence[str] = ()
) -> Any:
    """Insert `values`; on a conflict on `key`, update only `update` columns (or do nothing)."""
    table = model.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    statement = insert.values(**values)
    if update:
        return statement.on_conflict_do_update(
            index_elements=list(key), set_={column: statement.excluded[column] for column in update}
        )
    return statement.on_conflict_do_nothing(index_elements=list(key))


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
    statement = upsert_statement(_dialect(session), model, values, key=key, update=update)
    result = await session.exec(statement)  # type: ignore[call-overload]
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
    statement = upsert_statement(_dialect(session), model, values, key=key, update=update)
    return int(session.exec(statement).rowcount)  # type: ignore[call-overload]
