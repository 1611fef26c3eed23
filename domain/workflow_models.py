"""Inputs, results and live views of the workflows (one frozen model each; new fields get defaults)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.actions import AgreementTerms, AwardRecord, Judgment
from domain.calendar import CalendarYear
from domain.case import CaseFacts, Channel, Stage
from domain.deadlines import Deadline
from domain.final_award import Classification
from domain.organisations import Agency
from domain.parties import Respondent
from domain.records import DeadlineStatus, TaskStatus


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class CaseContext(Frozen):
    """What every child workflow of a case needs to run its clocks and tasks."""

    case_no: str
    region: str
    jurisdiction: str
    team_code: str | None = None
    calendar_years: tuple[CalendarYear, ...] = ()
    shift_days: int = 0
    shift_seconds: int = 0  # finer shift for reliability tests and benchmarks (timers due within seconds)
    team_names: dict[str, str] = Field(default_factory=dict)  # team code -> name printed on documents
    teams: dict[str, str] = Field(default_factory=dict)  # Agency -> the team holding it in the case's region

    @property
    def subject(self) -> str:
        return f"case:{self.case_no}"

    def team_for(self, agency: str) -> str | None:
        """The team that holds `agency`'s tasks for this case (cases started before agencies had teams: the case's team)."""
        return self.teams.get(agency) or self.team_code


class Carry(Frozen):
    """What one step of the case hands to the next (kept across continue-as-new)."""

    agreement: AgreementTerms | None = None
    unpaid: Decimal | None = None
    award: AwardRecord | None = None
    classification: Classification | None = None
    arbitration_applied_on: date | None = None
    suit_filed_on: date | None = None
    suit_origin: str | None = None
    title_zh: str | None = None
    title_en: str | None = None
    effective_on: date | None = None
    direct_application: bool = False  # a referral was withdrawn: the worker applies to the next agency directly


class DisputeStep(StrEnum):
    """The steps of a case: each runs one channel or waits for the worker's choice, then names the next."""

    mediation = "mediation"
    agreement = "agreement"
    payment_order = "payment_order"
    choose_arbitration = "choose_arbitration"
    arbitration = "arbitration"
    post_award = "post_award"
    choose_suit = "choose_suit"
    litigation = "litigation"
    enforcement = "enforcement"
    inspection = "inspection"
    work_injury = "work_injury"
    withdrawn = "withdrawn"


class DisputeProgress(Frozen):
    """State carried across continue-as-new."""

    stage: Stage
    channel: Channel | None
    step: DisputeStep
    seq: int
    carry: Carry
    children: dict[str, int] = Field(default_factory=dict)
    mediation: MediationHistory | None = None
    legal_aid_id: str | None = None


class DisputeInput(Frozen):
    facts: CaseFacts
    access_code: str = Field(repr=False)
    team_code: str | None = None
    teams: dict[str, str] = Field(default_factory=dict)  # channel -> team code (mediation organisations)
    team_names: dict[str, str] = Field(default_factory=dict)  # team code -> name printed on documents
    status_url: str = "/status"
    calendar_years: tuple[CalendarYear, ...] = ()
    shift_days: int = 0  # simulations only
    shift_seconds: int = 0  # reliability tests and benchmarks only
    search_attributes: bool = True  # False on the time-skipping test server (it has no custom attributes)
    progress: DisputeProgress | None = None


class DisputeResult(Frozen):
    case_no: str
    stage: Stage
    closed_on: date
    summary_zh: str
    summary_en: str


class MediationOutcome(StrEnum):
    agreement = "agreement"
    failed = "failed"
    expired = "expired"
    refused = "refused"
    withdrawn = "withdrawn"


class MediationInput(Frozen):
    ctx: CaseContext
    channel: Channel
    received_on: date
    court_variant: str | None = None  # court-invited: "pre_filing" (D39) or "ordinary"/"simplified" (D40)
    period_rule: str | None = None  # within another proceeding: its own period (D21 before an arbitration hearing)
    team_code: str | None = None  # the mediation organisation's team, when it works in labourflow
    organisation: str = "劳动争议调解组织"  # printed on its documents
    limitation: Deadline | None = None  # told to the worker when mediation ends without agreement
    respondents: tuple[Respondent, ...] = ()  # invited through their links when mediation opens (pre-arbitration only)


class MediationResult(Frozen):
    outcome: MediationOutcome
    ended_on: date
    agreement: AgreementTerms | None = None


class AgreementOutcome(StrEnum):
    performed = "performed"
    default_pay = "default_pay"  # pay-type items unpaid: payment order (LDMAL Art. 16)
    default_other = "default_other"  # other default: arbitration (LDMAL Art. 15)
    default_confirmed = "default_confirmed"  # confirmed agreement unpaid: enforcement (CPL Art. 206)


class AgreementInput(Frozen):
    ctx: CaseContext
    agreement: AgreementTerms
    channel: Channel
    organisation: str = "劳动争议调解组织"


class AgreementResult(Frozen):
    outcome: AgreementOutcome
    noted_on: date
    unpaid: Decimal = Decimal(0)
    confirmed: bool = False


class PaymentOrderOutcome(StrEnum):
    paid = "paid"
    objection = "objection"  # procedure ends; the worker may sue on the agreement (Interp. I Art. 13)
    enforceable = "enforceable"
    refused = "refused"


class PaymentOrderInput(Frozen):
    ctx: CaseContext
    applied_on: date
    amount: Decimal
    agreement: AgreementTerms | None = None
    organisation: str = "劳动争议调解组织"


class PaymentOrderResult(Frozen):
    outcome: PaymentOrderOutcome
    noted_on: date


class ArbitrationOutcome(StrEnum):
    award = "award"
    settled = "settled"  # 仲裁调解书 signed by both (LDMAL Art. 42)
    refused = "refused"  # not accepted: may sue (Art. 29)
    no_decision = "no_decision"  # no acceptance decision in 5 days: may sue (Art. 29)
    late_award = "late_award"  # no award within 45 (+15) days: may sue (Art. 43)
    withdrawn = "withdrawn"


class MediationHistory(Frozen):
    organisation: str
    received_on: date
    ended_on: date
    outcome: str
    channel: str = "union_mediation"  # which mediation it was (the sender if the case is referred on)


class ArbitrationInput(Frozen):
    ctx: CaseContext
    applied_on: date
    mediation: MediationHistory | None = None
    respondents: tuple[Respondent, ...] = ()  # summoned to the hearings


class ArbitrationResult(Frozen):
    outcome: ArbitrationOutcome
    noted_on: date
    award: AwardRecord | None = None
    classification: Classification | None = None


class PostAwardOutcome(StrEnum):
    effective = "effective"  # no challenge in time: the award binds
    suit = "suit"  # a party sued in time: litigation
    revoked = "revoked"  # intermediate court revoked a final award: 15 days to sue (Art. 49)


class PostAwardInput(Frozen):
    ctx: CaseContext
    award: AwardRecord
    classification: Classification


class PostAwardResult(Frozen):
    outcome: PostAwardOutcome
    noted_on: date
    suit_filed_on: date | None = None
    suit_by: str | None = None


class LitigationOutcome(StrEnum):
    for_worker = "for_worker"
    for_employer = "for_employer"
    withdrawn = "withdrawn"
    settled = "settled"  # an agreement reached in mediation the court entrusted (委托调解), confirmed by the court


class LitigationInput(Frozen):
    ctx: CaseContext
    filed_on: date
    origin: str  # "award", "late_arbitration", "revocation", "agreement", "wage_iou", "payment_order_objection"
    procuratorate_support: bool = False
    respondents: tuple[Respondent, ...] = ()  # summoned to the hearings with the worker


class LitigationResult(Frozen):
    outcome: LitigationOutcome
    effective_on: date
    judgment: Judgment | None = None


class EnforcementOutcome(StrEnum):
    performed = "performed"  # paid voluntarily
    satisfied = "satisfied"  # enforced by the court
    lapsed = "lapsed"  # 2-year period passed without application (CPL Art. 250)
    refused = "refused"  # non-enforcement ruling: 30 days to sue (Interp. I Art. 24)


class EnforcementInput(Frozen):
    ctx: CaseContext
    title_zh: str
    title_en: str
    effective_on: date
    perform_by: date | None = None


class EnforcementResult(Frozen):
    outcome: EnforcementOutcome
    noted_on: date


class LegalAidInput(Frozen):
    ctx: CaseContext
    applied_on: date
    without_means_test: bool = False
    proceeding_zh: str = "劳动争议调解、仲裁"


class LegalAidResult(Frozen):
    granted: bool
    noted_on: date
    lawyer: str | None = None
    advance: bool = False


class InspectionOutcome(StrEnum):
    paid = "paid"
    not_accepted = "not_accepted"
    redirected = "redirected"  # a matter for the dispute procedure (Regulation Art. 21)
    referred_to_police = "referred_to_police"
    unpaid = "unpaid"


class InspectionInput(Frozen):
    ctx: CaseContext
    complained_on: date
    amount: Decimal = Decimal(0)
    worker_count: int = 1


class InspectionResult(Frozen):
    outcome: InspectionOutcome
    noted_on: date


class CriminalReferralOutcome(StrEnum):
    """How the matter ended after the police declined a case labour inspection transferred to them."""

    filed_under_supervision = "filed_under_supervision"  # the police opened a case under the procuratorate's supervision
    non_filing_upheld = "non_filing_upheld"  # the procuratorate found the police's reasons sound
    supervision_refused = "supervision_refused"  # the procuratorate's refusal became final
    not_pursued = "not_pursued"  # labour inspection went no further
    lapsed = "lapsed"  # the last day for the next request (D68) passed unused


class CriminalReferralInput(Frozen):
    """The police declined a case labour inspection transferred: what may follow (`criminal-referral`)."""

    ctx: CaseContext
    declined_on: date  # the day labour inspection received the non-filing decision
    reason: str = ""


class CriminalReferralResult(Frozen):
    outcome: CriminalReferralOutcome
    ended_on: date


class ProcuratorateInput(Frozen):
    ctx: CaseContext
    requested_on: date
    groups: tuple[str, ...] = ()


class ProcuratorateResult(Frozen):
    supported: bool
    noted_on: date


class WorkInjuryInput(Frozen):
    ctx: CaseContext
    injured_on: date


class WorkInjuryResult(Frozen):
    recognised: bool
    noted_on: date


class DeadlineView(Frozen):
    key: str
    status: DeadlineStatus
    deadline: Deadline


class TaskView(Frozen):
    task_id: str
    kind: str
    title_zh: str
    title_en: str
    actions: tuple[str, ...]
    due_on: date | None
    assignee: str | None
    status: TaskStatus


class WorkflowView(Frozen):
    workflow_id: str
    workflow_type: str
    status: str
    deadlines: tuple[DeadlineView, ...] = ()
    tasks: tuple[TaskView, ...] = ()


class WorkerOption(Frozen):
    """An action open to the worker now, and the last day to take it (when the law sets one)."""

    action: str
    label_zh: str
    label_en: str
    last_day: date | None = None
    rule: str | None = None


class CaseView(Frozen):
    """The dispute workflow's live state for pages and the API."""

    case_no: str
    stage: Stage
    channel: Channel | None
    worker_options: tuple[WorkerOption, ...]
    guidance_zh: str
    guidance_en: str
    workflow: WorkflowView
    children: tuple[str, ...] = ()


class HandOver(Frozen):
    """A channel hands the case to another agency within its stage (the court to its invited mediators,
    the commission to a mediator before the hearing), or takes it back (`agency` None), on a day."""

    agency: Agency | None
    team: str | None = None
    on: date


class Milestone(Frozen):
    """A child tells the case workflow something the worker must hear (e.g. 'you may now sue')."""

    kind: str
    zh: str
    en: str
    options: tuple[WorkerOption, ...] = ()
