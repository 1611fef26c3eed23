"""What follows what in a case: each step runs one channel (a child workflow) or waits for the
worker's choice, and returns the name of the next step (None when the case is closed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, ClassVar

from temporalio import workflow

from workflows.dispute_core import DisputeCore

with workflow.unsafe.imports_passed_through():
    from domain import paperwork
    from domain.actions import ActionResult, SuitFiled, WorkerActionKind
    from domain.case import MEDIATION_CHANNELS, Channel, Stage, VulnerableGroup
    from domain.documents import DocumentType
    from domain.final_award import AwardClass
    from domain.records import DeadlineStatus
    from domain.workflow_models import (
        AgreementInput,
        AgreementOutcome,
        AgreementResult,
        ArbitrationInput,
        ArbitrationOutcome,
        ArbitrationResult,
        EnforcementInput,
        EnforcementOutcome,
        EnforcementResult,
        InspectionInput,
        InspectionOutcome,
        InspectionResult,
        LitigationInput,
        LitigationOutcome,
        LitigationResult,
        MediationHistory,
        MediationInput,
        MediationOutcome,
        MediationResult,
        PaymentOrderInput,
        PaymentOrderOutcome,
        PaymentOrderResult,
        PostAwardInput,
        PostAwardOutcome,
        PostAwardResult,
        ProcuratorateInput,
        ProcuratorateResult,
        WorkerOption,
        WorkInjuryInput,
        WorkInjuryResult,
    )

Step = Callable[[Any], Awaitable[str | None]]
SUPPORT_GROUPS = frozenset(
    {
        VulnerableGroup.migrant_worker,
        VulnerableGroup.platform_worker,
        VulnerableGroup.woman,
        VulnerableGroup.minor,
        VulnerableGroup.disabled,
        VulnerableGroup.older,
    }
)


def option(action: WorkerActionKind, zh: str, en: str, last_day: date | None = None, rule: str | None = None) -> WorkerOption:
    return WorkerOption(action=action.value, label_zh=zh, label_en=en, last_day=last_day, rule=rule)


class DisputeSteps(DisputeCore):
    """The routes through the channels."""

    STEPS: ClassVar[dict[str, Step]] = {}
    WORKER_HANDLERS: ClassVar[dict[WorkerActionKind, Callable[[Any, Any], Awaitable[ActionResult]]]] = {}

    def withdrawn_or(self, step: str | None) -> str | None:
        return "withdrawn" if self.withdrawn else step

    async def step_mediation(self) -> str | None:
        channel = self.facts.preferred_channel if self.facts.preferred_channel in MEDIATION_CHANNELS else Channel.union_mediation
        assert channel is not None
        # Received at intake, or later (e.g. after a work-injury determination): decided before the stage changes.
        received = self.facts.filed_on if self.stage is Stage.intake else self.clock.today()
        await self.enter(
            Stage.mediation,
            channel,
            "调解进行中；如不愿调解，可随时申请仲裁",
            "Mediation under way; mediation is voluntary, you may go to arbitration instead",
            (option(WorkerActionKind.refuse_mediation, "不愿调解，改为申请仲裁", "Decline mediation and go to arbitration"),),
        )
        await self.restart_limitation(received, "申请调解", "Mediation applied for")
        limitation = self.kit.deadlines.get("limitation")
        organisation = self.organisation(channel)
        result: MediationResult = await self.child(
            "mediation",
            MediationInput(
                ctx=self.ctx,
                channel=channel,
                received_on=received,
                team_code=self.inp.teams.get(channel.value),
                organisation=organisation,
                limitation=limitation.deadline if limitation else None,
            ),
            MediationResult,
        )
        self.mediation = MediationHistory(
            organisation=organisation, received_on=received, ended_on=result.ended_on, outcome=result.outcome.value
        )
        if result.outcome is MediationOutcome.agreement:
            self.carry = self.carry.model_copy(update={"agreement": result.agreement})
            return self.withdrawn_or("agreement")
        return self.withdrawn_or("choose_arbitration")

    async def step_agreement(self) -> str | None:
        agreement = self.carry.agreement
        assert agreement is not None
        await self.enter(Stage.agreement, self.channel, "已达成调解协议，正在跟踪履行", "Agreement signed; performance is being tracked")
        result: AgreementResult = await self.child(
            "agreement",
            AgreementInput(
                ctx=self.ctx,
                agreement=agreement,
                channel=self.channel or Channel.union_mediation,
                organisation=self.organisation(self.channel),
            ),
            AgreementResult,
        )
        self.carry = self.carry.model_copy(update={"unpaid": result.unpaid})
        if result.outcome is AgreementOutcome.performed:
            await self.finish(Stage.closed_resolved, "调解协议已履行完毕", "The agreement was performed")
            return None
        if result.outcome is AgreementOutcome.default_confirmed:
            self.carry = self.carry.model_copy(
                update={"title_zh": "经司法确认的调解协议", "title_en": "The confirmed agreement", "effective_on": result.noted_on}
            )
            return "enforcement"
        if result.outcome is AgreementOutcome.default_pay:
            return "payment_order"
        return "choose_arbitration"

    async def step_payment_order(self) -> str | None:
        await self.enter(
            Stage.payment_order,
            Channel.payment_order,
            "用人单位未履行调解协议中的支付义务，已申请支付令",
            "The employer defaulted on payment: a payment order was applied for",
        )
        mediated_by = self.mediation.organisation if self.mediation else self.organisation(Channel.union_mediation)
        result: PaymentOrderResult = await self.child(
            "payment-order",
            PaymentOrderInput(
                ctx=self.ctx,
                applied_on=self.clock.today(),
                amount=self.carry.unpaid or 0,
                agreement=self.carry.agreement,
                organisation=mediated_by,
            ),
            PaymentOrderResult,
        )
        if result.outcome is PaymentOrderOutcome.paid:
            await self.finish(Stage.closed_resolved, "用人单位按支付令清偿", "Paid under the payment order")
            return None
        if result.outcome is PaymentOrderOutcome.enforceable:
            self.carry = self.carry.model_copy(
                update={"title_zh": "支付令", "title_en": "The payment order", "effective_on": result.noted_on}
            )
            return "enforcement"
        if result.outcome is PaymentOrderOutcome.objection:
            self.carry = self.carry.model_copy(update={"suit_origin": "payment_order_objection"})
            return "choose_suit"
        return "choose_arbitration"

    async def step_choose_arbitration(self) -> str | None:
        limitation = self.kit.deadlines.get("limitation")
        last, rule = (limitation.deadline.due, limitation.rule) if limitation else (None, None)
        await self.enter(
            Stage.arbitration_eligible,
            None,
            f"调解未成功，可以申请劳动争议仲裁{f'（建议在{last}前提出）' if last else ''}",
            "Mediation did not settle the dispute: you may apply for arbitration" + (f" (by {last})" if last else ""),
            (option(WorkerActionKind.choose_arbitration, "申请劳动争议仲裁", "Apply for labour dispute arbitration", last, rule),),
        )
        await workflow.wait_condition(lambda: self.choice is not None or self.withdrawn)
        if self.withdrawn:
            return "withdrawn"
        assert self.choice is not None
        _, filed_on = self.choice
        self.choice = None
        if "limitation" in self.kit.deadlines and (self.due("limitation") or filed_on) >= filed_on:
            await self.close_deadline("limitation", DeadlineStatus.met)
        self.carry = self.carry.model_copy(update={"arbitration_applied_on": filed_on})
        return "arbitration"

    async def step_arbitration(self) -> str | None:
        await self.enter(Stage.arbitration, Channel.arbitration, "仲裁申请已提交，等待仲裁委员会受理", "Arbitration applied for")
        applied = self.carry.arbitration_applied_on or self.facts.filed_on
        result: ArbitrationResult = await self.child(
            "arbitration", ArbitrationInput(ctx=self.ctx, applied_on=applied, mediation=self.mediation), ArbitrationResult
        )
        if self.withdrawn:
            return "withdrawn"
        if result.outcome is ArbitrationOutcome.award:
            self.carry = self.carry.model_copy(update={"award": result.award, "classification": result.classification})
            return "post_award"
        if result.outcome is ArbitrationOutcome.settled:
            self.carry = self.carry.model_copy(
                update={"title_zh": "仲裁调解书", "title_en": "The arbitral settlement", "effective_on": result.noted_on}
            )
            return "enforcement"
        if self.choice is not None:  # the worker sued after a refusal or a late decision
            return "litigation"
        self.carry = self.carry.model_copy(update={"suit_origin": "late_arbitration"})
        return "choose_suit"

    async def step_post_award(self) -> str | None:
        award, classification = self.carry.award, self.carry.classification
        assert award is not None and classification is not None
        await self.enter(Stage.post_award, Channel.arbitration)
        result: PostAwardResult = await self.child(
            "post-award", PostAwardInput(ctx=self.ctx, award=award, classification=classification), PostAwardResult
        )
        if result.outcome is PostAwardOutcome.suit:
            self.carry = self.carry.model_copy(update={"suit_filed_on": result.suit_filed_on, "suit_origin": "award"})
            return "litigation"
        if result.outcome is PostAwardOutcome.revoked:
            self.carry = self.carry.model_copy(update={"suit_origin": "revocation"})
            return "choose_suit"
        if sum(item.granted for item in award.items) == 0:
            await self.finish(Stage.closed_resolved, "仲裁裁决生效（请求未获支持）", "The award is binding (claims dismissed)")
            return None
        label = "终局裁决" if classification.award_class is AwardClass.final else "仲裁裁决"
        self.carry = self.carry.model_copy(update={"title_zh": label, "title_en": "The award", "effective_on": result.noted_on})
        return "enforcement"

    async def step_choose_suit(self) -> str | None:
        offered = [o for o in self.options if o.action == WorkerActionKind.sue.value]
        sue = offered[0] if offered else option(WorkerActionKind.sue, "向人民法院起诉", "Sue in the people's court")
        await self.enter(
            Stage.suit_eligible, None, self.guidance[0] or "可以向人民法院起诉", self.guidance[1] or "You may sue in court", (sue,)
        )
        await workflow.wait_condition(lambda: self.choice is not None or self.withdrawn)
        if self.withdrawn:
            return "withdrawn"
        return "litigation"

    async def step_litigation(self) -> str | None:
        filed = self.carry.suit_filed_on or (self.choice[1] if self.choice else None) or self.clock.today()
        self.choice = None
        await self.enter(Stage.litigation, Channel.litigation, "案件已进入诉讼程序", "The case is in court")
        support = bool(SUPPORT_GROUPS & set(self.facts.vulnerable_groups))
        if support:
            await self.child(
                "procuratorate-support",
                ProcuratorateInput(ctx=self.ctx, requested_on=filed, groups=tuple(g.value for g in self.facts.vulnerable_groups)),
                ProcuratorateResult,
                alongside=True,
            )
        result: LitigationResult = await self.child(
            "litigation",
            LitigationInput(ctx=self.ctx, filed_on=filed, origin=self.carry.suit_origin or "award", procuratorate_support=support),
            LitigationResult,
        )
        if result.outcome is LitigationOutcome.for_worker:
            self.carry = self.carry.model_copy(
                update={"title_zh": "生效判决", "title_en": "The judgment", "effective_on": result.effective_on}
            )
            return "enforcement"
        await self.finish(Stage.closed_resolved, "判决生效，劳动者请求未获支持", "Judgment final; the claims were not upheld")
        return None

    async def step_enforcement(self) -> str | None:
        await self.enter(
            Stage.enforcement,
            Channel.enforcement,
            f"{self.carry.title_zh}已生效；用人单位不履行的，可申请强制执行",
            f"{self.carry.title_en} is binding; if unpaid, apply for enforcement",
            (option(WorkerActionKind.apply_enforcement, "已申请强制执行", "I applied for enforcement"),),
        )
        result: EnforcementResult = await self.child(
            "enforcement",
            EnforcementInput(
                ctx=self.ctx,
                title_zh=self.carry.title_zh or "",
                title_en=self.carry.title_en or "",
                effective_on=self.carry.effective_on or self.clock.today(),
            ),
            EnforcementResult,
        )
        if result.outcome in (EnforcementOutcome.performed, EnforcementOutcome.satisfied):
            await self.finish(Stage.closed_resolved, "已履行 / 执行完毕", "Performed or enforced")
            return None
        if result.outcome is EnforcementOutcome.refused:
            self.carry = self.carry.model_copy(update={"suit_origin": "non_enforcement"})
            return "choose_suit"
        await self.finish(Stage.closed_other_route, "申请执行期间届满", "The period to apply for enforcement passed")
        return None

    async def step_inspection(self) -> str | None:
        await self.enter(Stage.inspection, Channel.inspection, "已向劳动保障监察机构投诉", "Complaint lodged with labour inspection")
        await self.restart_limitation(self.facts.filed_on, "向劳动保障监察机构投诉", "Complaint to labour inspection")
        total = self.facts.total_claimed
        result: InspectionResult = await self.child(
            "inspection",
            InspectionInput(ctx=self.ctx, complained_on=self.facts.filed_on, amount=total, worker_count=self.facts.worker_count),
            InspectionResult,
        )
        if result.outcome is InspectionOutcome.paid:
            await self.finish(Stage.closed_resolved, "用人单位按监察指令支付", "Paid as ordered by labour inspection")
            return None
        return self.withdrawn_or("choose_arbitration")

    async def step_work_injury(self) -> str | None:
        await self.enter(Stage.work_injury, Channel.work_injury_determination, "先申请工伤认定", "Work-injury determination first")
        result: WorkInjuryResult = await self.child(
            "work-injury", WorkInjuryInput(ctx=self.ctx, injured_on=self.facts.injured_on or self.facts.knew_on), WorkInjuryResult
        )
        if result.recognised:
            return self.withdrawn_or("mediation")
        await self.finish(
            Stage.closed_other_route,
            "未认定为工伤，可申请行政复议或提起行政诉讼",
            "Not recognised as a work injury: administrative review or litigation is the route",
        )
        return None

    async def step_withdrawn(self) -> str | None:
        await self.finish(Stage.closed_withdrawn, "劳动者撤回", "Withdrawn by the worker")
        return None

    async def finish(self, stage: Stage, zh: str, en: str) -> None:
        await self.close(stage, zh, en)

    # ---- the worker's actions ----------------------------------------------------------------
    async def on_refuse_mediation(self, _: Any) -> ActionResult:
        await self.signal_current("end-mediation", MediationOutcome.refused)
        await self.event(
            "mediation_refused",
            "劳动者不愿继续调解",
            "The worker declined mediation",
            citation="《劳动争议调解仲裁法》第五条 / LDMAL Art. 5",
        )
        return ActionResult(message_zh="已结束调解，可以申请仲裁", message_en="Mediation ended; you may apply for arbitration")

    def take_option(self, action: WorkerActionKind) -> None:
        """An option once taken is gone at once (before any await): a double click cannot count twice."""
        self.options = [o for o in self.options if o.action != action.value]

    async def on_choose_arbitration(self, payload: Any) -> ActionResult:
        self.take_option(WorkerActionKind.choose_arbitration)
        self.choice = ("arbitration", payload.filed_on or self.clock.today())
        return ActionResult(message_zh="已提交仲裁申请", message_en="Arbitration application submitted")

    async def on_sue(self, payload: SuitFiled) -> ActionResult:
        self.take_option(WorkerActionKind.sue)
        self.choice = ("sue", payload.filed_on)
        if self.stage is Stage.post_award:
            await self.signal_current("record-suit", payload)
        elif self.stage is Stage.arbitration:
            await self.signal_current("end-arbitration", ArbitrationOutcome.late_award)
        return ActionResult(message_zh="已记录起诉", message_en="Suit recorded")

    async def on_apply_legal_aid(self, _: Any) -> ActionResult:
        await self.start_legal_aid()
        if workflow.patched("worker-options-after-legal-aid"):
            await self.record_status()  # the projection drops "apply for legal aid" at once
        return ActionResult(message_zh="已提交法律援助申请", message_en="Legal aid applied for")

    async def on_add_evidence(self, payload: Any) -> ActionResult:
        doc = await self.document(
            DocumentType.evidence_list, paperwork.evidence_list(self.organisation(self.channel), self.proceeding_zh())
        )
        await self.event("evidence_added", "劳动者补充证据", "The worker added evidence", data={"evidence_id": payload.evidence_id})
        return ActionResult(
            message_zh="证据已补充，证据清单已更新", message_en="Evidence added; evidence list updated", document_ids=(doc.document_id,)
        )

    async def on_withdraw(self, payload: Any) -> ActionResult:
        self.withdrawn = True
        if self.stage is Stage.mediation:
            await self.signal_current("end-mediation", MediationOutcome.withdrawn)
        if self.stage is Stage.arbitration:
            await self.signal_current("end-arbitration", ArbitrationOutcome.withdrawn)
        await self.event("withdrawn", f"劳动者撤回：{payload.reason}", "The worker withdrew")
        return ActionResult(message_zh="已撤回", message_en="Withdrawn")

    async def on_apply_enforcement(self, payload: Any) -> ActionResult:
        await self.signal_current("apply-enforcement", payload.on)
        return ActionResult(message_zh="已记录执行申请", message_en="Enforcement application recorded")


DisputeSteps.STEPS = {
    "mediation": DisputeSteps.step_mediation,
    "agreement": DisputeSteps.step_agreement,
    "payment_order": DisputeSteps.step_payment_order,
    "choose_arbitration": DisputeSteps.step_choose_arbitration,
    "arbitration": DisputeSteps.step_arbitration,
    "post_award": DisputeSteps.step_post_award,
    "choose_suit": DisputeSteps.step_choose_suit,
    "litigation": DisputeSteps.step_litigation,
    "enforcement": DisputeSteps.step_enforcement,
    "inspection": DisputeSteps.step_inspection,
    "work_injury": DisputeSteps.step_work_injury,
    "withdrawn": DisputeSteps.step_withdrawn,
}
DisputeSteps.WORKER_HANDLERS = {
    WorkerActionKind.refuse_mediation: DisputeSteps.on_refuse_mediation,
    WorkerActionKind.choose_arbitration: DisputeSteps.on_choose_arbitration,
    WorkerActionKind.sue: DisputeSteps.on_sue,
    WorkerActionKind.apply_legal_aid: DisputeSteps.on_apply_legal_aid,
    WorkerActionKind.add_evidence: DisputeSteps.on_add_evidence,
    WorkerActionKind.withdraw: DisputeSteps.on_withdraw,
    WorkerActionKind.apply_enforcement: DisputeSteps.on_apply_enforcement,
}
