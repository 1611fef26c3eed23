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
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, insert, literal_column, select, union, update
from sqlmodel import Session

from infrastructure.tables import AgencyEvent, AgencyEventCounter, Case, Task, Team
from infrastructure.upsert import upsert_sync


# Plain statements on the transaction's connection, built once: these run in most projection
# activities (a deadline, a task, a document, a referral), and the ORM's per-statement work was
# most of their cost (README, "Performance").
def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


_EVENTS, _COUNTERS, _TEAMS, _CASES, _TASKS = (_table(m) for m in (AgencyEvent, AgencyEventCounter, Team, Case, Task))
_SEEN: Select[Any] = select(literal_column("1")).where(
    _EVENTS.c.organisation_code == bindparam("org"), _EVENTS.c.event_key == bindparam("key")).limit(1)
_BUMP = (
    update(_COUNTERS)
    .where(_COUNTERS.c.organisation_code == bindparam("org"))
    .values(last_seq=_COUNTERS.c.last_seq + 1)
    .returning(_COUNTERS.c.last_seq)
)
_APPEND = insert(_EVENTS)
_ORGANISATIONS_OF_TEAMS = select(_TEAMS.c.organisation_code).where(_TEAMS.c.code.in_(bindparam("teams", expanding=True)))
# The teams holding the case (now and at filing) and those with a task on the workflow, in one query.
_TEAMS_OF_SUBJECT = union(
    select(_CASES.c.holder_team.label("team")).where(_CASES.c.case_no == bindparam("case_no")),
    select(_CASES.c.team_code).where(_CASES.c.case_no == bindparam("case_no")),
    select(_TASKS.c.team_code).where(_TASKS.c.workflow_id == bindparam("workflow_id")),
).subquery()
_ORGANISATIONS_OF_SUBJECT = select(_TEAMS.c.organisation_code).where(_TEAMS.c.code.in_(select(_TEAMS_OF_SUBJECT.c.team)))


def new_event_id() -> str:
    """The id receivers de-duplicate on (`webhook-id`, the feed's `id`)."""
    return f"evt_{uuid.uuid4().hex}"


def append_event(session: Session, organisation_code: str, event_key: str, event_type: str, subject: str,
                 data: dict[str, Any]) -> int | None:
    """Append one event for one organisation; its sequence number, or None if it was there already."""
    conn = session.connection()
    if conn.execute(_SEEN, {"org": organisation_code, "key": event_key}).first() is not None:
        return None
    seq = conn.execute(_BUMP, {"org": organisation_code}).scalar_one_or_none()
    if seq is None:  # the organisation's first event: its counter row first, then the same bump
        upsert_sync(session, AgencyEventCounter, {"organisation_code": organisation_code, "last_seq": 0}, key=("organisation_code",))
        seq = conn.execute(_BUMP, {"org": organisation_code}).scalar_one()
    seq = int(seq)
    conn.execute(_APPEND, [{"event_id": new_event_id(), "organisation_code": organisation_code, "seq": seq,
                            "event_key": event_key, "type": event_type, "subject": subject, "data": data}])
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
    codes = sorted({code for code in team_codes if code})
    if not codes:
        return set()
    session.flush()  # teams or their organisations changed in this transaction are seen
    return {code for code in session.connection().execute(_ORGANISATIONS_OF_TEAMS, {"teams": codes}).scalars() if code}


def organisations_of_subject(session: Session, subject: str, workflow_id: str | None = None) -> set[str]:
    """Who is concerned by something about a case: the organisation holding it, the one it was
    filed with, and (for a workflow's deadline) those with a task on that workflow."""
    case_no = subject.removeprefix("case:") if subject.startswith("case:") else None
    if case_no is None and not workflow_id:
        return set()
    session.flush()  # a holder or task changed in this transaction is seen
    rows = session.connection().execute(_ORGANISATIONS_OF_SUBJECT, {"case_no": case_no, "workflow_id": workflow_id})
    return {code for code in rows.scalars() if code}
