"""After a mediation agreement: confirmation (judicial confirmation within 30 days, D06; or
arbitration review within 15 days, D04) and performance tracking, with the statutory follow-up
when the employer defaults (payment order, arbitration or enforcement)."""

from __future__ import annotations

from decimal import Decimal

from temporalio import workflow
from temporalio.common import VersioningBehavior

from workflows.kit.actions import action
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain import paperwork
    from domain.actions import (
        ActionResult,
        Actor,
        ConfirmationFiling,
        ConfirmationRoute,
        LegalAidReferral,
        Note,
        PaymentRecord,
        Ruling,
    )
    from domain.case import ClaimKind
    from domain.catalogue import Agreement
    from domain.documents import DocumentType
    from domain.organisations import mediation_agency
    from domain.records import DeadlineStatus
    from domain.workflow_models import AgreementInput, AgreementOutcome, AgreementResult

# Items a payment order can enforce when the employer defaults (LDMAL Art. 16).
PAY_ITEMS = frozenset(
    {
        ClaimKind.wages,
        ClaimKind.overtime_pay,
        ClaimKind.medical_costs,
        ClaimKind.economic_compensation,
        ClaimKind.damages,
        ClaimKind.double_wage,
    }
)


@workflow.defn(name="agreement", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class AgreementWorkflow(StatutoryWorkflow):
    """Confirmation and performance of a signed mediation agreement."""

    def __init__(self) -> None:
        self.paid = Decimal(0)
        self.confirmed = False
        self.default_noted: Ruling | Note | None = None
        self.confirmation_settled = False

    @workflow.run
    async def run(self, inp: AgreementInput) -> AgreementResult:
        ctx, terms = inp.ctx, inp.agreement
        self.setup_case(ctx, ctx.teams.get(inp.channel.value))  # the mediation organisation follows its agreement
        self.terms, self.inp = terms, inp
        self.status = "performing"
        judicial = await self.set_deadline("judicial_confirmation", "D06", terms.signed_on)
        await self.set_deadline("arbitration_review", "D04", terms.signed_on)
        await self.event(
            "agreement_effective",
            f"调解协议生效；可在{judicial.due}前共同申请司法确认",
            f"Agreement effective; a joint application for judicial confirmation is possible until {judicial.due}",
            citation=judicial.basis,
            on=terms.signed_on,
        )
        self.confirm_task = await self.open_task(
            "confirm_agreement",
            "协助双方申请司法确认或仲裁审查",
            "Help the parties apply for judicial confirmation or arbitration review",
            (Agreement.file_confirmation, Agreement.skip_confirmation, Agreement.refer_to_legal_aid),
            deadline_key="judicial_confirmation",
        )
        perform_by = max((i.due_on for i in terms.instalments), default=terms.signed_on)
        await self.set_agreed_deadline(
            "performance", terms.signed_on, perform_by, "调解协议约定的履行期限至{due}", "Performance due under the agreement by {due}"
        )
        self.perform_task = await self.open_task(
            "track_performance",
            "跟踪调解协议履行",
            "Track performance of the agreement",
            (Agreement.record_payment, Agreement.record_default, Agreement.refer_to_legal_aid),
            deadline_key="performance",
        )
        await workflow.wait_condition(lambda: self.paid >= terms.total or self.default_noted is not None)
        await self.cancel_open_tasks("agreement_settled")
        await self.settle()
        return self._outcome()

    def _outcome(self) -> AgreementResult:
        today = self.clock.today()
        if self.paid >= self.terms.total:
            self.status = "performed"
            return AgreementResult(outcome=AgreementOutcome.performed, noted_on=today, confirmed=self.confirmed)
        unpaid = self.terms.total - self.paid
        if self.confirmed:
            outcome = AgreementOutcome.default_confirmed
        elif any(item.kind in PAY_ITEMS for item in self.terms.items):
            outcome = AgreementOutcome.default_pay
        else:
            outcome = AgreementOutcome.default_other
        self.status = outcome.value
        return AgreementResult(outcome=outcome, noted_on=today, unpaid=unpaid, confirmed=self.confirmed)

    @action(Agreement.refer_to_legal_aid)
    async def refer_to_legal_aid(self, task: OpenTask, request: LegalAidReferral, actor: Actor) -> ActionResult:
        organisation = mediation_agency(self.inp.channel.value)
        return await self.refer_for_legal_aid(organisation, request, actor, "调解组织", ("调解协议的履行", "the agreement"))

    @action(Agreement.file_confirmation)
    async def file_confirmation(self, task: OpenTask, filing: ConfirmationFiling, actor: Actor) -> ActionResult:
        key = filing.route.value
        due = self.due(key)
        if due is not None and filing.filed_on > due:
            await self.event(
                "confirmation_late",
                f"申请日{filing.filed_on}已超过期限{due}",
                f"Filed on {filing.filed_on}, after the deadline {due}",
                actor=actor,
                on=filing.filed_on,
            )
        await self.close_deadline(key, DeadlineStatus.met)
        other = "arbitration_review" if filing.route is ConfirmationRoute.judicial_confirmation else "judicial_confirmation"
        await self.close_deadline(other, DeadlineStatus.cancelled)
        docs: tuple[str, ...] = ()
        if filing.route is ConfirmationRoute.judicial_confirmation:
            accept = await self.set_deadline("court_acceptance", "D07", filing.filed_on)
            decide = await self.set_deadline("court_decision", "D08", accept.due or filing.filed_on)
            doc = await self.document(
                DocumentType.judicial_confirmation_application,
                paperwork.judicial_confirmation(
                    filing.body, self.inp.organisation, self.terms, self.kit.deadlines["judicial_confirmation"].deadline
                ),
            )
            docs = (doc.document_id,)
            deadline_key, basis = "court_decision", decide.basis
        else:
            await self.set_deadline("review_decision", "D05", filing.filed_on)
            deadline_key, basis = "review_decision", "办案规则第七十四至七十八条 / Arbitration Rules Art. 74-78"
        await self.event(
            "confirmation_filed",
            f"已向{filing.body}申请{'司法确认' if key == 'judicial_confirmation' else '仲裁审查'}",
            f"Applied to {filing.body} for {key.replace('_', ' ')}",
            actor=actor,
            on=filing.filed_on,
            citation=basis,
        )
        by_court = filing.route is ConfirmationRoute.judicial_confirmation  # else the commission reviews it
        await self.open_task(
            "record_confirmation_ruling",
            "记录确认结果",
            "Record the confirmation ruling",
            (Agreement.record_ruling,),
            deadline_key=deadline_key,
            team_code=None if by_court else self.kit.teams.get("arbitration"),
            role=None if by_court else "arbitrator",
        )
        return ActionResult(message_zh="已登记确认申请", message_en="Confirmation application recorded", document_ids=docs)

    @action(Agreement.skip_confirmation)
    async def skip_confirmation(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        for key in ("judicial_confirmation", "arbitration_review"):
            await self.close_deadline(key, DeadlineStatus.cancelled)
        await self.event("confirmation_skipped", "当事人不申请确认", "The parties do not seek confirmation", actor=actor, on=note.on)
        return ActionResult(message_zh="已记录", message_en="Recorded")

    @action(Agreement.record_ruling)
    async def record_ruling(self, task: OpenTask, ruling: Ruling, actor: Actor) -> ActionResult:
        for key in ("court_acceptance", "court_decision", "review_decision"):
            await self.close_deadline(key, DeadlineStatus.met)
        self.confirmed = ruling.granted
        zh, en = (
            ("确认调解协议有效，可申请强制执行", "Agreement confirmed: enforceable by the court")
            if ruling.granted
            else (f"驳回确认申请：{ruling.reason}；可重新调解或起诉", f"Confirmation refused ({ruling.reason}); re-mediate or sue")
        )
        await self.event(
            "confirmation_ruling", zh, en, actor=actor, on=ruling.decided_on, citation="《民事诉讼法》第二百零六条 / CPL Art. 206"
        )
        return ActionResult(message_zh=zh, message_en=en)

    @action(Agreement.record_payment)
    async def record_payment(self, task: OpenTask, payment: PaymentRecord, actor: Actor) -> ActionResult:
        self.paid += payment.amount
        left = max(self.terms.total - self.paid, Decimal(0))
        await self.event(
            "agreement_payment",
            f"用人单位支付{payment.amount}元，尚欠{left}元",
            f"Employer paid {payment.amount}; {left} outstanding",
            actor=actor,
            on=payment.paid_on,
            data={"amount": str(payment.amount)},  # read by monitoring
        )
        if left == 0:
            await self.close_deadline("performance", DeadlineStatus.met)
            await self.close_task(task, "performed", actor)
        return ActionResult(message_zh=f"已记录付款，尚欠{left}元", message_en=f"Payment recorded; {left} outstanding")

    @action(Agreement.record_default)
    async def record_default(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        self.default_noted = note
        await self.close_deadline("performance", DeadlineStatus.missed)
        await self.event(
            "agreement_default",
            "用人单位未按调解协议履行",
            "The employer did not perform the agreement",
            actor=actor,
            on=note.on,
            citation="《劳动争议调解仲裁法》第十五条、第十六条 / LDMAL Art. 15, 16",
        )
        return ActionResult(message_zh="已记录不履行", message_en="Default recorded")

    def guard(self, task: OpenTask, action_name: str, payload: object) -> str | None:
        if action_name == "record_default" and self.paid >= self.terms.total:
            return "协议已全部履行 / the agreement is fully performed"
        return super().guard(task, action_name, payload)
