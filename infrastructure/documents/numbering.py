"""Document numbers (文号): gap-free and unique per series and year, even when issued concurrently.

A number is reserved under the activity's idempotency key, in its own short transaction, before
the PDF is rendered: a retried activity (after a crash, a timeout, a lost result) finds its
reservation and prints the same number; no key ever gets two numbers and no number two keys.

Concurrency: the transaction's first statement is a write (insert the counter row if missing),
so SQLite takes its write lock before reading anything and waits on `busy_timeout` rather than
failing on a stale snapshot; PostgreSQL's `UPDATE ... RETURNING` row lock queues concurrent
issuers on the counter row. The reservation insert and the counter increment commit together.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from infrastructure.db import Database
from infrastructure.tables import DocumentCounter, DocumentNumber
from infrastructure.upsert import upsert


async def find_reservation(db: Database, idempotency_key: str) -> DocumentNumber | None:
    """The number already reserved for this idempotency key, if any."""
    async with db.session() as session:
        return await session.get(DocumentNumber, idempotency_key)


async def reserve_number(
    db: Database, *, series: str, year: int, idempotency_key: str, document_no: Callable[[int], str]
) -> DocumentNumber:
    """Reserve the next serial of (series, year) for a key, or return the key's reservation."""
    existing = await find_reservation(db, idempotency_key)
    if existing is not None:
        return existing
    async with db.write_session() as session:
        try:
            await upsert(
                session,
                DocumentCounter,
                {"series": series, "year": year, "last_serial": 0},
                key=("series", "year"),
            )
            statement = (
                update(DocumentCounter)
                .where(col(DocumentCounter.series) == series, col(DocumentCounter.year) == year)
                .values(last_serial=col(DocumentCounter.last_serial) + 1)
                .returning(col(DocumentCounter.last_serial))
            )
            serial = int((await session.exec(statement)).scalar_one())
            reservation = DocumentNumber(
                idempotency_key=idempotency_key,
                series=series,
                year=year,
                serial=serial,
                document_no=document_no(serial),
            )
            session.add(reservation)
            await session.commit()
            return reservation
        except IntegrityError:
            # The same key reserved concurrently (a retry racing its first attempt): the rollback
            # returns the serial to the counter, and the other attempt's reservation stands.
            await session.rollback()
    existing = await find_reservation(db, idempotency_key)
    if existing is None:
        raise RuntimeError("document number reservation conflicted but no reservation was found")
    return existing
