"""`ALL_WORKFLOWS`: what the worker registers.

Kept out of the package's `__init__` on purpose: the sandbox imports a workflow's module afresh for
each run, and importing `workflows.x` runs `workflows/__init__.py` first; a registry there made every
run re-import every workflow module (about a fifth of the worker's CPU, and most of its memory per
cached workflow, measured by `python -m devtools bench`).
"""

from __future__ import annotations

from workflows.agreement import AgreementWorkflow
from workflows.arbitration import ArbitrationWorkflow
from workflows.bulk_letters import BulkLettersWorkflow
from workflows.criminal_referral import CriminalReferralWorkflow
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
from workflows.referral import ReferralWorkflow
from workflows.supervision import SupervisionWorkflow
from workflows.supervision_referral import SupervisionReferralWorkflow
from workflows.work_injury import WorkInjuryWorkflow

ALL_WORKFLOWS: tuple[type, ...] = (
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
    ReferralWorkflow,
    CriminalReferralWorkflow,
)
