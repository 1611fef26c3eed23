"""The organisations' event log under concurrent writers (infrastructure/agency_events.py): each
organisation's events are numbered 1, 2, 3... with no gap and no repeat, its very first events
included (the counter row does not exist yet), and an event key is written once."""

from __future__ import annotations

import asyncio
import uuid

from sqlmodel import Session, col, select

from infrastructure.agency_events import append_event, append_for
from infrastructure.db import Database
from infrastructure.tables import AgencyEvent


def _append(organisation: str, key: str) -> object:
    def write(session: Session) -> int | None:
        seq = append_event(session, organisation, key, "decision.recorded", "case:LD-2026-000001", {"key": key})
        session.commit()
        return seq

    return write


async def _sequences(db: Database, organisation: str) -> list[int]:
    async with db.session() as session:
        rows = await session.exec(
            select(AgencyEvent.seq).where(AgencyEvent.organisation_code == organisation).order_by(col(AgencyEvent.seq))
        )
        return list(rows.all())


async def test_a_new_organisations_first_events_written_at_once_are_numbered_without_gaps(db: Database) -> None:
    organisations = [f"org-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    writes = [db.write(_append(org, f"k{i}")) for i in range(12) for org in organisations]
    results = await asyncio.gather(*writes)
    assert all(isinstance(seq, int) for seq in results)
    for org in organisations:
        assert await _sequences(db, org) == list(range(1, 13)), f"{org}: 1..12, none lost, none repeated"


async def test_an_event_key_is_written_once(db: Database) -> None:
    org = f"org-{uuid.uuid4().hex[:8]}"
    assert await db.write(_append(org, "same")) == 1
    assert await db.write(_append(org, "same")) is None, "a retried activity writes nothing"
    assert await db.write(_append(org, "next")) == 2

    def both(session: Session) -> int:
        written = append_for(session, [org, org, f"{org}-b"], "shared", "task.opened", "case:LD-2026-000002", {})
        session.commit()
        return written

    assert await db.write(both) == 2, "once per organisation, duplicates in the list ignored"
    assert await _sequences(db, org) == [1, 2, 3]
