"""SQLModel tables of the application database. Import this package to register every table."""

from labourflow.tables.audit import AuditEntry
from labourflow.tables.cases import Case, CaseClaim, CaseCounter, Evidence, IdempotencyKey
from labourflow.tables.projections import Deadline, TimelineEvent
from labourflow.tables.tasks import Notification, Task
from labourflow.tables.users import Team, User

__all__ = [
    "AuditEntry",
    "Case",
    "CaseClaim",
    "CaseCounter",
    "Deadline",
    "Evidence",
    "IdempotencyKey",
    "Notification",
    "Task",
    "Team",
    "TimelineEvent",
    "User",
]
