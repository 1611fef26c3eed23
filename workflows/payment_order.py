"""Payment order (支付令) on a mediation agreement for unpaid pay-type items (LDMAL Art. 16):
the court notifies acceptance in 5 days (D10) and issues the order within 15 days (D11); the
employer has 15 days from receipt to pay or object (D12). No objection and no payment: enforcement.
An objection ends the procedure; the worker may sue on the agreement (SPC Interp. I Art. 13)."""

from __future__ import annotations

from temporalio import workflow
from temporalio.common import VersioningBehavior

from workflows.kit.actions import action
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain import paperwork
    from domain.actions import ActionResult, Actor, LegalAidReferral, Note, Ruling
    from domain.catalogue import PaymentOrder
    from domain.documents import DocumentType
    from domain.organisations import Agency
    from domain.records import DeadlineStatus, TaskStatus
    from domain.workflow_models import PaymentOrderInput, PaymentOrderOutcome, PaymentOrderResult


@workflow.defn(name="payment-order", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class PaymentOrderWorkflow(StatutoryWorkflow):
    """The payment-order procedure at the basic court, step by step with its three clocks."""

    def __init__(self) -> None:
        self.accepted: Ruling | None = None
        self.issued: Ruling | None = None
        self.response: PaymentOrderOutcome | None = None

    @workflow.run
    async def run(self, inp: PaymentOrderInput) -> PaymentOrderResult:
        ctx = inp.ctx
        self.setup_case(ctx)
        self.status = "applied"
        await self.set_deadline("acceptance", "D10", inp.applied_on)
        facts = (
            paperwork.payment_order_application(ctx.region, inp.organisation, inp.agreement, inp.amount, inp.agreement.total - inp.amount)
            if inp.agreement
            else None
        )
        doc = await self.document(DocumentType.payment_order_application, facts or {})
        await self.event(
            "payment_order_applied",
            f"向基层人民法院申请支付令，金额{inp.amount}元",
            f"Applied to the basic court for a payment order of {inp.amount}",
            on=inp.applied_on,
            citation="《劳动争议调解仲裁法》第十六条 / LDMAL Art. 16",
            data={"document_id": doc.document_id},
        )
        await self.open_task(
            "payment_order_acceptance",
            "记录法院是否受理支付令申请",
            "Record whether the court accepted the application",
            (PaymentOrder.record_acceptance,),
            deadline_key="acceptance",
        )
        await workflow.wait_condition(lambda: self.accepted is not None)
        assert self.accepted is not None
        if not self.accepted.granted:
            return await self._finish(PaymentOrderOutcome.refused)
        await self.set_deadline("issue", "D11", self.accepted.decided_on)
        await self.open_task(
            "payment_order_issue",
            "记录支付令发出及送达",
            "Record the order's issue and service on the employer",
            (PaymentOrder.record_issue,),
            deadline_key="issue",
        )
        await workflow.wait_condition(lambda: self.issued is not None)
        assert self.issued is not None
        if not self.issued.granted:
            return await self._finish(PaymentOrderOutcome.refused)
        await self.set_deadline("pay_or_object", "D12", self.issued.received_on or self.issued.decided_on)
        task = await self.open_task(
            "payment_order_response",
            "记录用人单位付款或异议",
            "Record the employer's payment or objection",
            (PaymentOrder.record_paid, PaymentOrder.record_objection, PaymentOrder.refer_to_legal_aid),
            deadline_key="pay_or_object",
        )
        if not await self.until("pay_or_object", lambda: self.response is not None):
            await self.close_task(task, "no_response", status=TaskStatus.cancelled)
            await self.event(
                "payment_order_enforceable",
                "用人单位在期限内既不清偿也未提出异议，可申请强制执行",
                "The employer neither paid nor objected in time: the order may be enforced",
                citation="《民事诉讼法》第二百二十七条 / CPL Art. 227",
            )
            return await self._finish(PaymentOrderOutcome.enforceable)
        assert self.response is not None
        return await self._finish(self.response)

    async def _finish(self, outcome: PaymentOrderOutcome) -> PaymentOrderResult:
        for key in ("acceptance", "issue", "pay_or_object"):
            await self.close_deadline(key, DeadlineStatus.met)
        await self.settle()
        self.status = outcome.value
        return PaymentOrderResult(outcome=outcome, noted_on=self.clock.today())

    @action(PaymentOrder.refer_to_legal_aid)
    async def refer_to_legal_aid(self, task: OpenTask, request: LegalAidReferral, actor: Actor) -> ActionResult:
        return await self.refer_for_legal_aid(Agency.court, request, actor, "人民法院", ("督促程序", "the payment order"))

    @action(PaymentOrder.record_acceptance)
    async def record_acceptance(self, task: OpenTask, ruling: Ruling, actor: Actor) -> ActionResult:
        await self.close_deadline("acceptance", DeadlineStatus.met)
        zh = "法院受理支付令申请" if ruling.granted else f"法院不予受理：{ruling.reason}"
        await self.event(
            "payment_order_accepted" if ruling.granted else "payment_order_refused",
            zh,
            "Court accepted the application" if ruling.granted else f"Court refused: {ruling.reason}",
            actor=actor,
            on=ruling.decided_on,
        )
        self.accepted = ruling
        return ActionResult(message_zh=zh, message_en="Recorded")

    @action(PaymentOrder.record_issue)
    async def record_issue(self, task: OpenTask, ruling: Ruling, actor: Actor) -> ActionResult:
        if ruling.granted and ruling.received_on is None:
            ruling = ruling.model_copy(update={"received_on": ruling.decided_on})
        await self.close_deadline("issue", DeadlineStatus.met)
        zh = f"法院发出支付令，用人单位于{ruling.received_on}收到" if ruling.granted else f"法院裁定驳回申请：{ruling.reason}"
        await self.event(
            "payment_order_issued" if ruling.granted else "payment_order_dismissed",
            zh,
            f"Payment order issued, served on {ruling.received_on}" if ruling.granted else f"Application dismissed: {ruling.reason}",
            actor=actor,
            on=ruling.decided_on,
            citation="《民事诉讼法》第二百二十七条 / CPL Art. 227",
        )
        self.issued = ruling
        return ActionResult(message_zh=zh, message_en="Recorded")

    @action(PaymentOrder.record_paid)
    async def record_paid(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        await self.event("payment_order_paid", "用人单位已按支付令清偿", "The employer paid under the order", actor=actor, on=note.on)
        self.response = PaymentOrderOutcome.paid
        return ActionResult(message_zh="已记录清偿", message_en="Payment recorded")

    @action(PaymentOrder.record_objection)
    async def record_objection(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        await self.event(
            "payment_order_objection",
            "用人单位提出书面异议，支付令程序终结；劳动者可依调解协议起诉",
            "The employer objected in writing: the procedure ends; the worker may sue on the agreement",
            actor=actor,
            on=note.on,
            citation="最高法解释（一）第十三条 / SPC Interp. I Art. 13",
        )
        self.response = PaymentOrderOutcome.objection
        return ActionResult(message_zh="已记录异议", message_en="Objection recorded")
