"""The organisations' event log: what happened for each organisation, appended in the same
transaction as the projection row that records it, numbered 1, 2, 3... per organisation.

Numbering: a counter row per organisation is incremented by an UPDATE, whose row lock (PostgreSQL;
SQLite has one writer) makes a second writer wait until the first commits. So sequence numbers
have no gaps and become visible in order: a reader who sees N+1 already sees N, and a cursor or a
webhook that stops at N loses nothing. An event is written once per `event_key` (a retried
activity finds it and writes nothing).

Synchronous: the projection activities run their whole transaction in a writer thread
(`Database.write`); an asynchronous caller uses `AsyncSession.run_sync`."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from infrastructure.tables import AgencyEvent, AgencyEventCounter, Case, Task, Team
from infrastructure.upsert import upsert_sync


def new_event_id() -> str:
    """The id receivers de-duplicate on (`webhook-id`, the feed's `id`)."""
    return f"evt_{uuid.uuid4().hex}"


def append_event(session: Session, organisation_code: str, event_key: str, event_type: str, subject: str,
                 data: dict[str, Any]) -> int | None:
    """Append one event for one organisation; its sequence number, or None if it was there already."""
    seen = select(AgencyEvent.id).where(AgencyEvent.organisation_code == organisation_code, AgencyEvent.event_key == event_key)
    if session.exec(seen).first() is not None:
        return None
    bump = (
        update(AgencyEventCounter)
        .where(col(AgencyEventCounter.organisation_code) == organisation_code)
        .values(last_seq=AgencyEventCounter.last_seq + 1)
        .returning(AgencyEventCounter.last_seq)
    )
    seq = session.exec(bump).scalar_one_or_none()  # type: ignore[call-overload]
    if seq is None:  # the organisation's first event: its counter row first, then the same bump
        upsert_sync(session, AgencyEventCounter, {"organisation_code": organisation_code, "last_seq": 0}, key=("organisation_code",))
        seq = session.exec(bump).scalar_one()  # type: ignore[call-overload]
    seq = int(seq)
    session.add(AgencyEvent(event_id=new_event_id(), organisation_code=organisation_code, seq=seq, event_key=event_key,
                            type=event_type, subject=subject, data=data))
    return seq


def append_for(session: Session, organisations: Iterable[str], event_key: str, event_type: str, subject: str,
               data: dict[str, Any]) -> int:
    """The same event for each organisation concerned; how many were new."""
    written = 0
    for code in sorted(set(organisations)):
        written += append_event(session, code, event_key, event_type, subject, data) is not None
    return written


def organisations_of_teams(session: Session, team_codes: Iterable[str | None]) -> set[str]:
    """The organisations the given teams belong to (teams without one are left out)."""
    codes = {code for code in team_codes if code}
    if not codes:
        return set()
    query = select(Team.organisation_code).where(col(Team.code).in_(codes))
    return {code for code in session.exec(query).all() if code}


def organisations_of_subject(session: Session, subject: str, workflow_id: str | None = None) -> set[str]:
    """Who is concerned by something about a case: the organisation holding it, the one it was
    filed with, and (for a workflow's deadline) those with a task on that workflow."""
    teams: list[str | None] = []
    if subject.startswith("case:"):
        holders = session.exec(
            select(Case.holder_team, Case.team_code).where(Case.case_no == subject.removeprefix("case:"))
        ).first()
        if holders is not None:
            teams += list(holders)
    if workflow_id:
        teams += list(session.exec(select(Task.team_code).where(Task.workflow_id == workflow_id)).all())
    return organisations_of_teams(session, teams)
