"""Migrations build the schema on SQLite and PostgreSQL, and match the models exactly."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import infrastructure.tables  # noqa: F401
from domain.roles import Role
from infrastructure.db import Database
from services.accounts import AccountError, authenticate, create_user


async def test_models_and_migrations_agree(db: Database) -> None:
    def diff(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)

    async with db.engine.connect() as conn:
        changes = await conn.run_sync(diff)
    assert changes == [], f"models differ from migrations; add a migration: {changes}"


async def test_accounts_hash_passwords_and_lock_out(db: Database) -> None:
    user = await create_user(db, username="m1", role=Role.mediator, password="correct horse", display_name="M")
    assert user.password_hash.startswith("$argon2")
    assert (await authenticate(db, "m1", "correct horse")).user is not None
    for _ in range(5):
        assert (await authenticate(db, "m1", "wrong password")).user is None
    locked = await authenticate(db, "m1", "correct horse")
    assert locked.user is None and locked.locked
    with pytest.raises(AccountError, match="taken"):
        await create_user(db, username="m1", role=Role.admin, password="another one!", display_name="X")
