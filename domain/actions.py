"""What people do to a case: staff actions on tasks and the worker's own actions, with their payloads.

Each action is a Workflow Update; its payload is validated against the model named here before the
workflow accepts it, so a malformed or repeated action is refused and leaves no trace.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.case import ClaimKind
from domain.fact_dates import OptionalPastDate, PastDate, PlannedDate


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Actor(Frozen):
    """Who acts: a staff member (with role and team), the worker of the case, or the system."""

    kind: Literal["staff", "worker", "system", "employer"]
    username: str | None = None
    role: str | None = None
    team_code: str | None = None
    display_name: str = ""

    @property
    def label(self) -> str:
        return self.display_name or self.username or self.kind


SYSTEM = Actor(kind="system", display_name="系统 / system")


class AttachedFile(Frozen):
    """An agency adds a stored file to the case (its id only; the bytes stay in the object store)."""

    evidence_id: str = Field(min_length=1, max_length=36)
    actor: Actor
    task_id: str | None = None  # the task it was attached for, when there is one


class TaskAction(Frozen):
    """A staff member acts on an open task (e.g. records the mediation outcome)."""

    task_id: str
    action: str
    actor: Actor
    payload: dict[str, Any] = Field(default_factory=dict)


class WorkerActionKind(StrEnum):
    accept_mediation = "accept_mediation"
    refuse_mediation = "refuse_mediation"
    choose_arbitration = "choose_arbitration"
    apply_legal_aid = "apply_legal_aid"
    add_evidence = "add_evidence"
    withdraw = "withdraw"
    sue = "sue"
    apply_enforcement = "apply_enforcement"


class WorkerAction(Frozen):
    """The worker acts on their own case (choose arbitration, apply for legal aid, withdraw...)."""

    action: WorkerActionKind
    payload: dict[str, Any] = Field(default_factory=dict)
    acted_by: str = ""  # an agent acting for the worker (recorded with the act); empty: the worker


class ActionResult(Frozen):
    """What an accepted action did, shown at once to the person who acted."""

    message_zh: str
    message_en: str
    document_ids: tuple[str, ...] = ()


# ---- payloads -------------------------------------------------------------------------------


class Note(Frozen):
    """An action that needs only a date and optional remarks."""

    on: PastDate
    remarks: str = Field(default="", max_length=1000)


class SessionRecord(Frozen):
    held_on: PastDate
    attendees: str = Field(min_length=1, max_length=500)
    summary: str = Field(min_length=1, max_length=4000)


class AgreementItem(Frozen):
    kind: ClaimKind
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)


class Instalment(Frozen):
    due_on: PlannedDate
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)


class AgreementTerms(Frozen):
    """A signed 调解协议书 (LDMAL Art. 14): what the employer pays, when."""

    signed_on: PastDate
    terms: str = Field(min_length=1, max_length=4000)
    items: tuple[AgreementItem, ...] = Field(min_length=1)
    instalments: tuple[Instalment, ...] = ()

    @model_validator(mode="after")
    def _instalments_add_up(self) -> AgreementTerms:
        total = sum((item.amount for item in self.items), Decimal(0))
        if self.instalments and sum((i.amount for i in self.instalments), Decimal(0)) != total:
            raise ValueError(f"instalments must add up to the agreed total {total}")
        if any(i.due_on < self.signed_on for i in self.instalments):
            raise ValueError("an instalment cannot fall due before the agreement is signed")
        return self

    @property
    def total(self) -> Decimal:
        return sum((item.amount for item in self.items), Decimal(0))


class MediationFailure(Frozen):
    ended_on: PastDate
    reason: str = Field(min_length=1, max_length=1000)


class PeriodExtension(Frozen):
    """Both parties agree to extend mediation (Zhejiang regulation Art. 10; court mediation)."""

    agreed_on: PastDate
    days: int = Field(ge=1, le=30)
    reason: str = Field(default="", max_length=500)


class ConfirmationRoute(StrEnum):
    judicial_confirmation = "judicial_confirmation"
    arbitration_review = "arbitration_review"


class ConfirmationFiling(Frozen):
    route: ConfirmationRoute
    filed_on: PastDate
    body: str = Field(min_length=1, max_length=200, description="court or arbitration commission")


class Ruling(Frozen):
    """A yes/no decision of an agency (confirmation, acceptance, revocation, legal aid...)."""

    decided_on: PastDate
    granted: bool
    reason: str = Field(default="", max_length=1000)
    received_on: OptionalPastDate = None


class PaymentRecord(Frozen):
    paid_on: PastDate
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)


class HearingSchedule(Frozen):
    hearing_on: PlannedDate
    notice_served_on: PastDate


class AwardStatement(StrEnum):
    final = "final"
    non_final = "non_final"
    unstated = "unstated"


class AwardItem(Frozen):
    kind: ClaimKind
    claimed: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    granted: Decimal = Field(ge=0, max_digits=14, decimal_places=2)


class AwardRecord(Frozen):
    """The tribunal's award (LDMAL Art. 46): items granted, dates, and what the award says of itself."""

    awarded_on: PastDate
    received_on: PastDate
    items: tuple[AwardItem, ...] = Field(min_length=1)
    statement: AwardStatement = AwardStatement.unstated

    @model_validator(mode="after")
    def _received_after_award(self) -> AwardRecord:
        if self.received_on < self.awarded_on:
            raise ValueError("received_on cannot be before awarded_on")
        return self


class Suspension(Frozen):
    start_on: PastDate
    reason: str = Field(min_length=1, max_length=500)


class SuitFiled(Frozen):
    filed_on: PastDate
    by: Literal["worker", "employer"] = "worker"
    court: str = Field(default="", max_length=200)


class Judgment(Frozen):
    judged_on: PastDate
    served_on: PastDate
    for_worker: bool
    amount: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    remarks: str = Field(default="", max_length=1000)


class LawyerAssignment(Frozen):
    assigned_on: PastDate
    lawyer: str = Field(min_length=1, max_length=100)
    firm: str = Field(default="", max_length=200)
    lawyer_username: str | None = Field(default=None, max_length=64, description="the lawyer's account: they may then read this case")


class OrderToPay(Frozen):
    """责令支付: labour inspection orders the employer to pay by a date (Regulation Art. 26)."""

    ordered_on: PastDate
    pay_by: PlannedDate
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2, description="the total the order covers")
    worker_count: int = Field(default=1, ge=1)
    months_unpaid: int = Field(default=1, ge=0, description="how many months of wages the order covers")
    most_owed_to_one: Decimal | None = Field(
        default=None,
        gt=0,
        max_digits=14,
        decimal_places=2,
        description="the most owed to any one of the workers (SPC 2013 Interpretation Art. 3(1) weighs one worker's"
        " pay); for one worker it is the amount",
    )

    @model_validator(mode="after")
    def _pay_by_after_order(self) -> OrderToPay:
        if self.pay_by < self.ordered_on:
            raise ValueError("pay_by cannot be before ordered_on")
        owed = self.most_owed_to_one
        if owed is not None and not (self.amount <= owed * self.worker_count and owed <= self.amount):
            raise ValueError(
                f"most_owed_to_one ({owed}) must lie between the amount shared equally"
                f" ({self.amount} / {self.worker_count}) and the whole amount ({self.amount})"
            )
        return self


class EvidenceRef(Frozen):
    evidence_id: str = Field(min_length=1, max_length=36)


class Withdrawal(Frozen):
    reason: str = Field(default="", max_length=500)


class ArbitrationChoice(Frozen):
    filed_on: OptionalPastDate = None


class InspectionRequest(Frozen):
    """A mediator or arbitrator refers a suspected violation to labour inspection (the dispute goes on)."""

    on: PastDate
    suspicion: str = Field(min_length=1, max_length=1000, description="what the employer appears to breach")


class LegalAidReferral(Frozen):
    """Any channel's staff refer the worker to the legal-aid centre (the proceeding goes on)."""

    on: PastDate
    reason: str = Field(min_length=1, max_length=1000, description="why the worker needs a lawyer (e.g. a migrant worker claiming pay)")


class SupportReferral(Frozen):
    """The court asks the procuratorate to support the worker's suit (支持起诉, CPL Art. 15): e.g. a
    worker of a vulnerable group facing an employer that withholds the evidence."""

    on: PastDate
    reason: str = Field(min_length=1, max_length=1000, description="why the worker needs the procuratorate's support")


class MediationEntrustment(Frozen):
    """The case is put to mediators within a proceeding, with both parties' consent: the court's invited
    mediators before filing (委派) or after (委托), or a mediation organisation before the arbitration hearing."""

    on: PastDate
    remarks: str = Field(default="", max_length=1000)


class PoliceExplanation(Frozen):
    """The police's written reasons for not opening a case, asked for by the procuratorate (P20 §10)."""

    on: PastDate
    reason: str = Field(min_length=1, max_length=2000, description="the police's reasons for not opening a case")
