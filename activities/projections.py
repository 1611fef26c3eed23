"""Projection activities: the database views (timeline, deadlines, tasks, case status) that pages
read. Written only here, each idempotent on its natural key, rebuildable from workflow state.

Each runs its transaction whole in the database's writer thread (`Database.write`), on a synchronous
session: on the asynchronous session every statement went to the driver's thread and back through
the event loop, about 1 ms of CPU more for a three-statement transaction, and these are 43 of a
case's 54 local activities (README, "Performance")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, select
from temporalio import activity

from activities.deps import ActivityDeps
from activities.events import deadline_event, task_event, timeline_event
from domain.monitoring import OUTCOME_EVENTS
from domain.records import CaseStatusRecord, DeadlineRecord, DeadlineStatus, TaskRecord, TimelineEventRecord
from infrastructure.monitoring_cells import MONITORED_FIELDS, refresh_case, refresh_case_if_changed
from infrastructure.tables import Case, CaseStageVisit, Deadline, Task, TimelineEvent
from infrastructure.upsert import upsert_sync

# The timeline event the case workflow writes once when a case is opened (workflows/dispute_opening.py).
CASE_OPENED_EVENT = "case_opened"


class ProjectionActivities:
    """Writes workflow state into the application database."""

    def __init__(self, deps: ActivityDeps) -> None:
        self._db = deps.db
        self._metrics = deps.metrics

    def activities(self) -> list[Callable[..., Any]]:
        return [self.record_timeline_event, self.record_deadline, self.record_task, self.record_case_status]

    @activity.defn(name="record-timeline-event")
    async def record_timeline_event(self, event: TimelineEventRecord) -> None:
        """Append a timeline event once (same subject and event key: no second row)."""

        def write(session: Session) -> int:
            written = upsert_sync(session, TimelineEvent, event.model_dump(), key=("subject", "event_key"))
            timeline_event(session, event)
            if written and event.kind in OUTCOME_EVENTS and event.subject.startswith("case:"):
                refresh_case(session, event.subject.removeprefix("case:"))
            session.commit()
            return written

        written = await self._db.write(write)
        if written and event.kind == CASE_OPENED_EVENT:  # a retry finds the row: counted once
            self._metrics.case_opened()

    @activity.defn(name="record-deadline")
    async def record_deadline(self, deadline: DeadlineRecord) -> None:
        """Insert or update a deadline (recomputation, met, missed) by its key."""
        values = deadline.model_dump(mode="python") | {"updated_at": datetime.now(UTC)}

        def write(session: Session) -> bool:
            newly_missed = deadline.status is DeadlineStatus.missed and _status_of(session, deadline) != DeadlineStatus.missed
            upsert_sync(
                session, Deadline, values, key=("subject", "deadline_key"),
                update=("due_on", "start_on", "status", "provisional", "explanation", "updated_at", "rule_id"),
            )
            deadline_event(session, deadline)
            if deadline.status is not DeadlineStatus.pending and deadline.subject.startswith("case:"):
                refresh_case(session, deadline.subject.removeprefix("case:"))
            session.commit()
            return newly_missed

        if await self._db.write(write):  # counted when the status turns, not again on a retry
            self._metrics.deadline_missed(deadline.rule_id)

    @activity.defn(name="record-task")
    async def record_task(self, task: TaskRecord) -> None:
        """Insert or update a human task in the inbox projection."""
        values = task.model_dump(mode="python") | {"updated_at": datetime.now(UTC)}
        values["actions"] = list(task.actions)
        values["reminders_sent"] = list(task.reminders_sent)
        mutable = [name for name in values if name not in ("task_id", "created_at")]

        def write(session: Session) -> None:
            upsert_sync(session, Task, values, key=("task_id",), update=mutable)
            task_event(session, task)
            session.commit()

        await self._db.write(write)

    @activity.defn(name="record-case-status")
    async def record_case_status(self, status: CaseStatusRecord) -> None:
        """Update the case row's stage, channel, next deadline and closing state."""
        values = status.model_dump(exclude={"case_no"}) | {"worker_options": list(status.worker_options)}

        def write(session: Session) -> None:
            conn = session.connection()
            case = conn.execute(_CASE_STATUS, {"case_no": status.case_no}).first()
            if case is None:
                raise LookupError(f"case {status.case_no} has no intake row")
            now = datetime.now(UTC)
            if case.stage != status.stage:
                _record_stage_visit(conn, case, status.stage, now)
            conn.execute(_UPDATE_CASE, {**values, "updated_at": now, "where_case_no": status.case_no})
            before = tuple(getattr(case, name) for name in MONITORED_FIELDS)
            after = tuple(values.get(name, getattr(case, name)) for name in MONITORED_FIELDS)
            refresh_case_if_changed(session, status.case_no, before, after)  # the monitoring aggregates, same transaction
            session.commit()

        await self._db.write(write)


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


# The case-status projection's statements, built once (a case's path writes its status about eight
# times; the ORM's per-statement work was most of the cost, README "Performance").
_CASES, _VISITS = _table(Case), _table(CaseStageVisit)
_CASE_STATUS = sa_select(_CASES.c.case_no, _CASES.c.stage, _CASES.c.created_at, *(_CASES.c[name] for name in MONITORED_FIELDS)).where(
    _CASES.c.case_no == bindparam("case_no"))
_UPDATE_CASE = update(_CASES).where(_CASES.c.case_no == bindparam("where_case_no"))
_OPEN_VISIT = sa_select(_VISITS.c.id).where(_VISITS.c.case_no == bindparam("case_no"), _VISITS.c.left_at.is_(None)).limit(1)
_CLOSE_VISIT = update(_VISITS).where(_VISITS.c.id == bindparam("visit_id")).values(left_at=bindparam("left_at"))
_ADD_VISITS = insert(_VISITS)


def _status_of(session: Session, deadline: DeadlineRecord) -> str | None:
    """The stored status of this deadline, if it has a row."""
    query = select(Deadline.status).where(Deadline.subject == deadline.subject, Deadline.deadline_key == deadline.deadline_key)
    return session.exec(query).first()


def _record_stage_visit(conn: Connection, case: Any, stage: str, now: datetime) -> None:
    """Close the visit of the stage the case leaves and open one for the stage it enters (same
    transaction as the stage change, so a retried activity finds the stage already changed)."""
    visits = [{"case_no": case.case_no, "stage": stage, "entered_at": now, "left_at": None}]
    current = conn.execute(_OPEN_VISIT, {"case_no": case.case_no}).scalar_one_or_none()
    if current is None:
        visits.insert(0, {"case_no": case.case_no, "stage": case.stage, "entered_at": case.created_at, "left_at": now})
    else:
        conn.execute(_CLOSE_VISIT, {"visit_id": current, "left_at": now})
    conn.execute(_ADD_VISITS, visits)
