"""Portable INSERT ... ON CONFLICT for SQLite and PostgreSQL: the tool that makes activities idempotent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


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
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    statement = insert.values(**values)
    if update:
        statement = statement.on_conflict_do_update(
            index_elements=list(key), set_={column: statement.excluded[column] for column in update}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(key))
    result = await session.exec(statement)  # type: ignore[call-overload]
    return int(result.rowcount)
