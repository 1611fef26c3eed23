"""Generated documents: the catalogue, the `render-document` activity's input and result, and the
document number (文号) format. Pure and importable in the workflow sandbox.

Workflows call the activity with a `RenderDocumentInput` that holds no personal data; the
activity joins in the parties of a `case:` subject from the database and returns a `DocumentRef`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from domain import document_facts as f

RENDER_DOCUMENT_ACTIVITY = "render-document"
# Documents render on their own task queue, `<workflow task queue>-documents`, served by the document
# worker (labourflow/worker.py): PDF rendering is CPU-bound and must not delay workflow tasks, and it
# scales on its own (deploy/README.md, "Worker tuning").
DOCUMENT_QUEUE_SUFFIX = "-documents"


def document_task_queue(workflow_task_queue: str) -> str:
    """The task queue of the document activity for workflows running on `workflow_task_queue`."""
    return workflow_task_queue + DOCUMENT_QUEUE_SUFFIX

SUBJECT_PATTERN = r"^(case|matter):[A-Za-z0-9-]{1,30}$"
# Document ids are derived from the idempotency key, so a retried activity finds its own row.
_DOCUMENT_NAMESPACE = uuid.UUID("6f1c2b52-7d0e-4b8e-9a43-2f5d3c1e8a10")


class DocumentType(StrEnum):
    """Every document the product generates (issue 4 catalogue)."""

    case_receipt = "case_receipt"
    mediation_application = "mediation_application"
    arbitration_application = "arbitration_application"
    legal_aid_application = "legal_aid_application"
    payment_order_application = "payment_order_application"
    evidence_list = "evidence_list"
    mediation_agreement = "mediation_agreement"
    mediation_termination_notice = "mediation_termination_notice"
    judicial_confirmation_application = "judicial_confirmation_application"
    mediation_record = "mediation_record"
    reminder_letter = "reminder_letter"
    opinion_notice = "opinion_notice"
    recommendation_notice = "recommendation_notice"
    lead_transfer_letter = "lead_transfer_letter"
    inspection_referral_letter = "inspection_referral_letter"
    case_summary_report = "case_summary_report"
    case_transfer_letter = "case_transfer_letter"
    mediation_invitation = "mediation_invitation"
    sitting_notice = "sitting_notice"
    power_of_attorney = "power_of_attorney"


class Audience(StrEnum):
    """Who produces and uses a document."""

    worker = "worker"
    mediator = "mediator"
    union_legal = "union_legal"
    admin = "admin"


@dataclass(frozen=True)
class DocumentSpec:
    """One catalogue entry: title, template file, audience, facts model and 文号 code."""

    doc_type: DocumentType
    title_zh: str
    title_en: str
    audience: Audience
    facts_model: type[BaseModel]
    worker_visible: bool = True  # listed on the worker's status page and downloadable by them
    number_code: str | None = None  # 文号 type code, e.g. 工监意 -> 〔2026〕浦工监意字第7号
    issuer_field: str | None = None  # the facts field whose `abbr` is printed in the 文号

    @property
    def template(self) -> str:
        return f"{self.doc_type.value}.html"


_T = DocumentType
_A = Audience
CATALOGUE: dict[DocumentType, DocumentSpec] = {
    spec.doc_type: spec
    for spec in (
        DocumentSpec(_T.case_receipt, "受理回执", "Case receipt", _A.worker, f.CaseReceiptFacts),
        DocumentSpec(
            _T.mediation_application,
            "劳动争议调解申请书",
            "Labour dispute mediation application",
            _A.worker,
            f.MediationApplicationFacts,
        ),
        DocumentSpec(
            _T.arbitration_application,
            "劳动人事争议仲裁申请书",
            "Labour dispute arbitration application",
            _A.worker,
            f.ArbitrationApplicationFacts,
        ),
        DocumentSpec(
            _T.legal_aid_application,
            "法律援助申请表",
            "Legal aid application",
            _A.worker,
            f.LegalAidApplicationFacts,
        ),
        DocumentSpec(
            _T.payment_order_application,
            "支付令申请书",
            "Payment order application",
            _A.worker,
            f.PaymentOrderApplicationFacts,
        ),
        DocumentSpec(_T.evidence_list, "证据清单", "Evidence list", _A.worker, f.EvidenceListFacts),
        DocumentSpec(
            _T.mediation_agreement,
            "调解协议书",
            "Mediation agreement",
            _A.mediator,
            f.MediationAgreementFacts,
            number_code="劳调",
            issuer_field="mediation_org",
        ),
        DocumentSpec(
            _T.mediation_termination_notice,
            "调解终止通知书",
            "Notice that mediation ended without agreement",
            _A.mediator,
            f.MediationTerminationFacts,
            number_code="劳调终",
            issuer_field="mediation_org",
        ),
        DocumentSpec(
            _T.judicial_confirmation_application,
            "司法确认申请书",
            "Joint application for judicial confirmation",
            _A.mediator,
            f.JudicialConfirmationFacts,
        ),
        DocumentSpec(
            _T.mediation_record,
            "调解笔录",
            "Mediation session record",
            _A.mediator,
            f.MediationRecordFacts,
        ),
        DocumentSpec(
            _T.reminder_letter,
            "工会劳动法律监督提示函",
            "Union labour-law supervision reminder letter",
            _A.union_legal,
            f.ReminderLetterFacts,
            worker_visible=False,
            number_code="工监提",
            issuer_field="issuer",
        ),
        DocumentSpec(
            _T.opinion_notice,
            "工会劳动法律监督意见书",
            "Union labour-law supervision opinion notice",
            _A.union_legal,
            f.OpinionNoticeFacts,
            worker_visible=False,
            number_code="工监意",
            issuer_field="issuer",
        ),
        DocumentSpec(
            _T.recommendation_notice,
            "工会劳动法律监督建议书",
            "Union labour-law supervision recommendation notice",
            _A.union_legal,
            f.RecommendationNoticeFacts,
            worker_visible=False,
            number_code="工监建",
            issuer_field="issuer",
        ),
        DocumentSpec(
            _T.lead_transfer_letter,
            "劳动违法线索移送函",
            "Lead transfer letter to the procuratorate",
            _A.union_legal,
            f.LeadTransferFacts,
            worker_visible=False,
            number_code="工监移",
            issuer_field="issuer",
        ),
        DocumentSpec(
            _T.case_transfer_letter,
            "案件移送函",
            "Case transfer letter (a referral between agencies)",
            _A.mediator,
            f.CaseTransferFacts,
            worker_visible=True,
            number_code="移",
            issuer_field="issuer",
        ),
        DocumentSpec(
            _T.inspection_referral_letter,
            "劳动保障监察线索转办函",
            "Referral letter to labour inspection",
            _A.union_legal,
            f.InspectionReferralFacts,
            worker_visible=False,
            number_code="工监转",
            issuer_field="issuer",
        ),
        DocumentSpec(
            _T.mediation_invitation,
            "调解邀请函",
            "Invitation to mediate (letter for post)",
            _A.mediator,
            f.MediationInvitationFacts,
            worker_visible=True,
        ),
        DocumentSpec(
            _T.sitting_notice,
            "调解、开庭通知书",
            "Notice of a session or hearing",
            _A.mediator,
            f.SittingNoticeFacts,
            worker_visible=True,
        ),
        DocumentSpec(
            _T.power_of_attorney,
            "授权委托书",
            "Power of attorney",
            _A.worker,
            f.PowerOfAttorneyFacts,
            worker_visible=True,
        ),
        DocumentSpec(
            _T.case_summary_report,
            "案件情况报告",
            "Case summary report",
            _A.admin,
            f.CaseSummaryFacts,
            worker_visible=False,
        ),
    )
}


class DocumentFactsError(ValueError):
    """The facts do not fit the document type; the message names the fields, never their values."""


class RenderDocumentInput(BaseModel):
    """What a workflow asks for: a document of `doc_type` about `subject`, once per key."""

    model_config = ConfigDict(frozen=True)

    doc_type: DocumentType
    # "case:LD-2026-000123" or "matter:SV-2026-000007"
    subject: str = Field(pattern=SUBJECT_PATTERN)
    # same key -> same stored document (and the same 文号), however often the activity runs
    idempotency_key: str = Field(min_length=1, max_length=200)
    # non-personal facts, validated against the type's model in domain.document_facts
    facts: dict[str, Any] = Field(default_factory=dict)
    # when set, a 文号 is allocated in this series, e.g. "union-fed-1/opinion_notice"
    number_series: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.:/-]{1,80}$")
    # id of the document this one corrects (a new version linked to the old one)
    supersedes: str | None = Field(default=None, max_length=36)
    issued_by: str = Field(default="system", max_length=64)
    # the date printed on the document; pass it (from workflow.now() in China) so that a retry
    # on another day prints the same date; default: the activity's today in China
    issued_on: date | None = None


class DocumentRef(BaseModel):
    """The stored document, as the workflow keeps it: ids, number, version and content hashes."""

    model_config = ConfigDict(frozen=True)

    document_id: str
    doc_type: DocumentType
    subject: str
    version: int
    document_no: str | None
    title_zh: str
    html_sha256: str
    pdf_sha256: str
    issued_on: date | None = None
    supersedes: str | None = None


def document_id_for(idempotency_key: str) -> str:
    """The id of the document stored for an idempotency key (stable across retries)."""
    return str(uuid.uuid5(_DOCUMENT_NAMESPACE, idempotency_key))


def document_idempotency_key(workflow_id: str, doc_type: DocumentType, seq: int = 1) -> str:
    """The conventional idempotency key of the `seq`-th document of a type issued by a workflow."""
    return f"{workflow_id}/{doc_type.value}/{seq}"


def split_subject(subject: str) -> tuple[str, str]:
    """("case", "LD-2026-000123") from "case:LD-2026-000123"."""
    kind, sep, ident = subject.partition(":")
    if not sep or not ident:
        raise ValueError(f"subject must look like 'case:LD-2026-000123' or 'matter:SV-2026-000007', got {subject!r}")
    return kind, ident


def format_document_no(code: str, year: int, serial: int, issuer_abbr: str | None = None) -> str:
    """文号 as 〔2026〕浦工监意字第7号: year, issuer abbreviation, type code, serial."""
    if serial < 1:
        raise ValueError("document serials start at 1")
    return f"〔{year}〕{issuer_abbr or ''}{code}字第{serial}号"


def issuer_abbr(spec: DocumentSpec, facts: dict[str, Any]) -> str | None:
    """The issuing organisation's abbreviation printed in the 文号, if the facts give one."""
    if spec.issuer_field is None:
        return None
    issuer = facts.get(spec.issuer_field)
    abbr = issuer.get("abbr") if isinstance(issuer, dict) else None
    return abbr if isinstance(abbr, str) else None


def validate_facts(doc_type: DocumentType, facts: dict[str, Any]) -> BaseModel:
    """Check `facts` against the document type's model; the error lists fields, never values."""
    try:
        return CATALOGUE[doc_type].facts_model.model_validate(facts)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(part) for part in error['loc']) or 'facts'}: {error['msg']}" for error in exc.errors())
        raise DocumentFactsError(f"facts for {doc_type.value} are invalid: {problems}") from None
