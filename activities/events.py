"""The organisations' events, written by the projection activities in the same transaction as the
row they describe: a referral sent or answered, a task opened, decided or cancelled, a deadline set
or changed, a document issued. Each is keyed by what happened, so a retried activity adds nothing.
No personal data: numbers, dates, kinds and ids (the system reads the rest through the API)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from domain.agency_systems import EventType
from domain.documents import DocumentRef
from domain.records import DeadlineRecord, TaskRecord, TimelineEventRecord
from domain.referrals import ReferralRecord
from infrastructure.agency_events import append_for, organisations_of_subject, organisations_of_teams

# Timeline entries that are events of their own for the organisations (the rest are told as tasks,
# decisions, deadlines and documents).
TIMELINE_EVENTS = {"document_attached": EventType.document_attached}
TASK_EVENTS = {"open": EventType.task_opened, "done": EventType.decision_recorded, "cancelled": EventType.task_cancelled}


def referral_event(session: Session, record: ReferralRecord) -> int:
    """Both sides of a referral hear of each of its states."""
    data: dict[str, Any] = record.model_dump(mode="json")
    key = f"referral:{record.referral_key}:{record.status.value}:{record.decided_on or record.sent_on}"
    organisations = organisations_of_teams(session, [record.sender_team, record.receiver_team])
    return append_for(session, organisations, key, f"referral.{record.status.value}", f"case:{record.case_no}", data)


def task_event(session: Session, task: TaskRecord) -> int:
    """The task's organisation hears that it opened, and how it closed (the decision is its outcome)."""
    event_type = TASK_EVENTS.get(task.status.value)
    if event_type is None:
        return 0
    data = {"task_id": task.task_id, "kind": task.kind, "role": task.role, "team_code": task.team_code,
            "status": task.status.value, "due_on": task.due_on.isoformat() if task.due_on else None,
            "deadline_rule": task.deadline_rule, "actions": list(task.actions), "outcome": task.outcome,
            "completed_by": task.completed_by}
    organisations = organisations_of_teams(session, [task.team_code])
    return append_for(session, organisations, f"task:{task.task_id}:{task.status.value}", event_type, task.subject, data)


def deadline_event(session: Session, deadline: DeadlineRecord) -> int:
    """A deadline set, moved, met or missed, for those who hold the case or work on its workflow."""
    data = {"deadline_key": deadline.deadline_key, "rule_id": deadline.rule_id, "start_on": deadline.start_on.isoformat(),
            "due_on": deadline.due_on.isoformat(), "status": deadline.status.value, "provisional": deadline.provisional}
    key = f"deadline:{deadline.subject}:{deadline.deadline_key}:{deadline.due_on}:{deadline.status.value}"
    organisations = organisations_of_subject(session, deadline.subject, deadline.workflow_id)
    return append_for(session, organisations, key, EventType.deadline_changed, deadline.subject, data)


def document_event(session: Session, ref: DocumentRef) -> int:
    """A document issued about a case, for the organisations holding it."""
    data = {"document_id": ref.document_id, "doc_type": ref.doc_type.value, "document_no": ref.document_no,
            "version": ref.version, "title_zh": ref.title_zh, "pdf_sha256": ref.pdf_sha256,
            "issued_on": ref.issued_on.isoformat() if ref.issued_on else None, "supersedes": ref.supersedes}
    organisations = organisations_of_subject(session, ref.subject)
    return append_for(session, organisations, f"document:{ref.document_id}", EventType.document_issued, ref.subject, data)


def timeline_event(session: Session, event: TimelineEventRecord) -> int:
    """A timeline entry the organisations are told of as such (a file attached to the case)."""
    event_type = TIMELINE_EVENTS.get(event.kind)
    if event_type is None:
        return 0
    organisations = organisations_of_subject(session, event.subject)
    data = {"kind": event.kind, "on": event.on_date.isoformat(), **event.data}
    return append_for(session, organisations, f"timeline:{event.subject}:{event.event_key}", event_type, event.subject, data)
