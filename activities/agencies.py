"""Projections of the hand-overs between agencies: the referral record both sides read, and the
cases a staff member outside the holding teams may read (a legal-aid lawyer, once assigned)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session
from temporalio import activity

from activities.deps import ActivityDeps
from activities.events import referral_event
from domain.records import CaseAccessGrant
from domain.referrals import ReferralRecord
from infrastructure.monitoring_cells import refresh_case
from infrastructure.tables import CaseAccess, Referral
from infrastructure.upsert import upsert, upsert_sync


class AgencyActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self._db = deps.db

    def activities(self) -> list[Callable[..., Any]]:
        return [self.record_referral, self.grant_case_access]

    @activity.defn(name="record-referral")
    async def record_referral(self, record: ReferralRecord) -> None:
        """Insert or update the referral by its key (the referral workflow's id)."""
        values = record.model_dump(mode="python") | {"updated_at": datetime.now(UTC)}
        values["kind"], values["status"] = record.kind.value, record.status.value

        def write(session: Session) -> None:
            upsert_sync(session, Referral, values, key=("referral_key",),
                        update=("status", "acknowledge_by", "decided_on", "reason", "document_id", "updated_at"))
            referral_event(session, record)
            refresh_case(session, record.case_no)  # same transaction: the aggregates never lag
            session.commit()

        await self._db.write(write)

    @activity.defn(name="grant-case-access")
    async def grant_case_access(self, grant: CaseAccessGrant) -> None:
        """Let one staff member read one case (idempotent: case and username are the key)."""
        async with self._db.write_session() as session:
            await upsert(session, CaseAccess, grant.model_dump(mode="python"), key=("case_no", "username"), update=("reason",))
            await session.commit()
