"""Procuratorate support of a lawsuit (支持起诉, CPL Art. 15) for workers with weak litigation
capacity: migrant workers, platform workers, women, minors, disabled and older workers. The law sets
no period for the decision, so the referral carries a service level and escalates when unanswered."""

from __future__ import annotations

from temporalio import workflow
from temporalio.common import VersioningBehavior

from workflows.kit.actions import action
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain.actions import ActionResult, Actor, Ruling
    from domain.catalogue import Procuratorate
    from domain.records import DeadlineStatus
    from domain.workflow_models import ProcuratorateInput, ProcuratorateResult

DECISION_DAYS = 10  # service level; reported practice decides within days (rules section 10.1, [L])


@workflow.defn(name="procuratorate-support", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class ProcuratorateSupportWorkflow(StatutoryWorkflow):
    """A request for the procuratorate to support the worker's suit, with its acknowledgement clock."""

    def __init__(self) -> None:
        self.decision: Ruling | None = None

    @workflow.run
    async def run(self, inp: ProcuratorateInput) -> ProcuratorateResult:
        ctx = inp.ctx
        self.setup_case(ctx)
        self.status = "referred"
        await self.set_service_deadline(
            "decision", inp.requested_on, DECISION_DAYS, "检察机关审查是否支持起诉", "Procuratorate decides on support"
        )
        await self.event(
            "procuratorate_referral",
            "移送检察机关申请支持起诉",
            "Referred to the procuratorate for support of the suit",
            on=inp.requested_on,
            citation="《民事诉讼法》第十五条 / CPL Art. 15",
            data={"groups": list(inp.groups)},
        )
        await self.open_task(
            "record_procuratorate_decision",
            "记录检察机关是否支持起诉",
            "Record the procuratorate's decision",
            (Procuratorate.record_decision,),
            deadline_key="decision",
        )
        await workflow.wait_condition(lambda: self.decision is not None)
        assert self.decision is not None
        await self.settle()
        self.status = "supported" if self.decision.granted else "declined"
        return ProcuratorateResult(supported=self.decision.granted, noted_on=self.decision.decided_on)

    @action(Procuratorate.record_decision)
    async def record_decision(self, task: OpenTask, ruling: Ruling, actor: Actor) -> ActionResult:
        await self.close_deadline("decision", DeadlineStatus.met)
        zh = "检察机关决定支持起诉，出具支持起诉意见书" if ruling.granted else f"检察机关不支持起诉：{ruling.reason}"
        await self.event(
            "procuratorate_decision",
            zh,
            "The procuratorate will support the suit" if ruling.granted else "The procuratorate declined",
            actor=actor,
            on=ruling.decided_on,
        )
        self.decision = ruling
        return ActionResult(message_zh=zh, message_en="Decision recorded")
