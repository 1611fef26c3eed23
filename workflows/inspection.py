"""Labour inspection by HR-social-security (Regulation on Labour Security Supervision): acceptance
in 5 working days (D45), investigation in 60 working days (+30, D46), an order to pay by a date
(Art. 26); an ignored order with a 'relatively large' amount goes to the police as refusal to pay
wages (Criminal Law Art. 276-1)."""

from __future__ import annotations

from temporalio import workflow
from temporalio.common import VersioningBehavior

from workflows.kit.actions import action
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain.actions import ActionResult, Actor, LegalAidReferral, Note, OrderToPay, Ruling
    from domain.catalogue import Inspection
    from domain.criminal import (
        REFERRAL_NOTES,
        ThresholdResult,
        assess_criminal_threshold,
        assess_criminal_threshold_total_only,
    )
    from domain.organisations import Agency
    from domain.records import DeadlineStatus
    from domain.referrals import ReferralKind, ReferralRequest
    from domain.workflow_models import InspectionInput, InspectionOutcome, InspectionResult

POLICE_ACK_DAYS = 3  # State Council 2001 transfer rules: police decide on filing within 3 days (service level here)
TRANSFER = "用人单位经责令限期支付后仍拒不支付劳动报酬，数额较大，涉嫌拒不支付劳动报酬罪，依法移送。"  # on the letter


@workflow.defn(name="inspection", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class InspectionWorkflow(StatutoryWorkflow):
    """A complaint to labour inspection through its order to pay and, if ignored, criminal referral."""

    def __init__(self) -> None:
        self.accepted: Ruling | None = None
        self.order: OrderToPay | None = None
        self.outcome: InspectionOutcome | None = None
        self.order_paid: bool | None = None
        self.extended = False

    @workflow.run
    async def run(self, inp: InspectionInput) -> InspectionResult:
        ctx = self.ctx = inp.ctx
        self.setup_case(ctx)
        self.status = "complained"
        self.jurisdiction = ctx.jurisdiction
        accept = await self.set_deadline("acceptance", "D45", inp.complained_on)
        await self.event(
            "inspection_complaint",
            f"向劳动保障监察机构投诉，受理期限至{accept.due}",
            f"Complaint to labour inspection; acceptance due by {accept.due}",
            on=inp.complained_on,
            citation=accept.basis,
        )
        await self.open_task(
            "record_inspection_acceptance",
            "记录监察机构是否受理",
            "Record whether inspection accepted the complaint",
            (Inspection.record_acceptance,),
            deadline_key="acceptance",
        )
        await workflow.wait_condition(lambda: self.accepted is not None)
        assert self.accepted is not None
        if not self.accepted.granted:
            return await self._finish(InspectionOutcome.not_accepted)
        await self.set_deadline("investigation", "D46", self.accepted.decided_on)
        await self.open_task(
            "record_inspection_result",
            "记录调查处理结果",
            "Record the investigation's result",
            (Inspection.order_to_pay, Inspection.extend_investigation, Inspection.close_redirected, Inspection.refer_to_legal_aid),
            deadline_key="investigation",
        )
        await workflow.wait_condition(lambda: self.order is not None or self.outcome is not None)
        if self.outcome is not None:
            return await self._finish(self.outcome)
        assert self.order is not None
        await self.set_agreed_deadline("order", self.order.ordered_on, self.order.pay_by, "责令限期支付至{due}", "Ordered to pay by {due}")
        await self.open_task(
            "record_order_outcome",
            "记录是否按期支付",
            "Record whether the employer paid as ordered",
            (Inspection.record_paid, Inspection.record_unpaid, Inspection.refer_to_legal_aid),
            deadline_key="order",
        )
        await workflow.wait_condition(lambda: self.order_paid is not None)
        if self.order_paid:
            return await self._finish(InspectionOutcome.paid)
        return await self._finish(await self._refer(self.order))

    async def _refer(self, order: OrderToPay) -> InspectionOutcome:
        """Ignored order: 50-100% additional compensation, and criminal referral when the amount is large."""
        await self.event(
            "order_ignored",
            "用人单位逾期未支付，可责令按应付金额50%以上100%以下加付赔偿金",
            "Order ignored: the employer may be ordered to pay 50-100% additional compensation",
            citation="《劳动合同法》第八十五条；《劳动保障监察条例》第二十六条 / LCL Art. 85; Regulation Art. 26",
        )
        amount, workers, months = order.amount, order.worker_count, order.months_unpaid
        if workflow.patched("criminal-threshold-per-worker"):
            most = order.most_owed_to_one
            threshold = assess_criminal_threshold(amount, workers, months, self.jurisdiction, most_owed_to_one=most)
        else:  # assessed before 2026-12-06 (the total against the one-worker figure): replays as it ran
            threshold = assess_criminal_threshold_total_only(amount, workers, months, self.jurisdiction)
        if threshold is ThresholdResult.not_met:
            return InspectionOutcome.unpaid
        note_zh, note_en = REFERRAL_NOTES[threshold]
        await self.event(
            "criminal_referral",
            f"涉嫌拒不支付劳动报酬罪，移送公安机关{note_zh}",
            f"Suspected refusal to pay wages: transferred to the police{note_en}",
            citation="《刑法》第二百七十六条之一；法释〔2013〕3号第三条、第四条 / Criminal Law Art. 276-1",
        )
        if Agency.public_security in self.ctx.teams and workflow.patched("referral-to-police"):
            # The police answer a referral from their own inbox, alongside the case (dispute_referrals).
            police = ReferralKind.public_security
            transfer = ReferralRequest(kind=police, sender=Agency.inspection, on=self.clock.today(), reason_zh=TRANSFER)
            await self.tell_parent("refer", transfer)
            return InspectionOutcome.referred_to_police
        await self.set_service_deadline("police", self.clock.today(), POLICE_ACK_DAYS, "公安机关立案审查", "Police filing decision")
        await self.open_task(
            "record_police_decision",
            "记录公安机关是否立案",
            "Record the police's filing decision",
            (Inspection.record_police_decision,),
            deadline_key="police",
        )
        await workflow.wait_condition(lambda: self.outcome is not None)
        return InspectionOutcome.referred_to_police

    async def _finish(self, outcome: InspectionOutcome) -> InspectionResult:
        for key in ("acceptance", "investigation", "order", "police"):
            await self.close_deadline(key, DeadlineStatus.met)
        await self.cancel_open_tasks(outcome.value)
        await self.settle()
        self.status = outcome.value
        return InspectionResult(outcome=outcome, noted_on=self.clock.today())

    @action(Inspection.refer_to_legal_aid)
    async def refer_to_legal_aid(self, task: OpenTask, request: LegalAidReferral, actor: Actor) -> ActionResult:
        return await self.refer_for_legal_aid(Agency.inspection, request, actor, "劳动保障监察机构", ("监察", "the inspection"))

    @action(Inspection.record_acceptance)
    async def record_acceptance(self, task: OpenTask, ruling: Ruling, actor: Actor) -> ActionResult:
        zh = "监察机构受理投诉并立案" if ruling.granted else f"不予受理：{ruling.reason}"
        await self.event(
            "inspection_accepted" if ruling.granted else "inspection_refused",
            zh,
            "Complaint accepted" if ruling.granted else "Complaint not accepted",
            actor=actor,
            on=ruling.decided_on,
        )
        self.accepted = ruling
        return ActionResult(message_zh=zh, message_en="Recorded")

    @action(Inspection.extend_investigation)
    async def extend_investigation(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        assert self.accepted is not None
        entry = self.kit.deadlines["investigation"]
        entry.options = {"extended": True}
        entry.deadline = self.clock.compute("D46", entry.start, extended=True)
        await self._record_deadline(entry)
        task.due_on = entry.deadline.due
        await self._record_task(task)
        self.kit.epoch += 1
        self.extended = True
        await self.event(
            "investigation_extended",
            f"经批准延长调查期限至{entry.deadline.due}",
            f"Investigation extended to {entry.deadline.due}",
            actor=actor,
            on=note.on,
            citation="《劳动保障监察条例》第十七条 / Regulation Art. 17",
        )
        return ActionResult(message_zh=f"调查期限至{entry.deadline.due}", message_en=f"Investigation due by {entry.deadline.due}")

    @action(Inspection.order_to_pay)
    async def order_to_pay(self, task: OpenTask, order: OrderToPay, actor: Actor) -> ActionResult:
        await self.close_deadline("investigation", DeadlineStatus.met)
        await self.event(
            "order_to_pay",
            f"责令用人单位于{order.pay_by}前支付{order.amount}元",
            f"Employer ordered to pay {order.amount} by {order.pay_by}",
            actor=actor,
            on=order.ordered_on,
            citation="《劳动保障监察条例》第二十六条 / Regulation Art. 26",
        )
        self.order = order
        return ActionResult(message_zh="已记录责令支付", message_en="Order to pay recorded")

    @action(Inspection.close_redirected)
    async def close_redirected(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        await self.event(
            "inspection_redirected",
            "属于劳动争议处理范围，告知通过调解、仲裁解决",
            "A matter for mediation or arbitration: the worker is redirected",
            actor=actor,
            on=note.on,
            citation="《劳动保障监察条例》第二十一条 / Regulation Art. 21",
        )
        self.outcome = InspectionOutcome.redirected
        return ActionResult(message_zh="已告知劳动争议途径", message_en="Redirected to the dispute procedure")

    @action(Inspection.record_paid)
    async def record_paid(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        await self.event("order_paid", "用人单位已按责令支付", "The employer paid as ordered", actor=actor, on=note.on)
        self.order_paid = True
        return ActionResult(message_zh="已记录支付", message_en="Payment recorded")

    @action(Inspection.record_unpaid)
    async def record_unpaid(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        await self.close_deadline("order", DeadlineStatus.missed)
        self.order_paid = False
        return ActionResult(message_zh="已记录逾期未付", message_en="Non-payment recorded")

    @action(Inspection.record_police_decision)
    async def record_police_decision(self, task: OpenTask, ruling: Ruling, actor: Actor) -> ActionResult:
        zh = "公安机关立案侦查" if ruling.granted else f"公安机关不予立案：{ruling.reason}；可在5日内提请复议"
        await self.event(
            "police_decision",
            zh,
            "Police opened a criminal case" if ruling.granted else "Police declined; reconsideration may be sought within 5 days",
            actor=actor,
            on=ruling.decided_on,
        )
        self.outcome = InspectionOutcome.referred_to_police
        return ActionResult(message_zh=zh, message_en="Recorded")
