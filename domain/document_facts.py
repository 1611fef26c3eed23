"""The facts a workflow hands over for each generated document (`RenderDocumentInput.facts`).

One frozen model per document type, validated by the `render-document` activity, so a workflow
learns at once (non-retryable error naming the field) that a fact is missing or misspelt.
These are non-personal facts: dates, amounts, organisations, staff names, the mediator's wording.
The worker's and employer's particulars of a case are joined in by the activity from the database;
for `matter:` subjects (union supervision) the employer comes from `employer` here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from domain.identifiers import normalise_uscc

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
ShortText = Annotated[str, Field(min_length=1, max_length=300)]
Uscc = Annotated[str, AfterValidator(normalise_uscc)]


class _Facts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Organisation(_Facts):
    """An organisation named in a document: issuer, addressee, court, commission."""

    name: ShortText
    abbr: str | None = Field(default=None, max_length=12)  # 机关代字 printed in the 文号, e.g. "浦"
    address: ShortText | None = None
    phone: str | None = Field(default=None, max_length=40)


class Employer(_Facts):
    """The employer's particulars (LDMAL Art. 28 (1)): name, address, legal representative."""

    name: ShortText
    uscc: Uscc | None = None
    address: ShortText | None = None
    legal_representative: ShortText | None = None
    legal_representative_title: ShortText | None = None
    phone: str | None = Field(default=None, max_length=40)


class DeadlineNote(_Facts):
    """A deadline with the explanation the statutory clock produced (rule id, counting)."""

    due_on: date
    explanation_zh: Text
    rule_id: str | None = Field(default=None, max_length=8)


class Signatory(_Facts):
    name: ShortText
    title: ShortText


class Contact(_Facts):
    name: ShortText
    phone: str = Field(min_length=3, max_length=40)


class EvidenceItem(_Facts):
    """One line of an evidence list: what it is, where it comes from, what it proves."""

    name: ShortText
    source: ShortText
    purpose: Text
    pages: int | None = Field(default=None, ge=1, le=10_000)
    original: bool | None = None  # True 原件, False 复印件, None not stated


class Instalment(_Facts):
    amount: Money
    due_on: date
    method_zh: ShortText | None = None


class Violation(_Facts):
    provision_zh: ShortText
    description: Text


class Attendee(_Facts):
    role_zh: ShortText
    name: ShortText


class RecordEntry(_Facts):
    speaker_zh: ShortText
    text: Text


class MediationHistory(_Facts):
    org_name: ShortText
    applied_on: date
    ended_on: date
    outcome_zh: Text


class AgreementReference(_Facts):
    mediation_org_name: ShortText
    signed_on: date
    terms_zh: Text
    document_no: str | None = Field(default=None, max_length=60)


class OrderToPay(_Facts):
    issued_by: ShortText
    issued_on: date
    due_on: date
    document_no: str | None = Field(default=None, max_length=60)


class Investigation(_Facts):
    # at least two supervisors showing their cards (Zhejiang P18 Art. 20)
    supervisors: list[ShortText] = Field(min_length=2)
    completed_on: date
    record_no: str | None = Field(default=None, max_length=60)


class OpinionNoticeReference(_Facts):
    document_no: str = Field(min_length=1, max_length=60)
    served_on: date
    reply_due_on: date


# --- documents for workers ---------------------------------------------------------------


class CaseReceiptFacts(_Facts):
    access_code: str = Field(min_length=4, max_length=40)
    receiving_org: Organisation
    received_on: date
    received_zh: ShortText = "劳动争议调解申请"
    status_url: ShortText
    next_deadline: DeadlineNote | None = None
    notes: list[Text] = Field(default_factory=list)


class MediationApplicationFacts(_Facts):
    mediation_org: Organisation
    requests: list[Text] = Field(default_factory=list)  # empty: one request per claim
    facts_and_reasons: Text | None = None  # empty: the worker's own account from the intake


class ArbitrationApplicationFacts(_Facts):
    commission: Organisation
    mediation: MediationHistory | None = None
    evidence: list[EvidenceItem] = Field(default_factory=list)  # empty: the case's evidence
    facts_and_reasons: Text | None = None


class LegalAidApplicationFacts(_Facts):
    legal_aid_org: Organisation
    aid_matter_zh: ShortText  # e.g. 劳动争议仲裁代理 (Legal Aid Law Art. 22)
    proceeding_zh: Text
    means_test_exempt_reason_zh: Text | None = None  # Legal Aid Law Art. 42
    monthly_income: Money | None = None


class PaymentOrderApplicationFacts(_Facts):
    court: Organisation
    agreement: AgreementReference
    amount_claimed: Money
    performance_due_on: date
    amount_paid: Money = Decimal(0)
    evidence: list[EvidenceItem] = Field(default_factory=list)


class EvidenceListFacts(_Facts):
    submitted_to: Organisation
    proceeding_zh: ShortText
    evidence: list[EvidenceItem] = Field(default_factory=list)  # empty: the case's evidence


# --- documents for mediators ---------------------------------------------------------------


class MediationAgreementFacts(_Facts):
    mediation_org: Organisation
    mediator: ShortText
    dispute_summary: Text
    terms: list[Text] = Field(min_length=1)
    signed_on: date
    responsibilities_zh: Text | None = None
    instalments: list[Instalment] = Field(default_factory=list)
    total_amount: Money | None = None
    copies: int = Field(default=3, ge=2, le=10)


class MediationTerminationFacts(_Facts):
    mediation_org: Organisation
    mediator: ShortText
    received_on: date
    ended_on: date
    reason_zh: Text
    arbitration_commission: Organisation
    limitation_note_zh: Text | None = None


class JudicialConfirmationFacts(_Facts):
    court: Organisation
    mediation_org: Organisation
    agreement_signed_on: date
    terms: list[Text] = Field(min_length=1)
    apply_by: DeadlineNote
    agreement_no: str | None = Field(default=None, max_length=60)


class MediationRecordFacts(_Facts):
    mediation_org: Organisation
    mediator: ShortText
    recorder: ShortText
    started_at: datetime
    place: ShortText
    attendees: list[Attendee] = Field(min_length=1)
    entries: list[RecordEntry] = Field(min_length=1)
    outcome_zh: Text
    ended_at: datetime | None = None


# --- documents for union legal staff (一函两书 and referrals) -------------------------------


class SupervisionLetterFacts(_Facts):
    """Fields shared by the union's letters (rules 7.3, proposed fields)."""

    issuer: Organisation
    findings: list[Text] = Field(min_length=1)
    legal_basis: list[ShortText] = Field(min_length=1)
    requests: list[Text] = Field(min_length=1)
    addressee: ShortText | None = None  # empty: the employer's name
    employer: Employer | None = None  # required for matter: subjects (no case row to join)
    reply_due: DeadlineNote | None = None
    contact: Contact | None = None
    signatory: Signatory | None = None
    cc: list[ShortText] = Field(default_factory=list)
    attachments: list[ShortText] = Field(default_factory=list)


class ReminderLetterFacts(SupervisionLetterFacts):
    pass


class OpinionNoticeFacts(SupervisionLetterFacts):
    investigation: Investigation
    violations: list[Violation] = Field(min_length=1)
    reply_due: DeadlineNote
    reply_channel_zh: Text
    consequences_zh: Text
    signatory: Signatory


class RecommendationNoticeFacts(SupervisionLetterFacts):
    opinion_notice: OpinionNoticeReference
    non_compliance_zh: Text
    violations: list[Violation] = Field(min_length=1)
    reply_due: DeadlineNote


class LeadTransferFacts(SupervisionLetterFacts):
    workers_affected: int = Field(ge=1, le=100_000)
    arrears_total: Money
    arrears_period_zh: ShortText
    order_to_pay: OrderToPay
    suspected_offence_zh: ShortText = "拒不支付劳动报酬罪（《中华人民共和国刑法》第二百七十六条之一）"


class InspectionReferralFacts(SupervisionLetterFacts):
    pass


class CaseTransferFacts(_Facts):
    """移送函: a case handed from one agency to another (a referral), with what travels with it."""

    issuer: Organisation
    addressee: ShortText
    kind_zh: ShortText  # what the hand-over is, e.g. 移送劳动人事争议仲裁委员会
    reason_zh: Text
    basis: ShortText
    acknowledge_by: date
    decision_zh: ShortText | None = None  # the receiver's own statutory period, in words
    attachments: list[ShortText] = Field(default_factory=list)
    contact: Contact | None = None
    signatory: Signatory | None = None
    cc: list[ShortText] = Field(default_factory=list)


# --- for administrators ----------------------------------------------------------------------


class CaseSummaryFacts(_Facts):
    prepared_for_zh: ShortText = "系统管理员"
    notes: list[Text] = Field(default_factory=list)


# --- the parties' notices (invitation to mediate, sessions and hearings) ---------------------------


class _PartyLetterFacts(_Facts):
    """What the letter layout (`_letter.html`) reads besides each letter's own facts."""

    issuer: Organisation
    addressee: ShortText
    basis: ShortText
    attachments: list[ShortText] = Field(default_factory=list)
    contact: Contact | None = None
    signatory: Signatory | None = None
    cc: list[ShortText] = Field(default_factory=list)


class MediationInvitationFacts(_PartyLetterFacts):
    """调解邀请函: the letter for post inviting one respondent to mediate (its link is sent by message)."""

    role_zh: ShortText
    received_on: date
    answer_due: date


class SittingNoticeFacts(_PartyLetterFacts):
    """调解/开庭通知书: when and where a session or hearing is, whom it summons, and what follows absence."""

    kind_zh: ShortText  # 调解 / 仲裁开庭
    starts_at: ShortText  # "2026-11-07 09:30" (Beijing time)
    minutes: int = Field(ge=15, le=480)
    place: ShortText
    summoned: list[ShortText] = Field(min_length=1)
    consequence_zh: Text | None = None
    changed_zh: Text | None = None  # a postponement or move: why


class PowerOfAttorneyFacts(_Facts):
    """授权委托书: the worker authorises an agent for this case, with the acts it may take."""

    agent_name: ShortText
    agent_kind_zh: ShortText
    agent_mobile: ShortText  # masked
    powers_zh: list[ShortText] = Field(default_factory=list)
    special: bool = False
    basis: ShortText
    special_basis: ShortText
    authorised_on: date
