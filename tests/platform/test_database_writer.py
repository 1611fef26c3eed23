"""`Database.write`: a short transaction on a synchronous session, on a SQLite file in the process's
writer thread (its turn among the process's writers), on PostgreSQL in one of its writer threads (psycopg).
Every write lands under concurrency, a failure rolls back and frees the turn, and the caller's
context (request phases, trace) goes with it."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import text
from sqlmodel import Session

from infrastructure.db import Database, is_sqlite
from infrastructure.timing import collect, phase


def _bump(session: Session, year: int) -> int:
    serial = session.execute(
        text("INSERT INTO case_counter (year, last_serial) VALUES (:y, 1) "
             "ON CONFLICT (year) DO UPDATE SET last_serial = case_counter.last_serial + 1 RETURNING last_serial"),
        {"y": year},
    ).scalar_one()
    session.commit()
    return int(serial)


async def _serial(db: Database, year: int) -> int | None:
    async with db.session() as session:
        return (await session.execute(text("SELECT last_serial FROM case_counter WHERE year = :y"), {"y": year})).scalar()


async def test_concurrent_writes_all_land_once_each(db: Database) -> None:
    serials = await asyncio.gather(*(db.write(lambda s: _bump(s, 1901)) for _ in range(40)))
    # and mixed with the async sessions' writers of the same process
    async def through_a_session() -> None:
        async with db.write_session() as session:
            await session.execute(text("INSERT INTO case_counter (year, last_serial) VALUES (1902, 1) "
                                       "ON CONFLICT (year) DO UPDATE SET last_serial = case_counter.last_serial + 1"))
            await session.commit()

    await asyncio.gather(*(db.write(lambda s: _bump(s, 1902)) for _ in range(10)), *(through_a_session() for _ in range(10)))
    assert sorted(serials) == list(range(1, 41)), "each write got its own number: none lost, none repeated"
    assert await _serial(db, 1901) == 40 and await _serial(db, 1902) == 20


async def test_a_failed_write_rolls_back_and_the_next_one_runs(db: Database) -> None:
    def half_then_fail(session: Session) -> None:
        _bump_uncommitted(session, 1903)
        raise RuntimeError("refused half way")

    def _bump_uncommitted(session: Session, year: int) -> None:
        session.execute(text("INSERT INTO case_counter (year, last_serial) VALUES (:y, 7)"), {"y": year})

    with pytest.raises(RuntimeError, match="half way"):
        await db.write(half_then_fail)
    assert await _serial(db, 1903) is None, "the failed transaction was rolled back"
    assert await asyncio.wait_for(db.write(lambda s: _bump(s, 1903)), 5) == 1, "the turn was given back"


async def test_on_a_sqlite_file_writes_run_in_one_writer_thread_with_the_callers_context(db: Database) -> None:
    threads: set[str] = set()

    def where(session: Session) -> int:
        threads.add(threading.current_thread().name)
        with phase("inside"):  # the caller's request collector is visible in the thread
            return _bump(session, 1904)

    with collect() as phases:
        await asyncio.gather(*(db.write(where) for _ in range(5)))
    assert "inside" in phases
    if is_sqlite(db.url):  # one writer thread, in turns
        assert "write-queue" in phases
        assert len(threads) == 1 and threads.pop().startswith("sqlite-writer")
    else:  # PostgreSQL: writer threads, no turns (the database has row locks)
        assert "write-queue" not in phases
        assert threads and all(name.startswith("pg-writer") for name in threads), threads


async def test_on_sqlite_a_write_waits_for_another_process_and_gives_up_after_the_limit(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not is_sqlite(db.url):
        pytest.skip("SQLite's file lock only")
    import sqlite3

    import infrastructure.db as db_module

    other = sqlite3.connect(db.writer_engine.url.database, isolation_level=None, check_same_thread=False)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process's projection holding the write lock
        asyncio.get_running_loop().call_later(0.3, other.execute, "COMMIT")
        with collect() as phases:
            assert await db.write(lambda s: _bump(s, 1905)) == 1
        assert 0.25 <= phases["write-busy"] < 0.4, "it waited for the lock, and took it within a few ms of its release"

        monkeypatch.setattr(db_module, "WRITER_BUSY_TIMEOUT", 0.2)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(Exception, match="locked"):
            await db.write(lambda s: _bump(s, 1905))
        other.execute("ROLLBACK")
        assert await db.write(lambda s: _bump(s, 1905)) == 2, "nothing of the refused write was left"
    finally:
        other.close()
