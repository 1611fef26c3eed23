"""Batches for the bulk-letter tests: N valid employers committed through the real service code,
and checks that the letters are numbered 1..N with no gap and no duplicate."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, func, select

from domain.bulk_letters import holiday_wages_content, parse_employers_csv
from domain.documents import format_document_no
from infrastructure.db import Database
from infrastructure.tables import (
    DocumentCounter,
    DocumentNumber,
    StoredDocument,
    SupervisionBatchLetter,
)
from services.supervision.batches import create_batch
from services.supervision.matters import Opener
from tests.stories import uscc

OPENER = Opener(username="union", team_code="union-fed-1", region="shanghai-pudong")
SERIES = "union-fed-1/reminder_letter"


def employers_csv(count: int) -> bytes:
    rows = [
        f"上海第{i}服装有限公司,{uscc(f'91310115MA1P{i:05d}')},浦东新区第{i}号"
        for i in range(1, count + 1)
    ]
    return ("单位名称,统一社会信用代码,地址\n" + "\n".join(rows) + "\n").encode()


async def new_batch(db: Database, count: int, issued_on: date = date(2026, 12, 20)) -> str:
    report = parse_employers_csv(employers_csv(count))
    assert report.ok, report.problems
    return await create_batch(db, OPENER, report.rows, holiday_wages_content(), issued_on)


async def issued_numbers(db: Database, batch_no: str) -> list[str | None]:
    """The 文号 of every stored letter of the batch, in file order of their employer rows."""
    async with db.session() as session:
        rows = (
            await session.exec(
                select(SupervisionBatchLetter.document_no)
                .where(SupervisionBatchLetter.batch_no == batch_no)
                .order_by(col(SupervisionBatchLetter.line))
            )
        ).all()
    return list(rows)


async def assert_gap_free(db: Database, batch_no: str, count: int) -> None:
    """Exactly `count` letters stored, numbered 1..count, one per row; no number reserved twice
    or left unused."""
    expected = {format_document_no("工监提", 2026, n, "浦") for n in range(1, count + 1)}
    async with db.session() as session:
        stored = (
            await session.exec(
                select(StoredDocument.document_no).where(
                    StoredDocument.subject == f"matter:{batch_no}"
                )
            )
        ).all()
        reserved = (
            await session.exec(
                select(func.count())
                .select_from(DocumentNumber)
                .where(DocumentNumber.series == SERIES)
            )
        ).one()
        counter = await session.get(DocumentCounter, (SERIES, 2026))
    letters = await issued_numbers(db, batch_no)
    assert len(stored) == count and set(stored) == expected, "stored letters are not numbered 1..N"
    assert sorted(letters, key=str) == sorted(stored, key=str), (
        "a row lacks its letter or has another's"
    )
    assert reserved == count and counter is not None and counter.last_serial == count
