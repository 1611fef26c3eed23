"""Temporal workflow definitions only: deterministic, light, importing nothing but `domain`.

`ALL_WORKFLOWS` is what the worker registers.
"""

from __future__ import annotations

from workflows.agreement import AgreementWorkflow
from workflows.arbitration import ArbitrationWorkflow
from workflows.bulk_letters import BulkLettersWorkflow
from workflows.dispute import DisputeWorkflow
from workflows.enforcement import EnforcementWorkflow
from workflows.inspection import InspectionWorkflow
from workflows.issue_document import IssueDocumentWorkflow
from workflows.legal_aid import LegalAidWorkflow
from workflows.litigation import LitigationWorkflow
from workflows.mediation import MediationWorkflow
from workflows.payment_order import PaymentOrderWorkflow
from workflows.post_award import PostAwardWorkflow
from workflows.procuratorate import ProcuratorateSupportWorkflow
from workflows.supervision import SupervisionWorkflow
from workflows.supervision_referral import SupervisionReferralWorkflow
from workflows.work_injury import WorkInjuryWorkflow

ALL_WORKFLOWS: list[type] = [
    DisputeWorkflow,
    MediationWorkflow,
    AgreementWorkflow,
    PaymentOrderWorkflow,
    ArbitrationWorkflow,
    PostAwardWorkflow,
    LitigationWorkflow,
    EnforcementWorkflow,
    LegalAidWorkflow,
    InspectionWorkflow,
    ProcuratorateSupportWorkflow,
    WorkInjuryWorkflow,
    IssueDocumentWorkflow,
    SupervisionWorkflow,
    SupervisionReferralWorkflow,
    BulkLettersWorkflow,
]
