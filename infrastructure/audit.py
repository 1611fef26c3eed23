"""The audit trail of staff actions: append-only and hash-chained.

Each entry's hash covers its content and the previous entry's hash; `prev_hash` is unique, so two
writers can never fork the chain (the loser retries on the new head). Database triggers refuse
UPDATE and DELETE; `labourflow audit verify` recomputes the chain and names the first entry that
does not match, so a change made by someone who drops the triggers is still found."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from infrastructure.db import Database
from infrastructure.tables import AuditEntry

GENESIS = "0" * 64
MAX_RACES = 20


def _moment(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(prev_hash: str, occurred_at: datetime, actor: str, action: str, object_type: str, object_id: str,
               before: dict[str, Any], after: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and this entry's canonical content."""
    content = json.dumps([prev_hash, _moment(occurred_at), actor, action, object_type, object_id, before, after],
                         ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(content.encode()).hexdigest()


async def record(db: Database, *, actor: str, action: str, object_type: str, object_id: str,
                 before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry at the head of the chain."""
    before = json.loads(json.dumps(before or {}, default=str))
    after = json.loads(json.dumps(after or {}, default=str))
    for _ in range(MAX_RACES):
        async with db.write_session() as session:
            head = (await session.exec(select(AuditEntry.entry_hash).order_by(col(AuditEntry.id).desc()).limit(1))).first()
            prev = head or GENESIS
            now = datetime.now(UTC)
            entry = AuditEntry(occurred_at=now, actor=actor, action=action, object_type=object_type, object_id=object_id,
                               before=before, after=after, prev_hash=prev,
                               entry_hash=entry_hash(prev, now, actor, action, object_type, object_id, before, after))
            session.add(entry)
            try:
                await session.commit()
            except IntegrityError:
                continue  # another writer appended first: retry on the new head
            await session.refresh(entry)
            return entry
    raise RuntimeError("could not append to the audit chain (too much contention)")


@dataclass(frozen=True)
class Verification:
    entries: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


async def verify(db: Database) -> Verification:
    """Walk the chain from the start; report the first entry that was changed, removed or inserted."""
    prev = GENESIS
    count = 0
    async with db.session() as session:
        for entry in (await session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))).all():
            count += 1
            if entry.prev_hash != prev:
                return Verification(count, entry.id, "its link to the previous entry is broken (an entry was removed or inserted)")
            expected = entry_hash(prev, entry.occurred_at, entry.actor, entry.action, entry.object_type, entry.object_id,
                                  entry.before, entry.after)
            if expected != entry.entry_hash:
                return Verification(count, entry.id, "its content no longer matches its hash (it was changed)")
            prev = entry.entry_hash
    return Verification(count)
