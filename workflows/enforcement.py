"""Performance and enforcement of a binding title (award, arbitral or confirmed settlement,
judgment, payment order): enforcement must be applied for within 2 years of the last day of the
performance period (CPL Art. 250, D32); a non-enforcement ruling leaves 30 days to sue (D31)."""

from __future__ import annotations

from datetime import date

from temporalio import workflow
from temporalio.common import VersioningBehavior

from workflows.kit.actions import action
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain.actions import ActionResult, Actor, LegalAidReferral, Note, Ruling
    from domain.catalogue import Enforcement
    from domain.organisations import Agency
    from domain.records import DeadlineStatus
    from domain.workflow_models import EnforcementInput, EnforcementOutcome, EnforcementResult


@workflow.defn(name="enforcement", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class EnforcementWorkflow(StatutoryWorkflow):
    """Waits for voluntary performance or the court's enforcement, within the 2-year window."""

    def __init__(self) -> None:
        self.outcome: EnforcementOutcome | None = None
        self.applied_on: date | None = None

    @workflow.run
    async def run(self, inp: EnforcementInput) -> EnforcementResult:
        ctx = inp.ctx
        self.setup_case(ctx)
        self.status = "awaiting_performance"
        window = await self.set_deadline("enforcement", "D32", inp.perform_by or inp.effective_on)
        await self.event(
            "title_effective",
            f"{inp.title_zh}已生效；用人单位不履行的，可在{window.due}前申请强制执行",
            f"{inp.title_en} is binding; if the employer does not perform, apply for enforcement by {window.due}",
            on=inp.effective_on,
            citation=window.basis,
        )
        await self.open_task(
            "record_performance",
            "记录履行或强制执行情况",
            "Record performance or enforcement",
            (
                Enforcement.record_performed,
                Enforcement.record_enforcement_application,
                Enforcement.record_enforcement_result,
                Enforcement.refer_to_legal_aid,
            ),
            deadline_key="enforcement",
        )
        if not await self.until("enforcement", lambda: self.outcome is not None or self.applied_on is not None):
            self.outcome = EnforcementOutcome.lapsed
            await self.close_deadline("enforcement", DeadlineStatus.missed)
            await self.event(
                "enforcement_lapsed", "申请执行期间届满", "The period to apply for enforcement has passed", citation=window.basis
            )
        await workflow.wait_condition(lambda: self.outcome is not None)
        assert self.outcome is not None
        await self.cancel_open_tasks(self.outcome.value)
        await self.settle()
        self.status = self.outcome.value
        return EnforcementResult(outcome=self.outcome, noted_on=self.clock.today())

    @workflow.signal(name="apply-enforcement")
    async def apply_enforcement(self, applied_on: date) -> None:
        """The worker reports through the case page that they applied for enforcement."""
        if self.applied_on is None:
            self.applied_on = applied_on
            await self.close_deadline("enforcement", DeadlineStatus.met)
            await self.event("enforcement_applied", "劳动者申请强制执行", "The worker applied for enforcement")

    @action(Enforcement.refer_to_legal_aid)
    async def refer_to_legal_aid(self, task: OpenTask, request: LegalAidReferral, actor: Actor) -> ActionResult:
        return await self.refer_for_legal_aid(Agency.enforcement, request, actor, "人民法院执行机构", ("履行与执行", "enforcement"))

    @action(Enforcement.record_performed)
    async def record_performed(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        await self.close_deadline("enforcement", DeadlineStatus.met)
        await self.event("performed", "用人单位已履行", "The employer performed", actor=actor, on=note.on)
        self.outcome = EnforcementOutcome.performed
        return ActionResult(message_zh="已记录履行", message_en="Performance recorded")

    @action(Enforcement.record_enforcement_application)
    async def record_enforcement_application(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        self.applied_on = note.on
        await self.close_deadline("enforcement", DeadlineStatus.met)
        await self.event(
            "enforcement_applied",
            "已向人民法院申请强制执行",
            "Enforcement applied for",
            actor=actor,
            on=note.on,
            citation="《劳动争议调解仲裁法》第五十一条 / LDMAL Art. 51",
        )
        return ActionResult(message_zh="已记录执行申请", message_en="Enforcement application recorded")

    @action(Enforcement.record_enforcement_result)
    async def record_enforcement_result(self, task: OpenTask, ruling: Ruling, actor: Actor) -> ActionResult:
        if ruling.granted:
            self.outcome = EnforcementOutcome.satisfied
            zh, en = "执行完毕", "Enforced in full"
        else:
            sue = await self.set_deadline("sue_after_refusal", "D31", ruling.received_on or ruling.decided_on)
            self.outcome = EnforcementOutcome.refused
            zh, en = f"法院裁定不予执行，可在{sue.due}前起诉", f"Enforcement refused; a party may sue by {sue.due}"
        await self.event(
            "enforcement_result", zh, en, actor=actor, on=ruling.decided_on, citation="最高法解释（一）第二十四条 / SPC Interp. I Art. 24"
        )
        return ActionResult(message_zh=zh, message_en=en)
