"""SQLModel tables of the application database. Import this package to register every table."""

from infrastructure.tables.agency_systems import AgencyActionReceipt, AgencyEvent, AgencyEventCounter, AgencySystem
from infrastructure.tables.audit import AuditEntry
from infrastructure.tables.cases import (
    Case,
    CaseClaim,
    CaseCounter,
    CaseStageVisit,
    Evidence,
    IdempotencyKey,
)
from infrastructure.tables.documents import (
    DocumentContent,
    DocumentCounter,
    DocumentNumber,
    DocumentReceipt,
    StoredDocument,
)
from infrastructure.tables.monitoring import MonitoringCase, MonitoringCell, MonitoringRow
from infrastructure.tables.organisations import CaseAccess, Organisation, Referral
from infrastructure.tables.parties import CaseAgent, CaseRespondent, RespondentLink, SittingRow
from infrastructure.tables.projections import Deadline, TimelineEvent
from infrastructure.tables.storage import Blob
from infrastructure.tables.supervision import (
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
from infrastructure.tables.tasks import Notification, Task
from infrastructure.tables.users import Team, User

__all__ = [
    "AgencyActionReceipt",
    "AgencyEvent",
    "AgencyEventCounter",
    "AgencySystem",
    "AuditEntry",
    "Blob",
    "Case",
    "CaseAccess",
    "CaseAgent",
    "CaseClaim",
    "CaseCounter",
    "CaseRespondent",
    "CaseStageVisit",
    "Deadline",
    "DocumentContent",
    "DocumentCounter",
    "DocumentNumber",
    "DocumentReceipt",
    "Evidence",
    "IdempotencyKey",
    "MonitoringCase",
    "MonitoringCell",
    "MonitoringRow",
    "Notification",
    "Organisation",
    "Referral",
    "RespondentLink",
    "SittingRow",
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
