"""Agencies' own systems as the rules see them: the scopes a service account may hold, which scope
an action needs, the events an organisation's systems receive, and the system as a principal (it
acts as its organisation's team, recorded as the system)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    """What a service account may do (OAuth2 scopes)."""

    referrals_write = "referrals:write"  # acknowledge (accept) or return referrals, resend or withdraw its own
    decisions_write = "decisions:write"  # every other task action: acceptance, award, judgment, hearings...
    events_read = "events:read"  # the pull feed GET /api/v1/events
    tasks_read = "tasks:read"  # the organisation's open tasks and their action schemas
    documents_write = "documents:write"  # attach files to the cases of the organisation's tasks


SCOPE_DESCRIPTIONS: dict[str, str] = {
    Scope.referrals_write: "accept or return referrals sent to the organisation (resend or withdraw its own)",
    Scope.decisions_write: "record decisions and other actions on the organisation's tasks",
    Scope.events_read: "read the organisation's event feed",
    Scope.tasks_read: "list and read the organisation's open tasks",
    Scope.documents_write: "attach files (PDF, JPEG, PNG) to the cases of the organisation's tasks",
}

# The actions of a referral task (domain.catalogue.Referral); every other task action is a decision.
REFERRAL_ACTIONS = frozenset({"accept_referral", "return_referral", "resend_referral", "withdraw_referral"})


def scope_for_action(action: str) -> Scope:
    """The scope an agency system needs for a task action."""
    return Scope.referrals_write if action in REFERRAL_ACTIONS else Scope.decisions_write


class EventType(StrEnum):
    """What an organisation's systems are told (webhook `type`, feed `type`)."""

    referral_sent = "referral.sent"
    referral_accepted = "referral.accepted"
    referral_returned = "referral.returned"
    referral_withdrawn = "referral.withdrawn"
    task_opened = "task.opened"
    decision_recorded = "decision.recorded"  # a task closed by an action (its `outcome`)
    task_cancelled = "task.cancelled"
    deadline_changed = "deadline.changed"  # set, recomputed, met or missed
    document_issued = "document.issued"
    document_attached = "document.attached"  # a file an agency added to the case (its own system, or staff)


@dataclass(frozen=True)
class AgencySystemPrincipal:
    """An agency system signed in with client credentials: its organisation's teams and its scopes."""

    system_id: int
    client_id: str
    name: str
    organisation_code: str
    team_codes: tuple[str, ...]
    scopes: frozenset[str]

    @property
    def username(self) -> str:
        """How the system is recorded where a person's username would be (at most 64 characters)."""
        return f"system:{self.client_id}"[:64]

    def may(self, scope: Scope) -> bool:
        return scope.value in self.scopes
