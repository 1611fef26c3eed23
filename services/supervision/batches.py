"""Bulk reminder-letter batches: the validated CSV rows committed with a BL-YYYY-NNNNNN number,
then the `bulk-letters` workflow started; resuming starts it again on the same id (issued rows are
skipped, and a row whose letter was already numbered keeps its number)."""

from __future__ import annotations

from datetime import date

from sqlmodel import select
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from domain.bulk_letters import BulkEmployer, BulkLettersInput, LetterContent
from domain.ids import bulk_letters_workflow_id
from domain.supervision import Issuer
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.tables import SupervisionBatch, SupervisionBatchLetter
from services.supervision.matters import Opener, issuer_for, next_serial


def format_batch_no(year: int, serial: int) -> str:
    """Batches look like BL-2026-000003."""
    return f"BL-{year:04d}-{serial:06d}"


async def create_batch(
    db: Database,
    opener: Opener,
    rows: tuple[BulkEmployer, ...],
    content: LetterContent,
    issued_on: date,
) -> str:
    """Commit the batch and one pending row per employer; returns the batch number."""
    async with db.session() as session:
        batch_no = format_batch_no(
            issued_on.year, await next_serial(session, "batch", issued_on.year)
        )
        issuer = await issuer_for(session, opener.team_code, opener.region)
        session.add(
            SupervisionBatch(
                batch_no=batch_no,
                workflow_id=bulk_letters_workflow_id(batch_no),
                team_code=opener.team_code,
                region=opener.region,
                topic=content.topic,
                content={
                    "letter": content.model_dump(mode="json"),
                    "issuer": issuer.model_dump(mode="json"),
                },
                issued_on=issued_on,
                created_by=opener.username,
                total=len(rows),
            )
        )
        await session.flush()
        for row in rows:
            session.add(
                SupervisionBatchLetter(
                    batch_no=batch_no,
                    line=row.line,
                    employer_name=row.name,
                    employer_uscc=row.uscc,
                    employer_address=row.address,
                )
            )
        await session.commit()
    return batch_no


async def batch_row(db: Database, batch_no: str) -> SupervisionBatch | None:
    async with db.session() as session:
        return await session.get(SupervisionBatch, batch_no)


async def start_batch(
    client: Client,
    settings: Settings,
    db: Database,
    batch_no: str,
    letters_per_run: int = 50,
    chunk: int = 25,
) -> None:
    """Start the batch's workflow, or join it when it runs; after an interruption, run it again."""
    batch = await batch_row(db, batch_no)
    if batch is None:
        raise LookupError(f"no batch {batch_no}")
    inp = BulkLettersInput(
        batch_no=batch_no,
        team_code=batch.team_code,
        region=batch.region,
        issuer=Issuer.model_validate(batch.content["issuer"]),
        content=LetterContent.model_validate(batch.content["letter"]),
        issued_by=batch.created_by,
        issued_on=batch.issued_on,
        total=batch.total,
        issued_before=batch.issued,
        failed_before=batch.failed,
        letters_per_run=letters_per_run,
        chunk=chunk,
    )
    if batch.status != "running":
        async with db.session() as session:
            row = await session.get(SupervisionBatch, batch_no)
            assert row is not None
            row.status = "running"
            session.add(row)
            await session.commit()
    await client.start_workflow(
        "bulk-letters",
        inp,
        id=batch.workflow_id,
        task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )


async def batch_letters(db: Database, batch_no: str) -> list[SupervisionBatchLetter]:
    async with db.session() as session:
        query = select(SupervisionBatchLetter).where(SupervisionBatchLetter.batch_no == batch_no)
        return list((await session.exec(query.order_by(SupervisionBatchLetter.line))).all())  # type: ignore[arg-type]
