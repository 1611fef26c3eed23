"""文号: gap-free and unique per series and year when issued concurrently; one per key."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from domain.documents import format_document_no
from infrastructure.db import Database
from infrastructure.documents.numbering import reserve_number
from infrastructure.tables import DocumentCounter


def _opinion_no(serial: int) -> str:
    return format_document_no("工监意", 2026, serial, "浦")


async def test_fifty_concurrent_issuers_get_fifty_consecutive_numbers(db: Database) -> None:
    reservations = await asyncio.gather(
        *(
            reserve_number(
                db,
                series="union-fed-1/opinion_notice",
                year=2026,
                idempotency_key=f"wf-{i}/opinion/1",
                document_no=_opinion_no,
            )
            for i in range(50)
        )
    )
    assert sorted(r.serial for r in reservations) == list(range(1, 51))
    assert len({r.document_no for r in reservations}) == 50
    assert {r.document_no for r in reservations} >= {
        "〔2026〕浦工监意字第1号",
        "〔2026〕浦工监意字第50号",
    }
    async with db.session() as session:
        counter = (await session.exec(select(DocumentCounter))).one()
    assert counter.last_serial == 50


async def test_a_retried_issuer_gets_its_own_number_again(db: Database) -> None:
    first = await reserve_number(
        db, series="s", year=2026, idempotency_key="wf-a/1", document_no=_opinion_no
    )
    again = await asyncio.gather(
        *(
            reserve_number(
                db, series="s", year=2026, idempotency_key="wf-a/1", document_no=_opinion_no
            )
            for _ in range(5)
        )
    )
    nxt = await reserve_number(
        db, series="s", year=2026, idempotency_key="wf-b/1", document_no=_opinion_no
    )
    assert {r.serial for r in again} == {first.serial} == {1}
    assert nxt.serial == 2  # the retries took no number


async def test_each_series_and_year_counts_from_one(db: Database) -> None:
    a = await reserve_number(
        db,
        series="union-fed-1/opinion_notice",
        year=2026,
        idempotency_key="k1",
        document_no=_opinion_no,
    )
    b = await reserve_number(
        db,
        series="union-fed-1/reminder_letter",
        year=2026,
        idempotency_key="k2",
        document_no=_opinion_no,
    )
    c = await reserve_number(
        db,
        series="union-fed-1/opinion_notice",
        year=2027,
        idempotency_key="k3",
        document_no=lambda n: format_document_no("工监意", 2027, n, "浦"),
    )
    assert (a.serial, b.serial, c.serial) == (1, 1, 1)
    assert c.document_no == "〔2027〕浦工监意字第1号"
