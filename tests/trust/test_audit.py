"""The staff audit trail is append-only and hash-chained: any change is detected (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from infrastructure import audit
from infrastructure.db import Database


async def _fill(db: Database, n: int = 5) -> None:
    for i in range(n):
        await audit.record(db, actor="mediator", action="task.record_failure", object_type="task", object_id=f"t{i}",
                           before={"status": "open"}, after={"payload": {"reason": f"理由{i}"}})


async def test_chain_is_intact_and_concurrent_writers_never_fork(db: Database) -> None:
    await asyncio.gather(*[audit.record(db, actor=f"u{i}", action="case.view", object_type="case", object_id="LD-2026-000001")
                           for i in range(20)])
    result = await audit.verify(db)
    assert result.intact and result.entries == 20


async def test_updates_and_deletes_are_refused_by_the_database(db: Database) -> None:
    await _fill(db)
    for statement in ("UPDATE audit_entry SET actor = 'someone else' WHERE id = 2", "DELETE FROM audit_entry WHERE id = 3"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with db.engine.begin() as conn:
                await conn.execute(text(statement))


@pytest.mark.parametrize("tamper", ["UPDATE audit_entry SET after = '{\"payload\": {\"reason\": \"改了\"}}' WHERE id = 3",
                                    "DELETE FROM audit_entry WHERE id = 3"])
async def test_tampering_behind_the_triggers_is_detected(db: Database, tamper: str) -> None:
    await _fill(db)
    async with db.engine.begin() as conn:  # an attacker with database rights drops the guard first
        if db.engine.dialect.name == "postgresql":
            await conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change"))
        else:
            await conn.execute(text("DROP TRIGGER audit_entry_no_update"))
            await conn.execute(text("DROP TRIGGER audit_entry_no_delete"))
        await conn.execute(text(tamper))
    result = await audit.verify(db)
    assert not result.intact and result.broken_at in (3, 4)


def test_cli_reports_intact_and_broken(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'a.db'}"
    env = {"LABOURFLOW_DATABASE_URL": url, "LABOURFLOW_DATA_DIR": str(tmp_path)}

    async def prepare() -> None:
        from infrastructure.db import migrate_async

        await migrate_async(url)
        db = Database(url)
        await _fill(db, 3)
        await db.dispose()

    asyncio.run(prepare())
    ok = subprocess.run([sys.executable, "-m", "labourflow", "audit", "verify"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and "intact: 3 entries" in ok.stdout
    import sqlite3

    with sqlite3.connect(tmp_path / "a.db") as conn:
        conn.execute("DROP TRIGGER audit_entry_no_update")
        conn.execute("UPDATE audit_entry SET actor = 'x' WHERE id = 2")
    broken = subprocess.run([sys.executable, "-m", "labourflow", "audit", "verify"], env=env, capture_output=True, text=True)
    assert broken.returncode == 1 and "BROKEN at entry 2" in broken.stderr
