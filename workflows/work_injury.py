"""Work-injury determination before any claim for benefits (Work Injury Insurance Regulation):
the employer should apply within 30 days (D61); otherwise the worker, relatives or the union within
1 year (D62); HR-social-security decides within 60 days, or 15 for clear cases (D63)."""

from __future__ import annotations

from temporalio import workflow
from temporalio.common import VersioningBehavior

from workflows.kit.actions import action
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain.actions import ActionResult, Actor, Note, Ruling
    from domain.catalogue import WorkInjury
    from domain.records import DeadlineStatus
    from domain.workflow_models import WorkInjuryInput, WorkInjuryResult


@workflow.defn(name="work-injury", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class WorkInjuryWorkflow(StatutoryWorkflow):
    """From the injury to the determination decision."""

    def __init__(self) -> None:
        self.applied: Note | None = None
        self.decision: Ruling | None = None

    @workflow.run
    async def run(self, inp: WorkInjuryInput) -> WorkInjuryResult:
        ctx = inp.ctx
        self.setup_case(ctx)
        self.status = "awaiting_application"
        employer = await self.set_deadline("employer_application", "D61", inp.injured_on)
        worker = await self.set_deadline("worker_application", "D62", inp.injured_on)
        await self.event(
            "work_injury",
            f"用人单位应在{employer.due}前申请工伤认定；逾期未申请的，劳动者或工会可在{worker.due}前申请",
            f"The employer must apply for determination by {employer.due}; otherwise the worker or union by {worker.due}",
            on=inp.injured_on,
            citation=worker.basis,
        )
        await self.open_task(
            "record_determination_application",
            "协助申请工伤认定并记录申请日",
            "Help apply for determination; record the date",
            (WorkInjury.record_application,),
            deadline_key="worker_application",
        )
        await workflow.wait_condition(lambda: self.applied is not None)
        assert self.applied is not None
        await self.set_deadline("decision", "D63", self.applied.on)
        await self.open_task(
            "record_determination",
            "记录工伤认定结论",
            "Record the determination",
            (WorkInjury.record_determination,),
            deadline_key="decision",
        )
        await workflow.wait_condition(lambda: self.decision is not None)
        assert self.decision is not None
        await self.settle()
        self.status = "recognised" if self.decision.granted else "not_recognised"
        return WorkInjuryResult(recognised=self.decision.granted, noted_on=self.decision.decided_on)

    @action(WorkInjury.record_application)
    async def record_application(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        for key in ("employer_application", "worker_application"):
            await self.close_deadline(key, DeadlineStatus.met)
        await self.event(
            "determination_applied", "已向社会保险行政部门申请工伤认定", "Applied for work-injury determination", actor=actor, on=note.on
        )
        self.applied = note
        return ActionResult(message_zh="已记录申请", message_en="Application recorded")

    @action(WorkInjury.record_determination)
    async def record_determination(self, task: OpenTask, ruling: Ruling, actor: Actor) -> ActionResult:
        await self.close_deadline("decision", DeadlineStatus.met)
        zh = "认定为工伤，可主张工伤保险待遇" if ruling.granted else f"不予认定工伤：{ruling.reason}；可申请行政复议或提起行政诉讼"
        await self.event(
            "determination",
            zh,
            "Recognised as a work injury" if ruling.granted else "Not recognised; administrative review or litigation possible",
            actor=actor,
            on=ruling.decided_on,
            citation="《工伤保险条例》第二十条 / Work Injury Insurance Regulation Art. 20",
        )
        self.decision = ruling
        return ActionResult(message_zh=zh, message_en="Determination recorded")
