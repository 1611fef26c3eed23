"""The action catalogue: every action a person takes on a case or a supervision matter, decided once.

- Staff actions, by the workflow whose tasks offer them: the payload model the action takes, the
  roles that may take it, and whether it completes the task. Workflows declare their handlers with
  `@action(Mediation.record_session)`, the API builds its forms and validates payloads from the same
  entries, so a name cannot be misspelt in one place and not the other (an unknown attribute fails
  at import, not at run time).
- The worker's own actions: their payload models, and which are open at a given point of the case
  (`open_worker_actions`). The case workflow's validator and the projection the pages read both use
  that one function.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from domain import supervision as sv
from domain.actions import (
    AgreementTerms,
    ArbitrationChoice,
    AwardRecord,
    ConfirmationFiling,
    EvidenceRef,
    HearingSchedule,
    InspectionRequest,
    Judgment,
    LawyerAssignment,
    LegalAidReferral,
    MediationEntrustment,
    MediationFailure,
    Note,
    OrderToPay,
    PaymentRecord,
    PeriodExtension,
    PoliceExplanation,
    Ruling,
    SessionRecord,
    SuitFiled,
    SupportReferral,
    Suspension,
    Withdrawal,
    WorkerActionKind,
)
from domain.case import Stage
from domain.referrals import ReferralAnswer, ReferralResend, ReferralReturn
from domain.roles import (
    ARBITRATION_INTAKE,
    ARBITRATORS,
    CASEWORK_ROLES,
    COMMISSION_HEAD,
    COURT_INTAKE,
    ENFORCEMENT,
    INSPECTORS,
    JUDGES,
    LEGAL_AID,
    POLICE,
    PROCURATORS,
    RECEIVERS,
    SENDERS,
    UNION_ROLES,
    Role,
)
from domain.sittings import Attendance, ConsequenceDecision, SittingChange, SittingSchedule
from domain.workflow_models import WorkerOption


@dataclass(frozen=True)
class StaffAction:
    """One action on a task: its name, payload model, who may take it, and whether it completes the task."""

    name: str
    payload: type[BaseModel]
    roles: tuple[Role, ...] = CASEWORK_ROLES
    closes: bool = True


def _staff(name: str, payload: type[BaseModel], *, roles: tuple[Role, ...] = CASEWORK_ROLES, closes: bool = True) -> StaffAction:
    return StaffAction(name, payload, roles, closes)


class Mediation:
    record_session = _staff("record_session", SessionRecord, closes=False)
    record_agreement = _staff("record_agreement", AgreementTerms)
    record_failure = _staff("record_failure", MediationFailure)
    extend_period = _staff("extend_period", PeriodExtension, closes=False)
    refer_to_inspection = _staff("refer_to_inspection", InspectionRequest, closes=False)
    refer_to_legal_aid = _staff("refer_to_legal_aid", LegalAidReferral, closes=False)
    schedule_session = _staff("schedule_session", SittingSchedule, closes=False)
    change_session = _staff("change_session", SittingChange, closes=False)
    record_session_attendance = _staff("record_session_attendance", Attendance, closes=False)


class Agreement:
    file_confirmation = _staff("file_confirmation", ConfirmationFiling)
    skip_confirmation = _staff("skip_confirmation", Note)
    record_ruling = _staff("record_ruling", Ruling, roles=(Role.judge, Role.arbitrator, Role.supervisor))
    record_payment = _staff("record_payment", PaymentRecord, closes=False)
    record_default = _staff("record_default", Note)
    refer_to_legal_aid = _staff("refer_to_legal_aid", LegalAidReferral, roles=(*CASEWORK_ROLES, Role.judge), closes=False)


class PaymentOrder:
    record_acceptance = _staff("record_acceptance", Ruling, roles=COURT_INTAKE)
    record_issue = _staff("record_issue", Ruling, roles=JUDGES)
    record_paid = _staff("record_paid", Note, roles=JUDGES)
    record_objection = _staff("record_objection", Note, roles=JUDGES)
    refer_to_legal_aid = _staff("refer_to_legal_aid", LegalAidReferral, roles=JUDGES, closes=False)


class Arbitration:
    record_acceptance = _staff("record_acceptance", Ruling, roles=ARBITRATION_INTAKE)
    record_application_service = _staff("record_application_service", Note, roles=ARBITRATION_INTAKE, closes=False)
    schedule_hearing = _staff("schedule_hearing", HearingSchedule, roles=ARBITRATORS, closes=False)
    suspend = _staff("suspend", Suspension, roles=ARBITRATORS, closes=False)
    resume = _staff("resume", Note, roles=ARBITRATORS, closes=False)
    change_claims = _staff("change_claims", Note, roles=ARBITRATORS, closes=False)
    extend_award_period = _staff("extend_award_period", Note, roles=COMMISSION_HEAD, closes=False)
    record_advance_execution = _staff("record_advance_execution", Ruling, roles=ARBITRATORS, closes=False)
    record_award = _staff("record_award", AwardRecord, roles=ARBITRATORS)
    record_settlement = _staff("record_settlement", Note, roles=ARBITRATORS)
    refer_to_inspection = _staff("refer_to_inspection", InspectionRequest, roles=ARBITRATORS, closes=False)
    refer_to_legal_aid = _staff("refer_to_legal_aid", LegalAidReferral, roles=ARBITRATORS, closes=False)
    entrust_pre_hearing_mediation = _staff("entrust_pre_hearing_mediation", MediationEntrustment, roles=ARBITRATORS, closes=False)
    set_hearing = _staff("set_hearing", SittingSchedule, roles=ARBITRATORS, closes=False)
    change_hearing = _staff("change_hearing", SittingChange, roles=ARBITRATORS, closes=False)
    record_hearing_attendance = _staff("record_hearing_attendance", Attendance, roles=ARBITRATORS, closes=False)
    confirm_consequence = _staff("confirm_consequence", ConsequenceDecision, roles=ARBITRATORS)
    serve_electronically = _staff("serve_electronically", Note, roles=(Role.arbitration_clerk, *ARBITRATORS), closes=False)


class PostAward:
    record_suit = _staff("record_suit", SuitFiled, roles=COURT_INTAKE)
    record_revocation_application = _staff("record_revocation_application", Note, roles=COURT_INTAKE, closes=False)
    record_revocation_ruling = _staff("record_revocation_ruling", Ruling, roles=JUDGES)


class Litigation:
    record_filing = _staff("record_filing", Ruling, roles=COURT_INTAKE)
    delegate_mediation = _staff("delegate_mediation", MediationEntrustment, roles=COURT_INTAKE)
    record_judgment = _staff("record_judgment", Judgment, roles=JUDGES)
    record_appeal = _staff("record_appeal", SuitFiled, roles=COURT_INTAKE)
    record_second_judgment = _staff("record_second_judgment", Judgment, roles=JUDGES)
    entrust_mediation = _staff("entrust_mediation", MediationEntrustment, roles=JUDGES, closes=False)
    refer_to_legal_aid = _staff("refer_to_legal_aid", LegalAidReferral, roles=JUDGES, closes=False)
    refer_to_procuratorate = _staff("refer_to_procuratorate", SupportReferral, roles=JUDGES, closes=False)
    set_court_hearing = _staff("set_court_hearing", SittingSchedule, roles=JUDGES, closes=False)
    change_court_hearing = _staff("change_court_hearing", SittingChange, roles=JUDGES, closes=False)
    record_court_attendance = _staff("record_court_attendance", Attendance, roles=JUDGES, closes=False)


class Enforcement:
    record_performed = _staff("record_performed", Note, roles=ENFORCEMENT)
    record_enforcement_application = _staff("record_enforcement_application", Note, roles=ENFORCEMENT, closes=False)
    record_enforcement_result = _staff("record_enforcement_result", Ruling, roles=ENFORCEMENT)
    refer_to_legal_aid = _staff("refer_to_legal_aid", LegalAidReferral, roles=ENFORCEMENT, closes=False)


class Inspection:
    record_acceptance = _staff("record_acceptance", Ruling, roles=INSPECTORS)
    extend_investigation = _staff("extend_investigation", Note, roles=INSPECTORS, closes=False)
    order_to_pay = _staff("order_to_pay", OrderToPay, roles=INSPECTORS)
    close_redirected = _staff("close_redirected", Note, roles=INSPECTORS)
    record_paid = _staff("record_paid", Note, roles=INSPECTORS)
    record_unpaid = _staff("record_unpaid", Note, roles=INSPECTORS)
    record_police_decision = _staff("record_police_decision", Ruling, roles=POLICE)
    refer_to_legal_aid = _staff("refer_to_legal_aid", LegalAidReferral, roles=INSPECTORS, closes=False)


class LegalAid:
    record_decision = _staff("record_decision", Ruling, roles=LEGAL_AID)
    record_lawyer = _staff("record_lawyer", LawyerAssignment, roles=LEGAL_AID)


class Procuratorate:
    record_decision = _staff("record_decision", Ruling, roles=PROCURATORS)


class CriminalReferral:
    """After the police decline a transferred case: labour inspection's requests (which one follows which
    refusal is `domain.referrals.REFUSALS`), and the procuratorate's filing supervision (P20 §10)."""

    request_filing_supervision = _staff("request_filing_supervision", Note, roles=INSPECTORS)
    request_reconsideration = _staff("request_reconsideration", Note, roles=INSPECTORS)
    request_review = _staff("request_review", Note, roles=INSPECTORS)
    close_criminal_referral = _staff("close_criminal_referral", Note, roles=INSPECTORS)
    require_explanation = _staff("require_explanation", Note, roles=PROCURATORS)
    record_explanation = _staff("record_explanation", PoliceExplanation, roles=PROCURATORS)
    accept_explanation = _staff("accept_explanation", Note, roles=PROCURATORS)
    notice_to_file = _staff("notice_to_file", Note, roles=PROCURATORS)
    record_police_filed = _staff("record_police_filed", Note, roles=PROCURATORS)


class WorkInjury:
    record_application = _staff("record_application", Note)
    record_determination = _staff("record_determination", Ruling)


class Supervision:
    record_investigation = _staff("record_investigation", sv.InvestigationRecord, roles=UNION_ROLES, closes=False)
    draft_notice = _staff("draft_notice", sv.NoticeDraft, roles=UNION_ROLES)
    revise_draft = _staff("revise_draft", sv.NoticeDraft, roles=UNION_ROLES, closes=False)
    withdraw_draft = _staff("withdraw_draft", sv.DraftWithdrawal, roles=UNION_ROLES)
    approve_notice = _staff("approve_notice", sv.Approval, roles=UNION_ROLES)
    record_service = _staff("record_service", sv.ServiceRecord, roles=UNION_ROLES)
    record_reply = _staff("record_reply", sv.ReplyRecord, roles=UNION_ROLES)
    decide_reply = _staff("decide_reply", sv.ReplyDecision, roles=UNION_ROLES)
    escalate_government = _staff("escalate_government", sv.GovernmentEscalation, roles=UNION_ROLES)
    record_response = _staff("record_response", sv.AgencyResponse, roles=UNION_ROLES + PROCURATORS)
    close_matter = _staff("close_matter", sv.CloseMatter, roles=UNION_ROLES)


class SupervisionReferral:
    record_filing = _staff("record_filing", Ruling, roles=UNION_ROLES)
    record_result = _staff("record_result", sv.InspectionFinding, roles=UNION_ROLES)


class Referral:
    accept_referral = _staff("accept_referral", ReferralAnswer, roles=RECEIVERS)
    return_referral = _staff("return_referral", ReferralReturn, roles=RECEIVERS)
    resend_referral = _staff("resend_referral", ReferralResend, roles=SENDERS)
    withdraw_referral = _staff("withdraw_referral", ReferralResend, roles=SENDERS)


# Every group, by the workflow type whose tasks offer it.
GROUPS: dict[str, type] = {
    "mediation": Mediation,
    "agreement": Agreement,
    "payment-order": PaymentOrder,
    "arbitration": Arbitration,
    "post-award": PostAward,
    "litigation": Litigation,
    "enforcement": Enforcement,
    "inspection": Inspection,
    "legal-aid": LegalAid,
    "procuratorate-support": Procuratorate,
    "criminal-referral": CriminalReferral,
    "work-injury": WorkInjury,
    "supervision-matter": Supervision,
    "supervision-referral": SupervisionReferral,
    "referral": Referral,
}


def actions_of(group: type) -> tuple[StaffAction, ...]:
    """The actions a group declares, in declaration order."""
    return tuple(value for value in vars(group).values() if isinstance(value, StaffAction))


def all_staff_actions() -> Iterator[tuple[str, StaffAction]]:
    """Every (workflow type, action) pair."""
    for workflow_type, group in GROUPS.items():
        for entry in actions_of(group):
            yield workflow_type, entry


def _payloads() -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for workflow_type, entry in all_staff_actions():
        model = found.setdefault(entry.name, entry.payload)
        if model is not entry.payload:  # a form is found by the action's name, so the name fixes the model
            raise TypeError(f"action {entry.name!r} of {workflow_type} takes {entry.payload.__name__}, elsewhere {model.__name__}")
    return found


# The payload model of every staff action, by name (one model per name, checked at import).
STAFF_PAYLOADS: dict[str, type[BaseModel]] = _payloads()


# ---- the worker's own actions ---------------------------------------------------------------

WORKER_PAYLOADS: dict[WorkerActionKind, type[BaseModel]] = {
    WorkerActionKind.choose_arbitration: ArbitrationChoice,
    WorkerActionKind.sue: SuitFiled,
    WorkerActionKind.add_evidence: EvidenceRef,
    WorkerActionKind.withdraw: Withdrawal,
    WorkerActionKind.apply_enforcement: Note,
}
# Open whenever the case is open: evidence, and legal aid until it is applied for.
ALWAYS_OPEN = (WorkerActionKind.add_evidence, WorkerActionKind.apply_legal_aid)
# Stages where the worker may withdraw in labourflow; later, withdrawal is a court act recorded by staff.
WITHDRAWABLE = frozenset({Stage.intake, Stage.mediation, Stage.arbitration_eligible, Stage.suit_eligible, Stage.arbitration})


def worker_option(action: WorkerActionKind, zh: str = "", en: str = "", last_day: object = None, rule: str | None = None) -> WorkerOption:
    """An option offered to the worker; blank labels mean the page shows the action's own name."""
    return WorkerOption.model_validate({"action": action.value, "label_zh": zh, "label_en": en, "last_day": last_day, "rule": rule})


def open_worker_actions(stage: Stage, offered: Sequence[WorkerOption], *, legal_aid_applied: bool) -> tuple[WorkerOption, ...]:
    """What the worker may do now: the options the case offers at this stage (with their last days),
    declining mediation while in mediation, withdrawal where it is the worker's own act, evidence,
    and legal aid until applied for. Nothing once the case is closed."""
    if stage.is_closed:
        return ()
    extra = [WorkerActionKind.add_evidence]
    if not legal_aid_applied:
        extra.append(WorkerActionKind.apply_legal_aid)
    if stage is Stage.mediation:
        extra.append(WorkerActionKind.refuse_mediation)
    if stage in WITHDRAWABLE:
        extra.append(WorkerActionKind.withdraw)
    shown = [o for o in offered if not (legal_aid_applied and o.action == WorkerActionKind.apply_legal_aid.value)]
    names = {o.action for o in shown}
    return tuple(shown) + tuple(worker_option(kind) for kind in extra if kind.value not in names)
