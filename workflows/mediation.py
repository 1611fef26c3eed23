"""Mediation by the union, an enterprise committee, people's mediation or court-invited mediation.

The period is 15 days from receipt of the application (LDMAL Art. 14, D03), or the court's 30 days
before filing / 15 or 7 days after filing (D39/D40). When it runs out without agreement the worker
may apply for arbitration; both parties may agree to extend it first.
"""

from __future__ import annotations

from datetime import timedelta
from types import MappingProxyType

from temporalio import workflow
from temporalio.common import VersioningBehavior

from workflows import sittings
from workflows.kit.actions import action
from workflows.kit.tasks import OpenTask
from workflows.mediation_parties import RespondentInvitations

with workflow.unsafe.imports_passed_through():
    from domain import paperwork
    from domain.actions import (
        ActionResult,
        Actor,
        AgreementTerms,
        InspectionRequest,
        LegalAidReferral,
        MediationFailure,
        PeriodExtension,
        SessionRecord,
    )
    from domain.case import Channel
    from domain.catalogue import Mediation
    from domain.documents import DocumentType
    from domain.monitoring import amounts_by_kind
    from domain.organisations import Agency, mediation_agency
    from domain.parties import Respondent
    from domain.records import DeadlineStatus, TaskStatus
    from domain.referrals import ReferralKind, ReferralRequest
    from domain.workflow_models import MediationInput, MediationOutcome, MediationResult

ORGANISATION = MappingProxyType({
    Channel.union_mediation: ("工会劳动争议调解组织", "the union's mediation organisation"),
    Channel.enterprise_committee: ("企业劳动争议调解委员会", "the enterprise mediation committee"),
    Channel.peoples_mediation: ("人民调解委员会", "the people's mediation committee"),
    Channel.court_mediation: ("法院特邀调解组织", "the court-invited mediation organisation"),
})
ACTIONS = (
    Mediation.record_session, Mediation.record_agreement, Mediation.record_failure, Mediation.extend_period,
    Mediation.refer_to_inspection, Mediation.refer_to_legal_aid, Mediation.schedule_session, Mediation.change_session,
    Mediation.record_session_attendance,
)


def period_rule(inp: MediationInput) -> tuple[str, str | None]:
    """D03 for pre-arbitration mediation; D39 / D40 for court-invited mediation; the proceeding's own
    rule for mediation within it (D21 before an arbitration hearing)."""
    if inp.period_rule is not None:
        return inp.period_rule, None
    if inp.channel is not Channel.court_mediation:
        return "D03", None
    if inp.court_variant in (None, "pre_filing"):
        return "D39", None
    return "D40", inp.court_variant


@workflow.defn(name="mediation", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class MediationWorkflow(RespondentInvitations, sittings.Sittings):
    """One mediation attempt with its statutory period and the mediator's task."""

    schedule_session, change_session = sittings.schedule_session, sittings.change_session
    record_session_attendance = sittings.record_session_attendance

    def sitting_parties(self) -> tuple[Respondent, ...]:
        return self.inp.respondents

    def sitting_organisation(self) -> str:
        return self.inp.organisation

    def __init__(self) -> None:
        self.result: MediationResult | None = None
        self.sessions = 0

    @workflow.run
    async def run(self, inp: MediationInput) -> MediationResult:
        ctx = inp.ctx
        self.setup_case(ctx, inp.team_code)
        self.received_on, self.inp = inp.received_on, inp
        _, org_en = ORGANISATION[inp.channel]
        self.status = "mediating"
        rule, variant = period_rule(inp)
        period = await self.set_deadline("period", rule, inp.received_on, variant=variant)
        await self.event(
            "mediation_started",
            f"{inp.organisation}收到调解申请，调解期限至{period.due}",
            f"{org_en} received the application; the mediation period ends on {period.due}",
            citation=period.basis,
            on=inp.received_on,
        )
        await self.document(DocumentType.mediation_application, paperwork.mediation_application(inp.organisation))
        self.task = await self.open_task(
            "mediate", "主持调解并记录结果", "Hold the mediation and record its outcome", ACTIONS, deadline_key="period"
        )
        if inp.respondents and workflow.patched("respondent-invitations"):
            await self.invite_respondents(inp.respondents, inp.organisation, inp.limitation)
        if not await self.until("period", lambda: self.result is not None):
            await self.close_deadline("period", DeadlineStatus.missed)
            await self.close_task(self.task, "period_expired", status=TaskStatus.cancelled)
            zh, en, cite = self._expired_words(period.basis)
            await self.event("mediation_period_expired", zh, en, citation=cite)
            self.result = MediationResult(outcome=MediationOutcome.expired, ended_on=self.clock.today())
        else:
            await self.close_deadline("period", DeadlineStatus.met)
        await self.settle()
        assert self.result is not None
        self.status = self.result.outcome.value
        return self.result

    def _expired_words(self, basis: str) -> tuple[str, str, str | None]:
        """What the period's end means: arbitration may follow, or the proceeding that entrusted it goes on."""
        if period_rule(self.inp)[0] == "D03":
            return (
                "调解期限届满未达成调解协议，当事人可以依法申请仲裁",
                "The mediation period ran out without agreement: either party may now apply for arbitration",
                "《劳动争议调解仲裁法》第十四条 / LDMAL Art. 14",
            )
        return "调解期限届满未达成协议，退回原程序继续进行", "The mediation period ran out without agreement: the proceeding goes on", basis

    @workflow.signal(name="end-mediation")
    async def end_mediation(self, outcome: MediationOutcome) -> None:
        """The worker refused mediation or withdrew the case (mediation is voluntary: LDMAL Art. 5)."""
        if self.result is None:
            self.result = MediationResult(outcome=outcome, ended_on=self.clock.today())
            await self.cancel_open_tasks(outcome.value)

    def guard(self, task: OpenTask, action_name: str, payload: object) -> str | None:
        for name in ("held_on", "signed_on", "ended_on", "agreed_on"):
            day = getattr(payload, name, None)
            if day is not None and day < self.received_on:
                return f"日期不能早于收到申请之日 / {name} {day} is before the application was received ({self.received_on})"
        return super().guard(task, action_name, payload)

    def _sender(self) -> Agency:
        return mediation_agency(self.inp.channel.value)

    @action(Mediation.refer_to_inspection)
    async def refer_to_inspection(self, task: OpenTask, request: InspectionRequest, actor: Actor) -> ActionResult:
        reason = f"调解中发现用人单位涉嫌{request.suspicion}，调解继续进行。"
        await self.refer_alongside(
            ReferralRequest(kind=ReferralKind.inspection, sender=self._sender(), on=request.on, reason_zh=reason),
            "inspection_requested",
            f"调解中发现用人单位涉嫌违法：{request.suspicion}，移送劳动保障监察",
            "A suspected violation is referred to labour inspection",
            actor,
        )
        return ActionResult(message_zh="已移送劳动保障监察，调解继续", message_en="Referred to labour inspection; mediation goes on")

    @action(Mediation.refer_to_legal_aid)
    async def refer_to_legal_aid(self, task: OpenTask, request: LegalAidReferral, actor: Actor) -> ActionResult:
        return await self.refer_for_legal_aid(self._sender(), request, actor, "调解组织", ("调解", "mediation"))

    @action(Mediation.record_session)
    async def record_session(self, task: OpenTask, record: SessionRecord, actor: Actor) -> ActionResult:
        self.sessions += 1
        doc = await self.document(
            DocumentType.mediation_record,
            paperwork.mediation_record(self.inp.organisation, actor.label, record, self.sessions),
            issued_by=actor.username or "",
        )
        await self.event(
            "mediation_session",
            f"第{self.sessions}次调解：{record.attendees}",
            f"Mediation session {self.sessions} held",
            actor=actor,
            on=record.held_on,
        )
        return ActionResult(message_zh="调解笔录已生成", message_en="Session record generated", document_ids=(doc.document_id,))

    @action(Mediation.record_agreement)
    async def record_agreement(self, task: OpenTask, terms: AgreementTerms, actor: Actor) -> ActionResult:
        doc = await self.document(
            DocumentType.mediation_agreement,
            paperwork.mediation_agreement(self.inp.organisation, actor.label, terms),
            issued_by=actor.username or "",
        )
        await self.event(
            "mediation_agreement",
            f"达成调解协议，金额合计{terms.total}元",
            f"Mediation agreement signed: {terms.total} yuan in total",
            actor=actor,
            on=terms.signed_on,
            citation="《劳动争议调解仲裁法》第十四条 / LDMAL Art. 14",
            data={"channel": self.inp.channel.value,  # read by monitoring: the level that reached it
                  "items": amounts_by_kind((item.kind.value, item.amount) for item in terms.items)},
        )
        self.result = MediationResult(outcome=MediationOutcome.agreement, ended_on=terms.signed_on, agreement=terms)
        return ActionResult(message_zh="调解协议书已生成", message_en="Mediation agreement generated", document_ids=(doc.document_id,))

    @action(Mediation.record_failure)
    async def record_failure(self, task: OpenTask, failure: MediationFailure, actor: Actor) -> ActionResult:
        doc = await self.document(
            DocumentType.mediation_termination_notice,
            paperwork.termination_notice(
                self.inp.organisation, actor.label, self.received_on, failure.ended_on, failure.reason, self.kit.region, self.inp.limitation
            ),
            issued_by=actor.username or "",
        )
        await self.event(
            "mediation_failed",
            f"调解不成，调解终止：{failure.reason}",
            "Mediation ended without agreement",
            actor=actor,
            on=failure.ended_on,
            citation="《人民调解法》第二十六条 / People's Mediation Law Art. 26",
        )
        self.result = MediationResult(outcome=MediationOutcome.failed, ended_on=failure.ended_on)
        return ActionResult(message_zh="调解终止通知书已生成", message_en="Termination notice generated", document_ids=(doc.document_id,))

    @action(Mediation.extend_period)
    async def extend_period(self, task: OpenTask, extension: PeriodExtension, actor: Actor) -> ActionResult:
        old = self.due("period")
        assert old is not None
        new = await self.extend_deadline(
            "period",
            old + timedelta(days=extension.days),
            f"双方当事人于{extension.agreed_on}同意延长调解期限{extension.days}日，至{{due}}届满",
            f"Both parties agreed on {extension.agreed_on} to extend mediation by {extension.days} days, to {{due}}",
        )
        await self.event(
            "mediation_extended",
            f"双方同意延长调解期限至{new.due}",
            f"Mediation extended by agreement to {new.due}",
            actor=actor,
            on=extension.agreed_on,
            citation="《浙江省劳动人事争议调解仲裁条例》第十条 / Zhejiang regulation Art. 10",
        )
        return ActionResult(message_zh=f"调解期限已延长至{new.due}", message_en=f"Mediation period extended to {new.due}")
