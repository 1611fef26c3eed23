""""This case's workflow is started", recorded on the case row (`workflow_started`, and the access
code kept for the start forgotten: `pending_start_enc`).

The marks are group-committed: those that arrive while one transaction runs go together in the
next, so under a burst of intake a request's write turns go from two to about one.

An intake does not wait for its mark (`mark_soon`): the start itself is what the worker was promised,
and a lost mark costs nothing. If the process stops before the mark is committed, the case is still
"waiting for Temporal" in the database, with its start input kept, and `services.intake.start_pending`
starts it again, which finds the running workflow (the start's ID conflict policy is USE_EXISTING) and
marks it. Until the mark is committed, this process answers `workflow_started` from the marks it holds
(`started_here`), so a caller who reads the case right after filing it sees it started (README,
"Performance")."""

from __future__ import annotations

import asyncio
import functools
import weakref
from datetime import UTC, datetime
from typing import cast

import structlog
from sqlalchemy import Table, update
from sqlmodel import Session

from infrastructure.db import Database
from infrastructure.tables import Case

log = structlog.get_logger("services.started_marks")
CASES = cast(Table, Case.__table__)  # type: ignore[attr-defined]


def _mark_started(session: Session, case_numbers: list[str]) -> None:
    session.connection().execute(
        update(CASES)
        .where(CASES.c.case_no.in_(case_numbers))
        .values(workflow_started=True, pending_start_enc=None, updated_at=datetime.now(UTC))
    )
    session.commit()


class StartedMarks:
    """The marks of one database: each caller of `mark` waits until its mark is committed, as with a
    transaction of its own; `mark_soon` does not wait. One mark alone gets its own transaction at once."""

    def __init__(self) -> None:
        # No reference to the database is kept between groups: `_MARKS` is keyed by it, weakly.
        self.waiting: list[tuple[str, asyncio.Future[None]]] = []
        self.flushing: asyncio.Task[None] | None = None
        self.unsaved: set[str] = set()  # marked here, not committed yet

    def _queue(self, db: Database, case_no: str) -> asyncio.Future[None]:
        done = asyncio.get_running_loop().create_future()
        self.waiting.append((case_no, done))
        self.unsaved.add(case_no)
        if self.flushing is None or self.flushing.done():
            self.flushing = asyncio.create_task(self._flush(db))
        return done

    async def mark(self, db: Database, case_no: str) -> None:
        """Mark and wait until the mark is committed (its failure is raised here)."""
        await self._queue(db, case_no)

    def mark_soon(self, db: Database, case_no: str) -> None:
        """Mark without waiting; a failure is logged, and `start_pending` will mark the case later."""
        self._queue(db, case_no).add_done_callback(functools.partial(_log_failure, case_no))

    async def drain(self) -> None:
        """Wait until every mark made so far is written (or has failed)."""
        while self.flushing is not None and not self.flushing.done():
            await asyncio.shield(self.flushing)

    async def _flush(self, db: Database) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting, []
            numbers = [case_no for case_no, _ in batch]
            try:
                await db.write(functools.partial(_mark_started, case_numbers=numbers))
            except Exception as exc:  # each caller gets the failure, as with its own transaction
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
            finally:
                self.unsaved.difference_update(numbers)


def _log_failure(case_no: str, done: asyncio.Future[None]) -> None:
    if not done.cancelled() and (error := done.exception()) is not None:
        log.warning("could not record the started workflow; it will be marked when the pending starts are retried",
                    case_no=case_no, error=str(error))


_MARKS: weakref.WeakKeyDictionary[Database, StartedMarks] = weakref.WeakKeyDictionary()


def started_marks(db: Database) -> StartedMarks:
    """The marks of `db` in this process."""
    marks = _MARKS.get(db)
    if marks is None:
        marks = _MARKS[db] = StartedMarks()
    return marks


def started_here(db: Database, case_no: str) -> bool:
    """Whether this process has started the case's workflow and not yet committed the mark."""
    marks = _MARKS.get(db)
    return marks is not None and case_no in marks.unsaved


async def drain(db: Database) -> None:
    """Write the marks still held (at shutdown)."""
    if (marks := _MARKS.get(db)) is not None:
        await marks.drain()
