"""A referral: one hand-over of a case from one agency to another (union mediation to the arbitration
commission, the commission to the court, the court to its invited mediators, ...).

The transfer letter is issued in the sender's name; the receiver's task asks it to acknowledge by a
service-level date (the law sets the receiver's decision period, which follows). Left unanswered,
the task reminds and then escalates to the receiving organisation's supervisor. The receiver
accepts, or returns the case with a reason, which goes back to the sender: the sender sends it
again (corrected) or withdraws it. Both sides read the same referral record."""

from __future__ import annotations

from datetime import date

from temporalio import workflow
from temporalio.common import VersioningBehavior

from workflows.kit import options
from workflows.kit.actions import action
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain import paperwork
    from domain.actions import ActionResult, Actor
    from domain.catalogue import Referral
    from domain.documents import DocumentRef, DocumentType
    from domain.records import DeadlineStatus
    from domain.referrals import (
        REFERRALS,
        ReferralAnswer,
        ReferralInput,
        ReferralRecord,
        ReferralResend,
        ReferralResult,
        ReferralReturn,
        ReferralStatus,
    )


@workflow.defn(name="referral", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class ReferralWorkflow(StatutoryWorkflow):
    """One hand-over between agencies, until the receiver takes the case or the sender withdraws it."""

    def __init__(self) -> None:
        self.answer: ReferralResult | None = None
        self.resent: ReferralResend | None = None
        self.letter: DocumentRef | None = None

    @workflow.run
    async def run(self, inp: ReferralInput) -> ReferralResult:
        self.inp, rule = inp, REFERRALS[inp.kind]
        self.setup_case(inp.ctx, inp.receiver_team)
        self.status = "sent"
        sent_on = inp.sent_on
        while True:
            await self._send(sent_on)
            await self.open_task(
                "receive_referral",
                f"{rule.title_zh}：{rule.ask_zh}（来自{inp.sender_name}）",
                f"{rule.title_en}: {rule.ask_en} (from {inp.sender_name})",
                (Referral.accept_referral, Referral.return_referral),
                deadline_key="acknowledge",
                role=rule.receiver_role.value,
                team_code=inp.receiver_team,
            )
            if not await self.until("acknowledge", lambda: self.answer is not None):
                await self.close_deadline("acknowledge", DeadlineStatus.missed)
                await workflow.wait_condition(lambda: self.answer is not None)
            assert self.answer is not None
            if self.answer.status is ReferralStatus.accepted or rule.return_is_decision:
                break  # a decisive return ends it: what may follow is the sender's (domain.referrals.REFUSALS)
            self.resent = None
            await self.open_task(
                "referral_returned",
                f"案件被{inp.receiver_name}退回：{self.answer.reason}",
                f"Returned by {inp.receiver_name}: {self.answer.reason}",
                (Referral.resend_referral, Referral.withdraw_referral),
                team_code=inp.sender_team,
                role=inp.sender_role,
                data={"reason": self.answer.reason},
            )
            await workflow.wait_condition(lambda: self.resent is not None)
            if self.answer.status is ReferralStatus.withdrawn:
                break
            assert self.resent is not None
            sent_on, self.answer = self.resent.on, None
        await self.settle()
        self.status = self.answer.status.value
        return self.answer

    async def _send(self, sent_on: date) -> None:
        """Issue the transfer letter (once per sending) and start the acknowledgement clock."""
        inp, rule = self.inp, REFERRALS[self.inp.kind]
        if rule.answer_rule is not None:  # the answer is the receiver's decision, due by the law's period
            rule_id, variant = rule.answer_rule
            ack = await self.set_deadline("acknowledge", rule_id, sent_on, **({"variant": variant} if variant else {}))
        else:
            ack = await self.set_service_deadline("acknowledge", sent_on, rule.acknowledge_days, "确认收案", "Acknowledge the referral")
        self.letter = await self.document(
            DocumentType.case_transfer_letter,
            paperwork.case_transfer(
                inp.sender_name,
                inp.receiver_name,
                rule.title_zh,
                inp.reason_zh or f"现{rule.title_zh}。",
                rule.basis,
                ack.due or inp.sent_on,
                rule.decision_zh,
                [],
            ),
            series=f"{inp.sender_team or 'referral'}/case_transfer_letter",
        )
        await self.event(
            "referral_sent",
            f"{inp.sender_name}{rule.title_zh}：{inp.receiver_name}，请于{ack.due}前{'作出决定' if rule.answer_rule else '确认收案'}",
            f"{inp.sender_name}: {rule.title_en} ({inp.receiver_name}); {'decision' if rule.answer_rule else 'acknowledge'} by {ack.due}",
            citation=rule.basis,
            data={"document_id": self.letter.document_id, "kind": inp.kind.value},
        )
        await self._record(ReferralStatus.sent, acknowledge_by=ack.due)

    async def _record(self, status: ReferralStatus, **fields: object) -> None:
        inp = self.inp
        record = ReferralRecord.model_validate(
            {
                "referral_key": self.kit.workflow_id,
                "case_no": inp.ctx.case_no,
                "kind": inp.kind,
                "sender_team": inp.sender_team,
                "sender_name": inp.sender_name,
                "receiver_team": inp.receiver_team,
                "receiver_name": inp.receiver_name,
                "sent_on": inp.sent_on,
                "status": status,
                "document_id": self.letter.document_id if self.letter else None,
                **fields,
            }
        )
        await options.run_quick("record-referral", record, options.PROJECTION)

    @action(Referral.accept_referral)
    async def accept_referral(self, task: OpenTask, answer: ReferralAnswer, actor: Actor) -> ActionResult:
        await self.close_deadline("acknowledge", DeadlineStatus.met)
        self.answer = ReferralResult(status=ReferralStatus.accepted, decided_on=answer.on, reason=answer.remarks)
        await self.event(
            "referral_accepted", f"{self.inp.receiver_name}确认收案", f"{self.inp.receiver_name} took the case", actor=actor, on=answer.on
        )
        await self._record(ReferralStatus.accepted, decided_on=answer.on, reason=answer.remarks)
        return ActionResult(message_zh="已确认收案", message_en="Referral accepted")

    @action(Referral.return_referral)
    async def return_referral(self, task: OpenTask, answer: ReferralReturn, actor: Actor) -> ActionResult:
        await self.close_deadline("acknowledge", DeadlineStatus.met)
        self.answer = ReferralResult(status=ReferralStatus.returned, decided_on=answer.on, reason=answer.reason)
        await self.event(
            "referral_returned",
            f"{self.inp.receiver_name}退回案件：{answer.reason}",
            f"{self.inp.receiver_name} returned the case: {answer.reason}",
            actor=actor,
            on=answer.on,
        )
        await self._record(ReferralStatus.returned, decided_on=answer.on, reason=answer.reason)
        return ActionResult(message_zh="已退回移送单位", message_en="Returned to the sender")

    @action(Referral.resend_referral)
    async def resend_referral(self, task: OpenTask, resend: ReferralResend, actor: Actor) -> ActionResult:
        self.resent = resend
        await self.event("referral_resent", f"重新移送：{resend.remarks or '已补正'}", "Referred again", actor=actor, on=resend.on)
        return ActionResult(message_zh="已重新移送", message_en="Referred again")

    @action(Referral.withdraw_referral)
    async def withdraw_referral(self, task: OpenTask, resend: ReferralResend, actor: Actor) -> ActionResult:
        assert self.answer is not None
        self.answer = self.answer.model_copy(update={"status": ReferralStatus.withdrawn})
        self.resent = resend
        await self.event("referral_withdrawn", f"撤回移送：{resend.remarks}", "Referral withdrawn", actor=actor, on=resend.on)
        await self._record(ReferralStatus.withdrawn, decided_on=resend.on, reason=self.answer.reason)
        return ActionResult(message_zh="已撤回移送", message_en="Referral withdrawn")
