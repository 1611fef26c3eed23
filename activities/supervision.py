"""Projection activities of union supervision: the matter row, the rungs it entered, and the rows
and progress of bulk reminder-letter batches. Each is idempotent on its natural key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from temporalio import activity

import infrastructure.documents.matter_parties  # noqa: F401  (registers the `matter:` document context loader)
from activities.deps import ActivityDeps
from domain.bulk_letters import BatchStatusRecord, BulkEmployer, LetterIssued, LoadRows
from domain.supervision import MatterStatusRecord, RungProjection
from infrastructure.tables import SupervisionBatch, SupervisionMatter, SupervisionRung
from infrastructure.tables import SupervisionBatchLetter as Letter
from infrastructure.upsert import upsert


class SupervisionActivities:
    """Writes supervision workflow state into the application database."""

    def __init__(self, deps: ActivityDeps) -> None:
        self._db = deps.db

    def activities(self) -> list[Callable[..., Any]]:
        return [
            self.record_matter_status,
            self.record_rung,
            self.load_bulk_rows,
            self.record_bulk_letter,
            self.record_bulk_status,
        ]

    @activity.defn(name="record-matter-status")
    async def record_matter_status(self, status: MatterStatusRecord) -> None:
        """Update the matter row's phase, rung, next deadline, reply state and outcome."""
        async with self._db.session() as session:
            row = (
                await session.exec(
                    select(SupervisionMatter).where(SupervisionMatter.matter_no == status.matter_no)
                )
            ).first()
            if row is None:
                raise LookupError(f"matter {status.matter_no} has no row")
            for name, value in status.model_dump(exclude={"matter_no"}).items():
                setattr(row, name, value.value if hasattr(value, "value") else value)
            row.updated_at = datetime.now(UTC)
            session.add(row)
            await session.commit()

    @activity.defn(name="record-supervision-rung")
    async def record_rung(self, projection: RungProjection) -> None:
        """Insert or update one rung of a matter (matter number and sequence are the key)."""
        values = projection.record.model_dump(mode="python")
        values = {
            name: value.value if hasattr(value, "value") else value
            for name, value in values.items()
        }
        values |= {
            "matter_no": projection.matter_no,
            "team_code": projection.team_code,
            "region": projection.region,
            "updated_at": datetime.now(UTC),
        }
        mutable = [name for name in values if name not in ("matter_no", "seq")]
        async with self._db.session() as session:
            await upsert(session, SupervisionRung, values, key=("matter_no", "seq"), update=mutable)
            await session.commit()

    @activity.defn(name="load-bulk-rows")
    async def load_bulk_rows(self, request: LoadRows) -> list[BulkEmployer]:
        """The next rows of a batch still waiting for their letter, in file order."""
        async with self._db.session() as session:
            rows = (
                await session.exec(
                    select(Letter)
                    .where(Letter.batch_no == request.batch_no, Letter.status == "pending")
                    .order_by(col(Letter.line))
                    .limit(request.limit)
                )
            ).all()
        return [
            BulkEmployer(
                line=r.line, name=r.employer_name, uscc=r.employer_uscc, address=r.employer_address
            )
            for r in rows
        ]

    @activity.defn(name="record-bulk-letter")
    async def record_bulk_letter(self, issued: LetterIssued) -> None:
        """Mark one row issued (or failed) and recount the batch's progress from its rows."""
        async with self._db.session() as session:
            letter = (
                await session.exec(
                    select(Letter).where(
                        Letter.batch_no == issued.batch_no, Letter.line == issued.line
                    )
                )
            ).one()
            letter.status = "issued" if issued.document_id else "failed"
            letter.document_id, letter.document_no = issued.document_id, issued.document_no
            letter.error = issued.error
            letter.issued_at = letter.issued_at or datetime.now(UTC)
            session.add(letter)
            await session.flush()
            counts = dict(
                (
                    await session.exec(
                        select(Letter.status, func.count())
                        .where(Letter.batch_no == issued.batch_no)
                        .group_by(Letter.status)
                    )
                ).all()
            )
            batch = await session.get(SupervisionBatch, issued.batch_no)
            if batch is not None:
                batch.issued, batch.failed = counts.get("issued", 0), counts.get("failed", 0)
                batch.updated_at = datetime.now(UTC)
                session.add(batch)
            await session.commit()

    @activity.defn(name="record-bulk-status")
    async def record_bulk_status(self, record: BatchStatusRecord) -> None:
        """The batch finished (or failed)."""
        async with self._db.session() as session:
            batch = await session.get(SupervisionBatch, record.batch_no)
            if batch is None:
                raise LookupError(f"batch {record.batch_no} has no row")
            batch.status, batch.updated_at = record.status.value, datetime.now(UTC)
            session.add(batch)
            await session.commit()
