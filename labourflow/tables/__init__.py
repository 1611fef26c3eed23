"""SQLModel tables of the application database. Import this package to register every table."""

from labourflow.tables.audit import AuditEntry
from labourflow.tables.cases import (
    Case,
    CaseClaim,
    CaseCounter,
    CaseStageVisit,
    Evidence,
    IdempotencyKey,
)
from labourflow.tables.documents import (
    DocumentContent,
    DocumentCounter,
    DocumentNumber,
    StoredDocument,
)
from labourflow.tables.projections import Deadline, TimelineEvent
from labourflow.tables.supervision import (
    SupervisionAttachment,
    SupervisionBatch,
    SupervisionBatchLetter,
    SupervisionCaseLink,
    SupervisionCounter,
    SupervisionDismissal,
    SupervisionMatter,
    SupervisionReplyLink,
    SupervisionRung,
)
from labourflow.tables.tasks import Notification, Task
from labourflow.tables.users import Team, User

__all__ = [
    "AuditEntry",
    "Case",
    "CaseClaim",
    "CaseCounter",
    "CaseStageVisit",
    "Deadline",
    "DocumentContent",
    "DocumentCounter",
    "DocumentNumber",
    "Evidence",
    "IdempotencyKey",
    "Notification",
    "StoredDocument",
    "SupervisionAttachment",
    "SupervisionBatch",
    "SupervisionBatchLetter",
    "SupervisionCaseLink",
    "SupervisionCounter",
    "SupervisionDismissal",
    "SupervisionMatter",
    "SupervisionReplyLink",
    "SupervisionRung",
    "Task",
    "Team",
    "TimelineEvent",
    "User",
]
